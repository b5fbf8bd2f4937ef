"""The manager menu (F12) at the till: training sales that touch nothing, no sale, cancelling a basket."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.containers import Horizontal
from textual.widgets import Label

from pos.demo import DEMO_CASHIER, DEMO_MANAGER
from pos.tui.app import TillApp
from pos.tui.screens.manager_menu import ManagerMenuModal
from tui_helpers import TEE_WHITE_M, basket_lines, count, message, query, sale_screen, scan, settle, type_in


async def manager_menu(pilot: Pilot[Any], code: str = DEMO_MANAGER[0], pin: str = DEMO_MANAGER[3]) -> None:
    """F12, then the manager's code and PIN in the approval dialog."""
    await pilot.press("f12")
    await type_in(pilot, "#approval-code", code)
    await type_in(pilot, "#approval-pin", pin)


def audit_actions(ledger_path: Path) -> list[tuple[str, str, str]]:
    return query(
        ledger_path,
        "SELECT a.action, s.code, m.code FROM audit_events a LEFT JOIN staff s ON s.id = a.staff_id "
        "LEFT JOIN staff m ON m.id = a.approved_by_id WHERE a.action NOT IN ('staff_added', 'pin_set') ORDER BY a.id",
    )


async def test_a_training_sale_touches_nothing_and_prints_a_training_slip(
    make_app: Callable[..., TillApp], ledger_path: Path, receipts_dir: Path
) -> None:
    before = [count(ledger_path, table) for table in ("sales", "stock_movements", "payments", "line_attributions")]
    receipt_numbers = query(ledger_path, "SELECT name, last_receipt_no FROM tills ORDER BY name")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await manager_menu(pilot)
        assert isinstance(app.screen, ManagerMenuModal)
        await pilot.press("3")  # training on
        await settle(pilot)
        screen = sale_screen(app)
        assert screen.query_one("#header-bar", Horizontal).has_class("training")
        assert "TRAINING" in str(screen.query_one("#app-title", Label).content)

        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f5", "enter")
        await settle(pilot)
        assert app.core.last_sale is not None and app.core.last_sale.receipt.training
        assert basket_lines(app) == []
    assert [count(ledger_path, table) for table in ("sales", "stock_movements", "payments", "line_attributions")] == before
    assert query(ledger_path, "SELECT name, last_receipt_no FROM tills ORDER BY name") == receipt_numbers
    [slip] = receipts_dir.glob("*.bin")
    assert slip.name.startswith("training-") and slip.read_bytes().count(b"TRAINING - NOT A RECEIPT") == 2
    # the training sale's one trace: an audit entry the shift's X and Z count (no manager needed for it)
    assert audit_actions(ledger_path) == [("training_on", DEMO_CASHIER[0], DEMO_MANAGER[0]),
                                          ("training_sale", DEMO_CASHIER[0], None)]


async def test_cancelling_a_basket_needs_the_manager_and_records_its_lines(
    make_app: Callable[..., TillApp], ledger_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, TEE_WHITE_M)
        await manager_menu(pilot, DEMO_CASHIER[0], DEMO_CASHIER[3])  # a cashier cannot open the menu
        assert "not a manager" in str(app.screen.query_one("#approval-error", Label).content)
        await pilot.press("escape")
        assert basket_lines(app) == [("RLT-WHI-M", 1)]
        await manager_menu(pilot)
        await pilot.press("down", "enter")  # the second choice: cancel the basket
        await settle(pilot)
        assert basket_lines(app) == []
        assert "Basket cancelled (£25.00)." in message(app)[0]
    assert audit_actions(ledger_path) == [("basket_cancelled", DEMO_CASHIER[0], DEMO_MANAGER[0])]
    assert count(ledger_path, "sales") == 0


async def test_no_sale_opens_the_drawer_and_is_audited(
    make_app: Callable[..., TillApp], ledger_path: Path, receipts_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await manager_menu(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert "drawer is open" in message(app)[0]
    assert [path.name.startswith("drawer-") for path in receipts_dir.glob("*.bin")] == [True]
    assert audit_actions(ledger_path) == [("no_sale", DEMO_CASHIER[0], DEMO_MANAGER[0])]
