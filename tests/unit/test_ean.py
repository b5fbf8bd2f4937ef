from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inventory.ean import ean13_check_digit, ean13_problem, in_store_ean13, in_store_sequence, is_valid_ean13


@pytest.mark.parametrize("code", ["4006381333931", "5901234123457", "9780306406157", "5012345678900", "2000000000015"])
def test_known_valid_codes(code: str) -> None:
    assert ean13_check_digit(code[:12]) == code[12]
    assert is_valid_ean13(code)


def test_a_wrong_check_digit_is_named_with_the_right_one() -> None:
    assert ean13_problem("4006381333932") == (
        "barcode '4006381333932' has a wrong check digit (the last digit should be 1)"
    )


@pytest.mark.parametrize("code", ["400638133393", "40063813339311", "40063813339A1", "", " 4006381333931"])
def test_wrong_length_or_characters_are_refused(code: str) -> None:
    assert not is_valid_ean13(code)


def test_in_store_codes_use_prefix_20_and_a_valid_check_digit() -> None:
    assert in_store_ean13(1) == "2000000000015"
    assert in_store_sequence("2000000000015") == 1
    assert in_store_sequence("5012345678900") is None


@given(st.integers(min_value=1, max_value=10**10 - 1))
def test_every_in_store_code_is_valid_and_round_trips(sequence: int) -> None:
    code = in_store_ean13(sequence)
    assert code.startswith("20") and is_valid_ean13(code)
    assert in_store_sequence(code) == sequence


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(min_value=0, max_value=11), st.integers(1, 9))
def test_any_single_digit_error_is_caught(body: str, position: int, delta: int) -> None:
    code = body + ean13_check_digit(body)
    wrong = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    assert not is_valid_ean13(wrong)
