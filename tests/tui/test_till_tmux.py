"""The till in a real terminal (tmux, 80x24): a scanner's burst of two codes gives two basket lines, and
scans go on while another process holds the ledger's write lock.

This is the check PITFALLS asks for: Pilot posts events inside the app, tmux types into a real
pseudo-terminal, through the same input parser a USB scanner goes through.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ledger_helpers import hold_write_lock
from tui_helpers import BLOCK_TEE_M, TEE_WHITE_M, count, query

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

REPO = Path(__file__).resolve().parents[2]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def _wait_for(session: str, ready: Callable[[str], bool], what: str, timeout_s: float = 20.0) -> str:
    deadline = time.monotonic() + timeout_s
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if ready(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")


@pytest.fixture
def till_session(ledger_path: Path, tmp_path: Path) -> Iterator[str]:
    """`pos demo` on a copy of the demo ledger, in a detached 80x24 tmux session, with a real ledger configured."""
    session = f"makers-till-test-{os.getpid()}-{time.monotonic_ns()}"
    command = f"cd {tmp_path} && exec {sys.executable} -m pos demo --till T1 --ledger {ledger_path}"
    environment = [
        "-e", f"PYTHONPATH={REPO}", "-e", "TERM=xterm-256color",
        "-e", f"POS_DATABASE_URL=sqlite:///{tmp_path / 'real-ledger.sqlite'}",  # the demo must never touch it
    ]
    _tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", *environment, command)
    try:
        yield session
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)


def test_a_burst_of_two_scans_in_a_real_terminal_gives_two_lines(
    till_session: str, ledger_path: Path, tmp_path: Path
) -> None:
    _wait_for(till_session, lambda screen: "Scan an item" in screen, "the till to start")
    movements_before = count(ledger_path, "stock_movements")

    _tmux("send-keys", "-t", till_session, "-l", f"{TEE_WHITE_M}\r{BLOCK_TEE_M}\r")

    screen = _wait_for(
        till_session,
        lambda screen: "Recycled Logo Tee" in screen and "Block Letter Tee" in screen,
        "both scanned items in the basket",
        timeout_s=10.0,
    )
    assert "2 items" in screen
    assert "not in the catalogue" not in screen
    rows = [line.split() for line in screen.splitlines() if "£" in line and "Added" not in line]
    assert rows == [
        ["Recycled", "Logo", "Tee", "M", "White", "1", "£25.00", "£25.00"],
        ["Block", "Letter", "Tee", "M", "White", "1", "£24.00", "£24.00"],
    ]
    assert count(ledger_path, "sales") == 0
    assert count(ledger_path, "stock_movements") == movements_before
    assert query(ledger_path, "SELECT name, last_receipt_no FROM tills ORDER BY name") == [("T1", 0), ("demo", 0)]

    _tmux("send-keys", "-t", till_session, "C-q")
    _wait_for(till_session, lambda screen: "Quit the till?" in screen, "ctrl+q to ask first (two items in the basket)")
    _tmux("send-keys", "-t", till_session, "y")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if subprocess.run(["tmux", "has-session", "-t", till_session], capture_output=True).returncode != 0:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("ctrl+q did not quit the till")
    assert not (tmp_path / "real-ledger.sqlite").exists() and not (tmp_path / "data" / "ledger.sqlite").exists()


def test_with_the_ledger_locked_by_another_process_the_till_takes_scans_and_saves_the_sale_after(
    till_session: str, ledger_path: Path
) -> None:
    """A card approved while an import holds the write lock (longer than the 10 s busy timeout)."""
    _wait_for(till_session, lambda screen: "Scan an item" in screen, "the till to start")
    _tmux("send-keys", "-t", till_session, "-l", f"{TEE_WHITE_M}\r")
    _wait_for(till_session, lambda screen: "1 item" in screen, "the first item")
    with hold_write_lock(ledger_path, seconds=12.0) as released:
        _tmux("send-keys", "-t", till_session, "F6")
        _wait_for(till_session, lambda screen: "Card payment" in screen, "the card dialog")
        _tmux("send-keys", "-t", till_session, "Enter")
        _wait_for(till_session, lambda screen: "Saving sale..." in screen, "the sale shown as saving")
        started = time.monotonic()
        _tmux("send-keys", "-t", till_session, "-l", f"{BLOCK_TEE_M}\r")
        screen = _wait_for(till_session, lambda screen: "Block Letter Tee" in screen, "the next scan", timeout_s=2.0)
        assert time.monotonic() - started < 2.0 and "Saving sale..." in screen
        screen = _wait_for(
            till_session, lambda screen: "(ledger busy)" in screen, "the busy notice after the busy timeout", 15.0
        )
        assert count(ledger_path, "sales") == 0
        released.wait(timeout=20)
    screen = _wait_for(till_session, lambda screen: "Saving sale" not in screen, "the sale to save", timeout_s=10.0)
    assert query(ledger_path, "SELECT receipt_no, total_pence FROM sales") == [(1, 2500)]
    assert "Block Letter Tee" in screen and "database is locked" not in screen.lower()  # never the driver's words
