"""`pos shift` and `pos cash`: open a till's shift with its float, pay cash in and out, close it with the Z.

PINs are asked as everywhere else (hidden at a terminal, else one per line of standard input).
Once the ledger has staff, `--staff` is needed: the person opening the shift, the manager paying
cash in or out, the manager closing it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from common.errors import PosError

_DB_HELP = "Ledger URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."
_TILL = click.option("--till", "till_name", default="till-1", show_default=True, help="The till, by name.")


def _acting(engine, staff_code: str | None, till: str, what: str | None, command: str):  # type: ignore[no-untyped-def]
    """(unit of work, the signed-in person or None): `staff_code` signs in (a manager, for `what`), their PIN
    asked now; with no staff code, only while the ledger has no staff yet."""
    from common.values import Actor
    from pos.cli import _approval, _fail, _sign_in, _unit_of_work
    from pos.staff.services import list_staff

    if staff_code:
        member = _approval(engine, staff_code, what, till) if what else _sign_in(engine, staff_code, till)
        return _unit_of_work(engine, Actor.signed_in(member, till)), member
    if list_staff(engine):
        _fail(PosError(f"Who is it? Add --staff and your staff code{' (a manager)' if what else ''}; your PIN is asked."))
    return _unit_of_work(engine, Actor(command, till)), None


def _pounds(text: str, what: str) -> int:
    from common.money import MoneyFormatError, parse_pounds
    from pos.cli import _fail

    try:
        return parse_pounds(text)
    except MoneyFormatError as error:
        _fail(PosError(f"{what}: {error}."))


@click.group()
def shift() -> None:
    """A till's shifts: open one with its float, list them, close one with the counted drawer (the Z)."""


@shift.command(name="open")
@_TILL
@click.option("--float", "float_amount", required=True, help="The cash counted into the drawer, in pounds (e.g. 100).")
@click.option("--staff", "staff_code", help="Who opens it, by staff code (their PIN is asked).")
@click.option("--db", help=_DB_HELP)
def shift_open(till_name: str, float_amount: str, staff_code: str | None, db: str | None) -> None:
    """Open a shift at --till with a counted float: the till sells only while a shift is open."""
    from common.money import format_pence
    from pos.cli import _fail, _open
    from pos.shifts.services import open_shift

    float_pence = _pounds(float_amount, "--float")
    engine = _open(db)
    uow, _ = _acting(engine, staff_code, till_name, None, "pos shift open")
    try:
        opened = open_shift(uow, float_pence)
    except PosError as error:
        _fail(error)
    click.echo(f"Shift {opened.id} open at {opened.till} with a float of {format_pence(opened.float_pence)}, "
               f"by {opened.opened_by}.")


@shift.command(name="list")
@click.option("--till", "till_name", help="Only this till's shifts.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--db", help=_DB_HELP)
def shift_list(till_name: str | None, output: str, db: str | None) -> None:
    """Every shift, newest first: open or closed, when, by whom, with its float."""
    from common.money import format_pence
    from pos.cli import _open
    from pos.reports.render import text_table
    from pos.shifts.services import list_shifts

    shifts = list_shifts(_open(db), till_name)
    if output == "json":
        click.echo(json.dumps([
            {"shift": s.id, "till": s.till, "opened_at": s.opened_at.isoformat(), "opened_by": s.opened_by,
             "float_pence": s.float_pence, "closed_at": s.closed_at.isoformat() if s.closed_at else None,
             "closed_by": s.closed_by or None}
            for s in shifts
        ], indent=2))
        return
    if not shifts:
        click.echo("No shifts yet: open one with `pos shift open --till NAME --float AMOUNT --staff CODE`.")
        return
    click.echo(text_table(
        ["Shift", "Till", "Opened", "By", "Float", "Closed", "By"],
        [[str(s.id), s.till, f"{s.opened_at:%Y-%m-%d %H:%M}", s.opened_by, format_pence(s.float_pence),
          f"{s.closed_at:%Y-%m-%d %H:%M}" if s.closed_at else "open", s.closed_by]
         for s in shifts],
        {0, 4},
    ))


def _note_for(engine, till: str, counted_pence: int) -> str:  # type: ignore[no-untyped-def]
    """At a terminal, a note is asked for when the count differs from what is expected; Enter gives none."""
    from pos.shifts.services import current_shift, shift_cash_up, variance_words

    if not sys.stdin.isatty():
        return ""
    open_now = current_shift(engine, till)
    if open_now is None:
        return ""
    variance = counted_pence - shift_cash_up(engine, open_now.id).expected_cash_pence
    if variance == 0:
        return ""
    return str(click.prompt(f"The drawer: {variance_words(variance)}. A note for the record (Enter for none)",
                            default="", show_default=False))


