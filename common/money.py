"""Money is integer pence (GBP). Parse and format only at the edges; VAT and splits live here.

Every function keeps the whole: a split's parts always add up to the amount split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

BASIS_POINTS = 10_000  # 100% expressed in basis points
# Digits are ASCII only: `\d` would also read full-width "５５" or Arabic-Indic digits as £55.
_POUNDS = re.compile(r"\s*£?\s*(?P<sign>-)?\s*(?P<pounds>[0-9]{1,9})(?:\.(?P<pence>[0-9]{1,2}))?\s*", re.ASCII)
_PERCENT = re.compile(r"([0-9]{1,3})(?:\.([0-9]{1,2}))?", re.ASCII)


class MoneyFormatError(ValueError):
    """A string that is not an amount in pounds."""


def _quoted(text: str) -> str:
    """`text` in quotes for a message; a paste of thousands of characters is not repeated back."""
    return f"'{text}'" if len(text) <= 20 else f"'{text[:20]}…' ({len(text):,} characters)"


def parse_pounds(text: str) -> int:
    """Parse "20", "20.5", "20.50" or "£20.50" into pence (2050). Refuses anything else, "" included."""
    match = _POUNDS.fullmatch(text)
    if match is None:
        raise MoneyFormatError(f"{_quoted(text)} is not an amount in pounds, such as 20 or 20.50")
    pence_text = (match["pence"] or "0").ljust(2, "0")
    pence = int(match["pounds"]) * 100 + int(pence_text)
    return -pence if match["sign"] else pence


def format_pence(pence: int) -> str:
    """2050 -> "£20.50"; -2050 -> "-£20.50"."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def format_percent(basis_points: int) -> str:
    """1500 -> "15%", 1250 -> "12.5%", 333 -> "3.33%"."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"


def parse_percent_bp(text: str) -> int:
    """Parse a percentage such as "20", "12.5" or "33.34%" into basis points (2000, 1250, 3334)."""
    cleaned = text.strip().removesuffix("%").strip()
    match = _PERCENT.fullmatch(cleaned)
    if match is None:
        raise MoneyFormatError(f"{_quoted(text)} is not a percentage, such as 20 or 12.5")
    return int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))


def _round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers only."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    quotient, remainder = divmod(abs(numerator), abs(denominator))
    if remainder * 2 >= abs(denominator):
        quotient += 1
    return sign * quotient


def vat_from_gross(gross_pence: int, rate_bp: int) -> int:
    """The VAT inside a VAT-inclusive amount: gross × rate / (1 + rate), to the nearest penny.

    At 20% the VAT in £1.00 is 17p (16.67 rounded). Net is always gross − VAT, so the two add up.
    """
    if rate_bp < 0:
        raise ValueError("a VAT rate cannot be negative")
    return _round_half_up_div(gross_pence * rate_bp, BASIS_POINTS + rate_bp)


def split_by_weights(amount_pence: int, weights: Sequence[int]) -> list[int]:
    """Split an amount in proportion to weights by largest remainder; the parts sum to the amount.

    Each part first gets its floor share; the pence left over go one each to the parts with the
    largest remainders (ties to the earlier part), so a split is exact and repeatable.
    Negative amounts (refunds) split as the mirror image of the positive amount.
    """
    if not weights:
        raise ValueError("nothing to split between")
    if any(weight < 0 for weight in weights):
        raise ValueError("weights cannot be negative")
    total_weight = sum(weights)
    if total_weight == 0:
        raise ValueError("weights must not all be zero")
    if amount_pence < 0:
        return [-part for part in split_by_weights(-amount_pence, weights)]
    floors = [amount_pence * weight // total_weight for weight in weights]
    remainders = [amount_pence * weight % total_weight for weight in weights]
    left_over = amount_pence - sum(floors)
    by_largest_remainder = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in by_largest_remainder[:left_over]:
        floors[index] += 1
    return floors
