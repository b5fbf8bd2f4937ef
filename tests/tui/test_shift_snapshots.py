"""How the shift's screens look at 80x24: sign-in, help, the manager menu, the parked baskets and training.

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
from pos.demo import DEMO_MANAGER
from pos.tui.app import TillApp
from tui_helpers import HOODIE_XS, TEE_WHITE_M, scan, settle

SIZE = (80, 24)


def _steady(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


async def _opened(pilot: Pilot[Any]) -> None:
    for _ in range(2000):
        if pilot.app.core.is_open:
            break
        await pilot.pause(0.01)
    await settle(pilot)
    _steady(pilot)


async def _manager_menu(pilot: Pilot[Any]) -> None:
    await _opened(pilot)
    await pilot.press("f12")
    for field, text in (("#approval-code", DEMO_MANAGER[0]), ("#approval-pin", DEMO_MANAGER[3])):
        pilot.app.screen.query_one(field, Input).value = text
        await pilot.press("enter")
        await settle(pilot, ("lookups",))
    await pilot.pause()


@pytest.fixture
def till(make_app: Callable[..., TillApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., TillApp]:
    monkeypatch.chdir(tmp_path)
    return lambda **options: make_app(settings=Settings().with_receipts_in(Path("receipts")), **options)


class TestShiftScreens:
    def test_sign_in(self, snap_compare: Any, till: Callable[..., TillApp]) -> None:
        assert snap_compare(till(signed_in=None), terminal_size=SIZE, run_before=_opened)

    def test_locked_with_a_basket_kept(self, snap_compare: Any, till: Callable[..., TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _opened(pilot)
            await scan(pilot, TEE_WHITE_M)
            await pilot.press("ctrl+l")
            await pilot.pause()
            _steady(pilot)

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)

    def test_help(self, snap_compare: Any, till: Callable[..., TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _opened(pilot)
            await pilot.press("f1")
            await pilot.pause()

        assert snap_compare(till(demo_manager=DEMO_MANAGER), terminal_size=SIZE, run_before=run_before)

    def test_manager_menu(self, snap_compare: Any, till: Callable[..., TillApp]) -> None:
        assert snap_compare(till(), terminal_size=SIZE, run_before=_manager_menu)

    def test_parked_baskets(self, snap_compare: Any, till: Callable[..., TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _opened(pilot)
            for code in (TEE_WHITE_M, HOODIE_XS):
                await scan(pilot, code)
                await pilot.press("ctrl+o")
                await settle(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            await pilot.pause()

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)

    def test_training_banner(self, snap_compare: Any, till: Callable[..., TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _manager_menu(pilot)
            await pilot.press("3")
            await settle(pilot)
            await scan(pilot, TEE_WHITE_M)
            _steady(pilot)

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)


class TestCashUpScreens:
    """The Z dialog half-way through the count (£10 notes being typed), with what is expected beside it."""

    def test_the_z_counted_by_notes_and_coins(self, snap_compare: Any, till: Callable[..., TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _manager_menu(pilot)
            await pilot.press("8")
            await settle(pilot)
            await pilot.press("enter", "1", "enter", "3")  # one £20, three £10 so far
            await pilot.pause()

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)
