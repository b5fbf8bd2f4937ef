"""The `pos` command. Parses arguments, calls services, prints; heavy imports wait for the command."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from common.errors import PosError

SELL_PATIENCE_S = 120.0  # how long `pos sell` waits out a busy or unreachable ledger before it gives up
DB_HELP = "Ledger database URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."


def _fail(error: Exception | str) -> NoReturn:
    click.echo(f"Error: {error}", err=True)
    sys.exit(1)


def _open(db: str | None):  # type: ignore[no-untyped-def]
    """The existing, current ledger (see pos.ledger.open_ledger), or exit with what to do."""
    from pos.ledger import open_ledger

    try:
        return open_ledger(db)
    except PosError as error:
        _fail(error)


def _settings(config: str | None):  # type: ignore[no-untyped-def]
    from pos.config import load_settings

    try:
        return load_settings(config)
    except PosError as error:
        _fail(error)


def _read_pin(prompt: str) -> str:
    """A PIN: typed hidden at a terminal, else the next line of standard input. Never an argument.

    PINs are never command-line arguments or environment variables (they would sit in shell history
    and process lists); scripts pipe them in, one per line, in the order the command asks.
    """
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass(f"{prompt}: ")
    line = sys.stdin.readline()
    if not line:
        _fail(PosError(f"{prompt} was asked for, but standard input has no more lines. Pipe one PIN per line."))
    return line.rstrip("\r\n")


def _sign_in(engine, code: str, till: str | None = None, what: str | None = None):  # type: ignore[no-untyped-def]
    """The staff member `code` after their PIN (asked now), a manager when `what` needs approving.

    Someone with no PIN yet chooses one here: the PIN typed is taken as their new one, once typed
    again to confirm. Exits with what went wrong.
    """
    from common.values import Actor
    from pos.staff.services import PinNotSet, approve, set_first_pin, sign_in

    pin = _read_pin(f"PIN for {'manager ' if what else ''}{code}")
    uow = _unit_of_work(engine, Actor(code, till))
    try:
        try:
            return approve(uow, code, pin, what) if what else sign_in(uow, code, pin)
        except PinNotSet as unset:
            if what and not unset.member.is_manager:
                _fail(PosError(f"{unset.member.name} is not a manager. {what} needs a manager's code and PIN."))
            click.echo(f"{unset.member.name} has no PIN yet: the PIN just typed becomes theirs.", err=True)
            if _read_pin(f"The new PIN for {code} again") != pin:
                _fail(PosError("The two PINs differ; nothing was changed. Try again."))
            return set_first_pin(uow, code, pin)
    except PosError as error:
        _fail(error)


def _approval(engine, code: str, what: str, till: str | None = None):  # type: ignore[no-untyped-def]
    """The manager `code`'s approval of `what`, after their PIN (asked now); exits if refused."""
    return _sign_in(engine, code, till, what)


def _unit_of_work(engine, actor):  # type: ignore[no-untyped-def]
    from pos.staff.services import unit_of_work

    return unit_of_work(engine, actor)


