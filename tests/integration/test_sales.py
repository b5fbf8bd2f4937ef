"""Completing sales on a real ledger: one transaction, gapless receipts, exact attribution, stock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from inventory.catalog import find_for_entry, look_up_code
from inventory.db import read_session
from common.errors import NotAllowed, PaymentError, UnknownCode
from inventory.models import StockMovement
from inventory.stock import on_hand, stock_levels
from pos.sales.basket import Basket
from pos.sales.models import LineAttribution, Payment, Sale, SaleLine, Till
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.services import complete_sale
from pos.sales.tills import register_till
from ledger_helpers import at_till, by, open_shift_on
from property_sizes import examples

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55, designed by AMO
COLLAB_L = "2000000000527"  # Collab Coach Jacket, L, Black, £85, AMO 40 / KBL 30 / RNV 30
TEE_S = "2000000000329"  # Recycled Logo Tee, S, White, £25, LUW (no consent to be named)


def _count(engine: Engine, model: type) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _basket(engine: Engine, *codes: str) -> Basket:
    basket = Basket()
    for code in codes:
        basket.add(look_up_code(engine, code))
    return basket


def test_a_sale_writes_sale_lines_attribution_payment_and_stock_together(demo_engine: Engine) -> None:
    basket = _basket(demo_engine, HOODIE_M, COLLAB_L, HOODIE_M)
    hoodie = look_up_code(demo_engine, HOODIE_M)
    stock_before = on_hand(demo_engine, hoodie.variant_id)
    sale = complete_sale(at_till(demo_engine, "till-1"), basket.items(), [cash_tender(basket.total_pence, 20000)])

    assert (sale.receipt_no, sale.total_pence, sale.change_pence) == (1, 19500, 500)
    assert sale.vat_pence == 1833 + 1417  # VAT per line from gross: £110 and £85 at 20%
    with read_session(demo_engine) as session:
        lines = session.execute(select(SaleLine).order_by(SaleLine.id)).scalars().all()
        assert [(line.sku, line.quantity, line.line_total_pence) for line in lines] == [
            ("NBH-BLA-M", 2, 11000), ("CCJ-BLA-L", 1, 8500),
        ]
        shares = session.execute(
            select(LineAttribution.gross_pence).where(LineAttribution.sale_line_id == lines[1].id)
        ).scalars().all()
        assert sorted(shares) == [2550, 2550, 3400]
        payment = session.execute(select(Payment)).scalar_one()
        assert (payment.tender, payment.amount_pence, payment.tendered_pence, payment.change_pence) == (
            "cash", 19500, 20000, 500,
        )
    assert on_hand(demo_engine, hoodie.variant_id) == stock_before - 2
    receipt = sale.receipt
    assert [line.designed_by for line in receipt.lines] == [("Amara Osei",), ("Amara Osei", "Rhea Nvarro")]


def test_a_designer_without_consent_is_attributed_but_not_named(demo_engine: Engine) -> None:
    sale = complete_sale(at_till(demo_engine, "till-1"), _basket(demo_engine, TEE_S).items(), [card_tender(2500)])
    assert sale.receipt.lines[0].designed_by == ()
    assert _count(demo_engine, LineAttribution) == 1


def test_receipt_numbers_are_gapless_per_till(demo_engine: Engine) -> None:
    register_till(by(demo_engine), "till-2")
    open_shift_on(demo_engine, "till-2")
    items = _basket(demo_engine, TEE_S).items()
    numbers = [
        (sale.till, sale.receipt_no)
        for sale in (
            complete_sale(at_till(demo_engine, till), items, [card_tender(2500)])
            for till in ("till-1", "till-2", "till-1", "till-1", "till-2")
        )
    ]
    assert numbers == [("till-1", 1), ("till-2", 1), ("till-1", 2), ("till-1", 3), ("till-2", 2)]


def test_a_failed_sale_leaves_nothing_behind_and_uses_no_receipt_number(demo_engine: Engine) -> None:
    items = _basket(demo_engine, HOODIE_M).items()
    complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(5500)])
    tables = (Sale, SaleLine, LineAttribution, Payment, StockMovement)
    before = {model: _count(demo_engine, model) for model in tables}
    with pytest.raises(PaymentError, match="payments come to"):
        complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(5000)])  # short by £5
    with pytest.raises(NotAllowed):
        complete_sale(at_till(demo_engine, "till-1"), [(999_999, 1)], [card_tender(5500)])  # no such SKU
    assert {model: _count(demo_engine, model) for model in tables} == before
    assert complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(5500)]).receipt_no == 2


def test_cash_less_than_the_total_is_refused_with_advice() -> None:
    with pytest.raises(PaymentError, match="less than the total of £55.00"):
        cash_tender(5500, 5000)
    assert cash_tender(5500).change_pence == 0
    assert cash_tender(5500, 10000).change_pence == 4500


def test_cash_that_would_give_absurd_change_is_refused_as_a_typing_slip() -> None:
    assert cash_tender(19500, 69500).change_pence == 50000  # £500 change is still allowed
    with pytest.raises(PaymentError, match="£200,100.00 would mean £199,905.00 change"):
        cash_tender(19500, 20010000)


def test_an_empty_basket_cannot_be_paid(demo_engine: Engine) -> None:
    with pytest.raises(PaymentError, match="basket is empty"):
        complete_sale(at_till(demo_engine, "till-1"), [], [cash_tender(0)])
    with read_session(demo_engine) as session:
        assert session.execute(select(Till.name, Till.last_receipt_no)).all() == [("till-1", 0)]


def test_sale_dates_use_the_store_time_zone(demo_engine: Engine) -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST)
    sale = complete_sale(
        at_till(demo_engine, "till-1", now=datetime(2026, 6, 30, 23, 30, tzinfo=UTC)),
        _basket(demo_engine, TEE_S).items(), [card_tender(2500)],
    )
    with read_session(demo_engine) as session:
        assert session.get(Sale, sale.sale_id).trading_date == date(2026, 7, 1)
    assert sale.completed_at.hour == 0


def test_lookups_by_barcode_sku_and_name(demo_engine: Engine) -> None:
    assert look_up_code(demo_engine, HOODIE_M).sku == "NBH-BLA-M"
    assert look_up_code(demo_engine, "nbh-bla-m").barcode == HOODIE_M
    assert {item.name for item in find_for_entry(demo_engine, "coach")} == {"Collab Coach Jacket"}
    with pytest.raises(UnknownCode, match="Barcode 5012345678900 is not in the catalogue"):
        find_for_entry(demo_engine, "5012345678900")
    with pytest.raises(UnknownCode):
        find_for_entry(demo_engine, "no such thing")


def test_basket_merges_the_same_sku_and_guards_quantities(demo_engine: Engine) -> None:
    basket = _basket(demo_engine, HOODIE_M, TEE_S, HOODIE_M)
    assert [(line.variant.sku, line.quantity) for line in basket.lines] == [("NBH-BLA-M", 2), ("RLT-WHI-S", 1)]
    with pytest.raises(NotAllowed):
        basket.set_quantity(0, 0)
    basket.remove(0)
    assert basket.total_pence == 2500


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 62), st.integers(1, 4)), min_size=1, max_size=5))
def test_ledger_invariants_hold_for_any_basket(demo_engine: Engine, picks: list[tuple[int, int]]) -> None:
    levels_before = {level.sku: level.on_hand for level in stock_levels(demo_engine)}
    catalogue = sorted(levels_before)
    basket = Basket()
    for index, quantity in picks:
        line = basket.add(look_up_code(demo_engine, catalogue[index]))
        basket.set_quantity(line, min(basket.lines[line].quantity - 1 + quantity, 999))
    sale = complete_sale(at_till(demo_engine, "till-1"), basket.items(), [cash_tender(basket.total_pence, basket.total_pence + 1)])
    with read_session(demo_engine) as session:
        lines = session.execute(select(SaleLine).where(SaleLine.sale_id == sale.sale_id)).scalars().all()
        assert sum(line.line_total_pence for line in lines) == sale.total_pence
        assert sum(line.vat_pence for line in lines) == sale.vat_pence
        for line in lines:
            parts = session.execute(
                select(LineAttribution.gross_pence, LineAttribution.vat_pence).where(LineAttribution.sale_line_id == line.id)
            ).all()
            assert sum(gross for gross, _ in parts) == line.line_total_pence
            assert sum(vat for _, vat in parts) == line.vat_pence
    sold = {line.variant.sku: line.quantity for line in basket.lines}
    levels_after = {level.sku: level.on_hand for level in stock_levels(demo_engine)}
    assert levels_after == {sku: level - sold.get(sku, 0) for sku, level in levels_before.items()}
    assert sale.change_pence == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE sales SET total_pence = 1",
        "DELETE FROM sales",
        "UPDATE sale_lines SET quantity = 5",
        "DELETE FROM sale_lines",
        "UPDATE line_attributions SET gross_pence = 0",
        "DELETE FROM payments",
        "UPDATE payments SET amount_pence = 0",
        "UPDATE stock_movements SET quantity = 100",
        "DELETE FROM stock_movements",
    ],
)
def test_the_ledger_refuses_to_edit_or_delete_what_happened(demo_engine: Engine, statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    complete_sale(at_till(demo_engine, "till-1"), _basket(demo_engine, TEE_S).items(), [card_tender(2500)])
    tables = (Sale, SaleLine, LineAttribution, Payment, StockMovement)
    before = {model: _count(demo_engine, model) for model in tables}
    with pytest.raises(DatabaseError, match="append-only"), demo_engine.begin() as connection:
        connection.execute(text(statement))
    assert {model: _count(demo_engine, model) for model in tables} == before
    with read_session(demo_engine) as session:
        assert session.execute(select(Sale.total_pence)).scalar_one() == 2500


def test_a_receipt_rebuilt_from_the_ledger_is_the_one_printed(demo_engine: Engine) -> None:
    from common.values import ReceiptRef
    from pos.sales.history import last_sale, receipt_for
    from receipts.escpos_receipt import receipt_text
    from receipts.model import StoreHeader

    store = StoreHeader(name="Makers", address_lines=("Unit 4",), vat_number="GB123456789")
    assert last_sale(demo_engine, "till-1", store) is None
    first = complete_sale(
        at_till(demo_engine, "till-1", staff="Jo", now=datetime(2026, 11, 25, 14, 5, 7, 123456, tzinfo=UTC)),
        _basket(demo_engine, COLLAB_L, HOODIE_M, TEE_S, HOODIE_M).items(),
        [cash_tender(19500 + 2500, 30000)], store=store,
    )
    second = complete_sale(at_till(demo_engine, "till-1"), _basket(demo_engine, TEE_S).items(), [card_tender(2500)], store=store)

    rebuilt = receipt_for(demo_engine, ReceiptRef("till-1", first.receipt_no), store)
    assert rebuilt == first
    assert receipt_text(rebuilt.receipt) == receipt_text(first.receipt)
    assert last_sale(demo_engine, "till-1", store) == second
