"""No input ends the till, and limits are the same on both engines (SQLite, or PostgreSQL with POS_TEST_DATABASE_URL).

Each test feeds a value just past a limit of common.limits to the service that takes it, and checks
the refusal is a plain PosError and that nothing reached the ledger: before the limits, SQLite kept
what PostgreSQL could not store, or a search pattern crashed SQLite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import DBAPIError

from common.errors import InvalidImport, OverLimit, PaymentError, UnknownCode
from common.limits import (
    DESIGN_NAME_MAX, MAX_PRICE_PENCE, MAX_QUANTITY, SEARCH_TEXT_MAX, SKU_MAX, STAFF_NAME_MAX,
)
from common.values import Tender
from inventory.catalog import find_for_entry, look_up_code, search_variants
from inventory.db import read_session
from inventory.imports import import_products, import_stock
from inventory.models import Product, StockMovement, Variant
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.models import Payment, Sale, SaleLine
from pos.sales.services import complete_sale
from ledger_helpers import at_till, by

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55
PRODUCTS_HEADER = "sku,design,category,vat_rate,designers,size,colour,price,barcode\n"


def _sales_rows(engine: Engine) -> tuple[int, ...]:
    with read_session(engine) as session:
        return tuple(
            session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Sale, SaleLine, Payment, StockMovement)
        )


def _import_products(engine: Engine, tmp_path: Path, rows: str) -> None:
    path = tmp_path / "more-products.csv"
    path.write_text(PRODUCTS_HEADER + rows, encoding="utf-8")
    import_products(by(engine), path)


# --- search and scan ---------------------------------------------------------------------------


@pytest.fixture
def odd_names(demo_engine: Engine, tmp_path: Path) -> Engine:
    """The demo catalogue and three designs whose names hold LIKE's special characters."""
    _import_products(
        demo_engine,
        tmp_path,
        "PCT-WHI-M,100% Cotton Tee,Tees,20,AMO,M,White,20.00,\n"
        "USC-BLA-OS,Under_score Cap,Hats,20,AMO,OS,Black,18.00,\n"
        "BSB-NAT-OS,Back\\slash Bag,Bags,20,AMO,OS,Natural,15.00,\n",
    )
    return demo_engine


@pytest.mark.parametrize(
    ("typed", "names"),
    [("%", {"100% Cotton Tee"}), ("_", {"Under_score Cap"}), ("\\", {"Back\\slash Bag"}), ("0% c", {"100% Cotton Tee"})],
)
def test_percent_underscore_and_backslash_are_searched_as_typed(odd_names: Engine, typed: str, names: set[str]) -> None:
    assert {variant.name for variant in search_variants(odd_names, typed)} == names
    assert {variant.name for variant in find_for_entry(odd_names, typed)} == names


def test_a_search_for_a_wildcard_nobody_used_finds_nothing(demo_engine: Engine) -> None:
    for typed in ("%", "_", "%%", "_%_"):
        assert search_variants(demo_engine, typed) == []
        with pytest.raises(UnknownCode):
            find_for_entry(demo_engine, typed)


def test_a_pasted_60000_characters_is_refused_with_the_limit_not_a_crash(demo_engine: Engine) -> None:
    pasted = "night bus hoodie " * 3530  # about 60,000 characters
    for look in (find_for_entry, search_variants):
        with pytest.raises(OverLimit, match=f"takes at most {SEARCH_TEXT_MAX}") as refused:
            look(demo_engine, pasted)
        assert len(str(refused.value)) < 150  # the paste is not repeated back
    with pytest.raises(OverLimit):
        find_for_entry(demo_engine, "x" * (SEARCH_TEXT_MAX + 1))
    with pytest.raises(UnknownCode):
        find_for_entry(demo_engine, "x" * SEARCH_TEXT_MAX)
    assert {v.name for v in find_for_entry(demo_engine, " " * 100 + "coach" + " " * 100)} == {"Collab Coach Jacket"}


def test_codes_longer_than_any_barcode_or_sku_are_refused(demo_engine: Engine) -> None:
    two_scans_run_together = HOODIE_M + HOODIE_M
    for look in (look_up_code, find_for_entry):
        with pytest.raises(OverLimit, match="26 digits; a barcode has 13. Scan one item at a time"):
            look(demo_engine, two_scans_run_together)
    with pytest.raises(OverLimit, match=f"an SKU has at most {SKU_MAX}"):
        look_up_code(demo_engine, "A" * (SKU_MAX + 1))
    with pytest.raises(UnknownCode):
        look_up_code(demo_engine, "A" * SKU_MAX)
    with pytest.raises(OverLimit):
        look_up_code(demo_engine, "9" * 60_000)


