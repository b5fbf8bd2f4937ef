"""Stock at the till with Pilot, over a real SQLite ledger: starting a count (a category, a rail of SKUs) and
counting it straight away, joining an open count, and the stock screen (Ctrl+S) after a sale: the grid of
design x size, damaged apart, a retired SKU marked, low stock, value, sell-through and a SKU's history."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Static

from common.clock import local_time
from common.values import Actor
from inventory.catalog import look_up_code
from inventory.db import UnitOfWork
from inventory.stock import on_hand
from pos.catalogue.services import retire_product
from pos.demo import DEMO_CASHIER, DEMO_MANAGER
from pos.staff.services import staff_member
from pos.stock.adjustments import adjust_stock
from pos.stock.counts import review_count, start_count
from pos.tui.app import TillApp
from pos.tui.screens.count import CountScreen
from pos.tui.screens.count_start import StockCountModal
from pos.tui.screens.stock import StockScreen
from tui_helpers import HOODIE_XS, TEE_WHITE_M, post_burst, query, scan, settle

AppFactory = Callable[..., TillApp]
HOODIE_M = "2000000000039"  # Night Bus Hoodie, M Black (NBH-BLA-M), £55.00, 10 in the demo stock


def _counted(ledger: Any, count_id: int) -> dict[str, int]:
    return {line.sku: line.counted for line in review_count(ledger, count_id).lines if line.scanned}


def _message(app: TillApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def _count_dialog(app: TillApp, pilot: Pilot[Any]) -> StockCountModal:
    await settle(pilot)
    app.screen.action_stock_count()  # type: ignore[attr-defined]  (Stock count, in the command palette)
    await settle(pilot)
    assert isinstance(app.screen, StockCountModal)
    return app.screen


async def _until(pilot: Pilot[Any], done: Callable[[], bool], timeout_s: float = 20.0) -> None:
    """Wait until `done()` holds: a scanner's burst is handled by the screen before its answers come back."""
    for _ in range(int(timeout_s / 0.01)):
        if done():
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("the till did not get there in time")


def _options(dialog: StockCountModal) -> list[str]:
    from textual.widgets import OptionList

    listing = dialog.query_one("#count-start-list", OptionList)
    return [str(listing.get_option_at_index(index).prompt) for index in range(listing.option_count)]


# --- starting and joining a count --------------------------------------------------------------


async def test_a_count_of_a_category_started_at_the_till_then_scanned_into(
    make_app: AppFactory, ledger: Any, ledger_path: Path
) -> None:
    app = make_app()
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _count_dialog(app, pilot)
        assert _options(dialog)[0] == "Start a count of the whole store"  # nothing open to join
        await pilot.press("down", "enter")  # one category...
        assert dialog.stage == "category"
        assert "Hoodies (18 SKUs)" in _options(dialog)
        await pilot.press(*"hood")  # narrows the list
        assert _options(dialog) == ["Hoodies (18 SKUs)"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CountScreen)  # straight into counting it
        scope = str(app.screen.query_one("#scanning-scope", Label).content)
        post_burst(app, f"{HOODIE_XS}\n*2\n{HOODIE_M}\n{TEE_WHITE_M}\n")  # the tee is not a hoodie
        await _until(pilot, lambda: "not in this count's scope" in _message(app, "#scanning-message"))
        said = _message(app, "#scanning-message")
    [(count_id, scope_words, started_by)] = query(ledger_path, "SELECT id, scope, started_by FROM stock_counts")
    assert (scope_words, started_by) == ("category Hoodies", DEMO_CASHIER[1])  # no manager needed to start
    assert scope == f"Count {count_id}: category Hoodies, as {DEMO_CASHIER[1]}"
    assert query(ledger_path, "SELECT count(*) FROM count_items WHERE count_id = ?", count_id)[0][0] == 18
    assert _counted(ledger, count_id) == {"NBH-BLA-XS": 1, "NBH-BLA-M": 2}
    assert "not in this count's scope" in said and bells == [True]


