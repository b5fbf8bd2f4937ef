"""Opening a shift with its float, paying cash in and out, and closing it with a counted drawer (the Z).

Expected cash = float + cash taken for sales − change given − cash refunded + paid in − paid out.
Every write first takes the till's row (the same row a sale takes for its receipt number), so a
sale, a refund, a cash movement and a close on one till happen one after another, never between
another's read and write. After the Z the till has no shift: the services refuse anything more on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update

from common.clock import local_time, trading_date, utc_naive
from common.errors import NoOpenShift, NotAllowed, OverLimit, UnknownTill
from common.limits import MAX_DRAWER_PENCE, NOTE_MAX, check_length
from common.money import MoneyFormatError, format_pence, parse_pounds
from common.values import StaffMember
from inventory.db import UnitOfWork
from pos.sales.models import Payment, Refund, RefundPayment, Sale, Till
from pos.sales.tills import till_names
from pos.shifts.models import CashMovement, Shift, ShiftClose
from pos.staff.audit import record
from pos.staff.services import require_manager_once_staffed

# Notes and coins in pence, largest first: what a drawer is counted in.
DENOMINATIONS = (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)
REASON_MAX = 200

_TILLS = Till.__table__
# Takes the till's row lock (a no-op update) and reads its shift: on PostgreSQL a sale on the same
# till waits for this transaction; on SQLite BEGIN IMMEDIATE already made writers take turns.
_LOCK_TILL = (
    update(_TILLS).where(_TILLS.c.name == bindparam("till_name"))
    .values(open_shift_id=_TILLS.c.open_shift_id)
    .returning(_TILLS.c.id, _TILLS.c.open_shift_id)
)
_SET_OPEN_SHIFT = update(_TILLS).where(_TILLS.c.id == bindparam("till_id")).values(open_shift_id=bindparam("shift_id"))


class ShiftClosed(NotAllowed):
    """The shift named was closed by its Z: its figures never change again."""


@dataclass(frozen=True)
class ShiftInfo:
    """A shift as the faces show it; times are the store's local time."""

    id: int
    till: str
    opened_at: datetime
    opened_by: str
    float_pence: int
    closed_at: datetime | None = None
    closed_by: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def label(self) -> str:
        """"shift 12 (till-1, opened 26 Nov 09:58)": how a message names it."""
        return f"shift {self.id} ({self.till}, opened {self.opened_at:%d %b %H:%M})"


@dataclass(frozen=True)
class CashUp:
    """The cash a shift's drawer should hold, and how it got there (all pence, all positive)."""

    float_pence: int
    cash_sales_pence: int  # cash handed over for sales (before change)
    change_pence: int  # change given back
    cash_refunds_pence: int  # cash paid back on refunds
    paid_in_pence: int
    paid_out_pence: int

    @property
    def expected_cash_pence(self) -> int:
        return (self.float_pence + self.cash_sales_pence - self.change_pence - self.cash_refunds_pence
                + self.paid_in_pence - self.paid_out_pence)


@dataclass(frozen=True)
class ClosedShift:
    """What a Z recorded: the shift, its cash-up, the count and the variance (counted − expected)."""

    shift: ShiftInfo
    cash: CashUp
    counted_cash_pence: int
    cash_count: dict[int, int]  # denomination pence -> how many; empty when a total was typed
    note: str

    @property
    def variance_pence(self) -> int:
        return self.counted_cash_pence - self.cash.expected_cash_pence

    @property
    def summary(self) -> str:
        """"Shift 3 closed: expected £22.60, counted £21.40, £1.20 short.": what the faces say after the Z."""
        return (f"Shift {self.shift.id} closed: expected {format_pence(self.cash.expected_cash_pence)}, "
                f"counted {format_pence(self.counted_cash_pence)}, {variance_words(self.variance_pence)}.")


def variance_words(variance_pence: int) -> str:
    """A drawer's difference in words: "the drawer is right", "£1.20 short", "£0.50 over"."""
    if variance_pence == 0:
        return "the drawer is right"
    return f"{format_pence(abs(variance_pence))} {'short' if variance_pence < 0 else 'over'}"


# --- reading ------------------------------------------------------------------------------------

_SHIFTS = (
    select(
        Shift.id, Till.name, Shift.opened_at, Shift.opened_by, Shift.float_pence,
        ShiftClose.closed_at, ShiftClose.closed_by,
    )
    .join(Till, Till.id == Shift.till_id)
    .outerjoin(ShiftClose, ShiftClose.shift_id == Shift.id)
)


def _info(row) -> ShiftInfo:  # type: ignore[no-untyped-def]
    return ShiftInfo(
        id=row.id, till=row.name, opened_at=local_time(row.opened_at), opened_by=row.opened_by,
        float_pence=row.float_pence, closed_at=local_time(row.closed_at) if row.closed_at else None,
        closed_by=row.closed_by or "",
    )


