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
from receipts.escpos_receipt import CODE_PAGE, DEFAULT_WIDTH, PrintLine, _print_barcode
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


def _two_columns(left: str, right: str, width: int) -> str:
    room = width - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def refund_slip_lines(slip: RefundSlip, width: int = DEFAULT_WIDTH) -> list[PrintLine]:
    """The slip, top to bottom, as styled lines of at most `width` characters."""
    rule = PrintLine("-" * width)
    lines = [PrintLine(slip.store.name, align="center", bold=True, large=True)]
    lines += [PrintLine(text[:width], align="center") for text in slip.store.address_lines]
    if slip.store.vat_number:
        lines.append(PrintLine(f"VAT no. {slip.store.vat_number}", align="center"))
    lines.append(PrintLine("REFUND", align="center", bold=True, large=True))
    lines.append(rule)
    lines.append(PrintLine(_two_columns(slip.printed_at.strftime("%d/%m/%Y %H:%M"), f"Till {slip.reference.till}", width)))
    lines.append(PrintLine(f"Refund {slip.reference}"))
    lines.append(PrintLine(f"Of receipt {slip.original}"))
    if slip.staff:
        lines.append(PrintLine(f"Served by {slip.staff}"[:width]))
    if slip.approved_by:
        lines.append(PrintLine(f"Approved by {slip.approved_by}"[:width]))
    lines.append(rule)
    for line in slip.lines:
        lines.append(PrintLine(line.description[:width], bold=True))
        detail = " / ".join(part for part in (line.size, line.colour) if part)
        state = "  damaged" if line.damaged else ""
        lines.append(PrintLine(_two_columns(f"  {detail}  {line.quantity} returned{state}", format_pence(line.amount_pence), width)))
    lines.append(rule)
    lines.append(PrintLine(_two_columns("REFUND", format_pence(slip.total_pence), width // 2), bold=True, large=True))
    lines.append(PrintLine(_two_columns("VAT included", format_pence(slip.vat_pence), width)))
    for tender, amount in slip.to:
        lines.append(PrintLine(_two_columns(TENDER_LABELS.get(tender, tender.title()), format_pence(amount), width)))
    if slip.exchange_sale is not None:
        lines.append(PrintLine(f"Exchanged for receipt {slip.exchange_sale}"[:width]))
    lines.append(rule)
    lines.append(PrintLine(str(slip.reference), align="center", barcode=True))
    return lines


def refund_slip_text(slip: RefundSlip, width: int = DEFAULT_WIDTH) -> str:
    """The slip as plain text, for the screen and for tests."""
    rendered = [line.text.center(width).rstrip() if line.align == "center" else line.text
                for line in refund_slip_lines(slip, width)]
    return "\n".join(rendered) + "\n"


def render_refund_slip(printer: Escpos, slip: RefundSlip, width: int = DEFAULT_WIDTH) -> None:
    """Send the slip to a python-escpos printer, its reference as a barcode below, and cut."""
    printer.charcode(CODE_PAGE)
    for line in refund_slip_lines(slip, width):
        if line.barcode:
            _print_barcode(printer, line.text)  # as a sale receipt prints its reference
            continue
        printer.set(align=line.align, bold=line.bold, double_width=line.large, double_height=line.large,
                    normal_textsize=not line.large)
        printer.textln(line.text)
    printer.set_with_default()
    printer.cut()
