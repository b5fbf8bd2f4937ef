"""The close-out: refused while a till has a shift open or a count is open (changing nothing), the unsold
stock returned to the programme as recorded movements (saleable and damaged), once only (both engines)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from common.errors import NotAllowed
from common.values import Actor
from inventory.db import UnitOfWork
from inventory.models import StockMovement
from inventory.stock import stock_levels, variant_listing
from pos.reports.close_out import close_out, recorded_close_out
from pos.reports.event import event_summary
from pos.staff.audit import audit_trail
from pos.stock.counts import approve_count, scan_into_count, start_count
from event_helpers import at, staff_event


def _movements(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(StockMovement)).scalar_one()


def _uow(engine: Engine, member, moment):  # type: ignore[no-untyped-def]
    return UnitOfWork(engine, Actor.signed_in(member, None, lambda: moment))


def test_refused_while_a_till_has_a_shift_open(ledger_url: str) -> None:
    event = staff_event(ledger_url, close_last_shift=False)
    before = _movements(event.engine)
    with pytest.raises(NotAllowed, match=r"Till till-1 still has a shift open.*Nothing was changed"):
        close_out(_uow(event.engine, event.people["MGR"], at(3, 18)), event.people["MGR"])
    assert _movements(event.engine) == before
    assert recorded_close_out(event.engine) is None
    assert not [entry for entry in audit_trail(event.engine) if entry.action == "close_out"]
    event.engine.dispose()


def test_refused_while_a_count_is_open_and_for_a_cashier(ledger_url: str) -> None:
    event = staff_event(ledger_url)
    engine, manager = event.engine, event.people["MGR"]
    count_id = start_count(_uow(engine, manager, at(3, 17, 40)), skus=["NBH-BLA-M"])
    before = _movements(engine)
    with pytest.raises(NotAllowed, match=rf"Stock count {count_id} is still open"):
        close_out(_uow(engine, manager, at(3, 18)), manager)
    with pytest.raises(NotAllowed, match="not a manager"):
        close_out(_uow(engine, event.people["AMA"], at(3, 18)), event.people["AMA"])
    with pytest.raises(NotAllowed, match="needs a manager"):
        close_out(_uow(engine, manager, at(3, 18)), None)
    assert _movements(engine) == before
    engine.dispose()


def test_returns_saleable_and_damaged_stock_once_with_the_final_count(ledger_url: str) -> None:
    event = staff_event(ledger_url)
    engine, manager = event.engine, event.people["MGR"]
    # A count of one rail, approved: one hoodie M is not there. (Counted by the real clock, as the stock
    # was imported by it: a count expects what was on hand at its scans.)
    now = datetime.now(UTC)
    count_id = start_count(_uow(engine, manager, now), skus=["NBH-BLA-M"])
    scan_into_count(_uow(engine, manager, now + timedelta(seconds=1)), count_id, "NBH-BLA-M", 7)
    approve_count(_uow(engine, manager, now + timedelta(seconds=2)), count_id, manager)
    listing = {row.sku: row for row in variant_listing(engine)}
    assert listing["NBH-BLA-M"].on_hand == 7 and listing["CCJ-BLA-L"].damaged == 1
    on_hand = {row.sku: row.on_hand for row in listing.values()}
    before = _movements(engine)

    done = close_out(_uow(engine, manager, at(3, 18)), manager)
    assert not done.already_done and done.by == "Sam"
    returned = {line.sku: (line.saleable, line.damaged) for line in done.returned}
    assert returned["NBH-BLA-M"] == (7, 0)
    assert returned["CCJ-BLA-L"] == (on_hand["CCJ-BLA-L"], 1)  # the damaged jacket goes back too
    assert done.saleable == sum(level for level in on_hand.values() if level > 0) and done.damaged == 1
    assert done.last_count is not None and done.last_count.count_id == count_id
    assert done.at == at(3, 18)
    after = {row.sku: row for row in variant_listing(engine)}
    assert all(row.on_hand == 0 and row.damaged == 0 for row in after.values())
    written = _movements(engine) - before
    assert written == sum(1 for level in on_hand.values() if level > 0) + 2  # + the damaged jacket's two
    with engine.connect() as connection:
        kinds = connection.execute(
            select(StockMovement.kind, StockMovement.reason, StockMovement.recorded_by, StockMovement.quantity)
            .where(StockMovement.reference == "close-out").order_by(StockMovement.id)).all()
    assert {kind for kind, *_ in kinds} == {"adjusted", "damaged"}
    assert all(by == "Sam" and "returned to the programme" in reason for _kind, reason, by, _q in kinds)
    assert [entry.detail for entry in audit_trail(engine) if entry.action == "close_out"] == [
        f"returned to the programme: {done.saleable} saleable, 1 damaged, {len(done.returned)} SKUs"]

    # The event summary shows what went back, by design.
    jacket = next(row for row in event_summary(engine).by_design if row.design == "Collab Coach Jacket")
    assert (jacket.returned_saleable, jacket.returned_damaged) == (
        sum(on_hand[sku] for sku in on_hand if sku.startswith("CCJ-")), 1)

    # Twice: nothing more moves, and the first close-out's figures come back.
    again = close_out(_uow(engine, manager, at(3, 18) + timedelta(minutes=5)), manager)
    assert again.already_done and again.at == done.at and again.by == "Sam"
    assert {line.sku: (line.saleable, line.damaged) for line in again.returned} == returned
    assert _movements(engine) == before + written
    assert all(level.on_hand == 0 for level in stock_levels(engine))
    assert len([entry for entry in audit_trail(engine) if entry.action == "close_out"]) == 1
    engine.dispose()
