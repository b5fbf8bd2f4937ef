"""The whole event across every day and till: `pos report event` (and the close-out's summary).

Totals, each trading day, each till, each designer (named only where they consented, else their
code, as every report export), each design with its sell-through against the stock received, the
busiest hours and the average basket. Money is integer pence, net of discounts and of refunds (a
refund counts on its own trading day, as in pos.reports.sales), so the totals here equal the sales
report's for the event's first to last day.

Definitions:
* `units`: units sold less units returned; a design's `sold` is the same figure, and its
  sell-through is sold ÷ received in basis points (integer: 4250 is 42.5%), received being what
  deliveries and imports brought in (kind "received"; scans undone are negative receipts).
* average basket: what the sales took (before any refund) ÷ the number of sales, to the nearest
  penny; items per basket likewise, in hundredths (182 is 1.82 items).
* hours are the store's local hours (common.clock.local_time). Sales are grouped by their UTC hour
  in the database and each hour is moved to local time here, which is exact for a zone whose offset
  from UTC is whole hours (Europe/London: GMT and BST); a sale counts in the hour it completed.
* `returned_to_programme`: stock handed back to the programme at close-out (pos.reports.close_out),
  saleable and damaged apart; zero until the close-out is run.

Speed (bench/README.md): one pass over the sales (grouped by day, till and hour together), the
sale lines straight out of their covering index by day and SKU, the designers out of theirs, one
pass over the stock movements for what was received, and the small refund tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, case, func, or_, select

from common.clock import local_time
from inventory.models import DesignerShare, Participant, Product, StockMovement, Variant
from pos.reports.export import csv_text
from pos.reports.designers import DesignerFigures, designer_rows, designer_totals, trading_span_in
from pos.reports.sales import add_up
from pos.sales.models import Refund, RefundLine, Sale, SaleLine, Till

CLOSE_OUT_REFERENCE = "close-out"  # the reference of the stock movements a close-out records


@dataclass(frozen=True)
class DayFigures:
    day: date
    sales_count: int
    units: int  # sold less returned that day
    gross_pence: int  # takings less refunds paid that day
    vat_pence: int
    refunds_pence: int  # already taken off gross

    @property
    def ex_vat_pence(self) -> int:
        return self.gross_pence - self.vat_pence


@dataclass(frozen=True)
class TillFigures:
    till: str
    sales_count: int
    gross_pence: int  # takings less refunds made at this till


@dataclass(frozen=True)
class HourFigures:
    hour: int  # 0-23, the store's local time
    sales_count: int
    gross_pence: int  # what the sales in this hour took (refunds are not spread over hours)


@dataclass(frozen=True)
class BusySlot:
    day: date
    hour: int
    sales_count: int
    gross_pence: int


@dataclass(frozen=True)
class DesignRow:
    design: str
    category: str
    designers: tuple[str, ...]  # by name where they consented, else their code; largest share first
    units: int  # sold less returned
    gross_pence: int  # takings less refunds
    received: int
    returned_saleable: int = 0  # handed back to the programme at close-out
    returned_damaged: int = 0

    @property
    def sell_through_bp(self) -> int | None:
        """Sold ÷ received in basis points, or None where nothing was received."""
        return self.units * 10_000 // self.received if self.received > 0 else None


@dataclass(frozen=True)
class EventSummary:
    first_day: date | None  # None: nothing sold yet
    last_day: date | None
    sales_count: int
    units: int
    gross_pence: int  # takings net of refunds, VAT included
    vat_pence: int
    discount_pence: int
    refunds_count: int
    refunds_pence: int
    average_basket_pence: int
    average_items_hundredths: int
    by_day: tuple[DayFigures, ...]
    by_till: tuple[TillFigures, ...]
    by_designer: tuple[DesignerFigures, ...]
    by_design: tuple[DesignRow, ...]
    by_hour: tuple[HourFigures, ...]  # every hour from the first to the last with a sale
    busiest_hours: tuple[BusySlot, ...]  # the five busiest hours of the event by number of sales

    @property
    def ex_vat_pence(self) -> int:
        return self.gross_pence - self.vat_pence

    @property
    def received(self) -> int:
        return sum(row.received for row in self.by_design)

    @property
    def sell_through_bp(self) -> int | None:
        received = self.received
        return self.units * 10_000 // received if received > 0 else None

    @property
    def closed_out(self) -> bool:
        return any(row.returned_saleable or row.returned_damaged for row in self.by_design)

    def as_json(self) -> dict[str, Any]:
        def design(row: DesignRow) -> dict[str, Any]:
            return {**asdict(row), "designers": list(row.designers), "sell_through_bp": row.sell_through_bp}

        return {
            "from": self.first_day.isoformat() if self.first_day else None,
            "to": self.last_day.isoformat() if self.last_day else None,
            "days": len(self.by_day),
            "tills": len(self.by_till),
            "sales_count": self.sales_count,
            "units": self.units,
            "gross_pence": self.gross_pence,
            "vat_pence": self.vat_pence,
            "ex_vat_pence": self.ex_vat_pence,
            "discount_pence": self.discount_pence,
            "refunds_count": self.refunds_count,
            "refunds_pence": self.refunds_pence,
            "average_basket_pence": self.average_basket_pence,
            "average_items_hundredths": self.average_items_hundredths,
            "received": self.received,
            "sell_through_bp": self.sell_through_bp,
            "by_day": [{**asdict(row), "day": row.day.isoformat(), "ex_vat_pence": row.ex_vat_pence} for row in self.by_day],
            "by_till": [asdict(row) for row in self.by_till],
            "by_designer": [asdict(row) for row in self.by_designer],
            "by_design": [design(row) for row in self.by_design],
            "by_hour": [asdict(row) for row in self.by_hour],
            "busiest_hours": [{**asdict(row), "day": row.day.isoformat()} for row in self.busiest_hours],
        }


def _hour_key(connection: Connection, created_at):  # type: ignore[no-untyped-def]
    """The UTC hour of a stored time as text, "2026-11-20 09", on either engine."""
    if connection.dialect.name == "sqlite":
        return func.substr(created_at, 1, 13)  # stored as "2026-11-20 09:41:07.123456"
    return func.to_char(created_at, "YYYY-MM-DD HH24")


def _local_hour(key: str) -> tuple[date, int]:
    moment = local_time(datetime.strptime(key, "%Y-%m-%d %H").replace(tzinfo=UTC))
    return moment.date(), moment.hour


def _round_div(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator to the nearest whole number (halves up), integers only; 0 for 0 ÷ 0."""
    return (2 * numerator + denominator) // (2 * denominator) if denominator else 0


