"""Sale receipts (and their COPY and gift forms): one list of styled lines, rendered to any python-escpos
printer or to plain text.

The preview on the till and the bytes on paper come from the same lines, so they never disagree.
With a VAT number configured the receipt is a UK VAT receipt: time of supply, each item's VAT rate,
VAT per rate when there are several, total VAT and the total including VAT.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.money import format_pence, format_percent
from receipts.designers import meet_the_designer_lines
from receipts.layout import (
    CODE_PAGE, DEFAULT_WIDTH, PrintLine, amount, centred_lines, lines_text, para, render_lines, rule, store_header,
)
from receipts.model import Receipt, ReceiptLine
from receipts.text import names_list, pack

if TYPE_CHECKING:
    from escpos.escpos import Escpos

__all__ = ["CODE_PAGE", "DEFAULT_WIDTH", "PrintLine", "receipt_lines", "receipt_text", "render_receipt"]

TRAINING_BANNER = "TRAINING - NOT A RECEIPT"
COPY_MARK = "*** COPY ***"
GIFT_TITLE = "GIFT RECEIPT"


def designed_by(names: tuple[str, ...], width: int) -> list[PrintLine]:
    """ "Designed by" and every consented designer's full name, wrapped: a name is never cut or dropped."""
    if not names:
        return []
    return [PrintLine(text) for text in pack(["Designed by", *names_list(names)], width, "    ", "  ")]


def _detail(line: ReceiptLine) -> str:
    return " / ".join(part for part in (line.size, line.colour) if part)


def item_lines(line: ReceiptLine, width: int, vat_rates: bool) -> list[PrintLine]:
    lines = para(line.description, width, bold=True)
    chunks = [_detail(line), f" {line.quantity} x {format_pence(line.unit_price_pence)}"]
    if vat_rates and line.vat_rate_bp is not None:
        chunks.append(f" VAT {format_percent(line.vat_rate_bp)}")
    lines += amount(chunks, format_pence(line.line_total_pence), width, indent="  ")
    if line.list_price_pence is not None:
        lines += para(f"Price was {format_pence(line.list_price_pence)} ({line.price_reason})", width, indent="  ")
    if line.discount_pence:  # one discount a line ("15% off (Loyal customer)"), the line's amount off on the last
        *first, last = line.discount_label.split("; ")
        for part in first:
            lines += para(part, width, indent="  ")
        lines += amount(f"  {last}", format_pence(-line.discount_pence), width)
    return lines + designed_by(line.designed_by, width)


def tender_label(tender: str) -> str:
    return {"cash": "Cash", "card": "Card", "exchange": "Exchange credit"}.get(tender, tender.title())


def vat_lines(receipt: Receipt, width: int) -> list[PrintLine]:
    """VAT per rate (all rates on a VAT receipt with several), total VAT and the total including VAT."""
    if not receipt.store.vat_registered:
        return [line for vat in receipt.vat
                for line in amount(f"VAT included at {format_percent(vat.rate_bp)}", format_pence(vat.vat_pence), width)]
    lines: list[PrintLine] = []
    if len(receipt.vat) > 1:
        for vat in receipt.vat:
            lines += amount(f"VAT at {format_percent(vat.rate_bp)}", format_pence(vat.vat_pence), width)
    one_rate = f" at {format_percent(receipt.vat[0].rate_bp)}" if len(receipt.vat) == 1 else ""
    lines += amount(f"Total VAT{one_rate}", format_pence(receipt.vat_pence), width)
    lines += amount("Total incl. VAT", format_pence(receipt.total_pence), width)
    return lines


def _when_and_where(receipt: Receipt, width: int, *, time: bool = True) -> list[PrintLine]:
    when = receipt.printed_at.strftime("%d/%m/%Y %H:%M" if time else "%d/%m/%Y")
    if time and receipt.store.vat_registered and not receipt.training:
        return [*amount("Time of supply", when, width), PrintLine(f"Till {receipt.till}")]
    return amount(when, f"Till {receipt.till}", width)


