"""A stock count at the till with Pilot: a burst of scans, the quantity key, undo, an unknown code that rings
the bell, and nothing expected shown (blind). Sales between scans: tests/integration/test_counts.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Static

from common.values import Actor
from inventory.db import UnitOfWork
from pos.stock.counts import review_count, start_count
from pos.tui.app import TillApp
from pos.tui.screens.count import CountScreen
from pos.tui.screens.count_start import StockCountModal
from pos.tui.screens.modals import QuantityModal
from tui_helpers import HOODIE_XS, TEE_WHITE_M, post_burst, query, scan, settle

AppFactory = Callable[..., TillApp]



def _counted(ledger, count_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {line.sku: line.counted for line in review_count(ledger, count_id).lines if line.scanned}


async def _open_count_screen(app: TillApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Stock count from the palette, then Enter: joins the newest open count (listed first)."""
    await settle(pilot)
    app.screen.action_stock_count()  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, StockCountModal)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, CountScreen)


async def test_a_rail_scanned_at_the_till_with_the_quantity_key_undo_and_an_unknown_code(
    make_app: AppFactory, ledger, ledger_path: Path  # type: ignore[no-untyped-def]
) -> None:
    count_id = start_count(UnitOfWork(ledger, Actor("Sam")), skus=[TEE_WHITE_M, HOODIE_XS])
    app = make_app()
    bells: list[bool] = []
    app.bell = lambda: bells.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_count_screen(app, pilot)
        post_burst(app, f"{TEE_WHITE_M}\n{TEE_WHITE_M}\n{HOODIE_XS}\n")  # a scanner's burst
        await settle(pilot)
        await pilot.press("f7")
        assert isinstance(app.screen, QuantityModal)
        await pilot.press("4", "enter")
        post_burst(app, f"{HOODIE_XS}\n")  # counts 4
        await settle(pilot)
        await pilot.press("f8")  # undo: takes the 4 back
        await settle(pilot)
        post_burst(app, "5012345678900\n")
        await settle(pilot)
        screen = app.screen
        log = str(screen.query_one("#scanning-log", Static).content)
        message = str(screen.query_one("#scanning-message", Static).content)
    assert bells == [True] and "5012345678900 is not in the catalogue: nothing counted" in message
    assert "Undone 4 x" in log and "expected" not in log.lower()  # blind
    counted = _counted(ledger, count_id)
    assert counted == {"RLT-WHI-M": 2, "NBH-BLA-XS": 1}
    assert query(ledger_path, "SELECT count(*) FROM count_scans")[0][0] == 5  # undo is a row of its own


async def test_no_open_count_says_so(make_app: AppFactory, ledger_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.action_stock_count()  # type: ignore[attr-defined]
        await settle(pilot)
        assert isinstance(app.screen, StockCountModal)
        assert "No count is open" in str(app.screen.query_one("#count-start-message", Static).content)
        await pilot.press("escape")
        assert not isinstance(app.screen, StockCountModal)
        await scan(pilot, TEE_WHITE_M)  # back at the sale, selling
    assert query(ledger_path, "SELECT count(*) FROM stock_counts")[0][0] == 0


async def test_a_delivery_received_by_scanning_at_the_till_and_its_labels(
    make_app: AppFactory, ledger, tmp_path: Path, monkeypatch  # type: ignore[no-untyped-def]
) -> None:
    from inventory.catalog import look_up_code
    from inventory.stock import on_hand
    from pos.stock.receiving import delivery_lines
    from pos.tui.screens.receive import ReceiveScreen

    hoodie = look_up_code(ledger, HOODIE_XS).variant_id
    before = on_hand(ledger, hoodie)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.action_receive_stock()  # type: ignore[attr-defined]
        await settle(pilot)
        assert isinstance(app.screen, ReceiveScreen)
        post_burst(app, f"{HOODIE_XS}\n*5\n{TEE_WHITE_M}\n{HOODIE_XS}\n")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        said = str(app.screen.query_one("#scanning-message", Static).content)
        monkeypatch.setattr(ReceiveScreen, "LABELS_DIR", tmp_path / "labels")
        await pilot.press("f10")
        await settle(pilot)
        labelled = str(app.screen.query_one("#scanning-message", Static).content)
    delivery = int(said.split()[1])  # the demo stock file was delivery 1
    assert said.startswith(f"Delivery {delivery} closed: 7 items of 2 SKUs received.")
    assert labelled.startswith(f"7 labels for delivery {delivery}: {tmp_path / 'labels' / f'delivery-{delivery}.pdf'}")
    from pdf_codes import decode_labels
    from receipts.labels import A4_21

    decoded = decode_labels(tmp_path / "labels" / f"delivery-{delivery}.pdf", A4_21, 7, tmp_path / "read")
    assert sorted(codes[0] for codes in decoded[:7]) == sorted([HOODIE_XS] * 2 + [TEE_WHITE_M] * 5)
    assert on_hand(ledger, hoodie) == before + 2
    assert [(line.sku, line.quantity) for line in delivery_lines(ledger, delivery)] == [
        ("NBH-BLA-XS", 2), ("RLT-WHI-M", 5)]


async def test_a_manager_reviews_and_approves_the_count_at_the_till(make_app: AppFactory, ledger) -> None:  # type: ignore[no-untyped-def]
    from inventory.catalog import look_up_code
    from inventory.stock import on_hand
    from pos.tui.screens.approval import ApprovalModal
    from pos.demo import DEMO_MANAGER

    count_id = start_count(UnitOfWork(ledger, Actor("Sam")), skus=[TEE_WHITE_M])
    tee = look_up_code(ledger, TEE_WHITE_M).variant_id
    before = on_hand(ledger, tee)
    app = make_app(clock=None)  # the real clock: scans come after the stock was received
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_count_screen(app, pilot)
        post_burst(app, f"*2\n{TEE_WHITE_M}\n")
        await settle(pilot)
        await pilot.press("f9")
        assert isinstance(app.screen, ApprovalModal)
        for key in (*DEMO_MANAGER[0], "enter", *DEMO_MANAGER[3], "enter"):
            await pilot.press(key)
        await settle(pilot)
        review = str(app.screen.query_one("#scanning-log", Static).content)
        await pilot.press("f10")
        for key in (*DEMO_MANAGER[0], "enter", *DEMO_MANAGER[3], "enter"):
            await pilot.press(key)
        await settle(pilot)
        said = str(app.screen.query_one("#scanning-message", Static).content)
    assert f"RLT-WHI-M      expected {before:>4}  counted    2  variance {2 - before:>+4}" in review
    assert said.startswith(f"Count {count_id} approved: 1 SKU adjusted")
    assert on_hand(ledger, tee) == 2
