"""Printing a completed sale's receipt or a refund's slip. Runs after the commit; a failure never touches it."""

from __future__ import annotations

from collections.abc import Callable
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
    return _outcome(settings, _what(receipt), lambda: print_receipt(settings, receipt))


def _what(receipt: Receipt) -> str:
    """`Receipt till-1/000012`, or which kind of reprint of it."""
    if receipt.gift:
        return f"Gift receipt for {receipt.reference}"
    return f"{'Copy of receipt' if receipt.copy else 'Receipt'} {receipt.reference}"


def print_refund(settings: PrinterSettings, slip: RefundSlip) -> PrintOutcome:
    """Print a refund slip after its refund committed and say what happened; never raises for a printer fault."""
    return _outcome(settings, f"Refund slip {slip.reference}", lambda: print_refund_slip(settings, slip))


def _outcome(settings: PrinterSettings, what: str, send: Callable[[], str]) -> PrintOutcome:
    if settings.kind == "none":
        return PrintOutcome(False, f"{what} not printed: no receipt printer is set up.")
    try:
        where = send()
    except PrinterError as error:
        return PrintOutcome(False, f"{what} did not print: {error}")
    return PrintOutcome(True, f"{what} printed ({where}).")
