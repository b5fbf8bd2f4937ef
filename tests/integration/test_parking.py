"""Parked baskets: put aside on one till, recalled on another, priced again from today's catalogue;
those from an earlier day cleared by a manager only. On both engines (POS_TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from common.errors import NotAllowed, PaymentError
from inventory.catalog import look_up_code
from pos.sales.parking import ParkedItem, clear_stale_baskets, park_basket, parked_baskets, recall_basket
from pos.sales.till_core import BasketChanged, Event, Problem, TillCore
from pos.sales.tills import register_till
from pos.staff.audit import audit_trail
from receipts.model import StoreHeader
from common.values import Actor
from ledger_helpers import as_staff, by, open_shift_on, staffed

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55
TEE_S = "2000000000329"  # Recycled Logo Tee, S, White, £25
YESTERDAY = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
TODAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))


def _items(engine: Engine, *codes: str) -> list[ParkedItem]:
    found = [look_up_code(engine, code) for code in codes]
    return [ParkedItem(v.variant_id, 1, v.sku, v.label, v.price_pence) for v in found]


def test_a_basket_parked_on_one_till_is_recalled_on_another_once(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    register_till(by(demo_engine), "till-2")
    open_shift_on(demo_engine, "till-2")
    parked_id = park_basket(as_staff(demo_engine, people["AMA"], "till-1", TODAY), _items(demo_engine, HOODIE_M, TEE_S), "tries L")
    [info] = parked_baskets(demo_engine)
    assert (info.id, info.till, info.staff, info.note, info.units, info.total_pence) == (parked_id, "till-1", "Ama", "tries L", 2, 8000)
    assert parked_baskets(demo_engine, till="till-2") == []

    recalled = recall_basket(as_staff(demo_engine, people["MGR"], "till-2", TODAY), parked_id)
    assert [(item.sku, item.quantity) for item in recalled.items] == [("NBH-BLA-M", 1), ("RLT-WHI-S", 1)]
    assert parked_baskets(demo_engine) == []
    with pytest.raises(NotAllowed, match="not there any more"):
        recall_basket(as_staff(demo_engine, people["AMA"], "till-1", TODAY), parked_id)  # the other till had it


def test_an_empty_basket_is_not_parked(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    with pytest.raises(PaymentError, match="basket is empty"):
        park_basket(as_staff(demo_engine, people["AMA"], "till-1", TODAY), [])
    assert parked_baskets(demo_engine) == []


def test_only_a_manager_clears_baskets_from_an_earlier_day_and_it_is_audited(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    park_basket(as_staff(demo_engine, people["AMA"], "till-1", YESTERDAY), _items(demo_engine, HOODIE_M))
    kept = park_basket(as_staff(demo_engine, people["AMA"], "till-1", TODAY), _items(demo_engine, TEE_S))
    with pytest.raises(NotAllowed, match="Ama is not a manager"):
        clear_stale_baskets(as_staff(demo_engine, people["AMA"], "till-1", TODAY), people["AMA"])
    with pytest.raises(NotAllowed, match="needs a manager's approval"):
        clear_stale_baskets(as_staff(demo_engine, people["AMA"], "till-1", TODAY), None)
    assert len(parked_baskets(demo_engine)) == 2
    assert clear_stale_baskets(as_staff(demo_engine, people["AMA"], "till-1", TODAY), people["MGR"]) == 1
    assert [info.id for info in parked_baskets(demo_engine)] == [kept]
    [entry] = [entry for entry in audit_trail(demo_engine) if entry.action == "parked_cleared"]
    assert (entry.staff, entry.approved_by) == ("AMA", "MGR")


def test_a_recalled_basket_is_priced_from_todays_catalogue(demo_engine: Engine) -> None:
    """The till core recalls at today's price, as it puts back a refused sale."""
    people = staffed(demo_engine, *PEOPLE)
    events: list[Event] = []
    core = TillCore(Actor.signed_in(people["AMA"], "till-1", lambda: TODAY), StoreHeader(), listener=events.append)
    core.open(lambda: demo_engine)
    core.enter(HOODIE_M)
    core.enter(TEE_S)
    core.park("tries L")
    assert core.basket.is_empty()
    assert "Parked 2 items as basket" in _messages(events)[-1]
    with demo_engine.begin() as connection:
        connection.execute(text("UPDATE variants SET price_pence = 6000 WHERE sku = 'NBH-BLA-M'"))
    [info] = _parked(core)
    core.recall(info.id)
    assert [(line.variant.sku, line.variant.price_pence, line.quantity) for line in core.basket.lines] == [
        ("NBH-BLA-M", 6000, 1), ("RLT-WHI-S", 2500, 1),
    ]
    assert "now £85.00" in _messages(events)[-1]
    assert _parked(core) == []


def test_recalling_into_a_basket_with_lines_is_refused(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    events: list[Event] = []
    core = TillCore(Actor.signed_in(people["AMA"], "till-1", lambda: TODAY), StoreHeader(), listener=events.append)
    core.open(lambda: demo_engine)
    core.enter(HOODIE_M)
    core.park()
    core.enter(TEE_S)
    [info] = _parked(core)
    core.recall(info.id)
    assert isinstance(events[-1], Problem) and "Finish or park this basket first" in events[-1].message
    assert len(_parked(core)) == 1


def _messages(events: list[Event]) -> list[str]:
    return [event.message for event in events if isinstance(event, BasketChanged | Problem)]


def _parked(core: TillCore) -> list:  # type: ignore[type-arg]
    found: list = []  # type: ignore[type-arg]
    core.parked(found.append)
    assert not isinstance(found[0], Exception), found[0]
    return found[0]