def shift_info(connection: Connection, shift_id: int) -> ShiftInfo:
    """Shift `shift_id`, open or closed; NotAllowed when there is no such shift."""
    row = connection.execute(_SHIFTS.where(Shift.id == shift_id)).first()
    if row is None:
        raise NotAllowed(f"There is no shift {shift_id}. `pos shift list` shows the shifts there are.")
    return _info(row)


def open_shift_id(connection: Connection, till: str) -> int | None:
    """The id of the shift `till` is on, or None; UnknownTill for a name that is not registered."""
    row = connection.execute(select(_TILLS.c.open_shift_id).where(_TILLS.c.name == till)).first()
    if row is None:
        raise UnknownTill(till, till_names(connection))
    return row[0]


def closed_shift(engine: Engine, shift_id: int) -> ClosedShift:
    """What the Z of shift `shift_id` recorded, read back; NotAllowed if the shift is still open."""
    with engine.connect() as connection:
        shift = shift_info(connection, shift_id)
        row = connection.execute(select(ShiftClose.__table__).where(ShiftClose.shift_id == shift_id)).first()
        if row is None:
            raise NotAllowed(f"{shift.label.capitalize()} is still open: it has no Z yet.")
        count = {int(pence): how_many for pence, how_many in json.loads(row.cash_count).items()} if row.cash_count else {}
        return ClosedShift(shift, cash_up(connection, shift_id), row.counted_cash_pence, count, row.note)


def last_shift(engine: Engine, till: str) -> ShiftInfo | None:
    """The newest shift of `till`, open or closed; None before its first."""
    with engine.connect() as connection:
        row = connection.execute(_SHIFTS.where(Till.name == till).order_by(Shift.id.desc()).limit(1)).first()
    return None if row is None else _info(row)


def current_shift(engine: Engine, till: str) -> ShiftInfo | None:
    """The shift `till` is on now, or None when it has none open."""
    with engine.connect() as connection:
        shift_id = open_shift_id(connection, till)
        return None if shift_id is None else shift_info(connection, shift_id)


def list_shifts(engine: Engine, till: str | None = None) -> list[ShiftInfo]:
    """Every shift (of `till`, when named), newest first."""
    query = _SHIFTS.order_by(Shift.id.desc())
    if till is not None:
        query = query.where(Till.name == till)
    with engine.connect() as connection:
        return [_info(row) for row in connection.execute(query)]


def cash_up(connection: Connection, shift_id: int) -> CashUp:
    """The cash figures of shift `shift_id` as they stand: each is one small sum on the shift's index."""
    float_pence = connection.execute(select(Shift.float_pence).where(Shift.id == shift_id)).scalar_one()
    tendered, change = connection.execute(
        select(func.coalesce(func.sum(Payment.tendered_pence), 0), func.coalesce(func.sum(Payment.change_pence), 0))
        .join(Sale, Sale.id == Payment.sale_id)
        .where(Sale.shift_id == shift_id, Payment.tender == "cash")
    ).one()
    refunded = connection.execute(
        select(func.coalesce(func.sum(RefundPayment.amount_pence), 0))
        .join(Refund, Refund.id == RefundPayment.refund_id)
        .where(Refund.shift_id == shift_id, RefundPayment.tender == "cash")
    ).scalar_one()
    moved = dict(connection.execute(
        select(CashMovement.kind, func.sum(CashMovement.amount_pence))
        .where(CashMovement.shift_id == shift_id).group_by(CashMovement.kind)
    ).all())
    return CashUp(
        float_pence=int(float_pence), cash_sales_pence=int(tendered), change_pence=int(change),
        cash_refunds_pence=int(refunded), paid_in_pence=int(moved.get("paid_in", 0)),
        paid_out_pence=int(moved.get("paid_out", 0)),
    )


def shift_cash_up(engine: Engine, shift_id: int) -> CashUp:
    with engine.connect() as connection:
        return cash_up(connection, shift_id)


# --- amounts typed by a manager ------------------------------------------------------------------


def check_drawer_amount(what: str, pence: int, *, zero_ok: bool = True) -> int:
    """`pence` if it can be an amount of drawer cash; OverLimit or NotAllowed saying what is wrong."""
    if pence < 0 or (pence == 0 and not zero_ok):
        raise NotAllowed(f"{what} must be {'zero or more' if zero_ok else 'more than zero'}, such as 100 or 100.00.")
    if pence > MAX_DRAWER_PENCE:
        raise OverLimit(f"{what} of {format_pence(pence)} is more than a drawer holds "
                        f"(at most {format_pence(MAX_DRAWER_PENCE)}): check the amount and type it again.")
    return pence


