"""The statement, the event summary and the designers report as documents: plain data for
receipts.report_pdf, which lays them out as A4 PDFs (no database there, no figures worked out here).

Importing this module imports reportlab (about 0.2 s): the faces import it only when a PDF is made.

Words: a statement is written to its participant ("your designs") in plain words, for them to keep
and show to anyone they choose. It names collaborators who consented and calls any other "a fellow
designer"; it shows no one else's figures and nothing about anyone's past.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from common.money import format_pence
from pos.reports.close_out import CloseOut
from pos.reports.designers import DesignerFigures, DesignersReport, period_text
from pos.reports.event import EventSummary
from pos.reports.sales import SalesReport
from pos.reports.statement import DesignLine, Statement
from receipts.report_pdf import (
    BarChart, Block, Figures, Heading, PageBreak, Paragraph, ReportDocument, Table, report_pdf,
)

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(number: int, thing: str, plural: str | None = None) -> str:
    """"1 item", "3 items" (numbers always as digits: they are figures)."""
    return f"{number:,} {thing if number == 1 else plural or thing + 's'}"


def percent(basis_points: int) -> str:
    """4000 -> "40%", 3333 -> "33.33%"."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def sell_through(basis_points: int | None) -> str:
    """4250 -> "42.5%"; None (nothing received) -> "-"."""
    if basis_points is None:
        return "-"
    whole, rest = divmod(basis_points, 100)
    return f"{whole}.{rest // 10}%"


def _size(size: str) -> str:
    return {"": "No size", "OS": "One size"}.get(size, size)


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def made_with(line: DesignLine) -> str:
    """"Rhea Nvarro and a fellow designer", "two fellow designers", "on your own"."""
    names = list(line.made_with)
    if line.fellow_designers == 1:
        names.append("a fellow designer")
    elif line.fellow_designers > 1:
        count = line.fellow_designers
        names.append(f"{NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else count} fellow designers")
    if not names:
        return "on your own"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest:02d} min"


# --- the statement --------------------------------------------------------------------------------


