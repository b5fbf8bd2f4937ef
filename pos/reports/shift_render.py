"""The X and Z reports as people keep them: a terminal table, CSV, a PDF with charts, and a summary
for the till's thermal printer (32, 42 or 48 columns).

The lead's Z close calls `save_z_report` (the PDF under data/reports/) and `print_shift_report`
(the paper summary) right after the close commits; `pos report x` and `pos report z` use the same.
Printing never raises for a printer fault: the report is already saved, and the message says so.

Money is formatted here, at the edge, from integer pence; chart values stay pence (receipts.report_pdf
draws the axis in pounds). Names come from the report, which names a participant only where they
consented; every text is cleaned of control characters before it reaches a screen, a file or paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from common.files import private_dir, write_private
from common.money import format_pence
from pos.reports.export import csv_text
from pos.reports.render import text_table
from pos.reports.shift import ShiftReport, z_report
from receipts.layout import PrintLine, amount, lines_text, para, rule
from receipts.model import StoreHeader
from receipts.text import clean

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pos.config import Settings
    from pos.shifts.services import ShiftInfo
    from receipts.report_pdf import ReportDocument

DEFAULT_REPORTS_DIR = Path("data/reports")
CSV_COLUMNS = ("section", "key", "name", "count", "units", "amount_pence", "vat_pence")
_WHEN = "%a %d %b %Y %H:%M"
_PAPER_WHEN = "%a %d %b %H:%M"


def _title(report: ShiftReport) -> str:
    return f"{report.kind} report"


def _variance_words(variance: int) -> str:
    if variance < 0:
        return f"{format_pence(variance)} (short)"
    if variance > 0:
        return f"{format_pence(variance)} (over)"
    return f"{format_pence(0)} (exact)"


def _tender_label(tender: str) -> str:
    return {"cash": "Cash", "card": "Card", "exchange": "Exchange credit"}.get(tender, clean(tender).title())


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _takings(report: ShiftReport) -> list[tuple[str, str]]:
    return [
        ("Sales", str(report.sales_count)),
        ("Gross sales", format_pence(report.gross_pence)),
        ("Discounts", format_pence(-report.discount_pence)),
        (f"Refunds ({report.refunds_count})", format_pence(-report.refunds_pence)),
        ("Net sales", format_pence(report.net_pence)),
        ("VAT in net sales", format_pence(report.vat_pence)),
        ("Net sales excluding VAT", format_pence(report.ex_vat_pence)),
    ]


def _cash_rows(report: ShiftReport) -> list[tuple[str, str]]:
    cash = report.cash
    rows = [
        ("Float", format_pence(cash.float_pence)),
        ("Cash handed over for sales", format_pence(cash.cash_sales_pence)),
        ("Change given", format_pence(-cash.change_pence)),
        ("Cash refunds", format_pence(-cash.cash_refunds_pence)),
        ("Paid in", format_pence(cash.paid_in_pence)),
        ("Paid out", format_pence(-cash.paid_out_pence)),
        ("Expected in the drawer", format_pence(report.expected_cash_pence)),
    ]
    if report.counted_cash_pence is None:
        rows.append(("Counted", "at the Z"))
    else:
        rows.append(("Counted", format_pence(report.counted_cash_pence)))
        rows.append(("Variance", _variance_words(report.variance_pence or 0)))
    return rows


def _counts(report: ShiftReport) -> list[tuple[str, str]]:
    return [
        ("No sales (drawer opened)", str(report.no_sales)),
        ("Cancelled baskets", str(report.cancelled_baskets)),
        ("Price overrides", str(report.price_overrides)),
        ("Training sales (in no figure)", str(report.training_sales)),
    ]


def _shift_lines(report: ShiftReport, when: str = _WHEN) -> list[str]:
    shift = report.shift
    lines = [f"Opened {shift.opened_at:{when}} by {clean(shift.opened_by)}"]
    if shift.closed_at is not None:
        lines.append(f"Closed {shift.closed_at:{when}} by {clean(shift.closed_by)}")
    else:
        lines.append(f"Still open: figures so far, at {report.generated_at:{when}}")
    return lines


def _hours_filled(report: ShiftReport) -> list[tuple[str, int]]:
    """Net takings for every hour from the first to the last with trade (quiet hours as zero)."""
    if not report.by_hour:
        return []
    by_start = {row.starts_at: row.net_pence for row in report.by_hour}
    hours, start = [], report.by_hour[0].starts_at
    last = report.by_hour[-1].starts_at
    while start <= last:
        hours.append((f"{start:%H}:00", by_start.get(start, 0)))
        start = (start + timedelta(hours=1)).astimezone(start.tzinfo)
    return hours


# --- the terminal ------------------------------------------------------------------------------


def shift_table(report: ShiftReport) -> str:
    """The report as text for a terminal: figures, cash, then a table per grouping."""
    shift = report.shift
    parts = ["\n".join([f"{_title(report)}: {shift.till}, shift {shift.id}", *_shift_lines(report)])]
    parts.append(text_table(["Takings", "Amount"], [list(row) for row in _takings(report)], {1}))
    parts.append(text_table(["Cash", "Amount"], [list(row) for row in _cash_rows(report)], {1}))
    if report.note:
        parts.append(f"Note: {clean(report.note)}")
    parts.append(text_table(["Tender", "Net"], [[_tender_label(t), format_pence(a)] for t, a in report.by_tender.items()],
                            {1}))
    parts.append(text_table(["VAT rate", "Takings", "VAT", "Excluding VAT"], [
        [row.label, format_pence(row.takings_pence), format_pence(row.vat_pence), format_pence(row.ex_vat_pence)]
        for row in report.vat_by_rate], {1, 2, 3}))
    parts.append(text_table(["Designer", "Code", "Units", "Sales", "Refunds", "Net"], [
        [clean(row.name), row.code, str(row.units), format_pence(row.sales_pence), format_pence(-row.refunds_pence),
         format_pence(row.net_pence)] for row in report.by_participant], {2, 3, 4, 5}))
    parts.append(text_table(["Design", "Size", "Units", "Net"], [
        [clean(row.design), clean(row.size), str(row.units), format_pence(row.net_pence)] for row in report.by_design],
        {2, 3}))
    parts.append(text_table(["Hour", "Sales", "Takings", "Refunds", "Net"], [
        [row.label, str(row.sales_count), format_pence(row.sales_pence), format_pence(-row.refunds_pence),
         format_pence(row.net_pence)] for row in report.by_hour], {1, 2, 3, 4}))
    parts.append(text_table(["Cashier", "Code", "Sales", "Refunds", "Net"], [
        [clean(row.name), row.code, str(row.sales_count), str(row.refunds_count), format_pence(row.net_pence)]
        for row in report.by_cashier], {2, 3, 4}))
    parts.append(text_table(["At the till", "Count"], [list(row) for row in _counts(report)], {1}))
    return "\n\n".join(parts) + "\n"


# --- CSV ---------------------------------------------------------------------------------------


def _csv_text(rows: Sequence[Sequence[object]]) -> str:
    """Every CSV of this module: the first row is the header; every cell is made safe for a spreadsheet."""
    return csv_text(rows[0], rows[1:])


def shift_csv(report: ShiftReport) -> str:
    """One row per figure: section, key, name, count, units, amount_pence, vat_pence (pence, integers)."""
    shift, cash = report.shift, report.cash
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    rows.append(["shift", shift.id, shift.till, "", "", "", ""])
    rows.append(["opened_at", shift.opened_at.isoformat(), shift.opened_by, "", "", "", ""])
    if shift.closed_at is not None:
        rows.append(["closed_at", shift.closed_at.isoformat(), shift.closed_by, "", "", "", ""])
    rows += [
        ["total", "sales", "", report.sales_count, "", report.gross_pence - report.discount_pence, ""],
        ["total", "gross_pence", "Gross sales", "", "", report.gross_pence, ""],
        ["total", "discount_pence", "Discounts", "", "", report.discount_pence, ""],
        ["total", "refunds_pence", "Refunds", report.refunds_count, "", report.refunds_pence, ""],
        ["total", "net_pence", "Net sales", "", "", report.net_pence, report.vat_pence],
    ]
    for key, value in (("float_pence", cash.float_pence), ("cash_sales_pence", cash.cash_sales_pence),
                       ("change_pence", cash.change_pence), ("cash_refunds_pence", cash.cash_refunds_pence),
                       ("paid_in_pence", cash.paid_in_pence), ("paid_out_pence", cash.paid_out_pence),
                       ("expected_cash_pence", report.expected_cash_pence),
                       ("counted_cash_pence", report.counted_cash_pence), ("variance_pence", report.variance_pence)):
        rows.append(["cash", key, report.note if key == "variance_pence" else "", "", "",
                     "" if value is None else value, ""])
    rows += [["tender", tender, _tender_label(tender), "", "", net, ""] for tender, net in report.by_tender.items()]
    rows += [["vat_rate", row.rate_bp, row.label, "", "", row.takings_pence, row.vat_pence] for row in report.vat_by_rate]
    rows += [["participant", row.code, row.name, "", row.units, row.net_pence, row.vat_pence]
             for row in report.by_participant]
    rows += [["design", row.size, row.design, "", row.units, row.net_pence, ""] for row in report.by_design]
    rows += [["hour", row.starts_at.isoformat(), row.label, row.sales_count, "", row.net_pence, ""]
             for row in report.by_hour]
    rows += [["cashier", row.code, row.name, row.sales_count, "", row.net_pence, ""] for row in report.by_cashier]
    rows += [["count", key, "", value, "", "", ""] for key, value in (
        ("no_sales", report.no_sales), ("cancelled_baskets", report.cancelled_baskets),
        ("price_overrides", report.price_overrides), ("training_sales", report.training_sales))]
    return _csv_text([[clean(cell) if isinstance(cell, str) else cell for cell in row] for row in rows])


# --- the PDF -----------------------------------------------------------------------------------


def shift_document(report: ShiftReport, store: StoreHeader | None = None) -> ReportDocument:
    """The report as a PDF document: figures and cash on page 1, the charts on page 2, the tables after."""
    from receipts.report_pdf import BarChart, Figures, Heading, PageBreak, Paragraph, ReportDocument, Table

    shift = report.shift
    store = store or StoreHeader()
    takings = _takings(report)
    cash = _cash_rows(report)
    blocks: list = [
        Figures(takings, title="Takings", bold_rows=(4,)),
        Figures(cash, title="Cash reconciliation", bold_rows=tuple(range(6, len(cash)))),
    ]
    if report.note:
        blocks.append(Paragraph(f"Note at the close: {report.note}"))
    if not report.closed:
        blocks.append(Paragraph("An X report: the shift is still open, so these are its figures so far and the "
                                "drawer has not been counted. Nothing was closed by printing it."))
    blocks += [
        Table("Tenders (net of refunds)", ("Tender", "Net"),
              [(_tender_label(tender), format_pence(net)) for tender, net in report.by_tender.items()],
              right_aligned=(1,), total_row=("Total", format_pence(report.net_pence))),
        Table("VAT by rate", ("Rate", "Takings", "VAT", "Excluding VAT"),
              [(row.label, format_pence(row.takings_pence), format_pence(row.vat_pence), format_pence(row.ex_vat_pence))
               for row in report.vat_by_rate], right_aligned=(1, 2, 3),
              total_row=("Total", format_pence(report.net_pence), format_pence(report.vat_pence),
                         format_pence(report.ex_vat_pence))),
        Figures(_counts(report), title="At the till"),
        PageBreak(),
        Heading("Charts"),
    ]
    hours = _hours_filled(report)
    blocks.append(BarChart("Net sales by hour", [label for label, _ in hours], [net for _, net in hours]))
    blocks.append(BarChart("Net sales by designer", [row.name for row in report.by_participant],
                           [row.net_pence for row in report.by_participant], horizontal=True))
    blocks += [
        PageBreak(),
        Heading("Details"),
        Table("By designer", ("Designer", "Units", "Sales", "Refunds", "Net"),
              [(row.name, str(row.units), format_pence(row.sales_pence), format_pence(-row.refunds_pence),
                format_pence(row.net_pence)) for row in report.by_participant], right_aligned=(1, 2, 3, 4),
              total_row=("Total", "", format_pence(sum(row.sales_pence for row in report.by_participant)),
                         format_pence(-sum(row.refunds_pence for row in report.by_participant)),
                         format_pence(report.net_pence))),
        Paragraph("Each designer's part of every line, after discounts, less what refunds gave back; a "
                  "collaboration's units count for each of its designers. A designer who has not agreed to be "
                  "named is shown by their code."),
        Table("By design and size", ("Design", "Size", "Units", "Net"),
              [(row.design, row.size, str(row.units), format_pence(row.net_pence)) for row in report.by_design],
              right_aligned=(2, 3), total_row=("Total", "", str(sum(row.units for row in report.by_design)),
                                               format_pence(report.net_pence))),
        Table("By hour", ("Hour", "Sales", "Takings", "Refunds", "Net"),
              [(row.label, str(row.sales_count), format_pence(row.sales_pence), format_pence(-row.refunds_pence),
                format_pence(row.net_pence)) for row in report.by_hour], right_aligned=(1, 2, 3, 4),
              total_row=("Total", str(report.sales_count), format_pence(report.gross_pence - report.discount_pence),
                         format_pence(-report.refunds_pence), format_pence(report.net_pence))),
        Table("By cashier", ("Cashier", "Sales", "Refunds", "Net"),
              [(row.name, str(row.sales_count), str(row.refunds_count), format_pence(row.net_pence))
               for row in report.by_cashier], right_aligned=(1, 2, 3),
              total_row=("Total", str(report.sales_count), str(report.refunds_count), format_pence(report.net_pence))),
    ]
    subtitle = " · ".join([store.name, *_shift_lines(report)])
    return ReportDocument(
        title=f"{_title(report)} · {shift.till} · shift {shift.id}",
        subtitle=subtitle, blocks=blocks,
        footer=f"{store.name} · {_title(report)} · {shift.till} · shift {shift.id} · "
               f"made {report.generated_at:{_WHEN}}",
    )


def shift_pdf(report: ShiftReport, store: StoreHeader | None = None) -> bytes:
    from receipts.report_pdf import report_pdf

    return report_pdf(shift_document(report, store))


def report_file_name(report: ShiftReport) -> str:
    """z-till-1-shift-12-2026-11-28.pdf (the day it closed); an X adds the time it was made."""
    shift = report.shift
    if report.closed and shift.closed_at is not None:
        return z_file_name(shift)
    return f"x-{shift.till}-shift-{shift.id}-{report.generated_at:%Y-%m-%d-%H%M}.pdf"


def z_file_name(shift: ShiftInfo) -> str:
    """The Z's PDF of a closed shift: z-till-1-shift-12-2026-11-28.pdf (the store's day it closed)."""
    assert shift.closed_at is not None, "an open shift has no Z"
    return f"z-{shift.till}-shift-{shift.id}-{shift.closed_at:%Y-%m-%d}.pdf"


def write_file(path: Path, data: bytes) -> Path:
    """Write `data` beside `path` and move it into place: the file is never left half written, and only its
    owner can read it."""
    return write_private(path, data)


def save_shift_pdf(report: ShiftReport, reports_dir: Path = DEFAULT_REPORTS_DIR, *,
                   store: StoreHeader | None = None) -> Path:
    """The report's PDF in `reports_dir` (created if need be), named by `report_file_name`; returns its path."""
    private_dir(reports_dir)
    return write_file(reports_dir / report_file_name(report), shift_pdf(report, store))


