"""Product look-up (F11) and reprints at the till, with Pilot: keyboard only, the basket untouched,
designers shown only as far as they consented, and every reprint in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from pos.tui.app import TillApp
from pos.tui.screens.lookup import LookupScreen
from pos.tui.screens.reprint import ReprintModal
from tui_helpers import BLOCK_TEE_M, TEE_WHITE_M, basket_lines, message, query, sale_screen, scan, settle

AppFactory = Callable[..., TillApp]
HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black


def _cells(app: TillApp) -> list[list[str]]:
    table = app.screen.query_one("#lookup-results", DataTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def _designers(app: TillApp) -> str:
    return str(app.screen.query_one("#lookup-designers", Static).content)


async def _look_up(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    app.screen.query_one("#lookup-text", Input).value = text
    await pilot.press("enter")
    await settle(pilot, ("lookups",))


async def test_f11_shows_stock_by_size_and_colour_and_esc_returns_to_the_basket(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the lanes start after the first paint
        await settle(pilot)
        await scan(pilot, TEE_WHITE_M)
        await scan(pilot, BLOCK_TEE_M)
        await pilot.press("f11")
        assert isinstance(app.screen, LookupScreen)
        await pilot.press(*"night bus")
        await settle(pilot, ("lookups",))
        table = app.screen.query_one("#lookup-results", DataTable)
        headers = [str(column.label) for column in table.columns.values()]
        assert headers == ["Design", "Colour", "Price", "XS", "S", "M", "L", "XL", "XXL"]
        assert _cells(app) == [  # data/stock.csv
            ["Night Bus Hoodie", "Black", "£55.00", "3", "6", "10", "10", "6", "3"],
            ["", "Grey", "£55.00", "3", "6", "10", "10", "6", "3"],
        ]
        assert "Designed by Amara Osei: Screen-prints bold type" in _designers(app)
        assert "linkedin.com/in/amara-osei-designs" in _designers(app)

        await pilot.press("escape")
        sale_screen(app)
        assert basket_lines(app) == [("RLT-WHI-M", 1), ("BLT-WHI-M", 1)]
        await scan(pilot, TEE_WHITE_M)  # the scan field has the keyboard again
        assert basket_lines(app) == [("RLT-WHI-M", 2), ("BLT-WHI-M", 1)]


async def test_a_scanned_barcode_and_a_designers_name_find_designs_and_arrows_change_the_story(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the lanes start after the first paint
        await settle(pilot)
        await pilot.press("f11")
        await _look_up(pilot, HOODIE_M)
        assert [row[0] for row in _cells(app)] == ["Night Bus Hoodie", ""]
        await _look_up(pilot, "rhea")
        assert [row[0] for row in _cells(app) if row[0]] == ["Collab Coach Jacket", "Terrace Track Top",
                                                               "Workshop Cargo Pants"]
        jacket = _designers(app)
        assert "Collab Coach Jacket" in jacket and "Designed by one of our designers." in jacket
        assert "Kai" not in jacket and "drop shoulder" not in jacket  # KBL did not consent
        await pilot.press("down")
        assert _designers(app).startswith("Terrace Track Top")
        assert "Designed by Rhea Nvarro: Mixes workwear" in _designers(app)


async def test_a_non_consenting_designers_name_finds_nothing(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the lanes start after the first paint
        await settle(pilot)
        await pilot.press("f11")
        await _look_up(pilot, "Kai Blake")
        assert _cells(app) == []
        assert str(app.screen.query_one("#lookup-message", Static).content).startswith("Nothing matches 'Kai Blake'")


async def test_f11_is_in_the_command_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the lanes start after the first paint
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Product lookup", "Reprint receipt", "Gift receipt"} <= set(titles)


async def _cash_sale(pilot) -> None:  # type: ignore[no-untyped-def]
    await scan(pilot, TEE_WHITE_M)
    await pilot.press("f5", "enter")  # exact cash
    await settle(pilot)
    await pilot.pause()


def _reprints(ledger_path: Path) -> list[tuple[str, str]]:
    return query(ledger_path, "SELECT action, reference FROM audit_events "
                              "WHERE action IN ('reprint', 'gift_receipt') ORDER BY id")


async def test_on_the_last_sale_panel_ctrl_o_prints_a_copy_and_ctrl_g_a_gift_receipt(
    make_app: AppFactory, ledger_path: Path, receipts_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the lanes start after the first paint
        await settle(pilot)
        await _cash_sale(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert message(app) == (f"Copy of receipt T1/000001 printed ({receipts_dir / 'T1-000001-copy.bin'}).", False)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert message(app)[0].startswith("Gift receipt for T1/000001 printed")
    assert b"*** COPY ***" in (receipts_dir / "T1-000001-copy.bin").read_bytes()
    gift = (receipts_dir / "T1-000001-gift.bin").read_bytes()
    assert b"GIFT RECEIPT" in gift and "£".encode("cp858") not in gift
    assert _reprints(ledger_path) == [("reprint", "T1/000001"), ("gift_receipt", "T1/000001")]


async def test_an_earlier_receipt_is_reprinted_by_typing_its_reference(
    make_app: AppFactory, ledger_path: Path, receipts_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the lanes start after the first paint
        await settle(pilot)
        await _cash_sale(pilot)
        await _cash_sale(pilot)
        await scan(pilot, BLOCK_TEE_M)  # a basket in progress: the keys ask which receipt
        await pilot.press("ctrl+y")
        assert isinstance(app.screen, ReprintModal)
        field = app.screen.query_one("#reprint-ref", Input)
        assert field.value == "T1/000002"  # the last sale is offered
        await pilot.press(*"T1/7", "enter")  # a typing slip: no such receipt
        await settle(pilot)
        assert message(app) == (
            "There is no receipt T1/000007 in the ledger. Check the till name and the receipt number.", True)
        await pilot.press("ctrl+y")
        await pilot.press("ctrl+a", *"T1/1x", "enter")
        assert isinstance(app.screen, ReprintModal)  # not a reference: said in place, the dialog stays
        assert "is not a receipt reference" in str(app.screen.query_one("#reprint-error").content)
        await pilot.press(*"1", "ctrl+g")
        await settle(pilot)
        assert message(app)[0].startswith("Gift receipt for T1/000001 printed")
        assert basket_lines(app) == [("BLT-WHI-M", 1)]
    assert _reprints(ledger_path) == [("gift_receipt", "T1/000001")]
