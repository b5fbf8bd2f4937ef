"""The till and its printer, with Pilot: a printer that goes away never stops a sale; the header says how many
documents wait; they print by themselves, in order and once each, when it answers; Ctrl+N tries at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Label

from fake_printer import FakePrinter
from pos.config import Settings
from pos.tui.app import TillApp
from receipts.printers import PrinterSettings
from tui_helpers import TEE_WHITE_M, count, message, query, scan, settle

AppFactory = Callable[..., TillApp]


def _network(printer: FakePrinter) -> Settings:
    return replace(Settings(), printer=PrinterSettings(kind="network", host="127.0.0.1", port=printer.port,
                                                       timeout_s=0.5))


async def _sell_by_card(pilot) -> None:  # type: ignore[no-untyped-def]
    await scan(pilot, TEE_WHITE_M)
    await pilot.press("f6", "enter")
    await settle(pilot)


def _printer_state(app: TillApp) -> tuple[bool, str]:
    label = app.screen.query_one("#printer-state", Label)
    return label.display, str(label.content)


@pytest.mark.parametrize("fault", ["refuse", "silent", "reset"])
async def test_a_printer_that_goes_away_holds_receipts_back_and_prints_each_once_when_back(
    make_app: AppFactory, ledger_path: Path, fault: str
) -> None:
    """Refuses the connection; accepts it and never reads; resets it after 16 bytes."""
    with FakePrinter(fault) as printer:
        app = make_app(settings=_network(printer))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await _sell_by_card(pilot)
            await _sell_by_card(pilot)
            assert count(ledger_path, "sales") == 2  # the sales stand
            assert _printer_state(app) == (True, "Printer: 2 waiting")
            text, is_error = message(app)
            assert is_error and "2 documents waiting" in text and "Ctrl+N" in text
            assert query(ledger_path, "SELECT state FROM print_jobs ORDER BY id") == [("queued",), ("queued",)]

            printer.restart("printer")
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert printer.wait_for(2)
            assert _printer_state(app)[0] is False
            assert query(ledger_path, "SELECT state FROM print_jobs ORDER BY id") == [("printed",), ("printed",)]
            await pilot.press("ctrl+n")  # nothing waits: nothing prints again
            await settle(pilot)
    assert printer.receipts == 2
    first, second = printer.documents()
    assert b"T1/000001" in first and b"T1/000002" in second


async def test_a_receipt_left_in_the_queue_prints_when_the_till_starts(make_app: AppFactory, ledger_path: Path) -> None:
    with FakePrinter("refuse") as printer:
        app = make_app(settings=_network(printer))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await _sell_by_card(pilot)
        printer.restart("printer")
        again = make_app(settings=_network(printer))
        async with again.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert printer.wait_for(1)
            await settle(pilot)
    assert printer.receipts == 1
    assert query(ledger_path, "SELECT state FROM print_jobs") == [("printed",)]


async def test_the_till_tries_a_printer_that_refused_again_by_itself(make_app: AppFactory, ledger_path: Path) -> None:
    with FakePrinter("refuse") as printer:
        app = make_app(settings=_network(printer))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await _sell_by_card(pilot)
            assert _printer_state(app) == (True, "Printer: 1 waiting")
            printer.restart("printer")
            for _ in range(100):  # the first retry comes 2 s after the refusal, checked every second
                await pilot.pause(0.1)
                if printer.receipts:
                    break
            await settle(pilot)
            assert printer.receipts == 1 and _printer_state(app)[0] is False
