"""Real sales on the nights the clocks change land on the store's right trading day and hour (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from common.clock import DEFAULT_TIMEZONE, local_hour, use_timezone
from inventory.catalog import look_up_code
from inventory.db import read_session
from pos.reports.sales import sales_report
from pos.sales.basket import Basket
from pos.sales.checkout import card_tender
from pos.sales.models import LineAttribution, Payment, Sale, SaleLine
from pos.sales.services import complete_sale
from ledger_helpers import at_till

TEE_S = "2000000000329"  # Recycled Logo Tee, S, £25

# A sale at 00:30 and at 23:30 London time on both of 2026's nights the clocks change, as UTC moments:
# 29 March (GMT until 01:00 UTC, then BST) and 25 October (BST until 01:00 UTC, then GMT).
LONDON_SALES = [
    ("00:30 on 29 March (GMT)", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29), 0),
    ("23:30 on 29 March (BST)", datetime(2026, 3, 29, 22, 30, tzinfo=UTC), date(2026, 3, 29), 23),
    ("00:30 on 25 October (BST)", datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25), 0),
    ("23:30 on 25 October (GMT)", datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25), 23),
]


@pytest.fixture(autouse=True)
def london_again() -> Iterator[None]:
    use_timezone(DEFAULT_TIMEZONE)
    yield
    use_timezone(DEFAULT_TIMEZONE)


def _sell_at(engine: Engine, moment: datetime) -> int:
    basket = Basket()
    basket.add(look_up_code(engine, TEE_S))
    return complete_sale(at_till(engine, "till-1", now=moment), basket.items(), [card_tender(2500)]).sale_id


def _stored_days(engine: Engine, sale_id: int) -> tuple[date, set[date], int]:
    """The sale's trading day, the trading days copied to its lines, attributions and payments, and its local hour."""
    with read_session(engine) as session:
        sale = session.get(Sale, sale_id)
        assert sale is not None
        copies = set(session.scalars(select(SaleLine.trading_date).where(SaleLine.sale_id == sale_id)))
        copies |= set(session.scalars(select(Payment.trading_date).where(Payment.sale_id == sale_id)))
        copies |= set(session.scalars(
            select(LineAttribution.trading_date).join(SaleLine, SaleLine.id == LineAttribution.sale_line_id)
            .where(SaleLine.sale_id == sale_id)))
        return sale.trading_date, copies, local_hour(sale.created_at)  # created_at: naive UTC, as stored


@pytest.mark.parametrize("label, moment, day, hour", LONDON_SALES, ids=[sale[0] for sale in LONDON_SALES])
def test_a_sale_on_a_night_the_clocks_change_lands_on_its_london_day_and_hour(
    demo_engine: Engine, label: str, moment: datetime, day: date, hour: int,
) -> None:
    trading_day, copies, local = _stored_days(demo_engine, _sell_at(demo_engine, moment))
    assert (trading_day, copies, local) == (day, {day}, hour), label


def test_the_day_report_counts_each_clock_change_sale_on_its_own_day(demo_engine: Engine) -> None:
    for _, moment, _, _ in LONDON_SALES:
        _sell_at(demo_engine, moment)
    counts = {day: sales_report(demo_engine, day, day).sales_count
              for day in (date(2026, 3, 28), date(2026, 3, 29), date(2026, 3, 30),
                          date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26))}
    assert counts == {date(2026, 3, 28): 0, date(2026, 3, 29): 2, date(2026, 3, 30): 0,
                      date(2026, 10, 24): 0, date(2026, 10, 25): 2, date(2026, 10, 26): 0}


def test_a_store_in_another_zone_gets_its_own_day_and_hour(demo_engine: Engine) -> None:
    use_timezone("America/New_York")  # EDT (UTC-4) since 8 March 2026
    moment = datetime(2026, 3, 29, 3, 30, tzinfo=UTC)  # 23:30 on 28 March in New York; 04:30 on the 29th in London
    trading_day, copies, local = _stored_days(demo_engine, _sell_at(demo_engine, moment))
    assert (trading_day, copies, local) == (date(2026, 3, 28), {date(2026, 3, 28)}, 23)
    assert sales_report(demo_engine, date(2026, 3, 28), date(2026, 3, 28)).sales_count == 1
