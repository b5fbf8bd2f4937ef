"""The X and Z reports: one shift's figures, from its sales, refunds, cash movements and audit entries.

An X is the open shift so far (nothing is closed); a Z is a closed shift, with the count its close
recorded. Both are the same `ShiftReport`, read in one snapshot of the ledger.

Words, all amounts integer pence, VAT included unless a name says otherwise:

- **gross**: the sales at the prices charged, before discounts (sales' totals + their discounts);
- **discounts**: every discount given on those sales;
- **refunds**: what went back to customers on this shift (refunds made at this till during it,
  whatever shift their sale was on);
- **net**: gross − discounts − refunds, which is what the tenders took, net of what they paid back:
  `net_pence == sum(by_tender.values()) == sum of the designers' net_pence`, exactly;
- **VAT by rate**: each rate's net takings and the VAT in them, net of refunds.

Designers are credited as the ledger attributed each line (`line_attributions`: shares split to
the penny, after discounts) less what refunds reversed (`refund_attributions`); a collaboration's
units count for each of its designers. A designer is named where they consented to be published,
otherwise shown by their code; a cashier who is a participant likewise.

Hours are the store's local time (common.clock). Counts of no-sales, cancelled baskets, price
overrides and training sales come from the audit trail of the shift's till between its opening
and its close. Training sales are never in the ledger, so no figure includes them: only their count.

Queries: about a dozen, one per grouping, each starting from the shift's own index (ix_sales_shift,
ix_refunds_shift) and reaching lines, attributions and payments through their sale's index. Sales
and refunds come grouped by UTC quarter hour and cashier (a few dozen rows however busy the shift);
the refunds' lines, designers and tenders are not asked for when the shift has no refund. Timings:
bench/README.md (`report_z_busy_shift`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Integer, and_, case, cast, extract, func, literal, select

from common.clock import local_time, trading_date, utc_naive, utc_now
from common.errors import NotAllowed
from common.money import format_percent
from inventory.models import Participant
from pos.sales.models import (
    LineAttribution, Payment, Refund, RefundAttribution, RefundLine, RefundPayment, Sale, SaleLine,
)
from pos.shifts.models import ShiftClose
from pos.shifts.services import CashUp, ShiftInfo, cash_up, list_shifts, open_shift_id, shift_info
from pos.staff.models import AuditEvent, Staff

SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "OS")
# Audit actions counted on the report, by the JSON key they are counted under.
COUNTED_ACTIONS = {
    "no_sale": "no_sales",
    "basket_cancelled": "cancelled_baskets",
    "price_override": "price_overrides",
    "training_sale": "training_sales",
}


@dataclass(frozen=True)
class VatRateFigures:
    rate_bp: int
    takings_pence: int  # sold at this rate, after discounts, less refunds (VAT included)
    vat_pence: int

    @property
    def ex_vat_pence(self) -> int:
        return self.takings_pence - self.vat_pence

    @property
    def label(self) -> str:
        return f"VAT {format_percent(self.rate_bp)}"


@dataclass(frozen=True)
class DesignerFigures:
    code: str
    name: str  # their name where they consented to be named, else their code
    units: int  # sold less returned (a collaboration counts for each designer)
    sales_pence: int  # their part of the sales, after discounts
    refunds_pence: int  # their part of the refunds
    vat_pence: int  # the VAT in their net

    @property
    def net_pence(self) -> int:
        return self.sales_pence - self.refunds_pence


@dataclass(frozen=True)
class DesignSizeFigures:
    design: str
    size: str
    units: int  # sold less returned
    net_pence: int  # after discounts, less refunds


@dataclass(frozen=True)
class HourFigures:
    starts_at: datetime  # the hour's start, store local time (aware)
    sales_count: int
    sales_pence: int
    refunds_pence: int

    @property
    def net_pence(self) -> int:
        return self.sales_pence - self.refunds_pence

    @property
    def label(self) -> str:
        return f"{self.starts_at:%H}:00"


@dataclass(frozen=True)
class CashierFigures:
    code: str  # staff code ("" for sales recorded without a signed-in person)
    name: str
    sales_count: int
    sales_pence: int
    refunds_count: int
    refunds_pence: int

    @property
    def net_pence(self) -> int:
        return self.sales_pence - self.refunds_pence


@dataclass(frozen=True)
class ShiftReport:
    """One shift's X (open) or Z (closed) figures. Build it with `shift_report`."""

    shift: ShiftInfo
    cash: CashUp
    generated_at: datetime  # store local time
    sales_count: int
    gross_pence: int
    discount_pence: int
    refunds_count: int
    refunds_pence: int
    vat_pence: int  # in the net: the sales' VAT less the refunds'
    by_tender: dict[str, int]  # tender -> taken less paid back
    vat_by_rate: list[VatRateFigures]
    by_participant: list[DesignerFigures]
    by_design: list[DesignSizeFigures]
    by_hour: list[HourFigures]
    by_cashier: list[CashierFigures]
    no_sales: int = 0
    cancelled_baskets: int = 0
    price_overrides: int = 0
    training_sales: int = 0
    expected_cash_pence: int = 0  # as the Z recorded it, else the cash-up's
    counted_cash_pence: int | None = None  # None until the Z
    variance_pence: int | None = None  # counted − expected: negative is short
    cash_count: dict[int, int] = field(default_factory=dict)  # denomination pence -> how many, when counted so
    note: str = ""

    @property
    def closed(self) -> bool:
        return self.shift.closed_at is not None

    @property
    def kind(self) -> str:
        """"Z" for a closed shift, "X" for one still open."""
        return "Z" if self.closed else "X"

    @property
    def net_pence(self) -> int:
        return self.gross_pence - self.discount_pence - self.refunds_pence

    @property
    def ex_vat_pence(self) -> int:
        return self.net_pence - self.vat_pence

    def as_json(self) -> dict[str, Any]:
        shift, cash = self.shift, self.cash
        return {
            "report": self.kind,
            "shift": shift.id,
            "till": shift.till,
            "opened_at": shift.opened_at.isoformat(),
            "opened_by": shift.opened_by,
            "closed_at": shift.closed_at.isoformat() if shift.closed_at else None,
            "closed_by": shift.closed_by or None,
            "generated_at": self.generated_at.isoformat(),
            "float_pence": cash.float_pence,
            "cash_sales_pence": cash.cash_sales_pence,
            "change_pence": cash.change_pence,
            "cash_refunds_pence": cash.cash_refunds_pence,
            "paid_in_pence": cash.paid_in_pence,
            "paid_out_pence": cash.paid_out_pence,
            "expected_cash_pence": self.expected_cash_pence,
            "counted_cash_pence": self.counted_cash_pence,
            "variance_pence": self.variance_pence,
            "cash_count": {str(denomination): count for denomination, count in self.cash_count.items()},
            "note": self.note,
            "sales_count": self.sales_count,
            "gross_pence": self.gross_pence,
            "discount_pence": self.discount_pence,
            "refunds_count": self.refunds_count,
            "refunds_pence": self.refunds_pence,
            "net_pence": self.net_pence,
            "vat_pence": self.vat_pence,
            "ex_vat_pence": self.ex_vat_pence,
            "vat_by_rate": [
                {"rate_bp": row.rate_bp, "takings_pence": row.takings_pence, "vat_pence": row.vat_pence,
                 "ex_vat_pence": row.ex_vat_pence}
                for row in self.vat_by_rate
            ],
            "by_tender": dict(self.by_tender),
            "by_participant": [
                {"code": row.code, "name": row.name, "units": row.units, "sales_pence": row.sales_pence,
                 "refunds_pence": row.refunds_pence, "net_pence": row.net_pence, "vat_pence": row.vat_pence}
                for row in self.by_participant
            ],
            "by_design": [
                {"design": row.design, "size": row.size, "units": row.units, "net_pence": row.net_pence}
                for row in self.by_design
            ],
            "by_hour": [
                {"hour": row.label, "starts_at": row.starts_at.isoformat(), "sales_count": row.sales_count,
                 "sales_pence": row.sales_pence, "refunds_pence": row.refunds_pence, "net_pence": row.net_pence}
                for row in self.by_hour
            ],
            "by_cashier": [
                {"code": row.code, "name": row.name, "sales_count": row.sales_count, "sales_pence": row.sales_pence,
                 "refunds_count": row.refunds_count, "refunds_pence": row.refunds_pence, "net_pence": row.net_pence}
                for row in self.by_cashier
            ],
            "no_sales": self.no_sales,
            "cancelled_baskets": self.cancelled_baskets,
            "price_overrides": self.price_overrides,
            "training_sales": self.training_sales,
        }


