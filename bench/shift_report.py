"""The Z of a busy shift (pos.reports.shift.shift_report, what `pos report z` and the Z close read) against
the best hand-written SQL for the same figures, on the 1,000,000-line event ledger.

A generated shift is one till's day: about 11,100 sales and 33,300 lines at 1,000,000 lines. The
baseline is raw sqlite3 on the same file: every grouping done by SQLite (hours with strftime, which is
exact here only because the bench's November days are on UTC, as London is then; the report converts
each moment to the store's time zone itself). Its figures are checked equal to the report's first,
so a fast wrong report cannot pass. Also reported (`extra`): the Z's PDF made from the report.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.common import Result, interleaved, median, p95
from bench.ledgers import sales_ledger

SHIFT = "SELECT float_pence FROM shifts WHERE id = ?"
SALES = (
    "SELECT strftime('%H', created_at), staff_id, staff, count(*), sum(total_pence), sum(vat_pence), "
    "sum(discount_pence) FROM sales WHERE shift_id = ? GROUP BY 1, 2, 3"
)
LINES = (
    "SELECT l.description, l.size, l.vat_rate_bp, sum(l.quantity), sum(l.line_total_pence), sum(l.vat_pence) "
    "FROM sales s JOIN sale_lines l ON l.sale_id = s.id WHERE s.shift_id = ? GROUP BY 1, 2, 3"
)
DESIGNERS = (
    "SELECT a.participant_id, sum(a.quantity), sum(a.gross_pence), sum(a.vat_pence) "
    "FROM sales s JOIN sale_lines l ON l.sale_id = s.id JOIN line_attributions a ON a.sale_line_id = l.id "
    "WHERE s.shift_id = ? GROUP BY 1"
)
TENDERS = (
    "SELECT p.tender, sum(p.amount_pence), sum(p.tendered_pence), sum(p.change_pence) "
    "FROM sales s JOIN payments p ON p.sale_id = s.id WHERE s.shift_id = ? GROUP BY 1"
)
REFUNDS = "SELECT count(*), coalesce(sum(total_pence), 0), coalesce(sum(vat_pence), 0) FROM refunds WHERE shift_id = ?"
MOVED = "SELECT kind, sum(amount_pence) FROM cash_movements WHERE shift_id = ? GROUP BY kind"
CLOSE = "SELECT counted_cash_pence, variance_pence FROM shift_closes WHERE shift_id = ?"
NAMES = "SELECT id, code, display_name, consent_to_publish FROM participants"


def hand_figures(connection: sqlite3.Connection, shift_id: int) -> dict[str, Any]:
    """The Z's figures from raw SQL (the bench ledgers hold no refunds, so refunds are counted, not grouped)."""
    (float_pence,) = connection.execute(SHIFT, (shift_id,)).fetchone()
    sales = connection.execute(SALES, (shift_id,)).fetchall()
    lines = connection.execute(LINES, (shift_id,)).fetchall()
    designers = connection.execute(DESIGNERS, (shift_id,)).fetchall()
    tenders = connection.execute(TENDERS, (shift_id,)).fetchall()
    refunds = connection.execute(REFUNDS, (shift_id,)).fetchone()
    moved = dict(connection.execute(MOVED, (shift_id,)).fetchall())
    counted, variance = connection.execute(CLOSE, (shift_id,)).fetchone()
    names = {pid: (code, name if consented else code) for pid, code, name, consented in connection.execute(NAMES)}
    if refunds[0]:
        raise AssertionError("the bench ledgers have no refunds; this baseline does not group them")
    hours: dict[str, list[int]] = {}
    for hour, _staff_id, _staff, count, total, _vat, _discount in sales:
        running = hours.setdefault(f"{hour}:00", [0, 0])
        running[0] += count
        running[1] += total
    rates: dict[int, list[int]] = {}
    designs: dict[tuple[str, str], list[int]] = {}
    for design, size, rate, units, amount, vat in lines:
        rate_row = rates.setdefault(rate, [0, 0])
        rate_row[0] += amount
        rate_row[1] += vat
        design_row = designs.setdefault((design, size), [0, 0])
        design_row[0] += units
        design_row[1] += amount
    cash = {tender: (tendered, change) for tender, _amount, tendered, change in tenders}.get("cash", (0, 0))
    expected = float_pence + cash[0] - cash[1] + moved.get("paid_in", 0) - moved.get("paid_out", 0)
    return {
        "sales": (sum(row[3] for row in sales), sum(row[4] + row[6] for row in sales), sum(row[6] for row in sales),
                  sum(row[5] for row in sales)),
        "tenders": {tender: amount for tender, amount, _tendered, _change in tenders},
        "vat": {rate: tuple(figures) for rate, figures in rates.items()},
        "designers": {names[pid][0]: (names[pid][1], units, gross, vat) for pid, units, gross, vat in designers},
        "designs": {key: tuple(figures) for key, figures in designs.items()},
        "hours": {label: tuple(figures) for label, figures in hours.items()},
        "cash": (expected, counted, variance),
    }