@shift.command(name="close")
@_TILL
@click.option("--counted", help="The cash counted in the drawer, in pounds (or give --count).")
@click.option("--count", "count_text", help="The drawer by notes and coins, pounds:how many: 50:2,20:3,0.01:7.")
@click.option("--note", default="", help="Why the count differs from what is expected, if it does.")
@click.option("--shift", "shift_id", type=int, help="The shift you reviewed (refused if another is open).")
@click.option("--staff", "staff_code", help="The manager closing it, by staff code (their PIN is asked).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--print/--no-print", "do_print", default=True, show_default=True,
              help="Print the Z's summary on the till's receipt printer (the PDF is saved either way).")
@click.option("--config", type=click.Path(path_type=Path), help="The configuration file (store header, printers).")
@click.option("--db", help=_DB_HELP)
def shift_close(till_name: str, counted: str | None, count_text: str | None, note: str, shift_id: int | None,
                staff_code: str | None, output: str, do_print: bool, config: Path | None, db: str | None) -> None:
    """The Z: close the shift at --till with the drawer counted. A difference never blocks the close.

    Then the Z is saved as a PDF under data/reports/, printed on the till's printer, and the ledger backed up.
    """
    from pos.cli import _fail, _open, _settings
    from pos.shifts.services import close_shift, count_total, parse_cash_count

    if (counted is None) == (count_text is None):
        _fail(PosError("Give the counted cash: --counted 182.40, or --count 50:2,20:3,0.01:7 by notes and coins."))
    try:
        cash_count = parse_cash_count(count_text) if count_text is not None else None
    except PosError as error:
        _fail(error)
    counted_pence = count_total(cash_count) if cash_count is not None else _pounds(counted or "", "--counted")
    engine = _open(db)
    settings = _settings(str(config) if config else None)
    uow, manager = _acting(engine, staff_code, till_name, "Closing a shift (the Z)", "pos shift close")
    if not note:
        note = _note_for(engine, till_name, counted_pence)
    try:
        closed = close_shift(uow, manager, counted_pence=None if cash_count is not None else counted_pence,
                             cash_count=cash_count, note=note, shift_id=shift_id)
    except PosError as error:
        _fail(error)
    if output == "json":
        from pos.shifts.keeping import keep_z

        kept = keep_z(engine, closed, settings, print_summary=do_print)
        click.echo(json.dumps({
            "shift": closed.shift.id, "till": closed.shift.till, "expected_cash_pence": closed.cash.expected_cash_pence,
            "counted_cash_pence": closed.counted_cash_pence, "variance_pence": closed.variance_pence,
            "note": closed.note, "kept": kept,
        }))
        return
    click.echo(f"{closed.summary} (till {closed.shift.till}, by {closed.shift.closed_by})")
    if closed.variance_pence and not closed.note:
        click.echo("No note was given for the difference; `pos report z` shows it as it is.")
    from pos.shifts.keeping import keep_z

    for line in keep_z(engine, closed, settings, print_summary=do_print):
        click.echo(line)


@click.group()
def cash() -> None:
    """Cash paid into or out of a till's drawer during its shift, with a reason (a manager)."""


def _move(kind: str, amount: str, reason: str, till_name: str, staff_code: str | None, db: str | None) -> None:
    from common.money import format_pence
    from pos.cli import _fail, _open
    from pos.shifts.services import move_cash

    amount_pence = _pounds(amount, "AMOUNT")
    engine = _open(db)
    word = "paid-in" if kind == "paid_in" else "paid-out"
    uow, manager = _acting(engine, staff_code, till_name, f"A {word}", f"pos cash {kind[5:]}")
    try:
        after = move_cash(uow, kind, amount_pence, reason, manager)
    except PosError as error:
        _fail(error)
    click.echo(f"{word.capitalize()} of {format_pence(amount_pence)} at {till_name} recorded; the drawer should now "
               f"hold {format_pence(after.expected_cash_pence)}.")


_REASON = click.option("--reason", required=True, help="Why, for the record (e.g. 'Change from the bank').")
_MANAGER = click.option("--staff", "staff_code", help="The manager, by staff code (their PIN is asked).")


@cash.command(name="in")
@click.argument("amount")
@_REASON
@_TILL
@_MANAGER
@click.option("--db", help=_DB_HELP)
def cash_in(amount: str, reason: str, till_name: str, staff_code: str | None, db: str | None) -> None:
    """Pay AMOUNT (pounds) into the drawer of --till."""
    _move("paid_in", amount, reason, till_name, staff_code, db)


@cash.command(name="out")
@click.argument("amount")
@_REASON
@_TILL
@_MANAGER
@click.option("--db", help=_DB_HELP)
def cash_out(amount: str, reason: str, till_name: str, staff_code: str | None, db: str | None) -> None:
    """Pay AMOUNT (pounds) out of the drawer of --till."""
    _move("paid_out", amount, reason, till_name, staff_code, db)
