"""Selling on the demo catalogue for the story wall's tests, and what must never reach the wall."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from common.values import ReceiptRef
from pos.sales.checkout import card_tender
from pos.sales.services import complete_sale
from ledger_helpers import at_till
from refund_helpers import variants

# Kai Blake and Lu Wen did not consent (data/participants.csv): their names, words from their stories,
# their codes and Lu Wen's profile address (which is on file) must never be shown.
HIDDEN = ("Kai Blake", "heavyweight hoodies", "Lu Wen", "recycled cotton", "KBL", "LUW", "linkedin.com/in/lu")


def sell(engine: Engine, *skus: str, now: datetime | None = None, till: str = "till-1") -> ReceiptRef:
    """A card sale of one of each SKU at `till` (at `now`, else the clock)."""
    known = variants(engine)
    total = sum(known[sku][1] for sku in skus)
    return complete_sale(at_till(engine, till, now=now), [(known[sku][0], 1) for sku in skus],
                         [card_tender(total)]).reference
