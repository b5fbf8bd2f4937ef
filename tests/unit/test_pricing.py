"""Discounts and price overrides priced with no database: exact to the penny, never more than what they discount."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.errors import NotAllowed
from common.limits import MAX_PRICE_PENCE, MAX_QUANTITY
from common.money import vat_from_gross
from pos.sales.pricing import (
    NO_TERMS, Designer, Discount, DiscountRules, LineTerms, PricedLine, PriceOverride, approval_needed, attribute,
    format_percent, price_lines,
)

RULES = DiscountRules()
REASON = RULES.discount_reasons[0]
OVERRIDE_REASON = RULES.override_reasons[0]


def test_a_percentage_line_discount_comes_off_that_line_rounded_to_the_penny() -> None:
    hoodie, tee = price_lines([(5500, 1, LineTerms(discount=Discount.percent(1500, REASON))), (2500, 2, NO_TERMS)])
    assert (hoodie.gross_pence, hoodie.discount_pence, hoodie.total_pence) == (5500, 825, 4675)
    assert hoodie.discount_label == "15% off (Loyal customer)"
    assert (tee.discount_pence, tee.total_pence, tee.discount_label) == (0, 5000, "")
    [odd] = price_lines([(999, 1, LineTerms(discount=Discount.percent(1250, REASON)))])
    assert odd.discount_pence == 125  # 124.875 rounds to 125


def test_a_basket_discount_is_spread_by_largest_remainder_over_the_lines_after_their_own_discounts() -> None:
    lines = price_lines(
        [(5500, 1, LineTerms(discount=Discount.amount(500, REASON))), (2500, 1, NO_TERMS), (2200, 1, NO_TERMS)],
        Discount.amount(1000, "Staff purchase"),
    )
    # after own discounts: 5000, 2500, 2200 (9700); £10 spread: 515.46 -> 515, 257.73 -> 258, 226.80 -> 227
    assert [line.basket_discount_pence for line in lines] == [515, 258, 227]
    assert sum(line.basket_discount_pence for line in lines) == 1000
    assert [line.total_pence for line in lines] == [5500 - 500 - 515, 2500 - 258, 2200 - 227]
    assert lines[0].discount_label == "£5.00 off (Loyal customer); basket £10.00 off (Staff purchase)"
    assert lines[1].discount_label == "basket £10.00 off (Staff purchase)"


def test_an_override_charges_the_new_price_and_its_discounts_start_from_it() -> None:
    [line] = price_lines([(5500, 2, LineTerms(PriceOverride(4000, OVERRIDE_REASON), Discount.percent(1000, REASON)))])
    assert (line.list_price_pence, line.unit_price_pence, line.gross_pence, line.discount_pence) == (5500, 4000, 8000, 800)


def test_a_discount_larger_than_what_it_discounts_is_refused_in_words() -> None:
    with pytest.raises(NotAllowed, match=r"A discount of £60.00 is more than the £55.00 of line 1"):
        price_lines([(5500, 1, LineTerms(discount=Discount.amount(6000, REASON)))])
    with pytest.raises(NotAllowed, match=r"more than the £80.00 of the basket"):
        price_lines([(5500, 1, NO_TERMS), (2500, 1, NO_TERMS)], Discount.amount(8001, REASON))
    with pytest.raises(NotAllowed, match="0.01% to 100%"):
        Discount.percent(10_001, REASON)
    with pytest.raises(NotAllowed, match="at least 1p"):
        Discount.amount(0, REASON)


def test_a_manager_approves_overrides_and_discounts_above_the_threshold_of_the_sale_or_a_line() -> None:
    def needed(lines: list[tuple[int, int, LineTerms]], basket: Discount | None = None) -> str | None:
        return approval_needed(price_lines(lines, basket), RULES)

    assert needed([(5500, 1, NO_TERMS)], Discount.percent(1000, REASON)) is None  # exactly 10%: a cashier may
    assert needed([(5500, 1, NO_TERMS)], Discount.percent(1500, REASON)) == "A 15% discount"
    assert needed([(1000, 1, NO_TERMS)], Discount.amount(101, REASON)) == "A 10.1% discount"
    # 50% off a £10 line in a £100 basket is 5% of the sale, but 50% of that line
    assert needed([(1000, 1, LineTerms(discount=Discount.percent(5000, REASON))), (9000, 1, NO_TERMS)]) == "A 50% discount"
    # 10% on a line and 10% on the basket: 19% of that line, 10.9% of the sale
    assert needed([(5000, 1, LineTerms(discount=Discount.percent(1000, REASON))), (5000, 1, NO_TERMS)],
                  Discount.percent(1000, REASON)) == "A 14.5% discount"
    assert needed([(5500, 1, LineTerms(PriceOverride(5000, OVERRIDE_REASON)))]) == "A price override"


def test_percentages_read_as_basis_points_print_back_the_same() -> None:
    assert [format_percent(bp) for bp in (1500, 1250, 333, 10_000, 1)] == ["15%", "12.5%", "3.33%", "100%", "0.01%"]


# --- the invariants, for any basket ---------------------------------------------------------------

_discounts = st.one_of(
    st.none(),
    st.builds(Discount.percent, st.integers(1, 10_000), st.just(REASON)),
    st.builds(Discount.amount, st.integers(1, 20_000), st.just(REASON)),
)
_terms = st.builds(
    LineTerms,
    st.one_of(st.none(), st.builds(PriceOverride, st.integers(0, MAX_PRICE_PENCE), st.just(OVERRIDE_REASON))),
    _discounts,
)
_lines = st.lists(
    st.tuples(st.integers(0, MAX_PRICE_PENCE), st.integers(1, MAX_QUANTITY), _terms), min_size=1, max_size=6,
)
_shares = st.lists(st.integers(1, 10_000), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(_lines, _discounts, st.sampled_from([0, 500, 2000]), _shares)
def test_any_discounts_add_up_exactly_and_never_go_negative(
    lines: list[tuple[int, int, LineTerms]], basket: Discount | None, vat_bp: int, shares: list[int],
) -> None:
    try:
        priced = price_lines(lines, basket)
    except NotAllowed as refused:  # only an amount larger than what it discounts is refused
        assert "is more than the" in str(refused)
        return
    gross = sum(line.gross_pence for line in priced)
    total = sum(line.total_pence for line in priced)
    assert total == gross - sum(line.discount_pence for line in priced)
    assert all(line.total_pence >= 0 and line.own_discount_pence >= 0 and line.basket_discount_pence >= 0
               for line in priced)
    if basket is not None:
        after_own = sum(line.gross_pence - line.own_discount_pence for line in priced)
        expected = basket.amount_pence if basket.amount_pence is not None else (
            (after_own * (basket.percent_bp or 0) + 5000) // 10_000
        )
        assert sum(line.basket_discount_pence for line in priced) == expected <= after_own
    for price in priced:  # VAT and every designer's part follow the discounted line, exact to the penny
        line = PricedLine(1, 1, "SKU", "Design", "M", "Black", price.quantity, price.unit_price_pence, vat_bp,
                          tuple(Designer(i, share, f"D{i}", True) for i, share in enumerate(shares)),
                          discount_pence=price.discount_pence)
        assert line.total_pence == price.total_pence
        assert line.vat_pence == vat_from_gross(price.total_pence, vat_bp)
        parts = attribute(line)
        assert sum(part.gross_pence for part in parts) == price.total_pence
        assert sum(part.vat_pence for part in parts) == line.vat_pence
        assert all(part.gross_pence >= 0 and part.vat_pence >= 0 for part in parts)