def receipt_lines(receipt: Receipt, width: int = DEFAULT_WIDTH) -> list[PrintLine]:
    """The receipt, top to bottom, as styled lines of at most `width` characters."""
    if receipt.gift:
        return _copy_marked(receipt, _gift_lines(receipt, width), width)
    store = receipt.store
    banner = para(TRAINING_BANNER, width, align="center", bold=True) if receipt.training else []
    lines = store_header(store, width, after_name=banner)
    lines.append(rule(width))
    lines += _when_and_where(receipt, width)
    lines.append(PrintLine(f"Training sale {receipt.receipt_no}" if receipt.training else f"Receipt {receipt.reference}"))
    if receipt.staff:
        lines += para(f"Served by {receipt.staff}", width)
    lines.append(rule(width))
    for line in receipt.lines:
        lines += item_lines(line, width, store.vat_registered)
    lines.append(rule(width))
    if receipt.discount_pence:
        lines += amount("Discounts", format_pence(-receipt.discount_pence), width)
    lines += amount("TOTAL", format_pence(receipt.total_pence), width, bold=True, large=True)
    lines += vat_lines(receipt, width)
    for payment in receipt.payments:
        lines += amount(tender_label(payment.tender), format_pence(payment.tendered_pence), width)
    if receipt.change_pence:
        lines += amount("Change", format_pence(receipt.change_pence), width, bold=True)
    lines.append(rule(width))
    if not receipt.training:  # a return scans it: the reference as a CODE128 barcode
        lines.append(PrintLine(str(receipt.reference), align="center", barcode=True))
        lines += centred_lines(store.returns_policy, width)
    lines += centred_lines(store.footer_lines, width)
    lines += meet_the_designer_lines(receipt.designers, width)
    if receipt.training:
        lines += para(TRAINING_BANNER, width, align="center", bold=True)
    return _copy_marked(receipt, lines, width)


def _copy_marked(receipt: Receipt, lines: list[PrintLine], width: int) -> list[PrintLine]:
    """A reprint says COPY at the top and the bottom, so it is never taken for a second sale."""
    if not receipt.copy:
        return lines
    return [
        PrintLine(COPY_MARK, align="center", bold=True, large=True),
        *lines,
        *para(f"*** COPY of receipt {receipt.reference} ***", width, align="center", bold=True),
    ]


def _gift_lines(receipt: Receipt, width: int) -> list[PrintLine]:
    """What was bought and the proof to return it, with no prices, totals, tenders or change."""
    store = receipt.store
    lines = store_header(store, width, vat_number=False)
    lines.append(rule(width))
    lines += para(GIFT_TITLE, width, align="center", bold=True, large=True)
    lines += _when_and_where(receipt, width, time=False)
    lines.append(PrintLine(f"Receipt {receipt.reference}"))
    lines.append(rule(width))
    for line in receipt.lines:
        lines += para(line.description, width, bold=True)
        lines += amount(f"  {_detail(line)}", f"Qty {line.quantity}", width)
        lines += designed_by(line.designed_by, width)
    lines.append(rule(width))
    lines += para("Proof of purchase for an exchange or return:", width, align="center")
    lines.append(PrintLine(str(receipt.reference), align="center", barcode=True))
    lines.append(rule(width))
    lines += centred_lines(store.returns_policy, width)
    lines += centred_lines(store.footer_lines, width)
    return lines + meet_the_designer_lines(receipt.designers, width)


def receipt_text(receipt: Receipt, width: int = DEFAULT_WIDTH) -> str:
    """The receipt as plain text, for the till's preview, `pos receipt show` and tests."""
    return lines_text(receipt_lines(receipt, width), width)


def render_receipt(printer: Escpos, receipt: Receipt, width: int = DEFAULT_WIDTH, *,
                   code_page: str | None = None) -> None:
    """Send the receipt to a python-escpos printer (any transport, or Dummy for bytes) and cut.

    `code_page`: the printer's configured code page (default CP858 where the profile has it).
    """
    render_lines(printer, receipt_lines(receipt, width), code_page=code_page)