def event_summary(engine: Engine) -> EventSummary:
    """The figures of every trading day in the ledger, at every till, read in one transaction so that they
    agree with one another while the tills keep selling."""
    with engine.connect() as connection:
        return _summary(connection)


def _summary(connection: Connection) -> EventSummary:
    return _summary_of({name: run(connection) for name, run in _PASSES.items()})


def _sales_pass(connection: Connection) -> dict[str, Any]:
    sale_hour = _hour_key(connection, Sale.created_at)
    # The hour first: SQLite then reads the table straight through and sorts once, where grouping by the
    # trading day first made it walk ix_sales_trading_date and fetch every row by its id (2x slower).
    sales = connection.execute(
        select(Sale.trading_date, Sale.till_id, sale_hour, func.count(), func.sum(Sale.total_pence),
               func.sum(Sale.vat_pence), func.sum(Sale.discount_pence))
        .group_by(sale_hour, Sale.till_id, Sale.trading_date)
    ).all()
    refunds = connection.execute(
        select(Refund.trading_date, Refund.till_id, func.count(), func.sum(Refund.total_pence),
               func.sum(Refund.vat_pence))
        .group_by(Refund.trading_date, Refund.till_id)
    ).all()
    return {"sales": sales, "refunds": refunds}


def _lines_pass(connection: Connection) -> dict[str, Any]:
    sold_skus = connection.execute(
        select(SaleLine.trading_date, SaleLine.sku, func.sum(SaleLine.quantity), func.sum(SaleLine.line_total_pence))
        .group_by(SaleLine.trading_date, SaleLine.sku)
    ).all()
    returned_skus = connection.execute(
        select(RefundLine.trading_date, RefundLine.sku, func.sum(RefundLine.quantity), func.sum(RefundLine.amount_pence))
        .group_by(RefundLine.trading_date, RefundLine.sku)
    ).all()
    return {"sold_skus": sold_skus, "returned_skus": returned_skus}


def _designers_pass(connection: Connection) -> dict[str, Any]:
    span = trading_span_in(connection)
    return {"span": span, "designers": designer_rows(connection, designer_totals(connection, *span) if span else {})}


