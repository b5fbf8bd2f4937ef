"""Files only their owner can read: the ledger (PIN hashes, participants' details), its WAL and SHM,
receipts, reports, statements, labels and backups are created 0600 and the folders made for them 0700,
whatever the umask: 022 (the usual one, which gives 0644 to a plain open()) and 000 (which gives 0666).

SQLite files only: a PostgreSQL ledger keeps no files here.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.files import write_private
from pos.backup import backup_ledger
from pos.ledger import init_ledger
from ledger_helpers import open_shift_on

pytestmark = pytest.mark.skipif(bool(os.environ.get("POS_TEST_DATABASE_URL")),
                                reason="files of a SQLite ledger: checked in the SQLite run of the suite")
REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, £55


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """The process umask for this test (subprocesses inherit it), put back afterwards."""
    before = os.umask(request.param)
    yield request.param
    os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(root: Path) -> dict[str, int]:
    """Every file and folder under `root`, relative name -> permission bits."""
    return {str(path.relative_to(root)): mode(path) for path in sorted(root.rglob("*"))}


def test_a_new_ledger_its_wal_and_shm_and_its_folder_are_owner_only(tmp_path: Path, umask: int) -> None:
    ledger = tmp_path / "data" / "shop" / "ledger.sqlite"
    engine = init_ledger(f"sqlite:///{ledger}")
    open_shift_on(engine, "till-1")  # a write, with the engine still open: the -wal and -shm are there
    try:
        assert modes(tmp_path / "data") == {
            "shop": 0o700, "shop/ledger.sqlite": 0o600, "shop/ledger.sqlite-shm": 0o600, "shop/ledger.sqlite-wal": 0o600,
        }
    finally:
        engine.dispose()


def test_pos_init_makes_an_older_world_readable_ledger_owner_only(tmp_path: Path, umask: int) -> None:
    (tmp_path / "shop").mkdir()  # a folder the app did not make: left as it is
    ledger = tmp_path / "shop" / "ledger.sqlite"
    init_ledger(f"sqlite:///{ledger}").dispose()
    ledger.chmod(0o644)  # as every ledger was created before this change
    init_ledger(f"sqlite:///{ledger}").dispose()
    assert mode(ledger) == 0o600
    assert mode(tmp_path / "shop") == 0o777 & ~umask


def test_a_backup_and_the_folder_made_for_it_are_owner_only(tmp_path: Path, umask: int) -> None:
    engine = init_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        written = backup_ledger(engine, tmp_path / "usb" / "backups" / "ledger-copy.sqlite")
    finally:
        engine.dispose()
    assert modes(tmp_path / "usb") == {"backups": 0o700, "backups/ledger-copy.sqlite": 0o600}
    assert written.read_bytes().startswith(b"SQLite format 3\x00")


def test_a_file_written_again_is_owner_only_even_if_it_was_not(tmp_path: Path, umask: int) -> None:
    report = tmp_path / "sales.pdf"
    report.write_bytes(b"old")
    report.chmod(0o644)
    write_private(report, b"%PDF-new")
    assert (report.read_bytes(), mode(report)) == (b"%PDF-new", 0o600)
    assert [path.name for path in tmp_path.iterdir()] == ["sales.pdf"]  # no temporary file left beside it


def _pos(cwd: Path, *args: str, pins: str = "") -> str:
    """`pos ARGS` in a subprocess (it inherits this test's umask); its output, or the test fails."""
    env = {key: value for key, value in os.environ.items() if key not in ("POS_DATABASE_URL", "POS_CONFIG")}
    done = subprocess.run([sys.executable, "-m", "pos", *args], cwd=cwd, env=env, input=pins, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"pos {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def test_every_document_the_pos_command_writes_is_owner_only(tmp_path: Path, umask: int) -> None:
    """The ledger, a printed receipt, backups, the Z's PDF and its printed copy, a sales report, labels,
    a statement and an X as CSV, with every folder the command made for them."""
    (tmp_path / "pos.toml").write_text('[printer]\nkind = "file"\ndirectory = "printed"\n', encoding="utf-8")
    _pos(tmp_path, "init")
    for kind in ("participants", "products", "stock"):
        _pos(tmp_path, "import", kind, str(DATA / f"{kind}.csv"))
    _pos(tmp_path, "staff", "add", "MGR", "--name", "Sam", "--role", "manager", pins="2468\n2468\n")
    _pos(tmp_path, "shift", "open", "--float", "100", "--staff", "MGR", pins="2468\n")
    _pos(tmp_path, "sell", HOODIE_M, "--staff", "MGR", "--config", "pos.toml", pins="2468\n")
    _pos(tmp_path, "backup")
    _pos(tmp_path, "report", "sales", "--format", "pdf", "--out", "sales.pdf")
    _pos(tmp_path, "labels", "--sku", "NBH-BLA-M:2", "--out", "labels.pdf")
    _pos(tmp_path, "statement", "AMO", "--out", "amo.pdf")
    _pos(tmp_path, "report", "x", "--till", "till-1", "--format", "csv", "--out", "x.csv")
    _pos(tmp_path, "shift", "close", "--counted", "155", "--staff", "MGR", "--config", "pos.toml", pins="2468\n")

    written = {name: bits for name, bits in modes(tmp_path).items() if name != "pos.toml"}
    folders = {name for name in written if (tmp_path / name).is_dir()}
    assert folders == {"data", "data/backups", "data/reports", "printed"}
    assert {name for name in written if name.count("/") < 2} - folders == {
        "amo.pdf", "labels.pdf", "sales.pdf", "x.csv", "data/ledger.sqlite",
        "printed/till-1-000001.bin", "printed/z-till-1-shift-1.bin",  # the receipt, and the Z on paper
    }
    assert len([name for name in written if name.startswith("data/backups/")]) == 2  # `pos backup` and the Z's
    assert len([name for name in written if name.startswith("data/reports/")]) == 1  # the Z's PDF
    assert {name: oct(bits) for name, bits in written.items() if bits != (0o700 if name in folders else 0o600)} == {}
