"""A kill often lands after a sale's commit and before the till heard of it. On restart the till says which
sale came last and whether its receipt printed (the print queue knows), so the cashier never sells it again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Label

from pos.sales.checkout import card_tender, new_basket_id
from pos.sales.print_queue import claim, finish, next_queued
from pos.sales.services import complete_sale
from pos.tui.app import TillApp
from ledger_helpers import at_till
from tui_helpers import FROZEN_NOW, TEE_WHITE_M, count, message, query, scan, settle

HOODIE_XS_ID = 1  # Night Bus Hoodie, XS Black, £55.00 (variant 1 of the demo catalogue)

AppFactory = Callable[..., TillApp]


def _sold_before_the_kill(ledger: Any, *, printed: bool | None) -> None:
    """What the killed till left: its sale committed with its receipt queued, and the receipt printed
    (`printed`), cut off mid-print (False) or never queued at all (None: sold with --no-print)."""
    complete_sale(at_till(ledger, "T1", now=FROZEN_NOW), [(HOODIE_XS_ID, 1)], [card_tender(5500)],
                  queue_receipt=printed is not None, basket_id=new_basket_id())
    if printed is None:
        return
    job = next_queued(ledger, "T1")
    assert job is not None and claim(ledger, job)
    if printed:
        finish(ledger, job, "printed")


def _status(app: TillApp) -> str:
    return str(app.screen.query_one("#units", Label).content)


def _panel_title(app: TillApp) -> str:
    return str(app.screen.query_one("#last-sale-title", Label).content)


async def test_after_a_restart_the_till_says_its_last_sale_printed(
    make_app: AppFactory, ledger: Any, ledger_path: Path,
) -> None:
    _sold_before_the_kill(ledger, printed=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert message(app) == ("Last sale before restart: T1/000001 £55.00 at 14:30, printed.", False)
        assert _status(app) == "Last sale before restart: T1/000001 £55.00 at 14:30,\nreceipt printed."
        await pilot.press("f9")
        assert _panel_title(app) == "Before restart: printed"
        assert str(app.screen.query_one("#last-sale-receipt-no", Label).content) == "Receipt T1/000001"
        await pilot.press("escape")
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6", "enter")  # the next sale: the note has done its work
        await settle(pilot)
        assert "restart" not in _status(app)
    assert count(ledger_path, "sales") == 2


async def test_a_receipt_cut_off_mid_print_is_said_and_ctrl_y_prints_it(
    make_app: AppFactory, ledger: Any, ledger_path: Path, receipts_dir: Path,
) -> None:
    _sold_before_the_kill(ledger, printed=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # The print queue's own word on the job may follow on the message line; the status area keeps the sale.
        assert _status(app) == ("Last sale before restart: T1/000001 £55.00 at 14:30,\n"
                                "receipt may not have printed: F9, Ctrl+Y.")
        await pilot.press("f9")
        assert _panel_title(app) == "Before restart: printed?"
        await pilot.press("ctrl+y")
        await settle(pilot)
    assert count(ledger_path, "sales") == 1  # shown and printed, never sold again
    assert [row[0] for row in query(ledger_path, "SELECT document FROM print_jobs ORDER BY id")] == ["receipt", "copy"]
    assert any(receipts_dir.glob("*"))


async def test_a_sale_recorded_without_a_receipt_says_not_printed(make_app: AppFactory, ledger: Any) -> None:
    _sold_before_the_kill(ledger, printed=None)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert message(app) == (
            "Last sale before restart: T1/000001 £55.00 at 14:30, not printed: F9 then Ctrl+Y to print.", False,
        )


async def test_a_till_with_no_sales_yet_says_nothing_of_a_restart(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "restart" not in message(app)[0]
