"""8. Backup: `pos backup` (pos.backup.backup_ledger) of the largest event ledger, beside a plain file copy.

Timed as the command and the Z do it: SQLite's online backup API from the ledger engine's own
connection into a temporary file, `PRAGMA quick_check` of the copy, the switch to a rollback journal,
fsync, rename. Also reported (`extra`), taking the same turns: the same backup without the check.
Baseline, in the same run and taking turns: `shutil.copyfile` of the same (checkpointed, idle) ledger
file, the floor of any copy of that many bytes on this disk (it does not fsync; and it is what a backup
must not be while tills write: it can tear). The suite checks the backup holds every sale of the ledger.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.common import Result, interleaved, median
from bench.ledgers import sales_ledger


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    from pos.backup import backup_ledger
    from pos.ledger import open_ledger

    lines, days = sizes["event_lines"][-1], sizes["event_days"]
    log(f"backup: the event ledger of {lines:,} lines")
    path = sales_ledger(work, "event", lines, days, sizes["skus"])
    engine = open_ledger(f"sqlite:///{path}")
    backup, copy = work / "backup-bench.sqlite", work / "copy-bench.sqlite"
    try:
        samples = interleaved(
            {"backup": lambda: backup_ledger(engine, backup),
             "unchecked": lambda: backup_ledger(engine, backup, check=False),
             "copy": lambda: shutil.copyfile(path, copy)},
            repeat=sizes["backup_repeat"], warmup=1,
        )
        check = sqlite3.connect(backup)
        try:
            started = time.perf_counter()
            checked = check.execute("PRAGMA quick_check").fetchall()
            quick_check_s = time.perf_counter() - started
            sales = check.execute("SELECT count(*) FROM sales").fetchone()[0]
        finally:
            check.close()
        with engine.connect() as connection:
            expected = connection.exec_driver_sql("SELECT count(*) FROM sales").scalar_one()
        if checked != [("ok",)] or sales != expected:
            raise AssertionError(f"the backup is not the ledger: {checked[:1]}, {sales} sales of {expected}")
        megabytes = path.stat().st_size / 1e6
    finally:
        engine.dispose()
        for leftover in (backup, copy):
            leftover.unlink(missing_ok=True)
    value, floor = median(samples["backup"]), median(samples["copy"])
    return [
        Result(
            "backup_ledger", value, "s", floor, "shutil.copyfile of the same idle ledger file", None, None,
            detail=f"{lines:,}-line ledger ({megabytes:,.0f} MB, {sales:,} sales): online backup, quick_check, "
                   f"fsync, rename; median of {sizes['backup_repeat']}",
            extra={"ledger_mb": megabytes, "sales": sales, "without_quick_check_s": median(samples["unchecked"]),
                   "quick_check_of_the_copy_s": quick_check_s},
        ),
    ]
