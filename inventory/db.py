"""Database layer: the declarative base, engines with the right SQLite pragmas, and units of work.

Writes on SQLite start with BEGIN IMMEDIATE so that two tills writing at once wait on the busy
timeout instead of failing at once (a deferred transaction that reads then writes gets SQLITE_BUSY).
Reads keep the default deferred BEGIN so a long report never blocks a sale.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from sqlalchemy import Connection, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session

from common.errors import LedgerBusy, LedgerNotWritable, LedgerUnavailable, PosError
from common.values import Actor

DEFAULT_DATABASE_URL = "sqlite:///data/ledger.sqlite"
SQLITE_BUSY_TIMEOUT_MS = 10_000
RETRY_FIRST_S = 0.05  # the first wait before trying a busy or unreachable ledger again; it doubles
RETRY_MAX_S = 2.0
PATIENCE_S = 120.0  # how long a command or service keeps trying before it says the ledger stayed busy
Result = TypeVar("Result")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url(explicit: str | None = None) -> str:
    """--db URL, else POS_DATABASE_URL, else the default SQLite ledger under data/."""
    return explicit or os.environ.get("POS_DATABASE_URL") or DEFAULT_DATABASE_URL


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ledger URL; None for other databases, `:memory:` and `file:` URIs."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event (below) issue BEGIN itself, so writes can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # First, so that even switching to WAL waits its turn behind another process.
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # INSERT OR REPLACE deletes the old row; only with this on do the append-only delete triggers see it.
        cursor.execute("PRAGMA recursive_triggers=ON")
        # FULL: a completed sale survives a power cut (about 0.25 ms more per commit).
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str | None = None) -> Engine:
    """An engine for the ledger at `url` (see database_url); SQLite gets WAL, foreign keys, busy timeout.

    Creates nothing by itself: a SQLite file appears only when something connects to it.
    """
    resolved = database_url(url)
    if resolved.startswith("sqlite"):
        engine = create_engine(resolved)
        _install_sqlite_pragmas(engine)
        return engine
    return create_engine(resolved, pool_pre_ping=True)


def _writer(engine: Engine) -> Engine:
    return engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only look at the ledger; never commits."""
    with Session(engine) as session:
        try:
            yield session
        finally:
            session.rollback()


# SQLite says "database is locked"/"busy"; PostgreSQL serialization failure (40001), deadlock (40P01).
_BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def _is_busy(error: DBAPIError) -> bool:
    if isinstance(error, OperationalError) and ("database is locked" in str(error.orig) or "busy" in str(error.orig)):
        return True
    return getattr(error.orig, "sqlstate", None) in _BUSY_SQLSTATES


@dataclass(frozen=True)
class Patience:
    """How a write meets a busy ledger (another till or an import writing; on PostgreSQL a serialization
    failure or deadlock) or, if `unreachable_too`, one that cannot be reached: it tries again with backoff,
    telling `on_wait` each time, for up to `seconds` (None: for as long as it takes, as a paid sale at the till)."""

    seconds: float | None = PATIENCE_S
    unreachable_too: bool = False
    on_wait: Callable[[PosError], None] | None = None


def retrying(attempt: Callable[[], Result], patience: Patience = Patience()) -> Result:
    """`attempt()` (a whole unit of work, or its BEGIN) again and again while the ledger is busy, with
    doubling waits and a little jitter (so two tills do not retry in step), within `patience`.

    Only LedgerBusy (and LedgerUnavailable if the patience says so) is retried: both mean nothing was
    written, or, for a dropped connection, that the attempt may have committed unheard, which only an
    idempotent attempt (a sale with its basket id) may retry. After the patience is spent the caller
    hears a plain LedgerBusy saying so, never the driver's "database is locked".
    """
    retried = (LedgerBusy, LedgerUnavailable) if patience.unreachable_too else (LedgerBusy,)
    deadline = None if patience.seconds is None else time.monotonic() + patience.seconds
    wait = RETRY_FIRST_S
    while True:
        try:
            return attempt()
        except retried as error:
            if deadline is not None and time.monotonic() + wait > deadline:
                if isinstance(error, LedgerBusy):
                    raise LedgerBusy(
                        f"The ledger stayed busy with another till or an import for {patience.seconds:g} s; "
                        "nothing was written. Try again when it is done."
                    ) from error
                raise
            if patience.on_wait is not None:
                patience.on_wait(error)
            time.sleep(wait * random.uniform(0.8, 1.2))
            wait = min(wait * 2, RETRY_MAX_S)


