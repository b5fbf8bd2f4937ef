"""The X and Z reports (pos.reports.shift) against figures worked out by hand, on both engines.

A full day at till-2 (till-1's fixture shift is left alone): a £100 float, cash and card sales, a
basket discount, a price override, a zero-rated item, a refund to cash, a paid-in and a paid-out,
a no-sale, a cancelled basket and training sales; an X part way; then the Z with the drawer
counted £1.20 short. Times are in June, when the store's clock (London) is an hour ahead of UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from common.errors import NotAllowed, UnknownTill
from common.money import split_by_weights, vat_from_gross
from common.values import Tender
from inventory.catalog import look_up_code
from inventory.imports import import_products, import_stock
from pos.reports.shift import shift_report, x_report, z_report
from pos.sales.pricing import Discount, LineTerms, PriceOverride, SaleTerms
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.sales.till_actions import cancel_basket, record_no_sale, record_training_sale
from pos.sales.tills import add_till
from pos.shifts.services import cash_up, close_shift, move_cash, open_shift, shift_cash_up
from pos.staff.services import add_staff, set_first_pin
from common.values import Actor, ReceiptRef
from ledger_helpers import as_staff, by, staffed

TILL = "till-2"
DAY = date(2026, 6, 13)


def at(hour: int, minute: int = 0) -> datetime:
    """A moment on DAY, given in UTC (London shows an hour more)."""
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=UTC)


def _zine(engine: Engine, tmp_path: Path) -> None:
    """A zero-rated printed zine by DJT, so VAT comes in two rates."""
    products = tmp_path / "zine.csv"
    products.write_text("sku,design,category,vat_rate,designers,size,colour,price,barcode\n"
                        "ZIN-OS,Makers Zine,Print,0,DJT,OS,Paper,5.00,\n", encoding="utf-8")
    stock = tmp_path / "zine-stock.csv"
    stock.write_text("sku,quantity,note\nZIN-OS,10,printed\n", encoding="utf-8")
    import_products(by(engine), products)
    import_stock(by(engine), stock)


def _variant(engine: Engine, code: str) -> int:
    return look_up_code(engine, code).variant_id


@pytest.fixture
def day(demo_engine: Engine, tmp_path: Path) -> dict:  # type: ignore[type-arg]
    """The day's people and ids; till-2 registered, no shift open there yet."""
    engine = demo_engine
    _zine(engine, tmp_path)
    people = staffed(engine, ("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
    # BEN is a participant (KBL, who has not consented to be named): the report shows his staff code.
    add_staff(by(engine), "BEN", "Kai", "cashier", participant="KBL", by=people["MGR"])
    people["BEN"] = set_first_pin(by(engine), "BEN", "1111")
    add_till(engine, TILL, Actor("test"))
    ids = {code: _variant(engine, code) for code in ("NBH-BLA-M", "CCJ-BLA-L", "SC-STO-OS", "ZIN-OS", "RLT-WHI-M")}
    return {"engine": engine, "people": people, "ids": ids}


def _run_the_day_until_the_x(engine: Engine, people: dict, ids: dict) -> None:  # type: ignore[type-arg]
    mgr, ama, ben = people["MGR"], people["AMA"], people["BEN"]
    record_training_sale(as_staff(engine, ama, TILL, at(8, 30)), 1, 5500)  # before the shift opened: not counted
    open_shift(as_staff(engine, mgr, TILL, at(8, 55)), 10_000)
    # 1: a hoodie (£55) in cash, £60 handed over
    complete_sale(as_staff(engine, ama, TILL, at(9, 10)), [(ids["NBH-BLA-M"], 1)], [Tender("cash", 5500, 6000)])
    # 2: the collaboration jacket (£85: AMO 40 / KBL 30 / RNV 30) by card
    complete_sale(as_staff(engine, ama, TILL, at(9, 40)), [(ids["CCJ-BLA-L"], 1)], [Tender("card", 8500, 8500)])
    # 3: a hoodie and a cap (£77) with 15% off the basket (£11.55): £65.45 in cash, £70 handed over
    terms = SaleTerms(basket=Discount.percent(1500, "Loyal customer"), approved_by=mgr)
    complete_sale(as_staff(engine, ama, TILL, at(11, 5)), [(ids["NBH-BLA-M"], 1), (ids["SC-STO-OS"], 1)],
                  [Tender("cash", 6545, 7000)], terms=terms)
    # 4: the zine (£5, no VAT) and a tee (£25) by card
    complete_sale(as_staff(engine, ama, TILL, at(12, 30)), [(ids["ZIN-OS"], 1), (ids["RLT-WHI-M"], 1)],
                  [Tender("card", 3000, 3000)])
    # 5: a tee with its price overridden to £20, by card, served by BEN
    override = SaleTerms(lines={ids["RLT-WHI-M"]: LineTerms(override=PriceOverride(2000, "Damaged item"))},
                         approved_by=mgr)
    complete_sale(as_staff(engine, ben, TILL, at(13, 15)), [(ids["RLT-WHI-M"], 1)], [Tender("card", 2000, 2000)],
                  terms=override)
    # the discounted hoodie of sale 3 comes back, to cash (£46.75: what it was sold for)
    refund_sale(as_staff(engine, ama, TILL, at(13, 45)), ReceiptRef(TILL, 3), [("NBH-BLA-M", 1, False)],
                approved_by=mgr, to="cash")
    move_cash(as_staff(engine, mgr, TILL, at(14, 0)), "paid_in", 2000, "Change from the bank", mgr)
    move_cash(as_staff(engine, mgr, TILL, at(14, 5)), "paid_out", 1250, "Window cleaner", mgr)
    record_no_sale(as_staff(engine, ama, TILL, at(14, 10)), mgr)
    cancel_basket(as_staff(engine, ama, TILL, at(14, 12)), "1 x Night Bus Hoodie", mgr)
    record_training_sale(as_staff(engine, ama, TILL, at(14, 15)), 1, 2500)
    record_training_sale(as_staff(engine, ama, TILL, at(14, 16)), 2, 4800)
    record_training_sale(as_staff(engine, ama, "till-1", at(14, 17)), 1, 2500)  # another till: not counted


# What the day comes to, worked out by hand (pence).
FLOAT = 10_000
CASH_TENDERED = 6000 + 7000
CHANGE = 500 + 455
CASH_REFUNDED = 4675  # the hoodie's line: £55 less its 15% (£8.25)
PAID_IN, PAID_OUT = 2000, 1250
EXPECTED = FLOAT + CASH_TENDERED - CHANGE - CASH_REFUNDED + PAID_IN - PAID_OUT  # £181.20
COUNTED = EXPECTED - 120  # £1.20 short
GROSS = 5500 + 8500 + (5500 + 2200) + (500 + 2500) + 2000
DISCOUNTS = 825 + 330
NET = GROSS - DISCOUNTS - CASH_REFUNDED
JACKET_SPLIT = split_by_weights(8500, [4000, 3000, 3000])  # AMO, KBL, RNV
STANDARD_LINES = [5500, 8500, 4675, 1870, 2500, 2000]  # 20% VAT lines, after discounts


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
    _run_the_day_until_the_x(engine, people, day["ids"])

    x = x_report(engine, TILL)
    assert x.kind == "X" and not x.closed
    _check_common_figures(x)
    assert (x.counted_cash_pence, x.variance_pence) == (None, None)
    assert x.as_json()["closed_at"] is None and x.as_json()["counted_cash_pence"] is None
    assert shift_cash_up(engine, x.shift.id).expected_cash_pence == EXPECTED  # the X closed nothing

    closed = close_shift(as_staff(engine, people["MGR"], TILL, at(16, 0)), people["MGR"], counted_pence=COUNTED,
                         note="£1.20 short: coins miscounted at lunch?")
    assert closed.variance_pence == -120
    z = z_report(engine, till=TILL)
    assert z.kind == "Z" and z.closed and z.shift.id == x.shift.id
    _check_common_figures(z)
    assert (z.counted_cash_pence, z.variance_pence, z.note) == (COUNTED, -120, "£1.20 short: coins miscounted at lunch?")
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
    _run_the_day_until_the_x(engine, people, day["ids"])
    x = x_report(engine, TILL)
    with engine.connect() as connection:
        assert cash_up(connection, x.shift.id) == x.cash

