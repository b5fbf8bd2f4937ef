"""3. Day and event figures: `pos report sales` (pos.reports.sales.sales_report) against hand-written SQL.

Baselines, all raw sqlite3 on the same ledger file in the same run, timed in turns with the report:
- best SQL: the fastest hand-written SQL for the same figures that we know (group by trading day and
  key straight out of the covering indexes, add the days up in Python), the physical limit here;
- four GROUP BY: four separate queries grouping by the report's keys directly (totals, tenders,
  designers, products) on the same columns and indexes, the obvious way to write the report;
- four GROUP BY with joins: the same four queries joining lines and payments back to their sale for
  its trading day, as the report was written before migration 0003 (for the record).
Every baseline's figures are checked equal to the report's, so a fast wrong report cannot pass.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from collections.abc import Iterable, Sequence
from typing import Any

from bench.common import Result, interleaved, median, p95
from bench.ledgers import EVENT_START, sales_ledger

TOTALS = (
    "SELECT count(id), coalesce(sum(total_pence), 0), coalesce(sum(vat_pence), 0) "
    "FROM sales WHERE trading_date BETWEEN ? AND ?"
)
BEST = {
    "tenders": "SELECT tender, sum(amount_pence) FROM payments WHERE trading_date BETWEEN ? AND ? GROUP BY trading_date, tender",
    "participants": (
        "SELECT participant_id, sum(quantity), sum(gross_pence), sum(vat_pence) FROM line_attributions "
        "WHERE trading_date BETWEEN ? AND ? GROUP BY trading_date, participant_id"
    ),
    "products": (
        "SELECT sku, description, size, colour, sum(quantity), sum(line_total_pence) FROM sale_lines "
        "WHERE trading_date BETWEEN ? AND ? GROUP BY trading_date, sku, description, size, colour"
    ),
}
FOUR = {
    "tenders": "SELECT tender, sum(amount_pence) FROM payments WHERE trading_date BETWEEN ? AND ? GROUP BY tender",
    "participants": (
        "SELECT participant_id, sum(quantity), sum(gross_pence), sum(vat_pence) FROM line_attributions "
        "WHERE trading_date BETWEEN ? AND ? GROUP BY participant_id"
    ),
    "products": (
        "SELECT sku, description, size, colour, sum(quantity), sum(line_total_pence) FROM sale_lines "
        "WHERE trading_date BETWEEN ? AND ? GROUP BY sku, description, size, colour"
    ),
}
FOUR_JOINED = {
    "tenders": (
        "SELECT p.tender, sum(p.amount_pence) FROM payments p JOIN sales s ON s.id = p.sale_id "
        "WHERE s.trading_date BETWEEN ? AND ? GROUP BY p.tender"
    ),
    "participants": (
        "SELECT a.participant_id, sum(l.quantity), sum(a.gross_pence), sum(a.vat_pence) FROM line_attributions a "
        "JOIN sale_lines l ON l.id = a.sale_line_id JOIN sales s ON s.id = l.sale_id "
        "WHERE s.trading_date BETWEEN ? AND ? GROUP BY a.participant_id"
    ),
    "products": (
        "SELECT l.sku, l.description, l.size, l.colour, sum(l.quantity), sum(l.line_total_pence) FROM sale_lines l "
        "JOIN sales s ON s.id = l.sale_id WHERE s.trading_date BETWEEN ? AND ? "
        "GROUP BY l.sku, l.description, l.size, l.colour"
    ),
}


def add_rows(rows: Iterable[Sequence[Any]], key_width: int) -> dict[tuple[Any, ...], list[int]]:
    """Per key (the first `key_width` columns), the rest of the columns added up."""
    totals: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key, figures = row[:key_width], row[key_width:]
        running = totals.get(key)
        if running is None:
            totals[key] = list(figures)
        else:
            for index, figure in enumerate(figures):
                running[index] += figure
    return totals


def hand_figures(connection: sqlite3.Connection, queries: dict[str, str], first: date, last: date) -> dict[str, Any]:
    """The report's figures from raw SQL, in a form comparable with figures_of(report)."""
    span = (first.isoformat(), last.isoformat())
    count, gross, vat = connection.execute(TOTALS, span).fetchone()
    tenders = add_rows(connection.execute(queries["tenders"], span).fetchall(), 1)
    participants = add_rows(connection.execute(queries["participants"], span).fetchall(), 1)
    products = add_rows(connection.execute(queries["products"], span).fetchall(), 4)
    codes = dict(connection.execute("SELECT id, code FROM participants").fetchall())
    return {
        "sales": (count, gross, vat),
        "tenders": {key[0]: figures[0] for key, figures in tenders.items()},
        "participants": {codes[key[0]]: tuple(figures) for key, figures in participants.items()},
        "products": {key: tuple(figures) for key, figures in products.items()},
    }