def statement_document(st: Statement, store: str) -> ReportDocument:
    """A participant's statement, written to them."""
    period = period_text(st.date_from, st.date_to)
    when = f"on {period}" if st.date_from == st.date_to else f"from {period}"
    worked = st.staffed and (st.shifts or st.customers_served)
    intro = (f"This statement shows what your designs sold at {store} {when}"
             + (", and the till shifts you worked" if worked else "")
             + ". It is yours to keep, and to show to anyone you choose.")
    blocks: list[Block] = [Paragraph(intro)]
    summary = [
        ("Your designs in the store", f"{len(st.designs):,}"),
        ("Items of your designs sold", f"{st.units:,}"),
        ("Your share of the sales", format_pence(st.gross_pence)),
        ("Your share before VAT", format_pence(st.ex_vat_pence)),
    ]
    if worked:
        summary += [("Till shifts you worked", f"{len(st.shifts):,}"), ("Customers you served", f"{st.customers_served:,}")]
    blocks.append(Figures(summary, title="In short", bold_rows=(2,)))

    blocks.append(Heading("Your designs"))
    if st.designs:
        blocks.append(Table(
            "", ["Design", "Made", "Your share", "Sold", "Your share of sales"],
            [[line.design, made_with(line).capitalize() if not line.collaboration else f"With {made_with(line)}",
              percent(line.share_bp), f"{line.units:,}", format_pence(line.gross_pence)] for line in st.designs],
            right_aligned=(2, 3, 4),
            total_row=["All your designs", "", "", f"{st.units:,}", format_pence(st.gross_pence)],
        ))
    else:
        blocks.append(Paragraph("No designs of yours were in the store's catalogue."))
    if st.units <= 0 and not st.returned:
        blocks.append(Paragraph(f"No sales of your designs were recorded {when}."))
    else:
        if st.best_sellers:
            blocks.append(Table(
                "Your best sellers", ["Design", "Size", "Colour", "Sold"],
                [[line.design, _size(line.size), line.colour or "-", f"{line.units:,}"] for line in st.best_sellers],
                right_aligned=(3,),
            ))
        if st.sizes:
            blocks.append(Figures([(_size(line.size), f"{line.units:,}") for line in st.sizes], title="Sold by size"))
        blocks.append(Heading("Day by day"))
        returns = any(line.returned for line in st.days)
        blocks.append(Table(
            "", ["Day", "Sold", *(["Brought back"] if returns else []), "Your share"],
            [[_day(line.day), f"{line.sold:,}", *([f"{line.returned:,}"] if returns else []),
              format_pence(line.gross_pence)] for line in st.days],
            right_aligned=(1, 2, 3) if returns else (1, 2),
        ))
        if returns:
            blocks.append(Paragraph(
                f"{_count(st.returned, 'item')} of your designs {'was' if st.returned == 1 else 'were'} brought back: "
                "each is taken off on the day it came back, so every figure in this statement is after returns."))
        blocks.append(BarChart("Your share of each day's sales", [_day(line.day) for line in st.days],
                               [line.sold_pence for line in st.days]))
    if st.collaborations:
        blocks.append(Heading("Collaborations"))
        for line in st.collaborations:
            blocks.append(Paragraph(
                f"{line.design}: you made it with {made_with(line)}. Your share of this design is "
                f"{percent(line.share_bp)}, which came to {format_pence(line.gross_pence)} from "
                f"{_count(line.units, 'item')} sold."))
    if worked:
        blocks.append(Heading("At the till"))
        hours = st.shift_minutes
        blocks.append(Paragraph(
            f"You worked {_count(len(st.shifts), 'till shift')}"
            + (f" ({_duration(hours)} in all)" if hours else "")
            + f" and served {_count(st.customers_served, 'customer')}. A shift counts here when you served at "
            "least one customer in it or opened it; its times are when the till's shift opened and closed."))
        if st.shifts:
            blocks.append(Table(
                "", ["Day", "Till", "Shift", "Customers you served"],
                [[_day(shift.day), shift.till,
                  f"{shift.opened_at:%H:%M} to {shift.closed_at:%H:%M} ({_duration(shift.minutes or 0)})"
                  if shift.closed_at else f"from {shift.opened_at:%H:%M} (still open)",
                  f"{shift.customers:,}"] for shift in st.shifts],
                right_aligned=(3,),
            ))
    blocks.append(Heading("How these figures are worked out"))
    blocks.append(Paragraph(
        "Every sale of a design is shared between its designers in the shares agreed for it, to the penny, "
        "after any discount. Anything brought back is taken off on the day it came back. Amounts include VAT "
        "unless they say otherwise."))
    blocks.append(Paragraph("Thank you for your designs" + (" and for your work at the till." if worked else ".")))
    return ReportDocument(
        title=f"Sales statement for {st.name}", subtitle=f"{store}, {period}", blocks=tuple(blocks),
        footer=f"{st.name}: sales statement, {period}",
    )


def statement_pdf(st: Statement, store: str) -> bytes:
    return report_pdf(statement_document(st, store))


# --- the event summary ------------------------------------------------------------------------------


