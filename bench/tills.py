"""Several tills: sales per second and p95 commit latency with 1, 2 and 4 till processes, on SQLite and
on PostgreSQL (`python -m bench --only tills`).

Each till is an OS process of its own (`python -m bench.tills URL TILL SALES`): it opens its own
engine, warms up with a few sales, says it is ready, and on "go" completes SALES 3-line card sales
through pos.sales.services.complete_sale (printing excluded), timing each call. The tills start
together; throughput is all their sales over the time from the first start to the last finish. The
baseline of each figure is the same engine with one till, in the same run.

Both engines hold the same catalogue, imported through inventory.imports from the CSVs of the import
benchmark. PostgreSQL is the server at POS_BENCH_POSTGRES_URL (default the local one, user postgres),
in a database `pos_bench_tills` made afresh and dropped at the end; unreachable, its figures are skipped.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Result, p95
from bench.processes import write_catalogue_csvs

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("POS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE = "pos_bench_tills"
WARM_UP_SALES = 3
TARGET_SPEED_UP = 3  # issue 11: 4 tills on PostgreSQL at least 3x the throughput of 1


def figure_names(counts: list[int], engines: list[str]) -> tuple[str, ...]:
    return tuple(
        f"tills_{kind}_{engine}_{count}" for engine in engines for count in counts for kind in ("throughput", "commit_p95")
    )


# The till process -------------------------------------------------------------------------------------

def till(url: str, till_name: str, sales: int) -> dict[str, Any]:
    """Complete `sales` sales at `till_name` after "go" on stdin; the seconds of each, and when it started and ended."""
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.sales.checkout import card_tender
    from pos.sales.services import complete_sale
    from sqlalchemy import text

    engine = open_ledger(url)
    with engine.connect() as connection:
        prices = dict(connection.execute(text("SELECT id, price_pence FROM variants")).all())
    rng = random.Random(till_name)
    variant_ids = sorted(prices)

    def sell() -> None:
        chosen = rng.sample(variant_ids, 3)
        items = [(chosen[0], 1), (chosen[1], 1), (chosen[2], 2)]
        complete_sale(UnitOfWork(engine, Actor("", till_name)), items,
                      [card_tender(sum(prices[variant] * quantity for variant, quantity in items))])

    for _ in range(WARM_UP_SALES):
        sell()
    print("ready", flush=True)
    sys.stdin.readline()
    seconds = []
    started = time.monotonic()  # system-wide on Linux: comparable between the tills
    cpu = time.process_time()
    for _ in range(sales):
        before = time.perf_counter()
        sell()
        seconds.append(time.perf_counter() - before)
    ended = time.monotonic()
    cpu = time.process_time() - cpu
    engine.dispose()
    return {"seconds": seconds, "started": started, "ended": ended, "cpu_s": cpu}


def _cpu_ticks() -> tuple[int, int]:
    """(idle, total) CPU ticks of the whole machine so far, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait


# The benchmark -------------------------------------------------------------------------------------------

