"""The refund slip: what went back, against which receipt, and to which tender. Plain data and layout.

A slip has its own reference (refunds and sales share a till's receipt numbers), printed as a
Code128 barcode too, and names the receipt it refunds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from common.money import format_pence
from common.values import ReceiptRef
from receipts.layout import DEFAULT_WIDTH, PrintLine, amount, lines_text, para, render_lines, rule, store_header
from receipts.model import StoreHeader

if TYPE_CHECKING:
    from escpos.escpos import Escpos

TENDER_LABELS = {"cash": "To cash", "card": "To card", "exchange": "Towards the exchange"}


@dataclass(frozen=True)
class RefundSlipLine:
    description: str
    size: str
    colour: str
    quantity: int
    amount_pence: int  # what these units brought in on the sale
    damaged: bool = False


@dataclass(frozen=True)
class RefundSlip:
    store: StoreHeader
    reference: ReceiptRef  # the refund's own
    original: ReceiptRef  # the sale it refunds
    printed_at: datetime  # local time of the refund
    staff: str
    approved_by: str
    lines: tuple[RefundSlipLine, ...]
    total_pence: int
    vat_pence: int
    to: tuple[tuple[str, int], ...]  # (tender, amount) the money went back to
    exchange_sale: ReceiptRef | None = None  # the new sale, when this refund is half of an exchange


def _title(slip: RefundSlip) -> str:
    return "EXCHANGE" if slip.exchange_sale is not None else "REFUND"


def refund_slip_lines(slip: RefundSlip, width: int = DEFAULT_WIDTH) -> list[PrintLine]:
    """The slip, top to bottom, as styled lines of at most `width` characters."""
    lines = store_header(slip.store, width)
    lines += para(_title(slip), width, align="center", bold=True, large=True)
    lines.append(rule(width))
    lines += amount(slip.printed_at.strftime("%d/%m/%Y %H:%M"), f"Till {slip.reference.till}", width)
    lines.append(PrintLine(f"Refund {slip.reference}"))
    lines.append(PrintLine(f"Of receipt {slip.original}"))
    if slip.staff:
        lines += para(f"Served by {slip.staff}", width)
    if slip.approved_by:
        lines += para(f"Approved by {slip.approved_by}", width)
    lines.append(rule(width))
    lines += returned_lines(slip, width)
    lines.append(rule(width))
    lines += amount("REFUND", format_pence(slip.total_pence), width, bold=True, large=True)
    lines += amount("VAT included", format_pence(slip.vat_pence), width)
    for tender, amount_pence in slip.to:
        lines += amount(TENDER_LABELS.get(tender, tender.title()), format_pence(amount_pence), width)
    if slip.exchange_sale is not None:
        lines += para(f"Exchanged for receipt {slip.exchange_sale}", width)
    lines.append(rule(width))
    lines.append(PrintLine(str(slip.reference), align="center", barcode=True))
    return lines


def returned_lines(slip: RefundSlip, width: int) -> list[PrintLine]:
    """Each returned item: its name, size and colour, how many came back (and whether damaged), its amount."""
    lines: list[PrintLine] = []
    for line in slip.lines:
        lines += para(line.description, width, bold=True)
        detail = " / ".join(part for part in (line.size, line.colour) if part)
        state = [" damaged"] if line.damaged else []
        lines += amount([detail, f" {line.quantity} returned", *state], format_pence(line.amount_pence), width,
                        indent="  ")
    return lines


def refund_slip_text(slip: RefundSlip, width: int = DEFAULT_WIDTH) -> str:
    """The slip as plain text, for the screen and for tests."""
    return lines_text(refund_slip_lines(slip, width), width)


def render_refund_slip(printer: Escpos, slip: RefundSlip, width: int = DEFAULT_WIDTH, *,
                       code_page: str | None = None) -> None:
    """Send the slip to a python-escpos printer, its reference as a barcode below, and cut."""
    render_lines(printer, refund_slip_lines(slip, width), code_page=code_page)
