"""8. Statements and the event: `pos report designers`, `pos report event`, `pos statement` and the
close-out's statements, on the 1,000,000-line ledger.

Figures (each checked against its baseline's answer before it is timed, so a fast wrong answer fails):
- designers_report_stress: pos.reports.designers.designers_report for the whole event (10 days) on the
  1,000,000-line event ledger of section 3, beside the best hand-written SQL for the same figures
  (raw sqlite3: attributions and refund attributions grouped by day and designer straight out of
  their covering indexes, added up in Python, with the designers' names and designs).
- event_summary_stress: pos.reports.event.event_summary on the same ledger, beside hand-written SQL
  (raw sqlite3) for the same figures: sales grouped by day, till and UTC hour in one pass, lines by
  day and SKU out of their covering index, designers as above, what each SKU received, the catalogue.
- statement_pdf_one: one participant's statement (figures and PDF, as `pos statement` makes it) on a
  1,000,000-line ledger of a 12-participant programme (120 SKUs, 24 designs, 1 in 5 a collaboration)
  whose sales were served by the participants themselves on 30 shifts (3 tills x 10 days), so the
  statement has shifts and customers too; beside hand-written SQL for the statement's figures alone.
- statements_all_12: every participant's statement (figures and PDF) on that ledger, as the
  close-out writes them; beside 12 times the hand-written SQL.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import Result, interleaved, median, p95
from bench.reports import add_rows
from bench.ledgers import (
    EVENT_START, TILLS, _build, cached_path, catalogue, sales_ledger, write_catalogue, write_sales,
)

PROGRAMME_SKUS = 120  # 12 participants (bench.ledgers.catalogue: one per ten SKUs)
SET_UP_AT = "2026-11-19 08:00:00.000000"


# --- the 12-participant ledger with staff and shifts ---------------------------------------------


class _StaffedSales:
    """Wraps the filling connection: each sale bench.ledgers.write_sales writes gets the staff member who
    served it (a participant, in turn) and its till's shift of that day. The shifts are written first, here;
    a write_sales that writes its own shifts (the same ids: one per till and day) has those left out."""

    def __init__(self, connection: sqlite3.Connection, people: int, first_day: date) -> None:
        self._connection = connection
        self._people = people
        self._first_day = first_day

    def execute(self, *args: Any) -> Any:
        return self._connection.execute(*args)

    def executemany(self, sql: str, rows: Any) -> Any:
        if sql.startswith(("INSERT INTO shifts (", "INSERT INTO shift_closes (")):
            return None  # programme_ledger wrote them, with who opened each
        if sql.startswith("INSERT INTO sales ("):
            columns = [name.strip() for name in sql[len("INSERT INTO sales ("):sql.index(")")].split(",")]
            wanted = [*[name for name in columns if name not in ("staff_id", "shift_id")], "staff_id", "shift_id"]
            sql = f"INSERT INTO sales ({', '.join(wanted)}) VALUES ({', '.join('?' * len(wanted))})"
            rows = [self._staffed(dict(zip(columns, row, strict=True)), wanted) for row in rows]
        return self._connection.executemany(sql, rows)

    def _staffed(self, row: dict[str, Any], wanted: list[str]) -> tuple[Any, ...]:
        staff_id = row["id"] % self._people + 1
        day = (date.fromisoformat(row["trading_date"]) - self._first_day).days
        row.update(staff=f"Designer {staff_id:03d}", staff_id=staff_id, shift_id=shift_id(day, row["till_id"]))
        return tuple(row[name] for name in wanted)


def shift_id(day: int, till: int) -> int:
    return day * len(TILLS) + till


def programme_ledger(work: Path, lines: int, days: int) -> Path:
    """`lines` sale lines over `days` days for 12 participants, each also a cashier; a shift per till and day."""
    cat = catalogue(PROGRAMME_SKUS)

    def fill(connection: sqlite3.Connection) -> None:
        write_catalogue(connection, cat)
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO staff (id, code, display_name, role, participant_id, pin_hash, active, failed_pins, created_at) "
            f"VALUES (?, ?, ?, 'cashier', ?, NULL, 1, 0, '{SET_UP_AT}')",
            [(i, f"S{i:03d}", f"Designer {i:03d}", i) for i in range(1, cat.participants + 1)],
        )
        manager = cat.participants + 1
        connection.execute(
            "INSERT INTO staff (id, code, display_name, role, participant_id, pin_hash, active, failed_pins, created_at) "
            f"VALUES (?, 'MGR', 'Manager', 'manager', NULL, NULL, 1, 0, '{SET_UP_AT}')", (manager,))
        shifts, closes = [], []
        for day in range(days):
            trading = EVENT_START + timedelta(days=day)
            for till in range(1, len(TILLS) + 1):
                opener = (day * len(TILLS) + till) % cat.participants + 1
                opened = datetime(trading.year, trading.month, trading.day, 8, 45).strftime("%Y-%m-%d %H:%M:%S.%f")
                closed = datetime(trading.year, trading.month, trading.day, 18, 15).strftime("%Y-%m-%d %H:%M:%S.%f")
                shifts.append((shift_id(day, till), till, opened, trading.isoformat(), opener, f"Designer {opener:03d}"))
                closes.append((shift_id(day, till), closed, trading.isoformat(), manager))
        connection.executemany(
            "INSERT INTO shifts (id, till_id, opened_at, trading_date, opened_by_id, opened_by, float_pence) "
            "VALUES (?, ?, ?, ?, ?, ?, 10000)", shifts)
        connection.executemany(
            "INSERT INTO shift_closes (shift_id, closed_at, trading_date, closed_by_id, closed_by, expected_cash_pence, "
            "counted_cash_pence, variance_pence, cash_count, note) VALUES (?, ?, ?, ?, 'Manager', 0, 0, 0, '', '')",
            closes)
        connection.execute("COMMIT")
        write_sales(_StaffedSales(connection, cat.participants, EVENT_START), cat, lines, days)  # type: ignore[arg-type]

    return _build(cached_path(work, f"programme-{lines}lines-{days}days-{PROGRAMME_SKUS}skus"), fill)


# --- hand-written SQL ------------------------------------------------------------------------------


def hand_designers(connection: sqlite3.Connection, first: date, last: date) -> dict[str, tuple[int, int, int]]:
    span = (first.isoformat(), last.isoformat())
    rows = connection.execute(
        "SELECT participant_id, sum(quantity), sum(gross_pence), sum(vat_pence) FROM line_attributions "
        "WHERE trading_date BETWEEN ? AND ? GROUP BY trading_date, participant_id", span).fetchall()
    rows += [(pid, -units, -gross, -vat) for pid, units, gross, vat in connection.execute(
        "SELECT participant_id, sum(quantity), sum(gross_pence), sum(vat_pence) FROM refund_attributions "
        "WHERE trading_date BETWEEN ? AND ? GROUP BY trading_date, participant_id", span)]
    totals = add_rows(rows, 1)
    designers = dict(connection.execute("SELECT participant_id, count(*) FROM designer_shares GROUP BY participant_id"))
    people = connection.execute("SELECT id, code, display_name, consent_to_publish FROM participants").fetchall()
    return {code: tuple(totals.get((pid,), (0, 0, 0))) for pid, code, _name, _consent in people  # type: ignore[misc]
            if pid in designers or (pid,) in totals}


def designers_figures(report: Any) -> dict[str, tuple[int, int, int]]:
    return {row.code: (row.units, row.gross_pence, row.vat_pence) for row in report.designers}


def hand_event(connection: sqlite3.Connection) -> dict[str, Any]:
    """The event summary's figures from raw SQL: totals, days, tills, UTC hours, designers, designs."""
    sales = connection.execute(
        "SELECT trading_date, till_id, substr(created_at, 1, 13), count(*), sum(total_pence), sum(vat_pence), "
        "sum(discount_pence) FROM sales GROUP BY 3, 2, 1").fetchall()
    refunds = connection.execute(
        "SELECT trading_date, till_id, count(*), sum(total_pence), sum(vat_pence) FROM refunds GROUP BY 1, 2").fetchall()
    lines = connection.execute(
        "SELECT trading_date, sku, sum(quantity), sum(line_total_pence) FROM sale_lines GROUP BY trading_date, sku"
    ).fetchall()
    returned = connection.execute(
        "SELECT trading_date, sku, sum(quantity), sum(amount_pence) FROM refund_lines GROUP BY trading_date, sku"
    ).fetchall()
    received = dict(connection.execute(
        "SELECT variant_id, sum(quantity) FROM stock_movements NOT INDEXED WHERE kind = 'received' GROUP BY variant_id"))
    variants = connection.execute("SELECT id, sku, product_id FROM variants").fetchall()
    first = connection.execute("SELECT min(trading_date) FROM sales").fetchone()[0]
    last = connection.execute("SELECT max(trading_date) FROM sales").fetchone()[0]
    days = add_rows([(day, count, total) for day, _till, _hour, count, total, _vat, _discount in sales], 1)
    for day, _till, _count, total, _vat in refunds:
        days[(day,)][1] -= total
    tills = add_rows([(till, count, total) for _day, till, _hour, count, total, _vat, _discount in sales], 1)
    hours = add_rows([(int(hour[11:13]), count, total) for _day, _till, hour, count, total, _vat, _discount in sales], 1)
    product_of = {sku: product for _vid, sku, product in variants}
    designs = add_rows([(product_of[sku], units, total) for _day, sku, units, total in lines]
                   + [(product_of[sku], -units, -total) for _day, sku, units, total in returned], 1)
    received_by = add_rows([(product, received.get(vid, 0)) for vid, _sku, product in variants], 1)
    return {
        "totals": (sum(row[3] for row in sales), sum(row[4] for row in sales) - sum(row[3] for row in refunds)),
        "days": {date.fromisoformat(key[0]): tuple(value) for key, value in days.items()},
        "tills": {key[0]: tuple(value) for key, value in tills.items()},
        "hours": {key[0]: tuple(value) for key, value in hours.items()},
        "designers": hand_designers(connection, date.fromisoformat(first), date.fromisoformat(last)),
        "designs": {key[0]: (value[0], value[1], received_by[key][0]) for key, value in designs.items()},
    }