class UnitOfWork:
    """One transaction of a use case, with who is acting, where and when.

    `with uow:` begins a write transaction (BEGIN IMMEDIATE on SQLite) and fixes `uow.now` from the
    actor's clock; `uow.commit()` ends it; leaving the block without a commit rolls everything back.
    Entering waits out a busy ledger within `patience` (every service gets that); `uow.run(work)` also
    runs the whole of `work` again when the ledger turns busy mid-transaction (a PostgreSQL deadlock).
    A busy ledger the patience did not outlast surfaces as LedgerBusy (nothing written), anything the
    database says otherwise as LedgerUnavailable or the service's own PosError: never a driver message.
    The same UnitOfWork can be entered again for the next use case.
    """

    def __init__(self, engine: Engine, actor: Actor, patience: Patience = Patience()) -> None:
        self.engine = engine
        self.actor = actor
        self.patience = patience
        self._session: Session | None = None
        self._now: datetime | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("a unit of work is used inside `with uow:`")
        return self._session

    @property
    def connection(self) -> Connection:
        return self.session.connection()

    @property
    def now(self) -> datetime:
        """The moment of this unit of work (aware, UTC), the same for every row it writes."""
        assert self._now is not None, "a unit of work is used inside `with uow:`"
        return self._now

    def __enter__(self) -> UnitOfWork:
        retrying(self._begin, replace(self.patience, unreachable_too=False))
        return self

    def _begin(self) -> None:
        self._now = self.actor.clock()
        self._session = Session(_writer(self.engine), expire_on_commit=False)
        try:
            self._session.begin()
            self._session.connection()  # BEGIN now, so a busy ledger is found before any work
        except DBAPIError as error:
            self._close()
            raise _plain_error(error) or error

    def run(self, work: Callable[[UnitOfWork], Result]) -> Result:
        """`work(uow)` in one transaction, committed; all of it again (within the patience) if the ledger turns
        busy, or unreachable when the patience allows. `work` must be safe to repeat: it writes again only
        what was rolled back (or, after a dropped connection, checks what was committed)."""

        def once() -> Result:
            with self:
                result = work(self)
                self.commit()
            return result

        return retrying(once, self.patience)

    def commit(self) -> None:
        try:
            self.session.commit()
        except DBAPIError as error:
            plain = _plain_error(error)
            if isinstance(plain, LedgerUnavailable):
                raise LedgerUnavailable(_LOST_AT_COMMIT.format(said=driver_message(error))) from error
            raise plain or error from error

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._close()
        plain = _plain_error(error) if isinstance(error, DBAPIError) else None
        if plain is not None:
            raise plain from error

    def _close(self) -> None:
        if self._session is not None:
            self._session.rollback()
            self._session.close()
            self._session = None


# A connection lost during COMMIT: the server may have committed before the line went, so "nothing was
# written" would be a guess; an idempotent write (a sale with its basket id) is retried instead.
_LOST_AT_COMMIT = (
    "The ledger stopped answering while this was being saved ({said}), so it may or may not have been "
    "recorded. Look before doing it again (`pos audit`, `pos receipt show`, or the till's last sale); a sale "
    "repeated with the same basket id (`pos sell --basket`) is recorded once."
)


def driver_message(error: Exception) -> str:
    """The first line of what the database said, without SQLAlchemy's wrapping and background link."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        said = str(error.orig)
    elif isinstance(error, SQLAlchemyError):
        said = str(error.args[0]) if error.args else ""
    else:
        said = str(error)
    lines = said.strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _plain_error(error: DBAPIError) -> PosError | None:
    """A busy or unreachable ledger in words a cashier can act on; None for other database errors."""
    cannot_write = _cannot_write(error)
    if cannot_write is not None:
        return cannot_write
    if _is_busy(error):
        return LedgerBusy()
    if error.connection_invalidated or isinstance(error, OperationalError):
        return LedgerUnavailable(
            f"The ledger could not be reached ({driver_message(error)}). Nothing was written; try again."
        )
    return None


_SQLITE_FULL = 13  # the primary result code (the low byte of an extended one)
_PG_DISK_FULL = "53100"


def _cannot_write(error: DBAPIError) -> LedgerNotWritable | None:
    """A full disk in plain words; None for other errors.

    Not LedgerUnavailable: waiting does not help, a person has to free some space first.
    """
    code = getattr(error.orig, "sqlite_errorcode", None)
    if (code is not None and code & 0xFF == _SQLITE_FULL) or getattr(error.orig, "sqlstate", None) == _PG_DISK_FULL:
        return LedgerNotWritable(
            "The ledger's disk is full, so nothing was written. Free some space on it (old backups and reports "
            "in data/ can go to a USB stick), then try again."
        )
    return None
