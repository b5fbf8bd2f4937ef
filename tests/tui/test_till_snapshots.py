"""How the till looks at 80x24. The clock is frozen and receipts go to a relative folder, so the
pictures (receipt date, print message) are the same on every run.

Update after an intended change with: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from pos.config import Settings
from pos.tui.app import TillApp
from tui_helpers import BLOCK_TEE_M, TEE_WHITE_M, scan, settle

SIZE = (80, 24)


@pytest.fixture
def till(make_app: Callable[..., TillApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TillApp:
    monkeypatch.chdir(tmp_path)
    return make_app(settings=Settings().with_receipts_in(Path("receipts")))


def _steady(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False  # type: ignore[attr-defined]


async def _two_items(pilot: Pilot[Any]) -> None:
    await scan(pilot, TEE_WHITE_M)
    await scan(pilot, BLOCK_TEE_M)
    await scan(pilot, TEE_WHITE_M)
    _steady(pilot)


class TestSaleScreen:
    def test_two_items_in_the_basket(self, snap_compare: Any, till: TillApp) -> None:
        assert snap_compare(till, terminal_size=SIZE, run_before=_two_items)

    def test_last_sale_after_cash(self, snap_compare: Any, till: TillApp) -> None:
        async def cash_sale(pilot: Pilot[Any]) -> None:
            await _two_items(pilot)
            await pilot.press("f5", "1", "0", "0", "enter")
            await settle(pilot)
            await pilot.pause()
            _steady(pilot)

        assert snap_compare(till, terminal_size=SIZE, run_before=cash_sale)

    def test_unknown_barcode_message(self, snap_compare: Any, till: TillApp) -> None:
        async def unknown(pilot: Pilot[Any]) -> None:
            await scan(pilot, TEE_WHITE_M)
            await scan(pilot, "9999999999994")
            _steady(pilot)

        assert snap_compare(till, terminal_size=SIZE, run_before=unknown)


class TestModals:
    def test_cash_modal(self, snap_compare: Any, till: TillApp) -> None:
        async def cash(pilot: Pilot[Any]) -> None:
            await _two_items(pilot)
            await pilot.press("f5", "1", "0", "0", "0", "enter")  # too much change: the modal stays open with the reason
            _steady(pilot)

        assert snap_compare(till, terminal_size=SIZE, run_before=cash)

    def test_search_modal(self, snap_compare: Any, till: TillApp) -> None:
        async def search(pilot: Pilot[Any]) -> None:
            await scan(pilot, "hoodie")
            await pilot.press("down")
            _steady(pilot)

        assert snap_compare(till, terminal_size=SIZE, run_before=search)

    def test_card_modal(self, snap_compare: Any, till: TillApp) -> None:
        async def card(pilot: Pilot[Any]) -> None:
            await _two_items(pilot)
            await pilot.press("f6")
            _steady(pilot)

        assert snap_compare(till, terminal_size=SIZE, run_before=card)
