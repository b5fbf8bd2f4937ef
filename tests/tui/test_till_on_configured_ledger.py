"""The scanner-to-receipt path on the configured test ledger: SQLite, or PostgreSQL when
POS_TEST_DATABASE_URL is set (the other till tests use a SQLite copy of the demo ledger)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from textual.widgets import Digits, Input, Label

from inventory.catalog import look_up_code
from inventory.db import read_session
from inventory.stock import on_hand
from pos.config import Settings
from pos.ledger import open_ledger
from pos.sales.models import LineAttribution, Payment, Sale, SaleLine
from pos.sales.tills import register_till
from pos.tui.app import TillApp
from pos.tui.screens.modals import CashModal
from common.values import StaffMember
from ledger_helpers import by, open_shift_on, staffed
from slow_link import slow_link
from tui_helpers import BLOCK_TEE_M, FROZEN_NOW, TEE_WHITE_M, basket_lines, message, post_burst, sale_screen, settle


def _cashier(engine: Engine) -> StaffMember:
    """A cashier signed in at the till (the till opens on its sign-in screen otherwise)."""
    return staffed(engine, ("MGR", "Morgan Test", "manager", "9999"), ("CSH", "Robin Test", "cashier", "1111"))["CSH"]


def _till_t9(engine: Engine, folder: Path) -> TillApp:
    """The till on a new till T9 of `engine`, its shift open, a cashier signed in, its receipts in `folder`."""
    register_till(by(engine), "T9")
    open_shift_on(engine, "T9")
    return TillApp(
        lambda: engine, "T9", Settings().with_receipts_in(folder / "receipts"), clock=lambda: FROZEN_NOW,
        signed_in=_cashier(engine),
    )


async def test_two_scans_in_a_burst_then_cash_50_on_the_configured_ledger(demo_engine: Engine, tmp_path: Path) -> None:
    tees = [look_up_code(demo_engine, code) for code in (TEE_WHITE_M, BLOCK_TEE_M)]
    stock_before = [on_hand(demo_engine, tee.variant_id) for tee in tees]
    app = _till_t9(demo_engine, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        post_burst(app, f"{TEE_WHITE_M}\r{BLOCK_TEE_M}\r")  # digits, Enter, digits, Enter: one burst
        await pilot.pause()
        assert basket_lines(app) == [("RLT-WHI-M", 1), ("BLT-WHI-M", 1)]
        await pilot.press("f5")
        assert isinstance(app.screen, CashModal)
        await pilot.press("5", "0", "enter")
        await settle(pilot)
        await pilot.pause()
        assert sale_screen(app).query_one("#change", Digits).value == "£1.00"

    with read_session(demo_engine) as session:
        sale = session.execute(select(Sale)).scalar_one()
        assert (sale.receipt_no, sale.total_pence, sale.vat_pence) == (1, 4900, 417 + 400)
        assert sorted(session.execute(select(SaleLine.sku, SaleLine.line_total_pence)).all()) == [
            ("BLT-WHI-M", 2400), ("RLT-WHI-M", 2500),
        ]
        assert session.execute(select(Payment.tendered_pence, Payment.change_pence)).one() == (5000, 100)
        assert sum(session.execute(select(LineAttribution.gross_pence)).scalars()) == 4900
    assert [on_hand(demo_engine, tee.variant_id) for tee in tees] == [level - 1 for level in stock_before]
    receipt = (tmp_path / "receipts" / "T9-000001.bin").read_bytes().decode("cp858")
    assert "Recycled Logo Tee" in receipt and "Block Letter Tee" in receipt and "£1.00" in receipt


async def test_the_till_paints_first_and_adds_scans_typed_while_the_ledger_opens(
    demo_engine: Engine, tmp_path: Path
) -> None:
    import threading

    opened = threading.Event()

    def slow_connect() -> Engine:
        opened.wait(timeout=10)
        return demo_engine

    register_till(by(demo_engine), "T9")
    open_shift_on(demo_engine, "T9")
    app = TillApp(slow_connect, "T9", Settings().with_receipts_in(tmp_path / "receipts"), signed_in=_cashier(demo_engine))
    async with app.run_test(size=(80, 24)) as pilot:
        post_burst(app, f"{TEE_WHITE_M}\r")  # the cashier scans before the ledger is open
        await pilot.pause()
        assert basket_lines(app) == []
        opened.set()
        await settle(pilot)
        await pilot.pause()
        assert basket_lines(app) == [("RLT-WHI-M", 1)]


async def test_a_ledger_that_will_not_open_is_a_message_not_a_crash(tmp_path: Path) -> None:
    def broken_connect() -> Engine:
        raise ConnectionRefusedError("connection to server at 127.0.0.1 port 1 refused")

    app = TillApp(
        broken_connect, "T9", Settings().with_receipts_in(tmp_path / "receipts"),
        signed_in=StaffMember(1, "CSH", "Robin Test", "cashier"),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause()
        text, is_error = message(app)
        assert is_error and text.startswith("Could not open the ledger: connection to server")
        assert app.is_running


@pytest.mark.skipif(not os.environ.get("POS_TEST_DATABASE_URL"), reason="a slow link to a PostgreSQL server (set POS_TEST_DATABASE_URL)")
async def test_over_a_slow_link_to_postgresql_scans_and_keys_never_wait(
    demo_engine: Engine, ledger_url: str, tmp_path: Path
) -> None:
    """Store Wi-Fi to the server: every reply 100 ms late. The screen keeps taking keys; scans come in order."""
    register_till(by(demo_engine), "T9")
    open_shift_on(demo_engine, "T9")
    server = make_url(ledger_url)
    with slow_link(server.host or "127.0.0.1", server.port or 5432, delay_s=0.1) as port:
        slow = open_ledger(server.set(host="127.0.0.1", port=port).render_as_string(hide_password=False))
        app = TillApp(
            lambda: slow, "T9", Settings().with_receipts_in(tmp_path / "receipts"), clock=lambda: FROZEN_NOW,
            signed_in=_cashier(demo_engine),
        )
        try:
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)  # the ledger opened (slowly)
                started = time.monotonic()
                post_burst(app, f"{TEE_WHITE_M}\r{BLOCK_TEE_M}\r{TEE_WHITE_M}\r")
                await pilot.pause()
                # Known barcodes show at once: the till read the catalogue when the ledger opened.
                assert basket_lines(app) == [("RLT-WHI-M", 2), ("BLT-WHI-M", 1)]
                assert time.monotonic() - started < 0.3
                started = time.monotonic()
                post_burst(app, "market tote\r")  # a name must be asked of the server
                await pilot.pause()
                await pilot.press("escape")  # the till answers a key while the look-up is on the wire
                answered = time.monotonic() - started
                assert app.screen.query_one("#scan", Input).value == ""
                await settle(pilot)
                looked_up = time.monotonic() - started
                assert basket_lines(app) == [("RLT-WHI-M", 2), ("BLT-WHI-M", 1), ("MT-NAT-OS", 1)]
                assert looked_up >= 0.1 and answered < looked_up  # the look-up paid the link's delay; the key did not
                await pilot.press("f6", "enter")
                assert "Saving sale..." in str(app.screen.query_one("#units", Label).content)
                await settle(pilot)
                assert app.core.last_sale is not None and app.core.last_sale.total_pence == 8900
        finally:
            slow.dispose()
    with read_session(demo_engine) as session:
        assert session.execute(select(Sale.total_pence)).scalars().all() == [8900]


async def test_a_till_connected_as_a_superuser_says_so_at_start(demo_engine: Engine, tmp_path: Path) -> None:
    """The tests connect to PostgreSQL as its superuser: the till tells whoever is there to use the till role.
    On SQLite there are no roles, and nothing is said."""
    app = _till_t9(demo_engine, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said, as_error = message(app)
    on_postgres = demo_engine.dialect.name == "postgresql"
    assert ("a superuser who could switch the ledger's guards off" in said) is on_postgres, said
    assert ("pos init --till-role" in said) is on_postgres and as_error is on_postgres