def event_figures(summary: Any, connection: sqlite3.Connection) -> dict[str, Any]:
    """The same figures from pos.reports.event (hours are UTC hours here: November, London is UTC)."""
    till_ids = {name: till_id for till_id, name in connection.execute("SELECT id, name FROM tills")}
    product_ids = {name: pid for pid, name in connection.execute("SELECT id, name FROM products")}
    return {
        "totals": (summary.sales_count, summary.gross_pence),
        "days": {row.day: (row.sales_count, row.gross_pence) for row in summary.by_day},
        "tills": {till_ids[row.till]: (row.sales_count, row.gross_pence) for row in summary.by_till},
        "hours": {row.hour: (row.sales_count, row.gross_pence) for row in summary.by_hour if row.sales_count},
        "designers": {row.code: (row.units, row.gross_pence, row.vat_pence) for row in summary.by_designer},
        "designs": {product_ids[row.design]: (row.units, row.gross_pence, row.received) for row in summary.by_design
                    if row.units or row.gross_pence},
    }


def hand_statement(connection: sqlite3.Connection, code: str, first: date, last: date) -> tuple[int, int, int, int]:
    """A statement's figures from the best raw SQL we know: (units, their share, its VAT, customers served).

    Day by day from the attributions' covering index (searched one day at a time), the lines of the designs
    all theirs from the lines' covering index by day and SKU, their attribution of each collaboration's
    lines, and the sales they served (there is no index on who served: the table is read through)."""
    days = [(first + timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)]
    marks = ",".join("?" * len(days))
    pid = connection.execute("SELECT id FROM participants WHERE code = ?", (code,)).fetchone()[0]
    skus = connection.execute(
        "SELECT v.sku, d.share_bp FROM variants v JOIN designer_shares d ON d.product_id = v.product_id "
        "WHERE d.participant_id = ?", (pid,)).fetchall()
    per_day = connection.execute(
        f"SELECT trading_date, sum(quantity), sum(gross_pence), sum(vat_pence) FROM line_attributions "
        f"WHERE trading_date IN ({marks}) AND participant_id = ? GROUP BY trading_date", (*days, pid)).fetchall()
    solo = [sku for sku, share in skus if share == 10_000]
    shared = [sku for sku, share in skus if share < 10_000]
    lines = []
    if solo:
        lines += connection.execute(
            f"SELECT trading_date, sku, size, colour, sum(quantity), sum(line_total_pence) FROM sale_lines "
            f"WHERE trading_date IN ({marks}) AND sku IN ({','.join('?' * len(solo))}) GROUP BY 1, 2, 3, 4",
            (*days, *solo)).fetchall()
    if shared:
        lines += connection.execute(
            f"SELECT l.trading_date, l.sku, l.size, l.colour, sum(a.quantity), sum(a.gross_pence) FROM sale_lines l "
            f"JOIN line_attributions a ON a.sale_line_id = l.id AND a.participant_id = ? "
            f"WHERE l.trading_date IN ({marks}) AND l.sku IN ({','.join('?' * len(shared))}) GROUP BY 1, 2, 3, 4",
            (pid, *days, *shared)).fetchall()
    if sum(row[5] for row in lines) != sum(row[2] for row in per_day):
        raise AssertionError("the lines and the attributions disagree")
    staff = [row[0] for row in connection.execute("SELECT id FROM staff WHERE participant_id = ?", (pid,))]
    served = connection.execute(
        f"SELECT shift_id, count(*) FROM sales WHERE staff_id IN ({','.join('?' * len(staff))}) "
        "AND trading_date BETWEEN ? AND ? GROUP BY shift_id", (*staff, days[0], days[-1])).fetchall() if staff else []
    return (sum(row[1] for row in per_day), sum(row[2] for row in per_day), sum(row[3] for row in per_day),
            sum(count for _shift, count in served))


