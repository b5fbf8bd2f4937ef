"""5. Printing: from a sale's commit to the last byte of its receipt at a loopback network printer.

The sale is committed with its receipt queued (pos.sales.services.complete_sale, queue_receipt),
then the till's print worker (pos.printing.print_waiting) claims the job, renders the receipt,
asks the printer whether it is online and has paper, sends the receipt, asks it to confirm and
marks the job printed. The printer is a TCP listener on 127.0.0.1 that answers status queries as
an Epson TM does (tests/fake_printer.py); the clock stops when the receipt's cut arrives there.
Baseline, in the same run: python-escpos rendering the same receipt to its Dummy printer alone.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from bench.checkout import STAMP
from bench.common import Result, median, p95
from bench.ledgers import catalogue_ledger


def _receipts_to_printer(path: Path, skus: int, sales: int) -> tuple[list[float], list[float]]:
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.printing import print_waiting
    from pos.sales.checkout import cash_tender
    from pos.sales.services import complete_sale
    from pos.shifts.services import current_shift, open_shift
    from receipts.model import StoreHeader
    from receipts.printers import PrinterSettings, receipt_bytes
    from tests.fake_printer import FakePrinter

    engine = open_ledger(f"sqlite:///{path}")
    store = StoreHeader(name="Bench Store", address_lines=("1 Bench Street", "London"), vat_number="GB123456789")
    with engine.connect() as connection:
        prices = dict(connection.exec_driver_sql("SELECT id, price_pence FROM variants").fetchall())
    at_till = UnitOfWork(engine, Actor("Bench", "till-1", lambda: STAMP))
    if current_shift(engine, "till-1") is None:  # the generated days' shifts are all closed
        open_shift(at_till, 0)
    rng = random.Random(5)
    to_printer: list[float] = []
    render: list[float] = []
    with FakePrinter() as printer:
        settings = PrinterSettings(kind="network", host="127.0.0.1", port=printer.port, timeout_s=3.0)
        for number in range(sales + 2):
            items = [(variant, 1) for variant in rng.sample(range(1, skus + 1), 3)]
            total = sum(prices[variant] for variant, _ in items)
            sale = complete_sale(at_till, items, [cash_tender(total, total + 500)], store=store, queue_receipt=True)
            committed = time.perf_counter()
            print_waiting(engine, "till-1", settings, store, {("receipt", str(sale.reference)): sale.receipt})
            if not printer.wait_for(number + 1, timeout_s=10):
                raise AssertionError(f"receipt {sale.reference} never reached the printer")
            started = time.perf_counter()
            receipt_bytes(settings, sale.receipt)
            rendered = time.perf_counter() - started
            if number >= 2:  # warm-up: the first receipts load python-escpos and its profile
                to_printer.append(printer.cut_times[number] - committed)
                render.append(rendered)
    engine.dispose()
    return to_printer, render


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    sales = sizes["print_sales"]
    path = work / "printing.sqlite"
    catalogue_ledger(path, sizes["skus"])
    log(f"printing: {sales} receipts from commit to a loopback network printer")
    to_printer, render = _receipts_to_printer(path, sizes["skus"], sales)
    detail = (f"3-line cash sale with VAT number and drawer pulse; queue claim, status before and after, mark printed; "
              f"{sales} receipts")
    return [
        Result("receipt_commit_to_printer_p50", median(to_printer) * 1e3, "ms", median(render) * 1e3,
               "python-escpos rendering the same receipt to Dummy", None, None, detail=detail),
        Result("receipt_commit_to_printer_p95", p95(to_printer) * 1e3, "ms", p95(render) * 1e3,
               "python-escpos rendering the same receipt to Dummy", "p95 ≤ 50 ms", p95(to_printer) <= 0.05,
               detail=detail),
    ]