def _staff_change(engine, by: str | None, till: str | None = None):  # type: ignore[no-untyped-def]
    """(unit of work, approving manager or None) for a change to staff; the manager's PIN is asked first."""
    from common.values import Actor

    manager = _approval(engine, by, "Changing staff", till) if by else None
    return _unit_of_work(engine, Actor.signed_in(manager) if manager else Actor("set-up")), manager


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Makers' Till: sales, stock and reports for the Makers' pop-up store."""
    from pos.config import apply_store_timezone

    try:  # the store's [store] timezone, before any command reads a trading day (a --config reapplies its own)
        apply_store_timezone()
    except PosError as error:
        _fail(error)


@cli.command()
@click.option("--db", help=DB_HELP)
@click.option("--till-role", metavar="NAME",
              help="PostgreSQL: create the role the tills connect as (or set its password), allowed only what a till "
                   "needs. Its password is asked, or read from --till-password-file.")
@click.option("--till-password-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="With --till-role: the file whose first line is the role's password (never give it as an argument).")
def init(db: str | None, till_role: str | None, till_password_file: Path | None) -> None:
    """Create the ledger with its first till, till-1 (or upgrade an older one), and say where it is.

    The only command that creates or upgrades a ledger; the others refuse one that is missing or behind.
    On PostgreSQL, run by the database's owner; `--till-role pos_till` makes the tills' own role.
    """
    from pos.ledger import init_ledger
    from pos.sales.tills import list_tills
    from pos.till_role import check_role_name, needs_till_role, require_postgres, set_up_till_role, till_url

    if till_password_file is not None and till_role is None:
        _fail(PosError("--till-password-file goes with --till-role NAME."))
    try:
        if till_role is not None:  # refused before anything is created
            check_role_name(till_role)
            require_postgres(db)
        engine = init_ledger(db)
    except PosError as error:
        _fail(error)
    click.echo(f"Ledger ready: {engine.url.render_as_string(hide_password=True)} (tills: {', '.join(list_tills(engine))})")
    if till_role is None:
        if needs_till_role(engine):
            click.echo("The tills should not connect as this owner: `pos init --till-role pos_till` makes their own "
                       "role (README: Several tills).", err=True)
        return
    try:
        set_up_till_role(engine, till_role, _till_password(till_role, till_password_file))
    except PosError as error:
        _fail(error)
    click.echo(f"Tills connect as {till_role} (ledger entries: read and add only): {till_url(engine, till_role)}\n"
               f"Give each till machine that URL as POS_DATABASE_URL and the password in ~/.pgpass (README: Several tills).")


def _till_password(role: str, password_file: Path | None) -> str:
    """The till role's password: the first line of `password_file`, else typed hidden (twice) at a terminal,
    else one line of standard input. Never an argument: it would sit in shell history and process lists."""
    import getpass

    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            _fail(PosError(f"Could not read {password_file}: {error}."))
        return lines[0] if lines else ""
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {role}: ")
        if getpass.getpass(f"The password for {role} again: ") != password:
            _fail(PosError("The two passwords differ; nothing was changed. Try again."))
        return password
    line = sys.stdin.readline()
    if not line:
        _fail(PosError(f"The password for {role} was asked for, but standard input is empty: pipe it in on one line, "
                       "or use --till-password-file."))
    return line.rstrip("\r\n")


@cli.group()
def tills() -> None:
    """The tills registered in the ledger (each has its own receipt numbers)."""


@tills.command(name="add")
@click.argument("name")
@click.option("--db", help=DB_HELP)
def tills_add(name: str, db: str | None) -> None:
    """Register a till called NAME (1-20 letters, digits, '-' or '_'), e.g. till-2."""
    from common.values import Actor
    from pos.sales.tills import add_till

    try:
        add_till(_open(db), name, Actor("pos tills add"))
    except PosError as error:
        _fail(error)
    click.echo(f"Till {name} registered; open it with `pos till --till {name}`.")


@tills.command(name="list")
@click.option("--db", help=DB_HELP)
def tills_list(db: str | None) -> None:
    """The registered tills, one name a line."""
    from pos.sales.tills import list_tills

    for name in list_tills(_open(db)):
        click.echo(name)


@cli.command(name="import")
@click.argument("kind", type=click.Choice(["participants", "products", "stock", "staff"]))
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report problems without writing anything.")
@click.option("--update", is_flag=True,
              help="participants or products: change the rows already in the catalogue where they differ "
                   "(each difference is shown), and add the new ones.")
@click.option("--by", "recorded_by", default="import", show_default=True,
              help="Who is importing (recorded as who received the stock); for staff, and for --update once the "
                   "ledger has a manager, the manager (PIN asked).")
@click.option("--db", help=DB_HELP)
def import_(kind: str, file: Path, dry_run: bool, update: bool, recorded_by: str, db: str | None) -> None:
    """Import participants, products, received stock or staff from a CSV file (all rows or none)."""
    from common.values import Actor
    from inventory.imports import import_file

    engine = _open(db)
    if update:
        _import_update(engine, kind, file, recorded_by, dry_run)
        return
    if kind == "staff":
        _import_staff(engine, file, recorded_by, dry_run)
        return
    try:
        result = import_file(engine, kind, file, Actor(recorded_by), dry_run=dry_run)
    except PosError as error:
        _fail(error)
    click.echo(result.summary())


def _import_staff(engine, file: Path, by: str, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    from pos.staff.services import import_staff

    if by == "import":
        _fail(PosError("Importing staff needs a manager: add --by and their staff code (their PIN is asked)."))
    uow, manager = _staff_change(engine, by)
    try:
        count = import_staff(uow, file, by=manager, dry_run=dry_run)
    except PosError as error:
        _fail(error)
    verb = "would import" if dry_run else "imported"
    click.echo(f"staff: {verb} {count} row(s). Each person chooses their PIN when they first sign in.")


def _import_update(engine, kind: str, file: Path, by: str, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    from pos.catalogue.services import update_from_file

    if kind not in ("participants", "products"):
        _fail(PosError(f"--update works for participants and products, not {kind}."))
    if by == "import":
        _fail(PosError("An update changes the catalogue: add --by with who is making it "
                       "(a manager's staff code once the ledger has staff; their PIN is asked)."))
    uow, manager = _catalogue_change(engine, by)
    try:
        plan = update_from_file(uow, kind, file, by=manager, dry_run=dry_run)
    except PosError as error:
        _fail(error)
    click.echo(plan.report())


# --- changing the catalogue after import: pos participants ..., pos products ..., pos changes -----


def _catalogue_change(engine, by: str | None):  # type: ignore[no-untyped-def]
    """(unit of work, approving manager or None) for a catalogue change.

    Once the ledger has a manager, --by is a manager's staff code and their PIN is asked; before
    that (setting up), --by is the name recorded with the change.
    """
    from common.limits import check_staff_name
    from common.values import Actor
    from pos.staff.services import list_staff

    if not by or not by.strip():
        _fail(PosError("Who is making this change? Add --by: a manager's staff code (their PIN is asked), "
                       "or your name while the ledger has no staff."))
    if any(member.role == "manager" and member.active for member in list_staff(engine)):
        manager = _approval(engine, by, "Changing the catalogue")
        return _unit_of_work(engine, Actor.signed_in(manager)), manager
    try:
        check_staff_name(by)
    except PosError as error:
        _fail(error)
    return _unit_of_work(engine, Actor(by.strip())), None


def _change_catalogue(db: str | None, by: str | None, change):  # type: ignore[no-untyped-def]
    """Run `change(unit of work, approving manager)` on the ledger after the --by check; exit on a refusal."""
    uow, manager = _catalogue_change(_open(db), by)
    try:
        return change(uow, manager)
    except PosError as error:
        _fail(error)


def _echo_changes(changes, nothing: str) -> None:  # type: ignore[no-untyped-def]
    if not changes:
        click.echo(nothing)
    for change in changes:
        click.echo(f"Changed {change}")


_BY_OPTION = click.option("--by", "by", help="Who is changing it: a manager's staff code once the ledger has staff "
                                           "(their PIN is asked), else your name.")


@cli.group()
def participants() -> None:
    """The participants (designers): their details and their consent to be named."""


@participants.command(name="list")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--db", help=DB_HELP)
def participants_list(output: str, db: str | None) -> None:
    """Every participant with their consent and designs (names shown here for the programme's staff)."""
    from inventory.changes import list_participants
    from pos.reports.render import text_table

    people = list_participants(_open(db))
    if output == "json":
        click.echo(json.dumps([{"code": p.code, "name": p.name, "consent": p.consent, "linkedin_url": p.linkedin_url,
                                "designs": list(p.designs)} for p in people], indent=2))
        return
    click.echo(text_table(["Code", "Name", "Consent", "Designs"],
                          [[p.code, p.name, "yes" if p.consent else "no", str(len(p.designs))] for p in people], {3}))


@participants.command(name="show")
@click.argument("code")
@click.option("--db", help=DB_HELP)
def participants_show(code: str, db: str | None) -> None:
    """One participant: name, consent, story, LinkedIn address, designs and every change made to them."""
    from inventory.changes import change_log, participant_info

    engine = _open(db)
    try:
        info = participant_info(engine, code)
    except PosError as error:
        _fail(error)
    click.echo(f"{info.code}: {info.name}")
    click.echo(f"Consent: {'yes (named on receipts, look-up and reports)' if info.consent else 'no (never named)'}")
    click.echo(f"LinkedIn: {info.linkedin_url or '-'}")
    click.echo(f"Designs: {', '.join(info.designs) or '-'}")
    click.echo("Story:")
    for line in (info.story or "-").splitlines():
        click.echo(f"  {line}")
    for logged in change_log(engine, "participant", info.code):
        click.echo(f"{logged.at:%Y-%m-%d %H:%M} {logged.change} (by {logged.recorded_by}"
                   f"{', approved by ' + logged.approved_by if logged.approved_by else ''}; {logged.source})")


@participants.command(name="edit")
@click.argument("code")
@click.option("--name", help="The name to show where they consented (up to 80 characters).")
@click.option("--story", help="Their story, in their words (up to 2,000 characters).")
@click.option("--linkedin-url", "linkedin_url", help="https://www.linkedin.com/in/... ('' to remove it).")
@_BY_OPTION
@click.option("--db", help=DB_HELP)
def participants_edit(code: str, name: str | None, story: str | None, linkedin_url: str | None, by: str | None,
                      db: str | None) -> None:
    """Correct a participant's name, story or LinkedIn address (each change logged with the old value)."""
    from pos.catalogue.services import edit_participant

    if name is None and story is None and linkedin_url is None:
        _fail(PosError("Nothing to change: give --name, --story or --linkedin-url."))
    made = _change_catalogue(db, by, lambda uow, manager: edit_participant(
        uow, code, name=name, story=story, linkedin_url=linkedin_url, by=manager))
    _echo_changes(made, f"Nothing changed: {code.upper()} already has those details.")


@participants.command(name="consent")
@click.argument("code")
@click.argument("answer", type=click.Choice(["yes", "no"]))
@_BY_OPTION
@click.option("--db", help=DB_HELP)
def participants_consent(code: str, answer: str, by: str | None, db: str | None) -> None:
    """Give (yes) or withdraw (no) consent to be named; it holds at once on every receipt, look-up and report."""
    from pos.catalogue.services import set_consent

    made = _change_catalogue(db, by, lambda uow, manager: set_consent(uow, code, answer == "yes", by=manager))
    _echo_changes(made, f"Nothing changed: {code.upper()}'s consent is {answer} already.")


@cli.group()
def products() -> None:
    """The SKUs: their price, details, and retiring one."""


@products.command(name="price")
@click.argument("sku")
@click.argument("amount")
@_BY_OPTION
@click.option("--db", help=DB_HELP)
def products_price(sku: str, amount: str, by: str | None, db: str | None) -> None:
    """Set SKU's price in pounds (45, 45.00, £45) for every sale from now on; past sales keep theirs."""
    from common.money import MoneyFormatError, parse_pounds
    from pos.catalogue.services import change_price

    try:
        pence = parse_pounds(amount)
    except MoneyFormatError:
        _fail(PosError(f"'{amount}' is not an amount in pounds, such as 45 or 45.00. Nothing was changed."))
    made = _change_catalogue(db, by, lambda uow, manager: change_price(uow, sku, pence, by=manager))
    _echo_changes(made, f"Nothing changed: {sku} costs {amount} already.")


@products.command(name="edit")
@click.argument("sku")
@click.option("--name", help="The design's name (every SKU of the design).")
@click.option("--category", help="The design's category (every SKU of the design).")
@click.option("--size", help="This SKU's size.")
@click.option("--colour", help="This SKU's colour.")
@_BY_OPTION
@click.option("--db", help=DB_HELP)
def products_edit(sku: str, name: str | None, category: str | None, size: str | None, colour: str | None,
                  by: str | None, db: str | None) -> None:
    """Correct a SKU's size or colour, or its design's name or category; past sales keep what they were sold as."""
    from pos.catalogue.services import edit_product

    if name is None and category is None and size is None and colour is None:
        _fail(PosError("Nothing to change: give --name, --category, --size or --colour."))
    made = _change_catalogue(db, by, lambda uow, manager: edit_product(
        uow, sku, name=name, category=category, size=size, colour=colour, by=manager))
    _echo_changes(made, f"Nothing changed: {sku} already has those details.")


@products.command(name="retire")
@click.argument("sku")
@_BY_OPTION
@click.option("--db", help=DB_HELP)
def products_retire(sku: str, by: str | None, db: str | None) -> None:
    """SKU no longer sells (the till and `pos sell` refuse it); its sales, refunds and stock stay."""
    from pos.catalogue.services import retire_product

    _change_catalogue(db, by, lambda uow, manager: retire_product(uow, sku, by=manager))
    click.echo(f"{sku} is retired: it no longer sells. Its sales and stock movements stay.")


@cli.command()
@click.option("--subject", type=click.Choice(["participant", "design", "sku"]), help="Only changes to these.")
@click.option("--key", help="Only changes to this participant code, design name or SKU.")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--db", help=DB_HELP)
def changes(subject: str | None, key: str | None, output: str, db: str | None) -> None:
    """The catalogue change log: every change after import, with the old and new value, who and when."""
    from inventory.changes import change_log
    from pos.reports.render import text_table

    entries = change_log(_open(db), subject, key)
    if output == "json":
        click.echo(json.dumps([
            {"at": e.at.isoformat(timespec="seconds"), "subject": e.change.subject, "key": e.change.key,
             "field": e.change.field, "old": e.change.old, "new": e.change.new, "by": e.recorded_by,
             "approved_by": e.approved_by, "source": e.source} for e in entries
        ], indent=2))
        return
    click.echo(text_table(
        ["At", "Subject", "Key", "Field", "Old", "New", "By", "Approved by"],
        [[e.at.isoformat(sep=" ", timespec="minutes"), e.change.subject, e.change.key, e.change.field,
          _shown_value(e.change.field, e.change.old), _shown_value(e.change.field, e.change.new), e.recorded_by,
          e.approved_by] for e in entries],
        set(),
    ))


def _shown_value(field: str, value: str) -> str:
    from common.money import format_pence

    return format_pence(int(value)) if field == "price_pence" and value.lstrip("-").isdigit() else value


def _no_collections_until_the_till_paints() -> None:
    """No garbage collection while the till starts: what it makes until its first screen is painted (Textual,
    the till's modules, its screens) lives as long as the till, so the collector's passes over it only
    delayed that screen (bench: start-up). The till turns the collector back on once it has painted
    (pos.tui.app, TillApp._first_screen_shown, whichever screen is up)."""
    import gc

    gc.disable()


@cli.command()
@click.option("--till", "till_name", default="till-1", show_default=True, help="This till's name (receipt numbers are per till).")
@click.option("--config", type=click.Path(path_type=Path), help="Configuration file (default: POS_CONFIG, else data/pos.toml).")
@click.option("--db", help=DB_HELP)
def till(till_name: str, config: Path | None, db: str | None) -> None:
    """Open the till on the configured ledger, at its sign-in screen (staff code, then PIN)."""
    _no_collections_until_the_till_paints()
    settings = _settings(str(config) if config else None)
    from pos.tui.app import TillApp

    def connect():  # type: ignore[no-untyped-def]  # runs in the till, after its first paint
        from pos.ledger import open_ledger

        return open_ledger(db)

    TillApp(connect, till_name, settings).run()


@cli.command()
@click.option("--till", "till_name", default="demo", show_default=True)
@click.option("--ledger", type=click.Path(path_type=Path), default=Path("data/demo.sqlite"), show_default=True,
              help="The demo ledger file; created and filled with the demo catalogue on first run.")
@click.option("--config", type=click.Path(path_type=Path),
              help="A configuration file whose store, printer and till settings the demo uses "
                   "(default: none; receipts go to files beside the demo ledger).")
def demo(till_name: str, ledger: Path, config: Path | None) -> None:
    """Open the till on the demo ledger, signed in as the demo cashier, printing receipts to files beside it."""
    _no_collections_until_the_till_paints()
    from pos.demo import demo_till

    demo_till(ledger, till_name, _settings(str(config)) if config else None).run()


@cli.command()
@click.argument("codes", nargs=-1, required=True)
@click.option("--cash", "cash", help="Cash tendered in pounds (e.g. 50); omit for the exact amount.")
@click.option("--card", is_flag=True, help="Paid by card on the card terminal.")
@click.option("--split", help="Part cash, part card, in order: cash:20,card (a part with no amount pays the rest).")
@click.option("--discount", help="A discount on the whole basket: 15% or 12.5% for a percentage, 5.00 for pounds.")
@click.option("--reason", help="Why the discount is given: one of the configured reasons ([till] discount_reasons).")
@click.option("--approved-by", "approved_by", help="The manager approving a discount above the threshold (PIN asked).")
@click.option("--till", "till_name", default="till-1", show_default=True)
@click.option("--staff", default="", help="Who served: their staff code (PIN asked); needed once the ledger has staff.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--print/--no-print", "do_print", default=True, show_default=True, help="Print the receipt.")
@click.option("--basket", "basket_id", help="The basket's id (a UUID, e.g. from uuidgen): the same id again records "
              "nothing new and prints the sale already recorded, so a script can retry after a crash.")
@click.option("--config", type=click.Path(path_type=Path))
@click.option("--db", help=DB_HELP)
def sell(codes: tuple[str, ...], cash: str | None, card: bool, split: str | None, discount: str | None,
         reason: str | None, approved_by: str | None, till_name: str, staff: str, output: str,
         do_print: bool, basket_id: str | None, config: Path | None, db: str | None) -> None:
    """Sell the items with these barcodes or SKUs (one code per item) without opening the till.

    The same till core as the till's screen, run in this process: the same checks, the same sale.
    PINs are asked in order: the staff member's, then the approving manager's. A busy or dropped
    ledger is tried again for a while; with --basket a retry never records the sale twice.
    """
    from common.limits import check_staff_name
    from common.money import format_pence, parse_pounds
    from common.values import Actor
    from pos.sales import till_core as core_events
    from pos.sales.checkout import check_basket_id
    from pos.sales.till_core import TillCore
    from pos.staff.services import list_staff

    if sum((card, cash is not None, split is not None)) > 1:
        _fail(PosError("Choose --cash or --card, not both (--split takes part cash, part card)."))
    if cash is not None and not cash.strip():
        _fail(PosError("--cash needs the amount handed over, such as --cash 50; leave --cash out for the exact amount."))
    if (discount is None) != (reason is None):
        _fail(PosError("A discount needs both --discount (such as 15% or 5.00) and --reason."))
    try:
        tendered = parse_pounds(cash) if cash is not None else None
        basket_discount = _discount(discount, reason) if discount is not None and reason is not None else None
        parts = _split_parts(split) if split is not None else None
        basket_id = check_basket_id(basket_id) if basket_id is not None else None
    except (PosError, ValueError) as error:
        _fail(error)
    engine = _open(db)
    settings = _settings(str(config) if config else None)
    if list_staff(engine):  # once the ledger has staff, every sale records who served it
        if not staff:
            _fail(PosError("Who served? Add --staff and your staff code (your PIN is asked)."))
        actor = Actor.signed_in(_sign_in(engine, staff, till_name), till_name)
    else:
        try:
            check_staff_name(staff)
        except PosError as error:
            _fail(error)
        actor = Actor(staff, till_name)
    approver = None
    if approved_by:
        what = f"A {basket_discount.size} discount" if basket_discount else "This sale"
        approver = _approval(engine, approved_by, what, till_name)
    events: list[core_events.Event] = []
    core = TillCore(actor, settings.store, settings.printer_for(till_name) if do_print else None, listener=events.append,
                    rules=settings.discounts, sale_patience_s=SELL_PATIENCE_S, publishes=settings.display_publish)
    if basket_id is not None:
        core.basket.id = basket_id
    core.open(lambda: engine)
    for code in codes:
        core.enter(code)
    for event in events:
        match event:
            case core_events.LedgerFailed(message=message) | core_events.Problem(message=message):
                _fail(PosError(message))
            case core_events.ChooseItem(text=text, matches=matches):
                _fail(PosError(f"'{text}' matches {len(matches)} items: give each item's barcode or SKU."))
    tried = core.basket.id  # the id the sale is saved under: a rerun with it can never record it twice
    try:
        if basket_discount is not None:
            core.discount_basket(basket_discount, approved_by=approver)
        if parts is not None:
            _pay_in_parts(core, parts)
        else:
            core.pay(core.card() if card else core.cash(tendered))
    except core_events.ApprovalNeeded as needed:
        _fail(PosError(f"{needed.what} needs a manager's approval: add --approved-by and a manager's code (their PIN is asked)."))
    except (PosError, ValueError) as error:
        _fail(error)
    for event in events:
        match event:
            case core_events.SaleRefused(message=message):
                again = "" if basket_id is not None else (
                    f" To try again safely, run the same command with --basket {tried}: if the sale was recorded, "
                    "it is shown and nothing new is recorded."
                )
                _fail(PosError(message.removesuffix(" Its items are back in the basket.") + again))
            case core_events.SaleCompleted(sale=sale):
                if output == "json":
                    click.echo(json.dumps({
                        "receipt": str(sale.reference), "total_pence": sale.total_pence,
                        "discount_pence": sale.receipt.discount_pence, "vat_pence": sale.vat_pence,
                        "change_pence": sale.change_pence, **({"already_recorded": True} if sale.repeated else {}),
                    }))
                    continue
                discounted = f", discount {format_pence(sale.receipt.discount_pence)}" if sale.receipt.discount_pence else ""
                if sale.repeated:
                    click.echo(f"Basket {basket_id} was already recorded as sale {sale.reference}; nothing new was "
                               "recorded, nothing more to take.")
                click.echo(
                    f"Sale {sale.reference}: total {format_pence(sale.total_pence)}{discounted}, "
                    f"change {format_pence(sale.change_pence)}"
                )
            case core_events.ReceiptPrinted(outcome=outcome):
                click.echo(outcome.message, err=output == "json")


def _discount(text: str, reason: str):  # type: ignore[no-untyped-def]
    """--discount: "15%" or "12.5%" is a percentage, anything else an amount in pounds."""
    from common.money import parse_percent_bp, parse_pounds
    from pos.sales.pricing import Discount

    if text.strip().endswith("%"):
        return Discount.percent(parse_percent_bp(text), reason)
    return Discount.amount(parse_pounds(text), reason)


def _split_parts(text: str) -> list[tuple[str, int | None]]:
    """--split "cash:20,card" -> [("cash", 2000), ("card", None)]; None pays what is left."""
    from common.money import parse_pounds

    parts: list[tuple[str, int | None]] = []
    for part in text.split(","):
        kind, _, amount = part.strip().partition(":")
        if kind not in ("cash", "card"):
            raise PosError(f"--split takes cash and card parts, such as cash:20,card; '{part.strip()[:20]}' is neither.")
        parts.append((kind, parse_pounds(amount) if amount else None))
    return parts


def _pay_in_parts(core, parts: list[tuple[str, int | None]]) -> None:  # type: ignore[no-untyped-def]
    """Take each part in order; the sale completes when they cover the total."""
    from common.money import format_pence

    for kind, amount in parts:
        if core.basket.is_empty():
            raise PosError("The sale was paid before the last part of --split: leave that part out.")
        if kind == "card":
            tender = core.card(amount)
        else:
            tender = core.cash() if amount is None else core.cash_part(amount)
        core.add_tender(tender)
    if not core.basket.is_empty():
        raise PosError(
            f"--split pays {format_pence(core.paid_pence)} of {format_pence(core.basket.total_pence)}: "
            "end it with a part that pays the rest, such as ,card. Nothing was sold."
        )


@cli.command()
@click.argument("receipt")
@click.option("--sku", required=True, help="The SKU to return, as on the receipt.")
@click.option("--quantity", type=int, default=1, show_default=True, help="How many of that SKU come back.")
@click.option("--damaged", is_flag=True, help="They go to damaged stock, not back on the shelf.")
@click.option("--staff", "staff_code", required=True, help="Who is serving (their PIN is asked first).")
@click.option("--approved-by", "approver_code", required=True, help="The manager approving (their PIN is asked next).")
@click.option("--to", "to", type=click.Choice(["cash", "card"]),
              help="Where the money goes (default: card first, up to what the sale paid by card, then cash).")
@click.option("--reason", default="", help="Why, for the audit trail.")
@click.option("--till", "till_name", default="till-1", show_default=True, help="The till the refund is made at.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--print/--no-print", "do_print", default=True, show_default=True, help="Print the refund slip.")
@click.option("--config", type=click.Path(path_type=Path))
@click.option("--db", help=DB_HELP)
def refund(receipt: str, sku: str, quantity: int, damaged: bool, staff_code: str, approver_code: str, to: str | None,
           reason: str, till_name: str, output: str, do_print: bool, config: Path | None, db: str | None) -> None:
    """Refund QUANTITY of SKU from RECEIPT (such as till-1/000012, typed or scanned), with a manager's approval.

    The refund gets its own receipt number at --till; the slip prints after it is saved.
    """
    from common.money import format_pence
    from common.values import Actor
    from pos.sales.references import parse_reference
    from pos.sales.refunds import refund_sale

    try:
        reference = parse_reference(receipt)
    except PosError as error:
        _fail(error)
    engine = _open(db)
    settings = _settings(str(config) if config else None)
    printer = settings.printer_for(till_name)
    member = _sign_in(engine, staff_code, till_name)
    approver = _approval(engine, approver_code, "A refund", till_name)
    try:
        done = refund_sale(
            _unit_of_work(engine, Actor.signed_in(member, till_name)), reference, [(sku, quantity, damaged)],
            approved_by=approver, to=to, reason=reason, store=settings.store, queue_slip=do_print and printer.prints,
        )
    except PosError as error:
        _fail(error)
    printed = _print_queued(engine, till_name, settings, {("refund", str(done.reference)): done.slip}) if do_print else None
    if output == "json":
        click.echo(json.dumps({
            "refund": str(done.reference), "original": str(done.original), "refunded_pence": done.total_pence,
            "vat_pence": done.vat_pence, "to": done.to, "printed": printed.printed if printed else False,
        }, indent=2))
        if printed is not None:
            click.echo(printed.message, err=True)
        return
    where = ", ".join(f"{format_pence(amount)} to {tender}" for tender, amount in done.to.items())
    click.echo(f"Refund {done.reference} of {done.original}: {format_pence(done.total_pence)} ({where}).")
    if printed is not None:
        click.echo(printed.message)


def _print_queued(engine, till: str, settings, ready):  # type: ignore[no-untyped-def]
    """Print the till's queue now (what was just queued first in line after any older job); a PrintOutcome."""
    from pos.printing import PrintOutcome, print_waiting

    printer = settings.printer_for(till)
    if not printer.prints:
        return PrintOutcome(False, "Not printed: no receipt printer is set up for this till.")
    try:
        run = print_waiting(engine, till, printer, settings.store, ready)
    except PosError as error:
        return PrintOutcome(False, f"Not printed yet: {error} It stays queued: pos printer retry --till {till}.")
    return PrintOutcome(run.ok and bool(run.printed), run.message(f"pos printer retry --till {till}"))


def _reprint(receipt: str, gift: bool, till_name: str, staff_code: str | None, config: Path | None,
             db: str | None) -> None:
    from common.values import Actor
    from pos.sales.history import reprint_receipt
    from pos.sales.references import parse_reference
    from pos.sales.tills import require_till

    settings = _settings(str(config) if config else None)
    engine = _open(db)
    try:
        ref = parse_reference(receipt, till_name)
        require_till(engine, till_name)
    except PosError as error:
        _fail(error)
    member = _sign_in(engine, staff_code, till_name) if staff_code else None
    actor = Actor.signed_in(member, till_name) if member else Actor("pos reprint", till_name)
    prints = settings.printer_for(till_name).prints
    try:
        copy = reprint_receipt(_unit_of_work(engine, actor), ref, settings.store, gift=gift, queue=prints)
    except PosError as error:
        _fail(error)
    outcome = _print_queued(engine, till_name, settings, {("gift" if gift else "copy", str(ref)): copy})
    if not outcome.printed:
        _fail(outcome.message)
    click.echo(outcome.message)


_REPRINT_OPTIONS = (
    click.argument("receipt"),
    click.option("--gift", is_flag=True, help="A gift receipt: the items and the return barcode, no prices."),
    click.option("--till", "till_name", default="till-1", show_default=True,
                 help="The till reprinting it (recorded in the audit trail); a bare receipt number is one of its receipts."),
    click.option("--staff", "staff_code", help="Who is reprinting, by staff code (their PIN is asked); recorded in the audit trail."),
    click.option("--config", type=click.Path(path_type=Path)),
    click.option("--db", help=DB_HELP),
)


def _with_reprint_options(command):  # type: ignore[no-untyped-def]
    for option in reversed(_REPRINT_OPTIONS):
        command = option(command)
    return command


@cli.command()
@_with_reprint_options
def reprint(receipt: str, gift: bool, till_name: str, staff_code: str | None, config: Path | None, db: str | None) -> None:
    """Print receipt RECEIPT (e.g. till-1/000012) again, marked COPY, or as a gift receipt without prices.

    Rebuilt from the ledger, recorded in the audit trail and queued for the till's printer, then printed.
    """
    _reprint(receipt, gift, till_name, staff_code, config, db)


@cli.group(name="receipt")
def receipt_group() -> None:
    """Receipts from the ledger: shown in the terminal or printed again."""


@receipt_group.command(name="show")
@click.argument("receipt")
@click.option("--till", "till_name", default="till-1", show_default=True, help="A bare receipt number is one of this till's.")
@click.option("--width", type=click.Choice(["32", "42", "48"]), help="Characters a line (default: the till's printer's).")
@click.option("--config", type=click.Path(path_type=Path))
@click.option("--db", help=DB_HELP)
def receipt_show(receipt: str, till_name: str, width: str | None, config: Path | None, db: str | None) -> None:
    """Show receipt (or refund slip) RECEIPT as text, rebuilt from the ledger: nothing is printed or recorded."""
    from pos.sales.history import document_text

    settings = _settings(str(config) if config else None)
    engine = _open(db)
    columns = int(width) if width else settings.printer_for(till_name).width
    try:
        click.echo(document_text(engine, receipt, till_name, settings.store, columns), nl=False)
    except PosError as error:
        _fail(error)


@receipt_group.command(name="print")
@_with_reprint_options
def receipt_print(receipt: str, gift: bool, till_name: str, staff_code: str | None, config: Path | None,
                  db: str | None) -> None:
    """Print receipt RECEIPT again, marked COPY (or --gift, without prices): the same as `pos reprint`."""
    _reprint(receipt, gift, till_name, staff_code, config, db)


@cli.group()
def printer() -> None:
    """The till's receipt printer: its state, its queue, a retry and a test page."""


_TILL_OPTION = click.option("--till", "till_name", default="till-1", show_default=True, help="Whose printer.")


@printer.command(name="status")
@_TILL_OPTION
@click.option("--config", type=click.Path(path_type=Path))
@click.option("--db", help=DB_HELP)
def printer_status_command(till_name: str, config: Path | None, db: str | None) -> None:
    """Ask the till's printer whether it could print now, and say what waits in its queue."""
    from pos.sales.print_queue import waiting_counts
    from receipts.printers import PrinterError, printer_status

    settings = _settings(str(config) if config else None)
    printer_settings = settings.printer_for(till_name)
    engine = _open(db)
    counts = waiting_counts(engine, till_name)
    waiting = (f"Queue for {till_name}: {counts.get('queued', 0)} waiting, "
               f"{counts.get('unconfirmed', 0)} not confirmed, {counts.get('printing', 0)} printing.")
    if not printer_settings.prints:
        click.echo(f"No receipt printer is set up for {till_name}. {waiting}")
        return
    try:
        click.echo(printer_status(printer_settings))
    except PrinterError as error:
        click.echo(waiting)
        _fail(error)
    click.echo(waiting)


@printer.command(name="queue")
@click.option("--till", "till_name", help="Only this till's queue (default: every till's).")
@click.option("--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--db", help=DB_HELP)
def printer_queue(till_name: str | None, output: str, db: str | None) -> None:
    """List each document waiting for a printer: receipt, till, state, attempts, last error."""
    from pos.reports.export import plain_cell
    from pos.sales.print_queue import waiting_jobs

    jobs = waiting_jobs(_open(db), till_name)
    if output == "json":
        click.echo(json.dumps([
            {"receipt": job.reference, "document": job.document, "till": job.till, "state": job.state,
             "attempts": job.attempts, "last_error": job.last_error, "queued_at": job.created_at.isoformat()}
            for job in jobs
        ], indent=2))
        return
    if not jobs:
        click.echo("Nothing is waiting to print.")
        return
    click.echo(f"{'Receipt':<16} {'Document':<9} {'Till':<10} {'State':<12} {'Tries':>5}  Last error")
    for job in jobs:
        click.echo(f"{job.reference:<16} {job.document:<9} {job.till:<10} {job.state:<12} {job.attempts:>5}  "
                   f"{plain_cell(job.last_error)}")


@printer.command(name="retry")
@_TILL_OPTION
@click.option("--config", type=click.Path(path_type=Path))
@click.option("--db", help=DB_HELP)
def printer_retry(till_name: str, config: Path | None, db: str | None) -> None:
    """Print the till's waiting documents now, in order, including those the printer did not confirm."""
    from pos.sales.print_queue import requeue_unconfirmed

    settings = _settings(str(config) if config else None)
    engine = _open(db)
    if settings.printer_for(till_name).prints:
        requeue_unconfirmed(engine, till_name)
    outcome = _print_queued(engine, till_name, settings, None)
    if not outcome.printed and "Printer ready." not in outcome.message:
        _fail(outcome.message)
    click.echo(outcome.message)


@printer.command(name="test")
@_TILL_OPTION
@click.option("--config", type=click.Path(path_type=Path))
def printer_test(till_name: str, config: Path | None) -> None:
    """Print a test page: the store header, a ruler for each paper width, £ and accents, a Code128 and a QR."""
    from receipts import test_page
    from receipts.printers import PrinterError, deliver, render_bytes

    settings = _settings(str(config) if config else None)
    printer_settings = settings.printer_for(till_name)
    if not printer_settings.prints:
        _fail(f"No receipt printer is set up for {till_name}: set [printer] kind in the configuration file.")
    data = render_bytes(printer_settings, lambda device: test_page.render_test_page(
        device, settings.store, printer_settings.width, code_page=printer_settings.code_page or None))
    try:
        delivered = deliver(printer_settings, data, f"test-page-{till_name}.bin")
    except PrinterError as error:
        _fail(f"The test page did not print: {error}")
    said = "printed" if delivered.confirmed else "sent (this printer cannot confirm it printed)"
    click.echo(f"Test page {said} ({delivered.where}).")


@cli.group()
def staff() -> None:
    """The people who sign in at the tills: cashiers and managers."""


@staff.command(name="add")
@click.argument("code")
@click.option("--name", required=True, help="The name they choose to show on receipts.")
@click.option("--role", type=click.Choice(["cashier", "manager"]), required=True)
@click.option("--participant", help="Their participant code, if they are a participant.")
@click.option("--by", "by", help="The manager adding them (their PIN is asked). Not needed for the first manager.")
@click.option("--db", help=DB_HELP)
def staff_add(code: str, name: str, role: str, participant: str | None, by: str | None, db: str | None) -> None:
    """Add someone who signs in at the till. They choose their PIN at their first sign-in."""
    from pos.staff.services import add_staff

    engine = _open(db)
    uow, manager = _staff_change(engine, by)
    try:
        added = add_staff(uow, code, name, role, participant=participant, by=manager)
    except PosError as error:
        _fail(error)
    if manager is None:  # the first manager: nobody else can set their PIN, so they choose it now
        _sign_in(engine, code)
        click.echo(f"Added {added.code} ({added.name}) as the first manager, with the PIN just chosen.")
        return
    click.echo(f"Added {added.code} ({added.name}) as {added.role}. They choose their PIN when they first sign in.")


@staff.command(name="list")
@click.option("--db", help=DB_HELP)
def staff_list(db: str | None) -> None:
    """Everyone who can sign in (and who no longer can)."""
    from pos.reports.render import text_table
    from pos.staff.services import list_staff

    people = list_staff(_open(db))
    click.echo(text_table(
        ["Code", "Name", "Role", "Participant", "PIN", "Status"],
        [[p.code, p.name, p.role, p.participant, "set" if p.has_pin else "not yet", "active" if p.active else "disabled"]
         for p in people],
        set(),
    ))


@staff.command(name="set-pin")
@click.argument("code")
@click.option("--by", "by", required=True, help="The manager setting it (their PIN is asked first).")
@click.option("--db", help=DB_HELP)
def staff_set_pin(code: str, by: str, db: str | None) -> None:
    """Set or reset CODE's PIN (also lifts a lock). Asks the manager's PIN, then the new PIN twice."""
    from pos.staff.services import set_pin

    engine = _open(db)
    uow, manager = _staff_change(engine, by)
    pin = _read_pin(f"New PIN for {code}")
    if _read_pin(f"New PIN for {code} again") != pin:
        _fail(PosError("The two PINs differ; nothing was changed. Run the command again."))
    try:
        set_pin(uow, code, pin, by=manager)
    except PosError as error:
        _fail(error)
    click.echo(f"PIN set for {code}.")


@staff.command(name="disable")
@click.argument("code")
@click.option("--by", "by", required=True, help="The manager disabling them (their PIN is asked).")
@click.option("--db", help=DB_HELP)
def staff_disable(code: str, by: str, db: str | None) -> None:
    """CODE can no longer sign in; their sales keep their name."""
    from pos.staff.services import disable_staff

    engine = _open(db)
    uow, manager = _staff_change(engine, by)
    try:
        disable_staff(uow, code, by=manager)
    except PosError as error:
        _fail(error)
    click.echo(f"{code} can no longer sign in.")


@cli.command()
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First trading day (default: the first).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last trading day (default: the last).")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--db", help=DB_HELP)
def audit(date_from, date_to, output: str, db: str | None) -> None:  # type: ignore[no-untyped-def]
    """Approvals, refunds, discounts, overrides, no-sales, cancellations, failed sign-ins and lock-outs."""
    from pos.reports.export import csv_text
    from pos.reports.render import text_table
    from pos.staff.audit import audit_trail

    entries = audit_trail(_open(db), date_from.date() if date_from else None, date_to.date() if date_to else None)
    columns = ("at", "till", "staff", "approved_by", "action", "detail", "reference")
    rows = [[entry.at.isoformat(timespec="seconds"), entry.till, entry.staff, entry.approved_by, entry.action,
             entry.detail, entry.reference] for entry in entries]
    if output == "json":
        click.echo(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], indent=2))
    elif output == "csv":
        click.echo(csv_text(columns, rows), nl=False)
    else:
        click.echo(text_table([c.replace("_", " ").capitalize() for c in columns], rows, set()))