# --- finding the shift -----------------------------------------------------------------------


def x_report(engine: Engine, till: str) -> ShiftReport:
    """The X of `till`: its open shift so far. NotAllowed when it has none (UnknownTill for a typo)."""
    with engine.connect() as connection:
        shift_id = open_shift_id(connection, till)
    if shift_id is None:
        raise NotAllowed(f"Till {till} has no shift open, so there is no X report. A shift opens with its counted "
                         f"float (`pos shift open --till {till}`); the last closed one: pos report z --till {till}.")
    return shift_report(engine, shift_id)


def z_report(engine: Engine, shift_id: int | None = None, till: str | None = None) -> ShiftReport:
    """The Z of closed shift `shift_id` (of `till`, when both are given), or `till`'s last closed shift.

    NotAllowed, saying what to do, for a shift still open, a shift of another till, or a till
    with no closed shift yet.
    """
    if shift_id is None:
        if till is None:
            raise NotAllowed("Name the shift (pos report z 12) or the till (--till till-1) whose Z to show.")
        with engine.connect() as connection:
            open_shift_id(connection, till)  # UnknownTill for a name that is not registered
        closed = [shift for shift in list_shifts(engine, till) if not shift.is_open]
        if not closed:
            raise NotAllowed(f"Till {till} has no closed shift yet: a Z is made when a shift is closed. "
                             f"For the open shift so far: pos report x --till {till}.")
        shift_id = closed[0].id
    with engine.connect() as connection:
        shift = shift_info(connection, shift_id)
    if till is not None and shift.till != till:
        raise NotAllowed(f"Shift {shift_id} is a shift of till {shift.till}, not of {till}.")
    if shift.is_open:
        raise NotAllowed(f"Shift {shift_id} ({shift.till}) is still open: it has no Z yet. For its figures so far: "
                         f"pos report x --till {shift.till}.")
    return shift_report(engine, shift_id)