async def test_a_rail_started_by_scanning_its_skus(make_app: AppFactory, ledger: Any, ledger_path: Path) -> None:
    app = make_app()
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _count_dialog(app, pilot)
        await pilot.press("down", "down", "down", "enter")  # a rail
        assert dialog.stage == "rail"
        await pilot.press("f10")  # nothing on the rail yet
        assert "Scan or type the rail's SKUs first" in _message(app, "#count-start-message")
        # A burst: two SKUs, one of them twice, an unknown barcode, a SKU typed in lower case.
        post_burst(app, f"{TEE_WHITE_M}\n{HOODIE_XS}\n{TEE_WHITE_M}\n5012345678900\nsc-bla-os\n")
        await _until(pilot, lambda: len(dialog.rail) == 3 and dialog.looking_up == 0)
        assert [variant.sku for variant in dialog.rail] == ["RLT-WHI-M", "NBH-BLA-XS", "SC-BLA-OS"]
        assert bells == [True]  # the unknown barcode
        await pilot.press("f8")  # takes the last one off
        assert [variant.sku for variant in dialog.rail] == ["RLT-WHI-M", "NBH-BLA-XS"]
        # F10 while a scan is still being looked up: the count starts once that scan is on the rail.
        held = threading.Event()
        app.core.lanes.lookups.submit(lambda: held.wait(10), lambda _: None)
        post_burst(app, f"{HOODIE_M}\n")
        await _until(pilot, lambda: dialog.looking_up == 1)
        await pilot.press("f10")
        assert isinstance(app.screen, StockCountModal) and query(ledger_path, "SELECT count(*) FROM stock_counts")[0][0] == 0
        held.set()
        await _until(pilot, lambda: isinstance(app.screen, CountScreen) and app.screen.session_id is not None)
        post_burst(app, f"{HOODIE_M}\n")
        await _until(pilot, lambda: "NBH-BLA-M: 1 counted" in _message(app, "#scanning-log"))
    [(count_id, scope)] = query(ledger_path, "SELECT id, scope FROM stock_counts")
    assert scope == "3 SKUs: NBH-BLA-M, NBH-BLA-XS, RLT-WHI-M"
    assert _counted(ledger, count_id) == {"NBH-BLA-M": 1}


async def test_joining_an_open_count_from_the_list(make_app: AppFactory, ledger: Any, ledger_path: Path) -> None:
    older = start_count(UnitOfWork(ledger, Actor("Sam")), skus=[TEE_WHITE_M])
    newer = start_count(UnitOfWork(ledger, Actor("Ama")), design="Night Bus Hoodie")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _count_dialog(app, pilot)
        listed = _options(dialog)
        assert listed[:2] == [f"Join count {newer}: design Night Bus Hoodie · 0 scans · Ama",
                              f"Join count {older}: 1 SKU: RLT-WHI-M · 0 scans · Sam"]  # newest first
        assert "2 counts open" in _message(app, "#count-start-message")
        await pilot.press("down", "enter")  # the older one
        await settle(pilot)
        assert isinstance(app.screen, CountScreen) and app.screen.session_id == older
        post_burst(app, f"{TEE_WHITE_M}\n{TEE_WHITE_M}\n")
        await _until(pilot, lambda: "RLT-WHI-M: 2 counted" in _message(app, "#scanning-log"))
        await pilot.press("escape")
        assert not isinstance(app.screen, CountScreen)
        await scan(pilot, TEE_WHITE_M)  # back at the sale, selling
    assert _counted(ledger, older) == {"RLT-WHI-M": 2} and _counted(ledger, newer) == {}
    assert query(ledger_path, "SELECT count(*) FROM stock_counts")[0][0] == 2  # joining starts nothing