def figures_of(report: Any) -> dict[str, Any]:
    return {
        "sales": (report.sales_count, report.gross_pence, report.discount_pence, report.vat_pence),
        "tenders": dict(report.by_tender),
        "vat": {row.rate_bp: (row.takings_pence, row.vat_pence) for row in report.vat_by_rate},
        "designers": {row.code: (row.name, row.units, row.net_pence, row.vat_pence) for row in report.by_participant},
        "designs": {(row.design, row.size): (row.units, row.net_pence) for row in report.by_design},
        "hours": {row.label: (row.sales_count, row.sales_pence) for row in report.by_hour},
        "cash": (report.expected_cash_pence, report.counted_cash_pence, report.variance_pence),
    }


def busiest_shift(path: Path) -> tuple[int, int, int]:
    """(shift id, its sales, its lines) of the shift with the most sales."""
    connection = sqlite3.connect(path)
    try:
        shift_id, sales = connection.execute(
            "SELECT shift_id, count(*) FROM sales GROUP BY shift_id ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
        (lines,) = connection.execute(
            "SELECT count(*) FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.shift_id = ?", (shift_id,)
        ).fetchone()
    finally:
        connection.close()
    return shift_id, sales, lines


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    from pos.ledger import open_ledger
    from pos.reports.shift import shift_report
    from pos.reports.shift_render import shift_pdf

    lines_total, days = sizes["event_lines"][-1], sizes["event_days"]
    log(f"shift report: the busiest shift of the {lines_total:,}-line event ledger")
    path = sales_ledger(work, "event", lines_total, days, sizes["skus"])
    shift_id, shift_sales, shift_lines = busiest_shift(path)
    engine = open_ledger(f"sqlite:///{path}")
    connection = sqlite3.connect(path)
    try:
        report = shift_report(engine, shift_id)
        if figures_of(report) != hand_figures(connection, shift_id):
            raise AssertionError(f"the hand-written SQL disagrees with the Z of shift {shift_id} in {path.name}")
        if sum(row.net_pence for row in report.by_participant) != report.net_pence:
            raise AssertionError("the designers' net does not add up to the net sales")
        samples = interleaved({"report": lambda: shift_report(engine, shift_id),
                               "best SQL": lambda: hand_figures(connection, shift_id)},
                              repeat=sizes["report_repeat_stress"], warmup=1)
        started = time.perf_counter()
        pdf = shift_pdf(report)
        pdf_seconds = time.perf_counter() - started
    finally:
        connection.close()
        engine.dispose()
    value, best = median(samples["report"]), median(samples["best SQL"])
    return [Result(
        "report_z_busy_shift", value * 1e3, "ms", best * 1e3, "best hand-written SQL", "< 2000 ms", value < 2.0,
        detail=f"shift {shift_id}: {shift_sales:,} sales, {shift_lines:,} lines, in the {lines_total:,}-line ledger; "
               f"median of {len(samples['report'])}",
        extra={"p95_ms": p95(samples["report"]) * 1e3, "baseline_p95_ms": p95(samples["best SQL"]) * 1e3,
               "pdf_ms": pdf_seconds * 1e3, "pdf_bytes": len(pdf), "designs_and_sizes": len(report.by_design)},
    )]
