"""Designer statements, the designers report and the event summary on a three-day event (both engines).

The expected figures are worked out here from the sales themselves (tests/event_helpers.py), with
common.money.split_by_weights as the till splits a line, never read back from the reports.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from common.money import split_by_weights
from pos.reports.designers import designers_report, resolve_range, trading_span
from pos.reports.documents import event_pdf, statement_pdf
from pos.reports.event import event_summary
from pos.reports.sales import sales_report
from pos.reports.statement import participant_codes, statement
from event_helpers import DAYS, NEVER, NOT_CONSENTED, pdf_pages, staff_event

FIRST, LAST = DAYS[0], DAYS[-1]
# The discounted sale: £85 jacket + £25 tee, 15% off the basket -> the jacket's line is £72.25.
JACKET_DISCOUNTED = 8500 - 8500 * 1650 // 11000
TEE_DISCOUNTED = 2500 - (1650 - 8500 * 1650 // 11000)
JACKET_SHARES = (4000, 3000, 3000)  # AMO, KBL, RNV


def _jacket(amount: int) -> dict[str, int]:
    return dict(zip(("AMO", "KBL", "RNV"), split_by_weights(amount, list(JACKET_SHARES)), strict=True))


def expected_gross() -> dict[str, int]:
    """Each designer's share of the event's takings, from the sales made in event_helpers."""
    discounted, full = _jacket(JACKET_DISCOUNTED), _jacket(8500)
    tote = dict(zip(("TSA", "DJT"), split_by_weights(1500, [5000, 5000]), strict=True))
    return {
        # 2 x hoodie M, the discounted jacket (brought back), the full-price jacket, hoodie L, hoodie S
        "AMO": 11000 + discounted["AMO"] - discounted["AMO"] + full["AMO"] + 5500 + 5500,
        "KBL": discounted["KBL"] - discounted["KBL"] + full["KBL"] + 6000,
        "RNV": discounted["RNV"] - discounted["RNV"] + full["RNV"] + 6500,
        "LUW": TEE_DISCOUNTED,
        "TSA": tote["TSA"],
        "DJT": tote["DJT"],
    }


@pytest.fixture
def event(ledger_url: str):  # type: ignore[no-untyped-def]
    made = staff_event(ledger_url)
    yield made
    made.engine.dispose()


def test_designers_net_adds_up_to_the_sales_reports_net_for_every_range(event) -> None:  # type: ignore[no-untyped-def]
    for first, last in [(day, day) for day in DAYS] + [(FIRST, LAST), (DAYS[1], LAST), (date(2026, 11, 1), FIRST)]:
        designers = designers_report(event.engine, first, last)
        sales = sales_report(event.engine, first, last)
        assert designers.ex_vat_pence == sales.ex_vat_pence, (first, last)
        assert designers.gross_pence == sales.gross_pence, (first, last)
        assert designers.vat_pence == sales.vat_pence, (first, last)


def test_designers_report_figures_are_exact_after_discounts_and_refunds(event) -> None:  # type: ignore[no-untyped-def]
    report = designers_report(event.engine, FIRST, LAST)
    got = {row.code: row.gross_pence for row in report.designers}
    assert got == expected_gross()
    rows = {row.code: row for row in report.designers}
    assert rows["AMO"].name == "Amara Osei" and rows["KBL"].name == "KBL" and rows["LUW"].name == "LUW"
    assert (rows["AMO"].units, rows["KBL"].units, rows["DJT"].units) == (5, 2, 1)  # returns taken off
    assert all(row.ex_vat_pence == row.gross_pence - row.vat_pence for row in report.designers)
    assert [row.ex_vat_pence for row in report.designers] == sorted((row.ex_vat_pence for row in report.designers), reverse=True)
    # The day of the refund: KBL's part of the returned jacket comes off that day.
    day_two = {row.code: row for row in designers_report(event.engine, DAYS[1], DAYS[1]).designers}
    assert day_two["KBL"].units == -1 and day_two["KBL"].gross_pence == -_jacket(JACKET_DISCOUNTED)["KBL"]


def test_ranges_default_to_the_ledgers_trading_days(event) -> None:  # type: ignore[no-untyped-def]
    assert trading_span(event.engine) == (FIRST, LAST)
    assert resolve_range(event.engine, None, None, date(2030, 1, 1)) == (FIRST, LAST)
    assert resolve_range(event.engine, DAYS[1], None, date(2030, 1, 1)) == (DAYS[1], LAST)
    from common.errors import NotAllowed

    with pytest.raises(NotAllowed, match="before"):
        resolve_range(event.engine, LAST, FIRST, date(2030, 1, 1))


def test_collaborations_shares_are_exact_and_add_up_to_the_designs_takings(event) -> None:  # type: ignore[no-untyped-def]
    summary = event_summary(event.engine)
    jacket = next(row for row in summary.by_design if row.design == "Collab Coach Jacket")
    shares = {}
    for code in ("AMO", "KBL", "RNV"):
        line = next(d for d in statement(event.engine, code, FIRST, LAST).designs if d.design == "Collab Coach Jacket")
        shares[code] = line.gross_pence
        assert line.units == 1  # two sold, one brought back
    assert shares == _jacket(8500)  # the discounted one came back: what is left is the full-price jacket
    assert sum(shares.values()) == jacket.gross_pence == 8500
    # Day one alone: both jackets, the discounted one split to the penny.
    day_one = {code: next(d for d in statement(event.engine, code, FIRST, FIRST).designs
                          if d.design == "Collab Coach Jacket").gross_pence for code in ("AMO", "KBL", "RNV")}
    assert day_one == {code: _jacket(JACKET_DISCOUNTED)[code] + _jacket(8500)[code] for code in day_one}
    assert sum(day_one.values()) == JACKET_DISCOUNTED + 8500


def test_a_statement_holds_the_participants_own_figures(event) -> None:  # type: ignore[no-untyped-def]
    amo = statement(event.engine, "amo", FIRST, LAST)
    assert (amo.code, amo.name, amo.units, amo.gross_pence) == ("AMO", "Amara Osei", 5, expected_gross()["AMO"])
    assert [(d.design, d.share_bp, d.made_with, d.fellow_designers, d.units) for d in amo.designs] == [
        ("Night Bus Hoodie", 10000, (), 0, 4),
        ("Collab Coach Jacket", 4000, ("Rhea Nvarro",), 1, 1),  # Kai did not consent: "a fellow designer"
        ("Block Letter Tee", 10000, (), 0, 0),
    ]
    assert [(s.size, s.units) for s in amo.sizes] == [("S", 1), ("M", 3), ("L", 1)]  # the L jacket came back
    assert [(b.design, b.size, b.colour, b.units) for b in amo.best_sellers][0] == ("Night Bus Hoodie", "M", "Black", 2)
    assert [(d.day, d.sold, d.returned) for d in amo.days] == [(DAYS[0], 4, 0), (DAYS[1], 1, 1), (DAYS[2], 1, 0)]
    assert sum(d.gross_pence for d in amo.days) == amo.gross_pence
    assert amo.returned == 1
    # Ama opened day one's and day three's shifts and served in day two's: 4 customers in all.
    assert [(s.day, s.till, s.customers, s.opened_by_them, s.minutes) for s in amo.shifts] == [
        (DAYS[0], "till-1", 2, True, 480), (DAYS[1], "till-1", 1, False, 480), (DAYS[2], "till-1", 1, True, 450),
    ]
    assert amo.customers_served == 4 and amo.staffed

    kbl = statement(event.engine, "KBL", FIRST, LAST)
    assert kbl.name == "Kai Blake"  # their own statement names them, consent or not
    assert [d.made_with for d in kbl.designs if d.collaboration] == [("Amara Osei", "Rhea Nvarro")]
    assert [(s.till, s.customers, s.opened_by_them) for s in kbl.shifts] == [("till-2", 1, True), ("till-1", 1, False)]

    djt = statement(event.engine, "DJT", FIRST, LAST)
    assert (djt.staffed, djt.shifts, djt.customers_served) == (False, (), 0)
    assert [(d.design, d.share_bp, d.made_with) for d in djt.designs if d.collaboration] == [
        ("Market Tote", 5000, ("Tobi Sanusi",))]
    # A range without Ama's shifts: none listed.
    assert statement(event.engine, "AMO", DAYS[1], DAYS[1]).shifts[0].day == DAYS[1]


def test_statement_totals_match_the_designers_report_for_every_participant(event) -> None:  # type: ignore[no-untyped-def]
    for first, last in ((FIRST, LAST), (DAYS[1], DAYS[1])):
        rows = {row.code: row for row in designers_report(event.engine, first, last).designers}
        for code in participant_codes(event.engine):
            st = statement(event.engine, code, first, last)
            assert (st.units, st.gross_pence, st.vat_pence) == (rows[code].units, rows[code].gross_pence,
                                                               rows[code].vat_pence), code
            assert sum(line.gross_pence for line in st.designs) == st.gross_pence, code
            assert sum(line.units for line in st.designs) == st.units, code
            assert sum(line.gross_pence for line in st.days) == st.gross_pence, code


def test_statement_pdfs_name_no_one_who_did_not_consent_but_their_own(event, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    others = {code: statement(event.engine, code, FIRST, LAST) for code in participant_codes(event.engine)}
    totals = {code: st.gross_pence for code, st in others.items()}
    for code, st in others.items():
        pdf = tmp_path / f"statement-{code}.pdf"
        pdf.write_bytes(statement_pdf(st, "Makers' Store"))
        pages = pdf_pages(pdf)
        text = "\n".join(pages)
        assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
        assert f"Sales statement for {st.name}" in pages[0]
        for other, name in NOT_CONSENTED.items():
            if other != code:
                assert name not in text and other not in text, (code, name)
        for other in others:  # no participant's code appears at all (not even their own)
            assert other not in text.replace("Makers", ""), (code, other)
        for word in NEVER:
            assert word not in text.lower()
        assert "customer" not in text.lower() or st.staffed  # only the number of customers served, when staffed
        # No other participant's total appears (each total here is distinct from this one's figures).
        for other, total in totals.items():
            if other != code and total not in {line.gross_pence for line in st.designs} | {st.gross_pence}:
                from common.money import format_pence

                assert f"Your share of the sales {format_pence(total)}" not in " ".join(text.split())


def test_the_statement_pdf_shows_the_figures(event, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "amo.pdf"
    pdf.write_bytes(statement_pdf(statement(event.engine, "AMO", FIRST, LAST), "Makers' Store"))
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    flat = " ".join(" ".join(pages).split())
    for expected in (
        "Sales statement for Amara Osei", "Makers' Store, 20 to 22 November 2026",
        "Your share of the sales £254.00", "Items of your designs sold 5", "Till shifts you worked 3",
        "Customers you served 4", "Night Bus Hoodie On your own 100% 4 £220.00",
        "Collab Coach Jacket With Rhea Nvarro and a fellow designer 40% 1 £34.00",
        "Your share of this design is 40%, which came to £34.00 from 1 item sold",
        "Fri 20 Nov till-1 10:00 to 18:00 (8 h) 2", "Sun 22 Nov till-1 10:00 to 17:30 (7 h 30 min) 1",
        "Your share of each day's sales", "1 item of your designs was brought back",
    ):
        assert expected in flat, expected
    assert "Kai Blake" not in flat and "KBL" not in flat


def test_event_summary_totals_days_designs_hours_and_basket(event) -> None:  # type: ignore[no-untyped-def]
    summary = event_summary(event.engine)
    sales = sales_report(event.engine, FIRST, LAST)
    assert (summary.first_day, summary.last_day) == (FIRST, LAST)
    assert (summary.sales_count, summary.gross_pence, summary.vat_pence, summary.units) == (
        sales.sales_count, sales.gross_pence, sales.vat_pence, sales.units)
    takings = 11000 + 9350 + 8500 + 6000 + (5500 + 6500) + 1500 + 5500
    assert summary.gross_pence == takings - JACKET_DISCOUNTED
    assert summary.refunds_pence == JACKET_DISCOUNTED and summary.discount_pence == 1650
    assert summary.average_basket_pence == (2 * takings + 7) // 14  # nearest penny of takings / 7
    assert summary.average_items_hundredths == (2 * 1000 + 7) // 14  # 10 items in 7 sales -> 1.43
    assert [(d.day, d.sales_count, d.units, d.gross_pence) for d in summary.by_day] == [
        (DAYS[0], 4, 6, 11000 + 9350 + 8500 + 6000), (DAYS[1], 2, 2, 12000 + 1500 - JACKET_DISCOUNTED),
        (DAYS[2], 1, 1, 5500)]
    assert [(t.till, t.sales_count) for t in summary.by_till] == [("till-1", 6), ("till-2", 1)]
    assert sum(t.gross_pence for t in summary.by_till) == summary.gross_pence
    assert {row.code: row.gross_pence for row in summary.by_designer} == expected_gross()
    hoodie = next(row for row in summary.by_design if row.design == "Night Bus Hoodie")
    assert (hoodie.units, hoodie.received, hoodie.sell_through_bp) == (4, 76, 4 * 10_000 // 76)
    assert hoodie.designers == ("Amara Osei",)
    jacket = next(row for row in summary.by_design if row.design == "Collab Coach Jacket")
    assert jacket.designers == ("Amara Osei", "KBL", "Rhea Nvarro")  # KBL by code: no consent
    hours = {row.hour: (row.sales_count, row.gross_pence) for row in summary.by_hour}
    assert hours[11] == (2, 9350 + 5500) and hours[12] == (1, 8500) and hours[15] == (1, 1500)
    assert [h.hour for h in summary.by_hour] == list(range(10, 16))
    assert (summary.busiest_hours[0].day, summary.busiest_hours[0].hour) == (DAYS[1], 13)  # £120 of sales


def test_hours_and_days_are_the_stores_local_ones_in_summer(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A sale at 23:30 UTC in July is at 00:30 the next day in London (BST): hour 0 of that day."""
    from common.values import Actor
    from inventory.db import UnitOfWork
    from inventory.imports import import_participants, import_products, import_stock
    from pos.sales.checkout import card_tender
    from pos.sales.services import complete_sale
    from event_helpers import DATA
    from ledger_helpers import by

    import_participants(by(engine), DATA / "participants.csv")
    import_products(by(engine), DATA / "products.csv")
    import_stock(by(engine), DATA / "stock.csv")
    with engine.connect() as connection:
        from sqlalchemy import text

        hoodie = connection.execute(text("SELECT id FROM variants WHERE sku = 'NBH-BLA-M'")).scalar_one()
    moment = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    complete_sale(UnitOfWork(engine, Actor("test", "till-1", lambda: moment)), [(hoodie, 1)], [card_tender(5500)])
    summary = event_summary(engine)
    assert [(h.hour, h.sales_count) for h in summary.by_hour] == [(0, 1)]
    assert (summary.busiest_hours[0].day, summary.by_day[0].day) == (date(2026, 7, 2), date(2026, 7, 2))