async def test_backing_out_starts_nothing_and_a_design_that_matches_nothing_says_so(
    make_app: AppFactory, ledger_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _count_dialog(app, pilot)
        await pilot.press("down", "down", "enter")  # one design...
        assert dialog.stage == "design"
        await pilot.press(*"zzz")
        assert _options(dialog) == [] and "Nothing matches 'zzz'" in _message(app, "#count-start-message")
        await pilot.press("enter")  # nothing highlighted: nothing starts
        await pilot.press("escape")  # back to the first list
        assert dialog.stage == "choose"
        await pilot.press("escape")
        assert not isinstance(app.screen, StockCountModal)
    assert query(ledger_path, "SELECT count(*) FROM stock_counts")[0][0] == 0


# --- the stock screen ----------------------------------------------------------------------------


async def _stock_screen(pilot: Pilot[Any]) -> StockScreen:
    await pilot.press("ctrl+s")
    screen = pilot.app.screen
    assert isinstance(screen, StockScreen)
    await _read(pilot)
    return screen


async def _read(pilot: Pilot[Any]) -> None:
    """Wait for the stock screen's reads (its own worker thread) to be shown."""
    screen = pilot.app.screen
    for _ in range(2000):
        if screen.reading == 0:  # type: ignore[attr-defined]
            break
        await pilot.pause(0.01)
    else:
        raise AssertionError("the stock screen did not finish reading")
    await pilot.pause()


async def _history(pilot: Pilot[Any], code: str) -> None:
    """Scan `code` (a burst, as a scanner types) and wait for its history, or the reason there is none."""
    post_burst(pilot.app, f"{code}\r")
    said = lambda: str(pilot.app.screen.query_one("#stock-message", Static).content)  # noqa: E731
    await _until(pilot, lambda: code in said() and not said().startswith("Reading"))
    await _read(pilot)


def _rows(screen: StockScreen, selector: str) -> list[list[str]]:
    table = screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def _header(screen: StockScreen, selector: str) -> list[str]:
    return [str(column.label) for column in screen.query_one(selector, DataTable).columns.values()]


async def test_the_stock_screen_after_a_sale(make_app: AppFactory, ledger: Any) -> None:
    manager = staff_member(ledger, DEMO_MANAGER[0])
    as_manager = UnitOfWork(ledger, Actor.signed_in(manager))
    adjust_stock(as_manager, "NBH-BLA-L", -2, "damaged", note="seam split", approved_by=manager)
    retire_product(UnitOfWork(ledger, Actor.signed_in(manager)), "NBH-GRE-XXL", by=manager)
    hoodie_m = look_up_code(ledger, HOODIE_M).variant_id
    received = on_hand(ledger, hoodie_m)
    now = datetime.now(UTC)  # after the demo stock was received: the sale is the newest movement
    app = make_app(clock=lambda: now)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, HOODIE_M)
        await pilot.press("f6", "enter")  # by card
        await settle(pilot)
        screen = await _stock_screen(pilot)

        # On hand: design x size, a row per colour; damaged apart; the retired SKU marked as pos stock show does.
        assert _header(screen, "#stock-grid") == ["Design", "Colour", "XS", "S", "M", "L", "XL", "XXL", "OS", "All",
                                                  "Dmg"]
        grid = {(row[0], row[1]): row for row in _rows(screen, "#stock-grid")}
        black_total = 3 + 6 + (received - 1) + 8 + 6 + 3
        assert grid[("Night Bus Hoodie", "Black")][2:] == [
            "3", "6", str(received - 1), "8", "6", "3", "·", str(black_total), "2"]
        assert grid[("", "Grey")][2:] == ["3", "6", "10", "10", "6", "3r", "·", "38", "0"]  # the row under it
        assert grid[("Market Tote", "Natural")][2:] == ["·", "·", "·", "·", "·", "·", "12", "12", "0"]
        detail = str(screen.query_one("#stock-grid-detail", Static).content)
        assert detail.startswith("Block Letter Tee, White: 38 saleable; none damaged")
        for _ in range(4):
            await pilot.press("down")  # to Night Bus Hoodie, Black
        detail = str(screen.query_one("#stock-grid-detail", Static).content)
        assert detail.startswith(f"Night Bus Hoodie, Black: {black_total} saleable; "
                                 "damaged (kept apart, not on hand): L 2")

        # Low: saleable at or below 3 (the CLI's default), then at or below 8.
        await pilot.press("f3")
        assert screen.active_tab == "low" and isinstance(app.focused, Input)
        low = _rows(screen, "#stock-low-table")
        assert ["NBH-GRE-XXL", "Night Bus Hoodie", "XXL", "Grey", "3"] not in low  # retired: no longer sells
        assert ["NBH-BLA-XS", "Night Bus Hoodie", "XS", "Black", "3"] in low
        assert all(int(row[4]) <= 3 for row in low)
        await pilot.press("backspace", "8", "enter")
        await _read(pilot)
        low = _rows(screen, "#stock-low-table")
        assert ["NBH-BLA-L", "Night Bus Hoodie", "L", "Black", "8"] in low and all(int(row[4]) <= 8 for row in low)

        # Value at retail, per design and in all; sell-through per design.
        await pilot.press("f4")
        value = {row[0]: row[1:] for row in _rows(screen, "#stock-value-table")}
        assert value["Night Bus Hoodie"] == [str(black_total + 38), f"£{(black_total + 38) * 55:,}.00"]
        assert value["All designs"][0] == str(sum(int(row[0]) for name, row in value.items() if name != "All designs"))
        await pilot.press("f5")
        sell = {row[0]: row[1:] for row in _rows(screen, "#stock-sell-table")}
        basis_points = 10_000 // 76  # 1 sold of 76 received (38 a colour)
        assert sell["Night Bus Hoodie"] == ["76", "1", f"{basis_points // 100}.{basis_points % 100 // 10}%"]
        assert sell["Market Tote"] == ["12", "0", "0.0%"]

        # A SKU's history: scanned on the grid's tab, the screen goes to History with its movements.
        await pilot.press("f2")
        await _history(pilot, HOODIE_M)
        assert screen.active_tab == "history"
        assert str(screen.query_one("#stock-history-label", Label).content) == (
            f"Night Bus Hoodie (M Black) NBH-BLA-M: 2 movements, {received - 1} after the last")
        history = _rows(screen, "#stock-history-table")
        assert [row[1:5] for row in history] == [["received", f"+{received}", str(received), "first del…"],
                                                 ["sold", "-1", str(received - 1), "sale"]]
        assert history[1][0] == local_time(now).strftime("%d/%m %H:%M")
        assert history[1][5:] == [DEMO_CASHIER[1], "T1/000001"]
        await _history(pilot, "NBH-GRE-XXL")  # a retired SKU keeps its history
        assert str(screen.query_one("#stock-history-label", Label).content).startswith(
            "Night Bus Hoodie (XXL Grey) NBH-GRE-XXL (retired): 1 movement")
        await _history(pilot, "5012345678900")
        said = screen.query_one("#stock-message", Static)
        assert "5012345678900 is not in the catalogue" in str(said.content) and said.has_class("error")
        await pilot.press("escape")
        assert not isinstance(app.screen, StockScreen)
        await scan(pilot, TEE_WHITE_M)  # back at the sale, selling
        assert [(line.variant.sku, line.quantity) for line in app.core.basket.lines] == [("RLT-WHI-M", 1)]


