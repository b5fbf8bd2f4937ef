"""A participant's statement: what their designs sold and the till shifts they worked, for them to keep.

What it holds (all theirs, nobody else's):
* their designs (every design they designed or co-designed, sold or not), each with the units sold
  and their share of what it took;
* units sold by size, their best sellers (design, size and colour), and each day's units and share;
* each collaboration: the design, their own share of it in percent and what that share came to, and
  who they made it with: a collaborator who consented to be named is named, any other is "a fellow
  designer". No collaborator's share, units or money is shown: only the participant's own figures;
* when they staffed the till (a staff row linked to their participant row): the shifts they worked
  and how many customers they served (the number of sales they completed). A shift counts when they
  served at least one sale in it or opened it; it is shown with its day, till and the times the
  shift opened and closed (the till's shift, not a timesheet).

Money is their share, exact to the penny: each sale line's amount after every discount is split
between its designers by their shares (largest remainder, as line_attributions hold it) and a refund
takes back exactly what it reversed, on the refund's trading day. So a statement's total is the same
figure as their row in `pos report designers` for the same days.

A statement names its own participant whether or not they consented to be named: it is not
published, it is handed to them. It holds no customer data (the ledger holds none: a sale is counted,
never described) and nothing about anyone's past.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from common.clock import local_time
from common.errors import NotAllowed
from common.money import BASIS_POINTS
from inventory.models import DesignerShare, Participant, Product, Variant
from pos.reports.sales import add_up
from pos.sales.models import LineAttribution, RefundAttribution, RefundLine, Sale, SaleLine, Till
from pos.shifts.models import Shift, ShiftClose
from pos.staff.models import Staff

FELLOW = "a fellow designer"
SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "OS")
BEST_SELLERS = 5
DAYS_CHARTED = 62  # a range up to this long shows every day (quiet days too); a longer one, the days with sales
DAYS_LISTED = 400  # a range up to this long is searched day by day (see _days)


@dataclass(frozen=True)
class DesignLine:
    design: str
    category: str
    share_bp: int  # their share of the design (10000: all theirs)
    made_with: tuple[str, ...]  # collaborators who consented to be named, by name
    fellow_designers: int  # collaborators who did not: "a fellow designer"
    units: int  # units of the design sold, less those returned
    gross_pence: int  # their share of what it took, VAT included

    @property
    def collaboration(self) -> bool:
        return bool(self.made_with) or self.fellow_designers > 0


@dataclass(frozen=True)
class SizeLine:
    size: str  # "" where the design has no size
    units: int


@dataclass(frozen=True)
class BestSeller:
    design: str
    size: str
    colour: str
    units: int
    gross_pence: int  # their share


@dataclass(frozen=True)
class DayLine:
    day: date
    sold: int  # units of their designs sold that day
    returned: int  # units brought back that day (taken off on the day they came back)
    sold_pence: int  # their share of that day's sales
    returned_pence: int  # their share of what that day's returns paid back

    @property
    def units(self) -> int:
        return self.sold - self.returned

    @property
    def gross_pence(self) -> int:
        """Their share for the day, after that day's returns."""
        return self.sold_pence - self.returned_pence