def test_the_event_pdf_shows_the_figures(event, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "event.pdf"
    pdf.write_bytes(event_pdf(event_summary(event.engine), "Makers' Store"))
    pages = pdf_pages(pdf)
    assert len(pages) == 3
    assert all(f"Page {index} of 3" in page for index, page in enumerate(pages, 1))
    flat = " ".join(" ".join(pages).split())
    for expected in (
        "Event summary", "Makers' Store, 20 to 22 November 2026: 3 trading days, 2 tills",
        "Takings (after refunds, VAT included) £466.25", "Average basket £76.93", "Items per basket 1.43",
        "Refunds (already taken off) 1 for £72.25", "All days 7 9 £72.25 £466.25 £388.54",
        "Takings each day", "Takings by hour of the day", "Takings excluding VAT by designer",
        "Amara Osei 3 5 £254.00 £211.66", "KBL 2 2 £85.50 £71.25",
        "Night Bus Hoodie Amara Osei 76 4 5.2% £220.00",
    ):
        assert expected in flat, expected
    assert "Kai Blake" not in flat and "Lu Wen" not in flat


def test_the_event_as_csv_gives_the_same_figures_one_row_each(event) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    from pos.reports.event import event_csv

    summary = event_summary(event.engine)
    rows = list(csv.DictReader(io.StringIO(event_csv(summary))))
    [total] = [row for row in rows if row["section"] == "total"]
    assert (int(total["sales"]), int(total["gross_pence"]), int(total["ex_vat_pence"])) == (
        summary.sales_count, summary.gross_pence, summary.ex_vat_pence)
    for section, key in (("day", "gross_pence"), ("till", "gross_pence"), ("designer", "gross_pence")):
        assert sum(int(row[key]) for row in rows if row["section"] == section) == summary.gross_pence, section
    assert [row["key"] for row in rows if row["section"] == "design"] == [row.design for row in summary.by_design]