def _catalogue_pass(connection: Connection) -> dict[str, Any]:
    return {
        "stock": _stock(connection),
        "catalogue": connection.execute(
            select(Variant.sku, Variant.id, Product.id, Product.name, Product.category)
            .join(Product, Product.id == Variant.product_id)
        ).all(),
        "shares": connection.execute(
            select(DesignerShare.product_id, DesignerShare.share_bp, Participant.code, Participant.display_name,
                   Participant.consent_to_publish)
            .join(Participant, Participant.id == DesignerShare.participant_id)
        ).all(),
        "tills": dict(connection.execute(select(Till.id, Till.name)).all()),
    }


_PASSES: dict[str, Callable[[Connection], dict[str, Any]]] = {
    "sales": _sales_pass, "lines": _lines_pass, "designers": _designers_pass, "catalogue": _catalogue_pass,
}


def _summary_of(passes: dict[str, dict[str, Any]]) -> EventSummary:
    sales, refunds = passes["sales"]["sales"], passes["sales"]["refunds"]
    sold_skus, returned_skus = passes["lines"]["sold_skus"], passes["lines"]["returned_skus"]
    span, designers = passes["designers"]["span"], passes["designers"]["designers"]
    stock, catalogue = passes["catalogue"]["stock"], passes["catalogue"]["catalogue"]
    shares, tills = passes["catalogue"]["shares"], passes["catalogue"]["tills"]

    days = add_up(((day,), (count, total, vat, 0, 0)) for day, _till, _hour, count, total, vat, _discount in sales)
    for day, _till, count, total, vat in refunds:
        figures = days.setdefault((day,), [0, 0, 0, 0, 0])
        figures[1] -= int(total)
        figures[2] -= int(vat)
        figures[3] += int(total)
    for day, _sku, units, _total in sold_skus:
        days.setdefault((day,), [0, 0, 0, 0, 0])[4] += int(units)
    for day, _sku, units, _total in returned_skus:
        days.setdefault((day,), [0, 0, 0, 0, 0])[4] -= int(units)
    by_day = tuple(
        DayFigures(day, count, units, gross, vat, refunded)
        for (day,), (count, gross, vat, refunded, units) in sorted(days.items())
    )

    till_totals = add_up(((till,), (count, total)) for _day, till, _hour, count, total, _vat, _discount in sales)
    for _day, till, _count, total, _vat in refunds:
        till_totals.setdefault((till,), [0, 0])[1] -= int(total)
    by_till = tuple(sorted(
        (TillFigures(tills.get(till, str(till)), count, gross) for (till,), (count, gross) in till_totals.items()),
        key=lambda row: row.till,
    ))

    slots = add_up((_local_hour(hour), (count, total)) for _day, _till, hour, count, total, _vat, _discount in sales)
    hours = add_up(((hour,), figures) for (_day, hour), figures in slots.items())
    by_hour: tuple[HourFigures, ...] = ()
    if hours:
        first_hour, last_hour = min(hours)[0], max(hours)[0]
        by_hour = tuple(HourFigures(hour, *hours.get((hour,), (0, 0))) for hour in range(first_hour, last_hour + 1))
    busiest = sorted(slots.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:5]

    by_design = _designs(catalogue, shares, stock, sold_skus, returned_skus)

    sales_count = sum(int(row[3]) for row in sales)
    taken = sum(int(row[4]) for row in sales)
    units_sold = sum(int(row[2]) for row in sold_skus)
    refunds_count = sum(int(row[2]) for row in refunds)
    refunded = sum(int(row[3]) for row in refunds)
    return EventSummary(
        first_day=span[0] if span else None, last_day=span[1] if span else None,
        sales_count=sales_count, units=units_sold - sum(int(row[2]) for row in returned_skus),
        gross_pence=taken - refunded,
        vat_pence=sum(int(row[5]) for row in sales) - sum(int(row[4]) for row in refunds),
        discount_pence=sum(int(row[6]) for row in sales), refunds_count=refunds_count, refunds_pence=refunded,
        average_basket_pence=_round_div(taken, sales_count),
        average_items_hundredths=_round_div(units_sold * 100, sales_count),
        by_day=by_day, by_till=by_till, by_designer=tuple(designers), by_design=by_design, by_hour=by_hour,
        busiest_hours=tuple(BusySlot(day, hour, count, gross) for (day, hour), (count, gross) in busiest),
    )


