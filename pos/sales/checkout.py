"""Paying for a basket: tenders and the completed sale, as plain data with no database.

The till's screens use these before the ledger (and SQLAlchemy) has loaded; pos.sales.services
records the sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from common.errors import PaymentError
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

    @property
    def reference(self) -> ReceiptRef:
        return ReceiptRef(self.till, self.receipt_no)
