"""The close-out at the end of the event's last day: the unsold stock goes back to the programme,
recorded in the stock ledger, and the event summary and every participant's statement are made.

Refused, changing nothing, while any till has a shift open (each is closed with its Z first) or a
stock count is open (approved or cancelled first). Needs a manager (checked here, in the service).

**What is recorded.** For every SKU, in one transaction:
* saleable stock (on hand, above zero): one movement of kind "adjusted", −on-hand, reason
  "returned to the programme at close-out (saleable)";
* damaged stock (kept apart from on hand: inventory.stock.damaged_stock): it leaves the damaged stock
  with a movement of kind "damaged", +n ("damaged stock returned to the programme at close-out"),
  and the store with one of kind "adjusted", −n ("returned to the programme at close-out
  (damaged)"), so that on hand and damaged stock both end at zero and every unit is accounted for.
Each movement names the manager and carries the reference "close-out"; an audit entry
(`close_out`) records the totals. A SKU whose on-hand is below zero (sold more than the ledger
received) has nothing to return: it is listed so that someone can look into it.

**The final count** is the stock on hand at close-out, SKU by SKU: exactly what was handed back.
It is the ledger's figure, so it already holds the adjustments of every approved stock count; the
last approved count (when, its scope, who approved it) is named beside it, so the reader knows how
recently the figures were checked by hand. Approve a whole-store count just before the close-out for
a final count that is also a physical one.

**Twice.** A close-out that finds its own movements already in the ledger moves nothing more: it
returns what the first one recorded (with its time and manager) and the documents are made again.
Every close-out takes the tills' rows first (as opening a shift and selling do), so two run at once
take turns, and a shift cannot open half way through one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, case, func, insert, select, update

from common.clock import local_time, utc_naive
from common.errors import NotAllowed
from common.values import StaffMember
from inventory.db import UnitOfWork
from inventory.models import Product, StockCount, StockMovement, Variant
from pos.reports.event import CLOSE_OUT_REFERENCE
from pos.sales.models import Till
from pos.staff.audit import record
from pos.staff.services import require_manager

SALEABLE_REASON = "returned to the programme at close-out (saleable)"
DAMAGED_OUT_REASON = "damaged stock returned to the programme at close-out"
DAMAGED_REASON = "returned to the programme at close-out (damaged)"

_TILLS = Till.__table__
# Takes every till's row (a no-op update, as pos.shifts.services does for one) and reads its shift.
_LOCK_TILLS = update(_TILLS).values(open_shift_id=_TILLS.c.open_shift_id).returning(_TILLS.c.name,
                                                                                     _TILLS.c.open_shift_id)


@dataclass(frozen=True)
class ReturnedStock:
    """One SKU handed back to the programme: its final count, saleable and damaged apart."""

    sku: str
    design: str
    size: str
    colour: str
    saleable: int
    damaged: int


@dataclass(frozen=True)
class LastCount:
    count_id: int
    scope: str
    approved_at: datetime  # the store's local time
    approved_by: str


@dataclass(frozen=True)
class CloseOut:
    at: datetime  # the store's local time of the close-out (the first one, when run again)
    by: str  # the manager
    already_done: bool  # True: an earlier close-out had returned the stock; nothing moved this time
    returned: tuple[ReturnedStock, ...]  # by design, then SKU
    below_zero: tuple[tuple[str, int], ...]  # (SKU, on hand) of SKUs the ledger has below zero
    last_count: LastCount | None

    @property
    def saleable(self) -> int:
        return sum(line.saleable for line in self.returned)

    @property
    def damaged(self) -> int:
        return sum(line.damaged for line in self.returned)

    @property
    def trading_day(self) -> date:
        return self.at.date()

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(timespec="seconds"), "by": self.by, "already_done": self.already_done,
            "saleable": self.saleable, "damaged": self.damaged,
            "final_count": [{"sku": line.sku, "design": line.design, "size": line.size, "colour": line.colour,
                             "saleable": line.saleable, "damaged": line.damaged} for line in self.returned],
            "below_zero": [{"sku": sku, "on_hand": on_hand} for sku, on_hand in self.below_zero],
            "last_count": None if self.last_count is None else {
                "count": self.last_count.count_id, "scope": self.last_count.scope,
                "approved_at": self.last_count.approved_at.isoformat(timespec="seconds"),
                "approved_by": self.last_count.approved_by,
            },
        }


def close_out(uow: UnitOfWork, approved_by: StaffMember | None) -> CloseOut:
    """Return the unsold stock (saleable and damaged) to the programme, once; refused while a till has a
    shift open or a stock count is open. What was returned, and whether it had been already."""
    with uow:
        manager = require_manager(uow, approved_by, "The close-out")
        connection = uow.connection
        _refuse_while_open(connection)
        earlier = _earlier(connection)
        if earlier is not None:
            return earlier
        levels = _levels(connection)
        moment = utc_naive(uow.now)
        common = {"recorded_by": manager.name, "reference": CLOSE_OUT_REFERENCE, "created_at": moment}
        movements = []
        for variant_id, (_sku, _design, _size, _colour, on_hand, damaged) in levels.items():
            if on_hand > 0:
                movements.append({**common, "variant_id": variant_id, "quantity": -on_hand, "kind": "adjusted",
                                  "reason": SALEABLE_REASON})
            if damaged > 0:
                movements.append({**common, "variant_id": variant_id, "quantity": damaged, "kind": "damaged",
                                  "reason": DAMAGED_OUT_REASON})
                movements.append({**common, "variant_id": variant_id, "quantity": -damaged, "kind": "adjusted",
                                  "reason": DAMAGED_REASON})
        if movements:
            connection.execute(insert(StockMovement), movements)
        returned = _returned(levels)
        record(uow, "close_out",
               f"returned to the programme: {sum(line.saleable for line in returned)} saleable, "
               f"{sum(line.damaged for line in returned)} damaged, {len(returned)} SKUs",
               approved_by_id=manager.id, reference=CLOSE_OUT_REFERENCE)
        result = CloseOut(local_time(moment), manager.name, False, returned, _below_zero(levels),
                          _last_count(connection))
        uow.commit()
    return result


def _refuse_while_open(connection: Connection) -> None:
    open_tills = sorted(name for name, shift_id in connection.execute(_LOCK_TILLS).all() if shift_id is not None)
    if open_tills:
        which = ", ".join(open_tills)
        raise NotAllowed(
            f"{'Tills' if len(open_tills) > 1 else 'Till'} {which} still {'have' if len(open_tills) > 1 else 'has'} "
            f"a shift open: close {'each' if len(open_tills) > 1 else 'it'} with its Z first "
            f"(pos shift close --till {open_tills[0]} ...). Nothing was changed."
        )
    counts = list(connection.execute(
        select(StockCount.id).where(StockCount.status == "open").order_by(StockCount.id)).scalars())
    if counts:
        listed = ", ".join(str(count_id) for count_id in counts)
        raise NotAllowed(
            f"Stock count{'s' if len(counts) > 1 else ''} {listed} {'are' if len(counts) > 1 else 'is'} still open: "
            f"approve (pos count approve {counts[0]} --staff CODE) or cancel "
            f"{'each' if len(counts) > 1 else 'it'} first. Nothing was changed."
        )


def _levels(connection: Connection) -> dict[int, tuple[str, str, str, str, int, int]]:
    """variant id -> (SKU, design, size, colour, on hand, damaged stock) for every SKU, by design then SKU."""
    # Grouped by an expression of the SKU: by the column itself SQLite walks the (variant_id, quantity) index
    # and fetches every movement by its id to read its kind, many times slower than reading the table through.
    variant = (StockMovement.variant_id + 0).label("variant_id")
    totals = (
        select(
            variant,
            func.sum(StockMovement.quantity).label("on_hand"),
            func.sum(case((StockMovement.kind == "damaged", -StockMovement.quantity), else_=0)).label("damaged"),
        )
        .group_by(variant)
        .subquery()
    )
    rows = connection.execute(
        select(Variant.id, Variant.sku, Product.name, Variant.size, Variant.colour,
               func.coalesce(totals.c.on_hand, 0), func.coalesce(totals.c.damaged, 0))
        .join(Product, Product.id == Variant.product_id)
        .outerjoin(totals, totals.c.variant_id == Variant.id)
        .order_by(Product.name, Variant.sku)
    ).all()
    return {vid: (sku, design, size, colour, int(on_hand), int(damaged))
            for vid, sku, design, size, colour, on_hand, damaged in rows}


def _returned(levels: Mapping[int, tuple[str, str, str, str, int, int]]) -> tuple[ReturnedStock, ...]:
    return tuple(
        ReturnedStock(sku, design, size, colour, max(on_hand, 0), max(damaged, 0))
        for sku, design, size, colour, on_hand, damaged in levels.values()
        if on_hand > 0 or damaged > 0
    )


def _below_zero(levels: Mapping[int, tuple[str, str, str, str, int, int]]) -> tuple[tuple[str, int], ...]:
    return tuple((sku, on_hand) for sku, _design, _size, _colour, on_hand, _damaged in levels.values() if on_hand < 0)


def _last_count(connection: Connection) -> LastCount | None:
    row = connection.execute(
        select(StockCount.id, StockCount.scope, StockCount.closed_at, StockCount.closed_by)
        .where(StockCount.status == "approved", StockCount.closed_at.is_not(None))
        .order_by(StockCount.closed_at.desc(), StockCount.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return LastCount(int(row.id), row.scope, local_time(row.closed_at), row.closed_by)


def _earlier(connection: Connection) -> CloseOut | None:
    """What an earlier close-out recorded, or None when there was none."""
    closing = StockMovement.reference == CLOSE_OUT_REFERENCE
    first = connection.execute(
        select(StockMovement.created_at, StockMovement.recorded_by).where(closing)
        .order_by(StockMovement.id).limit(1)
    ).first()
    if first is None:
        return None
    rows = connection.execute(
        select(Variant.sku, Product.name, Variant.size, Variant.colour,
               func.sum(case((StockMovement.kind == "adjusted", -StockMovement.quantity), else_=0)),
               func.sum(case((StockMovement.kind == "damaged", StockMovement.quantity), else_=0)))
        .join(Variant, Variant.id == StockMovement.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .where(closing)
        .group_by(Variant.sku, Product.name, Variant.size, Variant.colour)
        .order_by(Product.name, Variant.sku)
    ).all()
    returned = tuple(ReturnedStock(sku, design, size, colour, int(out) - int(damaged), int(damaged))
                     for sku, design, size, colour, out, damaged in rows)
    return CloseOut(local_time(first.created_at), first.recorded_by, True, returned, (), _last_count(connection))


def recorded_close_out(engine: Engine) -> CloseOut | None:
    """The close-out recorded in the ledger, if there was one (for the event summary)."""
    with engine.connect() as connection:
        return _earlier(connection)
