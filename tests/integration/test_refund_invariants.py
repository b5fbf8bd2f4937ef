"""No sequence of sales and refunds lets refunds exceed sales on any line or breaks penny-exact attribution,
and the sales report stays net and exact: sum(by_tender) == gross == sum of the designers' gross."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from common.clock import trading_date
from common.errors import NotAllowed
from common.values import Actor, ReceiptRef
from inventory.db import UnitOfWork
from pos.reports.sales import sales_report
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.staff.services import staff_member
from ledger_helpers import SettableClock, staffed
from refund_helpers import PEOPLE, awkward_catalogue, variants
from property_sizes import examples

SKUS = ("TEN", "TRIO", "DUO", "BOOK")
START = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)

sales = st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 4)), min_size=1, max_size=3, unique_by=lambda item: item[0])
operation = st.one_of(
    st.tuples(st.just("sell"), sales, st.integers(0, 100)),  # percent paid by card
    st.tuples(st.just("refund"), st.integers(0, 20), st.sampled_from(SKUS), st.integers(1, 5), st.booleans(),
              st.sampled_from([None, None, "cash", "card"]), st.booleans()),  # ..., next trading day first
)


@pytest.fixture
def shop(engine: Engine, tmp_path: Path) -> Engine:
    return awkward_catalogue(engine, tmp_path)


def _query(engine: Engine, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def check_ledger(engine: Engine) -> None:
    lines = _query(engine, """
        SELECT l.id, l.quantity, l.line_total_pence, l.vat_pence,
               coalesce(sum(r.quantity), 0), coalesce(sum(r.amount_pence), 0), coalesce(sum(r.vat_pence), 0)
        FROM sale_lines l LEFT JOIN refund_lines r ON r.sale_line_id = l.id
        GROUP BY l.id, l.quantity, l.line_total_pence, l.vat_pence""")
    for _, quantity, total, vat, back, back_pence, back_vat in lines:
        assert 0 <= back <= quantity and 0 <= back_pence <= total and 0 <= back_vat <= vat
        if back == quantity:
            assert (back_pence, back_vat) == (total, vat)
    designers = _query(engine, """
        SELECT a.sale_line_id, a.participant_id, a.gross_pence, a.vat_pence, l.quantity,
               (SELECT coalesce(sum(rl.quantity), 0) FROM refund_lines rl WHERE rl.sale_line_id = a.sale_line_id),
               coalesce(sum(ra.gross_pence), 0), coalesce(sum(ra.vat_pence), 0)
        FROM line_attributions a JOIN sale_lines l ON l.id = a.sale_line_id
        LEFT JOIN refund_lines r ON r.sale_line_id = a.sale_line_id
        LEFT JOIN refund_attributions ra ON ra.refund_line_id = r.id AND ra.participant_id = a.participant_id
        GROUP BY a.sale_line_id, a.participant_id, a.gross_pence, a.vat_pence, l.quantity""")
    for _, _, gross, vat, quantity, back, back_gross, back_vat in designers:
        assert 0 <= back_gross <= gross and 0 <= back_vat <= vat  # a designer's net is never negative
        if back == quantity:
            assert (back_gross, back_vat) == (gross, vat)  # all returned: exactly 0 left
    assert all(gross >= 0 and vat >= 0 for gross, vat in _query(engine, "SELECT gross_pence, vat_pence FROM refund_attributions"))
    for amount, designers_gross, vat, designers_vat in _query(engine, """
            SELECT r.amount_pence, sum(ra.gross_pence), r.vat_pence, sum(ra.vat_pence)
            FROM refund_lines r JOIN refund_attributions ra ON ra.refund_line_id = r.id
            GROUP BY r.id, r.amount_pence, r.vat_pence"""):
        assert (designers_gross, designers_vat) == (amount, vat)
    for total, lines_total, paid in _query(engine, """
            SELECT f.total_pence,
                   (SELECT sum(amount_pence) FROM refund_lines WHERE refund_id = f.id),
                   (SELECT coalesce(sum(amount_pence), 0) FROM refund_payments WHERE refund_id = f.id)
            FROM refunds f"""):
        assert total == lines_total == paid


def check_report(engine: Engine, first: datetime, last: datetime, *, everything: bool = False) -> None:
    report = sales_report(engine, trading_date(first), trading_date(last))
    assert sum(report.by_tender.values()) == report.gross_pence == sum(row.gross_pence for row in report.by_participant)
    assert sum(row.vat_pence for row in report.by_participant) == report.vat_pence
    assert sum(row.gross_pence for row in report.by_product) == report.gross_pence
    if everything:
        sold, refunded = _query(engine, "SELECT (SELECT coalesce(sum(total_pence), 0) FROM sales), "
                                        "(SELECT coalesce(sum(total_pence), 0) FROM refunds)")[0]
        assert (report.gross_pence, report.refunds_pence) == (sold - refunded, refunded)
        # Over every day, no designer is ever owed less than nothing (one day alone may show a refund of an earlier sale).
        assert all(row.gross_pence >= 0 and row.units >= 0 for row in report.by_participant)
        assert report.units >= 0


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_no_sequence_of_sales_and_refunds_breaks_the_ledger_or_the_report(shop: Engine, operations) -> None:  # type: ignore[no-untyped-def]
    # One ledger for every example (a fresh one each would take minutes): the invariants are global.
    people = staffed(shop, *PEOPLE) if not _query(shop, "SELECT id FROM staff") else _people(shop)
    clock = SettableClock(START + timedelta(days=len(_query(shop, "SELECT id FROM sales"))))
    first = clock.now
    play(shop, people, clock, operations)
    check_ledger(shop)
    check_report(shop, datetime(2026, 1, 1, tzinfo=UTC), clock.now + timedelta(days=400), everything=True)
    check_report(shop, first, clock.now)


def play(shop: Engine, people, clock: SettableClock, operations) -> list[ReceiptRef]:  # type: ignore[no-untyped-def]
    """Run drawn `operations` at till-1: sales, and refunds of earlier ones (a refund of more than is left,
    or of what is not on that sale, is refused and changes nothing). Returns the sales made."""
    made: list[ReceiptRef] = []
    for op in operations:
        if op[0] == "sell":
            _, items, card_percent = op
            total = sum(variants(shop)[sku][1] * quantity for sku, quantity in items)
            made.append(_sell_at(shop, people["AMA"], items, total * card_percent // 100, clock))
        elif made:
            _, which, sku, quantity, damaged, to, next_day = op
            if next_day:
                clock.now += timedelta(days=1)
            try:
                refund_sale(_at(shop, people["AMA"], clock), made[which % len(made)], [(sku, quantity, damaged)],
                            approved_by=people["MGR"], to=to)
            except NotAllowed:
                pass  # refused: the checks after still hold
    return made


def _people(engine: Engine):  # type: ignore[no-untyped-def]
    return {code: staff_member(engine, code) for code, *_ in PEOPLE}


def _at(engine: Engine, member, clock: SettableClock) -> UnitOfWork:  # type: ignore[no-untyped-def]
    return UnitOfWork(engine, Actor.signed_in(member, "till-1", clock))


def _sell_at(engine: Engine, member, items, card: int, clock: SettableClock) -> ReceiptRef:  # type: ignore[no-untyped-def]
    known = variants(engine)
    total = sum(known[sku][1] * quantity for sku, quantity in items)
    tenders = [t for t in ((card_tender(card) if card else None), (cash_tender(total - card) if total - card else None)) if t]
    return complete_sale(_at(engine, member, clock), [(known[sku][0], q) for sku, q in items], tenders).reference
