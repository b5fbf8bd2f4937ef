"""Work that must run in a fresh process of its own, so its memory is its own: `python -m bench.child KIND JSON`.

Prints one JSON object on stdout. Kinds:
- import:  the catalogue CSVs through inventory.imports (mode "product"), the same rows with raw
           sqlite3 (mode "raw"), or everything but the import itself (mode "idle", the memory baseline)
- memory:  sales through the services the till calls (scan look-up, basket, complete_sale), with the
           peak resident memory after the first few and after all of them
"""

from __future__ import annotations

import csv
import json
import resource
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux carries that over exec from
    the parent that forked us, so a child of a big process would report the parent's size."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def current_rss_kib() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def _import(args: dict[str, Any]) -> dict[str, Any]:
    folder = Path(args["folder"])
    ledger = Path(args["ledger"])
    mode = args["mode"]
    if mode == "raw":
        started = time.perf_counter()
        _raw_import(ledger, folder)
        return {"seconds": time.perf_counter() - started, "peak_rss_kib": peak_rss_kib()}
    from common.values import Actor
    from inventory.db import UnitOfWork
    from inventory.imports import import_participants, import_products, import_stock
    from pos.ledger import open_ledger

    engine = open_ledger(f"sqlite:///{ledger}")
    before = peak_rss_kib()
    if mode == "idle":
        return {"seconds": 0.0, "peak_rss_kib": before, "before_kib": before}
    started = time.perf_counter()
    steps = {}
    for name, call in (
        ("participants", lambda: import_participants(UnitOfWork(engine, Actor("bench")), folder / "participants.csv")),
        ("products", lambda: import_products(UnitOfWork(engine, Actor("bench")), folder / "products.csv")),
        ("stock", lambda: import_stock(UnitOfWork(engine, Actor("bench")), folder / "stock.csv")),
    ):
        step = time.perf_counter()
        result = call()
        steps[name] = {"seconds": time.perf_counter() - step, "rows": result.rows}
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "steps": steps, "peak_rss_kib": peak_rss_kib(), "before_kib": before}


def _raw_import(ledger: Path, folder: Path) -> None:
    """The same rows with the standard library: parse, then one transaction per file (pragmas as the product)."""
    from inventory.ean import in_store_ean13
    from common.clock import utc_naive, utc_now
    from common.money import parse_percent_bp, parse_pounds

    connection = sqlite3.connect(ledger, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=10000", "synchronous=FULL"):
        connection.execute(f"PRAGMA {pragma}")

    def stamp() -> str:  # created_at from the clock, as the importers write it
        return utc_naive(utc_now()).isoformat(sep=" ")

    def rows(name: str) -> list[dict[str, str]]:
        with open(folder / name, encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO participants (code, display_name, story, linkedin_url, consent_to_publish, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(r["code"], r["name"], r.get("story", ""), r.get("linkedin_url", ""), r.get("consent", "") == "yes", stamp())
         for r in rows("participants.csv")],
    )
    connection.execute("COMMIT")
    participants = dict(connection.execute("SELECT code, id FROM participants").fetchall())
    products: dict[str, int] = {}
    shares, variants = [], []
    sequence = 0
    connection.execute("BEGIN IMMEDIATE")
    for r in rows("products.csv"):
        design = r["design"]
        if design not in products:
            products[design] = connection.execute(
                "INSERT INTO products (name, category, vat_rate_bp, created_at) VALUES (?, ?, ?, ?)",
                (design, r.get("category", ""), parse_percent_bp(r.get("vat_rate") or "20"), stamp()),
            ).lastrowid
            for part in r["designers"].split(";"):
                code, _, percent = part.partition(":")
                shares.append((products[design], participants[code], parse_percent_bp(percent) if percent else 10_000))
        barcode = r.get("barcode", "")
        if not barcode:
            sequence += 1
            barcode = in_store_ean13(10_000_000 + sequence)
        variants.append((r["sku"], products[design], r.get("size", ""), r.get("colour", ""), parse_pounds(r["price"]), barcode))
    connection.executemany("INSERT INTO designer_shares (product_id, participant_id, share_bp) VALUES (?, ?, ?)", shares)
    connection.executemany(
        "INSERT INTO variants (sku, product_id, size, colour, price_pence, barcode) VALUES (?, ?, ?, ?, ?, ?)", variants
    )
    connection.execute("COMMIT")
    skus = dict(connection.execute("SELECT sku, id FROM variants").fetchall())
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, created_at) "
        "VALUES (?, ?, 'received', ?, 'bench', ?)",
        [(skus[r["sku"]], int(r["quantity"]), r.get("note", ""), stamp()) for r in rows("stock.csv")],
    )
    connection.execute("COMMIT")
    connection.close()