@dataclass(frozen=True)
class ShiftWorked:
    day: date  # the shift's trading day
    till: str
    opened_at: datetime  # the store's local time
    closed_at: datetime | None  # None while it is still open
    customers: int  # sales they served in it
    opened_by_them: bool

    @property
    def minutes(self) -> int | None:
        if self.closed_at is None:
            return None
        return max(0, int((self.closed_at - self.opened_at).total_seconds()) // 60)


@dataclass(frozen=True)
class Statement:
    code: str
    name: str  # their own name, always (the statement is theirs)
    date_from: date
    date_to: date
    units: int
    gross_pence: int  # their share of the takings, VAT included, after discounts and returns
    vat_pence: int
    designs: tuple[DesignLine, ...]  # best selling first, then unsold ones by name
    sizes: tuple[SizeLine, ...]  # in size order
    best_sellers: tuple[BestSeller, ...]
    days: tuple[DayLine, ...]
    staffed: bool  # they have a staff row (signed in at the till)
    shifts: tuple[ShiftWorked, ...]
    customers_served: int  # every sale they completed in the range (with or without a shift)

    @property
    def ex_vat_pence(self) -> int:
        return self.gross_pence - self.vat_pence

    @property
    def collaborations(self) -> tuple[DesignLine, ...]:
        return tuple(line for line in self.designs if line.collaboration)

    @property
    def returned(self) -> int:
        """Units of their designs brought back in the range (already taken off `units`)."""
        return sum(line.returned for line in self.days)

    @property
    def shift_minutes(self) -> int:
        """Minutes the tills were open on their (closed) shifts; shifts at two tills at once count once."""
        spans = sorted((shift.opened_at, shift.closed_at) for shift in self.shifts if shift.closed_at is not None)
        minutes, end = 0, None
        for start, stop in spans:
            if end is not None and start < end:
                start = end
            if stop > start:
                minutes += int((stop - start).total_seconds()) // 60
            end = stop if end is None else max(end, stop)
        return minutes

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name,
            "from": self.date_from.isoformat(), "to": self.date_to.isoformat(),
            "units": self.units, "gross_pence": self.gross_pence, "vat_pence": self.vat_pence,
            "ex_vat_pence": self.ex_vat_pence,
            "designs": [{**asdict(line), "made_with": list(line.made_with)} for line in self.designs],
            "sizes": [asdict(line) for line in self.sizes],
            "best_sellers": [asdict(line) for line in self.best_sellers],
            "returned": self.returned,
            "days": [{**asdict(line), "day": line.day.isoformat(), "units": line.units, "gross_pence": line.gross_pence}
                     for line in self.days],
            "staffed": self.staffed,
            "shifts": [{"day": shift.day.isoformat(), "till": shift.till, "opened_at": shift.opened_at.isoformat(),
                        "closed_at": shift.closed_at.isoformat() if shift.closed_at else None,
                        "minutes": shift.minutes, "customers": shift.customers,
                        "opened_by_them": shift.opened_by_them} for shift in self.shifts],
            "customers_served": self.customers_served,
        }


def participant_codes(engine: Engine) -> list[str]:
    """Every participant's code, in order: whose statements a close-out writes."""
    with engine.connect() as connection:
        return list(connection.execute(select(Participant.code).order_by(Participant.code)).scalars())


def statement(engine: Engine, code: str, date_from: date, date_to: date) -> Statement:
    """The statement of participant `code` for trading days date_from..date_to (inclusive)."""
    if date_to < date_from:
        raise NotAllowed(f"--to {date_to.isoformat()} is before --from {date_from.isoformat()}: "
                         "give the earlier day first.")
    with engine.connect() as connection:
        return _statement(connection, code, date_from, date_to)


def _participant(connection: Connection, code: str) -> tuple[int, str, str]:
    wanted = code.strip().upper()
    row = connection.execute(
        select(Participant.id, Participant.code, Participant.display_name).where(Participant.code == wanted)
    ).first()
    if row is None:
        raise NotAllowed(f"There is no participant with code '{code}'. `pos participants list` shows them.")
    return int(row.id), row.code, row.display_name


def _days(column, first: date, last: date):  # type: ignore[no-untyped-def]
    """`column` within first..last: as the list of days when it is not too long, so that an index that starts
    with the trading day and goes on with the designer or SKU is searched day by day, never read through."""
    span = (last - first).days
    if span < DAYS_LISTED:
        return column.in_([first + timedelta(days=offset) for offset in range(span + 1)])
    return column.between(first, last)