# --- the figures -------------------------------------------------------------------------------


def _snapshot(connection: Connection) -> Connection:
    """Every query of one report sees the same ledger: SQLite's read transaction already does
    (a deferred BEGIN holds one snapshot); PostgreSQL needs REPEATABLE READ for that."""
    if connection.dialect.name == "postgresql":
        return connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def shift_report(engine: Engine, shift_id: int, *, now: datetime | None = None) -> ShiftReport:
    """The figures of shift `shift_id`, open (an X: so far) or closed (a Z); NotAllowed when there is no such shift."""
    with engine.connect() as outer:
        connection = _snapshot(outer)
        with connection.begin():
            return _read(connection, shift_id, now or utc_now())


def _read(connection: Connection, shift_id: int, now: datetime) -> ShiftReport:
    shift = shift_info(connection, shift_id)
    close = connection.execute(
        select(ShiftClose.expected_cash_pence, ShiftClose.counted_cash_pence, ShiftClose.variance_pence,
               ShiftClose.cash_count, ShiftClose.note)
        .where(ShiftClose.shift_id == shift_id)
    ).first()
    cash = cash_up(connection, shift_id)

    # Sales and refunds by UTC quarter hour and who served: the quarters become local hours here (every
    # zone's offset, and every change of it, falls on a quarter hour), the people become cashiers, and
    # the totals are the groups' sums: a few dozen rows however busy the shift.
    quarter = _quarter_hour(connection, Sale.created_at)
    sales = connection.execute(
        select(quarter, Sale.staff_id, Sale.staff, func.count(), func.sum(Sale.total_pence), func.sum(Sale.vat_pence),
               func.sum(Sale.discount_pence))
        .where(Sale.shift_id == shift_id)
        .group_by(quarter, Sale.staff_id, Sale.staff)
    ).all()
    refund_quarter = _quarter_hour(connection, Refund.created_at)
    refunds = connection.execute(
        select(refund_quarter, Refund.staff_id, Refund.staff, func.count(), func.sum(Refund.total_pence),
               func.sum(Refund.vat_pence), literal(0))
        .where(Refund.shift_id == shift_id)
        .group_by(refund_quarter, Refund.staff_id, Refund.staff)
    ).all()
    lines = connection.execute(
        select(SaleLine.description, SaleLine.size, SaleLine.vat_rate_bp, func.sum(SaleLine.quantity),
               func.sum(SaleLine.line_total_pence), func.sum(SaleLine.vat_pence))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.shift_id == shift_id)
        .group_by(SaleLine.description, SaleLine.size, SaleLine.vat_rate_bp)
    ).all()
    designers = connection.execute(
        select(LineAttribution.participant_id, func.sum(LineAttribution.quantity),
               func.sum(LineAttribution.gross_pence), func.sum(LineAttribution.vat_pence))
        .join(SaleLine, SaleLine.id == LineAttribution.sale_line_id)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.shift_id == shift_id)
        .group_by(LineAttribution.participant_id)
    ).all()
    tenders = connection.execute(
        select(Payment.tender, func.sum(Payment.amount_pence))
        .join(Sale, Sale.id == Payment.sale_id)
        .where(Sale.shift_id == shift_id)
        .group_by(Payment.tender)
    ).all()
    refund_lines: list[Any] = []
    refund_designers: list[Any] = []
    refund_tenders: list[Any] = []
    if refunds:
        refund_lines = connection.execute(
            select(RefundLine.description, RefundLine.size, RefundLine.vat_rate_bp, func.sum(RefundLine.quantity),
                   func.sum(RefundLine.amount_pence), func.sum(RefundLine.vat_pence))
            .join(Refund, Refund.id == RefundLine.refund_id)
            .where(Refund.shift_id == shift_id)
            .group_by(RefundLine.description, RefundLine.size, RefundLine.vat_rate_bp)
        ).all()
        refund_designers = connection.execute(
            select(RefundAttribution.participant_id, func.sum(RefundAttribution.quantity),
                   func.sum(RefundAttribution.gross_pence), func.sum(RefundAttribution.vat_pence))
            .join(RefundLine, RefundLine.id == RefundAttribution.refund_line_id)
            .join(Refund, Refund.id == RefundLine.refund_id)
            .where(Refund.shift_id == shift_id)
            .group_by(RefundAttribution.participant_id)
        ).all()
        refund_tenders = connection.execute(
            select(RefundPayment.tender, func.sum(RefundPayment.amount_pence))
            .join(Refund, Refund.id == RefundPayment.refund_id)
            .where(Refund.shift_id == shift_id)
            .group_by(RefundPayment.tender)
        ).all()
    counts = _audit_counts(connection, shift)
    names = _participant_names(connection, {row[0] for row in designers} | {row[0] for row in refund_designers})
    cashiers = _cashier_names(connection, {row[1] for row in [*sales, *refunds] if row[1] is not None})

    cash_count = {int(d): int(n) for d, n in json.loads(close.cash_count).items()} if close and close.cash_count else {}
    return ShiftReport(
        shift=shift, cash=cash, generated_at=local_time(now),
        sales_count=sum(int(row[3]) for row in sales),
        gross_pence=sum(int(row[4]) + int(row[6]) for row in sales),
        discount_pence=sum(int(row[6]) for row in sales),
        refunds_count=sum(int(row[3]) for row in refunds),
        refunds_pence=sum(int(row[4]) for row in refunds),
        vat_pence=sum(int(row[5]) for row in sales) - sum(int(row[5]) for row in refunds),
        by_tender=_by_tender(tenders, refund_tenders),
        vat_by_rate=_vat_by_rate(lines, refund_lines),
        by_participant=_by_participant(designers, refund_designers, names),
        by_design=_by_design(lines, refund_lines),
        by_hour=_by_hour(sales, refunds),
        by_cashier=_by_cashier(sales, refunds, cashiers),
        expected_cash_pence=close.expected_cash_pence if close else cash.expected_cash_pence,
        counted_cash_pence=close.counted_cash_pence if close else None,
        variance_pence=close.variance_pence if close else None,
        cash_count=cash_count, note=close.note if close else "",
        **counts,
    )


