"""Park and recall at the till, and quitting with a basket left (it asks first)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from pos.tui.app import TillApp
from pos.tui.screens.confirm import ConfirmModal
from pos.tui.screens.parked import ParkedModal
from tui_helpers import BLOCK_TEE_M, HOODIE_XS, TEE_WHITE_M, basket_lines, count, message, query, scan, settle


async def test_park_serve_someone_else_then_recall(make_app: Callable[..., TillApp], ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, TEE_WHITE_M)
        await scan(pilot, HOODIE_XS)
        await pilot.press("ctrl+o")  # the customer goes to try another size
        await settle(pilot)
        assert basket_lines(app) == []
        assert "Parked 2 items as basket" in message(app)[0]
        assert count(ledger_path, "parked_baskets") == 1

        await scan(pilot, BLOCK_TEE_M)  # the next customer
        await pilot.press("f6", "enter")
        await settle(pilot)
        assert count(ledger_path, "sales") == 1

        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ParkedModal)
        assert app.screen.query_one("#parked-list", OptionList).option_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert basket_lines(app) == [("RLT-WHI-M", 1), ("NBH-BLA-XS", 1)], (message(app), app.screen)
        assert count(ledger_path, "parked_baskets") == 0
        await pilot.press("f6", "enter")
        await settle(pilot)
    assert query(ledger_path, "SELECT COUNT(*), SUM(total_pence) FROM sales") == [(2, 2400 + 2500 + 5500)]


async def test_quitting_with_lines_in_the_basket_asks_first(make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        assert basket_lines(app) == [("RLT-WHI-M", 1)] and app.is_running
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_quitting_with_a_basket_parked_at_this_till_asks_first(make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        assert app.is_running


async def test_quitting_with_nothing_left_quits_at_once(make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running

