"""How the stock screens look at 80x24: a blind count with scans in it, and a delivery being received.

Update after an intended change with: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from common.values import Actor
from inventory.db import UnitOfWork
from pos.config import Settings
from pos.stock.counts import start_count
from pos.tui.app import TillApp
from tui_helpers import HOODIE_XS, TEE_WHITE_M, post_burst, settle

SIZE = (80, 24)


async def _scanned_into(pilot: Pilot[Any], action: str) -> None:
    for _ in range(2000):
        if pilot.app.core.is_open:
            break
        await pilot.pause(0.01)
    await settle(pilot)
    getattr(pilot.app.screen, f"action_{action}")()
    await settle(pilot)
    if action == "stock_count":
        await pilot.press("enter")  # join the open count, listed first
        await settle(pilot)
    post_burst(pilot.app, f"{TEE_WHITE_M}\n*3\n{HOODIE_XS}\n5012345678900\n")
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.fixture
def till(make_app: Callable[..., TillApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., TillApp]:
    monkeypatch.chdir(tmp_path)
    app = make_app(settings=Settings().with_receipts_in(Path("receipts")))
    app.bell = lambda: None  # type: ignore[method-assign]
    return lambda: app


class TestStockScreens:
    def test_count(self, snap_compare: Any, till: Callable[[], TillApp], ledger: Any) -> None:
        start_count(UnitOfWork(ledger, Actor("Sam")), skus=[TEE_WHITE_M, HOODIE_XS])

        async def run_before(pilot: Pilot[Any]) -> None:
            await _scanned_into(pilot, "stock_count")

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)

    def test_receive(self, snap_compare: Any, till: Callable[[], TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _scanned_into(pilot, "receive_stock")

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)
