"""The returns screen (F10): return to cash and an exchange, keyboard only, asserted on the ledger; and how it looks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from common.values import Actor
from inventory.db import UnitOfWork
from pos.config import Settings
from pos.shifts.services import move_cash
from pos.staff.services import staff_member
from pos.tui.app import TillApp
from pos.tui.screens.returns import ReturnsScreen
from pos.demo import DEMO_MANAGER
from tui_helpers import BLOCK_TEE_M, HOODIE_XS, TEE_WHITE_M, message, on_hand, query, scan, settle, type_in

SIZE = (80, 24)


async def _sell_by_card(pilot: Pilot[Any], *codes: str) -> None:
    for code in codes:
        await scan(pilot, code)
    await pilot.press("f6", "enter")
    await settle(pilot)
    await pilot.pause()


async def _open_receipt(pilot: Pilot[Any], reference: str) -> None:
    await pilot.press("f10")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReturnsScreen)
    await type_in(pilot, "#returns-scan", reference)


async def _approve(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await type_in(pilot, "#approval-code", DEMO_MANAGER[0])
    await type_in(pilot, "#approval-pin", DEMO_MANAGER[3])
    await settle(pilot)
    await pilot.pause()


async def test_return_to_cash_with_a_managers_approval(ledger: Any, ledger_path: Path, make_app: Callable[..., TillApp]) -> None:
    manager = staff_member(ledger, DEMO_MANAGER[0])
    move_cash(UnitOfWork(ledger, Actor(manager.code, "T1", staff=manager)), "paid_in", 3000, "Change from the bank", manager)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _sell_by_card(pilot, TEE_WHITE_M, BLOCK_TEE_M, TEE_WHITE_M)  # £25 × 2 + £24, by card
        stock_before = on_hand(ledger_path, TEE_WHITE_M)
        await _open_receipt(pilot, "T1/000001")
        assert "Select a line" in message(app)[0]
        await pilot.press("f7")  # how many of the first line (the tee, 2 sold) come back
        await pilot.pause()
        await type_in(pilot, "#quantity", "1")
        assert "Refund £25.00: £25.00 to card" in str(app.screen.query_one("#returns-summary").render())
        await pilot.press("f5")  # the manager chooses cash
        await _approve(pilot)
        text, error = message(app)
        assert not error and "Refunded £25.00: £25.00 to cash. Slip T1/000002." in text, text
    assert query(ledger_path, "SELECT receipt_no, total_pence, approved_by_id IS NOT NULL FROM refunds") == [(2, 2500, 1)]
    assert query(ledger_path, "SELECT tender, amount_pence FROM refund_payments") == [("cash", 2500)]
    assert on_hand(ledger_path, TEE_WHITE_M) == stock_before + 1  # back on the shelf
    assert query(ledger_path, "SELECT action FROM audit_events WHERE action = 'refund'") == [("refund",)]


async def test_a_cash_refund_the_drawer_cannot_pay_is_refused_plainly(
        ledger_path: Path, make_app: Callable[..., TillApp]) -> None:
    app = make_app()  # the shift's float is £0.00 and the sale is by card: no cash in the drawer
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _sell_by_card(pilot, TEE_WHITE_M)
        await _open_receipt(pilot, "T1/000001")
        await pilot.press("f7")
        await pilot.pause()
        await type_in(pilot, "#quantity", "1")
        await pilot.press("f5")  # the manager chooses cash
        await _approve(pilot)
        text, error = message(app)
        assert error and "The drawer should hold £0.00: a refund of £25.00 in cash cannot come out of it" in text, text
        assert isinstance(app.screen, ReturnsScreen)  # still on the return, to choose card instead
    assert query(ledger_path, "SELECT COUNT(*) FROM refunds") == [(0,)]


async def test_an_exchange_for_a_dearer_item_paid_by_card(ledger: Any, ledger_path: Path, make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _sell_by_card(pilot, TEE_WHITE_M)  # £25
        await _open_receipt(pilot, "T1/000001")
        await pilot.press("f7")
        await pilot.pause()
        await type_in(pilot, "#quantity", "1")
        await pilot.press("f8")  # it came back damaged
        await pilot.press("f4")  # exchange: scan the new items
        await pilot.pause()
        await type_in(pilot, "#returns-scan", HOODIE_XS)  # £55
        assert "The customer pays £30.00" in str(app.screen.query_one("#returns-summary").render())
        await pilot.press("f10")  # card first is no answer when the customer owes: it asks for cash or card
        await pilot.pause()
        assert message(app) == ("The customer pays £30.00 on top: F5 in cash or F6 by card.", True)
        await pilot.press("f6")
        await _approve(pilot)
        text, error = message(app)
        assert not error and "Exchanged: refund T1/000002, new sale T1/000003; the customer paid £30.00." in text, text
    assert query(ledger_path, "SELECT tender, amount_pence FROM payments WHERE sale_id = 2 ORDER BY tender") == [
        ("card", 3000), ("exchange", 2500),
    ]
    assert query(ledger_path, "SELECT tender, amount_pence FROM refund_payments") == [("exchange", 2500)]
    assert query(ledger_path, "SELECT damaged FROM refund_lines") == [(1,)]
    assert query(ledger_path, "SELECT action FROM audit_events WHERE action = 'exchange'") == [("exchange",)]


async def test_a_refund_slip_reference_and_a_refused_approval_change_nothing(
    ledger: Any, ledger_path: Path, make_app: Callable[..., TillApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _sell_by_card(pilot, TEE_WHITE_M)
        await _open_receipt(pilot, "T1/000099")
        assert message(app) == ("There is no receipt T1/000099 in the ledger. Check the till name and the receipt number.", True)
        await type_in(pilot, "#returns-scan", "T1/000001")
        await pilot.press("f10")
        await pilot.pause()
        assert message(app)[1] and "F7 for how many" in message(app)[0]
        await pilot.press("f7")
        await pilot.pause()
        await type_in(pilot, "#quantity", "1")
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("escape")  # the manager does not approve
        await pilot.pause()
        assert message(app) == ("Not approved: nothing was refunded.", True)
        await pilot.press("escape")  # back to the sale
        await pilot.pause()
        assert not isinstance(app.screen, ReturnsScreen)
    assert query(ledger_path, "SELECT count(*) FROM refunds") == [(0,)]


@pytest.fixture
def till(make_app: Callable[..., TillApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ledger: Any) -> TillApp:
    monkeypatch.chdir(tmp_path)
    return make_app(settings=Settings().with_receipts_in(Path("receipts")))


def test_the_returns_screen_with_a_line_chosen(snap_compare: Any, till: TillApp) -> None:
    async def chosen(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await _sell_by_card(pilot, TEE_WHITE_M, BLOCK_TEE_M, TEE_WHITE_M)
        await _open_receipt(pilot, "T1/000001")
        await pilot.press("f7")
        await pilot.pause()
        await type_in(pilot, "#quantity", "2")
        await pilot.press("down", "f7")
        await pilot.pause()
        await type_in(pilot, "#quantity", "1")
        await pilot.press("f8")
        await pilot.pause()
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False  # type: ignore[attr-defined]

    assert snap_compare(till, terminal_size=SIZE, run_before=chosen)


async def test_f10_and_the_command_palette_list_the_returns_actions(ledger: Any, make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sale_titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Returns" in sale_titles
        await pilot.press("f10")
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Refund", "Refund to cash", "Refund to card", "Exchange", "Return: damaged"} <= set(titles)
