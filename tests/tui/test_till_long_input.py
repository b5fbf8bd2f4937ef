"""No input ends the till: a 60,000-character paste into the search or the scan field, and `%` typed as a search."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Label, OptionList

from pos.tui.app import TillApp
from pos.tui.screens.modals import SearchModal
from tui_helpers import TEE_WHITE_M, basket_lines, message, scan, settle

AppFactory = Callable[..., TillApp]
PASTE = "night bus hoodie " * 3530  # about 60,000 characters


async def test_a_60000_character_paste_into_the_search_keeps_the_till_and_the_basket(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f2")
        assert isinstance(app.screen, SearchModal)
        app.screen.query_one("#search-text", Input).value = PASTE
        await settle(pilot)  # the search runs off the event loop; its answer comes back as a message
        assert app.is_running
        error = str(app.screen.query_one("#search-error", Label).content)
        assert "60,009 characters long; a scan or search takes at most 64" in error  # stripped of its last space
        await pilot.press("escape")
        assert basket_lines(app) == [("RLT-WHI-M", 1)]


async def test_a_60000_character_paste_into_the_scan_field_is_refused_in_the_message_line(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await scan(pilot, PASTE)
        text, is_error = message(app)
        assert is_error and "takes at most 64" in text and len(text) < 200
        await scan(pilot, TEE_WHITE_M)
        assert basket_lines(app) == [("RLT-WHI-M", 2)]


async def test_a_percent_sign_searches_for_a_percent_sign(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the ledger is open
        await pilot.press("f2", "%")
        await settle(pilot)
        assert isinstance(app.screen, SearchModal)
        assert app.screen.query_one("#search-results", OptionList).option_count == 0
        assert "Nothing in the catalogue matches '%'" in str(app.screen.query_one("#search-error", Label).content)
