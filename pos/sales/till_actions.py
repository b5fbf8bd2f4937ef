"""What a manager approves at the till besides a sale: opening the drawer with no sale, cancelling
a basket that has lines, and switching the till into or out of training.

Each checks the approver in the ledger (`require_manager`, inside the unit of work) and leaves an
audit entry with who was serving and who approved; nothing else is written.
"""

from __future__ import annotations

from common.values import StaffMember
from inventory.db import UnitOfWork
from pos.staff.audit import record
from pos.staff.services import require_manager

DETAIL_MAX = 500


def record_no_sale(uow: UnitOfWork, approved_by: StaffMember | None) -> None:
    """The drawer was opened with no sale (change for the float, say): needs a manager."""
    _approved(uow, approved_by, "Opening the drawer with no sale", "no_sale", "drawer opened with no sale")


def cancel_basket(uow: UnitOfWork, lines_summary: str, approved_by: StaffMember | None) -> None:
    """A basket with lines was cancelled instead of sold; `lines_summary` says what was in it."""
    _approved(uow, approved_by, "Cancelling a basket", "basket_cancelled", lines_summary)


def set_training(uow: UnitOfWork, on: bool, approved_by: StaffMember | None) -> None:
    """The till goes into (or out of) training: its sales then touch nothing in the ledger."""
    _approved(
        uow, approved_by, "Switching training mode", "training_on" if on else "training_off",
        f"training {'on' if on else 'off'} at {uow.actor.till or 'no till'}",
    )


def _approved(uow: UnitOfWork, approved_by: StaffMember | None, what: str, action: str, detail: str) -> None:
    with uow:
        manager = require_manager(uow, approved_by, what)
        record(uow, action, detail[:DETAIL_MAX], approved_by_id=manager.id)
        uow.commit()
