"""The cash dialog offers the notes a customer is likely to hand over, each on a key."""

from __future__ import annotations

from collections.abc import Callable

from pos.tui.app import TillApp
from tui_helpers import scan, settle


async def test_the_cash_dialog_offers_the_likely_notes_on_keys(make_app: Callable[..., TillApp]) -> None:
    """£140 (the README's demo): F2 £150, F3 £160, F4 £200, Enter exact; no mouse needed."""
    from textual.widgets import Digits

    from pos.tui.screens.modals import CashModal
    from tui_helpers import sale_screen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, "2000000000039")  # Night Bus Hoodie M, £55
        await scan(pilot, "2000000000527")  # Collab Coach Jacket L, £85
        await pilot.press("f5")
        modal = app.screen
        assert isinstance(modal, CashModal)
        assert [str(button.label) for button in modal.query("#quick-cash Button")] == [
            "F2 £150.00", "F3 £160.00", "F4 £200.00", "Enter: exact",
        ]
        await pilot.press("f4")
        await settle(pilot)
        assert sale_screen(app).query_one("#change", Digits).value == "£60.00"