# --- prices and totals ------------------------------------------------------------------------


@pytest.mark.parametrize("price", ["10000.00", "999999999.99"])
def test_the_products_import_refuses_a_price_over_the_maximum(demo_engine: Engine, tmp_path: Path, price: str) -> None:
    with pytest.raises(InvalidImport) as refused:
        _import_products(demo_engine, tmp_path, f"DEAR-BLA-M,Dear Coat,Coats,20,AMO,M,Black,{price},\n")
    assert refused.value.problems[0].line == 2
    assert "more than the most one item can cost, £9,999.99" in refused.value.problems[0].message
    with read_session(demo_engine) as session:
        assert session.execute(select(Variant).where(Variant.sku == "DEAR-BLA-M")).first() is None


@pytest.mark.parametrize(
    ("row", "says"),
    [
        ("FW-BLA-M,Wide Tee,Tees,20,AMO,M,Black,５５.00,", "price '５５.00' is not an amount in pounds"),
        ("FW-BLA-M,Wide Tee,Tees,２０,AMO,M,Black,55.00,", "vat_rate '２０' is not a percentage"),
        ("FW-BLA-M,Wide Tee,Tees,20,AMO:٥٠;KBL:50,M,Black,55.00,", "share '٥٠' for AMO is not a percentage"),
    ],
)
def test_the_products_import_refuses_digits_that_are_not_ascii(demo_engine: Engine, tmp_path: Path, row: str, says: str) -> None:
    with pytest.raises(InvalidImport) as refused:
        _import_products(demo_engine, tmp_path, row + "\n")
    [problem] = refused.value.problems
    assert problem.line == 2 and says in problem.message
    with read_session(demo_engine) as session:
        assert session.execute(select(Variant).where(Variant.sku == "FW-BLA-M")).first() is None


def test_the_most_expensive_item_sells_up_to_the_sale_total(demo_engine: Engine, tmp_path: Path) -> None:
    _import_products(demo_engine, tmp_path, "DEAR-BLA-M,Dear Coat,Coats,20,AMO,M,Black,9999.99,\n")
    coat = look_up_code(demo_engine, "DEAR-BLA-M")
    assert coat.price_pence == MAX_PRICE_PENCE
    sold = complete_sale(at_till(demo_engine, "till-1"), [(coat.variant_id, 10)], [card_tender(10 * MAX_PRICE_PENCE)])
    assert sold.total_pence == 9_999_990
    before = _sales_rows(demo_engine)
    with pytest.raises(OverLimit, match="one sale can be at most £99,999.99"):
        complete_sale(at_till(demo_engine, "till-1"), [(coat.variant_id, 11)], [card_tender(11 * MAX_PRICE_PENCE)])
    assert _sales_rows(demo_engine) == before


def test_complete_sale_refuses_a_price_over_the_maximum_already_in_the_catalogue(demo_engine: Engine) -> None:
    hoodie = look_up_code(demo_engine, HOODIE_M)
    with demo_engine.begin() as connection:  # as an older import, or a hand edit, could have left it
        connection.execute(update(Variant).where(Variant.id == hoodie.variant_id).values(price_pence=MAX_PRICE_PENCE + 1))
    before = _sales_rows(demo_engine)
    with pytest.raises(OverLimit, match="Night Bus Hoodie is priced at £10,000.00"):
        complete_sale(at_till(demo_engine, "till-1"), [(hoodie.variant_id, 1)], [card_tender(MAX_PRICE_PENCE + 1)])
    assert _sales_rows(demo_engine) == before


def test_complete_sale_refuses_a_quantity_over_the_maximum_even_split_over_lines(demo_engine: Engine) -> None:
    hoodie = look_up_code(demo_engine, HOODIE_M)
    before = _sales_rows(demo_engine)
    for items in ([(hoodie.variant_id, MAX_QUANTITY + 1)], [(hoodie.variant_id, 600), (hoodie.variant_id, 400)]):
        with pytest.raises(OverLimit, match=f"between 1 and {MAX_QUANTITY}"):
            complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(5500 * (MAX_QUANTITY + 1))])
    assert _sales_rows(demo_engine) == before


