"""Units of work for tests: who acts, at which till, at what moment."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, event

from common.clock import utc_now
from common.values import Actor, StaffMember
from inventory.db import UnitOfWork


def by(engine: Engine, name: str = "test") -> UnitOfWork:
    """A unit of work for set-up writes (imports) by `name`."""
    return UnitOfWork(engine, Actor(name))


def at_till(engine: Engine, till: str, *, staff: str = "", now: datetime | None = None) -> UnitOfWork:
    """A unit of work at `till`, served by `staff`, at `now` (else the real clock)."""
    return UnitOfWork(engine, Actor(staff, till, (lambda: now) if now else utc_now))


def open_shift_on(engine: Engine, till: str, float_pence: int = 0, *, name: str = "test") -> int:
    """Open a shift at `till` (a sale or refund there needs one), returning its id."""
    from pos.shifts.services import open_shift

    return open_shift(UnitOfWork(engine, Actor(name, till)), float_pence).id


_HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("PRAGMA journal_mode=WAL")
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
print("released", flush=True)
"""


@contextmanager
def hold_write_lock(ledger_path: Path, seconds: float) -> Iterator[threading.Event]:
    """Another process (an import, another till) holds the SQLite ledger's write lock for `seconds`.

    Yields an event that is set once the lock is released; the block waits for the process at the end.
    """
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(ledger_path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    released = threading.Event()

    def wait_for_release() -> None:
        assert holder.stdout is not None
        holder.stdout.readline()
        released.set()

    waiter = threading.Thread(target=wait_for_release, daemon=True)
    waiter.start()
    try:
        yield released
    finally:
        holder.wait(timeout=seconds + 30)
        waiter.join(timeout=5)


def busy_timeout_engine(ledger_path: Path, busy_timeout_ms: int) -> Callable[[], Engine]:
    """Opens the ledger with a shorter SQLite busy timeout, so a test sees the till give up and retry."""

    def connect() -> Engine:
        from pos.ledger import open_ledger

        engine = open_ledger(f"sqlite:///{ledger_path}")

        @event.listens_for(engine, "connect")
        def _shorter_wait(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")

        engine.dispose()  # connections made from now on get the shorter wait
        return engine

    return connect


def demo_ledger_file(path: Path) -> Path:
    """A SQLite ledger file at `path` holding the demo catalogue and its stock (till-1 registered, with a
    shift open), closed."""
    from inventory.imports import import_participants, import_products, import_stock
    from pos.ledger import init_ledger

    data = Path(__file__).resolve().parent.parent / "data"
    engine = init_ledger(f"sqlite:///{path}")
    import_participants(by(engine), data / "participants.csv")
    import_products(by(engine), data / "products.csv")
    import_stock(by(engine), data / "stock.csv")
    open_shift_on(engine, "till-1")
    engine.dispose()  # closing the last connection folds the WAL into the file
    return path


class SettableClock:
    """A clock a test moves by hand: `clock.now += timedelta(minutes=1)`."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def staffed(engine: Engine, *people: tuple[str, str, str, str]) -> dict[str, StaffMember]:
    """Add staff (code, name, role, PIN) as a manager would, the first a manager; each has chosen their PIN.

    On a ledger that has a manager already (the demo ledger's MANAGER), that manager adds them.
    """
    from pos.staff.services import add_staff, list_staff, set_first_pin, staff_member

    members: dict[str, StaffMember] = {}
    present = [person.code for person in list_staff(engine) if person.role == "manager" and person.active]
    manager: StaffMember | None = staff_member(engine, present[0]) if present else None
    for code, name, role, pin in people:
        add_staff(by(engine), code, name, role, by=manager)
        members[code] = set_first_pin(by(engine), code, pin)
        if manager is None and role == "manager":
            manager = staff_member(engine, code)
    return members


def as_staff(engine: Engine, member: StaffMember, till: str | None = "till-1", now: datetime | None = None) -> UnitOfWork:
    """A unit of work of `member` signed in at `till`."""
    return UnitOfWork(engine, Actor.signed_in(member, till, (lambda: now) if now else utc_now))