def save_z_report(engine: Engine, shift_id: int, reports_dir: Path = DEFAULT_REPORTS_DIR, *,
                  store: StoreHeader | None = None) -> Path:
    """Right after a Z commits: the closed shift's Z as a PDF in `reports_dir`; returns its path.

    NotAllowed if the shift is still open (there is no Z yet). An OSError (a full disk, a folder that
    cannot be made) is the caller's to report: the close itself is already safe in the ledger.
    """
    return save_shift_pdf(z_report(engine, shift_id), reports_dir, store=store)


# --- the thermal printer -----------------------------------------------------------------------


def shift_print_lines(report: ShiftReport, width: int, store: StoreHeader | None = None) -> list[PrintLine]:
    """The summary for paper `width` characters wide: every line fits (names wrap, amounts stay whole)."""
    shift = report.shift
    store = store or StoreHeader()
    lines = para(store.name, width, align="center", bold=True)
    lines += para(_title(report).upper(), width, align="center", bold=True, large=True)
    lines += amount(f"Till {shift.till}", f"Shift {shift.id}", width)
    for text in _shift_lines(report, _PAPER_WHEN):
        lines += para(text, width)

    def section(title: str, rows: Sequence[tuple[str, str]], bold: Sequence[str] = ()) -> None:
        lines.append(rule(width))
        lines.extend(para(title, width, bold=True))
        for label, value in rows:
            lines.extend(amount(label, value, width, bold=label in bold))

    section("TAKINGS", _takings(report), bold=("Net sales",))
    section("TENDERS", [(_tender_label(tender), format_pence(net)) for tender, net in report.by_tender.items()])
    section("VAT", [(f"{row.label} on {format_pence(row.takings_pence)}", format_pence(row.vat_pence))
                    for row in report.vat_by_rate])
    section("CASH", _cash_rows(report), bold=("Expected in the drawer", "Counted", "Variance"))
    if report.note:
        lines += para(f"Note: {report.note}", width)
    section("DESIGNERS", [(f"{row.name} x{row.units}", format_pence(row.net_pence)) for row in report.by_participant])
    designs: dict[str, list[int]] = {}
    for row in report.by_design:
        running = designs.setdefault(row.design, [0, 0])
        running[0] += row.units
        running[1] += row.net_pence
    section("DESIGNS", [(f"{design} x{units}", format_pence(net)) for design, (units, net) in designs.items()])
    section("BY HOUR", [(f"{row.label} {_plural(row.sales_count, 'sale')}", format_pence(row.net_pence))
                        for row in report.by_hour])
    section("CASHIERS", [(f"{row.name} {_plural(row.sales_count, 'sale')}"
                          + (f", {_plural(row.refunds_count, 'refund')}" if row.refunds_count else ""),
                          format_pence(row.net_pence)) for row in report.by_cashier])
    section("AT THE TILL", _counts(report))
    lines.append(rule(width))
    lines += para(f"Printed {report.generated_at:{_WHEN}}", width, align="center")
    if not report.closed:
        lines += para("An X: the shift is still open.", width, align="center")
    return lines