def _memory(args: dict[str, Any]) -> dict[str, Any]:
    from inventory.catalog import find_for_entry
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.sales.basket import Basket
    from pos.sales.checkout import card_tender
    from pos.sales.services import complete_sale

    engine = open_ledger(f"sqlite:///{args['ledger']}")
    barcodes: list[str] = args["barcodes"]
    checkpoint, sales = args["checkpoint"], args["sales"]
    marks: dict[str, Any] = {}
    started = time.perf_counter()
    for number in range(1, sales + 1):
        basket = Basket()
        for offset in range(3):
            basket.add(find_for_entry(engine, barcodes[(number * 3 + offset) % len(barcodes)])[0])
        complete_sale(UnitOfWork(engine, Actor("", "bench-memory")), basket.items(), [card_tender(basket.total_pence)])
        if number == checkpoint:
            marks["checkpoint"] = {"sales": number, "peak_rss_kib": peak_rss_kib(), "rss_kib": current_rss_kib()}
    marks["end"] = {"sales": sales, "peak_rss_kib": peak_rss_kib(), "rss_kib": current_rss_kib()}
    marks["seconds"] = time.perf_counter() - started
    engine.dispose()
    return marks


def _memory_app(args: dict[str, Any]) -> dict[str, Any]:
    """The same sales through the till itself (TillApp, headless): three scans, F6, Enter, per sale."""
    import asyncio

    from textual import events

    from pos.config import Settings
    from pos.ledger import open_ledger
    from pos.tui.app import TillApp
    from receipts.printers import PrinterSettings

    engine = open_ledger(f"sqlite:///{args['ledger']}")
    from bench.ledgers import bench_cashier

    app = TillApp(
        lambda: engine, "bench-memory-app", Settings(printer=PrinterSettings(kind="none")), signed_in=bench_cashier(engine)
    )
    barcodes: list[str] = args["barcodes"]
    checkpoint, sales = args["checkpoint"], args["sales"]
    marks: dict[str, Any] = {}

    async def until(condition: Any, what: str) -> None:
        deadline = time.monotonic() + 30
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the till never got to: {what}")
            await asyncio.sleep(0.002)

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            sale_screen = app.screen
            started = time.perf_counter()
            lap = [started]
            for number in range(1, sales + 1):
                for offset in range(3):
                    for character in barcodes[(number * 3 + offset) % len(barcodes)] + "\r":
                        app.post_message(events.Key("enter" if character == "\r" else character, character))
                await until(lambda: len(app.core.basket.lines) == 3, "three lines in the basket")
                app.post_message(events.Key("f6", None))
                await until(lambda: len(app.screen_stack) > 2 and app.screen.is_mounted, "the card dialog")
                before = app.core.last_sale
                app.post_message(events.Key("enter", "\r"))
                await until(lambda: app.core.last_sale is not before and app.screen is sale_screen, "the sale completed")
                lap.append(time.perf_counter())
                if number == checkpoint:
                    marks["checkpoint"] = {"sales": number, "peak_rss_kib": peak_rss_kib(), "rss_kib": current_rss_kib()}
            marks["end"] = {"sales": sales, "peak_rss_kib": peak_rss_kib(), "rss_kib": current_rss_kib()}
            marks["seconds"] = time.perf_counter() - started
            marks["first_sales_s"] = lap[min(10, len(lap) - 1)] - lap[0]
            marks["last_sales_s"] = lap[-1] - lap[max(0, len(lap) - 11)]
            await until(lambda: app.core.lanes.printing.in_flight == 0, "the last receipt printed")

    asyncio.run(drive())
    with sqlite3.connect(args["ledger"]) as connection:
        marks["sales_in_ledger"] = connection.execute(
            "SELECT count(*) FROM sales s JOIN tills t ON t.id = s.till_id WHERE t.name = 'bench-memory-app'"
        ).fetchone()[0]
    engine.dispose()
    return marks


KINDS = {"import": _import, "memory": _memory, "memory-app": _memory_app}


def main() -> None:
    kind, payload = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(KINDS[kind](payload)))


if __name__ == "__main__":
    main()