def _audit_counts(connection: Connection, shift: ShiftInfo) -> dict[str, int]:
    """How many no-sales, cancelled baskets, price overrides and training sales the till's audit trail
    has between the shift's opening and its close (now, while open). The trading-day range lets the
    audit trail's index narrow the search."""
    opened = utc_naive(shift.opened_at)
    events = AuditEvent.__table__.c
    conditions = [
        events.till == shift.till,
        events.action.in_(list(COUNTED_ACTIONS)),
        events.trading_date >= trading_date(shift.opened_at),
        events.created_at >= opened,
    ]
    if shift.closed_at is not None:
        conditions += [events.trading_date <= trading_date(shift.closed_at),
                       events.created_at <= utc_naive(shift.closed_at)]
    found = dict(connection.execute(
        select(events.action, func.count()).where(and_(*conditions)).group_by(events.action)
    ).all())
    return {key: int(found.get(action, 0)) for action, key in COUNTED_ACTIONS.items()}


def _participant_names(connection: Connection, ids: set[int]) -> dict[int, tuple[str, str]]:
    """participant id -> (code, the name to show: theirs where they consented, else their code)."""
    if not ids:
        return {}
    rows = connection.execute(
        select(Participant.id, Participant.code, Participant.display_name, Participant.consent_to_publish)
        .where(Participant.id.in_(sorted(ids)))
    ).all()
    return {pid: (code, name if consented else code) for pid, code, name, consented in rows}


