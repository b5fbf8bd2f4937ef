"""Receipt layout: one list of styled lines, rendered to any python-escpos printer or to plain text.

The preview on the till and the bytes on paper come from the same lines, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from common.money import format_pence
from receipts.model import Receipt, ReceiptLine

if TYPE_CHECKING:
    from escpos.escpos import Escpos

DEFAULT_WIDTH = 42  # characters per line in font A on an 80 mm printer (Epson TM-T88)
CODE_PAGE = "CP858"  # has £ and €; python-escpos's automatic code-page switching can turn £ into ?


@dataclass(frozen=True)
class PrintLine:
    text: str
    align: str = "left"  # left | center
    bold: bool = False
    large: bool = False  # double width and height; uses half the columns


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
    store = receipt.store
    lines = [PrintLine(store.name, align="center", bold=True, large=True)]
    lines += [PrintLine(text[:width], align="center") for text in store.address_lines]
    if store.vat_number:
        lines.append(PrintLine(f"VAT no. {store.vat_number}", align="center"))
    lines.append(_rule(width))
    lines.append(PrintLine(_two_columns(receipt.printed_at.strftime("%d/%m/%Y %H:%M"), f"Till {receipt.till}", width)))
    lines.append(PrintLine(f"Receipt {receipt.reference}"))
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
