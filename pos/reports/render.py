"""The sales report as a text table or CSV (JSON comes from SalesReport.as_json); both made safe by pos.reports.export."""

from __future__ import annotations

import io
from collections.abc import Sequence

from common.money import format_pence
from pos.reports.export import plain_cell, safe_csv_writer
from pos.reports.sales import SalesReport

CSV_COLUMNS = ("section", "key", "name", "units", "gross_pence", "vat_pence", "ex_vat_pence")


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int] | None = None) -> str:
    """A plain fixed-width table; columns in `right` are right-aligned (numbers).

    Every header and cell goes through `plain_cell`: no escape sequence or control character from a
    name or a note reaches the terminal, and each cell stays on its line.
    """
    right = right or set()
    headers = [plain_cell(cell) for cell in headers]
    rows = [[plain_cell(cell) for cell in row] for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(cell).rjust(width) if index in right else str(cell).ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * width for width in widths]), *(line(row) for row in rows)])


def _period(report: SalesReport) -> str:
    if report.date_from == report.date_to:
        return report.date_from.isoformat()
    return f"{report.date_from.isoformat()} to {report.date_to.isoformat()}"


def report_table(report: SalesReport) -> str:
    summary = [
        f"Sales report {_period(report)}",
        f"Sales: {report.sales_count}   Units: {report.units}   "
        f"Takings: {format_pence(report.gross_pence)}   VAT included: {format_pence(report.vat_pence)}   "
        f"Excluding VAT: {format_pence(report.ex_vat_pence)}",
    ]
    if report.refunds_count:
        summary.append(
            f"Refunds: {report.refunds_count} for {format_pence(report.refunds_pence)}, already taken off the "
            "takings, tenders, designers and products"
        )
    tenders = text_table(
        ["Tender", "Amount"], [[tender.title(), format_pence(amount)] for tender, amount in report.by_tender.items()], {1}
    )
    designers = text_table(
        ["Designer", "Code", "Units", "Takings", "Excluding VAT"],
        [[row.name, row.code, str(row.units), format_pence(row.gross_pence), format_pence(row.ex_vat_pence)]
         for row in report.by_participant],
        {2, 3, 4},
    )
    products = text_table(
        ["SKU", "Design", "Size", "Colour", "Units", "Takings"],
        [[row.sku, row.name, row.size, row.colour, str(row.units), format_pence(row.gross_pence)]
         for row in report.by_product],
        {4, 5},
    )
    return "\n\n".join(["\n".join(summary), tenders, designers, products]) + "\n"


def report_csv(report: SalesReport) -> str:
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["total", _period(report), "", report.units, report.gross_pence, report.vat_pence, report.ex_vat_pence])
    writer.writerow(["sales_count", _period(report), "", report.sales_count, "", "", ""])
    writer.writerow(["refunds", _period(report), "", report.refunds_count, report.refunds_pence, "", ""])
    for tender, amount in report.by_tender.items():
        writer.writerow(["tender", tender, tender.title(), "", amount, "", ""])
    for row in report.by_participant:
        writer.writerow(["participant", row.code, row.name, row.units, row.gross_pence, row.vat_pence, row.ex_vat_pence])
    for row in report.by_product:
        writer.writerow(["product", row.sku, f"{row.name} {row.size} {row.colour}".strip(), row.units, row.gross_pence, "", ""])
    return out.getvalue()
