"""How the stock screen (Ctrl+S) and starting a count look at 80x24: the grid after a sale with damaged and
retired stock, low stock, a SKU's history, the count dialog with an open count to join, and a rail being scanned.

The demo catalogue is received here at a fixed moment, so a SKU's history draws the same on every run.
Update after an intended change with: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from common.values import Actor
from inventory.db import UnitOfWork
from pos.catalogue.services import retire_product
from pos.config import Settings
from pos.demo import DEMO_MANAGER
from pos.staff.services import staff_member
from pos.stock.adjustments import adjust_stock
from pos.stock.counts import start_count
from pos.tui.app import TillApp
from ledger_helpers import open_shift_on
from tui_helpers import FROZEN_NOW, HOODIE_XS, TEE_WHITE_M, post_burst, scan, settle

SIZE = (80, 24)
RECEIVED_AT = datetime(2025, 6, 13, 8, 0, tzinfo=UTC)  # the day before the till's frozen clock
HOODIE_M = "2000000000039"


@pytest.fixture(scope="module")
def demo_ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger (and till T1) as conftest makes it, but received at RECEIVED_AT; a manager damaged two
    NBH-BLA-L and retired NBH-GRE-XXL just after."""
    from inventory.imports import import_participants, import_products, import_stock
    from pos.demo import DATA_DIR, DEMO_TILL, prepare_demo_ledger
    from pos.ledger import init_ledger
    from pos.sales.tills import register_till

    path = tmp_path_factory.mktemp("stock-template") / "demo.sqlite"
    engine = init_ledger(f"sqlite:///{path}", first_till=DEMO_TILL)
    set_up = UnitOfWork(engine, Actor("demo set-up", None, lambda: RECEIVED_AT))
    import_participants(set_up, DATA_DIR / "participants.csv")
    import_products(set_up, DATA_DIR / "products.csv")
    import_stock(set_up, DATA_DIR / "stock.csv")
    engine.dispose()
    engine = prepare_demo_ledger(path)  # the catalogue is there: adds the demo staff only
    register_till(UnitOfWork(engine, Actor("test set-up")), "T1")
    open_shift_on(engine, "T1")
    manager = staff_member(engine, DEMO_MANAGER[0])
    as_manager = Actor.signed_in(manager, None, lambda: RECEIVED_AT.replace(hour=9))
    adjust_stock(UnitOfWork(engine, as_manager), "NBH-BLA-L", -2, "damaged", note="seam split", approved_by=manager)
    retire_product(UnitOfWork(engine, as_manager), "NBH-GRE-XXL", by=manager)
    engine.dispose()
    return path


@pytest.fixture
def till(make_app: Callable[..., TillApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], TillApp]:
    monkeypatch.chdir(tmp_path)
    app = make_app(settings=Settings().with_receipts_in(Path("receipts")))
    app.bell = lambda: None  # type: ignore[method-assign]
    return lambda: app


def _steady(pilot: Pilot[Any]) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


async def _opened(pilot: Pilot[Any]) -> None:
    for _ in range(2000):
        if pilot.app.core.is_open:
            break
        await pilot.pause(0.01)
    await settle(pilot)


async def _until(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    for _ in range(2000):
        if done():
            break
        await pilot.pause(0.01)
    await pilot.pause()


async def _stock_after_a_sale(pilot: Pilot[Any]) -> None:
    await _opened(pilot)
    await scan(pilot, HOODIE_M)
    await pilot.press("f6", "enter")  # by card
    await settle(pilot)
    await pilot.press("ctrl+s")
    await _until(pilot, lambda: pilot.app.screen.reading == 0)  # type: ignore[attr-defined]


class TestStockScreen:
    def test_on_hand(self, snap_compare: Any, till: Callable[[], TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _stock_after_a_sale(pilot)
            for _ in range(4):
                await pilot.press("down")  # Night Bus Hoodie, Black: its damaged stock named below
            _steady(pilot)

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)

    def test_low(self, snap_compare: Any, till: Callable[[], TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _stock_after_a_sale(pilot)
            await pilot.press("f3", "backspace", "8", "enter")  # low at 8 or fewer: NBH-BLA-L, 2 damaged
            await _until(pilot, lambda: pilot.app.screen.reading == 0)  # type: ignore[attr-defined]
            _steady(pilot)

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)

    def test_history_of_a_sku_scanned(self, snap_compare: Any, till: Callable[[], TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _stock_after_a_sale(pilot)
            post_burst(pilot.app, f"{HOODIE_M}\r")
            await _until(pilot, lambda: "oldest first" in str(pilot.app.screen.query_one("#stock-message").content))
            _steady(pilot)

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)


class TestStartingACount:
    def test_join_or_start(self, snap_compare: Any, till: Callable[[], TillApp], ledger: Any) -> None:
        start_count(UnitOfWork(ledger, Actor("Sam", None, lambda: FROZEN_NOW)), category="Hoodies")

        async def run_before(pilot: Pilot[Any]) -> None:
            await _opened(pilot)
            pilot.app.screen.action_stock_count()  # type: ignore[attr-defined]
            await settle(pilot)
            _steady(pilot)

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)

    def test_a_rail_scanned(self, snap_compare: Any, till: Callable[[], TillApp]) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await _opened(pilot)
            pilot.app.screen.action_stock_count()  # type: ignore[attr-defined]
            await settle(pilot)
            await pilot.press("down", "down", "down", "enter")
            post_burst(pilot.app, f"{TEE_WHITE_M}\n{HOODIE_XS}\n")
            await _until(pilot, lambda: len(pilot.app.screen.rail) == 2)  # type: ignore[attr-defined]
            _steady(pilot)

        assert snap_compare(till(), terminal_size=SIZE, run_before=run_before)