def _statement(connection: Connection, code: str, first: date, last: date) -> Statement:
    pid, code, name = _participant(connection, code)
    their_skus = connection.execute(
        select(Variant.sku, Variant.product_id, DesignerShare.share_bp)
        .join(DesignerShare, DesignerShare.product_id == Variant.product_id)
        .where(DesignerShare.participant_id == pid)
    ).all()
    product_of = {sku: product_id for sku, product_id, _bp in their_skus}
    # Their exact share and its VAT, day by day, from their attributions alone (a covering index).
    per_day = connection.execute(
        select(LineAttribution.trading_date, func.sum(LineAttribution.quantity), func.sum(LineAttribution.gross_pence),
               func.sum(LineAttribution.vat_pence))
        .where(_days(LineAttribution.trading_date, first, last), LineAttribution.participant_id == pid)
        .group_by(LineAttribution.trading_date)
    ).all()
    # Day, SKU, size and colour of what sold: a design all theirs takes its lines' whole amount (their share
    # is the line), read from the lines' covering index; a collaboration takes their attribution of each line.
    solo = sorted(sku for sku, _product, share_bp in their_skus if share_bp >= BASIS_POINTS)
    shared = sorted(sku for sku, _product, share_bp in their_skus if share_bp < BASIS_POINTS)
    lines = []
    if solo:
        lines += connection.execute(
            select(SaleLine.trading_date, SaleLine.sku, SaleLine.size, SaleLine.colour, func.sum(SaleLine.quantity),
                   func.sum(SaleLine.line_total_pence))
            .where(_days(SaleLine.trading_date, first, last), SaleLine.sku.in_(solo))
            .group_by(SaleLine.trading_date, SaleLine.sku, SaleLine.size, SaleLine.colour)
        ).all()
    if shared:
        lines += connection.execute(
            select(SaleLine.trading_date, SaleLine.sku, SaleLine.size, SaleLine.colour,
                   func.sum(LineAttribution.quantity), func.sum(LineAttribution.gross_pence))
            .join(LineAttribution, (LineAttribution.sale_line_id == SaleLine.id) & (LineAttribution.participant_id == pid))
            .where(_days(SaleLine.trading_date, first, last), SaleLine.sku.in_(shared))
            .group_by(SaleLine.trading_date, SaleLine.sku, SaleLine.size, SaleLine.colour)
        ).all()
    sold = [(day, product_of[sku], size, colour, units, gross, 0) for day, sku, size, colour, units, gross in lines]
    returned = connection.execute(
        select(RefundAttribution.trading_date, Variant.product_id, RefundLine.size, RefundLine.colour,
               -func.sum(RefundAttribution.quantity), -func.sum(RefundAttribution.gross_pence),
               -func.sum(RefundAttribution.vat_pence))
        .join(RefundLine, RefundLine.id == RefundAttribution.refund_line_id)
        .join(Variant, Variant.id == RefundLine.variant_id)
        .where(RefundAttribution.participant_id == pid, RefundAttribution.trading_date.between(first, last))
        .group_by(RefundAttribution.trading_date, Variant.product_id, RefundLine.size, RefundLine.colour)
    ).all()
    figures = add_up(((day, product, size, colour), rest) for day, product, size, colour, *rest in [*sold, *returned])
    vat = sum(int(row[3]) for row in per_day) + sum(int(row[6]) for row in returned)

    designs = _designs(connection, pid, figures)
    by_size = add_up(((size,), units[:1]) for (_day, _product, size, _colour), units in figures.items())
    sizes = tuple(SizeLine(size, units) for (size,), (units,) in sorted(by_size.items(), key=lambda item: _size_key(
        item[0][0])) if units)
    names = _product_names(connection, pid)
    by_variant = add_up(((product, size, colour), (units, gross))
                        for (_day, product, size, colour), (units, gross, _vat) in figures.items())
    best = sorted(
        ((names.get(product, ("", ""))[0], size, colour, units, gross)
         for (product, size, colour), (units, gross) in by_variant.items() if units > 0),
        key=lambda row: (-row[3], -row[4], row[0], _size_key(row[1]), row[2]),
    )[:BEST_SELLERS]
    by_day = add_up(((day,), (units, 0, gross, 0)) for day, units, gross, _vat in per_day)
    for day, _product, _size, _colour, units, gross, _vat in returned:
        figures_of_day = by_day.setdefault((day,), [0, 0, 0, 0])
        figures_of_day[1] -= int(units)
        figures_of_day[3] -= int(gross)
    if (last - first).days < DAYS_CHARTED:
        every_day = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    else:
        every_day = sorted(day for (day,) in by_day)
    days = tuple(DayLine(day, *by_day.get((day,), (0, 0, 0, 0))) for day in every_day)
    # The totals from the attributions themselves (what `pos report designers` adds up), less the refunds.
    totals = [sum(int(row[index]) for row in per_day) + sum(int(row[index + 3]) for row in returned)
              for index in (1, 2)] + [vat]
    staff_ids = list(connection.execute(select(Staff.id).where(Staff.participant_id == pid)).scalars())
    shifts, customers = _shifts(connection, staff_ids, first, last) if staff_ids else ((), 0)
    return Statement(
        code=code, name=name, date_from=first, date_to=last, units=totals[0], gross_pence=totals[1],
        vat_pence=totals[2], designs=designs, sizes=sizes,
        best_sellers=tuple(BestSeller(*row) for row in best), days=days, staffed=bool(staff_ids), shifts=shifts,
        customers_served=customers,
    )