def test_complete_sale_refuses_a_tender_no_till_would_take(demo_engine: Engine) -> None:
    hoodie = look_up_code(demo_engine, HOODIE_M)
    before = _sales_rows(demo_engine)
    for tender in (Tender("cash", 5500, 10**12), Tender("cash", 5500, 5000), Tender("card", -5500, -5500)):
        with pytest.raises(PaymentError, match="cannot be right"):
            complete_sale(at_till(demo_engine, "till-1"), [(hoodie.variant_id, 1)], [tender])
    assert _sales_rows(demo_engine) == before
    complete_sale(at_till(demo_engine, "till-1"), [(hoodie.variant_id, 1)], [cash_tender(5500, 5500 + 50_000)])


# --- names ----------------------------------------------------------------------------------------


def test_complete_sale_refuses_a_staff_name_longer_than_the_ledger_keeps(demo_engine: Engine) -> None:
    hoodie = look_up_code(demo_engine, HOODIE_M)
    before = _sales_rows(demo_engine)
    with pytest.raises(OverLimit, match=f"staff name is {STAFF_NAME_MAX + 1} characters long; the most is {STAFF_NAME_MAX}"):
        complete_sale(at_till(demo_engine, "till-1", staff="S" * (STAFF_NAME_MAX + 1)), [(hoodie.variant_id, 1)], [card_tender(5500)])
    assert _sales_rows(demo_engine) == before
    complete_sale(at_till(demo_engine, "till-1", staff="S" * STAFF_NAME_MAX), [(hoodie.variant_id, 1)], [card_tender(5500)])
    with read_session(demo_engine) as session:
        assert session.execute(select(Sale.staff)).scalar_one() == "S" * STAFF_NAME_MAX


def test_stock_received_by_a_name_longer_than_the_ledger_keeps_is_refused(demo_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("sku,quantity,note\nNBH-BLA-M,2,\n", encoding="utf-8")
    before = _sales_rows(demo_engine)
    with pytest.raises(OverLimit, match=f"the most is {STAFF_NAME_MAX}"):
        import_stock(by(demo_engine, "R" * (STAFF_NAME_MAX + 1)), path)
    assert _sales_rows(demo_engine) == before


def test_a_design_name_longer_than_a_sale_line_keeps_is_never_sold(demo_engine: Engine) -> None:
    """PostgreSQL's VARCHAR(120) refuses the name itself; on SQLite, which would store it, complete_sale refuses it."""
    hoodie = look_up_code(demo_engine, HOODIE_M)
    long_name = "N" * (DESIGN_NAME_MAX + 1)
    try:
        with demo_engine.begin() as connection:
            connection.execute(update(Product).where(Product.name == "Night Bus Hoodie").values(name=long_name))
    except DBAPIError:
        assert demo_engine.dialect.name == "postgresql"
        return
    before = _sales_rows(demo_engine)
    with pytest.raises(OverLimit, match=f"design name is {DESIGN_NAME_MAX + 1} characters long"):
        complete_sale(at_till(demo_engine, "till-1"), [(hoodie.variant_id, 1)], [card_tender(5500)])
    assert _sales_rows(demo_engine) == before


def test_postgresql_and_sqlite_hold_the_largest_sale_alike(demo_engine: Engine, tmp_path: Path) -> None:
    """The largest sale and change the limits allow is stored and read back exactly on either engine."""
    _import_products(demo_engine, tmp_path, "DEAR-BLA-M,Dear Coat,Coats,20,AMO,M,Black,9999.99,\n")
    coat = look_up_code(demo_engine, "DEAR-BLA-M")
    tee = look_up_code(demo_engine, "RLT-WHI-S")
    with demo_engine.begin() as connection:
        connection.execute(update(Variant).where(Variant.id == tee.variant_id).values(price_pence=9))
    total = 10 * MAX_PRICE_PENCE + 9
    sale = complete_sale(
        at_till(demo_engine, "till-1"), [(coat.variant_id, 10), (tee.variant_id, 1)], [cash_tender(total, total + 50_000)]
    )
    with read_session(demo_engine) as session:
        stored = session.execute(text("SELECT total_pence FROM sales WHERE id = :id"), {"id": sale.sale_id}).scalar_one()
        tendered = session.execute(select(Payment.tendered_pence)).scalar_one()
    assert (stored, tendered) == (9_999_999, 10_049_999)