@cli.group(invoke_without_command=True)
@click.option("--db", help=DB_HELP)
@click.pass_context
def stock(context: click.Context, db: str | None) -> None:
    """Stock on hand for every SKU, from the stock ledger (`pos stock show`: with barcodes; `adjust` changes it)."""
    if context.invoked_subcommand is not None:
        return
    from inventory.stock import stock_levels
    from pos.reports.render import text_table

    levels = stock_levels(_open(db))
    click.echo(text_table(
        ["SKU", "Design", "Size", "Colour", "On hand"],
        [[level.sku, level.name, level.size, level.colour, str(level.on_hand)] for level in levels],
        {4},
    ))


@stock.command(name="adjust", context_settings={"ignore_unknown_options": True})  # QUANTITY may be -2
@click.argument("code")
@click.argument("quantity", type=int)
@click.option("--reason", required=True, type=click.Choice(["damaged", "sample", "lost", "found", "correction"]),
              help="damaged, sample, lost (or stolen): a negative QUANTITY; found: positive; correction: either.")
@click.option("--note", default="", help="What happened, for the record.")
@click.option("--staff", "staff_code", required=True, help="The manager making it (their PIN is asked).")
@click.option("--db", help=DB_HELP)
def stock_adjust(code: str, quantity: int, reason: str, note: str, staff_code: str, db: str | None) -> None:
    """Adjust the stock of CODE (an SKU or barcode) by QUANTITY (-2 takes two away), with a reason."""
    from common.values import Actor
    from pos.stock.adjustments import adjust_stock

    engine = _open(db)
    manager = _approval(engine, staff_code, "A stock adjustment")
    try:
        done = adjust_stock(_unit_of_work(engine, Actor.signed_in(manager)), code, quantity, reason, note=note,
                            approved_by=manager)
    except PosError as error:
        _fail(error)
    click.echo(f"Adjusted {done.label} {done.sku} by {done.quantity:+d} ({done.reason}).")


