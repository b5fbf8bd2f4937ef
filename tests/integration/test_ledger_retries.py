"""A busy or unreachable ledger is never a person's problem: writes wait it out inside the services (one
retry helper, inventory.db.retrying), the till keeps a paid sale through a dropped connection, and the
basket id makes every retry safe. SQLite: another process holds the write lock. PostgreSQL: a real
deadlock, and a loopback proxy between the ledger and the server that the test cuts and restores."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from common.errors import LedgerBusy, LedgerUnavailable, PosError
from common.values import Actor
from inventory.db import Patience, UnitOfWork, make_engine
from pos.sales.checkout import card_tender, new_basket_id
from pos.sales.services import complete_sale
from pos.sales.till_core import Lanes, SaleCompleted, SaleSaving, TillCore
from pos.sales.tills import register_till
from receipts.model import StoreHeader
from ledger_helpers import at_till, busy_timeout_engine, by, demo_ledger_file, hold_write_lock
from slow_link import CuttableLink, cuttable_link

ON_POSTGRES = bool(os.environ.get("POS_TEST_DATABASE_URL"))
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="another process holding SQLite's write lock")
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL: deadlocks and a server over TCP")
TEE_S = "2000000000329"  # Recycled Logo Tee, S, White, £25


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


# --- SQLite: another process writing ---------------------------------------------------------------


@sqlite_only
def test_services_wait_out_a_lock_held_past_the_busy_timeout(tmp_path: Path) -> None:
    """A sale and a shift opened while an import holds the write lock five times longer than the busy timeout:
    both are recorded once the lock is released, and nobody hears "database is locked"."""
    from pos.shifts.services import open_shift

    engine = busy_timeout_engine(demo_ledger_file(tmp_path / "ledger.sqlite"), 200)()
    register_till(by(engine), "till-2")
    told: list[Exception] = []
    with hold_write_lock(tmp_path / "ledger.sqlite", 1.0) as released:
        shift = open_shift(UnitOfWork(engine, Actor("Jo", "till-2"), Patience(on_wait=told.append)), 5000)
        assert released.is_set()
        sale = complete_sale(at_till(engine, "till-1"), [(3, 1)], [card_tender(5500)], basket_id=new_basket_id())
    assert shift.float_pence == 5000 and sale.receipt_no == 1
    assert told and all(isinstance(error, LedgerBusy) for error in told)
    assert "locked" not in " ".join(str(error) for error in told).lower()
    engine.dispose()


@sqlite_only
def test_a_service_that_runs_out_of_patience_says_so_plainly_and_writes_nothing(tmp_path: Path) -> None:
    engine = busy_timeout_engine(demo_ledger_file(tmp_path / "ledger.sqlite"), 100)()
    with hold_write_lock(tmp_path / "ledger.sqlite", 2.0):
        with pytest.raises(LedgerBusy) as busy:
            complete_sale(UnitOfWork(engine, Actor("", "till-1"), Patience(seconds=0.5)), [(3, 1)], [card_tender(5500)])
    assert str(busy.value) == ("The ledger stayed busy with another till or an import for 0.5 s; nothing was written. "
                               "Try again when it is done.")
    assert "locked" not in str(busy.value).lower()
    assert _count(engine, "sales") == 0
    engine.dispose()


# --- PostgreSQL: a deadlock -------------------------------------------------------------------------


@postgres_only
def test_a_deadlock_is_retried_inside_the_unit_of_work(engine: Engine) -> None:
    """Two writers lock two tills in opposite orders: PostgreSQL aborts one (the unit of work, whose
    deadlock check comes first), which runs its work again once the other has committed."""
    register_till(by(engine), "till-2")
    touch = "UPDATE tills SET open_shift_id = open_shift_id WHERE name = :till"
    attempts: list[int] = []
    told: list[PosError] = []
    holding_till_1 = threading.Event()

    def work(uow: UnitOfWork) -> int:
        attempts.append(len(attempts) + 1)
        uow.connection.execute(text("SET LOCAL deadlock_timeout = '100ms'"))
        uow.connection.execute(text(touch), {"till": "till-1"})
        holding_till_1.set()
        uow.connection.execute(text(touch), {"till": "till-2"})
        return len(attempts)

    other = engine.connect()
    transaction = other.begin()
    other.execute(text("SET LOCAL deadlock_timeout = '10s'"))
    other.execute(text(touch), {"till": "till-2"})
    result: list[int] = []
    writer = threading.Thread(target=lambda: result.append(
        UnitOfWork(engine, Actor("", "till-1"), Patience(on_wait=told.append)).run(work)))
    writer.start()
    assert holding_till_1.wait(10)
    other.execute(text(touch), {"till": "till-1"})  # waits for the unit of work: a deadlock
    transaction.commit()
    other.close()
    writer.join(30)
    assert result == [2] and attempts == [1, 2]
    assert [type(error) for error in told] == [LedgerBusy]


# --- PostgreSQL: the connection drops ---------------------------------------------------------------


def _through(engine: Engine, link: CuttableLink) -> Engine:
    """An engine on the same ledger, its connections going through `link`."""
    return make_engine(make_url(engine.url).set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False))


def _till(engine: Engine) -> tuple[TillCore, list[object]]:
    events: list[object] = []
    core = TillCore(Actor("Sam", "till-1"), StoreHeader(), None, lanes=Lanes.inline(), listener=events.append)
    core.open(lambda: engine)
    core.enter(TEE_S)
    events.clear()
    return core, events


@postgres_only
def test_a_sale_paid_while_the_link_is_cut_is_kept_and_recorded_once_when_it_is_back(demo_engine: Engine) -> None:
    with cuttable_link("127.0.0.1", make_url(demo_engine.url).port or 5432) as link:
        linked = _through(demo_engine, link)
        core, events = _till(linked)
        link.cut()
        threading.Timer(1.5, link.restore).start()
        core.pay(core.card())  # the card terminal approved it: the till keeps the sale until the ledger is back
        linked.dispose()
    saving, unreachable, completed = events
    assert isinstance(saving, SaleSaving) and not saving.unreachable
    assert isinstance(unreachable, SaleSaving) and unreachable.unreachable
    assert isinstance(completed, SaleCompleted) and completed.sale.receipt_no == 1 and not completed.sale.repeated
    assert _count(demo_engine, "sales") == 1 and _count(demo_engine, "payments") == 1
    assert core.pending == [] and core.basket.is_empty()


@postgres_only
def test_a_cut_right_after_the_commit_does_not_record_the_sale_twice(demo_engine: Engine) -> None:
    """The server committed the sale, then the link dropped before the till heard: the till tries again with
    the same basket id, finds the sale recorded, and shows it; one sale, one receipt number."""
    with cuttable_link("127.0.0.1", make_url(demo_engine.url).port or 5432) as link:
        linked = _through(demo_engine, link)
        core, events = _till(linked)
        link.drop_reply_to_next_commit()
        core.pay(core.card())
        linked.dispose()
        assert link.replies_dropped == 1
    saving, unreachable, completed = events
    assert isinstance(unreachable, SaleSaving) and unreachable.unreachable
    assert isinstance(completed, SaleCompleted) and completed.sale.repeated and completed.sale.receipt_no == 1
    assert _count(demo_engine, "sales") == 1 and _count(demo_engine, "stock_movements") == _count_received(demo_engine) + 1
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT last_receipt_no FROM tills WHERE name = 'till-1'")).scalar_one() == 1


def _count_received(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM stock_movements WHERE kind <> 'sold'")).scalar_one()


@postgres_only
def test_without_a_basket_id_a_dropped_connection_is_not_retried(demo_engine: Engine) -> None:
    """Only an idempotent write is tried again after a dropped connection: a sale without a basket id is not."""
    with pytest.raises(PosError, match="only with its basket id"):
        complete_sale(UnitOfWork(demo_engine, Actor("", "till-1"), Patience(unreachable_too=True)), [(3, 1)],
                 [card_tender(5500)])
    assert _count(demo_engine, "sales") == 0


@postgres_only
def test_a_connection_lost_at_the_commit_never_claims_nothing_was_written(demo_engine: Engine) -> None:
    """A paid-in committed on the server, then the reply was lost: the person is told it may be recorded, to look."""
    from pos.shifts.services import move_cash

    with cuttable_link("127.0.0.1", make_url(demo_engine.url).port or 5432) as link:
        linked = _through(demo_engine, link)
        link.drop_reply_to_next_commit()
        with pytest.raises(LedgerUnavailable, match="may or may not have been recorded. Look before doing it again"):
            move_cash(UnitOfWork(linked, Actor("Sam", "till-1")), "paid_in", 500, "Change from the bank", None)
        linked.dispose()
    assert _count(demo_engine, "cash_movements") == 1  # it had landed: "nothing was written" would have been wrong