def event_document(summary: EventSummary, store: str, close_out: CloseOut | None = None) -> ReportDocument:
    """The whole event for the programme's managers (designers named only where they consented)."""
    if summary.first_day is None or summary.last_day is None:
        return ReportDocument(title="Event summary", subtitle=store,
                              blocks=(Paragraph("Nothing has been sold yet."),), footer=f"{store}: event summary")
    period = period_text(summary.first_day, summary.last_day)
    refunds = (f"{summary.refunds_count:,} for {format_pence(summary.refunds_pence)}"
               if summary.refunds_count else "none")
    items = f"{summary.average_items_hundredths // 100}.{summary.average_items_hundredths % 100:02d}"
    blocks: list[Block] = [Figures([
        ("Sales", f"{summary.sales_count:,}"),
        ("Items sold (less returns)", f"{summary.units:,}"),
        ("Takings (after refunds, VAT included)", format_pence(summary.gross_pence)),
        ("VAT included", format_pence(summary.vat_pence)),
        ("Takings excluding VAT", format_pence(summary.ex_vat_pence)),
        ("Discounts given", format_pence(summary.discount_pence)),
        ("Refunds (already taken off)", refunds),
        ("Average basket", format_pence(summary.average_basket_pence)),
        ("Items per basket", items),
        ("Stock received", f"{summary.received:,}"),
        ("Sell-through (sold ÷ received)", sell_through(summary.sell_through_bp)),
    ], title="Totals", bold_rows=(2,))]
    blocks.append(Heading("By day"))
    blocks.append(Table(
        "", ["Day", "Sales", "Items", "Refunds", "Takings", "Excluding VAT"],
        [[_day(row.day), f"{row.sales_count:,}", f"{row.units:,}", format_pence(row.refunds_pence),
          format_pence(row.gross_pence), format_pence(row.ex_vat_pence)] for row in summary.by_day],
        right_aligned=(1, 2, 3, 4, 5),
        total_row=["All days", f"{summary.sales_count:,}", f"{summary.units:,}", format_pence(summary.refunds_pence),
                   format_pence(summary.gross_pence), format_pence(summary.ex_vat_pence)],
    ))
    blocks.append(BarChart("Takings each day", [_day(row.day) for row in summary.by_day],
                           [row.gross_pence for row in summary.by_day]))
    blocks.append(Table("By till", ["Till", "Sales", "Takings"],
                        [[row.till, f"{row.sales_count:,}", format_pence(row.gross_pence)] for row in summary.by_till],
                        right_aligned=(1, 2)))
    blocks.append(Heading("Busiest hours"))
    blocks.append(Table(
        "The five busiest hours of the event", ["Day", "Hour", "Sales", "Takings"],
        [[_day(slot.day), f"{slot.hour:02d}:00 to {(slot.hour + 1) % 24:02d}:00", f"{slot.sales_count:,}",
          format_pence(slot.gross_pence)] for slot in summary.busiest_hours],
        right_aligned=(2, 3),
    ))
    blocks.append(BarChart("Takings by hour of the day, all days together",
                           [f"{row.hour:02d}:00" for row in summary.by_hour], [row.gross_pence for row in summary.by_hour]))
    blocks += _designer_blocks(summary.by_designer)
    blocks.append(Heading("Designs"))
    returned = summary.closed_out
    headers = ["Design", "Designers", "Received", "Sold", "Sell-through", "Takings"]
    if returned:
        headers += ["Returned", "Damaged"]
    blocks.append(Table(
        "", headers,
        [[row.design, ", ".join(row.designers), f"{row.received:,}", f"{row.units:,}", sell_through(row.sell_through_bp),
          format_pence(row.gross_pence), *([f"{row.returned_saleable:,}", f"{row.returned_damaged:,}"] if returned
                                           else [])]
         for row in summary.by_design],
        right_aligned=tuple(range(2, len(headers))),
    ))
    if returned:
        blocks.append(Paragraph("Returned and Damaged: the stock handed back to the programme at close-out."))
    if close_out is not None:
        blocks += _close_out_blocks(close_out)
    return ReportDocument(
        title="Event summary", subtitle=f"{store}, {period}: {_count(len(summary.by_day), 'trading day')}, "
        f"{_count(len(summary.by_till), 'till')}",
        blocks=tuple(blocks), footer=f"{store}: event summary, {period}",
    )


def _designer_blocks(rows: Sequence[DesignerFigures]) -> list[Block]:
    return [
        Heading("By designer"),
        Paragraph("Each designer's share of the takings, after discounts and refunds. Designers are named where "
                  "they agreed to be; anyone else is shown by their code. A collaboration counts its items for "
                  "each of its designers."),
        Table("", ["Designer", "Designs", "Items", "Takings", "Excluding VAT"],
              [[row.name, f"{row.designs:,}", f"{row.units:,}", format_pence(row.gross_pence),
                format_pence(row.ex_vat_pence)] for row in rows],
              right_aligned=(1, 2, 3, 4),
              total_row=["All designers", "", "", format_pence(sum(row.gross_pence for row in rows)),
                         format_pence(sum(row.ex_vat_pence for row in rows))]),
        BarChart("Takings excluding VAT by designer", [row.name for row in rows], [row.ex_vat_pence for row in rows], horizontal=True),
    ]


