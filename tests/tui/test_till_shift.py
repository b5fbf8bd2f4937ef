"""The shift at the till: a till with no shift asks for the float before it sells; the manager menu pays
cash in and out and closes the shift (the Z) with the drawer counted by notes and coins."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common.values import Actor
from inventory.db import UnitOfWork
from pos.config import Settings
from pos.demo import DEMO_CASHIER
from pos.sales.tills import register_till
from pos.staff.services import staff_member
from pos.tui.app import TillApp
from pos.tui.screens.shift import CashMovementModal, CloseShiftModal, OpenShiftModal
from test_till_manager import manager_menu
from tui_helpers import FROZEN_NOW, TEE_WHITE_M, basket_lines, message, post_burst, query, scan, settle


def _till_without_shift(ledger: Any, settings: Settings) -> TillApp:
    """Till T2, registered but with no shift open, the demo cashier serving."""
    register_till(UnitOfWork(ledger, Actor("test set-up")), "T2")
    return TillApp(lambda: ledger, "T2", settings, clock=lambda: FROZEN_NOW,
                   signed_in=staff_member(ledger, DEMO_CASHIER[0]))


def _shifts(ledger_path: Path, till: str) -> list[tuple[Any, ...]]:
    return query(ledger_path, "SELECT s.float_pence, st.code FROM shifts s JOIN tills t ON t.id = s.till_id "
                              "LEFT JOIN staff st ON st.id = s.opened_by_id WHERE t.name = ? ORDER BY s.id", till)


async def test_a_till_with_no_shift_asks_for_the_float_then_sells(ledger: Any, ledger_path: Path, settings: Settings) -> None:
    app = _till_without_shift(ledger, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OpenShiftModal), "the till asks for a float as it opens"
        await pilot.press("escape")  # not now
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, OpenShiftModal), "taking payment asks again"
        assert _shifts(ledger_path, "T2") == []
        post_burst(app, "1o0\r")  # a slip first: refused in the dialog, nothing opened
        await settle(pilot)
        assert "not an amount in pounds" in str(app.screen.query_one("#shift-error").content)
        app.screen.query_one("#float").value = ""
        post_burst(app, "120.50\r")
        await settle(pilot)
        assert not isinstance(app.screen, OpenShiftModal)
        assert _shifts(ledger_path, "T2") == [(12050, DEMO_CASHIER[0])]
        assert "Shift" in message(app)[0] and "£120.50" in message(app)[0]
        await pilot.press("f5", "enter")  # exact cash
        await settle(pilot)
        assert basket_lines(app) == []
    [(shift_of_sale,)] = query(ledger_path, "SELECT shift_id FROM sales")
    assert shift_of_sale is not None


async def test_paid_out_and_the_z_counted_by_notes_and_coins_at_the_till(
    make_app: Callable[..., TillApp], ledger_path: Path, receipts_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f5")
        post_burst(app, "30\r")  # £30 for a £25 tee: £5 change
        await settle(pilot)
        await manager_menu(pilot)
        await pilot.press("6")  # paid out
        assert isinstance(app.screen, CashMovementModal)
        post_burst(app, "2.40\rMilk for the staff room\r")
        await settle(pilot)
        assert "drawer should now hold £22.60" in message(app)[0]  # float 0 + 25 - 2.40

        await manager_menu(pilot)
        await pilot.press("8")  # close the shift
        await settle(pilot)
        assert isinstance(app.screen, CloseShiftModal)
        # no £50, one £20, one £1, two 20p, typed as fast as keys come: £21.40, £1.20 short
        post_burst(app, "\r1\r\r\r\r1\r\r2\r\r\r\r\rCounted twice\r")
        await settle(pilot)
        assert not isinstance(app.screen, CloseShiftModal)
        await settle(pilot)  # the backup is taken on the printing lane
        [backup] = (ledger_path.parent / "backups").glob("ledger-*-T1-shift-*.sqlite")
        [pdf] = (ledger_path.parent / "reports").glob("z-T1-shift-*.pdf")
        assert message(app)[0] == (
            "Shift 2 closed: expected £22.60, counted £21.40, £1.20 short. "
            f"Z saved in {pdf.parent}/. Printed. Ledger backed up in {backup.parent}/.")
        assert (receipts_dir / "z-T1-shift-2.bin").exists()
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, OpenShiftModal), "after the Z the next sale needs a new shift"
    [(expected, counted, variance, cash_count, note)] = query(
        ledger_path, "SELECT expected_cash_pence, counted_cash_pence, variance_pence, cash_count, note FROM shift_closes")
    assert (expected, counted, variance, note) == (2260, 2140, -120, "Counted twice")
    assert json.loads(cash_count) == {"2000": 1, "100": 1, "20": 2}
    assert query(ledger_path, "SELECT kind, amount_pence, reason FROM cash_movements") == [
        ("paid_out", 240, "Milk for the staff room")]


async def test_the_x_at_the_till_prints_the_shift_so_far_and_closes_nothing(
    make_app: Callable[..., TillApp], ledger_path: Path, receipts_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6", "enter")  # card
        await settle(pilot)
        await manager_menu(pilot)
        await pilot.press("7")  # the X
        await settle(pilot)
        [pdf] = (ledger_path.parent / "reports").glob("x-T1-shift-*.pdf")
        assert message(app)[0].startswith("X of shift 2: 1 sale, net £25.00, the drawer should hold £0.00.")
        assert f"Saved in {pdf.parent}/. Printed." in message(app)[0]
        assert (receipts_dir / "x-T1-shift-2.bin").exists()
        assert app.core.shift is not None and app.core.shift.is_open
    assert query(ledger_path, "SELECT count(*) FROM shift_closes") == [(0,)]


async def test_a_z_closed_just_before_the_till_stopped_is_kept_when_it_starts(
    ledger: Any, make_app: Callable[..., TillApp], ledger_path: Path, receipts_dir: Path
) -> None:
    from pos.demo import DEMO_MANAGER
    from pos.shifts.services import close_shift

    manager = staff_member(ledger, DEMO_MANAGER[0])
    # The Z committed, then the till was killed: no PDF, nothing printed, no backup.
    close_shift(UnitOfWork(ledger, Actor.signed_in(manager, "T1", lambda: FROZEN_NOW)), manager, counted_pence=0)
    assert not (ledger_path.parent / "reports").exists()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await settle(pilot)  # kept on the printing lane
        assert isinstance(app.screen, OpenShiftModal)  # the next shift's float is asked for, as always
        text = str(app.screen_stack[-2].query_one("#message").content)  # on the sale screen, below the dialog
        assert text.startswith("Shift 2 closed: expected £0.00, counted £0.00, the drawer is right, before the till "
                               "stopped; its Z is kept now. Z saved in "), text
        assert len(list((ledger_path.parent / "reports").glob("z-T1-shift-2-*.pdf"))) == 1
        assert (receipts_dir / "z-T1-shift-2.bin").exists()
        assert len(list((ledger_path.parent / "backups").glob("ledger-*-T1-shift-2.sqlite"))) == 1
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:  # the next start has nothing more to keep
        await settle(pilot)
        await settle(pilot)
        assert str(app.screen_stack[-2].query_one("#message").content) == \
            "Till T1 has no shift open: count the float to open one."
