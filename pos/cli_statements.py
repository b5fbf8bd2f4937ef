"""`pos report designers`, `pos report event`, `pos statement` and `pos close-out` (issue 10, parts 5 and 6).

The figures come from pos.reports (designers, event, statement, close_out) and the PDFs from
pos.reports.documents (reportlab, imported only when a PDF is made). Files are written whole or not
at all (beside the target, then moved into place).
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import click

from common.errors import PosError
from common.files import private_dir

_DB_HELP = "Ledger URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."
_CONFIG_HELP = "Configuration file, for the store's name (default: POS_CONFIG, else data/pos.toml)."
_DAY = click.DateTime(["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _store_name(config: Path | None) -> str:
    from pos.cli import _settings

    return _settings(str(config) if config else None).store.name


def _range(engine, date_from: datetime | None, date_to: datetime | None) -> tuple[date, date]:  # type: ignore[no-untyped-def]
    from common.clock import today
    from pos.cli import _fail
    from pos.reports.designers import resolve_range

    try:
        return resolve_range(engine, _day(date_from), _day(date_to), today())
    except PosError as error:
        _fail(error)


def _out_file(out: Path | None, needed_for: str | None) -> Path | None:
    """`--out` checked before the ledger is read (a slip writes nothing); required for `needed_for`."""
    from pos.cli import _fail, _pdf_out

    if out is None:
        if needed_for:
            _fail(PosError(f"--format {needed_for} writes a file: give it with --out, such as --out report.{needed_for}."))
        return None
    return _pdf_out(out)


def _emit(text: str, out: Path | None) -> None:
    """`text` to standard output, or whole into `out`."""
    from pos.cli import _write_pdf

    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    _write_pdf(out, text.encode("utf-8"))
    click.echo(f"Wrote {out}")


@click.command(name="designers")
@click.option("--from", "date_from", type=_DAY, help="First trading day (default: the first with a sale).")
@click.option("--to", "date_to", type=_DAY, help="Last trading day (default: the last with a sale).")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json", "pdf"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file (needed for pdf).")
@click.option("--config", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@click.option("--db", help=_DB_HELP)
def report_designers(date_from: datetime | None, date_to: datetime | None, output: str, out: Path | None,
                     config: Path | None, db: str | None) -> None:
    """Every designer's items sold and takings (their share, exact, after discounts and refunds) for a range of days."""
    from pos.cli import _open, _write_pdf
    from pos.reports.designers import designers_csv, designers_report, designers_table

    target = _out_file(out, "pdf" if output == "pdf" else None)
    engine = _open(db)
    first, last = _range(engine, date_from, date_to)
    report = designers_report(engine, first, last)
    if output == "pdf":
        from pos.reports.documents import designers_pdf

        assert target is not None
        _write_pdf(target, designers_pdf(report, _store_name(config)))
        click.echo(f"Designers {first.isoformat()} to {last.isoformat()}: {target}")
    elif output == "json":
        _emit(json.dumps(report.as_json(), indent=2) + "\n", target)
    elif output == "csv":
        _emit(designers_csv(report), target)
    else:
        _emit(designers_table(report), target)


@click.command(name="event")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json", "pdf"]), default="table",
              show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file (needed for pdf).")
