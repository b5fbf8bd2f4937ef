"""How the product look-up (F11), the sale screen's footer with it, and the reprint dialog look at 80x24.

Update after an intended change with: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from pos.config import Settings
from pos.tui.app import TillApp
from tui_helpers import TEE_WHITE_M, scan, settle

SIZE = (80, 24)


@pytest.fixture
def till(make_app: Callable[..., TillApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TillApp:
    monkeypatch.chdir(tmp_path)
    return make_app(settings=Settings().with_receipts_in(Path("receipts")))


def _steady(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False  # type: ignore[attr-defined]


class TestLookup:
    def test_hoodies_by_size_and_colour_with_an_unnamed_designer(self, snap_compare: Any, till: TillApp) -> None:
        async def look_up(pilot: Pilot[Any]) -> None:
            await pilot.pause()  # the lanes start after the first paint
            await settle(pilot)
            await pilot.press("f11")
            pilot.app.screen.query_one("#lookup-text", Input).value = "hoodie"
            await settle(pilot, ("lookups",))  # the Drop Shoulder Hoodie first: its designer did not consent
            _steady(pilot)

        assert snap_compare(till, terminal_size=SIZE, run_before=look_up)

    def test_reprint_dialog_offers_the_last_receipt(self, snap_compare: Any, till: TillApp) -> None:
        async def reprint(pilot: Pilot[Any]) -> None:
            await pilot.pause()
            await scan(pilot, TEE_WHITE_M)
            await pilot.press("f5", "enter")
            await settle(pilot)
            await scan(pilot, TEE_WHITE_M)
            await pilot.press("ctrl+y")
            _steady(pilot)

        assert snap_compare(till, terminal_size=SIZE, run_before=reprint)
