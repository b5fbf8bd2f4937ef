"""Stock adjustments by a manager: each one a stock movement with its reason, a note, who and when.

Reasons and their direction: `damaged` (out of saleable stock into damaged stock, as a return marked
damaged is), `sample` and `lost` (lost or stolen) take stock away; `found` adds; `correction` either
way. Damaged stock is never on hand: inventory.stock.damaged_stock reports it apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert

from common.clock import utc_naive
from common.errors import NotAllowed
from common.limits import NOTE_MAX, check_length
from common.values import StaffMember
from inventory.catalog import look_up_code
from inventory.db import UnitOfWork
from inventory.models import StockMovement
from pos.staff.audit import record
from pos.staff.services import require_manager

# reason -> (movement kind, the sign the quantity must have: -1, +1, or 0 for either)
REASONS: dict[str, tuple[str, int]] = {
    "damaged": ("damaged", -1), "sample": ("adjusted", -1), "lost": ("adjusted", -1),
    "found": ("adjusted", 1), "correction": ("adjusted", 0),
}
_WORDS = {"damaged": "damaged", "sample": "taken as a sample", "lost": "lost or stolen", "found": "found",
          "correction": "a correction"}


@dataclass(frozen=True)
class Adjusted:
    sku: str
    label: str
    quantity: int
    reason: str


def adjust_stock(uow: UnitOfWork, code: str, quantity: int, reason: str, *, note: str = "",
                 approved_by: StaffMember | None) -> Adjusted:
    """Move `quantity` (signed) of the SKU with barcode or SKU `code` for `reason`, approved by a manager."""
    if reason not in REASONS:
        raise NotAllowed(f"'{reason}' is not a reason for an adjustment: use one of {', '.join(REASONS)}.")
    kind, sign = REASONS[reason]
    if quantity == 0 or (sign and (quantity > 0) != (sign > 0)):
        direction = {-1: "a negative number (stock going out), such as -2", 1: "a positive number, such as 2",
                     0: "a number other than 0"}[sign]
        raise NotAllowed(f"An adjustment for {_WORDS[reason]} is {direction}.")
    check_length("The note", note, NOTE_MAX)
    info = look_up_code(uow.engine, code)
    with uow:
        manager = require_manager(uow, approved_by, "A stock adjustment")
        text = f"{_WORDS[reason]}: {note}" if note else _WORDS[reason]
        uow.connection.execute(insert(StockMovement).values(
            variant_id=info.variant_id, quantity=quantity, kind=kind, reason=text, recorded_by=manager.name,
            reference="adjustment", created_at=utc_naive(uow.now),
        ))
        record(uow, "stock_adjusted", f"{quantity:+d} x {info.sku} ({text})", approved_by_id=manager.id,
               reference=info.sku)
        uow.commit()
    return Adjusted(info.sku, info.label, quantity, reason)
