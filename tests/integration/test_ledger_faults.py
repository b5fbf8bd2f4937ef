"""Disk faults under a SQLite ledger, made for real: a full disk (a tiny tmpfs filled to the last byte) and a
ledger that cannot be written (a read-only file or folder for the user running the till, a disk mounted
read-only, a -shm left by another user). A sale on a full disk is refused in plain words with nothing
half-written, and sells once there is room; a ledger that cannot be written is said at start, with the fix.

The tmpfs needs root (CI runs as root) and skips elsewhere; the permission tests run `pos` as `nobody`
when the tests run as root, whom no file permission stops.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.errors import LedgerNotWritable
from inventory.catalog import look_up_code
from pos.ledger import open_ledger
from pos.sales.checkout import cash_tender
from pos.sales.services import complete_sale
from disk_faults import bound_by_permissions, fill, remount_read_only, tiny_disk
from ledger_helpers import at_till, demo_ledger_file

pytestmark = pytest.mark.skipif(bool(os.environ.get("POS_TEST_DATABASE_URL")),
                                reason="files of a SQLite ledger: checked in the SQLite run of the suite")
HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, £55
LEDGER_TABLES_TO_CHECK = ("sales", "sale_lines", "line_attributions", "payments", "stock_movements", "print_jobs")


def _rows(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in LEDGER_TABLES_TO_CHECK}
    finally:
        connection.close()


def _sell_hoodie(engine):  # type: ignore[no-untyped-def]
    hoodie = look_up_code(engine, HOODIE_M).variant_id
    return complete_sale(at_till(engine, "till-1", staff="Sam"), [(hoodie, 1)], [cash_tender(5500, 6000)],
                         queue_receipt=True)


def test_a_sale_on_a_full_disk_is_refused_plainly_writes_nothing_and_sells_once_there_is_room(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        ledger = demo_ledger_file(disk / "ledger.sqlite")
        engine = open_ledger(f"sqlite:///{ledger}")
        try:
            look_up_code(engine, HOODIE_M)  # the till is open (its -wal and -shm made) before the disk fills
            before = _rows(ledger)
            filler = fill(disk)
            for _ in range(2):  # and again: the till keeps going, refusing plainly each time
                with pytest.raises(LedgerNotWritable, match=r"^The ledger's disk is full, so nothing was written\. "
                                                            r"Free some space on it"):
                    _sell_hoodie(engine)
            assert _rows(ledger) == before
            filler.unlink()
            sold = _sell_hoodie(engine)
        finally:
            engine.dispose()
        assert str(sold.reference) == "till-1/000001"  # no receipt number was used up by the refusals
        after = _rows(ledger)
    assert after["sales"] == before["sales"] + 1 and after["payments"] == before["payments"] + 1
    assert after["stock_movements"] == before["stock_movements"] + 1 and after["print_jobs"] == before["print_jobs"] + 1


def test_a_ledger_on_a_read_only_disk_is_said_at_start_with_the_fix(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        ledger = demo_ledger_file(disk / "ledger.sqlite")
        remount_read_only(disk)  # as a failing card, or a stick with its write-protect switch on
        with pytest.raises(LedgerNotWritable, match=r"^The ledger at .* cannot be written: it is on a read-only disk "
                                                    r"\(mounted read-only, or a write-protected card or stick\): "
                                                    r"mount it read-write, or copy the ledger"):
            open_ledger(f"sqlite:///{ledger}")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Path]:
    """A folder holding data/ledger.sqlite with the demo catalogue."""
    (tmp_path / "data").mkdir()
    demo_ledger_file(tmp_path / "data" / "ledger.sqlite")
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:
        path.chmod(0o700)  # so that pytest can remove it whatever the test did to it


def _pos(shop: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`pos ARGS` in `shop` as a user whom file permissions stop (see disk_faults.bound_by_permissions)."""
    env = {key: value for key, value in os.environ.items() if key not in ("POS_DATABASE_URL", "POS_CONFIG")}
    return subprocess.run(bound_by_permissions([sys.executable, "-m", "pos", *args]), cwd=shop, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("make_read_only, said", [
    (lambda shop: (shop / "data" / "ledger.sqlite").chmod(0o400),
     "The ledger at data/ledger.sqlite cannot be written: the file is read-only for this user: give it back write "
     "permission (`chmod u+w data/ledger.sqlite`)"),
    (lambda shop: (shop / "data").chmod(0o500),
     "The ledger at data/ledger.sqlite cannot be written: its folder data is read-only for this user, and SQLite "
     "writes its -wal and -shm files beside the ledger: give the folder write permission (`chmod u+w data`)"),
], ids=["read-only-file", "read-only-folder"])
@pytest.mark.parametrize("command", [("stock",), ("init",)], ids=lambda command: command[0])
def test_a_ledger_this_user_cannot_write_is_said_at_start_with_the_fix(
    shop: Path, make_read_only, said: str, command: tuple[str, ...]  # type: ignore[no-untyped-def]
) -> None:
    make_read_only(shop)
    done = _pos(shop, *command, "--db", "sqlite:///data/ledger.sqlite")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.startswith(f"Error: {said}") and "Traceback" not in done.stderr, done.stderr


def test_a_shm_file_left_by_another_user_is_named_at_start(shop: Path) -> None:
    """A till was once run as another user (with sudo, say): the -shm it left is theirs, and the tills' user
    cannot open the ledger."""
    if os.geteuid() != 0:
        pytest.skip("needs root to leave a file of another user")
    leftover = shop / "data" / "ledger.sqlite-shm"
    leftover.write_bytes(b"")
    os.chown(leftover, 65534, 65534)  # nobody's
    leftover.chmod(0o600)
    done = _pos(shop, "stock", "--db", "sqlite:///data/ledger.sqlite")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "data/ledger.sqlite-shm beside it cannot be written by this user" in done.stderr, done.stderr
