"""A manager approves over the cashier's screen with their code and PIN; nobody signs out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Input, Label

from common.values import StaffMember
from pos.staff.audit import audit_trail
from pos.tui.app import TillApp
from pos.tui.screens.approval import ApprovalModal
from pos.demo import DEMO_CASHIER, DEMO_MANAGER
from tui_helpers import settle, type_in

# The tills' test ledger is the demo ledger, with its demo manager and cashier.
MGR, MGR_PIN = DEMO_MANAGER[0], DEMO_MANAGER[3]
CASHIER, CASHIER_PIN, CASHIER_NAME = DEMO_CASHIER[0], DEMO_CASHIER[3], DEMO_CASHIER[1]


def _error(app: TillApp) -> str:
    return str(app.screen.query_one("#approval-error", Label).render())


async def test_a_manager_approves_with_code_and_pin_after_a_wrong_try(ledger: Any, make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    answers: list[StaffMember | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ApprovalModal(app.core, "A refund"), answers.append)
        await pilot.pause()
        await type_in(pilot, "#approval-code", MGR)
        await type_in(pilot, "#approval-pin", "0000")
        assert "Wrong PIN" in _error(app) and app.screen.query_one("#approval-pin", Input).value == ""
        assert answers == []
        await type_in(pilot, "#approval-pin", MGR_PIN)
        assert [member.code if member else None for member in answers] == [MGR]
    assert ("failed_sign_in", MGR, "T1") in [(e.action, e.staff, e.till) for e in audit_trail(ledger)]


async def test_a_cashier_cannot_approve_and_escape_cancels(ledger: Any, make_app: Callable[..., TillApp]) -> None:
    app = make_app()
    answers: list[StaffMember | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ApprovalModal(app.core, "Cancelling the basket"), answers.append)
        await pilot.pause()
        await type_in(pilot, "#approval-code", CASHIER)
        await type_in(pilot, "#approval-pin", CASHIER_PIN)
        assert f"{CASHIER_NAME} is not a manager" in _error(app)
        await pilot.press("escape")
        await pilot.pause()
        assert answers == [None]


async def test_code_enter_pin_enter_typed_straight_on_approves_and_never_shows_the_pin(
    ledger: Any, make_app: Callable[..., TillApp]
) -> None:
    from tui_helpers import post_burst

    app = make_app()
    answers: list[StaffMember | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ApprovalModal(app.core, "A refund"), answers.append)
        await pilot.pause()
        post_burst(app, f"{MGR}\r{MGR_PIN}")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#approval-code", Input).value == MGR
        assert answers == []  # nothing is checked before the Enter after the PIN
        post_burst(app, "\r")
        await settle(pilot, ("lookups",))
        await pilot.pause()
        assert [member.code if member else None for member in answers] == [MGR]
