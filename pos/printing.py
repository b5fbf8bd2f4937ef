"""Printing a completed sale's receipt. Runs after the commit; a failure never touches the sale."""

from __future__ import annotations

from dataclasses import dataclass

from receipts.model import Receipt
from receipts.printers import PrinterError, PrinterSettings, print_receipt, print_refund_slip
from receipts.refund_slip import RefundSlip


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


def print_refund(settings: PrinterSettings, slip: RefundSlip) -> PrintOutcome:
    """Print a refund slip after its refund committed and say what happened; never raises for a printer fault."""
    if settings.kind == "none":
        return PrintOutcome(False, f"Refund slip {slip.reference} not printed: no receipt printer is set up.")
    try:
        where = print_refund_slip(settings, slip)
    except PrinterError as error:
        return PrintOutcome(False, f"Refund slip {slip.reference} did not print: {error}")
    return PrintOutcome(True, f"Refund slip {slip.reference} printed ({where}).")
