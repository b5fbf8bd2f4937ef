"""4. Stock on hand: inventory.stock.on_hand (one SKU) and stock_levels (every SKU) over many movements.

Baseline: a primary-key lookup in a maintained on-hand table (variant_id PRIMARY KEY, on_hand), the
design we chose not to have, built by the benchmark in the same ledger file. It is timed two ways:
- through the same path on_hand takes (an SQLAlchemy connection on the product's engine, a read
  transaction, one SELECT), so the ratio shows what summing the movements costs the till;
- with raw sqlite3, beside the raw SUM that on_hand runs, so the ratio shows the SQL alone.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

from bench import lookup as product_lookup
from bench.common import Result, interleaved, median, p95
from bench.ledgers import movements_ledger

MAINTAINED = "bench_on_hand"


def _maintained_table(path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {MAINTAINED} (variant_id INTEGER PRIMARY KEY, on_hand INTEGER NOT NULL)")
        connection.execute(f"DELETE FROM {MAINTAINED}")
        connection.execute(f"INSERT INTO {MAINTAINED} SELECT variant_id, sum(quantity) FROM stock_movements GROUP BY variant_id")
        connection.commit()
    finally:
        connection.close()


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from inventory.stock import on_hand, stock_levels
    from pos.ledger import open_ledger

    movements, skus = sizes["movements"], sizes["skus"]
    log(f"stock: {movements:,} movements over {skus:,} SKUs")
    path = movements_ledger(work, movements, skus)
    _maintained_table(path)
    engine = open_ledger(f"sqlite:///{path}")
    raw = sqlite3.connect(path)
    rng = random.Random(3)
    picks = [rng.randrange(1, skus + 1) for _ in range(4096)]
    position = 0

    def next_sku() -> int:
        nonlocal position
        position = (position + 1) % len(picks)
        return picks[position]

    lookup = text(f"SELECT on_hand FROM {MAINTAINED} WHERE variant_id = :variant_id")

    def pk_same_path() -> int:
        with engine.connect() as connection:
            return connection.execute(lookup, {"variant_id": next_sku()}).scalar_one()

    # Every SKU agrees with the maintained table before anything is timed.
    maintained = dict(raw.execute(f"SELECT variant_id, on_hand FROM {MAINTAINED}").fetchall())
    for variant_id in range(1, skus + 1):
        if on_hand(engine, variant_id) != maintained.get(variant_id, 0):
            raise AssertionError(f"on_hand({variant_id}) disagrees with the sum of its movements")

    repeat = sizes["stock_repeat"]
    one = interleaved({
        "on_hand": lambda: on_hand(engine, next_sku()),
        "pk same path": pk_same_path,
        "raw sum": lambda: raw.execute(
            "SELECT coalesce(sum(quantity), 0) FROM stock_movements WHERE variant_id = ?", (next_sku(),)
        ).fetchone(),
        "raw pk": lambda: raw.execute(f"SELECT on_hand FROM {MAINTAINED} WHERE variant_id = ?", (next_sku(),)).fetchone(),
    }, repeat=repeat, warmup=50)
    every = interleaved({
        "stock_levels": lambda: stock_levels(engine),
        "raw table": lambda: raw.execute(
            f"SELECT v.sku, p.name, v.size, v.colour, coalesce(m.on_hand, 0) FROM variants v "
            f"JOIN products p ON p.id = v.product_id LEFT JOIN {MAINTAINED} m ON m.variant_id = v.id ORDER BY p.name, v.sku"
        ).fetchall(),
    }, repeat=sizes["stock_levels_repeat"], warmup=1)
    raw.close()
    size = f"{movements:,} movements, {skus:,} SKUs"
    looked_up = product_lookup.run(engine, sizes, size)
    engine.dispose()
    return looked_up + [
        Result(
            "stock_on_hand_one_sku", median(one["on_hand"]) * 1e6, "µs", median(one["pk same path"]) * 1e6,
            "PK lookup in a maintained table, same SQLAlchemy path", "< 10× lookup",
            median(one["on_hand"]) < 10 * median(one["pk same path"]),
            detail=f"{size}; median of {repeat}",
            extra={"p95_us": p95(one["on_hand"]) * 1e6, "baseline_p95_us": p95(one["pk same path"]) * 1e6},
        ),
        Result(
            "stock_on_hand_one_sku_sql", median(one["raw sum"]) * 1e6, "µs", median(one["raw pk"]) * 1e6,
            "PK lookup in a maintained table, raw sqlite3", "< 10× lookup",
            median(one["raw sum"]) < 10 * median(one["raw pk"]),
            detail=f"on_hand's SUM over the covering index, raw sqlite3; {size}",
            extra={"p95_us": p95(one["raw sum"]) * 1e6, "baseline_p95_us": p95(one["raw pk"]) * 1e6},
        ),
        Result(
            "stock_levels_all_skus", median(every["stock_levels"]) * 1e3, "ms", median(every["raw table"]) * 1e3,
            "reading the maintained table, raw sqlite3", None, None,
            detail=f"every SKU; {size}",
            extra={"p95_ms": p95(every["stock_levels"]) * 1e3},
        ),
    ]
