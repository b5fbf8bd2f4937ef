"""The other slips: the exchange slip and the no-sale slip. Plain data and layout, as receipts and refund slips.

An exchange is a refund and a new sale in one transaction: its slip shows what came back, what was
taken, the difference and where it went, and the new sale's reference as a Code128 barcode (the
proof of purchase for the new items). A no-sale slip records that the drawer was opened with no sale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from common.money import format_pence
from receipts.designers import meet_the_designer_lines
from receipts.escpos_receipt import item_lines, tender_label, vat_lines
from receipts.layout import (
    DEFAULT_WIDTH, PrintLine, amount, centred_lines, lines_text, para, render_lines, rule, store_header,
)
from receipts.model import Receipt, StoreHeader
from receipts.refund_slip import TENDER_LABELS, RefundSlip, returned_lines

if TYPE_CHECKING:
    from escpos.escpos import Escpos

NO_SALE_TITLE = "NO SALE"
EXCHANGE_TITLE = "EXCHANGE"


@dataclass(frozen=True)
class NoSaleSlip:
    """The drawer opened with no sale (a manager's no-sale)."""

    store: StoreHeader
    till: str
    printed_at: datetime  # local time
    staff: str  # who was serving
    approved_by: str = ""  # the manager who opened it


def no_sale_lines(slip: NoSaleSlip, width: int = DEFAULT_WIDTH) -> list[PrintLine]:
    lines = store_header(slip.store, width, vat_number=False)
    lines += para(NO_SALE_TITLE, width, align="center", bold=True, large=True)
    lines.append(rule(width))
    lines += amount(slip.printed_at.strftime("%d/%m/%Y %H:%M"), f"Till {slip.till}", width)
    if slip.staff:
        lines += para(f"Served by {slip.staff}", width)
    if slip.approved_by:
        lines += para(f"Drawer opened by {slip.approved_by}", width)
    lines.append(rule(width))
    return lines


def no_sale_text(slip: NoSaleSlip, width: int = DEFAULT_WIDTH) -> str:
    """The no-sale slip as plain text."""
    return lines_text(no_sale_lines(slip, width), width)


def render_no_sale_slip(printer: Escpos, slip: NoSaleSlip, width: int = DEFAULT_WIDTH, *,
                        code_page: str | None = None) -> None:
    """Print the no-sale slip and cut (the drawer pulse is the printer code's, not the layout's)."""
    render_lines(printer, no_sale_lines(slip, width), code_page=code_page)


def exchange_lines(refund: RefundSlip, sale: Receipt, width: int = DEFAULT_WIDTH) -> list[PrintLine]:
    """The exchange: goods returned (the refund), goods taken (the new sale), and the difference."""
    store = sale.store
    lines = store_header(store, width)
    lines += para(EXCHANGE_TITLE, width, align="center", bold=True, large=True)
    lines.append(rule(width))
    lines += amount(sale.printed_at.strftime("%d/%m/%Y %H:%M"), f"Till {sale.till}", width)
    lines += para(f"Exchange against receipt {refund.original}", width)
    lines.append(PrintLine(f"Refund {refund.reference}"))
    lines.append(PrintLine(f"New sale {sale.reference}"))
    if sale.staff:
        lines += para(f"Served by {sale.staff}", width)
    if refund.approved_by:
        lines += para(f"Approved by {refund.approved_by}", width)
    lines.append(rule(width))
    lines += para("Returned", width, bold=True)
    lines += returned_lines(refund, width)
    lines += amount("Returned goods", format_pence(refund.total_pence), width, bold=True)
    lines.append(rule(width))
    lines += para("Taken", width, bold=True)
    for line in sale.lines:
        lines += item_lines(line, width, store.vat_registered)
    lines += amount("New items", format_pence(sale.total_pence), width, bold=True)
    lines.append(rule(width))
    difference = sale.total_pence - refund.total_pence
    if difference > 0:
        lines += amount("TO PAY", format_pence(difference), width, bold=True, large=True)
        for payment in sale.payments:
            if payment.tender != "exchange":
                lines += amount(tender_label(payment.tender), format_pence(payment.tendered_pence), width)
        if sale.change_pence:
            lines += amount("Change", format_pence(sale.change_pence), width, bold=True)
    elif difference < 0:
        lines += amount("REFUND", format_pence(-difference), width, bold=True, large=True)
        for tender, paid_back in refund.to:
            if tender != "exchange":
                lines += amount(TENDER_LABELS.get(tender, tender.title()), format_pence(paid_back), width)
    else:
        lines += amount("Nothing to pay", format_pence(0), width, bold=True)
    lines += vat_lines(sale, width)
    lines += amount("VAT refunded", format_pence(refund.vat_pence), width)
    lines.append(rule(width))
    lines += para("Proof of purchase for the new items:", width, align="center")
    lines.append(PrintLine(str(sale.reference), align="center", barcode=True))
    lines += centred_lines(store.returns_policy, width)
    lines += centred_lines(store.footer_lines, width)
    return lines + meet_the_designer_lines(sale.designers, width)


def exchange_slip_text(refund: RefundSlip, sale: Receipt, width: int = DEFAULT_WIDTH) -> str:
    """The exchange slip as plain text."""
    return lines_text(exchange_lines(refund, sale, width), width)


def render_exchange_slip(printer: Escpos, refund: RefundSlip, sale: Receipt, width: int = DEFAULT_WIDTH, *,
                         code_page: str | None = None) -> None:
    """Print the exchange slip (its new sale's reference as a Code128 barcode) and cut."""
    render_lines(printer, exchange_lines(refund, sale, width), code_page=code_page)
