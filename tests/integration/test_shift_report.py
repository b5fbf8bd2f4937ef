"""The X and Z reports (pos.reports.shift) against figures worked out by hand, on both engines.

A full day at till-2 (till-1's fixture shift is left alone): a £100 float, cash and card sales, a
basket discount, a price override, a zero-rated item, a refund to cash, a paid-in and a paid-out,
a no-sale, a cancelled basket and training sales; an X part way; then the Z with the drawer
counted £1.20 short. Times are in June, when the store's clock (London) is an hour ahead of UTC.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from common.errors import NotAllowed, UnknownTill
from common.values import ReceiptRef, Tender
from common.money import vat_from_gross
from pos.reports.shift import shift_report, x_report, z_report
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.sales.till_actions import record_no_sale
from pos.shifts.services import cash_up, close_shift, open_shift, shift_cash_up
from ledger_helpers import as_staff
from shift_day import (
    CASH_REFUNDED, CASH_TENDERED, CHANGE, COUNTED, DISCOUNTS, EXPECTED, FLOAT, GROSS, JACKET_SPLIT, NET, NOTE,
    PAID_IN, PAID_OUT, STANDARD_LINES, TILL, at, close_short, run_the_day_until_the_x, set_up_day,
)


@pytest.fixture
def day(demo_engine: Engine, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    return set_up_day(demo_engine, tmp_path)


def _check_common_figures(report) -> None:  # type: ignore[no-untyped-def]
    assert report.shift.till == TILL and report.shift.float_pence == FLOAT
    assert (report.cash.cash_sales_pence, report.cash.change_pence, report.cash.cash_refunds_pence) == \
        (CASH_TENDERED, CHANGE, CASH_REFUNDED)
    assert (report.cash.paid_in_pence, report.cash.paid_out_pence) == (PAID_IN, PAID_OUT)
    assert report.expected_cash_pence == EXPECTED == 18_120
    assert (report.sales_count, report.gross_pence, report.discount_pence) == (5, GROSS, DISCOUNTS)
    assert (report.refunds_count, report.refunds_pence, report.net_pence) == (1, CASH_REFUNDED, NET)
    assert report.by_tender == {"cash": 5500 + 6545 - CASH_REFUNDED, "card": 8500 + 3000 + 2000}
    assert sum(report.by_tender.values()) == report.net_pence
    # cash taken for sales, less refunds, is what the drawer gained from trading
    assert report.by_tender["cash"] == EXPECTED - FLOAT - PAID_IN + PAID_OUT
    standard_vat = sum(vat_from_gross(amount, 2000) for amount in STANDARD_LINES) - vat_from_gross(4675, 2000)
    assert [(row.rate_bp, row.takings_pence, row.vat_pence) for row in report.vat_by_rate] == [
        (2000, sum(STANDARD_LINES) - 4675, standard_vat), (0, 500, 0),
    ]
    assert report.vat_pence == standard_vat
    designers = {row.code: (row.name, row.units, row.net_pence) for row in report.by_participant}
    assert designers == {
        "AMO": ("Amara Osei", 2, 5500 + JACKET_SPLIT[0] + 4675 - 4675),
        "KBL": ("KBL", 1, JACKET_SPLIT[1]),  # no consent: shown by code
        "RNV": ("Rhea Nvarro", 1, JACKET_SPLIT[2]),
        "TSA": ("Tobi Sanusi", 1, 1870),
        "DJT": ("Dev Thakkar", 1, 500),
        "LUW": ("LUW", 2, 2500 + 2000),  # no consent: shown by code
    }
    assert sum(row.net_pence for row in report.by_participant) == report.net_pence
    assert "Kai Blake" not in str(report.as_json()) and "Lu Wen" not in str(report.as_json())
    designs = {(row.design, row.size): (row.units, row.net_pence) for row in report.by_design}
    assert designs == {
        ("Night Bus Hoodie", "M"): (1, 5500), ("Collab Coach Jacket", "L"): (1, 8500), ("Strap Cap", "OS"): (1, 1870),
        ("Makers Zine", "OS"): (1, 500), ("Recycled Logo Tee", "M"): (2, 4500),
    }
    assert sum(row.net_pence for row in report.by_design) == report.net_pence
    hours = [(row.label, row.sales_count, row.sales_pence, row.refunds_pence) for row in report.by_hour]
    assert hours == [("10:00", 2, 14_000, 0), ("12:00", 1, 6545, 0), ("13:00", 1, 3000, 0), ("14:00", 1, 2000, 4675)]
    assert sum(row.net_pence for row in report.by_hour) == report.net_pence
    cashiers = {(row.code, row.name): (row.sales_count, row.refunds_count, row.net_pence) for row in report.by_cashier}
    assert cashiers == {("AMA", "Ama"): (4, 1, 5500 + 8500 + 6545 + 3000 - 4675), ("BEN", "BEN"): (1, 0, 2000)}
    assert (report.no_sales, report.cancelled_baskets, report.price_overrides, report.training_sales) == (1, 1, 1, 2)


def test_a_full_day_x_then_z_counted_short(day: dict) -> None:  # type: ignore[type-arg]
    engine, people = day["engine"], day["people"]
    run_the_day_until_the_x(engine, people, day["ids"])

    x = x_report(engine, TILL)
    assert x.kind == "X" and not x.closed
    _check_common_figures(x)
    assert (x.counted_cash_pence, x.variance_pence) == (None, None)
    assert x.as_json()["closed_at"] is None and x.as_json()["counted_cash_pence"] is None
    assert shift_cash_up(engine, x.shift.id).expected_cash_pence == EXPECTED  # the X closed nothing

    close_short(engine, people)
    z = z_report(engine, till=TILL)
    assert z.kind == "Z" and z.closed and z.shift.id == x.shift.id
    _check_common_figures(z)
    assert (z.counted_cash_pence, z.variance_pence, z.note) == (COUNTED, -120, NOTE)
    data = z.as_json()
    for key in ("shift", "till", "opened_at", "closed_at", "float_pence", "cash_sales_pence", "change_pence",
                "cash_refunds_pence", "paid_in_pence", "paid_out_pence", "expected_cash_pence", "counted_cash_pence",
                "variance_pence", "by_tender", "by_participant", "sales_count", "gross_pence", "discount_pence",
                "refunds_pence", "net_pence", "vat_by_rate", "by_design", "by_hour", "by_cashier", "no_sales",
                "cancelled_baskets", "price_overrides", "training_sales", "note"):
        assert key in data, key
    assert (data["expected_cash_pence"], data["counted_cash_pence"], data["variance_pence"]) == (18_120, 18_000, -120)
    assert data["opened_at"] == "2026-06-13T09:55:00+01:00" and data["closed_at"] == "2026-06-13T17:00:00+01:00"
    assert all(isinstance(value, int) for value in data["by_tender"].values())
    # a training sale, a no-sale after the Z (the next shift's business) change nothing of it
    record_no_sale(as_staff(engine, people["AMA"], TILL, at(16, 30)), people["MGR"])
    assert z_report(engine, z.shift.id).as_json() | {"generated_at": ""} == data | {"generated_at": ""}


def test_a_z_counted_by_denomination_shows_the_count(day: dict) -> None:  # type: ignore[type-arg]
    engine, people = day["engine"], day["people"]
    open_shift(as_staff(engine, people["MGR"], TILL, at(9)), 2000)
    complete_sale(as_staff(engine, people["AMA"], TILL, at(10)), [(day["ids"]["SC-STO-OS"], 1)],
                  [Tender("cash", 2200, 2500)])
    close_shift(as_staff(engine, people["MGR"], TILL, at(11)), people["MGR"], cash_count={2000: 2, 200: 1, 50: 1})
    z = z_report(engine, till=TILL)
    assert z.cash_count == {2000: 2, 200: 1, 50: 1}
    assert (z.expected_cash_pence, z.counted_cash_pence, z.variance_pence) == (4200, 4250, 50)
    assert z.as_json()["cash_count"] == {"2000": 2, "200": 1, "50": 1}


def test_a_refund_on_a_later_shift_counts_on_that_shift(day: dict) -> None:  # type: ignore[type-arg]
    engine, people = day["engine"], day["people"]
    mgr = people["MGR"]
    first = open_shift(as_staff(engine, mgr, TILL, at(9)), 0).id
    complete_sale(as_staff(engine, people["AMA"], TILL, at(9, 30)), [(day["ids"]["CCJ-BLA-L"], 1)],
                  [Tender("card", 8500, 8500)])
    close_shift(as_staff(engine, mgr, TILL, at(10)), mgr, counted_pence=0)
    second = open_shift(as_staff(engine, mgr, TILL, at(10, 5)), 0).id
    refund_sale(as_staff(engine, people["AMA"], TILL, at(10, 30)), ReceiptRef(TILL, 1), [("CCJ-BLA-L", 1, False)],
                approved_by=mgr)
    before, after = shift_report(engine, first), x_report(engine, TILL)
    assert after.shift.id == second
    assert (before.net_pence, before.refunds_pence) == (8500, 0)
    assert (after.sales_count, after.gross_pence, after.refunds_pence, after.net_pence) == (0, 0, 8500, -8500)
    assert after.by_tender == {"card": -8500}
    assert {row.code: (row.units, row.net_pence) for row in after.by_participant} == {
        "AMO": (-1, -JACKET_SPLIT[0]), "KBL": (-1, -JACKET_SPLIT[1]), "RNV": (-1, -JACKET_SPLIT[2]),
    }
    assert sum(row.net_pence for row in after.by_participant) == after.net_pence


def test_an_empty_shift_reports_zeros(day: dict) -> None:  # type: ignore[type-arg]
    engine, people = day["engine"], day["people"]
    open_shift(as_staff(engine, people["MGR"], TILL, at(9)), 5000)
    x = x_report(engine, TILL)
    assert (x.sales_count, x.net_pence, x.expected_cash_pence, x.by_tender, x.by_participant, x.by_hour) == \
        (0, 0, 5000, {}, [], [])


def test_the_wrong_shift_or_till_is_refused_plainly(day: dict) -> None:  # type: ignore[type-arg]
    engine, people = day["engine"], day["people"]
    with pytest.raises(NotAllowed, match="Till till-2 has no shift open, so there is no X report"):
        x_report(engine, TILL)
    with pytest.raises(UnknownTill, match="no till called 'till-9'"):
        x_report(engine, "till-9")
    with pytest.raises(NotAllowed, match="Till till-2 has no closed shift yet"):
        z_report(engine, till=TILL)
    shift = open_shift(as_staff(engine, people["MGR"], TILL, at(9)), 0).id
    with pytest.raises(NotAllowed, match=f"Shift {shift} \\(till-2\\) is still open: it has no Z yet"):
        z_report(engine, shift)
    with pytest.raises(NotAllowed, match=f"Shift {shift} is a shift of till till-2, not of till-1"):
        z_report(engine, shift, till="till-1")
    with pytest.raises(NotAllowed, match="There is no shift 999"):
        z_report(engine, 999)
    with pytest.raises(NotAllowed, match="Name the shift"):
        z_report(engine)


def test_the_report_agrees_with_the_services_cash_up(day: dict) -> None:  # type: ignore[type-arg]
    engine, people = day["engine"], day["people"]
    run_the_day_until_the_x(engine, people, day["ids"])
    x = x_report(engine, TILL)
    with engine.connect() as connection:
        assert cash_up(connection, x.shift.id) == x.cash



def test_the_z_pdf_saved_after_the_close_has_its_pages_figures_and_charts(day: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    import re
    import subprocess

    from pdf_codes import page_images, text_of
    from pos.reports.shift_render import save_z_report
    from receipts.model import StoreHeader

    engine, people = day["engine"], day["people"]
    run_the_day_until_the_x(engine, people, day["ids"])
    shift_id = x_report(engine, TILL).shift.id
    with pytest.raises(NotAllowed, match="still open"):
        save_z_report(engine, shift_id, tmp_path / "reports")
    assert not (tmp_path / "reports").exists()  # nothing written for a shift with no Z
    close_short(engine, people)
    pdf = save_z_report(engine, shift_id, tmp_path / "reports", store=StoreHeader(name="Makers' Pop-up"))
    assert pdf == tmp_path / "reports" / f"z-till-2-shift-{shift_id}-2026-06-13.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+3$", info, re.MULTILINE) and f"Z report · till-2 · shift {shift_id}" in info
    pages = text_of(pdf).split("\f")
    first, charts, details = pages[0], pages[1], pages[2]
    for expected in (f"Z report · till-2 · shift {shift_id}", "Makers' Pop-up", "Opened Sat 13 Jun 2026 09:55 by Sam",
                     "Closed Sat 13 Jun 2026 17:00 by Sam", "£267.00", "-£11.55", "-£46.75", "£208.70",
                     "£100.00", "£130.00", "-£9.55", "£20.00", "-£12.50", "£181.20", "£180.00", "-£1.20 (short)",
                     NOTE, "£73.70", "£135.00", "VAT 20%", "VAT 0%", "Training sales", "Page 1 of 3"):
        assert expected in first, expected
    for expected in ("Net sales by hour", "Net sales by designer", "10:00", "14:00", "Amara Osei", "LUW", "£89.00"):
        assert expected in charts, expected
    assert "Kai Blake" not in text_of(pdf) and "Lu Wen" not in text_of(pdf)
    for expected in ("By designer", "By design and size", "Makers Zine", "By hour", "By cashier", "Ama", "BEN"):
        assert expected in details, expected
    # the charts are drawn: page 2 has the bars' colour, pages 1 and 3 none of it
    from PIL import Image

    images = page_images(pdf, tmp_path / "png", dpi=60)
    bars = []
    for image in images:
        with Image.open(image) as page:
            colours = page.convert("RGB").getcolors(maxcolors=1 << 20) or []
        bars.append(sum(n for n, (red, green, blue) in colours if blue > red + 40 and blue > 80))
    assert bars[1] > 1000 and bars[0] == 0 and bars[2] == 0


def test_hours_are_local_and_the_hour_the_clocks_go_back_stays_two_hours(day: dict) -> None:  # type: ignore[type-arg]
    """25 Oct 2026: London goes from 02:00 BST back to 01:00 GMT, so 01:00-02:00 happens twice;
    29 Mar 2026: 01:00 GMT jumps to 02:00 BST, so there is no 01:00."""
    from datetime import UTC, datetime

    engine, people, cap = day["engine"], day["people"], day["ids"]["SC-STO-OS"]

    def sell(when: datetime) -> None:
        complete_sale(as_staff(engine, people["AMA"], TILL, when), [(cap, 1)], [Tender("card", 2200, 2200)])

    open_shift(as_staff(engine, people["MGR"], TILL, datetime(2026, 10, 24, 22, 0, tzinfo=UTC)), 0)
    for utc_hour, minute in ((22, 30), (23, 15), (0, 10), (0, 50), (1, 10), (1, 55), (2, 30)):
        sell(datetime(2026, 10, 24 if utc_hour >= 22 else 25, utc_hour, minute, tzinfo=UTC))
    hours = [(row.starts_at.isoformat(), row.label, row.sales_count) for row in x_report(engine, TILL).by_hour]
    assert hours == [
        ("2026-10-24T23:00:00+01:00", "23:00", 1), ("2026-10-25T00:00:00+01:00", "00:00", 1),
        ("2026-10-25T01:00:00+01:00", "01:00", 2), ("2026-10-25T01:00:00+00:00", "01:00", 2),
        ("2026-10-25T02:00:00+00:00", "02:00", 1),
    ]
    close_shift(as_staff(engine, people["MGR"], TILL, datetime(2026, 10, 25, 3, 0, tzinfo=UTC)), people["MGR"],
                counted_pence=0)

    open_shift(as_staff(engine, people["MGR"], TILL, datetime(2026, 3, 28, 23, 0, tzinfo=UTC)), 0)
    for utc_hour, minute in ((23, 30), (0, 30), (1, 30)):
        sell(datetime(2026, 3, 28 if utc_hour == 23 else 29, utc_hour, minute, tzinfo=UTC))
    labels = [(row.label, row.sales_count) for row in x_report(engine, TILL).by_hour]
    assert labels == [("23:00", 1), ("00:00", 1), ("02:00", 1)]  # 01:30 UTC is 02:30 BST
