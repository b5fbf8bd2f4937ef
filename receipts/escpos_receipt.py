"""Receipt layout: one list of styled lines, rendered to any python-escpos printer or to plain text.

The preview on the till and the bytes on paper come from the same lines, so they never disagree.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.money import format_pence
from receipts.model import Receipt, ReceiptLine

if TYPE_CHECKING:
    from escpos.escpos import Escpos

TRAINING_BANNER = "TRAINING - NOT A RECEIPT"
DEFAULT_WIDTH = 42  # characters per line in font A on an 80 mm printer (Epson TM-T88)
CODE_PAGE = "CP858"  # has £ and €; python-escpos's automatic code-page switching can turn £ into ?


@dataclass(frozen=True)
class PrintLine:
    text: str
    align: str = "left"  # left | center
    bold: bool = False
    large: bool = False  # double width and height; uses half the columns
    barcode: bool = False  # print `text` as a CODE128 barcode with the text under it


def _two_columns(left: str, right: str, width: int) -> str:
    room = width - len(right) - 1
    return f"{left[:room]:<{room}} {right}"


def _rule(width: int) -> PrintLine:
    return PrintLine("-" * width)


def _item_lines(line: ReceiptLine, width: int) -> list[PrintLine]:
    lines = [PrintLine(line.description[:width], bold=True)]
    detail = " / ".join(part for part in (line.size, line.colour) if part)
    price = f"{line.quantity} x {format_pence(line.unit_price_pence)}"
    lines.append(PrintLine(_two_columns(f"  {detail}  {price}", format_pence(line.line_total_pence), width)))
    if line.list_price_pence is not None:
        lines.append(PrintLine(f"  Price was {format_pence(line.list_price_pence)} ({line.price_reason})"[:width]))
    if line.discount_pence:  # one discount a line ("15% off (Loyal customer)"), the line's amount off on the last
        *first, last = line.discount_label.split("; ")
        lines += [PrintLine(f"  {part}"[:width]) for part in first]
        lines.append(PrintLine(_two_columns(f"  {last}", format_pence(-line.discount_pence), width)))
    if line.designed_by:
        lines.append(PrintLine(f"  Designed by {' & '.join(line.designed_by)}"[:width]))
    return lines


def _tender_label(tender: str) -> str:
    return {"cash": "Cash", "card": "Card"}.get(tender, tender.title())


def receipt_lines(receipt: Receipt, width: int = DEFAULT_WIDTH) -> list[PrintLine]:
    """The receipt, top to bottom, as styled lines of at most `width` characters."""
    if receipt.gift:
        return _copy_marked(receipt, _gift_lines(receipt, width), width)
    store = receipt.store
    lines = [PrintLine(store.name, align="center", bold=True, large=True)]
    if receipt.training:
        lines.append(PrintLine(TRAINING_BANNER[:width], align="center", bold=True))
    lines += [PrintLine(text[:width], align="center") for text in store.address_lines]
    if store.vat_number:
        lines.append(PrintLine(f"VAT no. {store.vat_number}", align="center"))
    lines.append(_rule(width))
    lines.append(PrintLine(_two_columns(receipt.printed_at.strftime("%d/%m/%Y %H:%M"), f"Till {receipt.till}", width)))
    lines.append(PrintLine(f"Training sale {receipt.receipt_no}" if receipt.training else f"Receipt {receipt.reference}"))
    if receipt.staff:
        lines.append(PrintLine(f"Served by {receipt.staff}"[:width]))
    lines.append(_rule(width))
    for line in receipt.lines:
        lines += _item_lines(line, width)
    lines.append(_rule(width))
    if receipt.discount_pence:
        lines.append(PrintLine(_two_columns("Discounts", format_pence(-receipt.discount_pence), width)))
    lines.append(PrintLine(_two_columns("TOTAL", format_pence(receipt.total_pence), width // 2), bold=True, large=True))
    for vat in receipt.vat:
        rate = f"{vat.rate_bp // 100}" + (f".{vat.rate_bp % 100:02d}".rstrip("0") if vat.rate_bp % 100 else "")
        lines.append(PrintLine(_two_columns(f"VAT included at {rate}%", format_pence(vat.vat_pence), width)))
    for payment in receipt.payments:
        lines.append(PrintLine(_two_columns(_tender_label(payment.tender), format_pence(payment.tendered_pence), width)))
    if receipt.change_pence:
        lines.append(PrintLine(_two_columns("Change", format_pence(receipt.change_pence), width), bold=True))
    lines.append(_rule(width))
    if not receipt.training:  # a return scans it: the reference as a CODE128 barcode
        lines.append(PrintLine(str(receipt.reference), align="center", barcode=True))
    lines += [PrintLine(text[:width], align="center") for text in store.footer_lines]
    if receipt.training:
        lines.append(PrintLine(TRAINING_BANNER[:width], align="center", bold=True))
    return _copy_marked(receipt, lines, width)


COPY_MARK = "*** COPY ***"
GIFT_TITLE = "GIFT RECEIPT"


def _copy_marked(receipt: Receipt, lines: list[PrintLine], width: int) -> list[PrintLine]:
    """A reprint says COPY at the top and the bottom, so it is never taken for a second sale."""
    if not receipt.copy:
        return lines
    return [
        PrintLine(COPY_MARK, align="center", bold=True, large=True),
        *lines,
        PrintLine(f"*** COPY of receipt {receipt.reference} ***"[:width], align="center", bold=True),
    ]


def _gift_lines(receipt: Receipt, width: int) -> list[PrintLine]:
    """What was bought and the proof to return it, with no prices, totals, tenders or change."""
    store = receipt.store
    lines = [PrintLine(store.name, align="center", bold=True, large=True)]
    lines += [PrintLine(text[:width], align="center") for text in store.address_lines]
    lines.append(_rule(width))
    lines.append(PrintLine(GIFT_TITLE, align="center", bold=True, large=True))
    lines.append(PrintLine(_two_columns(receipt.printed_at.strftime("%d/%m/%Y"), f"Till {receipt.till}", width)))
    lines.append(PrintLine(f"Receipt {receipt.reference}"))
    lines.append(_rule(width))
    for line in receipt.lines:
        lines.append(PrintLine(line.description[:width], bold=True))
        detail = " / ".join(part for part in (line.size, line.colour) if part)
        lines.append(PrintLine(_two_columns(f"  {detail}", f"Qty {line.quantity}", width)))
        if line.designed_by:
            lines.append(PrintLine(f"  Designed by {' & '.join(line.designed_by)}"[:width]))
    lines.append(_rule(width))
    lines.append(PrintLine("Proof of purchase for an exchange or return:"[:width], align="center"))
    lines.append(PrintLine(str(receipt.reference), align="center", barcode=True))
    lines.append(_rule(width))
    lines += [PrintLine(text[:width], align="center") for text in store.footer_lines]
    return lines


def receipt_text(receipt: Receipt, width: int = DEFAULT_WIDTH) -> str:
    """The receipt as plain text, for the till's preview and for tests."""
    rendered = []
    for line in receipt_lines(receipt, width):
        rendered.append(line.text.center(width).rstrip() if line.align == "center" else line.text)
    return "\n".join(rendered) + "\n"


