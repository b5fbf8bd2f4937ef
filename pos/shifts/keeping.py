"""What a Z leaves behind once it is committed: the Z as a PDF in data/reports/, its summary on the
till's receipt printer, and a backup of the ledger (SQLite's online backup, named with the till and
shift). Each part may fail without undoing the close, and each says what it did in a line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from common.money import format_pence
from inventory.db import is_sqlite
from pos.shifts.services import ClosedShift

if TYPE_CHECKING:
    from pos.config import Settings

REPORTS_FOLDER = "reports"  # beside the ledger file: data/ledger.sqlite -> data/reports/


def reports_directory(engine: Engine) -> Path:
    """Where a Z's PDF goes: `reports/` beside the SQLite ledger file (data/reports/ for the default
    ledger, where the backups' folder is too); data/reports/ for a ledger on a server."""
    from pos.backup import backup_directory

    return backup_directory(engine).parent / REPORTS_FOLDER


def keep_z(engine: Engine, closed: ClosedShift, settings: Settings, reports_dir: Path | None = None, *,
           print_summary: bool = True, brief: bool = False) -> list[str]:
    """Everything kept after the Z of `closed`, each part's outcome in a line, in order.

    `settings` give the store's header and the till's printer (`print_summary` False prints nothing);
    the PDF goes to `reports_dir`, by default `reports_directory(engine)`. `brief` (the till's two-line
    message) names the folders instead of the files and says only "Printed." when it printed.
    """
    from pos.reports.shift import z_report
    from pos.reports.shift_render import print_shift_report, save_shift_pdf

    said: list[str] = []
    try:
        report = z_report(engine, closed.shift.id)
    except Exception as error:  # noqa: BLE001 - the close is safe in the ledger; say what could not be read
        return [f"The Z could not be read back ({error}); `pos report z {closed.shift.id}` shows it."]
    try:
        path = save_shift_pdf(report, reports_dir or reports_directory(engine), store=settings.store)
        said.append(f"Z saved in {path.parent}{os.sep}." if brief else f"Z saved as {path}.")
    except OSError as error:
        said.append(f"The Z's PDF was not saved ({error}); `pos report z {closed.shift.id} --format pdf` makes it.")
    if print_summary:
        said.append(print_shift_report(settings, closed.shift.till, report, brief=brief))
    said.append(back_up_after_z(engine, closed, brief=brief))
    return said


def unkept_z(engine: Engine, till: str, reports_dir: Path | None = None) -> ClosedShift | None:
    """`till`'s last shift, if it is closed but its Z's PDF is not in the reports folder.

    The Z commits first and is kept after (PDF, print, backup): a till killed in between leaves a
    closed shift with nothing kept. Such a Z is kept when the till starts again (`keep_unkept_z`).
    Only on SQLite, whose reports folder sits beside the ledger for every till and command using it: on
    PostgreSQL each machine has its own, and a Z closed from another one is not missing.
    """
    from pos.reports.shift_render import z_file_name
    from pos.shifts.services import closed_shift, last_shift

    if not is_sqlite(engine):
        return None
    shift = last_shift(engine, till)
    if shift is None or shift.is_open:
        return None
    if ((reports_dir or reports_directory(engine)) / z_file_name(shift)).exists():
        return None
    return closed_shift(engine, shift.id)


def keep_unkept_z(engine: Engine, till: str, settings: Settings, reports_dir: Path | None = None, *,
                  print_summary: bool = True, brief: bool = False) -> list[str]:
    """Keep the Z of `till`'s last shift if a stop right after the close left it unkept; [] when all was kept."""
    closed = unkept_z(engine, till, reports_dir)
    if closed is None:
        return []
    kept = keep_z(engine, closed, settings, reports_dir, print_summary=print_summary, brief=brief)
    return [f"{closed.summary.removesuffix('.')}, before the till stopped; its Z is kept now.", *kept]


def back_up_after_z(engine: Engine, closed: ClosedShift, *, brief: bool = False) -> str:
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
    return f"Ledger backed up in {path.parent}{os.sep}." if brief else f"Ledger backed up to {path}."


def keep_x(engine: Engine, till: str, settings: Settings, reports_dir: Path | None = None, *,
           print_summary: bool = True, brief: bool = False) -> list[str]:
    """The X of `till`'s open shift so far, as a PDF and on the till's printer; closes nothing (`brief`: as keep_z)."""
    from pos.reports.shift import x_report
    from pos.reports.shift_render import print_shift_report, save_shift_pdf

    report = x_report(engine, till)
    said = [f"X of shift {report.shift.id}: {report.sales_count} sale{'s' if report.sales_count != 1 else ''}, "
            f"net {format_pence(report.net_pence)}, the drawer should hold {format_pence(report.expected_cash_pence)}."]
    try:
        path = save_shift_pdf(report, reports_dir or reports_directory(engine), store=settings.store)
        said.append(f"Saved in {path.parent}{os.sep}." if brief else f"Saved as {path}.")
    except OSError as error:
        said.append(f"The X's PDF was not saved ({error}).")
    if print_summary:
        said.append(print_shift_report(settings, till, report, brief=brief))
    return said
