"""Synthetic ledgers, made fast: the real schema (pos.ledger.init_ledger), filled with raw sqlite3.

Rows follow the rules complete_sale keeps: prices and VAT snapshot on each line, designer
attributions that split each line's gross and VAT exactly (money.split_by_weights), one payment
per sale, one 'sold' movement per line, gapless receipt numbers per till. Each till trades one
shift a day (08:55 to 18:05, a £100 float), closed by its Z with the drawer counted exactly, and
every sale belongs to its till's shift of the day (since generator 4). Files are cached in the
work directory under a name made of the size, the schema head and the generator version, so a
rerun opens them at once and a schema change makes new ones.
"""

from __future__ import annotations

import os
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from inventory.ean import in_store_ean13
from common.money import split_by_weights, vat_from_gross
from pos.migrations.receipt_counter import create_statements, drop_statements

GENERATOR_VERSION = 5  # 4: shifts (one per till a day, each closed) and sales.shift_id; 5: SERVICE_TILLS have a shift open
EVENT_START = date(2026, 11, 20)  # November: London time is UTC, so trading day = UTC date
SIZES = ("XS", "S", "M", "L", "XL")
COLOURS = ("Black", "White", "Navy", "Rust", "Olive", "Sand", "Grey", "Pink")
TILLS = ("till-1", "till-2", "till-3")  # the generated sales' tills, ids 1-3 (init_ledger registers till-1 as 1)
SERVICE_TILLS = ("bench", "bench-services", "bench-memory", "bench-memory-app", "bench-raw")  # tills the benchmarks sell at
SET_UP_AT = "2026-11-19 08:00:00.000000"
SHIFT_FLOAT_PENCE = 10_000
SERVICE_SHIFT_IDS = 1_000_000  # the open shifts of SERVICE_TILLS are numbered from here


def shift_id_of(day: int, till: int) -> int:
    """The generated shift of till id `till` (1-based) on the `day`-th trading day (0-based)."""
    return day * len(TILLS) + till


@dataclass(frozen=True)
class Catalogue:
    """What the generator sold from, handy to the benchmarks (barcodes to scan, ids to sell)."""

    participants: int
    skus: int
    variant_ids: list[int]
    barcodes: list[str]
    prices: list[int]  # pence, parallel to variant_ids
    shares: dict[int, list[tuple[int, int]]]  # product id -> [(participant id, basis points)]
    product_of: list[int]  # product id, parallel to variant_ids
    descriptions: list[tuple[str, str, str, str]]  # (sku, design, size, colour), parallel to variant_ids


def schema_head() -> str:
    from pos.ledger import SCHEMA_HEAD

    return SCHEMA_HEAD


def cached_path(work: Path, name: str) -> Path:
    return work / f"{name}-schema{schema_head()}-gen{GENERATOR_VERSION}.sqlite"


def new_ledger(path: Path) -> None:
    """A fresh, empty ledger at `path` with the product's own schema (created by its migrations)."""
    from pos.ledger import init_ledger

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = init_ledger(f"sqlite:///{path}")
    engine.dispose()


