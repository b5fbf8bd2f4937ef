"""Which ledger, and whether it is ready: `init_ledger` creates or upgrades one, `open_ledger` only opens it.

Only `pos init` (and the demo, for its own file) calls `init_ledger`; every other command and the
till call `open_ledger`, which refuses a missing ledger (without creating a file) and a ledger
whose schema is behind, so no till migrates a ledger under another till's feet.

Alembic is imported only to upgrade, so a till starts quickly. Two `pos init` at once take turns:
on PostgreSQL behind an advisory lock, on SQLite behind the write lock (BEGIN IMMEDIATE waits on
the busy timeout). On SQLite, migrations run with foreign keys off (a table rebuild with them on
can delete child rows) and a foreign-key check after, which must come back empty.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from common.errors import LedgerNotWritable, PosError
from common.files import create_private, keep_private, private_dir
from common.values import Actor
from inventory.db import UnitOfWork, database_url, driver_message, is_sqlite, make_engine, sqlite_file

SCHEMA_HEAD = "0012"  # the newest migration; tests check it matches pos/migrations/versions
MIGRATIONS = Path(__file__).parent / "migrations"
FIRST_TILL = "till-1"
INIT_LOCK_KEY = 7_214_050_601  # pg_advisory_lock key held while a ledger is created or upgraded
_NO_DATABASE = "3D000"  # PostgreSQL: the database does not exist (when the server says so by code)
_SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite keeps these beside the ledger file


class MigrationFailed(PosError):
    pass


class NoLedger(PosError):
    """Nothing at the configured place is a ledger."""

    def __init__(self, where: str) -> None:
        super().__init__(f"No ledger at {where}: run `pos init` there, or check --db / POS_DATABASE_URL.")


class LedgerOutOfDate(PosError):
    """The ledger's schema is not the one this version of the software uses."""


def ledger_label(target: Engine | str) -> str:
    """A short name for the ledger, for a header: the file name on SQLite, `server/database` otherwise.

    Never carries a password.
    """
    url = target.url if isinstance(target, Engine) else make_url(database_url(target))
    if url.get_backend_name() == "sqlite":
        return Path(url.database).name if url.database else ":memory:"
    return f"{url.host or 'localhost'}/{url.database or ''}"


def _where(url: str) -> str:
    """Where the ledger is, for a message: the SQLite path as given, or server/database."""
    path = sqlite_file(url)
    return str(path) if path is not None else ledger_label(url)


def _plain(error: DBAPIError, url: str) -> PosError:
    """A database error met while opening the ledger, in plain words; a missing database is NoLedger."""
    where = _where(url)
    database = make_url(url).database
    if getattr(error.orig, "sqlstate", None) == _NO_DATABASE or f'database "{database}" does not exist' in str(error.orig):
        return NoLedger(where)
    return PosError(
        f"The ledger at {where} could not be opened ({driver_message(error)}). Check --db / POS_DATABASE_URL."
    )


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade_ledger(engine: Engine, revision: str = "head") -> None:
    """Bring the ledger's schema up to `revision`, keeping every row, in one transaction.

    On SQLite the transaction is BEGIN IMMEDIATE, so a second upgrade waits for the first and then
    finds nothing left to do.
    """
    from alembic import command

    config = _alembic_config(engine)
    sqlite = is_sqlite(engine)
    with engine.connect() as connection:
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys=OFF")
        try:
            with connection.execution_options(sqlite_begin="IMMEDIATE").begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
            broken = _sqlite_pragma(connection, "foreign_key_check") if sqlite else []
        finally:
            if sqlite:
                _sqlite_pragma(connection, "foreign_keys=ON")
        if broken:
            raise MigrationFailed(f"The ledger upgrade left {len(broken)} broken reference(s): {broken[:5]}")


def _sqlite_pragma(connection: Connection, pragma: str) -> list[tuple]:  # type: ignore[type-arg]
    """Run a PRAGMA on the raw driver connection, outside any transaction (inside one, some are no-ops)."""
    cursor = connection.connection.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]
    return cursor.fetchall()


