"""Stock work at the store with a barcode scanner: counts, receiving and adjustments.

What scanning means is the same wherever it happens (the till's screens, `pos count scan`,
`pos receive scan`): the quantity key, the undo, and how a SKU is named back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_AT_ONCE = 999  # the most one scan may count with the quantity key
_QUANTITY_KEY = re.compile(r"[*xX]\s*(\d{1,3})")


def quantity_key(text: str) -> int | None:
    """`*3` or `x3`: the quantity key, making the next scan count 3; None for anything else."""
    match = _QUANTITY_KEY.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def last_standing(scans: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """The latest (variant, quantity) scan not yet undone, from scans oldest first (an undo is negative)."""
    standing: list[tuple[int, int]] = []
    for variant_id, quantity in scans:
        if quantity > 0:
            standing.append((variant_id, quantity))
        elif standing:
            standing.pop()
    return standing[-1] if standing else None


def sku_label(name: str, size: str, colour: str) -> str:
    """`Night Bus Hoodie (M Black)`, as the till names a SKU."""
    detail = " ".join(part for part in (size, colour) if part)
    return f"{name} ({detail})" if detail else name