def render_receipt(printer: Escpos, receipt: Receipt, width: int = DEFAULT_WIDTH) -> None:
    """Send the receipt to a python-escpos printer (any transport, or Dummy for bytes) and cut."""
    printer.charcode(CODE_PAGE)
    for line in receipt_lines(receipt, width):
        if line.barcode:
            _print_barcode(printer, line.text)
            continue
        printer.set(
            align=line.align,
            bold=line.bold,
            double_width=line.large,
            double_height=line.large,
            normal_textsize=not line.large,
        )
        printer.textln(line.text)
    printer.set_with_default()
    printer.cut()


def _print_barcode(printer: Escpos, data: str) -> None:
    """`data` as a CODE128 barcode (text under it) that the till's scanner reads back as typed."""
    from escpos.exceptions import BarcodeTypeError

    hardware = printer.profile.supports("barcodeB") or printer.profile.supports("barcodeA")
    try:
        with redirect_stdout(io.StringIO()):  # python-escpos announces its renderer on stdout
            # A printer's own CODE128 needs its code set first; code set B has every character of a reference.
            printer.barcode("{B" + data if hardware else data, "CODE128", height=64, width=2, align_ct=True)
    except BarcodeTypeError:  # a paper profile that prints no barcodes at all: the reference as text
        printer.set(align="center")
        printer.textln(data)