def _run_tills(url: str, tills: list[str], sales: int) -> dict[str, float]:
    """Start the tills, let them go at once, and return sales/s, the p95 commit in ms, and how busy the
    machine's cores were meanwhile (a figure bound by the cores, not by the ledger, shows no idle)."""
    processes = [
        subprocess.Popen([sys.executable, "-m", "bench.tills", url, name, str(sales)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        for name in tills
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a till did not start:\n{process.communicate()[1][-3000:]}")
        idle_before, total_before = _cpu_ticks()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        runs = []
        for process in processes:
            out, err = process.communicate(timeout=1800)
            if process.returncode != 0:
                raise RuntimeError(f"a till failed:\n{err[-3000:]}")
            runs.append(json.loads(out.strip().splitlines()[-1]))
        idle_after, total_after = _cpu_ticks()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    wall = max(run["ended"] for run in runs) - min(run["started"] for run in runs)
    latencies = [second for run in runs for second in run["seconds"]]
    return {
        "sales_per_s": len(latencies) / wall, "p95_ms": p95(latencies) * 1e3, "wall_s": wall,
        "till_cpu_ms_per_sale": sum(run["cpu_s"] for run in runs) / len(latencies) * 1e3,
        "machine_idle_pct": 100 * (idle_after - idle_before) / max(1, total_after - total_before),
        "load_average_1m": os.getloadavg()[0], "cores": os.cpu_count() or 0,
    }


def imported_ledger(url: str, catalogue: Path, tills: list[str]) -> None:
    """A ledger at `url` with the catalogue imported and a shift open on every till."""
    from common.values import Actor
    from inventory.db import UnitOfWork
    from inventory.imports import import_participants, import_products, import_stock
    from pos.ledger import init_ledger
    from pos.sales.tills import register_till
    from pos.shifts.services import open_shift

    engine = init_ledger(url, first_till=tills[0])
    for name, load in (("participants.csv", import_participants), ("products.csv", import_products),
                       ("stock.csv", import_stock)):
        load(UnitOfWork(engine, Actor("bench")), catalogue / name)
    for name in tills:
        if name != tills[0]:
            register_till(UnitOfWork(engine, Actor("bench")), name)
        open_shift(UnitOfWork(engine, Actor("bench", name)), 0)
    engine.dispose()


def empty_postgres(database: str = DATABASE) -> str | None:
    """The URL of an empty database `database` (by default `pos_bench_tills`), or None when the server cannot be reached."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    base = make_url(POSTGRES_URL)
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
    except OperationalError:
        return None
    return base.set(database=database).render_as_string(hide_password=False)


def drop_postgres(database: str = DATABASE) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


def _results(engine: str, figures: dict[int, dict[str, float]], sales: int) -> list[Result]:
    one = figures[1]
    results = []
    for count, measured in figures.items():
        detail = (f"{count} till process{'es' if count > 1 else ''} at once, {sales} 3-line card sales each "
                  f"through complete_sale; {measured['wall_s']:.1f} s, the tills' own CPU "
                  f"{measured['till_cpu_ms_per_sale']:.1f} ms a sale, the {measured['cores']} cores "
                  f"{measured['machine_idle_pct']:.0f}% idle meanwhile")
        extra = {key: measured[key] for key in ("wall_s", "till_cpu_ms_per_sale", "machine_idle_pct",
                                                 "load_average_1m", "cores")}
        target = engine == "postgresql" and count == 4
        ratio = measured["sales_per_s"] / one["sales_per_s"]
        results += [
            Result(f"tills_throughput_{engine}_{count}", measured["sales_per_s"], "sales/s", one["sales_per_s"],
                   f"1 till, {engine}", f"≥ {TARGET_SPEED_UP}× 1 till" if target else None,
                   ratio >= TARGET_SPEED_UP if target else None, detail=detail, extra=extra),
            Result(f"tills_commit_p95_{engine}_{count}", measured["p95_ms"], "ms", one["p95_ms"],
                   f"1 till, {engine}", None, None, detail=f"p95 of every complete_sale call; {detail}", extra=extra),
        ]
    return results


def run(work: Path, sizes: dict[str, Any], log: Callable[[str], None]) -> list[Result]:
    counts: list[int] = sizes["till_process_counts"]
    sales: int = sizes["till_process_sales"]
    tills = [f"bench-till-{number}" for number in range(1, max(counts) + 1)]
    catalogue = work / f"tills-catalogue-{sizes['skus']}skus"
    write_catalogue_csvs(catalogue, sizes["skus"], sizes["skus"] * 5)
    results: list[Result] = []
    sqlite_path = work / "tills.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    postgres = empty_postgres() if "postgresql" in sizes["till_process_engines"] else None
    engines = {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": postgres}
    engines = {engine: url for engine, url in engines.items() if engine in sizes["till_process_engines"]}
    try:
        for engine, url in engines.items():
            if url is None:
                log(f"tills: {POSTGRES_URL} cannot be reached; its figures are skipped")
                results += [Result(name, None, "", None, "", None, None, detail="skipped: PostgreSQL not reachable")
                            for name in figure_names(counts, [engine])]
                continue
            imported_ledger(url, catalogue, tills)
            figures = {}
            for count in counts:
                log(f"tills: {engine}, {count} till process(es), {sales} sales each")
                figures[count] = _run_tills(url, tills[:count], sales)
            results += _results(engine, figures, sales)
    finally:
        if postgres is not None:
            drop_postgres()
    return results


def main() -> None:
    url, till_name, sales = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps(till(url, till_name, sales)))


if __name__ == "__main__":
    main()
