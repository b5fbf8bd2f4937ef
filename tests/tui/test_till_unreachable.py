"""A PostgreSQL ledger that drops off the network mid-shift (a loopback proxy the test cuts): the till says
the ledger cannot be reached, keeps the paid sale and keeps serving, and records the sale once when it is back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from textual.widgets import Label

from inventory.db import make_engine
from pos.config import Settings
from pos.tui.app import TillApp
from ledger_helpers import staffed
from slow_link import cuttable_link
from tui_helpers import BLOCK_TEE_M, TEE_WHITE_M, basket_lines, message, scan, settle

pytestmark = pytest.mark.skipif(not os.environ.get("POS_TEST_DATABASE_URL"), reason="a PostgreSQL server over TCP")


def _sales(engine: Engine) -> list[tuple[int, int]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT receipt_no, total_pence FROM sales"))]


async def test_the_till_keeps_a_paid_sale_while_the_ledger_is_unreachable(demo_engine: Engine, tmp_path: Path) -> None:
    cashier = staffed(demo_engine, ("MGR", "Sam", "manager", "2468"))["MGR"]
    with cuttable_link("127.0.0.1", make_url(demo_engine.url).port or 5432) as link:
        linked = make_engine(
            make_url(demo_engine.url).set(host="127.0.0.1", port=link.port).render_as_string(hide_password=False)
        )
        app = TillApp(lambda: linked, "till-1", Settings().with_receipts_in(tmp_path), signed_in=cashier)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await scan(pilot, TEE_WHITE_M)
            link.cut()  # the cable is kicked
            await pilot.press("f6", "enter")  # the card terminal approved it: the sale must be recorded
            for _ in range(300):
                if "unreachable" in str(app.screen.query_one("#units", Label).content):
                    break
                await pilot.pause(0.01)
            assert "Saving sale... (ledger unreachable)" in str(app.screen.query_one("#units", Label).content)
            text_said, error = message(app)
            assert text_said.startswith("Saving the sale: the ledger cannot be reached") and error
            await scan(pilot, BLOCK_TEE_M)  # the next customer is served from what the till knows
            assert basket_lines(app) == [("BLT-WHI-M", 1)]
            assert _sales(demo_engine) == []
            link.restore()
            await settle(pilot, ("sales",), timeout_s=30)
            await pilot.pause(0.1)
            assert "Saving" not in str(app.screen.query_one("#units", Label).content)
            assert basket_lines(app) == [("BLT-WHI-M", 1)]
        linked.dispose()
    assert _sales(demo_engine) == [(1, 2500)]