@stock.command(name="show")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--db", help=DB_HELP)
def stock_show(output: str, db: str | None) -> None:
    """Every SKU with its barcode (in-store ones too), price, on-hand and whether it is retired."""
    from common.money import format_pence
    from inventory.stock import variant_listing
    from pos.reports.export import csv_text
    from pos.reports.render import text_table

    listing = variant_listing(_open(db))
    if output == "json":
        click.echo(json.dumps([
            {"sku": v.sku, "barcode": v.barcode, "design": v.name, "size": v.size, "colour": v.colour,
             "price_pence": v.price_pence, "on_hand": v.on_hand, "damaged": v.damaged, "retired": v.retired}
            for v in listing
        ], indent=2))
        return
    rows = [[v.sku, v.barcode, v.name, v.size, v.colour, format_pence(v.price_pence), str(v.on_hand),
             str(v.damaged), "retired" if v.retired else ""] for v in listing]
    if output == "csv":
        click.echo(csv_text(["sku", "barcode", "design", "size", "colour", "price", "on_hand", "damaged", "retired"],
                            [row[:5] + [_pounds(v.price_pence), v.on_hand, v.damaged, "yes" if v.retired else "no"]
                             for row, v in zip(rows, listing, strict=True)]), nl=False)
        return
    click.echo(text_table(["SKU", "Barcode", "Design", "Size", "Colour", "Price", "On hand", "Damaged", ""], rows,
                          {5, 6, 7}))