def _size_key(size: str) -> tuple[int, str]:
    return (SIZE_ORDER.index(size), "") if size in SIZE_ORDER else (len(SIZE_ORDER), size)


def _product_names(connection: Connection, pid: int) -> dict[int, tuple[str, str]]:
    return {
        product_id: (name, category)
        for product_id, name, category in connection.execute(
            select(Product.id, Product.name, Product.category)
            .join(DesignerShare, DesignerShare.product_id == Product.id)
            .where(DesignerShare.participant_id == pid)
        )
    }


def _designs(connection: Connection, pid: int, figures: dict[tuple[Any, ...], list[int]]) -> tuple[DesignLine, ...]:
    """Every design of theirs with its units and their share; collaborators named only with their consent."""
    mine = connection.execute(
        select(DesignerShare.product_id, DesignerShare.share_bp, Product.name, Product.category)
        .join(Product, Product.id == DesignerShare.product_id)
        .where(DesignerShare.participant_id == pid)
    ).all()
    others: dict[int, list[tuple[int, str, bool]]] = {}
    if mine:
        for product_id, share_bp, other_name, consented in connection.execute(
            select(DesignerShare.product_id, DesignerShare.share_bp, Participant.display_name,
                   Participant.consent_to_publish)
            .join(Participant, Participant.id == DesignerShare.participant_id)
            .where(DesignerShare.product_id.in_([row.product_id for row in mine]), DesignerShare.participant_id != pid)
        ):
            others.setdefault(product_id, []).append((share_bp, other_name, bool(consented)))
    per_product = add_up(((product,), (units, gross)) for (_day, product, _size, _colour), (units, gross, _vat)
                         in figures.items())
    lines = []
    for product_id, share_bp, design, category in mine:
        collaborators = sorted(others.get(product_id, []), key=lambda item: (-item[0], item[1]))
        units, gross = per_product.get((product_id,), (0, 0))
        lines.append(DesignLine(
            design, category, int(share_bp),
            tuple(other_name for _bp, other_name, consented in collaborators if consented),
            sum(1 for *_rest, consented in collaborators if not consented), units, gross,
        ))
    return tuple(sorted(lines, key=lambda line: (-line.gross_pence, -line.units, line.design)))


def _shifts(connection: Connection, staff_ids: list[int], first: date, last: date) -> tuple[tuple[ShiftWorked, ...], int]:
    """The shifts they worked (served a sale in, or opened) in the range, and the customers they served."""
    served = dict(connection.execute(
        select(Sale.shift_id, func.count())
        .where(Sale.staff_id.in_(staff_ids), Sale.trading_date.between(first, last))
        .group_by(Sale.shift_id)
    ).all())
    customers = sum(int(count) for count in served.values())
    opened = set(connection.execute(
        select(Shift.id).where(Shift.opened_by_id.in_(staff_ids), Shift.trading_date.between(first, last))
    ).scalars())
    wanted = sorted((set(served) - {None}) | opened)
    if not wanted:
        return (), customers
    rows = connection.execute(
        select(Shift.id, Shift.trading_date, Till.name, Shift.opened_at, ShiftClose.closed_at)
        .join(Till, Till.id == Shift.till_id)
        .outerjoin(ShiftClose, ShiftClose.shift_id == Shift.id)
        .where(Shift.id.in_(wanted))
        .order_by(Shift.opened_at, Shift.id)
    ).all()
    return tuple(
        ShiftWorked(day, till, local_time(opened_at), local_time(closed_at) if closed_at else None,
                    int(served.get(shift_id, 0)), shift_id in opened)
        for shift_id, day, till, opened_at, closed_at in rows
    ), customers