def shift_summary_lines(report: ShiftReport, width: int, store: StoreHeader | None = None) -> list[str]:
    """The thermal summary as plain text lines, as they print (each at most `width` characters)."""
    return lines_text(shift_print_lines(report, width, store), width).splitlines()


def shift_summary_bytes(report: ShiftReport, settings: Settings, till: str) -> bytes:
    """The summary as ESC/POS bytes for `till`'s printer (its profile, width and code page), cut at the end."""
    from receipts.layout import render_lines
    from receipts.printers import render_bytes

    printer = settings.printer_for(till)
    lines = shift_print_lines(report, printer.width, settings.store)
    return render_bytes(printer, lambda device: render_lines(device, lines, code_page=printer.code_page or None))


def print_shift_report(settings: Settings, till: str, report: ShiftReport, *, brief: bool = False) -> str:
    """Print the summary on `till`'s printer now; returns what happened in plain words (never raises for
    a printer fault: an unplugged printer leaves the report unprinted, and the message says so).
    `brief` (the till's two-line message) says only "Printed." when it printed."""
    from receipts.printers import PrinterError, deliver

    printer = settings.printer_for(till)
    what = f"The {_title(report)} of shift {report.shift.id}"
    if not printer.prints:
        return f"{what} was not printed: no receipt printer is set up for {till}."
    name = f"{report.kind.lower()}-{report.shift.till}-shift-{report.shift.id}.bin"
    try:
        delivered = deliver(printer, shift_summary_bytes(report, settings, till), name)
    except PrinterError as error:
        return f"{what} did not print: {error}"
    if delivered.confirmed and brief and not delivered.warning:
        return "Printed."
    if delivered.confirmed:
        return f"{what} printed ({delivered.where})." + (f" Note: {delivered.warning}." if delivered.warning else "")
    return f"{what} was sent to {delivered.where} (this printer cannot confirm it printed)."
