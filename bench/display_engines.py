"""Scan to customer display on each engine: the till core publishing, a display process following it.

The tmux run of `--only display` (bench/tui.py) measures the whole till on SQLite. This measures the
path a display depends on, on SQLite and on PostgreSQL (where a display across the store's network
wakes on NOTIFY instead of polling): a till core in this process (its lanes inline, so each scan's
publish is written before `enter` returns), paced as a cashier scans (a card sale every
`basket_size` scans), and `bench/display_follower.py` in another process following it as `pos display`
does. Per scan: from the call of `enter` to the follower having read a state holding the scan's line;
both sides take `time.perf_counter`, the machine's monotonic clock. Baseline: `enter` alone (the till
core's own work for the scan, its publish included), the same scans.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Result, median, p95
from bench.processes import write_catalogue_csvs
from bench.tills import POSTGRES_URL, drop_postgres, empty_postgres, imported_ledger
from bench.tui import display_latencies

REPO = Path(__file__).resolve().parent.parent
DATABASE = f"pos_bench_display_{os.getpid()}"  # its own: a smoke run in the tests may run beside a full one
TILL = "bench-display"
ENGINES = ("sqlite", "postgresql")
TARGET_S = 0.5  # issue 12: a scan shows on the display within half a second


def figure_names() -> tuple[str, ...]:
    return tuple(f"scan_to_display_core_p95_{engine}" for engine in ENGINES)


def _barcodes(url: str, count: int) -> list[str]:
    from sqlalchemy import select

    from inventory.models import Variant
    from pos.ledger import open_ledger

    engine = open_ledger(url)
    with engine.connect() as connection:
        codes = list(connection.scalars(select(Variant.barcode).order_by(Variant.id).limit(count)))
    engine.dispose()
    return codes


def _follow(url: str, codes: list[str], pace_s: float, basket_size: int) -> tuple[list[float], list[float]]:
    """Scan `codes` into a till core on `url` with a follower process attached: (scan to display, enter alone)."""
    from common.values import Actor
    from pos.ledger import open_ledger
    from pos.sales.till_core import Lanes, TillCore
    from receipts.model import StoreHeader

    engine = open_ledger(url)
    core = TillCore(Actor("Bench", TILL), StoreHeader(), None, lanes=Lanes.inline(), listener=lambda _event: None)
    core.open(lambda: engine)
    follower = subprocess.Popen([sys.executable, "-m", "bench.display_follower", url, TILL], cwd=REPO,
                                stdout=subprocess.PIPE, text=True)
    scans: list[tuple[str, float]] = []
    own: list[float] = []
    try:
        assert follower.stdout is not None and follower.stdout.readline().strip() == "ready"
        for number, code in enumerate(codes, 1):
            started = time.perf_counter()
            core.enter(code)
            own.append(time.perf_counter() - started)
            scans.append((code, started))
            time.sleep(pace_s)
            if number % basket_size == 0:
                core.pay(core.card())
                time.sleep(pace_s)
    finally:
        follower.terminate()
        said, _ = follower.communicate(timeout=10)
        engine.dispose()
    read = [line.split() for line in said.splitlines()]
    return display_latencies(scans, read, basket_size), own


def run(work: Path, sizes: dict[str, Any], log: Callable[[str], None]) -> list[Result]:
    scans, pace, basket = sizes["scans"], sizes["scan_pace_s"], sizes["basket_size"]
    catalogue = work / f"display-catalogue-{max(scans, 20)}skus"
    write_catalogue_csvs(catalogue, max(scans, 20), max(scans, 20))
    sqlite_path = work / "display-engines.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    postgres = empty_postgres(DATABASE)
    urls = {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": postgres}
    results: list[Result] = []
    try:
        for engine, url in urls.items():
            name = f"scan_to_display_core_p95_{engine}"
            if url is None:
                log(f"display_engines: {POSTGRES_URL} cannot be reached; {name} is skipped")
                results.append(Result(name, None, "", None, "", None, None, detail="skipped: PostgreSQL not reachable"))
                continue
            imported_ledger(url, catalogue, [TILL])
            log(f"display_engines: {scans} scans into a till core on {engine}, a display process following it")
            to_display, own = _follow(url, _barcodes(url, scans), pace, basket)
            results.append(Result(
                name, p95(to_display) * 1e3, "ms", p95(own) * 1e3, "the till core's own scan (enter, its publish included)",
                f"p95 < {TARGET_S * 1e3:.0f} ms", p95(to_display) < TARGET_S,
                detail=(f"{len(to_display)} scans, one every {pace * 1e3:.0f} ms, a card sale every {basket}; each scan's "
                        f"enter to the display process having read a state with its line ({'NOTIFY' if engine == 'postgresql' else 'a poll every 100 ms'})"),
                extra={"p50_ms": median(to_display) * 1e3, "max_ms": max(to_display) * 1e3,
                       "enter_p50_ms": median(own) * 1e3},
            ))
    finally:
        if postgres is not None:
            drop_postgres(DATABASE)
    return results
