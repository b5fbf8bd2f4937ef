"""Paying for a basket: tenders and the completed sale, as plain data with no database.

The till's screens use these before the ledger (and SQLAlchemy) has loaded; pos.sales.services
records the sale.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from common.errors import NotAllowed, PaymentError
from common.limits import MAX_CHANGE_PENCE
from common.money import format_pence
from common.values import ReceiptRef, Tender
from receipts.model import Receipt

EMPTY_BASKET = "The basket is empty. Scan an item first."


def cash_tender(total_pence: int, tendered_pence: int | None = None) -> Tender:
    """Cash for `total_pence`; None tendered means the exact amount."""
    tendered = total_pence if tendered_pence is None else tendered_pence
    if tendered < total_pence:
        raise PaymentError(
            f"{format_pence(tendered)} is less than the total of {format_pence(total_pence)}. "
            "Enter the amount the customer handed over."
        )
    if tendered - total_pence > MAX_CHANGE_PENCE:
        raise PaymentError(
            f"{format_pence(tendered)} would mean {format_pence(tendered - total_pence)} change. "
            "Check the amount the customer handed over and enter it again."
        )
    return Tender("cash", total_pence, tendered)


def card_tender(total_pence: int) -> Tender:
    return Tender("card", total_pence, total_pence)


def cash_towards(left_pence: int, tendered_pence: int) -> Tender:
    """Cash towards what is left to pay: less pays that much, more pays the rest with change (split tender)."""
    if tendered_pence <= 0:
        raise PaymentError("Enter the amount of cash handed over, such as 20.")
    if tendered_pence >= left_pence:
        return cash_tender(left_pence, tendered_pence)
    return Tender("cash", tendered_pence, tendered_pence)


def card_towards(left_pence: int, amount_pence: int | None = None) -> Tender:
    """A card payment of part of what is left (None: all of it); a card never pays more than is left."""
    amount = left_pence if amount_pence is None else amount_pence
    if amount <= 0:
        raise PaymentError("A card payment needs an amount of at least 1p.")
    if amount > left_pence:
        raise PaymentError(
            f"A card payment of {format_pence(amount)} is more than the {format_pence(left_pence)} left to pay. "
            "Change is only given from cash: take at most what is left on the card."
        )
    return card_tender(amount)


@dataclass(frozen=True)
class CompletedSale:
    sale_id: int
    till: str
    receipt_no: int
    completed_at: datetime  # local time
    total_pence: int
    vat_pence: int
    change_pence: int
    receipt: Receipt
    # True when completing the basket again found this sale already recorded (nothing new was written).
    repeated: bool = field(default=False, compare=False)

    @property
    def reference(self) -> ReceiptRef:
        return ReceiptRef(self.till, self.receipt_no)


def check_basket_id(text: str) -> str:
    """A basket id as the ledger keeps it: a UUID in its usual 36-character form, in lower case."""
    try:
        parsed = uuid.UUID(text.strip())
    except (ValueError, AttributeError):
        parsed = None
    if parsed is None or str(parsed) != text.strip().lower():
        shown = text if len(text) <= 40 and text.isprintable() else text[:40].encode("unicode_escape").decode() + "..."
        raise NotAllowed(
            f"'{shown}' is not a basket id: give a UUID such as 0b7e4a52-3c1d-4f5e-9a8b-2c6d7e8f9a01 "
            "(`uuidgen` makes one), the same one each time the same basket is retried."
        )
    return str(parsed)


def new_basket_id() -> str:
    """A new basket's id, made by the till when the basket starts (random: two tills never make the same)."""
    return str(uuid.uuid4())
