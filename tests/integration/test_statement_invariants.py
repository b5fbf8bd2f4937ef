"""hypothesis: for any sequence of sales and refunds (awkward prices, a three-way collaboration with shares
that do not divide, refunds on later days), the designers' net adds up exactly to the sales report's net,
each statement adds up to its designer's row, and the collaborators' shares of a design add up exactly
to the design's takings in the event summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from common.clock import trading_date
from pos.reports.designers import designers_report
from pos.reports.event import event_summary
from pos.reports.sales import sales_report
from pos.reports.statement import participant_codes, statement
from ledger_helpers import SettableClock, staffed
from refund_helpers import PEOPLE, awkward_catalogue
from test_refund_invariants import _people, operation, play
from property_sizes import examples

START = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def shop(engine: Engine, tmp_path: Path) -> Engine:
    return awkward_catalogue(engine, tmp_path)


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def check(engine: Engine, first: datetime, last: datetime) -> None:
    day_from, day_to = trading_date(first), trading_date(last)
    designers = designers_report(engine, day_from, day_to)
    sales = sales_report(engine, day_from, day_to)
    assert (designers.gross_pence, designers.vat_pence, designers.ex_vat_pence) == (
        sales.gross_pence, sales.vat_pence, sales.ex_vat_pence)
    rows = {row.code: row for row in designers.designers}
    shares: dict[str, int] = {}
    for code in participant_codes(engine):
        st_ = statement(engine, code, day_from, day_to)
        assert (st_.units, st_.gross_pence, st_.vat_pence) == (rows[code].units, rows[code].gross_pence,
                                                             rows[code].vat_pence)
        assert sum(line.gross_pence for line in st_.designs) == st_.gross_pence
        assert sum(line.gross_pence for line in st_.days) == st_.gross_pence
        for line in st_.designs:
            shares[line.design] = shares.get(line.design, 0) + line.gross_pence
    summary = event_summary(engine)
    whole = sales_report(engine, summary.first_day, summary.last_day)
    assert (summary.gross_pence, summary.vat_pence, summary.units, summary.sales_count) == (
        whole.gross_pence, whole.vat_pence, whole.units, whole.sales_count)
    assert sum(row.gross_pence for row in summary.by_day) == summary.gross_pence
    if (day_from, day_to) == (summary.first_day, summary.last_day):
        # Over the whole event, every design's takings are exactly its designers' shares added up.
        assert {row.design: row.gross_pence for row in summary.by_design} == shares


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=10))
def test_designers_statements_and_the_event_add_up_exactly(shop: Engine, operations) -> None:  # type: ignore[no-untyped-def]
    # One ledger for every example (as test_refund_invariants): each example sells on days of its own.
    people = staffed(shop, *PEOPLE) if not _count(shop, "SELECT count(*) FROM staff") else _people(shop)
    clock = SettableClock(START + timedelta(days=2 * _count(shop, "SELECT count(*) FROM sales")))
    first = clock.now
    play(shop, people, clock, operations)
    check(shop, first, clock.now)
    summary = event_summary(shop)
    if summary.first_day is not None:
        check(shop, datetime.combine(summary.first_day, datetime.min.time(), UTC),
              datetime.combine(summary.last_day, datetime.min.time(), UTC))
