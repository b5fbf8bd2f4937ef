"""4b. Stock count review: pos.stock.counts.review_count of a whole-store count of 2,000 SKUs with 10,000 scans.

The ledger holds the catalogue, its stock received, and sales movements spread through the count (so
each SKU's expected figure, its on-hand at its last scan, differs from on-hand now). Baseline: the
best hand-written SQL for the same answer with raw sqlite3 (scan totals and last scan per SKU, then
the movements up to it), on the same file.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Result, interleaved, median
from bench.ledgers import catalogue_ledger, connect_fast

COUNT_START = datetime(2026, 11, 26, 9, 0)

RAW_REVIEW = """
WITH scans AS (
    SELECT variant_id, sum(quantity) AS counted, max(scanned_at) AS last_scan
    FROM count_scans WHERE count_id = :count GROUP BY variant_id
)
SELECT v.sku, v.price_pence, coalesce(s.counted, 0),
       (SELECT coalesce(sum(m.quantity), 0) FROM stock_movements m
        WHERE m.variant_id = i.variant_id AND (s.last_scan IS NULL OR m.created_at <= s.last_scan))
FROM count_items i JOIN variants v ON v.id = i.variant_id LEFT JOIN scans s ON s.variant_id = i.variant_id
WHERE i.count_id = :count
"""


def _counted_ledger(path: Path, skus: int, scans: int) -> int:
    """A whole-store count with `scans` scans and sales among them; its id."""
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.stock.counts import start_count

    catalogue_ledger(path, skus, stock_each=20)
    engine = open_ledger(f"sqlite:///{path}")
    count_id = start_count(UnitOfWork(engine, Actor("bench", None, lambda: COUNT_START.astimezone())))
    engine.dispose()
    rng = random.Random(17)
    connection = connect_fast(path)
    try:
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO count_scans (count_id, variant_id, quantity, counted_by, scanned_at) VALUES (?, ?, 1, 'bench', ?)",
            [(count_id, rng.randrange(1, skus + 1), str(COUNT_START + timedelta(seconds=second)))
             for second in range(1, scans + 1)],
        )
        connection.executemany(
            "INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, created_at) "
            "VALUES (?, -1, 'sold', 'sale', 'bench', ?)",
            [(rng.randrange(1, skus + 1), str(COUNT_START + timedelta(seconds=rng.randrange(1, scans))))
             for _ in range(scans // 5)],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    return count_id


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    import sqlite3

    from pos.ledger import open_ledger
    from pos.stock.counts import review_count

    skus, scans = sizes["count_skus"], sizes["count_scans"]
    log(f"count review: {skus:,} SKUs, {scans:,} scans")
    path = work / "count-review.sqlite"
    count_id = _counted_ledger(path, skus, scans)
    engine = open_ledger(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    review = review_count(engine, count_id)
    by_raw = {sku: (counted, expected) for sku, _, counted, expected in raw.execute(RAW_REVIEW, {"count": count_id})}
    if {line.sku: (line.counted, line.expected) for line in review.lines} != by_raw or len(by_raw) != skus:
        raise AssertionError("review_count and the hand-written SQL disagree")
    samples = interleaved({
        "review": lambda: review_count(engine, count_id),
        "raw": lambda: raw.execute(RAW_REVIEW, {"count": count_id}).fetchall(),
    }, repeat=sizes["count_repeat"], warmup=1)
    raw.close()
    engine.dispose()
    return [Result(
        "count_review", median(samples["review"]) * 1e3, "ms", median(samples["raw"]) * 1e3,
        "hand-written SQL, raw sqlite3", "≤ 1 s", median(samples["review"]) <= 1.0,
        detail=f"whole-store count of {skus:,} SKUs, {scans:,} scans, {scans // 5:,} sales during it; "
               f"median of {sizes['count_repeat']}",
    )]
