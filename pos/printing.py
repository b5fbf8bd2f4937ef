"""Printing a completed sale's receipt. Runs after the commit; a failure never touches the sale."""

from __future__ import annotations

from dataclasses import dataclass

from receipts.model import Receipt
from receipts.printers import PrinterError, PrinterSettings, print_receipt


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    message: str


def print_sale_receipt(settings: PrinterSettings, receipt: Receipt) -> PrintOutcome:
    """Print and say what happened, in words for the cashier. Never raises for a printer fault."""
    if settings.kind == "none":
        return PrintOutcome(False, f"Receipt {receipt.reference} not printed: no receipt printer is set up.")
    try:
        where = print_receipt(settings, receipt)
    except PrinterError as error:
        return PrintOutcome(False, f"Receipt {receipt.reference} did not print: {error}")
    return PrintOutcome(True, f"Receipt {receipt.reference} printed ({where}).")