def parse_cash_count(text: str) -> dict[int, int]:
    """"50:2,20:3,0.01:7" (pounds:how many) -> {5000: 2, 2000: 3, 1: 7}; refuses what is not a note or coin."""
    counted: dict[int, int] = {}
    for part in (piece.strip() for piece in text.split(",")):
        value, colon, how_many = part.partition(":")
        try:
            denomination = parse_pounds(value.strip())
        except MoneyFormatError:
            denomination = -1
        if not colon or denomination not in DENOMINATIONS or not how_many.strip().isdigit():
            raise NotAllowed(
                f"'{part[:20]}' is not a note or coin and how many, such as 50:2 (two £50 notes) or 0.01:7 "
                f"(seven 1p coins). Notes and coins: {', '.join(format_pence(d) for d in DENOMINATIONS)}."
            )
        counted[denomination] = counted.get(denomination, 0) + int(how_many)
    return counted


def count_total(counted: Mapping[int, int]) -> int:
    return sum(denomination * how_many for denomination, how_many in counted.items())


# --- writing ------------------------------------------------------------------------------------


def refuse_overdrawn_drawer(connection: Connection, shift_id: int, cash_out_pence: int, what: str) -> None:
    """Refuse (NotAllowed) what was just written in this transaction if it leaves the drawer below zero.

    Called after a cash refund or exchange is written, before the commit: the cash has to come out of
    the drawer, so more than it should hold cannot be paid back in cash (as a paid-out cannot).
    """
    after = cash_up(connection, shift_id).expected_cash_pence
    if after < 0:
        raise NotAllowed(
            f"The drawer should hold {format_pence(after + cash_out_pence)}: {what} of {format_pence(cash_out_pence)} "
            "in cash cannot come out of it. Refund to card, or pay cash in first (a paid-in). Nothing was recorded."
        )


def _lock_till(uow: UnitOfWork) -> tuple[int, int | None]:
    """(till id, its open shift id or None) for the acting till, holding its row until commit."""
    till = uow.actor.till
    if not till:
        raise NotAllowed("A shift belongs to a till: name the till (--till till-1).")
    row = uow.connection.execute(_LOCK_TILL, {"till_name": till}).first()
    if row is None:
        raise UnknownTill(till, till_names(uow.connection))
    return row[0], row[1]


def open_shift(uow: UnitOfWork, float_pence: int) -> ShiftInfo:
    """Open a shift at the acting till with `float_pence` counted into the drawer, by the acting person."""
    check_drawer_amount("The float", float_pence)

    def write(uow: UnitOfWork) -> ShiftInfo:
        till_id, current = _lock_till(uow)
        if current is not None:
            raise NotAllowed(f"Till {uow.actor.till} already has {shift_info(uow.connection, current).label} "
                             "open: close it with its Z before opening another.")
        staff = uow.actor.staff
        shift_id = uow.connection.execute(insert(Shift.__table__).returning(Shift.__table__.c.id), {
            "till_id": till_id, "opened_at": utc_naive(uow.now), "trading_date": trading_date(uow.now),
            "opened_by_id": staff.id if staff else None, "opened_by": uow.actor.name, "float_pence": float_pence,
        }).scalar_one()
        uow.connection.execute(_SET_OPEN_SHIFT, {"till_id": till_id, "shift_id": shift_id})
        info = shift_info(uow.connection, shift_id)
        return info

    return uow.run(write)


def move_cash(uow: UnitOfWork, kind: str, amount_pence: int, reason: str, approved_by: StaffMember | None) -> CashUp:
    """A paid-in or paid-out at the acting till's open shift, approved by a manager (once the ledger has
    one); returns the new cash-up.

    A paid-out larger than the cash the drawer should hold is refused: it cannot come out of it.
    """
    if kind not in ("paid_in", "paid_out"):
        raise NotAllowed("Cash moves in or out: paid_in or paid_out.")
    word = "paid-in" if kind == "paid_in" else "paid-out"
    check_drawer_amount(f"A {word}", amount_pence, zero_ok=False)
    reason = reason.strip()
    if not reason or not reason.isprintable():
        raise NotAllowed(f"A {word} needs a reason, such as 'Change from the bank' or 'Milk for the staff room'.")
    check_length("The reason", reason, REASON_MAX)

    def write(uow: UnitOfWork) -> CashUp:
        manager = require_manager_once_staffed(uow, approved_by, f"A {word}")
        _till_id, shift_id = _lock_till(uow)
        if shift_id is None:
            raise NoOpenShift(uow.actor.till or "")
        if kind == "paid_out":
            in_drawer = cash_up(uow.connection, shift_id).expected_cash_pence
            if amount_pence > in_drawer:
                raise NotAllowed(f"The drawer should hold {format_pence(in_drawer)}: a paid-out of "
                                 f"{format_pence(amount_pence)} cannot come out of it. Nothing was recorded.")
        staff = uow.actor.staff
        uow.connection.execute(insert(CashMovement.__table__), {
            "shift_id": shift_id, "kind": kind, "amount_pence": amount_pence, "reason": reason,
            "staff_id": staff.id if staff else None, "approved_by_id": manager.id if manager else None,
            "recorded_by": uow.actor.name,
            "created_at": utc_naive(uow.now), "trading_date": trading_date(uow.now),
        })
        record(uow, kind, f"{word} {format_pence(amount_pence)}: {reason}"[:500],
               approved_by_id=manager.id if manager else None,
               reference=f"shift {shift_id}")
        after = cash_up(uow.connection, shift_id)
        return after

    return uow.run(write)


