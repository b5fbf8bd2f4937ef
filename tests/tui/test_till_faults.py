"""The till on a real disk fault: a full disk refuses the sale in plain words, keeps the basket and the till
running, and the sale goes through once there is room; a ledger on a read-only disk is said at start.

The disk is a tiny tmpfs (root only: skipped elsewhere), see tests/disk_faults.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pos.demo import DEMO_CASHIER
from pos.ledger import open_ledger
from pos.staff.services import staff_member
from pos.tui.app import TillApp
from disk_faults import fill, remount_read_only, tiny_disk
from tui_helpers import TEE_WHITE_M, basket_lines, count, message, query, scan, settle

AppFactory = Callable[..., TillApp]


async def _pay_cash(pilot, pounds: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    await pilot.press(*pounds, "enter")
    await settle(pilot)
    await pilot.pause()


async def test_a_sale_on_a_full_disk_is_refused_keeps_its_basket_and_sells_once_there_is_room(
    make_app: AppFactory, demo_ledger_template: Path, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        ledger = disk / "ledger.sqlite"
        shutil.copyfile(demo_ledger_template, ledger)
        sales_before = count(ledger, "sales")
        engine = open_ledger(f"sqlite:///{ledger}")
        try:
            app = make_app(connect=lambda: engine, signed_in=staff_member(engine, DEMO_CASHIER[0]))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await scan(pilot, TEE_WHITE_M)
                filler = fill(disk)
                await _pay_cash(pilot, "30")

                text, is_error = message(app)
                assert is_error and text.startswith("The ledger's disk is full, so nothing was written. Free some space")
                assert text.endswith("Its items are back in the basket.")
                assert basket_lines(app) == [("RLT-WHI-M", 1)] and app.is_running
                assert count(ledger, "sales") == sales_before

                filler.unlink()  # someone moves the old backups off the disk
                await _pay_cash(pilot, "30")
                text, is_error = message(app)
                assert not is_error and "Receipt T1/000001 printed" in text, text
                assert app.core.basket.is_empty()
        finally:
            engine.dispose()
        assert query(ledger, "SELECT receipt_no, total_pence FROM sales WHERE till_id = "
                             "(SELECT id FROM tills WHERE name = 'T1')") == [(1, 2500)]


async def test_a_ledger_on_a_read_only_disk_is_said_at_start_and_the_till_stays_open(
    make_app: AppFactory, demo_ledger_template: Path, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        ledger = disk / "ledger.sqlite"
        shutil.copyfile(demo_ledger_template, ledger)
        remount_read_only(disk)
        app = make_app(connect=lambda: open_ledger(f"sqlite:///{ledger}"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.pause()
            text, is_error = message(app)
            assert is_error and text.startswith(f"The ledger at {ledger} cannot be written: it is on a read-only disk")
            assert "mount it read-write" in text and app.is_running