def figures_of(report: Any) -> dict[str, Any]:
    return {
        "sales": (report.sales_count, report.gross_pence, report.vat_pence),
        "tenders": dict(report.by_tender),
        "participants": {row.code: (row.units, row.gross_pence, row.vat_pence) for row in report.by_participant},
        "products": {(row.sku, row.name, row.size, row.colour): (row.units, row.gross_pence) for row in report.by_product},
    }


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def time_report(path: Path, first: date, last: date, repeat: int, joined: bool) -> dict[str, list[float]]:
    """Seconds per run of the report and of each baseline, taking turns; figures checked equal first."""
    from pos.ledger import open_ledger
    from pos.reports.sales import sales_report

    engine = open_ledger(f"sqlite:///{path}")
    connection = _connect(path)
    try:
        expected = figures_of(sales_report(engine, first, last))
        variants = {"best SQL": BEST, "four GROUP BY": FOUR}
        if joined:
            variants["four GROUP BY, joined"] = FOUR_JOINED
        for name, queries in variants.items():
            got = hand_figures(connection, queries, first, last)
            if got != expected:
                raise AssertionError(f"{name} disagrees with the report for {first}..{last} in {path.name}")
        calls = {"report": lambda: sales_report(engine, first, last)}
        for name, queries in variants.items():
            calls[name] = lambda queries=queries: hand_figures(connection, queries, first, last)
        return interleaved(calls, repeat=repeat, warmup=1)
    finally:
        connection.close()
        engine.dispose()


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    results: list[Result] = []
    skus = sizes["skus"]

    # A very busy day: one trading day of busy_lines lines.
    busy_lines = sizes["busy_lines"]
    log(f"reports: busy-day ledger, {busy_lines:,} lines")
    busy = sales_ledger(work, "busyday", busy_lines, 1, skus)
    samples = time_report(busy, EVENT_START, EVENT_START, sizes["report_repeat_day"], joined=False)
    report, best = samples["report"], samples["best SQL"]
    results.append(Result(
        "report_busy_day", median(report) * 1e3, "ms", median(best) * 1e3, "best hand-written SQL",
        "< 200 ms", median(report) * 1e3 < 200,
        detail=f"{busy_lines:,} lines, {-(-busy_lines // 3):,} sales in one day; median of {len(report)}",
        extra={"p95_ms": p95(report) * 1e3, "baseline_p95_ms": p95(best) * 1e3,
               "four_group_by_ms": median(samples["four GROUP BY"]) * 1e3},
    ))

    # The event: ten days, at several sizes; the largest is the stress ledger.
    days = sizes["event_days"]
    last_day = EVENT_START + timedelta(days=days - 1)
    growth: list[tuple[int, float, float]] = []
    event_sizes = sizes["event_lines"]
    for lines in event_sizes:
        log(f"reports: event ledger, {lines:,} lines over {days} days")
        path = sales_ledger(work, "event", lines, days, skus)
        largest = lines == event_sizes[-1]
        repeat = sizes["report_repeat_stress"] if largest else sizes["report_repeat_growth"]
        samples = time_report(path, EVENT_START, last_day, repeat, joined=largest)
        report = samples["report"]
        growth.append((lines, median(report), median(samples["best SQL"])))
        results.append(Result(
            f"report_event_{lines}_lines", median(report) * 1e3, "ms", median(samples["best SQL"]) * 1e3,
            "best hand-written SQL", None, None,
            detail=f"whole event ({days} days); median of {len(report)}",
            extra={"p95_ms": p95(report) * 1e3, "four_group_by_ms": median(samples["four GROUP BY"]) * 1e3},
        ))
        if not largest:
            continue
        four = median(samples["four GROUP BY"])
        value = median(report)
        results.append(Result(
            "report_event_stress", value * 1e3, "ms", four * 1e3, "four separate GROUP BY queries",
            "< 2000 ms and ≤ 0.6× four GROUP BY", value < 2.0 and value <= 0.6 * four,
            detail=f"{lines:,} lines over {days} days; median of {len(report)}",
            extra={
                "p95_ms": p95(report) * 1e3,
                "best_sql_ms": median(samples["best SQL"]) * 1e3,
                "four_group_by_joined_ms": median(samples["four GROUP BY, joined"]) * 1e3,
                "ratio_to_joined": value / median(samples["four GROUP BY, joined"]),
            },
        ))
        results.append(Result(
            "report_event_stress_vs_best_sql", value * 1e3, "ms", median(samples["best SQL"]) * 1e3,
            "best hand-written SQL", None, None, detail=f"{lines:,} lines: the report's own overhead",
        ))
        results.append(Result(
            "report_event_stress_vs_joined_group_by", value * 1e3, "ms",
            median(samples["four GROUP BY, joined"]) * 1e3, "four GROUP BY joined to sales (pre-0003 report SQL)",
            None, None, detail=f"{lines:,} lines",
        ))
        one_day = EVENT_START + timedelta(days=days // 2)
        day_samples = time_report(path, one_day, one_day, sizes["report_repeat_day"], joined=False)
        results.append(Result(
            "report_day_in_stress_ledger", median(day_samples["report"]) * 1e3, "ms",
            median(day_samples["best SQL"]) * 1e3, "best hand-written SQL", "< 200 ms",
            median(day_samples["report"]) * 1e3 < 200,
            detail=f"one day ({lines // days:,} lines) of the {lines:,}-line ledger",
            extra={"four_group_by_ms": median(day_samples["four GROUP BY"]) * 1e3},
        ))
    (small, small_time, small_best), (big, big_time, big_best) = growth[0], growth[-1]
    results.append(Result(
        "report_event_growth", big_time / small_time, "×", big / small, "growth in lines",
        None, None,
        detail=f"time at {big:,} lines ÷ time at {small:,} lines (best SQL grows {big_best / small_best:.1f}×)",
        extra={"points_ms": {str(lines): t * 1e3 for lines, t, _ in growth}},
    ))
    return results
