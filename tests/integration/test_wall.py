"""The story wall's read service on the suite's ledger (SQLite, or PostgreSQL with POS_TEST_DATABASE_URL):
garments just sold with their designers, consent applied, and totals that are the sales report's."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from common.clock import today, utc_now
from inventory.db import is_sqlite
from pos.display.wall import SALES_MAX, WallSource, just_sold, store_totals
from pos.display.wall_state import Totals
from pos.reports.designers import trading_span
from pos.reports.sales import sales_report
from pos.sales.refunds import refund_sale
from pos.sales.tills import register_till
from ledger_helpers import as_staff, by, open_shift_on, staffed
from wall_helpers import HIDDEN, sell


def report_totals(engine: Engine, first: date, last: date) -> Totals:
    """What `pos report sales --from first --to last` says, in the wall's words."""
    report = sales_report(engine, first, last)
    return Totals(report.sales_count, report.units, report.gross_pence)


def event_totals(engine: Engine) -> Totals:
    span = trading_span(engine)
    assert span is not None
    return report_totals(engine, *span)


def test_a_garment_just_sold_names_only_the_designers_who_consented(demo_engine: Engine) -> None:
    sell(demo_engine, "NBH-BLA-M")
    sell(demo_engine, "CCJ-BLA-L", "DSH-SAN-M")
    sell(demo_engine, "RLT-WHI-M", "MT-NAT-OS")
    moments = just_sold(demo_engine)
    assert [moment.text for moment in moments] == [
        "Night Bus Hoodie, designed by Amara Osei",
        "Collab Coach Jacket, designed by Amara Osei, Rhea Nvarro and one of our designers",
        "Drop Shoulder Hoodie, designed by one of our designers",
        "Recycled Logo Tee, designed by one of our designers",
        "Market Tote, designed by Dev Thakkar and Tobi Sanusi",
    ]
    assert moments[0].makers[0].profile_url == "https://www.linkedin.com/in/amara-osei-designs"
    everything = repr(moments)
    assert not [word for word in HIDDEN if word in everything]


def test_the_wall_hears_each_sale_once_and_its_totals_are_the_sales_reports(demo_engine: Engine) -> None:
    people = staffed(demo_engine, ("MGR", "Sam", "manager", "2468"))
    day = today()
    sell(demo_engine, "NBH-BLA-M", "TTT-GRE-M", now=utc_now() - timedelta(days=1))
    sell(demo_engine, "DSH-SAN-M")
    source = WallSource(demo_engine, today=lambda: day)

    first = source()
    assert [moment.design for moment in first.moments] == ["Night Bus Hoodie", "Terrace Track Top", "Drop Shoulder Hoodie"]
    assert first.day == day and first.today == report_totals(demo_engine, day, day) == Totals(1, 1, 6_000)
    assert first.event == event_totals(demo_engine) == Totals(2, 3, 18_000)
    assert source().moments == ()

    bought = sell(demo_engine, "CCJ-BLA-L", "SC-BLA-OS")
    update = source()
    assert [moment.text for moment in update.moments] == [
        "Collab Coach Jacket, designed by Amara Osei, Rhea Nvarro and one of our designers",
        "Strap Cap, designed by Tobi Sanusi",
    ]
    assert update.today == report_totals(demo_engine, day, day) == Totals(2, 3, 16_700)
    assert update.event == event_totals(demo_engine)

    refund_sale(as_staff(demo_engine, people["MGR"]), bought, [("SC-BLA-OS", 1, False)], approved_by=people["MGR"])
    update = source()
    assert update.moments == ()  # a refund is no moment, but the totals are net of it
    assert update.today == report_totals(demo_engine, day, day) == Totals(2, 2, 14_500)
    assert update.event == event_totals(demo_engine) == Totals(3, 4, 26_500)


