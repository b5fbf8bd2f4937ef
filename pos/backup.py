"""Backups of the ledger: a consistent copy of a SQLite ledger, taken while the tills keep selling.

`backup_ledger` copies the ledger with SQLite's online backup API (`sqlite3.Connection.backup`,
from the engine's own driver connection), never a file copy: copying `ledger.sqlite` while a till
writes can give a torn file, and leaves out whatever still sits in `ledger.sqlite-wal`. The backup
copies every page in one step inside one read transaction, so it is the ledger exactly as it stood at
one moment: a sale committed after that moment is absent, one being written at that moment is absent
whole (WAL lets the copy read while another till holds the write lock; nobody waits). The copy is
written under a temporary name beside the destination, checked (`PRAGMA quick_check`), switched to
an ordinary rollback journal (one self-contained file), flushed to disk and only then renamed to its
final name: a backup under its final name is always whole.

On PostgreSQL there is no file to copy: `backup_ledger` raises `UsePgDump`, whose message gives the
`pg_dump` command for that server and database (the password is never shown or put on the command
line; pg_dump asks for it or reads ~/.pgpass).

Names (`default_backup_path`): `ledger-YYYY-MM-DD-HHMM.sqlite`, or `ledger-YYYY-MM-DD-HHMM-SHIFT.sqlite`
for a shift's Z, in the store's local time (common.clock), in `data/backups/` beside the ledger.
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from common.clock import local_time
from common.errors import PosError
from common.files import create_private, private_dir
from inventory.db import is_sqlite

BACKUP_FOLDER = "backups"  # beside the ledger file: data/ledger.sqlite -> data/backups/
_NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9_-]+")


class BackupError(PosError):
    """A backup that could not be made; nothing was left under the backup's name."""


class UsePgDump(BackupError):
    """The ledger is on PostgreSQL: the message says how to back it up with pg_dump."""


def default_backup_path(directory: Path, when: datetime, shift_label: str | None = None) -> Path:
    """`directory/ledger-YYYY-MM-DD-HHMM[-SHIFT].sqlite` for a backup taken at `when` (a UTC moment).

    The date and time are the store's local time (the trading day's clock, 24-hour, to the minute),
    so a Z at 18:05 on 25 November is `ledger-2026-11-25-1805-SHIFT.sqlite`. `shift_label` (such as
    `till-1-7`) is kept to letters, digits, `-` and `_`, anything else becoming `-`; empty leaves it out.
    """
    name = f"ledger-{local_time(when):%Y-%m-%d-%H%M}"
    label = _NOT_IN_A_NAME.sub("-", shift_label or "").strip("-")
    if label:
        name += f"-{label}"
    return Path(directory) / f"{name}.sqlite"


def backup_directory(engine: Engine) -> Path:
    """Where backups go by default: `backups/` beside the SQLite ledger file (`data/backups/` for
    `data/ledger.sqlite`); `data/backups/` for a ledger on a server."""
    database = engine.url.database if is_sqlite(engine) else None
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database).parent / BACKUP_FOLDER
    return Path("data") / BACKUP_FOLDER


def unused_path(path: Path) -> Path:
    """`path`, or, if a file is there already, the first of `NAME-2.sqlite`, `NAME-3.sqlite`, ... that is free
    (two backups in the same minute keep both)."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def next_backup_path(engine: Engine, when: datetime, folder: Path | None = None, shift_label: str | None = None) -> Path:
    """Where a backup taken at `when` goes: `default_backup_path` in `folder` (default: `backup_directory`),
    made `unused_path` so an earlier backup of the same minute is kept."""
    return unused_path(default_backup_path(folder if folder is not None else backup_directory(engine), when, shift_label))


def pg_dump_command(url: URL, destination: Path) -> str:
    """The pg_dump command line that backs up the database at `url` into `destination` (custom format).

    Built from the host, port, user and database only: never the password.
    """
    parts = ["pg_dump"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts += ["--format=custom", f"--file={destination}", url.database or "postgres"]
    return " ".join(shlex.quote(part) for part in parts)


def _use_pg_dump(engine: Engine, destination: Path) -> UsePgDump:
    url = engine.url
    dump = destination.with_suffix(".dump")
    where = f"{url.host or 'localhost'}/{url.database or ''}"
    return UsePgDump(
        f"This ledger is on PostgreSQL ({where}), and `pos backup` copies only a SQLite ledger file. Back it up "
        f"with PostgreSQL's own tool, from any machine that reaches the server:\n"
        f"  {pg_dump_command(url, dump)}\n"
        f"pg_dump takes a consistent snapshot while the tills keep selling. If the server needs a password, pg_dump "
        f"asks for it (or reads it from ~/.pgpass); never put it on the command line. To restore, into an empty "
        f"database with the tills stopped: pg_restore --dbname={shlex.quote(url.database or 'postgres')} "
        f"{shlex.quote(str(dump))} (with the same --host, --port and --username), then `pos init` to check it."
    )


def _fsync(path: Path, directory: bool = False) -> None:
    descriptor = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def backup_ledger(engine: Engine, destination: Path, *, check: bool = True) -> Path:
    """Write a consistent copy of the SQLite ledger behind `engine` to `destination`; returns `destination`.

    Uses SQLite's online backup API from the engine's own driver connection, so tills may keep
    selling: the copy is the ledger as it stood at one moment (a write transaction still open
    elsewhere is not in it). The copy is written to a temporary name in the same folder, checked
    (`PRAGMA quick_check`, unless `check` is False: it is more than half the time on a large ledger,
    about 5 s of 14 s at 1,000,000 sale lines here), flushed and then renamed, replacing any file
    already at `destination`; a backup that fails leaves nothing under that name. Creates the folder
    if need be. Takes seconds on a large ledger: a till calls it off the screen's thread.

    Raises UsePgDump on PostgreSQL (its message has the pg_dump command), BackupError otherwise.
    """
    destination = Path(destination)
    if not is_sqlite(engine):
        raise _use_pg_dump(engine, destination)
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a ledger in a SQLite file can be backed up this way.")
    if destination.exists() and destination.resolve() == Path(database).resolve():
        raise BackupError(f"{destination} is the ledger itself: choose another file for the backup.")
    if destination.is_dir():
        raise BackupError(f"{destination} is a folder: give a file name in it, such as {destination / 'ledger-backup.sqlite'}.")
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        private_dir(destination.parent)
        partial.unlink(missing_ok=True)
        create_private(partial)  # 0600 before SQLite writes a page of it; its journal takes the same mode
        with engine.connect() as connection:
            source: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
            copy = sqlite3.connect(partial, isolation_level=None)
            try:
                source.backup(copy)  # pages=-1: every page in one step, in one read transaction of the source
                checked = copy.execute("PRAGMA quick_check").fetchall() if check else [("ok",)]
                if checked != [("ok",)]:
                    raise BackupError(f"The copy did not pass SQLite's check ({checked[0][0]}); nothing was kept.")
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                copy.close()
        _fsync(partial)
        os.replace(partial, destination)
        _fsync(destination.parent, directory=True)
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"The backup to {destination} could not be written ({error}); nothing was kept.") from error
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm"), Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return destination
