"""What a ledger must hold after several tills, or a till killed again and again, wrote to it.

Read with plain SQL (the same on SQLite and PostgreSQL), apart from the services, so a check does not
lean on the code it checks: every sale and refund whole (lines, designers' attributions, payments,
stock movements), and each till's receipt numbers (sales and refunds share the counter) gapless.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

from common.values import ReceiptRef

Key = tuple[str, int]  # (till, receipt number)


@dataclass
class Recorded:
    """A sale or refund as the ledger holds it."""

    total_pence: int
    lines: list[tuple[int, str, int, int, bool]] = field(default_factory=list)  # (line id, SKU, qty, pence, damaged)
    paid: Counter[str] = field(default_factory=Counter)  # tender -> pence
    of: int | None = None  # a refund: the receipt number of the sale it refunds
    staff: str = ""  # the name of who served

    def items(self) -> list[tuple[str, int]]:
        return sorted((sku, quantity) for _, sku, quantity, _, _ in self.lines)


@dataclass
class LedgerState:
    sales: dict[Key, Recorded]
    refunds: dict[Key, Recorded]
    last_receipt_no: dict[str, int]
    problems: list[str]


def _rows(connection: Connection, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(row) for row in connection.execute(text(sql))]


def read_ledger(engine: Engine) -> LedgerState:
    """Every sale and refund, and what is wrong with any of them (an empty `problems` is a whole ledger)."""
    with engine.connect() as connection:
        tills = {till_id: (name, last) for till_id, name, last in _rows(connection, "SELECT id, name, last_receipt_no FROM tills")}
        sales = _sales(connection, tills)
        refunds = _refunds(connection, tills)
        problems = [
            *_movement_problems(connection, sales, refunds),
            *_whole_problems("sale", sales),
            *_whole_problems("refund", refunds),
            *_attribution_problems(connection),
        ]
    last = {name: number for name, number in tills.values()}
    for till, number in last.items():
        used = sorted([n for t, n in sales if t == till] + [n for t, n in refunds if t == till])
        if used != list(range(1, number + 1)):
            problems.append(f"{till}: receipt numbers {_gaps(used, number)} (counter at {number})")
    return LedgerState(sales, refunds, last, problems)


def _gaps(used: list[int], last: int) -> str:
    missing = sorted(set(range(1, last + 1)) - set(used))
    twice = sorted(number for number, times in Counter(used).items() if times > 1)
    return f"missing {missing[:10]}, used twice {twice[:10]}"


def _sales(connection: Connection, tills: dict[int, tuple[str, int]]) -> dict[Key, Recorded]:
    by_id: dict[int, tuple[Key, Recorded]] = {
        sale_id: ((tills[till_id][0], number), Recorded(total, staff=staff))
        for sale_id, till_id, number, total, staff in _rows(
            connection, "SELECT id, till_id, receipt_no, total_pence, staff FROM sales"
        )
    }
    for line_id, sale_id, sku, quantity, pence in _rows(
        connection, "SELECT id, sale_id, sku, quantity, line_total_pence FROM sale_lines"
    ):
        by_id[sale_id][1].lines.append((line_id, sku, quantity, pence, False))
    for sale_id, tender, pence in _rows(connection, "SELECT sale_id, tender, amount_pence FROM payments"):
        by_id[sale_id][1].paid[tender] += pence
    return dict(by_id.values())


def _refunds(connection: Connection, tills: dict[int, tuple[str, int]]) -> dict[Key, Recorded]:
    by_id: dict[int, tuple[Key, Recorded]] = {
        refund_id: ((tills[till_id][0], number), Recorded(total, of=of))
        for refund_id, till_id, number, total, of in _rows(
            connection,
            "SELECT r.id, r.till_id, r.receipt_no, r.total_pence, s.receipt_no FROM refunds r JOIN sales s ON s.id = r.sale_id",
        )
    }
    for line_id, refund_id, sku, quantity, pence, damaged in _rows(
        connection, "SELECT id, refund_id, sku, quantity, amount_pence, damaged FROM refund_lines"
    ):
        by_id[refund_id][1].lines.append((line_id, sku, quantity, pence, bool(damaged)))
    for refund_id, tender, pence in _rows(connection, "SELECT refund_id, tender, amount_pence FROM refund_payments"):
        by_id[refund_id][1].paid[tender] += pence
    return dict(by_id.values())


def _whole_problems(what: str, records: dict[Key, Recorded]) -> list[str]:
    problems = []
    for (till, number), record in records.items():
        if not record.lines:
            problems.append(f"{what} {till}/{number} has no lines")
        if sum(line[3] for line in record.lines) != record.total_pence:
            problems.append(f"{what} {till}/{number}: lines do not add up to its total")
        if sum(record.paid.values()) != record.total_pence:
            problems.append(f"{what} {till}/{number}: payments {dict(record.paid)} are not its total {record.total_pence}")
    return problems


def _movement_problems(connection: Connection, sales: dict[Key, Recorded], refunds: dict[Key, Recorded]) -> list[str]:
    """Each sale's and refund's stock movements (by its reference) are exactly what its lines say, and no
    movement names a receipt that is not in the ledger."""
    moved: dict[str, Counter[tuple[str, str, int]]] = defaultdict(Counter)
    for reference, kind, sku, quantity in _rows(
        connection,
        "SELECT m.reference, m.kind, v.sku, m.quantity FROM stock_movements m JOIN variants v ON v.id = m.variant_id "
        "WHERE m.reference LIKE '%/%'",
    ):
        moved[reference][(kind, sku, quantity)] += 1
    wanted: dict[str, Counter[tuple[str, str, int]]] = {}
    for (till, number), sale in sales.items():
        wanted[str(ReceiptRef(till, number))] = Counter(("sold", sku, -quantity) for _, sku, quantity, _, _ in sale.lines)
    for (till, number), refund in refunds.items():
        wanted[str(ReceiptRef(till, number))] = Counter(
            [("returned", sku, quantity) for _, sku, quantity, _, _ in refund.lines]
            + [("damaged", sku, -quantity) for _, sku, quantity, _, damaged in refund.lines if damaged]
        )
    problems = [f"stock movements of {reference} are not its lines"
                for reference, expected in wanted.items() if moved.get(reference, Counter()) != expected]
    problems += [f"stock movements name {reference}, which is in the ledger as no sale or refund"
                 for reference in moved.keys() - wanted.keys()]
    return problems


def _attribution_problems(connection: Connection) -> list[str]:
    """Every line, of a sale or a refund, split between exactly its design's designers, to the penny."""
    problems = []
    for table, parent, amount, attribution, link in (
        ("sale_lines", "sale_id", "line_total_pence", "line_attributions", "sale_line_id"),
        ("refund_lines", "refund_id", "amount_pence", "refund_attributions", "refund_line_id"),
    ):
        rows = _rows(connection, f"""
            SELECT l.id, l.{amount},
                   (SELECT count(*) FROM designer_shares d JOIN variants v ON v.product_id = d.product_id
                     WHERE v.id = l.variant_id),
                   (SELECT count(*) FROM {attribution} a WHERE a.{link} = l.id),
                   (SELECT coalesce(sum(a.gross_pence), 0) FROM {attribution} a WHERE a.{link} = l.id)
            FROM {table} l""")
        for line_id, pence, designers, parts, attributed in rows:
            if parts != designers or (designers and attributed != pence):
                problems.append(f"{table} {line_id}: {parts} attributions for {designers} designers, "
                                f"{attributed} of {pence} pence")
    return problems
