"""2. Checkout commit: a 3-line sale through pos.sales.services.complete_sale against raw sqlite3.

The raw baseline does everything a sale needs with the standard library alone, on the same ledger
file with the same pragmas (WAL, foreign_keys=ON, busy_timeout, synchronous=FULL) and BEGIN
IMMEDIATE: read the three SKUs' prices and designer shares, bump the till's receipt number, insert
the sale, its lines, attributions, payment and stock movements, commit. Printing is excluded.
The two take turns, sale by sale. A second pair runs with synchronous=OFF on both sides, to show
the CPU cost alone (the fsync at commit is the same for both and hides it).

`run_basket_id` measures what the idempotent basket id adds to one commit: complete_sale with a new
basket id (the look-up of an earlier sale of that basket and the unique index) taking turns with
complete_sale without one, on the same ledger with the real pragmas.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Result, against_raw, check_foreign_keys, interleaved, median, p95
from bench.ledgers import catalogue_ledger
from common.money import split_by_weights, vat_from_gross

STAMP = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def raw_sale(connection: sqlite3.Connection, till: str, items: list[tuple[int, int]]) -> int:
    """One sale, standard library only: the same rows complete_sale writes, in one transaction."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        ids = [variant for variant, _ in items]
        marks = ",".join("?" * len(ids))
        variants = {
            row[0]: row
            for row in connection.execute(
                "SELECT v.id, v.product_id, v.sku, p.name, v.size, v.colour, v.price_pence, p.vat_rate_bp "
                f"FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id IN ({marks})", ids,
            )
        }
        shares: dict[int, list[tuple[int, int]]] = {}
        for product_id, participant_id, share in connection.execute(
            f"SELECT product_id, participant_id, share_bp FROM designer_shares WHERE product_id IN "
            f"({','.join('?' * len(variants))}) ORDER BY product_id, participant_id",
            [row[1] for row in variants.values()],
        ):
            shares.setdefault(product_id, []).append((participant_id, share))
        till_id, receipt_no, shift_id = connection.execute(
            "UPDATE tills SET last_receipt_no = last_receipt_no + 1 WHERE name = ? "
            "RETURNING id, last_receipt_no, open_shift_id", (till,)
        ).fetchone()
        lines = []
        for variant_id, quantity in items:
            _, product_id, sku, name, size, colour, price, rate = variants[variant_id]
            total = price * quantity
            lines.append((variant_id, product_id, sku, name, size, colour, quantity, price, total, rate,
                          vat_from_gross(total, rate)))
        total = sum(line[8] for line in lines)
        stamp = STAMP.replace(tzinfo=None).isoformat(sep=" ")
        day = STAMP.date().isoformat()
        sale_id = connection.execute(
            "INSERT INTO sales (till_id, receipt_no, shift_id, created_at, trading_date, staff, total_pence, vat_pence) "
            "VALUES (?, ?, ?, ?, ?, '', ?, ?)",
            (till_id, receipt_no, shift_id, stamp, day, total, sum(line[10] for line in lines)),
        ).lastrowid
        attributions = []
        movements = []
        for variant_id, product_id, sku, name, size, colour, quantity, price, line_total, rate, vat in lines:
            line_id = connection.execute(
                "INSERT INTO sale_lines (sale_id, variant_id, product_id, sku, description, size, colour, quantity, "
                "unit_price_pence, line_total_pence, vat_rate_bp, vat_pence, trading_date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sale_id, variant_id, product_id, sku, name, size, colour, quantity, price, line_total, rate, vat, day),
            ).lastrowid
            parts = shares[product_id]
            weights = [share for _, share in parts]
            for (participant_id, share), gross, part_vat in zip(
                parts, split_by_weights(line_total, weights), split_by_weights(vat, weights), strict=True
            ):
                attributions.append((line_id, participant_id, share, gross, part_vat, day, quantity))
            movements.append((variant_id, -quantity, till, f"{till}/{receipt_no}", stamp))
        connection.executemany(
            "INSERT INTO line_attributions (sale_line_id, participant_id, share_bp, gross_pence, vat_pence, trading_date, "
            "quantity) VALUES (?, ?, ?, ?, ?, ?, ?)", attributions,
        )
        connection.execute(
            "INSERT INTO payments (sale_id, tender, amount_pence, tendered_pence, change_pence, trading_date) "
            "VALUES (?, 'card', ?, ?, 0, ?)", (sale_id, total, total, day),
        )
        connection.executemany(
            "INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, reference, created_at) "
            "VALUES (?, ?, 'sold', 'sale', ?, ?, ?)", movements,
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return sale_id


def raw_connection(path: Path, synchronous: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=10000")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    return connection


def _pair(path: Path, skus: int, repeat: int, synchronous: str) -> dict[str, list[float]]:
    from sqlalchemy import event

    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.sales.checkout import card_tender
    from pos.sales.services import complete_sale

    engine = open_ledger(f"sqlite:///{path}")
    at_till = UnitOfWork(engine, Actor("", "bench-services", lambda: STAMP))
    if synchronous != "FULL":
        @event.listens_for(engine, "connect")
        def _relax(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")
        engine.dispose()  # new connections get the listener
    connection = raw_connection(path, synchronous)
    prices = dict(connection.execute("SELECT id, price_pence FROM variants").fetchall())
    connection.execute("INSERT OR IGNORE INTO tills (name, last_receipt_no) VALUES ('bench-raw', 0)")
    rng = random.Random(5)

    def basket() -> list[tuple[int, int]]:
        chosen = rng.sample(range(1, skus + 1), 3)
        return [(chosen[0], 1), (chosen[1], 1), (chosen[2], 2)]

    def product() -> None:
        items = basket()
        complete_sale(at_till, items, [card_tender(sum(prices[v] * q for v, q in items))])

    def raw() -> None:
        raw_sale(connection, "bench-raw", basket())

    calls: dict[str, Callable[[], Any]] = {"services": product, "raw": raw}
    try:
        return interleaved(calls, repeat=repeat, warmup=3)
    finally:
        connection.close()
        engine.dispose()


def check_same_rows(path: Path) -> None:
    """The raw baseline writes what complete_sale writes (apart from ids, till and the basket chosen)."""
    connection = sqlite3.connect(path)
    try:
        for table, columns in (
            ("sale_lines", "count(*), sum(line_total_pence) > 0, count(DISTINCT trading_date)"),
            ("payments", "count(*), sum(amount_pence) > 0, count(DISTINCT trading_date)"),
        ):
            row = connection.execute(f"SELECT {columns} FROM {table}").fetchone()
            if row[0] == 0:
                raise AssertionError(f"no rows in {table}")
        by_till = dict(connection.execute(
            "SELECT t.name, count(l.id) * 1.0 / count(DISTINCT s.id) FROM sales s JOIN tills t ON t.id = s.till_id "
            "JOIN sale_lines l ON l.sale_id = s.id GROUP BY t.name"
        ).fetchall())
        if by_till.get("bench-raw") != by_till.get("bench-services"):
            raise AssertionError(f"lines per sale differ: {by_till}")
        check_foreign_keys(connection)
    finally:
        connection.close()


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    skus = sizes["skus"]
    repeat = sizes["checkout_sales"]
    results = []
    for synchronous in ("FULL", "OFF"):
        path = work / f"checkout-{synchronous.lower()}.sqlite"
        catalogue_ledger(path, skus)
        log(f"checkout: {repeat} sales each way, synchronous={synchronous}")
        samples = _pair(path, skus, repeat, synchronous)
        check_same_rows(path)
        if synchronous == "FULL":
            results.append(against_raw(
                "checkout_commit", samples, "raw sqlite3, same rows and pragmas",
                f"3-line sale, synchronous=FULL; median of {repeat}",
            ))
        else:
            results.append(against_raw(
                "checkout_commit_cpu", samples, "raw sqlite3, synchronous=OFF too",
                f"the same with synchronous=OFF on both: the CPU cost without the fsync; median of {repeat}",
                at_most=None,
            ))
    return results


def _basket_id_pair(path: Path, skus: int, repeat: int, synchronous: str) -> dict[str, list[float]]:
    """complete_sale with a new basket id and without one, taking turns on the same ledger."""
    from sqlalchemy import event

    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.sales.checkout import card_tender, new_basket_id
    from pos.sales.services import complete_sale

    engine = open_ledger(f"sqlite:///{path}")
    if synchronous != "FULL":
        @event.listens_for(engine, "connect")
        def _relax(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.execute(f"PRAGMA synchronous={synchronous}")
    at_till = UnitOfWork(engine, Actor("", "bench-services", lambda: STAMP))
    with engine.connect() as connection:
        prices = dict(connection.exec_driver_sql("SELECT id, price_pence FROM variants").all())
    rng = random.Random(11)

    def sale(basket_id: str | None) -> None:
        chosen = rng.sample(range(1, skus + 1), 3)
        items = [(chosen[0], 1), (chosen[1], 1), (chosen[2], 2)]
        complete_sale(at_till, items, [card_tender(sum(prices[v] * q for v, q in items))], basket_id=basket_id)

    try:
        return interleaved({"with": lambda: sale(new_basket_id()), "without": lambda: sale(None)},
                           repeat=repeat, warmup=3)
    finally:
        engine.dispose()


def run_basket_id(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    skus, repeat = sizes["skus"], sizes["checkout_sales"]
    pairs = {}
    for synchronous in ("FULL", "OFF"):
        path = work / f"checkout-basket-id-{synchronous.lower()}.sqlite"
        catalogue_ledger(path, skus)
        log(f"checkout: {repeat} sales with a basket id and {repeat} without, taking turns, synchronous={synchronous}")
        pairs[synchronous] = _basket_id_pair(path, skus, repeat, synchronous)
    full, cpu = pairs["FULL"], pairs["OFF"]
    added, without = median(full["with"]) - median(full["without"]), median(full["without"])
    return [Result(
        "checkout_basket_id_cost", added * 1e3, "ms", without * 1e3, "the same commit without a basket id",
        "≤ 10% of a commit", added <= 0.1 * without,
        detail=f"3-line sale, synchronous=FULL: p50 with a new basket id − p50 without; median of {repeat} each",
        extra={
            "p50_with_ms": median(full["with"]) * 1e3, "p95_with_ms": p95(full["with"]) * 1e3,
            "p95_without_ms": p95(full["without"]) * 1e3,
            "cpu_added_ms": (median(cpu["with"]) - median(cpu["without"])) * 1e3,  # synchronous=OFF: no fsync noise
            "cpu_without_ms": median(cpu["without"]) * 1e3,
        },
    )]
