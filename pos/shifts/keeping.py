"""What a Z leaves behind once it is committed: a backup of the ledger (SQLite's online backup, named
with the till and shift). Each part may fail without undoing the close, and each says what it did.
"""

from __future__ import annotations

from sqlalchemy import Engine

from inventory.db import is_sqlite
from pos.shifts.services import ClosedShift


def keep_z(engine: Engine, closed: ClosedShift) -> list[str]:
    """Everything kept after the Z of `closed`, each part's outcome in a sentence, in order."""
    return [back_up_after_z(engine, closed)]


def back_up_after_z(engine: Engine, closed: ClosedShift) -> str:
    """A consistent copy of the SQLite ledger in data/backups/, named with the date, till and shift."""
    from pos.backup import BackupError, backup_ledger, next_backup_path

    if not is_sqlite(engine):
        return "The ledger is on PostgreSQL: back it up with pg_dump (`pos backup` shows the command)."
    shift = closed.shift
    when = shift.closed_at or shift.opened_at
    try:
        path = backup_ledger(engine, next_backup_path(engine, when, shift_label=f"{shift.till}-shift-{shift.id}"))
    except BackupError as error:
        return f"The shift is closed, but the ledger was not backed up: {error}"
    return f"Ledger backed up to {path}."