async def test_the_stock_screen_reads_off_the_till_s_lanes(make_app: AppFactory, monkeypatch: Any) -> None:
    """While the figures are being read, the till core's lanes (sales, look-ups, printing) are free."""
    import pos.tui.screens.stock as stock_screen

    release = threading.Event()
    reading = threading.Event()
    real = stock_screen.read_figures

    def slow(engine: Any, low_at: int) -> Any:
        reading.set()
        release.wait(10)
        return real(engine, low_at)

    monkeypatch.setattr(stock_screen, "read_figures", slow)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        for _ in range(500):
            if reading.is_set():
                break
            await pilot.pause(0.01)
        assert reading.is_set() and "Reading the stock" in str(app.screen.query_one("#stock-message", Static).content)
        answered: list[object] = []
        app.core.lanes.sales.submit(lambda: "saved", answered.append)
        app.core.lanes.lookups.submit(lambda: "found", answered.append)
        await settle(pilot)  # returns only once both lanes are idle: nothing queued behind the stock read
        assert sorted(map(str, answered)) == ["found", "saved"]
        release.set()
        await _read(pilot)
        assert str(app.screen.query_one("#stock-message", Static).content).startswith("Stock at 14:30.")


async def test_the_command_palette_names_the_stock_screen_and_its_tabs(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        on_sale = {command.title: command for command in app.get_system_commands(app.screen)}
        assert "Stock count" in on_sale and "(Ctrl+S)" in on_sale["Stock"].help
        on_sale["Stock"].callback()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StockScreen)
        await _read(pilot)
        on_stock = {command.title: command for command in app.get_system_commands(screen)}
        assert {"Stock: on hand", "Stock: low", "Stock: value", "Stock: sell-through", "Stock: history",
                "Stock: refresh", "Back to the sale"} <= set(on_stock)
        on_stock["Stock: history"].callback()
        await pilot.pause()
        assert screen.active_tab == "history" and app.focused is screen.query_one("#stock-history-code", Input)
        on_stock["Back to the sale"].callback()
        await pilot.pause()
        assert not isinstance(app.screen, StockScreen)