def _emit(output: str, rows: list[dict[str, object]], headers: dict[str, str], right: set[int]) -> None:
    """Rows as JSON, CSV (keys as the header) or a table (`headers`: key -> column title)."""
    from pos.reports.export import csv_text
    from pos.reports.render import text_table

    if output == "json":
        click.echo(json.dumps(rows, indent=2))
    elif output == "csv":
        click.echo(csv_text(list(headers), [[row.get(key, "") for key in headers] for row in rows]), nl=False)
    else:
        click.echo(text_table(list(headers.values()), [[str(row[key]) for key in headers] for row in rows], right))


_FORMAT = click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table",
                       show_default=True)


@stock.command(name="low")
@click.option("--threshold", type=click.IntRange(0, 9999), default=3, show_default=True,
              help="A SKU with this many or fewer on hand is low.")
@click.option("--design", "per_design", multiple=True, metavar="NAME=N",
              help="A design's own threshold, e.g. --design \"Night Bus Hoodie=5\" (repeat for more).")
@_FORMAT
@click.option("--db", help=DB_HELP)
def stock_low(threshold: int, per_design: tuple[str, ...], output: str, db: str | None) -> None:
    """SKUs running low (not retired), fewest first; below zero means sold more than the ledger had."""
    from inventory.stock_views import low_stock

    thresholds: dict[str, int] = {}
    for entry in per_design:
        name, _, value = entry.rpartition("=")
        if not name.strip() or not (value.isascii() and value.isdigit()):
            _fail(PosError(f"--design '{entry}' is not NAME=N, such as \"Night Bus Hoodie=5\"."))
        thresholds[name.strip()] = int(value)
    rows = [{"sku": item.sku, "design": item.design, "size": item.size, "colour": item.colour,
             "on_hand": item.on_hand, "threshold": item.threshold}
            for item in low_stock(_open(db), threshold, thresholds)]
    _emit(output, rows, {"sku": "SKU", "design": "Design", "size": "Size", "colour": "Colour", "on_hand": "On hand",
                         "threshold": "Low at"}, {4, 5})


