"""Helpers for driving the till in Pilot tests and reading the ledger back with plain sqlite3."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

FROZEN_NOW = datetime(2025, 6, 14, 13, 30, tzinfo=UTC)  # 14:30 in London

# From the demo catalogue (data/products.csv).
TEE_WHITE_M = "2000000000336"  # Recycled Logo Tee, M White, £25.00
BLOCK_TEE_M = "2000000000459"  # Block Letter Tee, M White, £24.00
HOODIE_XS = "2000000000015"  # Night Bus Hoodie, XS Black, £55.00
TOTE_SKU = "MT-NAT-OS"  # Market Tote, £15.00 (its barcode is assigned on import)


ALL_LANES = ("lookups", "sales", "printing")


async def settle(pilot: Pilot[Any], lanes: tuple[str, ...] = ALL_LANES, timeout_s: float = 20.0) -> None:
    """Wait until the till core's lanes (ledger look-ups, sales, printing) have finished and been drawn."""
    core_lanes = pilot.app.core.lanes
    for _ in range(int(timeout_s / 0.01)):
        if all(getattr(core_lanes, lane).in_flight == 0 for lane in lanes):
            break
        await pilot.pause(0.01)
    else:
        raise AssertionError(f"the till core's lanes {lanes} did not finish in {timeout_s} s")
    await pilot.pause()


async def type_in(pilot: Pilot[Any], field: str, text: str, lanes: tuple[str, ...] = ("lookups",)) -> None:
    """Type `text` into the field `field` (a selector) and press Enter, as fast as a test can, then settle `lanes`."""
    pilot.app.screen.query_one(field, Input).value = text
    await pilot.press("enter")
    await settle(pilot, lanes)


async def scan(pilot: Pilot[Any], code: str) -> None:
    """One entry in the scan field: set the text and press Enter, then settle."""
    await type_in(pilot, "#scan", code)


def post_burst(app: App[Any], typed: str) -> None:
    """Queue every key of `typed` at once, as a USB scanner delivers them ("\\r" Enter, "\\n" line feed)."""
    for character in typed:
        key = {"\r": "enter", "\n": "ctrl+j"}.get(character, character)
        app.post_message(events.Key(key, character))


def query(ledger_path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(ledger_path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def on_hand(ledger_path: Path, barcode: str) -> int:
    rows = query(
        ledger_path,
        "SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movements m "
        "JOIN variants v ON v.id = m.variant_id WHERE v.barcode = ?",
        barcode,
    )
    return int(rows[0][0])


def count(ledger_path: Path, table: str) -> int:
    return int(query(ledger_path, f"SELECT COUNT(*) FROM {table}")[0][0])


def message(app: App[Any]) -> tuple[str, bool]:
    """The message line's text, and whether it is shown as an error."""
    from textual.widgets import Static

    line = app.screen.query_one("#message", Static)
    return str(line.content), line.has_class("error")


def sale_screen(app: App[Any]) -> Any:
    from pos.tui.screens.sale import SaleScreen

    screen = app.screen
    assert isinstance(screen, SaleScreen), f"expected the sale screen on top, got {screen!r}"
    return screen


def basket_lines(app: App[Any]) -> list[tuple[str, int]]:
    """(sku, quantity) for each basket line, top to bottom."""
    return [(line.variant.sku, line.quantity) for line in app.core.basket.lines]
