"""Discounts with a manager's approval, price overrides and split tender at the till (Pilot), and the
discount dialog at 80x24."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from pos.config import Settings
from pos.staff.audit import audit_trail
from pos.tui.app import TillApp
from pos.tui.screens.approval import ApprovalModal
from pos.tui.screens.discount import DiscountModal, PriceOverrideModal
from pos.tui.screens.modals import CashModal
from pos.demo import DEMO_MANAGER
from tui_helpers import BLOCK_TEE_M, HOODIE_XS, TEE_WHITE_M, count, message, query, scan, settle, type_in

MGR, MGR_PIN = DEMO_MANAGER[0], DEMO_MANAGER[3]  # the demo ledger's manager


def _units(app: TillApp) -> str:
    return str(app.screen.query_one("#units", Label).content)


async def test_a_basket_discount_over_the_threshold_is_approved_by_a_manager_then_paid(
    ledger: Any, ledger_path: Path, make_app: Callable[..., TillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for code in (TEE_WHITE_M, BLOCK_TEE_M, HOODIE_XS):  # £25 + £24 + £55 = £104
            await scan(pilot, code)
        await pilot.press("f3")
        assert isinstance(app.screen, DiscountModal)
        await pilot.press("f3")  # from the selected line to the whole basket
        assert "On the whole basket, £104.00" in str(app.screen.query_one("#discount-target", Label).content)
        await pilot.press("down", "down", "up")  # the second reason: "Damaged item"
        await type_in(pilot, "#discount-value", "15%")
        assert isinstance(app.screen, ApprovalModal)  # 15% is above the 10% a cashier may give alone
        await type_in(pilot, "#approval-code", MGR)
        await type_in(pilot, "#approval-pin", MGR_PIN)
        assert not isinstance(app.screen, ApprovalModal)
        assert app.core.basket.total_pence == 8840
        assert "Discount -£15.60" in _units(app)
        await pilot.press("f6", "enter")
        await settle(pilot)
    assert query(ledger_path, "SELECT total_pence, discount_pence FROM sales") == [(8840, 1560)]
    [entry] = [entry for entry in audit_trail(ledger) if entry.action == "discount"]
    assert (entry.approved_by, entry.detail) == (MGR, "basket 15% off (Damaged item): -£15.60")


async def test_a_cancelled_approval_changes_nothing_and_a_small_line_discount_needs_nobody(
    ledger: Any, ledger_path: Path, make_app: Callable[..., TillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, HOODIE_XS)
        await pilot.press("f3")
        await type_in(pilot, "#discount-value", "20.00")  # £20 off the £55 line: 36%
        assert isinstance(app.screen, ApprovalModal)
        await pilot.press("escape")
        await pilot.pause()
        assert app.core.basket.total_pence == 5500
        assert message(app) == ("Not changed: a 36.36% discount needs a manager.", True)
        await pilot.press("f3")
        await type_in(pilot, "#discount-value", "5.00")  # 9.1%: a cashier may
        assert app.core.basket.total_pence == 5000
        await pilot.press("f4")
        assert isinstance(app.screen, PriceOverrideModal)
        await type_in(pilot, "#override-price", "50")
        assert isinstance(app.screen, ApprovalModal)  # every override needs a manager
        await type_in(pilot, "#approval-code", MGR)
        await type_in(pilot, "#approval-pin", MGR_PIN)
        assert app.core.basket.total_pence == 4500  # £50 less the £5 line discount
        await pilot.press("f5", "enter")
        await settle(pilot)
    assert query(ledger_path, "SELECT unit_price_pence, list_price_pence, discount_pence, line_total_pence"
                              " FROM sale_lines") == [(5000, 5500, 500, 4500)]


async def test_split_tender_part_cash_then_card_and_a_payment_removed(
    ledger_path: Path, make_app: Callable[..., TillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, HOODIE_XS)
        await pilot.press("f5")
        await type_in(pilot, "#tendered", "10")
        assert not isinstance(app.screen, CashModal) and count(ledger_path, "sales") == 0
        assert "Paid £10.00, left £45.00" in _units(app)
        await pilot.press("ctrl+t")  # the £10 handed back
        assert app.core.tenders == [] and "Paid" not in _units(app)
        await pilot.press("f5")
        await type_in(pilot, "#tendered", "20")
        await pilot.press("f6", "enter")  # the rest, £35, by card
        await settle(pilot)
        assert app.core.basket.is_empty()
    assert query(ledger_path, "SELECT tender, amount_pence, tendered_pence FROM payments ORDER BY id") == [
        ("cash", 2000, 2000), ("card", 3500, 3500),
    ]


@pytest.fixture
def till(make_app: Callable[..., TillApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TillApp:
    monkeypatch.chdir(tmp_path)
    return make_app(settings=Settings().with_receipts_in(Path("receipts")))


def test_the_discount_dialog(snap_compare: Any, till: TillApp) -> None:
    async def open_it(pilot: Pilot[Any]) -> None:
        await scan(pilot, TEE_WHITE_M)
        await scan(pilot, HOODIE_XS)
        await pilot.press("f3", "1", "5", "%", "down")
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False  # type: ignore[attr-defined]

    assert snap_compare(till, terminal_size=(80, 24), run_before=open_it)
