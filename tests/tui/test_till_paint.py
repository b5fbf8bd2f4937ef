"""A scanned line reaches the screen with the scan that made it, not one screen update later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual._compositor import ChopsUpdate, LayoutUpdate

from pos.tui.app import TillApp
from tui_helpers import HOODIE_XS, post_burst, settle


def _painted_text(update: Any) -> str:
    """The text a compositor update paints (what goes to the terminal), line after line."""
    if isinstance(update, LayoutUpdate):
        return "\n".join("".join(strip.text for strip in line) for line in update.strips)
    if isinstance(update, ChopsUpdate):
        return "\n".join(strip.text for chops in update.chops for strip in chops.values() if strip is not None)
    return ""


async def test_a_scanned_line_is_painted_in_the_update_that_clears_the_scan_field(make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the ledger is open: the code is known to the till
        painted: list[str] = []
        display = app._display

        def record(screen: Any, update: Any) -> None:
            display(screen, update)
            if update is not None:
                painted.append(_painted_text(update))

        app._display = record  # type: ignore[method-assign]
        post_burst(app, HOODIE_XS + "\r")  # as a scanner types it
        await settle(pilot)
        await pilot.pause(0.1)

    cleared = next(text for text in painted if "Scan a barcode" in text)  # the field shows its placeholder again
    assert "Night Bus Hoodie" in cleared


async def test_garbage_collection_is_back_on_once_the_till_has_painted_whichever_screen_is_up(
    make_app: Callable[..., TillApp],
) -> None:
    """`pos till` and `pos demo` start with the collector off (start-up); a till that then ran all day without
    it would only grow. It is on again once the first screen is shown, the sign-in screen included."""
    import gc

    for signed_in in ({}, {"signed_in": None}):  # the sale screen; the sign-in screen first
        gc.disable()
        try:
            app = make_app(**signed_in)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await pilot.pause(0.1)
                assert gc.isenabled()
        finally:
            gc.enable()