def _close_out_blocks(close_out: CloseOut) -> list[Block]:
    last = close_out.last_count
    checked = (f"count {last.count_id} ({last.scope}), approved by {last.approved_by} on "
               f"{last.approved_at:%d %b %Y at %H:%M}" if last else "none approved")
    blocks: list[Block] = [
        PageBreak(),
        Heading("Close-out: stock returned to the programme"),
        Figures([
            ("Closed out", f"{close_out.at:%d %b %Y at %H:%M} by {close_out.by}"),
            ("Saleable items returned", f"{close_out.saleable:,}"),
            ("Damaged items returned", f"{close_out.damaged:,}"),
            ("Last stock count", checked),
        ]),
        Paragraph("The final count is the stock on hand at close-out, SKU by SKU: what was handed back. It "
                  "includes the adjustments of every approved stock count."),
        Table("Final count", ["SKU", "Design", "Size", "Colour", "Saleable", "Damaged"],
              [[line.sku, line.design, line.size, line.colour, f"{line.saleable:,}", f"{line.damaged:,}"]
               for line in close_out.returned],
              right_aligned=(4, 5),
              total_row=["All SKUs", "", "", "", f"{close_out.saleable:,}", f"{close_out.damaged:,}"]),
    ]
    if close_out.below_zero:
        blocks.append(Table("Below zero at close-out (sold more than the ledger received: worth a look)",
                            ["SKU", "On hand"], [[sku, f"{on_hand:,}"] for sku, on_hand in close_out.below_zero],
                            right_aligned=(1,)))
    return blocks


def event_pdf(summary: EventSummary, store: str, close_out: CloseOut | None = None) -> bytes:
    return report_pdf(event_document(summary, store, close_out))


# --- the designers report ---------------------------------------------------------------------------


def designers_document(report: DesignersReport, store: str) -> ReportDocument:
    period = period_text(report.date_from, report.date_to)
    blocks: list[Block] = [Figures([
        ("Takings (designers' shares, VAT included)", format_pence(report.gross_pence)),
        ("VAT included", format_pence(report.vat_pence)),
        ("Excluding VAT", format_pence(report.ex_vat_pence)),
    ], bold_rows=(2,))]
    blocks += _designer_blocks(report.designers)
    return ReportDocument(title="Designers", subtitle=f"{store}, {period}", blocks=tuple(blocks),
                          footer=f"{store}: designers, {period}")


def designers_pdf(report: DesignersReport, store: str) -> bytes:
    return report_pdf(designers_document(report, store))


def sales_document(report: SalesReport, store: str) -> ReportDocument:
    """`pos report sales --format pdf`: the day's (or range's) takings, tenders, designers and products."""
    period = period_text(report.date_from, report.date_to)
    blocks: list[Block] = [Figures([
        ("Sales", str(report.sales_count)),
        ("Units (less returns)", str(report.units)),
        ("Discounts given", format_pence(report.discount_pence)),
        ("Refunds", f"{report.refunds_count}: {format_pence(report.refunds_pence)}"),
        ("Takings (after discounts and refunds)", format_pence(report.gross_pence)),
        ("VAT included", format_pence(report.vat_pence)),
        ("Excluding VAT", format_pence(report.ex_vat_pence)),
    ], bold_rows=(4,))]
    blocks.append(Table("Tenders", ["Tender", "Amount"],
                        [[tender.title(), format_pence(amount)] for tender, amount in report.by_tender.items()],
                        right_aligned=(1,)))
    if report.by_participant:
        blocks.append(BarChart("Takings by designer", [row.name for row in report.by_participant],
                               [row.gross_pence for row in report.by_participant], horizontal=True))
        blocks.append(Table("Designers", ["Designer", "Units", "Takings", "Excluding VAT"],
                            [[row.name, str(row.units), format_pence(row.gross_pence), format_pence(row.ex_vat_pence)]
                             for row in report.by_participant], right_aligned=(1, 2, 3)))
    if report.by_product:
        blocks.append(Table("Products", ["SKU", "Design", "Size", "Colour", "Units", "Takings"],
                            [[row.sku, row.name, row.size, row.colour, str(row.units), format_pence(row.gross_pence)]
                             for row in report.by_product], right_aligned=(4, 5)))
    return ReportDocument(title="Sales report", subtitle=f"{store}, {period}", blocks=tuple(blocks),
                          footer=f"{store}: sales, {period}")


def sales_pdf(report: SalesReport, store: str) -> bytes:
    return report_pdf(sales_document(report, store))