@stock.command(name="value")
@_FORMAT
@click.option("--db", help=DB_HELP)
def stock_value(output: str, db: str | None) -> None:
    """Stock on hand at retail value, per design and in all."""
    from common.money import format_pence
    from inventory.stock_views import design_figures

    figures = design_figures(_open(db))
    rows: list[dict[str, object]] = [{"design": f.design, "on_hand": f.on_hand, "value_pence": f.value_pence}
                                     for f in figures]
    total = sum(f.value_pence for f in figures)
    if output == "table":
        rows = [{**row, "value_pence": format_pence(int(row["value_pence"]))} for row in rows]  # type: ignore[arg-type]
        rows.append({"design": "All designs", "on_hand": sum(f.on_hand for f in figures), "value_pence": format_pence(total)})
    _emit(output, rows, {"design": "Design", "on_hand": "On hand", "value_pence": "Value at retail"}, {1, 2})


@stock.command(name="sell-through")
@_FORMAT
@click.option("--db", help=DB_HELP)
def stock_sell_through(output: str, db: str | None) -> None:
    """Per design: received, sold (less returns) and sell-through (sold ÷ received)."""
    from inventory.stock_views import design_figures

    rows: list[dict[str, object]] = []
    for f in design_figures(_open(db)):
        bp = f.sell_through_bp
        shown = "-" if bp is None else f"{bp // 100}.{bp % 100 // 10}%"
        rows.append({"design": f.design, "received": f.received, "sold": f.sold,
                     "sell_through_bp": bp if output != "table" else shown})
    _emit(output, rows, {"design": "Design", "received": "Received", "sold": "Sold", "sell_through_bp": "Sell-through"},
          {1, 2, 3})