@click.option("--config", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@click.option("--db", help=_DB_HELP)
def report_event(output: str, out: Path | None, config: Path | None, db: str | None) -> None:
    """The whole event: totals, each day and till, designers, designs with sell-through, busiest hours, average basket."""
    from pos.cli import _open, _write_pdf
    from pos.reports.event import event_summary

    target = _out_file(out, "pdf" if output == "pdf" else None)
    engine = _open(db)
    summary = event_summary(engine)
    recorded = _close_out_record(engine)
    if output == "pdf":
        from pos.reports.documents import event_pdf

        assert target is not None
        _write_pdf(target, event_pdf(summary, _store_name(config), recorded))
        click.echo(f"Event summary: {target}")
    elif output == "json":
        _emit(json.dumps(_event_json(summary, recorded), indent=2) + "\n", target)
    elif output == "csv":
        from pos.reports.event import event_csv

        _emit(event_csv(summary), target)
    else:
        _emit(_event_table(summary), target)


def _close_out_record(engine):  # type: ignore[no-untyped-def]
    from pos.reports.close_out import recorded_close_out

    return recorded_close_out(engine)


def _event_json(summary, recorded) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {**summary.as_json(), "close_out": recorded.as_json() if recorded is not None else None}


def _event_table(summary) -> str:  # type: ignore[no-untyped-def]
    from common.money import format_pence
    from pos.reports.documents import sell_through
    from pos.reports.render import text_table

    if summary.first_day is None:
        return "Event summary: nothing has been sold yet.\n"
    items = f"{summary.average_items_hundredths // 100}.{summary.average_items_hundredths % 100:02d}"
    lines = [
        f"Event summary {summary.first_day.isoformat()} to {summary.last_day.isoformat()}: "
        f"{len(summary.by_day)} days, {len(summary.by_till)} tills",
        f"Sales: {summary.sales_count}   Items: {summary.units}   Takings: {format_pence(summary.gross_pence)}   "
        f"VAT included: {format_pence(summary.vat_pence)}   Excluding VAT: {format_pence(summary.ex_vat_pence)}",
        f"Discounts: {format_pence(summary.discount_pence)}   Refunds: {summary.refunds_count} for "
        f"{format_pence(summary.refunds_pence)} (already taken off)   Average basket: "
        f"{format_pence(summary.average_basket_pence)}, {items} items",
        f"Received: {summary.received}   Sell-through: {sell_through(summary.sell_through_bp)}",
        "",
        text_table(["Day", "Sales", "Items", "Refunds", "Takings", "Excluding VAT"],
                   [[row.day.isoformat(), str(row.sales_count), str(row.units), format_pence(row.refunds_pence),
                     format_pence(row.gross_pence), format_pence(row.ex_vat_pence)] for row in summary.by_day],
                   {1, 2, 3, 4, 5}),
        "",
        text_table(["Till", "Sales", "Takings"],
                   [[row.till, str(row.sales_count), format_pence(row.gross_pence)] for row in summary.by_till], {1, 2}),
        "",
        text_table(["Designer", "Designs", "Items", "Takings", "Excluding VAT"],
                   [[row.name, str(row.designs), str(row.units), format_pence(row.gross_pence),
                     format_pence(row.ex_vat_pence)] for row in summary.by_designer], {1, 2, 3, 4}),
        "",
        text_table(["Design", "Received", "Sold", "Sell-through", "Takings", "Returned", "Damaged"],
                   [[row.design, str(row.received), str(row.units), sell_through(row.sell_through_bp),
                     format_pence(row.gross_pence), str(row.returned_saleable), str(row.returned_damaged)]
                    for row in summary.by_design], {1, 2, 3, 4, 5, 6}),
        "",
        text_table(["Hour", "Sales", "Takings"],
                   [[f"{row.hour:02d}:00", str(row.sales_count), format_pence(row.gross_pence)] for row in summary.by_hour],
                   {1, 2}),
        "",
        "Busiest hours: " + "; ".join(f"{slot.day.isoformat()} {slot.hour:02d}:00 ({slot.sales_count} sales, "
                                       f"{format_pence(slot.gross_pence)})" for slot in summary.busiest_hours),
    ]
    return "\n".join(lines) + "\n"


@click.command(name="statement")
@click.argument("participant")
@click.option("--from", "date_from", type=_DAY, help="First trading day (default: the event's first).")
@click.option("--to", "date_to", type=_DAY, help="Last trading day (default: the event's last).")
@click.option("--format", "output", type=click.Choice(["pdf", "json"]), default="pdf", show_default=True,
              help="The PDF to hand to the participant, or its figures as JSON.")
@click.option("--out", type=click.Path(path_type=Path), help="The file to write (needed for pdf; json prints without it).")
@click.option("--config", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@click.option("--db", help=_DB_HELP)
def statement_command(participant: str, date_from: datetime | None, date_to: datetime | None, output: str,
                      out: Path | None, config: Path | None, db: str | None) -> None:
    """A participant's statement as a PDF (or JSON): their designs, what sold, their share, and the shifts they worked."""
    from pos.cli import _fail, _open, _write_pdf
    from pos.reports.documents import statement_pdf
    from pos.reports.statement import statement

    target = _out_file(out, "pdf" if output == "pdf" else None)
    engine = _open(db)
    first, last = _range(engine, date_from, date_to)
    try:
        figures = statement(engine, participant, first, last)
    except PosError as error:
        _fail(error)
    if output == "json":
        _emit(json.dumps(figures.as_json(), indent=2) + "\n", target)
        return
    assert target is not None
    _write_pdf(target, statement_pdf(figures, _store_name(config)))
    click.echo(f"Statement for {figures.code}, {first.isoformat()} to {last.isoformat()}: {target}")


def _out_dir(out: Path) -> Path:
    """`--out DIR` if the documents can be written there (it may not exist yet; its parent must)."""
    from pos.cli import _fail

    if out.exists() and not out.is_dir():
        _fail(PosError(f"--out {out} is a file: give a folder for the documents. Nothing was changed."))
    where = out if out.exists() else out.parent
    if not where.is_dir():
        _fail(PosError(f"The folder {out.parent} does not exist: create it or choose another --out. Nothing was changed."))
    if not os.access(where, os.W_OK | os.X_OK):
        _fail(PosError(f"The folder {where} cannot be written to: choose another --out. Nothing was changed."))
    return out


@click.command(name="close-out")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The folder for the event summary and every statement (made if it does not exist).")
@click.option("--staff", "staff_code", required=True, help="The manager closing out (their PIN is asked).")
@click.option("--config", type=click.Path(path_type=Path), help=_CONFIG_HELP)
@click.option("--db", help=_DB_HELP)
def close_out_command(out: Path, staff_code: str, config: Path | None, db: str | None) -> None:
    """End of the event: return the unsold stock to the programme, then write the event summary and every statement."""
    from common.values import Actor
    from pos.cli import _approval, _fail, _open, _unit_of_work
    from pos.reports.close_out import close_out

    folder = _out_dir(out)
    store = _store_name(config)
    engine = _open(db)
    manager = _approval(engine, staff_code, "The close-out")
    try:
        result = close_out(_unit_of_work(engine, Actor.signed_in(manager)), manager)
    except PosError as error:
        _fail(error)
    if result.already_done:
        click.echo(f"The stock was already returned to the programme at the close-out on "
                   f"{result.at:%d %b %Y at %H:%M} by {result.by}: nothing more was moved.")
    else:
        click.echo(f"Returned to the programme: {result.saleable} saleable and {result.damaged} damaged "
                   f"item{'s' if result.damaged != 1 else ''}, {len(result.returned)} SKUs, recorded as stock movements "
                   f"by {result.by}.")
    for sku, on_hand in result.below_zero:
        click.echo(f"Note: {sku} is at {on_hand} on hand (sold more than the ledger received): worth a look.")
    written = _write_close_out_documents(engine, folder, store, result)
    click.echo(f"Wrote the event summary (PDF and JSON) and {written} statement{'s' if written != 1 else ''} "
               f"to {folder}.")


def _write_close_out_documents(engine, folder: Path, store: str, result) -> int:  # type: ignore[no-untyped-def]
    from pos.cli import _fail, _write_pdf
    from pos.reports.documents import event_pdf, statement_pdf
    from pos.reports.event import event_summary
    from pos.reports.statement import participant_codes, statement

    summary = event_summary(engine)
    first = summary.first_day or result.trading_day
    last = summary.last_day or result.trading_day
    try:
        private_dir(folder)
    except OSError as error:
        _fail(PosError(f"Could not make the folder {folder}: {error.strerror or error}. The stock movements are "
                       "recorded; run the close-out again to write the documents (no stock moves twice)."))
    _write_pdf(folder / "event-summary.pdf", event_pdf(summary, store, result))
    _write_pdf(folder / "event-summary.json",
               (json.dumps(_event_json(summary, result), indent=2) + "\n").encode("utf-8"))
    codes = participant_codes(engine)
    for code in codes:
        _write_pdf(folder / f"statement-{code}.pdf", statement_pdf(statement(engine, code, first, last), store))
    return len(codes)