def test_a_wall_that_was_away_shows_only_the_newest_sales_and_the_whole_totals(demo_engine: Engine) -> None:
    source = WallSource(demo_engine)
    sell(demo_engine, "NBH-BLA-M")
    assert len(source().moments) == 1
    for _ in range(SALES_MAX + 3):
        sell(demo_engine, "SC-BLA-OS")
    sell(demo_engine, "TTT-GRE-M")
    update = source()
    assert len(update.moments) == SALES_MAX and update.moments[-1].design == "Terrace Track Top"
    assert update.event == event_totals(demo_engine) == Totals(SALES_MAX + 5, SALES_MAX + 5, 5_500 + 6_500 + 2_200 * (SALES_MAX + 3))


def test_just_sold_after_a_sale_reads_the_later_sales_only(demo_engine: Engine) -> None:
    for sku in ("NBH-BLA-M", "SC-BLA-OS", "TTT-GRE-M", "PC-NAV-M"):
        sell(demo_engine, sku)
    first, *later = just_sold(demo_engine, limit=2)
    assert [first.design, *[moment.design for moment in later]] == ["Terrace Track Top", "Patchwork Crew"]
    assert [moment.design for moment in just_sold(demo_engine, first.sale_id)] == ["Patchwork Crew"]
    assert just_sold(demo_engine, later[-1].sale_id) == []


@pytest.mark.parametrize("days", [(None, None), ("yesterday", "yesterday"), ("today", None)])
def test_store_totals_for_any_days_equal_the_sales_report(demo_engine: Engine, days: tuple[str | None, str | None]) -> None:
    people = staffed(demo_engine, ("MGR", "Sam", "manager", "2468"))
    yesterday = utc_now() - timedelta(days=1)
    old = sell(demo_engine, "NBH-BLA-M", "CCJ-BLA-L", now=yesterday)
    sell(demo_engine, "PC-NAV-M")
    refund_sale(as_staff(demo_engine, people["MGR"]), old, [("CCJ-BLA-L", 1, True)], approved_by=people["MGR"])
    named = {"yesterday": today() - timedelta(days=1), "today": today(), None: None}
    first, last = named[days[0]], named[days[1]]
    span = trading_span(demo_engine)
    assert span is not None
    assert store_totals(demo_engine, first, last) == report_totals(demo_engine, first or span[0], last or span[1])


def test_a_sale_that_commits_after_a_later_one_is_still_heard(demo_engine: Engine) -> None:
    """On PostgreSQL two tills' sales commit in any order: the wall asks again for an id it skipped over."""
    if is_sqlite(demo_engine):
        pytest.skip("on SQLite writers take turns, so sales appear in the order of their ids")
    register_till(by(demo_engine), "till-2")
    open_shift_on(demo_engine, "till-2")
    source = WallSource(demo_engine)
    source()
    held, release = threading.Event(), threading.Event()
    slow = threading.Thread(target=sell, args=(demo_engine, "NBH-BLA-M"))

    def hold_before_payment(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if threading.current_thread() is slow and statement.lstrip().upper().startswith("INSERT INTO PAYMENTS"):
            held.set()
            release.wait(30)

    event.listen(demo_engine, "before_cursor_execute", hold_before_payment)
    try:
        slow.start()
        assert held.wait(30)  # till-1's sale has its id and is not committed yet
        sell(demo_engine, "TTT-GRE-M", till="till-2")
        assert [moment.design for moment in source().moments] == ["Terrace Track Top"]
        release.set()
        slow.join(30)
    finally:
        release.set()
        event.remove(demo_engine, "before_cursor_execute", hold_before_payment)
    update = source()
    assert [moment.text for moment in update.moments] == ["Night Bus Hoodie, designed by Amara Osei"]
    assert update.event == event_totals(demo_engine) == Totals(2, 2, 12_000)


def test_at_midnight_today_starts_again_and_the_event_keeps_every_day(demo_engine: Engine) -> None:
    sell(demo_engine, "NBH-BLA-M", "SC-BLA-OS")
    day = [today()]
    source = WallSource(demo_engine, today=lambda: day[0])
    before = source()
    assert before.today == before.event == Totals(1, 2, 7_700)
    day[0] += timedelta(days=1)
    after = source()
    assert after.day == day[0] and after.today == Totals(0, 0, 0)
    assert after.event == before.event == event_totals(demo_engine)
