"""Stock counts with a barcode scanner: scans, the quantity key, undo, two counters, review, approval,
cancellation, and a garment sold between two scans of its SKU."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from common.errors import NotAllowed, UnknownCode
from common.values import Actor, StaffMember
from inventory.catalog import look_up_code
from inventory.db import UnitOfWork
from inventory.models import StockMovement
from inventory.stock import on_hand
from pos.sales.checkout import card_tender
from pos.sales.services import complete_sale
from pos.stock.counts import (
    UnknownCount, approve_count, cancel_count, review_count, scan_into_count, start_count, undo_last_scan,
)
from ledger_helpers import SettableClock, as_staff, staffed
from property_sizes import examples

HOODIE_M = "2000000000039"  # Night Bus Hoodie M Black, NBH-BLA-M, £55
HOODIE_L = "2000000000046"
TEE_S = "2000000000329"  # Recycled Logo Tee S White, £25
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"), ("JO", "Jo", "cashier", "8642"))


def _after_the_stock_arrived() -> datetime:
    """A count starts after the demo stock was received (its movements carry the real time)."""
    return datetime.now(UTC) + timedelta(minutes=1)


@pytest.fixture
def people(demo_engine: Engine) -> dict[str, StaffMember]:
    return staffed(demo_engine, *PEOPLE)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(_after_the_stock_arrived())


def _counter(engine: Engine, member: StaffMember, clock: SettableClock) -> UnitOfWork:
    return UnitOfWork(engine, Actor.signed_in(member, None, clock))


def _tick(clock: SettableClock) -> None:
    clock.now += timedelta(seconds=10)


def _sku(engine: Engine, code: str) -> str:
    return look_up_code(engine, code).sku


def _rail(engine: Engine, people: dict[str, StaffMember], clock: SettableClock) -> int:
    return start_count(_counter(engine, people["MGR"], clock), skus=[HOODIE_M, HOODIE_L, TEE_S])


def test_scans_the_quantity_key_and_undo_count_and_the_review_shows_each_variance(
    demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock
) -> None:
    count = _rail(demo_engine, people, clock)
    ama = _counter(demo_engine, people["AMA"], clock)
    assert scan_into_count(ama, count, HOODIE_M).total == 1
    assert scan_into_count(ama, count, "nbh-bla-m").total == 2  # an SKU typed counts too
    done = scan_into_count(ama, count, TEE_S, quantity=3)  # the quantity key: this scan counts 3
    assert (done.sku, done.quantity, done.total) == (_sku(demo_engine, TEE_S), 3, 3)
    undone = undo_last_scan(ama, count)
    assert (undone.quantity, undone.total) == (-3, 0)
    scan_into_count(ama, count, TEE_S)

    review = review_count(demo_engine, count)
    by_sku = {line.sku: line for line in review.lines}
    hoodie = by_sku["NBH-BLA-M"]
    expected = on_hand(demo_engine, look_up_code(demo_engine, HOODIE_M).variant_id)
    assert (hoodie.counted, hoodie.expected, hoodie.variance) == (2, expected, 2 - expected)
    assert hoodie.variance_pence == (2 - expected) * 5500
    assert [line.sku for line in review.unscanned] == [_sku(demo_engine, HOODIE_L)]


def test_an_unknown_barcode_or_a_sku_outside_the_scope_counts_nothing(
    demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock
) -> None:
    count = _rail(demo_engine, people, clock)
    ama = _counter(demo_engine, people["AMA"], clock)
    with pytest.raises(UnknownCode):
        scan_into_count(ama, count, "5012345678900")
    with pytest.raises(NotAllowed, match="is not in this count's scope"):
        scan_into_count(ama, count, "2000000000145")
    with pytest.raises(NotAllowed, match="no scan in this count to undo"):
        undo_last_scan(ama, count)
    assert all(line.counted == 0 for line in review_count(demo_engine, count).lines)
    with pytest.raises(UnknownCount):
        scan_into_count(ama, 999, HOODIE_M)


def test_two_counters_count_into_one_count_and_each_undoes_only_their_own(
    demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock
) -> None:
    count = _rail(demo_engine, people, clock)
    ama, jo = _counter(demo_engine, people["AMA"], clock), _counter(demo_engine, people["JO"], clock)
    scan_into_count(ama, count, HOODIE_M)
    scan_into_count(jo, count, HOODIE_M)
    scan_into_count(jo, count, TEE_S)
    assert scan_into_count(ama, count, HOODIE_M).total == 3
    undo_last_scan(jo, count)  # Jo's tee, not Ama's hoodie
    lines = {line.sku: line.counted for line in review_count(demo_engine, count).lines}
    assert lines["NBH-BLA-M"] == 3 and lines[_sku(demo_engine, TEE_S)] == 0


def test_a_garment_sold_between_two_scans_of_its_sku_gives_the_right_variance(
    demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock
) -> None:
    """The rail holds every hoodie on record. One is scanned, one sells at the till, the rest are scanned:
    the variance is nil, and approving it leaves on-hand as it is."""
    hoodie = look_up_code(demo_engine, HOODIE_M)
    before = on_hand(demo_engine, hoodie.variant_id)
    count = _rail(demo_engine, people, clock)
    ama = _counter(demo_engine, people["AMA"], clock)
    _tick(clock)
    scan_into_count(ama, count, HOODIE_M)
    _tick(clock)
    complete_sale(as_staff(demo_engine, people["JO"], now=clock.now), [(hoodie.variant_id, 1)], [card_tender(5500)])
    for _ in range(before - 2):  # the others still on the rail
        _tick(clock)
        scan_into_count(ama, count, HOODIE_M)
    [line] = [line for line in review_count(demo_engine, count).lines if line.sku == hoodie.sku]
    assert (line.expected, line.counted, line.variance) == (before - 1, before - 1, 0)

    _tick(clock)  # a sale after the hoodie's last scan changes nothing in the count
    complete_sale(as_staff(demo_engine, people["JO"], now=clock.now), [(hoodie.variant_id, 1)], [card_tender(5500)])
    [line] = [line for line in review_count(demo_engine, count).lines if line.sku == hoodie.sku]
    assert line.variance == 0
    approve_count(_counter(demo_engine, people["MGR"], clock), count, people["MGR"])
    assert on_hand(demo_engine, hoodie.variant_id) == before - 2


def test_approval_posts_every_variance_in_one_go_and_closes_the_count(
    demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock
) -> None:
    count = _rail(demo_engine, people, clock)
    ama = _counter(demo_engine, people["AMA"], clock)
    scan_into_count(ama, count, HOODIE_M, quantity=2)
    scan_into_count(ama, count, TEE_S, quantity=4)
    unscanned = look_up_code(demo_engine, HOODIE_L).variant_id
    left_alone = on_hand(demo_engine, unscanned)
    with pytest.raises(NotAllowed, match="Ama is not a manager"):
        approve_count(ama, count, people["AMA"])
    approve_count(_counter(demo_engine, people["MGR"], clock), count, people["MGR"])
    assert on_hand(demo_engine, look_up_code(demo_engine, HOODIE_M).variant_id) == 2
    assert on_hand(demo_engine, look_up_code(demo_engine, TEE_S).variant_id) == 4
    assert on_hand(demo_engine, unscanned) == left_alone  # nobody scanned it, and the manager did not say zero
    with demo_engine.connect() as connection:
        reasons = set(connection.execute(select(StockMovement.reason, StockMovement.recorded_by)
                                         .where(StockMovement.reference == f"count {count}")))
    assert reasons == {(f"stock count {count}", "Sam")}
    with pytest.raises(NotAllowed, match="is approved"):
        scan_into_count(ama, count, HOODIE_M)


def test_the_manager_can_confirm_that_unscanned_skus_are_not_there(
    demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock
) -> None:
    count = _rail(demo_engine, people, clock)
    scan_into_count(_counter(demo_engine, people["AMA"], clock), count, HOODIE_M)
    approve_count(_counter(demo_engine, people["MGR"], clock), count, people["MGR"], zero_unscanned=True)
    assert on_hand(demo_engine, look_up_code(demo_engine, HOODIE_L).variant_id) == 0
    assert on_hand(demo_engine, look_up_code(demo_engine, TEE_S).variant_id) == 0


def test_cancelling_changes_no_stock(demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock) -> None:
    hoodie = look_up_code(demo_engine, HOODIE_M).variant_id
    before = on_hand(demo_engine, hoodie)
    count = _rail(demo_engine, people, clock)
    scan_into_count(_counter(demo_engine, people["AMA"], clock), count, HOODIE_M)
    cancel_count(_counter(demo_engine, people["MGR"], clock), count, people["MGR"])
    assert on_hand(demo_engine, hoodie) == before
    assert review_count(demo_engine, count).status == "cancelled"
    with pytest.raises(NotAllowed, match="is cancelled"):
        approve_count(_counter(demo_engine, people["MGR"], clock), count, people["MGR"])


def test_a_count_by_category_or_design_takes_every_sku_of_it(
    demo_engine: Engine, people: dict[str, StaffMember], clock: SettableClock
) -> None:
    manager = _counter(demo_engine, people["MGR"], clock)
    design = review_count(demo_engine, start_count(manager, design="night bus hoodie"))
    assert design.scope == "design night bus hoodie" and {line.sku[:3] for line in design.lines} == {"NBH"}
    category = review_count(demo_engine, start_count(manager, category="Hoodies"))
    assert len(category.lines) > len(design.lines)
    with pytest.raises(NotAllowed, match="Nothing in the catalogue matches category Socks"):
        start_count(manager, category="Socks")


_EXAMPLES = itertools.count()


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scans=st.lists(st.tuples(st.sampled_from([HOODIE_M, HOODIE_L, TEE_S]), st.integers(1, 5), st.booleans()),
                      min_size=1, max_size=12))
def test_after_an_approved_count_on_hand_is_what_was_counted(
    demo_engine: Engine, people: dict[str, StaffMember], scans: list[tuple[str, int, bool]]
) -> None:
    # The ledger is shared by every example: each one's count comes an hour after the last one's.
    clock = SettableClock(_after_the_stock_arrived() + timedelta(hours=next(_EXAMPLES)))
    count = _rail(demo_engine, people, clock)
    ama = _counter(demo_engine, people["AMA"], clock)
    for code, quantity, undo in scans:
        _tick(clock)
        scan_into_count(ama, count, code, quantity=quantity)
        if undo:
            undo_last_scan(ama, count)
    review = review_count(demo_engine, count)
    approve_count(_counter(demo_engine, people["MGR"], clock), count, people["MGR"], zero_unscanned=True)
    for line in review.lines:
        assert on_hand(demo_engine, look_up_code(demo_engine, line.sku).variant_id) == line.counted
