"""Pence arithmetic, VAT from gross and largest-remainder splits: exact to the penny."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.limits import MAX_SALE_TOTAL_PENCE

from common.money import (
    MoneyFormatError,
    format_pence,
    parse_percent_bp,
    parse_pounds,
    split_by_weights,
    vat_from_gross,
)


@pytest.mark.parametrize(
    ("text", "pence"),
    [("20", 2000), ("20.00", 2000), ("20.5", 2050), ("£20.50", 2050), (" 0.07 ", 7), ("1234", 123400), ("-3.10", -310)],
)
def test_parse_pounds_gives_pence(text: str, pence: int) -> None:
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "20.001", "20,00", "1e3", "£", "20.", "nan", "0x10"])
def test_parse_pounds_refuses_what_is_not_money(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_pounds(text)


@pytest.mark.parametrize(("pence", "text"), [(0, "£0.00"), (7, "£0.07"), (2050, "£20.50"), (123456, "£1,234.56"), (-310, "-£3.10")])
def test_format_pence(pence: int, text: str) -> None:
    assert format_pence(pence) == text


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_format_then_parse_round_trips(pence: int) -> None:
    assert parse_pounds(format_pence(pence).replace(",", "").replace("£", "")) == pence


# The zero of other digit scripts Python's `\d` and int() accept: Arabic-Indic, extended Arabic-Indic,
# Devanagari, full-width (what a Japanese keyboard types) and mathematical bold.
OTHER_ZEROS = (0x0660, 0x06F0, 0x0966, 0xFF10, 0x1D7CE)


@pytest.mark.parametrize("text", ["５５", "£５５", "٥٥", "２０.５０", "20.５", "5٥", "𝟓𝟓", "20 ", "　" + "20"])
def test_parse_pounds_refuses_digits_and_spaces_that_are_not_ascii(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_pounds(text)


def test_parse_pounds_does_not_repeat_a_long_paste_back() -> None:
    with pytest.raises(MoneyFormatError) as refused:
        parse_pounds("9" * 60_000)
    assert len(str(refused.value)) < 100 and "60,000 characters" in str(refused.value)


@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_parse_pounds_reads_back_what_format_pence_writes(pence: int) -> None:
    assert parse_pounds(format_pence(pence).replace(",", "")) == pence


@given(st.integers(min_value=0, max_value=MAX_SALE_TOTAL_PENCE), st.sampled_from(OTHER_ZEROS), st.data())
def test_parse_pounds_never_accepts_a_non_ascii_digit(pence: int, zero: int, data: st.DataObject) -> None:
    text = format_pence(pence).replace(",", "")
    positions = [index for index, character in enumerate(text) if character.isdigit()]
    index = data.draw(st.sampled_from(positions))
    same_digit_elsewhere = chr(zero + int(text[index]))
    with pytest.raises(MoneyFormatError):
        parse_pounds(text[:index] + same_digit_elsewhere + text[index + 1 :])


AMOUNT_LIKE = st.text(st.sampled_from("0123456789£.- ") | st.characters(categories=["Nd", "Zs"]), max_size=12)


@given(AMOUNT_LIKE)
def test_whatever_parse_pounds_accepts_is_written_in_ascii_digits(text: str) -> None:
    try:
        parse_pounds(text)
    except MoneyFormatError:
        return
    assert all(character.isascii() for character in text if character.isdigit() or character.isspace())


@pytest.mark.parametrize(("text", "bp"), [("20", 2000), ("0", 0), ("12.5", 1250), ("33.34%", 3334), ("100", 10000)])
def test_parse_percent_in_basis_points(text: str, bp: int) -> None:
    assert parse_percent_bp(text) == bp


@pytest.mark.parametrize("text", ["２０", "1２.5", "٢٠%", "20.٥"])
def test_parse_percent_refuses_digits_that_are_not_ascii(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        parse_percent_bp(text)


@pytest.mark.parametrize(
    ("gross", "rate_bp", "vat"),
    [
        (6000, 2000, 1000),  # £60 at 20%: £10 VAT
        (100, 2000, 17),  # 16.67p rounds to 17p
        (5500, 2000, 917),  # 916.67p
        (8500, 2000, 1417),  # 1416.67p
        (3, 2000, 1),  # 0.5p rounds half up
        (2500, 0, 0),  # zero-rated
        (1050, 500, 50),  # 5%
        (-5500, 2000, -917),  # a refund mirrors the sale
    ],
)
def test_vat_from_gross(gross: int, rate_bp: int, vat: int) -> None:
    assert vat_from_gross(gross, rate_bp) == vat


@given(st.integers(min_value=0, max_value=10**8), st.integers(min_value=0, max_value=10000))
def test_vat_is_never_more_than_the_gross_and_net_adds_back(gross: int, rate_bp: int) -> None:
    vat = vat_from_gross(gross, rate_bp)
    assert 0 <= vat <= gross
    # VAT is the rounding of the exact fraction: within half a penny of gross*rate/(1+rate)
    assert abs(vat * (10000 + rate_bp) - gross * rate_bp) * 2 <= (10000 + rate_bp)


def test_three_way_split_of_an_amount_not_divisible_by_three() -> None:
    assert split_by_weights(100, [3334, 3333, 3333]) == [34, 33, 33]
    assert split_by_weights(100, [1, 1, 1]) == [34, 33, 33]
    assert split_by_weights(200, [1, 1, 1]) == [67, 67, 66]


def test_split_gives_leftover_pence_to_the_largest_remainders() -> None:
    # 1000 × 40/30/30 is exact; 1001 leaves 1p that goes to the 40% share (remainder 0.4 vs 0.3)
    assert split_by_weights(1000, [4000, 3000, 3000]) == [400, 300, 300]
    assert split_by_weights(1001, [4000, 3000, 3000]) == [401, 300, 300]
    assert split_by_weights(1002, [4000, 3000, 3000]) == [401, 301, 300]


def test_split_of_a_refund_mirrors_the_sale() -> None:
    assert split_by_weights(-100, [1, 1, 1]) == [-34, -33, -33]


def test_split_refuses_nonsense_weights() -> None:
    for weights in ([], [0, 0], [-1, 2]):
        with pytest.raises(ValueError):
            split_by_weights(100, weights)


@given(
    st.integers(min_value=-10**9, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10000), min_size=1, max_size=8).filter(lambda w: sum(w) > 0),
)
def test_split_parts_always_add_up_and_stay_within_a_penny_of_fair(amount: int, weights: list[int]) -> None:
    parts = split_by_weights(amount, weights)
    assert sum(parts) == amount
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part * total - amount * weight) < total  # less than 1p from the exact share
