"""No sale, cancelling a basket and training mode need a manager: the services refuse a cashier and audit the rest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from common.errors import NotAllowed
from common.values import StaffMember
from inventory.db import UnitOfWork
from pos.sales.till_actions import cancel_basket, record_no_sale, set_training
from pos.staff.audit import audit_trail
from ledger_helpers import as_staff, staffed

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
ACTIONS: dict[str, Callable[[UnitOfWork, StaffMember | None], None]] = {
    "no_sale": record_no_sale,
    "basket_cancelled": lambda uow, approver: cancel_basket(uow, "2 x Night Bus Hoodie (M Black)", approver),
    "training_on": lambda uow, approver: set_training(uow, True, approver),
    "training_off": lambda uow, approver: set_training(uow, False, approver),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_cashier_cannot_approve_it_and_nothing_is_recorded(engine: Engine, action: str) -> None:
    people = staffed(engine, *PEOPLE)
    cashier = people["AMA"]
    with pytest.raises(NotAllowed, match="Ama is not a manager"):
        ACTIONS[action](as_staff(engine, cashier, now=NOW), cashier)
    with pytest.raises(NotAllowed, match="needs a manager's approval"):
        ACTIONS[action](as_staff(engine, cashier, now=NOW), None)
    assert _at_the_till(engine) == [], "a refusal writes nothing"


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_managers_approval_is_audited_with_who_served_and_who_approved(engine: Engine, action: str) -> None:
    people = staffed(engine, *PEOPLE)
    ACTIONS[action](as_staff(engine, people["AMA"], now=NOW), people["MGR"])
    [entry] = _at_the_till(engine)
    assert (entry.action, entry.till, entry.staff, entry.approved_by) == (action, "till-1", "AMA", "MGR")
    if action == "basket_cancelled":
        assert entry.detail == "2 x Night Bus Hoodie (M Black)"


def test_a_disabled_manager_cannot_approve(engine: Engine) -> None:
    from pos.staff.services import disable_staff

    people = staffed(engine, *PEOPLE, ("MG2", "Jo", "manager", "1111"))
    disable_staff(as_staff(engine, people["MGR"], now=NOW), "MG2", by=people["MGR"])
    with pytest.raises(NotAllowed, match="Jo is not a manager"):
        record_no_sale(as_staff(engine, people["AMA"], now=NOW), people["MG2"])


def _at_the_till(engine: Engine) -> list:  # type: ignore[type-arg]
    """The audit entries after setting up staff (those record staff_added and pin_set)."""
    return [entry for entry in audit_trail(engine) if entry.action not in {"staff_added", "pin_set"}]
