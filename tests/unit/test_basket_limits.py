"""The limits of common.limits, checked on plain data: the basket, names, and the margin under PostgreSQL."""

from __future__ import annotations

import pytest

from common.errors import NotAllowed, OverLimit
from common.limits import (
    MAX_CHANGE_PENCE,
    MAX_PRICE_PENCE,
    MAX_QUANTITY,
    MAX_SALE_TOTAL_PENCE,
    STAFF_NAME_MAX,
    check_staff_name,
)
from inventory.catalog import VariantInfo
from pos.sales.basket import Basket

POSTGRES_INTEGER_MAX = 2**31 - 1


def item(variant_id: int, price_pence: int) -> VariantInfo:
    return VariantInfo(variant_id, f"SKU-{variant_id}", f"20000000000{variant_id:02d}", f"Design {variant_id}", "M", "Black", price_pence, 2000)


def test_the_largest_sale_with_its_change_fits_a_postgresql_integer_a_hundred_times_over() -> None:
    assert MAX_PRICE_PENCE <= MAX_SALE_TOTAL_PENCE
    assert (MAX_SALE_TOTAL_PENCE + MAX_CHANGE_PENCE) * 100 < POSTGRES_INTEGER_MAX


def test_a_refused_limit_is_still_a_not_allowed_for_the_faces() -> None:
    assert issubclass(OverLimit, NotAllowed)


def test_basket_quantity_is_between_1_and_the_maximum() -> None:
    basket = Basket()
    basket.add(item(1, 100))
    basket.set_quantity(0, MAX_QUANTITY)
    for quantity in (0, MAX_QUANTITY + 1):
        with pytest.raises(OverLimit, match=f"between 1 and {MAX_QUANTITY}"):
            basket.set_quantity(0, quantity)
    with pytest.raises(OverLimit):
        basket.add(item(1, 100))  # one more of the same would be MAX_QUANTITY + 1
    assert basket.lines[0].quantity == MAX_QUANTITY


def test_an_item_priced_over_the_maximum_is_refused_when_scanned() -> None:
    basket = Basket()
    basket.add(item(1, MAX_PRICE_PENCE))
    with pytest.raises(OverLimit, match=r"priced at £10,000.00; the till sells one item for at most £9,999.99"):
        basket.add(item(2, MAX_PRICE_PENCE + 1))
    assert basket.items() == [(1, 1)]


def test_raising_a_quantity_past_the_sale_total_is_refused_and_keeps_the_line() -> None:
    basket = Basket()
    basket.add(item(1, MAX_PRICE_PENCE))
    basket.set_quantity(0, 10)  # £99,999.90
    with pytest.raises(OverLimit, match=r"bring the sale to £109,999.89; one sale can be at most £99,999.99"):
        basket.set_quantity(0, 11)
    with pytest.raises(OverLimit):
        basket.add(item(1, MAX_PRICE_PENCE))
    assert basket.items() == [(1, 10)]
    assert basket.total_pence <= MAX_SALE_TOTAL_PENCE


def test_adding_a_line_past_the_sale_total_is_refused() -> None:
    basket = Basket()
    basket.add(item(1, MAX_PRICE_PENCE))
    basket.set_quantity(0, 10)  # £99,999.90
    with pytest.raises(OverLimit, match="£100,000.00"):
        basket.add(item(2, 10))
    basket.add(item(3, 9))
    assert basket.total_pence == MAX_SALE_TOTAL_PENCE


def test_staff_names_are_as_long_as_the_ledger_column() -> None:
    check_staff_name("x" * STAFF_NAME_MAX)
    with pytest.raises(OverLimit, match=f"is {STAFF_NAME_MAX + 1} characters long; the most is {STAFF_NAME_MAX}"):
        check_staff_name("x" * (STAFF_NAME_MAX + 1))