def _refuse_closed_till(connection: Connection, till_id: int, till: str) -> NoReturn:
    """A till with no shift open: say when its last shift was closed (a second Z), else that none was opened."""
    last = connection.execute(select(func.max(Shift.id)).where(Shift.till_id == till_id)).scalar()
    if last is None:
        raise NoOpenShift(till)
    shift = shift_info(connection, last)
    raise ShiftClosed(
        f"Till {till} has no shift open: its last, {shift.label}, was closed at {shift.closed_at:%H:%M on %d %b} "
        f"by {shift.closed_by}. A shift is closed once; open the next with `pos shift open` or in the till."
    )


def close_shift(
    uow: UnitOfWork,
    approved_by: StaffMember | None,
    *,
    counted_pence: int | None = None,
    cash_count: Mapping[int, int] | None = None,
    note: str = "",
    shift_id: int | None = None,
) -> ClosedShift:
    """The Z: close the acting till's open shift with its drawer counted, approved by a manager (once
    the ledger has one).

    Give the count as a total (`counted_pence`) or by denomination (`cash_count`, pence -> how
    many). A variance never blocks the close; the faces ask for a note when there is one. Naming
    `shift_id` guards against closing a different shift than the one reviewed.
    """
    if (counted_pence is None) == (cash_count is None):
        raise NotAllowed("Give the counted cash as a total or by notes and coins, not both (and not neither).")
    count = dict(cash_count or {})
    if any(denomination not in DENOMINATIONS or how_many < 0 for denomination, how_many in count.items()):
        raise NotAllowed("A drawer is counted in notes and coins from £50 to 1p, each zero or more of them.")
    counted = count_total(count) if cash_count is not None else counted_pence
    assert counted is not None
    check_drawer_amount("The counted cash", counted)
    note = note.strip()
    if note and not note.isprintable():
        raise NotAllowed("The note must be plain text on one line.")
    check_length("The note", note, NOTE_MAX)

    def write(uow: UnitOfWork) -> ClosedShift:
        manager = require_manager_once_staffed(uow, approved_by, "Closing a shift (the Z)")
        till_id, open_id = _lock_till(uow)
        if shift_id is not None and shift_id != open_id:
            shift = shift_info(uow.connection, shift_id)
            if not shift.is_open:
                raise ShiftClosed(f"{shift.label.capitalize()} was closed at {shift.closed_at:%H:%M on %d %b} "
                                  f"by {shift.closed_by}: a shift is closed once, and its figures never change.")
            raise NotAllowed(f"Shift {shift_id} is not the shift open at till {uow.actor.till}.")
        if open_id is None:
            _refuse_closed_till(uow.connection, till_id, uow.actor.till or "")
        cash = cash_up(uow.connection, open_id)
        uow.connection.execute(insert(ShiftClose.__table__), {
            "shift_id": open_id, "closed_at": utc_naive(uow.now), "trading_date": trading_date(uow.now),
            "closed_by_id": manager.id if manager else None, "closed_by": manager.name if manager else uow.actor.name,
            "expected_cash_pence": cash.expected_cash_pence, "counted_cash_pence": counted,
            "variance_pence": counted - cash.expected_cash_pence,
            "cash_count": json.dumps({str(d): n for d, n in sorted(count.items(), reverse=True)}) if count else "",
            "note": note,
        })
        uow.connection.execute(_SET_OPEN_SHIFT, {"till_id": till_id, "shift_id": None})
        variance = counted - cash.expected_cash_pence
        record(uow, "shift_close", f"shift {open_id} closed: expected {format_pence(cash.expected_cash_pence)}, "
               f"counted {format_pence(counted)}, variance {format_pence(variance)}"
               + (f" ({note})" if note else ""), approved_by_id=manager.id if manager else None,
               reference=f"shift {open_id}")
        closed = ClosedShift(shift_info(uow.connection, open_id), cash, counted, count, note)
        return closed

    return uow.run(write)