# --- the run ---------------------------------------------------------------------------------------


def cpu_times(calls: dict[str, Any], repeat: int) -> dict[str, list[float]]:
    """CPU seconds of this process per call, taking turns: on a shared machine the wall time also holds
    the waits for a core, the CPU time only the work (every query here runs in this process)."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            started = time.process_time()
            call()
            samples[name].append(time.process_time() - started)
    return samples


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    from pos.ledger import open_ledger
    from pos.reports.designers import designers_report
    from pos.reports.documents import statement_pdf
    from pos.reports.event import event_summary
    from pos.reports.statement import participant_codes, statement

    lines, days, skus = sizes["event_lines"][-1], sizes["event_days"], sizes["skus"]
    first, last = EVENT_START, EVENT_START + timedelta(days=days - 1)
    results: list[Result] = []

    log(f"statements: event ledger, {lines:,} lines over {days} days")
    path = sales_ledger(work, "event", lines, days, skus)
    engine = open_ledger(f"sqlite:///{path}")
    connection = _connect(path)
    try:
        if designers_figures(designers_report(engine, first, last)) != hand_designers(connection, first, last):
            raise AssertionError("the designers report disagrees with hand-written SQL")
        if event_figures(event_summary(engine), connection) != hand_event(connection):
            raise AssertionError("the event summary disagrees with hand-written SQL")
        calls = {
            "designers": lambda: designers_report(engine, first, last),
            "designers SQL": lambda: hand_designers(connection, first, last),
            "event": lambda: event_summary(engine),
            "event SQL": lambda: hand_event(connection),
        }
        samples = interleaved(calls, repeat=sizes["statements_repeat"], warmup=1)
        cpu_samples = cpu_times(calls, repeat=max(1, sizes["statements_repeat"] // 2))
    finally:
        connection.close()
        engine.dispose()
    for name, label, what in (
        ("designers_report_stress", "designers", "every designer's units and exact share, whole event"),
        ("event_summary_stress", "event", "totals, days, tills, hours, designers, designs with sell-through"),
    ):
        value, baseline = median(samples[label]), median(samples[f"{label} SQL"])
        cpu, baseline_cpu = median(cpu_samples[label]), median(cpu_samples[f"{label} SQL"])
        results.append(Result(
            name, value * 1e3, "ms", baseline * 1e3, "hand-written SQL (raw sqlite3), same figures", "< 2000 ms",
            value < 2.0, detail=f"{what}; {lines:,} lines over {days} days; median of {len(samples[label])}; "
                                f"CPU {cpu * 1e3:,.0f} ms (SQL {baseline_cpu * 1e3:,.0f} ms)",
            extra={"p95_ms": p95(samples[label]) * 1e3, "baseline_p95_ms": p95(samples[f"{label} SQL"]) * 1e3,
                   "cpu_ms": cpu * 1e3, "baseline_cpu_ms": baseline_cpu * 1e3},
        ))

    log(f"statements: a 12-participant programme ledger, {lines:,} lines over {days} days, with shifts")
    path = programme_ledger(work, lines, days)
    engine = open_ledger(f"sqlite:///{path}")
    connection = _connect(path)
    out = work / "statement.pdf"
    try:
        codes = participant_codes(engine)
        one = codes[0]
        made = statement(engine, one, first, last)
        if (made.units, made.gross_pence, made.vat_pence, made.customers_served) != hand_statement(
                connection, one, first, last):
            raise AssertionError("the statement disagrees with hand-written SQL")
        if not made.shifts:
            raise AssertionError("the programme ledger's statement has no shifts")

        def one_statement() -> None:
            out.write_bytes(statement_pdf(statement(engine, one, first, last), "Makers' Store"))

        def every_statement() -> None:
            for code in codes:
                (work / f"statement-{code}.pdf").write_bytes(
                    statement_pdf(statement(engine, code, first, last), "Makers' Store"))

        samples = interleaved({
            "one": one_statement, "one SQL": lambda: hand_statement(connection, one, first, last),
            "figures": lambda: statement(engine, one, first, last),
        }, repeat=sizes["statements_repeat"], warmup=1)
        every = interleaved({
            "all": every_statement, "all SQL": lambda: [hand_statement(connection, code, first, last) for code in codes],
        }, repeat=max(1, sizes["statements_repeat"] // 2), warmup=0)
    finally:
        connection.close()
        engine.dispose()
    value, baseline = median(samples["one"]), median(samples["one SQL"])
    results.append(Result(
        "statement_pdf_one", value * 1e3, "ms", baseline * 1e3, "hand-written SQL for the statement's figures alone",
        "< 2000 ms", value < 2.0,
        detail=f"{one}: {made.units:,} items, {len(made.shifts)} shifts, {made.customers_served:,} customers; "
               f"figures and PDF ({out.stat().st_size / 1e3:.0f} kB); {lines:,} lines, 12 participants; "
               f"median of {len(samples['one'])}",
        extra={"figures_ms": median(samples["figures"]) * 1e3, "pdf_bytes": out.stat().st_size},
    ))
    value, baseline = median(every["all"]), median(every["all SQL"])
    results.append(Result(
        "statements_all_12", value, "s", baseline, "12 times the hand-written SQL for a statement's figures",
        "< 20 s", value < 20.0,
        detail=f"every participant's statement (figures and PDF), as the close-out writes them; {lines:,} lines; "
               f"median of {len(every['all'])}",
    ))
    return results
