"""The sale screen driven with Pilot, checked against the ledger (sqlite3 on the file), not pixels."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from textual import events
from textual.widgets import ContentSwitcher, Digits, Input, Label, Static

from common.errors import PosError, UnknownCode
from ledger_helpers import at_till, busy_timeout_engine, hold_write_lock
from pos.config import Settings
from pos.sales.checkout import EMPTY_BASKET
from pos.sales.services import complete_sale
from pos.tui.app import TillApp
from pos.tui.screens.modals import CardModal, CashModal, QuantityModal, SearchModal
from tui_helpers import (
    settle,
    BLOCK_TEE_M,
    HOODIE_XS,
    TEE_WHITE_M,
    TOTE_SKU,
    basket_lines,
    count,
    message,
    on_hand,
    post_burst,
    query,
    sale_screen,
    scan,
)

AppFactory = Callable[..., TillApp]


async def test_cash_sale_of_two_scans_is_recorded_printed_and_shows_the_change(
    make_app: AppFactory, ledger_path: Path, receipts_dir: Path
) -> None:
    stock_before = {code: on_hand(ledger_path, code) for code in (TEE_WHITE_M, BLOCK_TEE_M)}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await scan(pilot, BLOCK_TEE_M)
        assert basket_lines(app) == [("RLT-WHI-M", 1), ("BLT-WHI-M", 1)]
        assert app.screen.query_one("#total", Digits).value == "£49.00"

        await pilot.press("f5")
        assert isinstance(app.screen, CashModal)
        await pilot.press("5", "0", "enter")
        await settle(pilot)
        await pilot.pause()

        screen = sale_screen(app)
        assert screen.query_one("#change", Digits).value == "£1.00"
        assert screen.query_one("#main", ContentSwitcher).current == "last-sale"
        preview = str(screen.query_one("#receipt-preview", Static).content)
        assert "Recycled Logo Tee" in preview and "Block Letter Tee" in preview and "£49.00" in preview
        # Meet the designer: Amara (Block Letter Tee) consented, her profile address standing in for the QR code;
        # Lu Wen (Recycled Logo Tee) did not, so nothing of hers shows
        meet = " ".join(line.strip() for line in preview.split("Meet the designer")[1].splitlines())
        assert "Amara Osei" in meet and "night buses" in meet and "linkedin.com/in/amara-osei-designs" in meet
        assert "Lu Wen" not in preview and "recycled cotton" not in preview
        assert app.core.basket.is_empty()
        assert app.focused is screen.query_one("#scan", Input)
        text, is_error = message(app)
        assert "Receipt T1/000001 printed" in text and not is_error

    assert query(ledger_path, "SELECT receipt_no, total_pence FROM sales") == [(1, 4900)]
    assert sorted(query(ledger_path, "SELECT sku, quantity, line_total_pence FROM sale_lines")) == [
        ("BLT-WHI-M", 1, 2400),
        ("RLT-WHI-M", 1, 2500),
    ]
    assert query(ledger_path, "SELECT tender, amount_pence, tendered_pence, change_pence FROM payments") == [
        ("cash", 4900, 5000, 100)
    ]
    assert sorted(
        query(
            ledger_path,
            "SELECT v.barcode, m.quantity, m.kind FROM stock_movements m JOIN variants v ON v.id = m.variant_id "
            "WHERE m.kind = 'sold'",
        )
    ) == [(TEE_WHITE_M, -1, "sold"), (BLOCK_TEE_M, -1, "sold")]
    attributed = query(
        ledger_path,
        "SELECT l.sku, SUM(a.gross_pence), SUM(a.share_bp) FROM line_attributions a "
        "JOIN sale_lines l ON l.id = a.sale_line_id GROUP BY l.sku ORDER BY l.sku",
    )
    assert attributed == [("BLT-WHI-M", 2400, 10000), ("RLT-WHI-M", 2500, 10000)]
    assert {code: on_hand(ledger_path, code) for code in stock_before} == {
        code: quantity - 1 for code, quantity in stock_before.items()
    }

    printed = (receipts_dir / "T1-000001.bin").read_bytes().decode("cp858")
    assert "Recycled Logo Tee" in printed and "Block Letter Tee" in printed
    assert "£49.00" in printed and "£50.00" in printed and "£1.00" in printed
    assert "14/06/2025 14:30" in printed  # the frozen clock, in London time


async def test_two_scans_in_one_burst_make_two_lines(make_app: AppFactory, ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        post_burst(app, f"{TEE_WHITE_M}\r{BLOCK_TEE_M}\r")
        await pilot.pause()
        assert basket_lines(app) == [("RLT-WHI-M", 1), ("BLT-WHI-M", 1)]
        assert app.screen.query_one("#scan", Input).value == ""
        assert not message(app)[1]
        # A longer burst, with a repeat: still one entry per Enter.
        post_burst(app, f"{HOODIE_XS}\r{TEE_WHITE_M}\r{HOODIE_XS}\r{TEE_WHITE_M}\r")
        await pilot.pause()
        assert basket_lines(app) == [("RLT-WHI-M", 3), ("BLT-WHI-M", 1), ("NBH-BLA-XS", 2)]
        # A scanner set to end codes with a line feed instead of a carriage return.
        post_burst(app, f"{BLOCK_TEE_M}\n{HOODIE_XS}\n")
        await pilot.pause()
        assert basket_lines(app) == [("RLT-WHI-M", 3), ("BLT-WHI-M", 2), ("NBH-BLA-XS", 3)]
    assert count(ledger_path, "sales") == 0


async def test_unknown_barcode_is_reported_and_changes_nothing(make_app: AppFactory, ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await scan(pilot, "9999999999994")
        assert message(app) == (str(UnknownCode("9999999999994")), True)
        assert basket_lines(app) == [("RLT-WHI-M", 1)]
        assert app.focused is app.screen.query_one("#scan", Input)
        await pilot.press("escape")
        assert message(app) == ("", False)
        await scan(pilot, "no such thing")
        assert message(app) == (str(UnknownCode("no such thing")), True)
        assert basket_lines(app) == [("RLT-WHI-M", 1)]
    assert count(ledger_path, "sales") == 0
    assert count(ledger_path, "stock_movements") == count(ledger_path, "stock_movements WHERE kind = 'received'")


async def test_quantity_remove_and_scans_never_touch_the_selected_line(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await scan(pilot, TEE_WHITE_M)
        assert basket_lines(app) == [("RLT-WHI-M", 2)]

        await pilot.press("f7")
        assert isinstance(app.screen, QuantityModal)
        await pilot.press("3", "enter")  # the current quantity is selected, so typing replaces it
        assert basket_lines(app) == [("RLT-WHI-M", 3)]

        await pilot.press("f7", "0", "enter")
        text, is_error = message(app)
        assert is_error and "between 1 and 999" in text
        assert basket_lines(app) == [("RLT-WHI-M", 3)]

        await pilot.press("f7", "escape")
        assert basket_lines(app) == [("RLT-WHI-M", 3)]

        await pilot.press("f7")
        app.screen.query_one("#quantity", Input).value = "５"  # a full-width 5 is not read as 5
        await pilot.press("enter")
        assert "is not a whole number" in str(app.screen.query_one("#quantity-error").content)
        await pilot.press("escape")
        assert basket_lines(app) == [("RLT-WHI-M", 3)]

        await scan(pilot, BLOCK_TEE_M)
        screen = sale_screen(app)
        table = screen.query_one("#basket")
        assert table.cursor_row == 1  # the line just scanned
        await pilot.press("up")
        assert table.cursor_row == 0
        assert app.focused is screen.query_one("#scan", Input)
        # With line 0 selected, a scan still adds exactly what was scanned.
        await scan(pilot, BLOCK_TEE_M)
        assert basket_lines(app) == [("RLT-WHI-M", 3), ("BLT-WHI-M", 2)]
        await scan(pilot, HOODIE_XS)
        assert basket_lines(app) == [("RLT-WHI-M", 3), ("BLT-WHI-M", 2), ("NBH-BLA-XS", 1)]

        await pilot.press("up", "up", "f8")
        assert basket_lines(app) == [("BLT-WHI-M", 2), ("NBH-BLA-XS", 1)]
        await pilot.press("down", "f8", "f8")
        assert basket_lines(app) == []
        await pilot.press("f8")
        assert message(app)[1]
        assert app.focused is screen.query_one("#scan", Input)


async def test_name_search_adds_one_match_and_offers_a_choice_of_several(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "tote")
        assert basket_lines(app) == [(TOTE_SKU, 1)]

        await scan(pilot, "drop shoulder")
        assert isinstance(app.screen, SearchModal)
        await pilot.press("down", "enter")  # the second match: S
        assert basket_lines(app) == [(TOTE_SKU, 1), ("DSH-SAN-S", 1)]

        await scan(pilot, "hood")
        assert isinstance(app.screen, SearchModal)
        await pilot.press("escape")
        assert basket_lines(app) == [(TOTE_SKU, 1), ("DSH-SAN-S", 1)]
        assert app.focused is app.screen.query_one("#scan", Input)

        await pilot.press("f2")
        assert isinstance(app.screen, SearchModal)
        await pilot.press("s", "t", "r", "a", "p")
        await settle(pilot)  # each letter searches off the event loop; the answers come back in order
        await pilot.press("down", "enter")
        assert basket_lines(app) == [(TOTE_SKU, 1), ("DSH-SAN-S", 1), ("SC-STO-OS", 1)]

        await pilot.press("f2", "z", "z", "z")
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, SearchModal)  # nothing to pick: stays open with the reason
        await pilot.press("escape")
        assert len(basket_lines(app)) == 3


async def test_f6_pressed_straight_after_a_scan_charges_for_that_scan_too(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        post_burst(app, f"{BLOCK_TEE_M}\r")  # the last item, and F6 before its look-up has come back
        app.post_message(events.Key("f6", None))
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, CardModal)
        assert "Take £49.00 on the card terminal" in str(app.screen.query_one("#card-prompt", Label).content)


async def test_card_payment_records_a_card_payment_of_the_total(make_app: AppFactory, ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, HOODIE_XS)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6")
        assert isinstance(app.screen, CardModal)
        await pilot.press("escape")
        assert count(ledger_path, "sales") == 0
        assert len(basket_lines(app)) == 2

        await pilot.press("f6", "enter")
        await settle(pilot)
        await pilot.pause()
        assert sale_screen(app).query_one("#change", Digits).value == "£0.00"
    assert query(ledger_path, "SELECT tender, amount_pence, tendered_pence, change_pence FROM payments") == [
        ("card", 8000, 8000, 0)
    ]


async def test_keys_typed_while_the_card_modal_is_open_do_not_approve_it(
    make_app: AppFactory, ledger_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6")
        post_burst(app, f"{BLOCK_TEE_M}\r")  # a scan while waiting for the card terminal
        await pilot.pause()
        assert isinstance(app.screen, CardModal)
        assert count(ledger_path, "sales") == 0
        await pilot.press("enter")
        await settle(pilot)
    assert query(ledger_path, "SELECT tender, amount_pence FROM payments") == [("card", 2500)]


async def test_quick_cash_and_exact_cash(make_app: AppFactory, ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TOTE_SKU)
        await pilot.press("f5")
        modal = app.screen
        assert isinstance(modal, CashModal)
        assert [str(button.label) for button in modal.query("#quick-cash Button")] == ["F2 £20.00", "Enter: exact"]
        await pilot.press("f2")  # the likely note for £15, on a key
        await settle(pilot)
        await pilot.pause()
        assert sale_screen(app).query_one("#change", Digits).value == "£5.00"

        await scan(pilot, TOTE_SKU)
        assert sale_screen(app).query_one("#main", ContentSwitcher).current == "basket"
        await pilot.press("f5", "enter")  # nothing typed: the exact amount
        await settle(pilot)
        await pilot.pause()
        assert sale_screen(app).query_one("#change", Digits).value == "£0.00"

    assert query(ledger_path, "SELECT tender, amount_pence, tendered_pence, change_pence FROM payments ORDER BY id") == [
        ("cash", 1500, 2000, 500),
        ("cash", 1500, 1500, 0),
    ]


async def test_cash_modal_keeps_bad_amounts_open_and_takes_a_short_one_as_part_payment(make_app: AppFactory, ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TOTE_SKU)
        await pilot.press("f5", "a", "b", "c", "enter")
        modal = app.screen
        assert isinstance(modal, CashModal)
        error = modal.query_one("#cash-error")
        assert "is not an amount in pounds" in str(error.content)
        await pilot.press("1", "0", "0", "0", "enter")  # the wrong text was selected, so this replaces it
        assert isinstance(app.screen, CashModal)
        assert "would mean £985.00 change" in str(error.content)
        await pilot.press("1", "0", "enter")  # less than the total is a part payment: the rest is left to pay
        assert not isinstance(app.screen, CashModal)
        assert app.core.left_to_pay_pence == 500 and len(basket_lines(app)) == 1
    assert count(ledger_path, "sales") == 0


async def test_paying_for_an_empty_basket_is_refused_in_the_services_words(make_app: AppFactory, ledger: object) -> None:
    try:
        complete_sale(at_till(ledger, "T1"), [], [])
    except PosError as error:
        assert str(error) == EMPTY_BASKET
    else:
        raise AssertionError("the sales service accepted an empty sale")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("f5", "f6"):
            await pilot.press("escape", key)
            assert app.screen is sale_screen(app)
            assert message(app) == (EMPTY_BASKET, True)


async def test_a_refused_sale_shows_the_reason_and_keeps_the_basket(make_app: AppFactory, ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        # The price changes after the scan, before payment: the service refuses the sale.
        with closing(sqlite3.connect(ledger_path)) as connection, connection:
            connection.execute("UPDATE variants SET price_pence = 2600 WHERE barcode = ?", (TEE_WHITE_M,))
        await pilot.press("f5", "enter")
        await settle(pilot)
        text, is_error = message(app)
        assert is_error and text.startswith("The payments come to £25.00 but the sale is £26.00.")
        assert "Its items are back in the basket." in text
        assert basket_lines(app) == [("RLT-WHI-M", 1)]
        assert sale_screen(app).query_one("#main", ContentSwitcher).current == "basket"
    assert count(ledger_path, "sales") == 0


async def test_a_printer_fault_never_loses_the_sale(make_app: AppFactory, ledger_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the receipts folder should be")
    app = make_app(settings=Settings().with_receipts_in(blocker / "receipts"))
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f5", "enter")
        await settle(pilot)
        await pilot.pause()
        text, is_error = message(app)
        assert is_error and text.startswith("Could not write to ") and "1 document waiting" in text
        screen = sale_screen(app)
        assert screen.query_one("#main", ContentSwitcher).current == "last-sale"
        assert app.core.basket.is_empty()
        await scan(pilot, BLOCK_TEE_M)  # the till carries on
        assert basket_lines(app) == [("BLT-WHI-M", 1)]
    assert query(ledger_path, "SELECT receipt_no, total_pence FROM sales") == [(1, 2500)]


async def test_f9_after_a_restart_shows_the_last_sale_from_the_ledger(make_app: AppFactory) -> None:
    first = make_app()
    async with first.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6", "enter")
        await settle(pilot)
    again = make_app()  # the till is started again on the same ledger
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        screen = sale_screen(again)
        assert screen.query_one("#main", ContentSwitcher).current == "last-sale"
        assert "Receipt T1/000001" in str(screen.query_one("#last-sale-receipt-no", Label).content)
        assert "Recycled Logo Tee" in str(screen.query_one("#receipt-preview", Static).content)


async def test_f9_shows_the_last_sale_again(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f9")
        assert message(app) == ("No sale has been completed on this till yet.", False)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f5", "enter")
        await settle(pilot)
        switcher = app.screen.query_one("#main", ContentSwitcher)
        assert switcher.current == "last-sale"
        await scan(pilot, BLOCK_TEE_M)
        assert switcher.current == "basket"
        await pilot.press("f9")
        assert switcher.current == "last-sale"
        assert "Recycled Logo Tee" in str(app.screen.query_one("#receipt-preview", Static).content)
        await pilot.press("f9")
        assert switcher.current == "basket"
        assert basket_lines(app) == [("BLT-WHI-M", 1)]


async def test_the_burst_really_does_merge_scans_in_a_stock_input() -> None:
    """Guards the burst test above: the same burst breaks the usual Input-plus-Submitted pattern.

    If this ever fails, post_burst no longer reproduces a scanner and the burst test proves nothing.
    """
    from textual.app import App, ComposeResult

    class StockInputApp(App[None]):
        def __init__(self) -> None:
            super().__init__()
            self.entries: list[str] = []

        def compose(self) -> ComposeResult:
            yield Input(id="scan")

        def on_input_submitted(self, event: Input.Submitted) -> None:
            self.entries.append(event.value)
            event.input.value = ""

    app = StockInputApp()
    async with app.run_test(size=(80, 24)) as pilot:
        post_burst(app, f"{TEE_WHITE_M}\r{BLOCK_TEE_M}\r")
        await pilot.pause()
    assert app.entries != [TEE_WHITE_M, BLOCK_TEE_M]
    assert app.entries[0] == TEE_WHITE_M + BLOCK_TEE_M


async def test_every_footer_action_is_also_in_the_command_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = sale_screen(app)
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {"Search", "Cash", "Card", "Quantity", "Remove line", "Last sale", "Clear message"} <= titles
        shown = {binding.action.split("(")[0].removeprefix("app.") for binding in screen.BINDINGS if binding.show}  # type: ignore[union-attr]
        palette = {command.callback.__name__.removeprefix("action_") for command in app.get_system_commands(screen)}
        assert shown - {"cursor", "scroll_receipt"} <= palette


async def test_the_till_keeps_serving_while_another_process_holds_the_ledger(
    make_app: AppFactory, ledger_path: Path
) -> None:
    """A card already approved must be recorded, however long another writer holds SQLite's lock."""
    app = make_app(connect=busy_timeout_engine(ledger_path, 300))  # give up waiting after 0.3 s, then retry
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, TEE_WHITE_M)
        with hold_write_lock(ledger_path, seconds=3.0) as released:
            await pilot.press("f6", "enter")  # the card terminal approved it
            await pilot.pause(0.1)
            assert "Saving sale..." in str(app.screen.query_one("#units", Label).content)
            started = time.monotonic()
            await scan(pilot, BLOCK_TEE_M)  # the next customer, while the sale waits
            assert time.monotonic() - started < 1.0
            assert basket_lines(app) == [("BLT-WHI-M", 1)]
            for _ in range(300):  # past the busy timeout: the sale is retried, never dropped
                if "ledger busy" in str(app.screen.query_one("#units", Label).content):
                    break
                await pilot.pause(0.01)
            assert "Saving sale... (ledger busy)" in str(app.screen.query_one("#units", Label).content)
            assert count(ledger_path, "sales") == 0
            released.wait()
        await settle(pilot)
        assert query(ledger_path, "SELECT receipt_no, total_pence FROM sales") == [(1, 2500)]
        assert basket_lines(app) == [("BLT-WHI-M", 1)]
        assert "Saving" not in str(app.screen.query_one("#units", Label).content)
        text, _ = message(app)
        assert "locked" not in text.lower()
