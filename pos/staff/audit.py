"""The audit trail: every approval, refund, discount, price override, no-sale, basket cancellation,
failed sign-in and lock-out, with who, who approved, when, which till and why. Append-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import aliased

from common.clock import local_time, trading_date, utc_naive
from inventory.db import UnitOfWork
from pos.staff.models import AuditEvent, Staff

_INSERT = insert(AuditEvent.__table__)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit trail as a manager reads it; `at` is the store's local time."""

    at: datetime
    till: str
    staff: str  # the staff code of who acted ("" when nobody was signed in)
    approved_by: str  # the approving manager's code, or ""
    action: str
    detail: str
    reference: str


def record(
    uow: UnitOfWork,
    action: str,
    detail: str,
    *,
    approved_by_id: int | None = None,
    staff_id: int | None = None,
    reference: str | None = None,
) -> None:
    """Add one entry inside the caller's unit of work: it commits with the change it describes.

    The acting person is the unit of work's signed-in staff unless `staff_id` names another
    (a failed sign-in names whom it was for).
    """
    acting = uow.actor.staff
    uow.connection.execute(
        _INSERT,
        {
            "created_at": utc_naive(uow.now), "trading_date": trading_date(uow.now), "till": uow.actor.till,
            "staff_id": staff_id if staff_id is not None else (acting.id if acting else None),
            "approved_by_id": approved_by_id, "action": action, "detail": detail, "reference": reference,
        },
    )


def audit_trail(engine: Engine, first: date | None = None, last: date | None = None) -> list[AuditEntry]:
    """The entries of trading days `first` to `last` (inclusive; open-ended when None), oldest first."""
    acting, approver = aliased(Staff), aliased(Staff)
    events = AuditEvent.__table__.c
    query = (
        select(events.created_at, events.till, acting.code, approver.code, events.action, events.detail, events.reference)
        .outerjoin_from(AuditEvent, acting, acting.id == events.staff_id)
        .outerjoin(approver, approver.id == events.approved_by_id)
        .order_by(events.created_at, events.id)
    )
    if first is not None:
        query = query.where(events.trading_date >= first)
    if last is not None:
        query = query.where(events.trading_date <= last)
    with engine.connect() as connection:
        return [
            AuditEntry(local_time(at), till or "", staff or "", approved_by or "", action, detail, reference or "")
            for at, till, staff, approved_by, action, detail, reference in connection.execute(query)
        ]
