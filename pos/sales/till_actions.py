"""What a manager approves at the till besides a sale: opening the drawer with no sale, cancelling
a basket that has lines, and switching the till into or out of training.

Each checks the approver in the ledger (`require_manager`, inside the unit of work) and leaves an
audit entry with who was serving and who approved; nothing else is written.

A training sale needs no approval (training is already on); it leaves one audit entry,
`training_sale`, so that the shift's X and Z can say how many practice sales were made there.
"""

from __future__ import annotations

from common.money import format_pence
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


def record_training_sale(uow: UnitOfWork, number: int, total_pence: int) -> None:
    """Training sale `number` was completed at the acting till, for `total_pence`: audited as `training_sale`.

    Only this entry is written (no sale, stock, takings, attribution or receipt number): the X and Z
    count these entries between the shift's opening and close, and leave them out of every figure.
    """
    with uow:
        record(uow, "training_sale",
               f"training sale {number}: {format_pence(total_pence)} (practice, not in the takings)")
        uow.commit()


def _approved(uow: UnitOfWork, approved_by: StaffMember | None, what: str, action: str, detail: str) -> None:
    with uow:
        manager = require_manager(uow, approved_by, what)
        record(uow, action, detail[:DETAIL_MAX], approved_by_id=manager.id)
        uow.commit()
