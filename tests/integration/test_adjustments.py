"""Stock adjustments: a manager's, with a reason and a note, each a movement; damaged stock kept apart."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from common.errors import NotAllowed, UnknownCode
from inventory.catalog import look_up_code
from inventory.stock import damaged_stock, on_hand
from pos.staff.audit import audit_trail
from pos.stock.adjustments import adjust_stock
from ledger_helpers import as_staff, staffed

HOODIE_M = "2000000000039"
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))


@pytest.fixture
def people(demo_engine: Engine):  # type: ignore[no-untyped-def]
    return staffed(demo_engine, *PEOPLE)


def test_each_reason_moves_stock_the_right_way_and_damaged_stock_is_kept_apart(demo_engine: Engine, people) -> None:  # type: ignore[no-untyped-def]
    hoodie = look_up_code(demo_engine, HOODIE_M).variant_id
    before = on_hand(demo_engine, hoodie)
    manager = as_staff(demo_engine, people["MGR"])
    adjust_stock(manager, HOODIE_M, -1, "damaged", note="seam split", approved_by=people["MGR"])
    adjust_stock(manager, "NBH-BLA-M", -2, "lost", approved_by=people["MGR"])
    adjust_stock(manager, HOODIE_M, 1, "found", note="behind the rail", approved_by=people["MGR"])
    adjust_stock(manager, HOODIE_M, -1, "sample", approved_by=people["MGR"])
    adjust_stock(manager, HOODIE_M, 3, "correction", approved_by=people["MGR"])
    assert on_hand(demo_engine, hoodie) == before - 1 - 2 + 1 - 1 + 3
    assert damaged_stock(demo_engine, hoodie) == 1
    entries = [entry for entry in audit_trail(demo_engine) if entry.action == "stock_adjusted"]
    assert [entry.detail for entry in entries][:2] == ["-1 x NBH-BLA-M (damaged: seam split)", "-2 x NBH-BLA-M (lost or stolen)"]
    assert {entry.approved_by for entry in entries} == {"MGR"}


@pytest.mark.parametrize(
    ("quantity", "reason", "message"),
    [
        (2, "damaged", "An adjustment for damaged is a negative number"),
        (-1, "found", "An adjustment for found is a positive number"),
        (0, "correction", "a number other than 0"),
        (-1, "stolen", "'stolen' is not a reason for an adjustment: use one of damaged, sample, lost, found, correction"),
    ],
)
def test_a_wrong_direction_or_reason_is_refused_and_changes_nothing(
    demo_engine: Engine, people, quantity: int, reason: str, message: str  # type: ignore[no-untyped-def]
) -> None:
    hoodie = look_up_code(demo_engine, HOODIE_M).variant_id
    before = on_hand(demo_engine, hoodie)
    with pytest.raises(NotAllowed, match=message):
        adjust_stock(as_staff(demo_engine, people["MGR"]), HOODIE_M, quantity, reason, approved_by=people["MGR"])
    assert on_hand(demo_engine, hoodie) == before


def test_only_a_manager_adjusts_and_an_unknown_code_changes_nothing(demo_engine: Engine, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotAllowed, match="Ama is not a manager"):
        adjust_stock(as_staff(demo_engine, people["AMA"]), HOODIE_M, -1, "lost", approved_by=people["AMA"])
    with pytest.raises(UnknownCode):
        adjust_stock(as_staff(demo_engine, people["MGR"]), "5012345678900", -1, "lost", approved_by=people["MGR"])