@stock.command(name="history")
@click.argument("code")
@_FORMAT
@click.option("--db", help=DB_HELP)
def stock_history(code: str, output: str, db: str | None) -> None:
    """Every stock movement of one SKU (or barcode), oldest first, with the balance after each."""
    from inventory.stock_views import movement_history

    try:
        label, lines = movement_history(_open(db), code)
    except PosError as error:
        _fail(error)
    rows: list[dict[str, object]] = [
        {"when": line.when.strftime("%Y-%m-%d %H:%M") if output == "table" else line.when.isoformat(),
         "kind": line.kind, "quantity": line.quantity, "balance": line.balance, "reason": line.reason,
         "recorded_by": line.recorded_by, "reference": line.reference}
        for line in lines
    ]
    if output == "table":
        click.echo(label)
    _emit(output, rows, {"when": "When", "kind": "Kind", "quantity": "Change", "balance": "Balance", "reason": "Why",
                         "recorded_by": "By", "reference": "Reference"}, {2, 3})


def _pounds(pence: int) -> str:
    """1550 -> "15.50": a price as the CSV imports take it (integer arithmetic, no float)."""
    pounds, rest = divmod(pence, 100)
    return f"{pounds}.{rest:02d}"


@cli.group()
def report() -> None:
    """Reports from the ledger."""