@contextmanager
def _one_init_at_a_time(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, hold the ledger's advisory lock (released when this block ends or the process dies)."""
    if is_sqlite(engine):
        yield
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": INIT_LOCK_KEY})
        lock.commit()
        try:
            yield
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": INIT_LOCK_KEY})
            lock.commit()


def init_ledger(url: str | None = None, *, first_till: str = FIRST_TILL) -> Engine:
    """Create the ledger at `url` (see inventory.db.database_url), or upgrade an older one, and return an engine.

    A ledger without tills gets `first_till` registered. Safe to run twice, and twice at once.
    """
    from pos.sales.tills import TillExists, list_tills, register_till
    from pos.till_role import grant_till_roles

    resolved = database_url(url)
    path = sqlite_file(resolved)
    if path is not None:
        _private_ledger_file(path, _where(resolved))
    engine = make_engine(resolved)
    try:
        with _one_init_at_a_time(engine):
            if current_revision(engine) != SCHEMA_HEAD:
                upgrade_ledger(engine)
                grant_till_roles(engine)  # the tills' role gets its rights on any table the upgrade added
            if not list_tills(engine):
                try:
                    register_till(UnitOfWork(engine, Actor("pos init")), first_till)
                except TillExists:
                    pass  # another `pos init` on this SQLite file registered it a moment ago
    except DBAPIError as error:
        engine.dispose()
        plain = _plain(error, resolved)
        if isinstance(plain, NoLedger):  # only a server database can be missing here
            where = _where(resolved)
            plain = PosError(f"There is no database {where}: create it on the server first, then run `pos init` again.")
        raise plain from error
    return engine


def open_ledger(url: str | None = None) -> Engine:
    """An engine on the existing, current ledger at `url`; creates and migrates nothing.

    NoLedger if there is no ledger there (a SQLite file is never created by looking for it);
    LedgerOutOfDate if its schema is behind (run `pos init`) or ahead of this software.
    """
    resolved = database_url(url)
    where = _where(resolved)
    path = sqlite_file(resolved)
    if path is not None and not path.is_file():
        raise NoLedger(where)
    if path is not None:
        _refuse_unwritable(path, where)
    engine = make_engine(resolved)
    try:
        revision = current_revision(engine)
    except DBAPIError as error:
        engine.dispose()
        raise _plain(error, resolved) from error
    if revision == SCHEMA_HEAD:
        return engine
    engine.dispose()
    if revision is None:
        raise NoLedger(where)
    if revision < SCHEMA_HEAD:  # revisions are zero-padded numbers
        raise LedgerOutOfDate(
            f"The ledger at {where} is at schema {revision}; this version needs {SCHEMA_HEAD}. "
            "Run `pos init` to upgrade it."
        )
    raise LedgerOutOfDate(
        f"The ledger at {where} is at schema {revision}, newer than this version ({SCHEMA_HEAD}): "
        "update Makers' Till on this machine."
    )


def _companions(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in _SQLITE_COMPANIONS]


def _on_read_only_disk(folder: Path) -> bool:
    return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)


def _write_problem(path: Path) -> str | None:
    """Why this user cannot write the SQLite ledger `path` and the -wal and -shm files beside it, with the
    fix, in plain words; None when they can."""
    folder = path.parent
    if _on_read_only_disk(folder):
        return ("it is on a read-only disk (mounted read-only, or a write-protected card or stick): mount it "
                "read-write, or copy the ledger to a folder that can be written and point --db / POS_DATABASE_URL there")
    if not os.access(path, os.W_OK):
        return (f"the file is read-only for this user: give it back write permission (`chmod u+w {path}`), or run "
                f"as the user who owns it (`ls -l {path}` shows who)")
    for companion in _companions(path):
        if companion.exists() and not os.access(companion, os.W_OK):
            return (f"{companion} beside it cannot be written by this user (made by another user, such as with sudo?): "
                    f"with no till running, give it to the user who runs the tills (`chown USER {companion}`)")
    if not os.access(folder, os.W_OK | os.X_OK):
        return (f"its folder {folder} is read-only for this user, and SQLite writes its -wal and -shm files beside the "
                f"ledger: give the folder write permission (`chmod u+w {folder}`)")
    return None


def _refuse_unwritable(path: Path, where: str) -> None:
    """LedgerNotWritable, said at start, if the SQLite ledger `path` cannot be written (see _write_problem)."""
    problem = _write_problem(path)
    if problem is not None:
        raise LedgerNotWritable(f"The ledger at {where} cannot be written: {problem}. Nothing can be sold or recorded "
                                "until then.")


def _private_ledger_file(path: Path, where: str) -> None:
    """Before SQLite opens it: a new ledger file 0600 in folders made 0700 (SQLite gives its -wal and -shm the
    file's mode), or an existing one, with its -wal and -shm, made readable by its owner only."""
    try:
        private_dir(path.parent)
        create_private(path)
    except FileExistsError:
        pass
    except OSError as error:
        raise LedgerNotWritable(
            f"The ledger at {where} could not be created ({error.strerror or error}: {error.filename}). Choose a "
            "folder this user can write, with --db or POS_DATABASE_URL."
        ) from error
    _refuse_unwritable(path, where)
    keep_private([path, *_companions(path)])


def plain_database_error(error: Exception) -> str | None:
    """A database or driver error in plain words (no SQLAlchemy background link); None for others."""
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    psycopg = sys.modules.get("psycopg")  # loaded only if a PostgreSQL ledger was opened
    database_errors: tuple[type[Exception], ...] = (SQLAlchemyError, sqlite3.Error) + ((psycopg.Error,) if psycopg else ())
    if not isinstance(error, database_errors):
        return None
    return f"The ledger could not do that ({driver_message(error)}). Check --db / POS_DATABASE_URL and try again."
