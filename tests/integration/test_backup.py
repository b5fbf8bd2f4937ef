"""Backups of a SQLite ledger with SQLite's online backup API: consistent, whole, and named for the store's clock.

These run on a SQLite file whichever database the suite runs on; PostgreSQL's answer (use pg_dump) is at the end.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from common.clock import DEFAULT_TIMEZONE, use_timezone
from inventory.catalog import look_up_code
from inventory.imports import import_participants, import_products, import_stock
from pos import backup as backup_module
from pos.backup import (
    BackupError, UsePgDump, backup_directory, backup_ledger, default_backup_path, next_backup_path, pg_dump_command,
)
from pos.ledger import SCHEMA_HEAD, current_revision, init_ledger, open_ledger
from pos.sales.basket import Basket
from pos.sales.checkout import card_tender
from pos.sales.services import complete_sale
from inventory.db import make_engine
from ledger_helpers import at_till, by, open_shift_on

DATA = Path(__file__).resolve().parents[2] / "data"
HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, £55
POSTGRES_URL_FOR_MESSAGES = "postgresql+psycopg://till_user:s3cret-pw@db.example.org:6543/makers"


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite ledger file with the demo catalogue (whatever database the rest of the suite uses)."""
    engine = init_ledger(f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite'}")
    import_participants(by(engine), DATA / "participants.csv")
    import_products(by(engine), DATA / "products.csv")
    import_stock(by(engine), DATA / "stock.csv")
    open_shift_on(engine, "till-1")
    yield engine
    engine.dispose()


def _sell(engine: Engine) -> int:
    basket = Basket()
    basket.add(look_up_code(engine, HOODIE_M))
    return complete_sale(at_till(engine, "till-1"), basket.items(), [card_tender(5500)]).receipt_no


def _read(path: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _receipts(path: Path) -> list[int]:
    return [number for (number,) in _read(path, "SELECT receipt_no FROM sales ORDER BY receipt_no")]


def test_a_sale_after_the_backup_is_not_in_it_and_the_backup_is_whole(ledger: Engine, tmp_path: Path) -> None:
    _sell(ledger)
    _sell(ledger)
    copy = backup_ledger(ledger, tmp_path / "backups" / "copy.sqlite")
    _sell(ledger)
    assert copy == tmp_path / "backups" / "copy.sqlite"
    assert _receipts(copy) == [1, 2]
    assert _receipts(Path(ledger.url.database)) == [1, 2, 3]  # type: ignore[arg-type]
    assert _read(copy, "PRAGMA integrity_check") == [("ok",)]
    assert _read(copy, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.sqlite"]  # no partial, -wal or -shm left
    restored = open_ledger(f"sqlite:///{copy}")  # it is a ledger this software opens as it is
    try:
        assert current_revision(restored) == SCHEMA_HEAD
    finally:
        restored.dispose()


def test_an_open_write_transaction_elsewhere_is_not_in_the_copy_and_does_not_hold_it_up(
    ledger: Engine, tmp_path: Path,
) -> None:
    _sell(ledger)
    path = Path(ledger.url.database)  # type: ignore[arg-type]
    other = sqlite3.connect(path, isolation_level=None)  # another till, in the middle of a write
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO tills (name, last_receipt_no) VALUES ('half-made', 0)")
        started = time.monotonic()
        copy = backup_ledger(ledger, tmp_path / "during.sqlite")
        assert time.monotonic() - started < 5  # WAL: the copy reads while the write lock is held (busy timeout 10 s)
        other.execute("COMMIT")
    finally:
        other.close()
    assert _read(copy, "SELECT name FROM tills ORDER BY name") == [("till-1",)]
    assert _read(copy, "PRAGMA integrity_check") == [("ok",)]
    assert _receipts(copy) == [1]
    assert ("half-made",) in _read(path, "SELECT name FROM tills")


def test_backups_taken_while_a_till_keeps_selling_are_each_consistent(ledger: Engine, tmp_path: Path) -> None:
    stop = threading.Event()
    sold: list[int] = []
    errors: list[BaseException] = []

    def till() -> None:
        try:
            while not stop.is_set():
                sold.append(_sell(ledger))
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    seller = threading.Thread(target=till)
    seller.start()
    copies = []
    try:
        while len(sold) < 3:
            time.sleep(0.01)
        for number in range(5):
            copies.append(backup_ledger(ledger, tmp_path / f"during-{number}.sqlite"))
            time.sleep(0.02)
    finally:
        stop.set()
        seller.join(timeout=30)
    assert not errors and len(sold) > 3
    for copy in copies:
        assert _read(copy, "PRAGMA integrity_check") == [("ok",)]
        receipts = _receipts(copy)
        # Gapless, and every sale whole: its line, payment, attribution and stock movement, the till's counter with it.
        assert receipts == list(range(1, len(receipts) + 1))
        assert _read(copy, "SELECT last_receipt_no FROM tills WHERE name = 'till-1'") == [(len(receipts),)]
        assert _read(copy, "SELECT count(*), coalesce(sum(amount_pence), 0) FROM payments") == [(len(receipts), 5500 * len(receipts))]
        assert _read(copy, "SELECT count(*) FROM sale_lines") == [(len(receipts),)]
        assert _read(copy, "SELECT count(*) FROM line_attributions") == [(len(receipts),)]
        assert _read(copy, "SELECT count(*) FROM stock_movements WHERE kind = 'sold'") == [(len(receipts),)]


def test_a_backup_that_fails_leaves_nothing_under_its_name(
    ledger: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    earlier = backup_ledger(ledger, tmp_path / "kept.sqlite")
    before = earlier.read_bytes()
    _sell(ledger)

    def disk_full(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module.os, "replace", disk_full)
    with pytest.raises(BackupError, match=r"could not be written \(\[Errno 28\] No space left on device\); nothing was kept"):
        backup_ledger(ledger, tmp_path / "kept.sqlite")
    assert earlier.read_bytes() == before  # the earlier backup under that name is untouched
    with pytest.raises(BackupError):
        backup_ledger(ledger, tmp_path / "new.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["kept.sqlite"]


def test_the_ledger_itself_or_a_folder_is_refused(ledger: Engine, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="is the ledger itself"):
        backup_ledger(ledger, Path(ledger.url.database))  # type: ignore[arg-type]
    with pytest.raises(BackupError, match="is a folder"):
        backup_ledger(ledger, tmp_path)


@pytest.fixture
def london() -> Iterator[None]:
    use_timezone(DEFAULT_TIMEZONE)
    yield
    use_timezone(DEFAULT_TIMEZONE)


def test_backup_names_use_the_store_clock_and_the_shift(london: None, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    assert default_backup_path(folder, datetime(2026, 11, 25, 18, 5, tzinfo=UTC), None) == folder / "ledger-2026-11-25-1805.sqlite"
    # 23:30 UTC on 24 October is 00:30 BST on the 25th; a naive moment is UTC, as the ledger stores it
    assert default_backup_path(folder, datetime(2026, 10, 24, 23, 30), "till-1-3").name == "ledger-2026-10-25-0030-till-1-3.sqlite"
    assert default_backup_path(folder, datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "till 2/shift #7").name == (
        "ledger-2026-07-01-1000-till-2-shift-7.sqlite")
    assert default_backup_path(folder, datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "../..").name == "ledger-2026-07-01-1000.sqlite"
    use_timezone("Asia/Tokyo")
    assert default_backup_path(folder, datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "").name == "ledger-2026-07-01-1800.sqlite"


def test_the_default_place_is_beside_the_ledger_and_keeps_an_earlier_backup_of_the_same_minute(
    london: None, ledger: Engine, tmp_path: Path,
) -> None:
    assert backup_directory(ledger) == tmp_path / "data" / "backups"
    when = datetime(2026, 11, 25, 18, 5, tzinfo=UTC)
    first = backup_ledger(ledger, next_backup_path(ledger, when))
    second = backup_ledger(ledger, next_backup_path(ledger, when))
    third = backup_ledger(ledger, next_backup_path(ledger, when, tmp_path / "usb"))
    assert (first.name, second.name) == ("ledger-2026-11-25-1805.sqlite", "ledger-2026-11-25-1805-2.sqlite")
    assert first.parent == second.parent == tmp_path / "data" / "backups"
    assert third == tmp_path / "usb" / "ledger-2026-11-25-1805.sqlite"  # the folder is made when missing


def test_postgresql_is_told_to_use_pg_dump_without_its_password(tmp_path: Path) -> None:
    engine = make_engine(POSTGRES_URL_FOR_MESSAGES)  # never connects: the answer needs no server
    try:
        with pytest.raises(UsePgDump) as refused:
            backup_ledger(engine, tmp_path / "ledger-2026-11-25-1805.sqlite")
    finally:
        engine.dispose()
    message = str(refused.value)
    assert (f"pg_dump --host=db.example.org --port=6543 --username=till_user --format=custom "
            f"--file={tmp_path / 'ledger-2026-11-25-1805.dump'} makers") in message
    assert "s3cret" not in message and "pg_restore" in message
    assert not (tmp_path / "ledger-2026-11-25-1805.sqlite").exists()


def test_the_pg_dump_command_quotes_what_a_shell_would_split() -> None:
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://shop owner:pw@localhost/makers till")
    assert pg_dump_command(url, Path("my backups/x.dump")) == (
        "pg_dump --host=localhost '--username=shop owner' --format=custom '--file=my backups/x.dump' 'makers till'")


def test_on_the_suites_postgresql_ledger_backup_says_use_pg_dump(engine: Engine, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the suite runs on SQLite (set POS_TEST_DATABASE_URL to run it on PostgreSQL)")
    with pytest.raises(UsePgDump, match=rf"pg_dump --host=127\.0\.0\.1 --port=5432 --username=postgres --format=custom "
                                        rf"--file=\S+\.dump {engine.url.database}"):
        backup_ledger(engine, tmp_path / "ledger.sqlite")
    assert not list(tmp_path.iterdir())
