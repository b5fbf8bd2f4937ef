"""A till runs all day: switching panels and opening dialogs must not make the footer hold on to old keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from pos.tui.app import TillApp
from pos.tui.widgets.footer import TillFooter
from tui_helpers import TEE_WHITE_M, scan, settle


async def _card_sales(pilot: Pilot[Any], count: int) -> None:
    for _ in range(count):  # each sale: basket panel, card dialog, last-sale panel
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6", "enter")
        await settle(pilot)
        await pilot.pause()


def _watchers(app: TillApp) -> int:
    footer = app.screen.query_one(TillFooter)
    return sum(len(watchers) for watchers in getattr(footer, "__watchers", {}).values())


async def test_the_footer_does_not_grow_with_each_sale(make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _card_sales(pilot, 2)
        after_two = _watchers(app)
        await _card_sales(pilot, 6)
        assert after_two > 0
        assert _watchers(app) == after_two
