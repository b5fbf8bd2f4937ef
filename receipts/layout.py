"""What every slip is made of: styled lines of at most the paper's width, rendered to any python-escpos
printer or to plain text. Receipts, refund and exchange slips, no-sale slips and the test page all
build their lines with these helpers and print through `render_lines`, so text from the catalogue is
cleaned (receipts.text.clean) and wrapped the same way on every one.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import TYPE_CHECKING

from receipts.model import StoreHeader
from receipts.text import clean, clean_lines, columns, wrap

if TYPE_CHECKING:
    from escpos.escpos import Escpos

DEFAULT_WIDTH = 42  # characters per line in font A on an 80 mm printer (Epson TM-T88)
CODE_PAGE = "CP858"  # has £, € and Western European accents; the default when the profile has it
QR_SIZE = 6  # dots per module of a native QR code: about 25 mm for a LinkedIn address on 80 mm paper
QR_IMAGE_SIZE = 5  # pixels per module of a QR code sent as an image (58 mm printers: 384 dots wide)


@dataclass(frozen=True)
class PrintLine:
    text: str
    align: str = "left"  # left | center
    bold: bool = False
    large: bool = False  # double width and height; uses half the columns
    barcode: bool = False  # print `text` as a CODE128 barcode with the text under it
    qr: bool = False  # print `text` (an address) as a QR code; the text form shows the address


def rule(width: int) -> PrintLine:
    return PrintLine("-" * width)


def para(text: str, width: int, *, align: str = "left", bold: bool = False, large: bool = False,
         indent: str = "") -> list[PrintLine]:
    """`text` wrapped to the paper (half as many columns when large), never cut."""
    room = width // 2 if large else width
    return [PrintLine(part, align, bold, large) for part in wrap(text, room, indent) if part or not text]


def amount(left: str | Sequence[str], right: str, width: int, *, bold: bool = False,
           large: bool = False, indent: str = "") -> list[PrintLine]:
    """`left` (text, or chunks kept whole) wrapped with `right` (an amount) on the right of its last line."""
    room = width // 2 if large else width
    return [PrintLine(part, bold=bold, large=large) for part in columns(left, right, room, indent)]


def store_header(store: StoreHeader, width: int, *, vat_number: bool = True,
                 after_name: Sequence[PrintLine] = ()) -> list[PrintLine]:
    """The store's name (large), `after_name` (a banner), its address and, when configured, its VAT number."""
    lines = [*para(store.name, width, align="center", bold=True, large=True), *after_name]
    for text in store.address_lines:
        lines += para(text, width, align="center")
    if vat_number and store.vat_registered:
        lines += para(f"VAT no. {store.vat_number}", width, align="center")
    return lines


def centred_lines(texts: Sequence[str], width: int) -> list[PrintLine]:
    """Configured lines (a footer, a returns policy), each cleaned and wrapped, centred."""
    return [line for text in texts for part in clean_lines(text) for line in para(part, width, align="center")]


def lines_text(lines: Sequence[PrintLine], width: int) -> str:
    """The lines as plain text for a screen: the same words as on paper; a QR code shows as its address
    (without `https://www.`, so that a LinkedIn address fits a line)."""
    rendered = []
    for line in lines:
        texts = wrap(screen_address(line.text), width) if line.qr else [clean(line.text)]
        for text in texts:
            rendered.append(text.center(width).rstrip() if line.align == "center" else text)
    return "\n".join(rendered) + "\n"


def screen_address(url: str) -> str:
    """An address as a person types it: "linkedin.com/in/amara-osei-example"."""
    url = clean(url).strip()
    for prefix in ("https://", "http://", "www."):
        url = url.removeprefix(prefix)
    return url


def select_code_page(printer: Escpos, code_page: str | None = None) -> None:
    """Fix the printer's code page so `£` and accents print as themselves.

    `code_page` (from the printer settings) must be one the profile has; by default CP858 when the
    profile has it, else python-escpos chooses per character (its magic encoder).
    """
    pages = printer.profile.get_code_pages()
    if code_page and code_page.upper() == "AUTO":
        printer.charcode("AUTO")
        return
    if code_page and code_page not in pages:
        raise ValueError(f"The printer profile cannot print code page {code_page}; it has {', '.join(sorted(pages))}.")
    chosen = code_page or CODE_PAGE
    printer.charcode(chosen if chosen in pages else "AUTO")


def _for_code_page(printer: Escpos, text: str) -> str:
    """`text` with each character the fixed code page lacks replaced by its unaccented letter (ő -> o), or ?."""
    magic = printer.magic
    if not magic.disabled or not magic.encoding:
        return text
    out = []
    for char in text:
        if ord(char) < 128 or magic.encoder.can_encode(magic.encoding, char):
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        out.append(plain if plain and all(magic.encoder.can_encode(magic.encoding, c) for c in plain) else "?")
    return "".join(out)


def render_lines(printer: Escpos, lines: Sequence[PrintLine], *, code_page: str | None = None,
                 cut: bool = True) -> None:
    """Send the lines to a python-escpos printer (any transport, or Dummy for bytes), then cut."""
    select_code_page(printer, code_page)
    for line in lines:
        if line.barcode:
            print_barcode(printer, clean(line.text))
        elif line.qr:
            print_qr(printer, clean(line.text))
        else:
            printer.set(align=line.align, bold=line.bold, double_width=line.large, double_height=line.large,
                        normal_textsize=not line.large)
            printer.textln(_for_code_page(printer, clean(line.text)))
    printer.set_with_default()
    if cut:
        printer.cut()


def print_barcode(printer: Escpos, data: str) -> None:
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


_IMAGE_IMPLS = ("bitImageRaster", "graphics", "bitImageColumn")


def print_qr(printer: Escpos, data: str) -> None:
    """`data` as a QR code: the printer's own QR command (GS ( k) where the profile has one, else an image;
    a profile that prints no images either gets the address as text."""
    profile = printer.profile
    if profile.supports("qrCode"):
        printer.set(align="center")  # native QR follows the justification; python-escpos cannot centre it
        printer.qr(data, size=QR_SIZE, native=True)
        printer.set(align="left")
        return
    impl = next((impl for impl in _IMAGE_IMPLS if profile.supports(impl)), None)
    if impl is None:
        printer.set(align="center")
        printer.textln(data)
        return
    media = profile.profile_data.get("media", {}).get("width", {})
    centre = str(media.get("pixels", "Unknown")).isdigit()
    with redirect_stdout(io.StringIO()):  # python-escpos says on stdout when a profile has no pixel width
        printer.qr(data, size=QR_IMAGE_SIZE, native=False, image_arguments={"impl": impl, "center": centre})