@report.command(name="sales")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Trading day (default today).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First trading day of a range.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last trading day of a range (default: --from).")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json", "pdf"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="With --format pdf: the PDF file to write.")
@click.option("--config", type=click.Path(path_type=Path), help="The configuration file (the store's name on the PDF).")
@click.option("--db", help=DB_HELP)
def report_sales(day, date_from, date_to, output: str, out: Path | None, config: Path | None,  # type: ignore[no-untyped-def]
                 db: str | None) -> None:
    """Takings, VAT, tenders, designers and products for a day or a range of days."""
    from common.clock import today
    from pos.reports.render import report_csv, report_table
    from pos.reports.sales import sales_report

    if day and (date_from or date_to):
        _fail(PosError("Give --date for one day, or --from/--to for a range, not both."))
    chosen = day or date_from
    first: date = chosen.date() if chosen else today()
    last: date = date_to.date() if date_to else first
    if last < first:
        _fail(PosError(f"--to {last} is before --from {first}."))
    if (output == "pdf") != (out is not None):
        _fail(PosError("--format pdf writes a file: give it with --out FILE.pdf (and --out only with --format pdf)."))
    result = sales_report(_open(db), first, last)
    if output == "pdf":
        from pos.reports.documents import sales_pdf

        assert out is not None
        _write_pdf(out, sales_pdf(result, _settings(str(config) if config else None).store.name))
        click.echo(f"Sales report written to {out}")
    elif output == "json":
        click.echo(json.dumps(result.as_json(), indent=2))
    elif output == "csv":
        click.echo(report_csv(result), nl=False)
    else:
        click.echo(report_table(result), nl=False)


@cli.command()
@click.option("--out", type=click.Path(path_type=Path),
              help="The backup file to write, or a folder to write it in (default: "
                   "backups/ledger-YYYY-MM-DD-HHMM.sqlite beside the ledger, e.g. data/backups/).")
@click.option("--db", help=DB_HELP)
def backup(out: Path | None, db: str | None) -> None:
    """A consistent copy of the SQLite ledger, taken while the tills keep selling; prints where it went.

    On PostgreSQL it says how to back the ledger up with pg_dump instead. README: Backups (and restoring).
    """
    from common.clock import utc_now
    from pos.backup import backup_ledger, next_backup_path
    from pos.ledger import ledger_label

    engine = _open(db)
    if out is not None and not out.is_dir() and not out.parent.is_dir():
        _fail(PosError(f"The folder {out.parent} does not exist: create it or choose another --out. Nothing was written."))
    try:
        if out is None or out.is_dir():  # no --out, or a folder: the usual name (in that folder)
            out = next_backup_path(engine, utc_now(), out)
        written = backup_ledger(engine, out)
    except PosError as error:
        _fail(error)
    kilobytes = -(-written.stat().st_size // 1000)
    click.echo(f"Backup of {ledger_label(engine)} written to {written} ({kilobytes:,} kB). "
               "To restore it, see Backups in the README.")


# Labels and Meet-the-designer cards (issue 9, parts 7 and 8): PDFs from the catalogue.


def _pdf_out(out: Path) -> Path:
    """`--out` if a PDF can be written there; checked before the ledger is read, so a slip writes nothing."""
    if out.is_dir():
        _fail(PosError(f"--out {out} is a folder: give a file name in it, such as {out / 'labels.pdf'}."))
    if not out.parent.is_dir():
        _fail(PosError(f"The folder {out.parent} does not exist: create it or choose another --out. Nothing was written."))
    return out


def _write_pdf(out: Path, data: bytes) -> None:
    """Write the whole PDF beside `out` and move it into place: `out` is never left half written, and only
    its owner can read it."""
    from common.files import write_private

    try:
        write_private(out, data)
    except OSError as error:
        _fail(PosError(f"Could not write {out}: {error.strerror or error}. Nothing was written."))


@cli.command()
@click.option("--sku", "skus", multiple=True, metavar="SKU[:QTY]",
              help="An SKU or barcode, and how many labels (default 1); more may follow: --sku NBH-BLA-M:3 CCJ-BLA-L.")
@click.argument("more", nargs=-1, metavar="")
@click.option("--all", "every", is_flag=True, help="One label for every SKU in the catalogue.")
@click.option("--batch", "batch", type=int, help="One label for each item a delivery received (pos receive).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The PDF to write.")
@click.option("--layout", type=click.Choice(["a4-21", "roll"]), default="a4-21", show_default=True,
              help="a4-21: A4 sheets of 21 labels (63.5 x 38.1 mm); roll: one label a page, for a label printer.")
@click.option("--size", help="The roll's label size in millimetres, width x height (default 50x30).")
@click.option("--db", help=DB_HELP)
def labels(skus: tuple[str, ...], more: tuple[str, ...], every: bool, batch: int | None, out: Path, layout: str,
           size: str | None, db: str | None) -> None:
    """Barcode labels as a PDF: one label per item, with name, size, colour, price, designer and EAN-13."""
    from inventory.labels import all_label_items, label_items, parse_label_request
    from receipts.labels import A4_21, ROLL_DEFAULT_MM, labels_pdf, parse_label_size, roll_layout

    codes = skus + more
    if more and not skus:
        _fail(PosError(f"Give the SKUs after --sku (--sku {' '.join(more)}), or --all for every SKU."))
    if [every, bool(codes), batch is not None].count(True) != 1:
        _fail(PosError("Give one of: --sku SKU[:QTY]... for the labels wanted, --batch ID for what a delivery received, "
                       "or --all for one of every SKU."))
    if size and layout != "roll":
        _fail(PosError("--size is the size of a roll's labels: use it with --layout roll."))
    try:
        requests = [parse_label_request(code) for code in codes]
        sheet = roll_layout(*(parse_label_size(size) if size else ROLL_DEFAULT_MM)) if layout == "roll" else A4_21
        _pdf_out(out)
        engine = _open(db)
        if batch is not None:
            from pos.stock.receiving import delivery_lines

            requests = [(line.sku, line.quantity) for line in delivery_lines(engine, batch)]
        items = all_label_items(engine) if every else label_items(engine, requests)
    except PosError as error:
        _fail(error)
    if not items:
        _fail(PosError("The catalogue has no SKUs yet: import products first (pos import products FILE)."))
    _write_pdf(out, labels_pdf(items, sheet))
    pages = -(-len(items) // sheet.per_page)
    click.echo(f"{len(items)} label{'s' if len(items) != 1 else ''} on {pages} page{'s' if pages != 1 else ''}: {out}")


@cli.command()
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The PDF to write.")
@click.option("--db", help=DB_HELP)
def cards(out: Path, db: str | None) -> None:
    """Meet-the-designer cards (A6) as a PDF: one for each participant who consented to be published."""
    from inventory.labels import designer_cards
    from receipts.cards import cards_pdf

    _pdf_out(out)
    found = designer_cards(_open(db))
    if not found:
        _fail(PosError("No participant has consented to be published, so there are no cards to make."))
    _write_pdf(out, cards_pdf(found))
    click.echo(f"{len(found)} card{'s' if len(found) != 1 else ''} (one a page, A6): {out}")


from pos.cli_shift import cash, shift  # noqa: E402 - these modules use this one's helpers
from pos.cli_stock import count, receive  # noqa: E402

cli.add_command(count)
cli.add_command(receive)
cli.add_command(shift)
cli.add_command(cash)

from pos.cli_reports import report_x, report_z  # noqa: E402 - pos report x and z: shift reports

report.add_command(report_x)
report.add_command(report_z)

from pos.cli_statements import close_out_command, report_designers, report_event, statement_command  # noqa: E402

report.add_command(report_designers)
report.add_command(report_event)
cli.add_command(statement_command)
cli.add_command(close_out_command)

from pos.cli_display import display_command  # noqa: E402 - pos display: the customer display

cli.add_command(display_command)
from pos.cli_wall import wall_command  # noqa: E402 - pos wall: the story wall
cli.add_command(wall_command)


def main() -> None:
    """The console script: every error a user sees is plain words and exit status 1, never a traceback."""
    try:
        cli()
    except Exception as error:  # noqa: BLE001 - database and driver errors become plain words
        from pos.ledger import plain_database_error

        plain = plain_database_error(error)
        if plain is None:
            raise
        _fail(plain)
