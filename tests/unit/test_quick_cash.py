"""The cash dialog's quick-cash choices: the notes a customer is likely to hand over for the total."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.limits import MAX_CHANGE_PENCE
from pos.sales.checkout import cash_tender
from pos.sales.quick_cash import MAX_CHOICES, likely_cash


@pytest.mark.parametrize(
    ("total", "choices"),
    [
        (14000, (15000, 16000, 20000)),  # £140: £150, £160, £200
        (750, (1000, 2000)),  # £7.50: a £10 or a £20 note
        (300, (500, 1000, 2000)),
        (1200, (1500, 2000)),
        (2500, (3000, 4000, 5000)),
        (2000, (3000, 4000)),  # exactly £20: the exact amount is its own key
        (9999, (10000,)),
    ],
)
def test_the_likely_notes_for_a_total(total: int, choices: tuple[int, ...]) -> None:
    assert likely_cash(total) == choices


@given(st.integers(min_value=1, max_value=9_999_999))
def test_choices_are_above_the_total_in_whole_pounds_and_few(total: int) -> None:
    choices = likely_cash(total)
    assert 1 <= len(choices) <= MAX_CHOICES
    assert list(choices) == sorted(set(choices))
    for amount in choices:
        assert amount > total and amount % 500 == 0
        assert amount - total <= max(total, 2000)  # never a silly amount of change
        assert cash_tender(total, amount).change_pence <= MAX_CHANGE_PENCE  # the till takes every choice
