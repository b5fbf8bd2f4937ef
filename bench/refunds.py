"""2b. Refund commit: pos.sales.refunds.refund_sale against raw sqlite3 doing the same reads and writes.

Each refund takes back one unit from two lines of an earlier 3-line card sale (one of them a line
of 2, so the per-unit split is exercised): check the manager, find the sale, read its lines, the
units and designer amounts returned already and what card paid and got back, bump the till's
receipt number, insert the refund, its lines, designer attributions, tender, stock movements and
the audit entry, commit. Same ledger file, same pragmas (WAL, foreign_keys=ON, busy_timeout,
synchronous=FULL), BEGIN IMMEDIATE on both sides; the two take turns, refund by refund. The raw side
uses the same pure arithmetic (pos.sales.refunds.refund_value, split_remaining): only the database
work is compared. Printing is excluded.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.checkout import STAMP, raw_connection
from bench.common import Result, against_raw, check_foreign_keys, interleaved
from bench.ledgers import catalogue_ledger


def raw_refund(connection: sqlite3.Connection, till: str, sale_till: str, receipt_no: int, manager_id: int) -> int:
    """One refund of one unit from the first and last lines of sale `sale_till/receipt_no`, standard library only."""
    from pos.sales.refunds import refund_tenders, refund_value, split_remaining

    connection.execute("BEGIN IMMEDIATE")
    try:
        role, active = connection.execute("SELECT role, active FROM staff WHERE id = ?", (manager_id,)).fetchone()
        assert role == "manager" and active
        # One statement, as refund_sale reads it: each line with the units returned already, joined to
        # each designer's part with what was reversed already, and what card paid less card refunded.
        reversed_sum = (
            "(SELECT coalesce(sum(ra.{0}), 0) FROM refund_attributions ra JOIN refund_lines r ON r.id = ra.refund_line_id "
            "WHERE r.sale_line_id = a.sale_line_id AND ra.participant_id = a.participant_id)"
        )
        lines: list[tuple[Any, ...]] = []
        designers: dict[int, list[list[int]]] = defaultdict(list)
        for row in connection.execute(
            "SELECT l.id, l.variant_id, l.sku, l.description, l.size, l.colour, l.quantity, l.line_total_pence, "
            "l.vat_rate_bp, l.vat_pence, (SELECT coalesce(sum(r.quantity), 0) FROM refund_lines r WHERE r.sale_line_id = l.id), "
            f"l.sale_id, a.participant_id, a.gross_pence - {reversed_sum.format('gross_pence')}, "
            f"a.vat_pence - {reversed_sum.format('vat_pence')}, "
            "(SELECT coalesce(sum(amount_pence), 0) FROM payments WHERE sale_id = s.id AND tender = 'card') - "
            "(SELECT coalesce(sum(p.amount_pence), 0) FROM refund_payments p JOIN refunds f ON f.id = p.refund_id "
            "WHERE f.sale_id = s.id AND p.tender = 'card') "
            "FROM sale_lines l JOIN sales s ON s.id = l.sale_id JOIN tills t ON t.id = s.till_id "
            "LEFT JOIN line_attributions a ON a.sale_line_id = l.id "
            "WHERE t.name = ? AND s.receipt_no = ? ORDER BY l.id, a.participant_id", (sale_till, receipt_no),
        ):
            if not lines or lines[-1][0] != row[0]:
                lines.append(row[:11])
            if row[12] is not None:
                designers[row[0]].append([row[12], row[13], row[14]])
            sale_id, card_left = row[11], row[15]
        returned = {line[0]: line[10] for line in lines}
        chosen = [lines[0], lines[-1]]
        parts = []
        for line in chosen:
            before = returned.get(line[0], 0)
            amount = refund_value(line[7], line[6], before, 1)
            vat = refund_value(line[9], line[6], before, 1)
            shares = designers[line[0]]
            gross_parts = split_remaining(amount, [part[1] for part in shares])
            vat_parts = split_remaining(vat, [part[2] for part in shares])
            parts.append((line, amount, vat, [(part[0], g, v) for part, g, v in zip(shares, gross_parts, vat_parts, strict=True)]))
        total = sum(part[1] for part in parts)
        to = refund_tenders(total, card_left, None)
        till_id, number, shift_id = connection.execute(
            "UPDATE tills SET last_receipt_no = last_receipt_no + 1 WHERE name = ? "
            "RETURNING id, last_receipt_no, open_shift_id", (till,)
        ).fetchone()
        stamp = STAMP.replace(tzinfo=None).isoformat(sep=" ")
        day = STAMP.date().isoformat()
        reference = f"{till}/{number:06d}"
        refund_id = connection.execute(
            "INSERT INTO refunds (till_id, receipt_no, shift_id, sale_id, created_at, trading_date, staff, approved_by_id, "
            "total_pence, vat_pence, reason) VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, ?, '')",
            (till_id, number, shift_id, sale_id, stamp, day, manager_id, total, sum(part[2] for part in parts)),
        ).lastrowid
        attributions, movements = [], []
        for line, amount, vat, shares in parts:
            line_id = connection.execute(
                "INSERT INTO refund_lines (refund_id, sale_line_id, variant_id, sku, description, size, colour, quantity, "
                "amount_pence, vat_rate_bp, vat_pence, damaged, trading_date) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 0, ?)",
                (refund_id, line[0], line[1], line[2], line[3], line[4], line[5], amount, line[8], vat, day),
            ).lastrowid
            attributions += [(line_id, participant_id, gross, part_vat, day) for participant_id, gross, part_vat in shares]
            movements.append((line[1], till, reference, stamp))
        connection.executemany(
            "INSERT INTO refund_attributions (refund_line_id, participant_id, gross_pence, vat_pence, quantity, trading_date) "
            "VALUES (?, ?, ?, ?, 1, ?)", attributions,
        )
        connection.executemany(
            "INSERT INTO refund_payments (refund_id, tender, amount_pence, trading_date) VALUES (?, ?, ?, ?)",
            [(refund_id, tender, amount, day) for tender, amount in to.items()],
        )
        connection.executemany(
            "INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, reference, created_at) "
            "VALUES (?, 1, 'returned', 'refund', ?, ?, ?)", movements,
        )
        connection.execute(
            "INSERT INTO audit_events (created_at, trading_date, till, approved_by_id, action, detail, reference) "
            "VALUES (?, ?, ?, ?, 'refund', ?, ?)", (stamp, day, till, manager_id, f"{total} of {sale_till}/{receipt_no}", reference),
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return refund_id


def _sales_to_refund(engine: Any, till: str, prices: dict[int, int], count: int, skus: int) -> list[int]:
    """`count` 3-line card sales at `till` (the third line of 2 units); their receipt numbers."""
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.sales.checkout import card_tender
    from pos.sales.services import complete_sale

    rng = random.Random(11)
    at_till = UnitOfWork(engine, Actor("", till, lambda: STAMP))
    numbers = []
    for _ in range(count):
        chosen = rng.sample(range(1, skus + 1), 3)
        items = [(chosen[0], 1), (chosen[1], 1), (chosen[2], 2)]
        numbers.append(complete_sale(at_till, items, [card_tender(sum(prices[v] * q for v, q in items))]).receipt_no)
    return numbers


def _pair(path: Path, skus: int, repeat: int) -> dict[str, list[float]]:
    from common.values import Actor, ReceiptRef
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.sales.refunds import refund_sale
    from pos.staff.services import add_staff, staff_member

    engine = open_ledger(f"sqlite:///{path}")
    add_staff(UnitOfWork(engine, Actor("bench")), "BENCHMGR", "Bench Manager", "manager")
    manager = staff_member(engine, "BENCHMGR")
    connection = raw_connection(path, "FULL")
    connection.execute("INSERT OR IGNORE INTO tills (name, last_receipt_no) VALUES ('bench-raw', 0)")
    prices = dict(connection.execute("SELECT id, price_pence FROM variants").fetchall())
    warmup = 3
    service_sales = iter(_sales_to_refund(engine, "bench-services", prices, repeat + warmup, skus))
    raw_sales = iter(_sales_to_refund(engine, "bench-raw", prices, repeat + warmup, skus))
    at_till = UnitOfWork(engine, Actor("", "bench-services", lambda: STAMP))
    line_ids = {
        number: [first, last]
        for number, first, last in connection.execute(
            "SELECT s.receipt_no, min(l.id), max(l.id) FROM sales s JOIN tills t ON t.id = s.till_id "
            "JOIN sale_lines l ON l.sale_id = s.id WHERE t.name = 'bench-services' GROUP BY s.receipt_no"
        )
    }

    def product() -> None:
        number = next(service_sales)
        refund_sale(at_till, ReceiptRef("bench-services", number), [(line_id, 1, False) for line_id in line_ids[number]],
                    approved_by=manager)

    def raw() -> None:
        raw_refund(connection, "bench-raw", "bench-raw", next(raw_sales), manager.id)

    calls: dict[str, Callable[[], Any]] = {"services": product, "raw": raw}
    try:
        return interleaved(calls, repeat=repeat, warmup=warmup)
    finally:
        connection.close()
        engine.dispose()


def check_same_rows(path: Path) -> None:
    """The raw baseline wrote what refund_sale wrote: rows per refund in each table, and the amounts add up."""
    connection = sqlite3.connect(path)
    try:
        per_till = {}
        for till in ("bench-raw", "bench-services"):
            per_till[till] = connection.execute(
                "SELECT count(DISTINCT f.id), count(DISTINCT l.id), count(DISTINCT p.id), "
                "sum(CASE WHEN l.amount_pence = (SELECT sum(gross_pence) FROM refund_attributions WHERE refund_line_id = l.id) "
                "THEN 1 ELSE 0 END) "
                "FROM refunds f JOIN tills t ON t.id = f.till_id JOIN refund_lines l ON l.refund_id = f.id "
                "JOIN refund_payments p ON p.refund_id = f.id WHERE t.name = ?", (till,),
            ).fetchone()
        if per_till["bench-raw"] != per_till["bench-services"] or not per_till["bench-raw"][0]:
            raise AssertionError(f"the refunds differ: {per_till}")
        check_foreign_keys(connection)
    finally:
        connection.close()


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    skus = sizes["skus"]
    repeat = sizes["checkout_sales"]
    path = work / "refund-full.sqlite"
    catalogue_ledger(path, skus)
    log(f"refund: {repeat} refunds each way, synchronous=FULL")
    samples = _pair(path, skus, repeat)
    check_same_rows(path)
    return [against_raw(
        "refund_commit", samples, "raw sqlite3, same reads, rows and pragmas",
        f"refund of 1 unit from 2 lines of a 3-line card sale, with manager check and audit; median of {repeat}",
    )]