def _stock(connection: Connection) -> dict[int, list[int]]:
    """variant id -> [received, returned to the programme in all, of which damaged] from the movements."""
    closing = StockMovement.reference == CLOSE_OUT_REFERENCE
    # Grouped by an expression of the SKU, not the column: grouping by the column made SQLite walk the
    # (variant_id, quantity) index and fetch each of the million movements by its id to read its kind
    # (9.6 s against 0.2 s reading the table straight through and sorting the few it keeps).
    variant = (StockMovement.variant_id + 0).label("variant")
    rows = connection.execute(
        select(
            variant,
            func.sum(case((StockMovement.kind == "received", StockMovement.quantity), else_=0)),
            func.sum(case((closing & (StockMovement.kind == "adjusted"), -StockMovement.quantity), else_=0)),
            func.sum(case((closing & (StockMovement.kind == "damaged"), StockMovement.quantity), else_=0)),
        )
        .where(or_(StockMovement.kind == "received", closing))
        .group_by(variant)
    ).all()
    return {vid: [int(received), int(returned), int(damaged)] for vid, received, returned, damaged in rows}


def designer_label(code: str, name: str, consented: bool) -> str:
    return name if consented else code


def _designs(catalogue, shares, stock, sold_skus, returned_skus) -> tuple[DesignRow, ...]:  # type: ignore[no-untyped-def]
    product_of = {sku: product_id for sku, _vid, product_id, _name, _category in catalogue}
    figures: dict[int, list[int]] = {}  # product id -> [units, gross, received, returned saleable, returned damaged]
    names: dict[int, tuple[str, str]] = {}
    for sku, vid, product_id, name, category in catalogue:
        names[product_id] = (name, category)
        received, returned, damaged = stock.get(vid, (0, 0, 0))
        row = figures.setdefault(product_id, [0, 0, 0, 0, 0])
        row[2] += received
        row[3] += returned - damaged
        row[4] += damaged
    for sign, rows in ((1, sold_skus), (-1, returned_skus)):
        for _day, sku, units, total in rows:
            product_id = product_of.get(sku)
            if product_id is None:  # a SKU sold then removed from the catalogue cannot happen; be safe
                continue
            row = figures.setdefault(product_id, [0, 0, 0, 0, 0])
            row[0] += sign * int(units)
            row[1] += sign * int(total)
    designers: dict[int, list[tuple[int, str]]] = {}
    for product_id, share_bp, code, name, consented in shares:
        designers.setdefault(product_id, []).append((share_bp, designer_label(code, name, consented)))
    rows = [
        DesignRow(
            names[pid][0], names[pid][1],
            tuple(label for _bp, label in sorted(designers.get(pid, []), key=lambda item: (-item[0], item[1]))),
            units, gross, received, saleable, damaged,
        )
        for pid, (units, gross, received, saleable, damaged) in figures.items()
    ]
    return tuple(sorted(rows, key=lambda row: (-row.gross_pence, row.design)))


EVENT_CSV_COLUMNS = ("section", "key", "name", "sales", "units", "gross_pence", "vat_pence", "ex_vat_pence", "received",
                     "sell_through_bp")


def event_csv(summary: EventSummary) -> str:
    """`pos report event --format csv`: one row per figure, a `section` column saying which (total, day,
    till, designer, design, hour), empty where a figure does not apply; cells safe for a spreadsheet."""
    rows: list[list[object]] = []
    if summary.first_day is not None and summary.last_day is not None:
        span = f"{summary.first_day.isoformat()} to {summary.last_day.isoformat()}"
        rows.append(["total", span, "", summary.sales_count, summary.units, summary.gross_pence, summary.vat_pence,
                     summary.ex_vat_pence, summary.received, summary.sell_through_bp])
    rows += [["day", row.day.isoformat(), "", row.sales_count, row.units, row.gross_pence, row.vat_pence,
              row.ex_vat_pence, "", ""] for row in summary.by_day]
    rows += [["till", row.till, "", row.sales_count, "", row.gross_pence, "", "", "", ""] for row in summary.by_till]
    rows += [["designer", row.code, row.name, "", row.units, row.gross_pence, row.vat_pence, row.ex_vat_pence, "", ""]
             for row in summary.by_designer]
    rows += [["design", row.design, " / ".join(row.designers), "", row.units, row.gross_pence, "", "", row.received,
              row.sell_through_bp] for row in summary.by_design]
    rows += [["hour", f"{row.hour:02d}:00", "", row.sales_count, "", row.gross_pence, "", "", "", ""]
             for row in summary.by_hour]
    return csv_text(EVENT_CSV_COLUMNS, ([("" if cell is None else cell) for cell in row] for row in rows))
