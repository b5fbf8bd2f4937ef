"""6. Import and 7. Memory: each measured in a fresh child process (bench/child.py), so memory is its own.

Import: the catalogue CSVs (participants, products with designer shares and barcodes, stock received)
through inventory.imports, against the same rows parsed and inserted with raw sqlite3 (same pragmas,
one transaction per file). Peak memory is the child's peak resident set; its baseline is a child that
loads the same modules and opens the same empty ledger but imports nothing.

Memory: a till's work through the services (look up each scanned barcode, basket, complete_sale with
a card payment; printing excluded), with the process's peak resident set after the first sales and
after all of them.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common import Result, median
from bench.ledgers import catalogue_ledger, new_ledger
from inventory.ean import ean13_check_digit

REPO = Path(__file__).resolve().parent.parent


def child(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.child", kind, json.dumps(payload)],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.child {kind} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def write_catalogue_csvs(folder: Path, skus: int, stock_rows: int) -> None:
    """participants.csv, products.csv (`skus` rows; half with a maker's barcode, half left to the till)
    and stock.csv (`stock_rows` deliveries spread over every SKU)."""
    folder.mkdir(parents=True, exist_ok=True)
    participants = max(2, min(40, skus // 10))
    with open(folder / "participants.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "story", "linkedin_url", "consent"])
        for number in range(1, participants + 1):
            writer.writerow([f"P{number:03d}", f"Designer {number:03d}", "Makes things.", "", "yes" if number % 3 else "no"])
    sizes = ("XS", "S", "M", "L", "XL")
    rows = []
    for index in range(skus):
        design = index // len(sizes) + 1
        first = (design - 1) % participants + 1
        designers = f"P{first:03d}" if design % 5 else f"P{first:03d}:60;P{first % participants + 1:03d}:40"
        body = f"50{index + 1:010d}"
        barcode = body + ean13_check_digit(body) if index % 2 else ""
        rows.append([f"D{design:04d}-{sizes[index % 5]}", f"Design {design:04d}", "Tops", "20", designers,
                     sizes[index % 5], "Black", f"{20 + design % 50}.00", barcode])
    with open(folder / "products.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "design", "category", "vat_rate", "designers", "size", "colour", "price", "barcode"])
        writer.writerows(rows)
    with open(folder / "stock.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sku", "quantity", "note"])
        for number in range(stock_rows):
            writer.writerow([rows[number % skus][0], 1 + number % 7, "delivery"])


def run_import(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    skus, stock_rows = sizes["import_skus"], sizes["import_stock_rows"]
    folder = work / f"import-{skus}skus-{stock_rows}rows"
    write_catalogue_csvs(folder, skus, stock_rows)
    log(f"import: {skus:,} SKUs and {stock_rows:,} stock rows, {sizes['import_repeat']} runs each way")
    def fresh(name: str) -> str:
        new_ledger(work / name)  # created here, so the child only opens a current ledger
        return str(work / name)

    product, raw = [], []
    for _ in range(sizes["import_repeat"]):
        product.append(child("import", {"folder": str(folder), "ledger": fresh("import-product.sqlite"), "mode": "product"}))
        raw.append(child("import", {"folder": str(folder), "ledger": fresh("import-raw.sqlite"), "mode": "raw"}))
    idle = child("import", {"folder": str(folder), "ledger": fresh("import-idle.sqlite"), "mode": "idle"})
    seconds = median([run["seconds"] for run in product])
    peak = max(run["peak_rss_kib"] for run in product) / 1024
    before = idle["peak_rss_kib"] / 1024
    steps = {name: median([run["steps"][name]["seconds"] for run in product]) for name in product[0]["steps"]}
    detail = f"{skus:,} SKUs + {stock_rows:,} stock rows (+ participants); median of {len(product)}"
    return [
        Result("import_catalogue_time", seconds, "s", median([run["seconds"] for run in raw]),
               "raw sqlite3, same rows, no checks", None, None, detail=detail,
               extra={"steps_s": steps}),
        Result("import_catalogue_peak_memory", peak, "MiB", before,
               "same process, modules loaded and ledger open, nothing imported", None, None,
               detail=f"peak resident set of the importing process; the import itself added {peak - before:.1f} MiB",
               extra={"growth_mib": peak - before, "raw_import_peak_mib": max(run["peak_rss_kib"] for run in raw) / 1024}),
    ]


def _memory_result(name: str, marks: dict[str, Any], how: str, checkpoint: int, sales: int) -> list[Result]:
    after_few = marks["checkpoint"]["peak_rss_kib"] / 1024
    after_all = marks["end"]["peak_rss_kib"] / 1024
    rss_few = marks["checkpoint"]["rss_kib"] / 1024
    rss_all = marks["end"]["rss_kib"] / 1024
    per_sale = (marks["end"]["rss_kib"] - marks["checkpoint"]["rss_kib"]) / max(1, sales - checkpoint)
    return [
        Result(
            name, after_all, "MiB", after_few, f"peak after {checkpoint} sales",
            "≤ 1.2× (no growth per sale beyond 20%)", after_all <= 1.2 * after_few,
            detail=f"peak resident set after {sales:,} sales ({how}); {per_sale:.1f} KiB more resident per sale",
            extra={"rss_after_checkpoint_mib": rss_few, "rss_after_all_mib": rss_all, "per_sale_kib": per_sale,
                   "seconds": marks["seconds"], **{key: marks[key] for key in ("first_sales_s", "last_sales_s") if key in marks}},
        ),
    ]


def run_memory(work: Path, sizes: dict[str, Any], log, with_app: bool) -> list[Result]:  # type: ignore[no-untyped-def]
    checkpoint = sizes["memory_checkpoint"]
    results = []
    sales = sizes["memory_sales"]
    ledger = work / "memory.sqlite"
    cat = catalogue_ledger(ledger, sizes["skus"], stock_each=100_000)
    log(f"memory: {sales:,} sales through the services, peak after {checkpoint} and after {sales:,}")
    marks = child("memory", {"ledger": str(ledger), "barcodes": cat.barcodes, "sales": sales, "checkpoint": checkpoint})
    results += _memory_result("memory_services_process", marks, "scan look-ups, basket, complete_sale", checkpoint, sales)
    if with_app:
        sales = sizes["memory_app_sales"]
        ledger = work / "memory-app.sqlite"
        cat = catalogue_ledger(ledger, sizes["skus"], stock_each=100_000)
        log(f"memory: {sales:,} sales through the till app (headless), peak after {checkpoint} and after {sales:,}")
        marks = child("memory-app", {"ledger": str(ledger), "barcodes": cat.barcodes, "sales": sales, "checkpoint": checkpoint})
        if marks["sales_in_ledger"] != sales:
            raise AssertionError(f"the till recorded {marks['sales_in_ledger']} sales, not {sales}")
        results += _memory_result("memory_till_app", marks, "TillApp headless: 3 scans, F6, Enter per sale", checkpoint, sales)
    return results
