"""The README's demo, step by step as written: the codes, the amount and the change are read from README.md."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Digits

from pos.demo import demo_till
from tui_helpers import message, scan, settle

REPO = Path(__file__).resolve().parents[2]


def _quick_start() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return text.split("## Quick start", 1)[1].split("\n## ", 1)[0]


def test_the_readme_names_its_demo_steps() -> None:
    steps = _quick_start()
    assert re.findall(r"`(\d{13})`", steps), "the demo gives barcodes to scan"
    assert re.search(r"\*\*F5\*\*,\s+type `([^`]+)` and Enter", steps)
    assert re.search(r"the change, (£\d[\d,]*\.\d\d)", steps)


async def test_the_readme_demo_works_exactly_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = _quick_start()
    codes = re.findall(r"`(\d{13})`", steps)
    typed = re.search(r"\*\*F5\*\*,\s+type `([^`]+)` and Enter", steps)
    change = re.search(r"the change, (£\d[\d,]*\.\d\d)", steps)
    report = re.search(r"\.venv/bin/pos (report sales[^\n]*)", steps)
    assert typed and change and report
    monkeypatch.chdir(tmp_path)  # `pos demo` keeps its ledger and receipts under ./data

    app = demo_till()
    async with app.run_test(size=(80, 24)) as pilot:
        for code in codes:
            await scan(pilot, code)
        await pilot.press("f5", *typed.group(1), "enter")
        await settle(pilot)
        assert app.screen.query_one("#change", Digits).value == change.group(1)
        text, is_error = message(app)
        assert not is_error and "printed" in text

    assert list((tmp_path / "data" / "demo-receipts").glob("demo-*.bin"))
    shown = subprocess.run(
        [sys.executable, "-m", "pos", *shlex.split(report.group(1))],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout
    assert "£140.00" in shown