def connect_fast(path: Path) -> sqlite3.Connection:
    """A connection for bulk filling: the file is thrown away if generation fails, so no fsync."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-200000")
    return connection


def catalogue(skus: int, seed: int = 7) -> Catalogue:
    """`skus` SKUs in designs of up to five sizes; one design in five is a collaboration (60/40)."""
    rng = random.Random(seed)
    participants = max(2, min(40, skus // 10))
    variant_ids, barcodes, prices, product_of, descriptions = [], [], [], [], []
    shares: dict[int, list[tuple[int, int]]] = {}
    product_id = 0
    variant_id = 0
    while variant_id < skus:
        product_id += 1
        first = (product_id - 1) % participants + 1
        if product_id % 5 == 0:
            second = first % participants + 1
            shares[product_id] = [(first, 6000), (second, 4000)]
        else:
            shares[product_id] = [(first, 10_000)]
        price = rng.choice((1500, 2200, 2800, 3500, 4500, 5500, 6500, 8500))
        colour = COLOURS[product_id % len(COLOURS)]
        for size in SIZES:
            if variant_id >= skus:
                break
            variant_id += 1
            variant_ids.append(variant_id)
            barcodes.append(in_store_ean13(variant_id))
            prices.append(price)
            product_of.append(product_id)
            descriptions.append((f"D{product_id:04d}-{colour[:3].upper()}-{size}", f"Design {product_id:04d}", size, colour))
    return Catalogue(participants, skus, variant_ids, barcodes, prices, shares, product_of, descriptions)


def write_catalogue(connection: sqlite3.Connection, cat: Catalogue, stock_each: int = 10_000) -> None:
    """Participants, designs, shares, SKUs, the tills (registered), and one 'received' movement per SKU."""
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO participants (id, code, display_name, story, linkedin_url, consent_to_publish, created_at) "
        f"VALUES (?, ?, ?, '', '', ?, '{SET_UP_AT}')",
        [(i, f"P{i:03d}", f"Designer {i:03d}", i % 3 != 0) for i in range(1, cat.participants + 1)],
    )
    connection.executemany(
        f"INSERT INTO products (id, name, category, vat_rate_bp, created_at) VALUES (?, ?, 'Tops', ?, '{SET_UP_AT}')",
        [(pid, f"Design {pid:04d}", 0 if pid % 17 == 0 else 2000) for pid in cat.shares],
    )
    connection.executemany(
        "INSERT INTO designer_shares (product_id, participant_id, share_bp) VALUES (?, ?, ?)",
        [(pid, participant, bp) for pid, parts in cat.shares.items() for participant, bp in parts],
    )
    connection.executemany(
        "INSERT INTO variants (id, sku, product_id, size, colour, price_pence, barcode) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (vid, desc[0], pid, desc[2], desc[3], price, barcode)
            for vid, desc, pid, price, barcode in zip(
                cat.variant_ids, cat.descriptions, cat.product_of, cat.prices, cat.barcodes, strict=True
            )
        ],
    )
    connection.executemany(
        "INSERT OR IGNORE INTO tills (id, name, last_receipt_no) VALUES (?, ?, 0)", list(enumerate(TILLS, 1))
    )
    connection.executemany("INSERT INTO tills (name, last_receipt_no) VALUES (?, 0)", [(name,) for name in SERVICE_TILLS])
    # The tills the benchmarks sell at each have a shift open (ids far above the generated days' shifts).
    connection.executemany(
        "INSERT INTO shifts (id, till_id, opened_at, trading_date, opened_by, float_pence) "
        f"SELECT ?, id, '{SET_UP_AT}', '{SET_UP_AT[:10]}', 'bench', 0 FROM tills WHERE name = ?",
        [(SERVICE_SHIFT_IDS + number, name) for number, name in enumerate(SERVICE_TILLS, 1)],
    )
    connection.execute(
        f"UPDATE tills SET open_shift_id = (SELECT s.id FROM shifts s WHERE s.till_id = tills.id AND s.id > {SERVICE_SHIFT_IDS})"
        f" WHERE name IN ({', '.join('?' for _ in SERVICE_TILLS)})", SERVICE_TILLS,
    )
    connection.executemany(
        "INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, reference, created_at) "
        f"VALUES (?, ?, 'received', 'bench set-up', 'bench', NULL, '{SET_UP_AT}')",
        [(vid, stock_each) for vid in cat.variant_ids],
    )
    connection.execute("COMMIT")


def _vat_rate(product_id: int) -> int:
    return 0 if product_id % 17 == 0 else 2000


def write_sales(
    connection: sqlite3.Connection, cat: Catalogue, lines: int, days: int, seed: int = 11,
    first_day: date = EVENT_START, chunk_sales: int = 20_000,
) -> None:
    """`lines` sale lines (three per sale, the last sale may have fewer) spread evenly over `days` trading days."""
    rng = random.Random(seed)
    sales_total = -(-lines // 3)
    per_day = -(-sales_total // days)
    line_cache: dict[tuple[int, int], tuple] = {}  # (variant index, qty) -> computed line figures

    def line_figures(index: int, quantity: int) -> tuple:
        key = (index, quantity)
        cached = line_cache.get(key)
        if cached is None:
            pid = cat.product_of[index]
            rate = _vat_rate(pid)
            total = cat.prices[index] * quantity
            vat = vat_from_gross(total, rate)
            parts = cat.shares[pid]
            weights = [bp for _, bp in parts]
            attribution = list(zip(
                [p for p, _ in parts], weights, split_by_weights(total, weights), split_by_weights(vat, weights), strict=True
            ))
            cached = (pid, rate, total, vat, attribution)
            line_cache[key] = cached
        return cached

    receipt = {till: 0 for till in range(1, len(TILLS) + 1)}
    drawer: dict[int, int] = {}  # shift id -> cash kept from sales (handed over less change)
    sale_id = 0
    line_id = 0
    remaining = lines
    sku_count = len(cat.variant_ids)

    def batches() -> Iterator[tuple[list, list, list, list, list]]:
        nonlocal sale_id, line_id, remaining
        sales, sale_lines, attributions, payments, movements = [], [], [], [], []
        for day in range(days):
            trading = first_day + timedelta(days=day)
            opening = datetime(trading.year, trading.month, trading.day, 9, 0, 0)
            day_text = trading.isoformat()
            day_sales = min(per_day, -(-remaining // 3))
            for n in range(day_sales):
                if remaining <= 0:
                    break
                sale_id += 1
                till = sale_id % len(TILLS) + 1
                receipt[till] += 1
                moment = opening + timedelta(seconds=9 * 3600 * n / max(1, day_sales))
                stamp = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
                count = min(3, remaining)
                remaining -= count
                indexes = rng.sample(range(sku_count), count)
                sale_total = sale_vat = 0
                for index in indexes:
                    roll = rng.random()
                    quantity = 1 if roll < 0.85 else (2 if roll < 0.97 else 3)
                    pid, rate, total, vat, attribution = line_figures(index, quantity)
                    sku, design, size, colour = cat.descriptions[index]
                    line_id += 1
                    sale_lines.append((
                        line_id, sale_id, cat.variant_ids[index], pid, sku, design, size, colour,
                        quantity, cat.prices[index], total, rate, vat, day_text,
                    ))
                    for participant, bp, gross_part, vat_part in attribution:
                        attributions.append((line_id, participant, bp, gross_part, vat_part, day_text, quantity))
                    movements.append((cat.variant_ids[index], -quantity, TILLS[till - 1], f"{TILLS[till - 1]}/{receipt[till]}", stamp))
                    sale_total += total
                    sale_vat += vat
                shift = shift_id_of(day, till)
                sales.append((sale_id, till, receipt[till], stamp, day_text, "", sale_total, sale_vat, shift))
                if sale_id % 5 < 3:
                    payments.append((sale_id, "card", sale_total, sale_total, 0, day_text))
                else:
                    tendered = -(-sale_total // 500) * 500
                    payments.append((sale_id, "cash", sale_total, tendered, tendered - sale_total, day_text))
                    drawer[shift] = drawer.get(shift, 0) + sale_total
                if len(sales) >= chunk_sales:
                    yield sales, sale_lines, attributions, payments, movements
                    sales, sale_lines, attributions, payments, movements = [], [], [], [], []
        if sales:
            yield sales, sale_lines, attributions, payments, movements

    connection.execute("BEGIN")
    shift_days = [(first_day + timedelta(days=day)).isoformat() for day in range(days)]
    connection.executemany(
        "INSERT INTO shifts (id, till_id, opened_at, trading_date, opened_by, float_pence) "
        f"VALUES (?, ?, ? || ' 08:55:00.000000', ?, 'bench', {SHIFT_FLOAT_PENCE})",
        [(shift_id_of(day, till), till, day_text, day_text)
         for day, day_text in enumerate(shift_days) for till in range(1, len(TILLS) + 1)],
    )
    for sales, sale_lines, attributions, payments, movements in batches():
        connection.executemany(
            "INSERT INTO sales (id, till_id, receipt_no, created_at, trading_date, staff, total_pence, vat_pence, "
            "shift_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", sales,
        )
        connection.executemany(
            "INSERT INTO sale_lines (id, sale_id, variant_id, product_id, sku, description, size, colour, quantity, "
            "unit_price_pence, line_total_pence, vat_rate_bp, vat_pence, trading_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sale_lines,
        )
        connection.executemany(
            "INSERT INTO line_attributions (sale_line_id, participant_id, share_bp, gross_pence, vat_pence, trading_date, quantity) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            attributions,
        )
        connection.executemany(
            "INSERT INTO payments (sale_id, tender, amount_pence, tendered_pence, change_pence, trading_date) "
            "VALUES (?, ?, ?, ?, ?, ?)", payments
        )
        connection.executemany(
            "INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, reference, created_at) "
            "VALUES (?, ?, 'sold', 'sale', ?, ?, ?)", movements,
        )
    # The counter moves only by one (a trigger refuses jumps): loaded in bulk, it is set with the triggers off.
    for statement in drop_statements("sqlite"):
        connection.execute(statement)
    connection.executemany("UPDATE tills SET last_receipt_no = ? WHERE id = ?", [(no, till) for till, no in receipt.items()])
    for statement in create_statements("sqlite"):
        connection.execute(statement)
    closes = []
    for day, day_text in enumerate(shift_days):
        for till in range(1, len(TILLS) + 1):
            shift = shift_id_of(day, till)
            expected = SHIFT_FLOAT_PENCE + drawer.get(shift, 0)
            closes.append((shift, day_text, day_text, expected, expected))
    connection.executemany(
        "INSERT INTO shift_closes (shift_id, closed_at, trading_date, closed_by, expected_cash_pence, "
        "counted_cash_pence, variance_pence, cash_count, note) VALUES (?, ? || ' 18:05:00.000000', ?, 'bench', ?, ?, 0, '', '')",
        closes,
    )
    connection.execute("COMMIT")


def write_movements(connection: sqlite3.Connection, cat: Catalogue, movements: int, seed: int = 13) -> None:
    """`movements` stock movements in all (the set-up 'received' one per SKU included): mostly sales, some
    deliveries and adjustments, spread over every SKU."""
    rng = random.Random(seed)
    extra = max(0, movements - len(cat.variant_ids))
    rows = []
    connection.execute("BEGIN")
    for n in range(extra):
        variant = cat.variant_ids[rng.randrange(len(cat.variant_ids))]
        roll = rng.random()
        if roll < 0.9:
            row = (variant, -rng.choice((1, 1, 1, 2)), "sold", "sale", "till-1", f"till-1/{n + 1}")
        elif roll < 0.97:
            row = (variant, rng.choice((5, 10, 20)), "received", "delivery", "bench", None)
        else:
            row = (variant, rng.choice((-1, 1)), "adjusted", "count", "bench", None)
        rows.append(row)
        if len(rows) >= 50_000:
            _insert_movements(connection, rows)
            rows = []
    _insert_movements(connection, rows)
    connection.execute("COMMIT")


def _insert_movements(connection: sqlite3.Connection, rows: list) -> None:
    connection.executemany(
        "INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, reference, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, '2026-11-21 12:00:00.000000')",
        rows,
    )


def _finish(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _build(path: Path, fill) -> Path:  # type: ignore[no-untyped-def]
    """Build into a temporary file and rename it into place, so a half-built ledger is never cached."""
    if path.exists():
        return path
    building = path.with_name(path.name + f".building-{os.getpid()}")
    new_ledger(building)
    connection = connect_fast(building)
    try:
        fill(connection)
    finally:
        _finish(connection)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    return path


def sales_ledger(work: Path, name: str, lines: int, days: int, skus: int) -> Path:
    """A ledger with `lines` sale lines over `days` trading days from EVENT_START, cached in `work`."""
    cat = catalogue(skus)

    def fill(connection: sqlite3.Connection) -> None:
        write_catalogue(connection, cat)
        write_sales(connection, cat, lines, days)

    return _build(cached_path(work, f"{name}-{lines}lines-{days}days-{skus}skus"), fill)


def movements_ledger(work: Path, movements: int, skus: int) -> Path:
    """A catalogue of `skus` SKUs with `movements` stock movements in all, cached in `work`."""
    cat = catalogue(skus)

    def fill(connection: sqlite3.Connection) -> None:
        write_catalogue(connection, cat)
        write_movements(connection, cat, movements)

    return _build(cached_path(work, f"stock-{movements}movements-{skus}skus"), fill)


def catalogue_ledger(path: Path, skus: int, stock_each: int = 10_000) -> Catalogue:
    """A fresh ledger at `path` holding only the catalogue (for checkout and memory runs, not cached)."""
    cat = catalogue(skus)
    new_ledger(path)
    connection = connect_fast(path)
    try:
        write_catalogue(connection, cat, stock_each)
    finally:
        _finish(connection)
    return cat


def bench_cashier(engine: object) -> object:
    """Who the till benchmarks are signed in as: the bench ledger's staff member BENCH, a manager (as the
    discount run needs), added once; the bench types no PIN."""
    from common.values import Actor
    from pos.staff.services import add_staff, list_staff, staff_member, unit_of_work

    if "BENCH" not in {person.code for person in list_staff(engine)}:  # type: ignore[arg-type]
        add_staff(unit_of_work(engine, Actor("bench")), "BENCH", "Bench", "manager")  # type: ignore[arg-type]
    return staff_member(engine, "BENCH")  # type: ignore[arg-type]