def _cashier_names(connection: Connection, ids: set[int]) -> dict[int, tuple[str, str]]:
    """staff id -> (code, name). A cashier who is a participant is named only if they consented to be."""
    if not ids:
        return {}
    shown = case((and_(Staff.participant_id.is_not(None), Participant.consent_to_publish.is_not(True)), Staff.code),
                 else_=Staff.display_name)
    rows = connection.execute(
        select(Staff.id, Staff.code, shown)
        .outerjoin(Participant, Participant.id == Staff.participant_id)
        .where(Staff.id.in_(sorted(ids)))
    ).all()
    return {sid: (code, name) for sid, code, name in rows}


def _by_tender(sold: Iterable[Any], refunded: Iterable[Any]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for tender, amount in sold:
        totals[tender] = totals.get(tender, 0) + int(amount)
    for tender, amount in refunded:
        totals[tender] = totals.get(tender, 0) - int(amount)
    order = {"cash": 0, "card": 1}
    return {tender: totals[tender] for tender in sorted(totals, key=lambda t: (order.get(t, 2), t))}


def _vat_by_rate(lines: Iterable[Any], refund_lines: Iterable[Any]) -> list[VatRateFigures]:
    rates: dict[int, list[int]] = {}
    for sign, rows in ((1, lines), (-1, refund_lines)):
        for _design, _size, rate, _units, amount, vat in rows:
            running = rates.setdefault(int(rate), [0, 0])
            running[0] += sign * int(amount)
            running[1] += sign * int(vat)
    return [VatRateFigures(rate, takings, vat) for rate, (takings, vat) in sorted(rates.items(), reverse=True)]


def _size_key(size: str) -> tuple[int, str]:
    return (SIZE_ORDER.index(size), "") if size in SIZE_ORDER else (len(SIZE_ORDER), size)


def _by_design(lines: Iterable[Any], refund_lines: Iterable[Any]) -> list[DesignSizeFigures]:
    totals: dict[tuple[str, str], list[int]] = {}
    for sign, rows in ((1, lines), (-1, refund_lines)):
        for design, size, _rate, units, amount, _vat in rows:
            running = totals.setdefault((design, size), [0, 0])
            running[0] += sign * int(units)
            running[1] += sign * int(amount)
    return [
        DesignSizeFigures(design, size, units, net)
        for (design, size), (units, net) in sorted(totals.items(), key=lambda item: (item[0][0], _size_key(item[0][1])))
    ]


def _by_participant(sold: Iterable[Any], refunded: Iterable[Any],
                    names: dict[int, tuple[str, str]]) -> list[DesignerFigures]:
    totals: dict[int, list[int]] = {}
    for pid, units, gross, vat in sold:
        running = totals.setdefault(pid, [0, 0, 0, 0])
        running[0] += int(units)
        running[1] += int(gross)
        running[3] += int(vat)
    for pid, units, gross, vat in refunded:
        running = totals.setdefault(pid, [0, 0, 0, 0])
        running[0] -= int(units)
        running[2] += int(gross)
        running[3] -= int(vat)
    rows = [
        DesignerFigures(names[pid][0], names[pid][1], units, sales, refunds, vat)
        for pid, (units, sales, refunds, vat) in totals.items()
    ]
    return sorted(rows, key=lambda row: (-row.net_pence, row.code))


_EPOCH = datetime(1970, 1, 1)
_QUARTER_S = 900


def _quarter_hour(connection: Connection, moment: Any) -> Any:
    """The UTC quarter hour a stored moment (naive UTC) falls in, as a whole number of quarters since 1970."""
    if connection.dialect.name == "postgresql":
        return cast(func.floor(extract("epoch", moment) / _QUARTER_S), Integer)
    return cast(func.strftime("%s", moment), Integer) // _QUARTER_S  # // is integer division in SQL


def _by_hour(sales: Iterable[Any], refunds: Iterable[Any]) -> list[HourFigures]:
    """Sales and refunds by the local hour they were made in, from their UTC quarter hours: a UTC quarter
    lies within one local hour in every zone. Hours are keyed by their UTC start, so the hour the clocks
    go back (01:00 twice in London) stays two hours."""
    hours: dict[datetime, list[int]] = {}
    starts: dict[int, datetime] = {}

    def hour_of(quarter: int) -> datetime:
        start = starts.get(quarter)
        if start is None:
            moment = _EPOCH + timedelta(seconds=int(quarter) * _QUARTER_S)
            # In UTC: wall-clock arithmetic on the local time would lose which 01:00 it was.
            start = starts[quarter] = moment - timedelta(minutes=local_time(moment).minute)
        return start

    for quarter, _staff_id, _staff, count, total, _vat, _discount in sales:
        running = hours.setdefault(hour_of(quarter), [0, 0, 0])
        running[0] += int(count)
        running[1] += int(total)
    for quarter, _staff_id, _staff, _count, total, _vat, _discount in refunds:
        running = hours.setdefault(hour_of(quarter), [0, 0, 0])
        running[2] += int(total)
    return [HourFigures(local_time(start), count, taken, back) for start, (count, taken, back) in sorted(hours.items())]


def _by_cashier(sales: Iterable[Any], refunds: Iterable[Any],
                names: dict[int, tuple[str, str]]) -> list[CashierFigures]:
    people: dict[tuple[str, str], list[int]] = {}

    def who(staff_id: int | None, staff: str | None) -> tuple[str, str]:
        if staff_id is not None:
            return names[staff_id]
        return ("", staff or "(no one signed in)")

    for _quarter, staff_id, staff, count, total, _vat, _discount in sales:
        running = people.setdefault(who(staff_id, staff), [0, 0, 0, 0])
        running[0] += int(count)
        running[1] += int(total)
    for _quarter, staff_id, staff, count, total, _vat, _discount in refunds:
        running = people.setdefault(who(staff_id, staff), [0, 0, 0, 0])
        running[2] += int(count)
        running[3] += int(total)
    rows = [CashierFigures(code, name, *figures) for (code, name), figures in people.items()]
    return sorted(rows, key=lambda row: (-row.net_pence, row.code, row.name))
