"""Parked baskets: a basket put aside (a customer tries another size) and recalled later, on any till.

Working state, not ledger entries: recalling a basket deletes its row, and a manager clears the
ones left from an earlier trading day. The lines keep what the basket showed when parked; the till
core prices them again from today's catalogue when they are recalled, as it does for a refused sale.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, delete, insert, select

from common.clock import local_time, trading_date, utc_naive
from common.errors import NotAllowed, PaymentError
from common.money import format_pence
from common.values import StaffMember
from inventory.db import UnitOfWork
from pos.sales.checkout import EMPTY_BASKET
from pos.sales.models import ParkedBasket
from pos.staff.audit import record
from pos.staff.models import Staff
from pos.staff.services import require_manager

NOTE_MAX = 80
_PARKED = ParkedBasket.__table__


@dataclass(frozen=True)
class ParkedItem:
    """One line of a parked basket as it was shown when parked."""

    variant_id: int
    quantity: int
    sku: str = ""
    label: str = ""
    unit_price_pence: int = 0


@dataclass(frozen=True)
class ParkedInfo:
    """A parked basket as the recall list shows it."""

    id: int
    till: str
    parked_at: datetime  # the store's local time
    trading_date: date
    staff: str  # who parked it (their name), or ""
    note: str
    items: tuple[ParkedItem, ...]

    @property
    def units(self) -> int:
        return sum(item.quantity for item in self.items)

    @property
    def total_pence(self) -> int:
        """The total as parked (recalling prices it again from today's catalogue)."""
        return sum(item.unit_price_pence * item.quantity for item in self.items)

    @property
    def summary(self) -> str:
        first = (self.items[0].label or self.items[0].sku) if self.items else ""
        more = f" and {len(self.items) - 1} more" if len(self.items) > 1 else ""
        return f"{first}{more}"

    def describe(self, width: int = 64) -> str:
        """One line for the recall list: when, where, by whom, how much, what (cut to `width`)."""
        units = f"{self.units} item{'s' if self.units != 1 else ''}"
        who = f" {self.staff}" if self.staff else ""
        text = (f"{self.parked_at:%H:%M} {self.till}{who}: {units} {format_pence(self.total_pence)} "
                f"{self.summary}{' - ' + self.note if self.note else ''}")
        return text if len(text) <= width else text[: width - 1] + "…"


def park_basket(uow: UnitOfWork, items: Sequence[ParkedItem], note: str = "") -> int:
    """Put a basket aside at the acting till; returns its number for the recall list."""
    if not items:
        raise PaymentError(EMPTY_BASKET)
    if not uow.actor.till:
        raise NotAllowed("A basket is parked at a till: name the till.")
    note = note.strip()
    if len(note) > NOTE_MAX or not note.isprintable():
        raise NotAllowed(f"A parked basket's note has at most {NOTE_MAX} printable characters.")
    lines = json.dumps([item.__dict__ for item in items])
    with uow:
        staff = uow.actor.staff
        parked_id = uow.connection.execute(
            insert(_PARKED).returning(_PARKED.c.id),
            {
                "till": uow.actor.till, "parked_at": utc_naive(uow.now), "trading_date": trading_date(uow.now),
                "staff_id": staff.id if staff else None, "note": note, "lines": lines,
            },
        ).scalar_one()
        uow.commit()
    return int(parked_id)


def _info(row) -> ParkedInfo:  # type: ignore[no-untyped-def]
    return ParkedInfo(
        id=row.id, till=row.till, parked_at=local_time(row.parked_at),
        trading_date=row.trading_date, staff=row.display_name or "", note=row.note or "",
        items=tuple(ParkedItem(**item) for item in json.loads(row.lines)),
    )


_LIST = (
    select(_PARKED.c.id, _PARKED.c.till, _PARKED.c.parked_at, _PARKED.c.trading_date, _PARKED.c.note, _PARKED.c.lines,
           Staff.display_name)
    .outerjoin(Staff, Staff.id == _PARKED.c.staff_id)
    .order_by(_PARKED.c.parked_at, _PARKED.c.id)
)


def parked_baskets(engine: Engine, *, till: str | None = None, before: date | None = None) -> list[ParkedInfo]:
    """Parked baskets, oldest first: all of them, or those parked at `till`, or from trading days before `before`."""
    query = _LIST
    if till is not None:
        query = query.where(_PARKED.c.till == till)
    if before is not None:
        query = query.where(_PARKED.c.trading_date < before)
    with engine.connect() as connection:
        return [_info(row) for row in connection.execute(query)]


def recall_basket(uow: UnitOfWork, parked_id: int) -> ParkedInfo:
    """Take a parked basket back (on any till): its row goes, and its lines come back to the caller."""
    with uow:
        row = uow.connection.execute(_LIST.where(_PARKED.c.id == parked_id)).first()
        if row is None:
            raise NotAllowed("That parked basket is not there any more: it was recalled or cleared. Choose another.")
        uow.connection.execute(delete(_PARKED).where(_PARKED.c.id == parked_id))
        uow.commit()
    return _info(row)


def clear_stale_baskets(uow: UnitOfWork, approved_by: StaffMember | None) -> int:
    """A manager clears the baskets parked on an earlier trading day than today's; returns how many went."""
    with uow:
        require_manager(uow, approved_by, "Clearing old parked baskets")
        today = trading_date(uow.now)
        stale = uow.connection.execute(
            select(_PARKED.c.id, _PARKED.c.till).where(_PARKED.c.trading_date < today)
        ).all()
        if stale:
            uow.connection.execute(delete(_PARKED).where(_PARKED.c.id.in_([row.id for row in stale])))
        assert approved_by is not None
        record(uow, "parked_cleared", f"{len(stale)} parked basket(s) from before {today.isoformat()}",
               approved_by_id=approved_by.id)
        uow.commit()
    return len(stale)
