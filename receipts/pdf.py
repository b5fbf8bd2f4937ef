"""What the PDF documents (labels, cards) share: millimetres, text that fits its box, vector codes.

reportlab is imported here, and this module only where a PDF is made (pos.cli imports it lazily):
importing reportlab costs about 0.2 s, which the till's start-up never pays.

Text uses the PDF's standard Helvetica, which every viewer and printer has without embedding a font;
it covers Windows-1252 (£, €, é, ñ, ü, …). A letter outside it prints without its accent (ț as t) or
as `?`, never as a missing glyph. Text never leaves its box: it wraps, shrinks down to a floor, and
only then is shortened with `…`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reportlab.graphics.barcode.eanbc import Ean13BarcodeWidget
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from receipts.text import clean

MM = mm  # points in a millimetre
FONT = "Helvetica"
BOLD = "Helvetica-Bold"
ELLIPSIS = "\u2026"
LEADING = 1.18  # line height as a multiple of the font size

# EAN-13 (GS1 General Specifications 5.2.3.4): 95 modules of bars, quiet zones of 11 modules on the
# left and 7 on the right; nominal module 0.33 mm (37.29 mm with the quiet zones); 80% is the smallest allowed.
EAN_MODULE_MM = 0.33
EAN_MIN_MAGNIFICATION = 0.8
EAN_LEFT_QUIET = 11
EAN_RIGHT_QUIET = 7
EAN_MODULES = EAN_LEFT_QUIET + 95 + EAN_RIGHT_QUIET


def pdf_text(text: str) -> str:
    """`text` as Helvetica can draw it: no control characters; letters outside Windows-1252 unaccented, else `?`."""
    out = []
    for char in clean(text):
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                plain.encode("cp1252")
                out.append(plain or "?")
            except UnicodeEncodeError:
                out.append("?")
    return " ".join("".join(out).split())


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A word wider than the line, in pieces that each fit."""
    pieces, current = [], ""
    for char in word:
        if current and stringWidth(current + char, font, size) > width:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def wrap_to_width(text: str, font: str, size: float, width: float) -> list[str]:
    """Words laid out in lines no wider than `width` points; a word longer than a line is broken."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _break_word(word, font, size, width) if stringWidth(word, font, size) > width else [word]
        lines += pieces[:-1]
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def _shorten(line: str, font: str, size: float, width: float) -> str:
    """`line` cut at the end with `…` so that it fits `width`."""
    line = line.rstrip()
    while line and stringWidth(line + ELLIPSIS, font, size) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


@dataclass(frozen=True)
class Fitted:
    """Text laid out for a box: its lines at one font size."""

    lines: tuple[str, ...]
    font: str
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def fit_text(text: str, font: str, width: float, max_lines: int, size: float, min_size: float) -> Fitted:
    """`text` in at most `max_lines` lines no wider than `width`: at `size`, else smaller down to
    `min_size` in half points, else at `min_size` with the last line shortened with `…`.
    """
    text = pdf_text(text)
    current = size
    while True:
        lines = wrap_to_width(text, font, current, width)
        if len(lines) <= max_lines:
            return Fitted(tuple(lines), font, current)
        if current - 0.5 < min_size:
            break
        current -= 0.5
    kept = lines[:max_lines]
    kept[-1] = _shorten(kept[-1], font, current, width)
    return Fitted(tuple(kept), font, current)


def fit_box(text: str, font: str, width: float, height: float, size: float, min_size: float) -> Fitted:
    """`text` in as many lines as fit `height` points: as `fit_text`, the number of lines following the size."""
    def lines_at(current: float) -> int:
        return max(1, int(height // (current * LEADING)))

    current = size
    while current - 0.5 >= min_size and len(wrap_to_width(pdf_text(text), font, current, width)) > lines_at(current):
        current -= 0.5
    return fit_text(text, font, width, lines_at(current), current, current)


def draw_lines(canvas: Canvas, fitted: Fitted, x: float, top: float, *, align: str = "left", width: float = 0) -> float:
    """Draw `fitted` with its first line's top at `top`; returns the y below the last line."""
    canvas.setFont(fitted.font, fitted.size)
    y = top
    for line in fitted.lines:
        y -= fitted.size * LEADING
        baseline = y + fitted.size * (LEADING - 1) / 2 + fitted.size * 0.2
        if align == "right":
            canvas.drawRightString(x + width, baseline, line)
        elif align == "center":
            canvas.drawCentredString(x + width / 2, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
    return y


def ean13_width(module: float) -> float:
    """Points an EAN-13 takes with its quiet zones at `module` points a module."""
    return EAN_MODULES * module


def draw_ean13(canvas: Canvas, code: str, x: float, y: float, module: float, bar_height: float) -> float:
    """Draw EAN-13 `code` as vector bars, its quiet zones included, from (x, y) at the bottom left.

    The digits go under the bars (the guard bars reach down between them). Returns the height used.
    reportlab computes the check digit itself from the first twelve, so a code whose check digit is
    wrong is refused here rather than printed as a different, valid code.
    """
    if len(code) != 13 or not (code.isascii() and code.isdigit()):
        raise ValueError(f"{code!r} is not a 13-digit EAN-13 barcode.")
    widget = Ean13BarcodeWidget(
        code[:12], barWidth=module, barHeight=bar_height, fontSize=module * 8 / (EAN_MODULE_MM * MM),  # 8 pt at the nominal module
        quiet=0, fontName=FONT,  # the quiet zones are left white by placing the bars, below
    )
    if code[:12] + widget._checkdigit(code[:12]) != code:
        raise ValueError(f"Barcode {code} has a wrong check digit; correct it in the catalogue before printing it.")
    group = widget.draw()
    x += EAN_LEFT_QUIET * module  # the first digit is drawn inside the left quiet zone, as the standard has it
    # Bars are Rects and digits Strings: drawing them straight onto the canvas is several times faster
    # than going through a Drawing and renderPDF, and draws exactly the same thing.
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    for shape in group.contents:
        if hasattr(shape, "text"):
            canvas.setFont(shape.fontName, shape.fontSize)
            if shape.textAnchor == "middle":
                canvas.drawCentredString(x + shape.x, y + shape.y, shape.text)
            else:
                canvas.drawString(x + shape.x, y + shape.y, shape.text)
        elif shape.fillColor is not None:
            canvas.rect(x + shape.x, y + shape.y, shape.width, shape.height, stroke=0, fill=1)
    canvas.restoreState()
    return bar_height


def draw_qr(canvas: Canvas, data: str, x: float, y: float, side: float) -> None:
    """Draw a QR code of `data` (error correction M) as a `side`-point square with its 4-module quiet zone."""
    widget = QrCodeWidget(data, barLevel="M", barBorder=4, barWidth=side, barHeight=side)
    group = widget.draw()
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    for shape in group.contents:
        _fill_shapes(canvas, shape, x, y)
    canvas.restoreState()


def _fill_shapes(canvas: Canvas, shape, x: float, y: float) -> None:  # type: ignore[no-untyped-def]
    if hasattr(shape, "contents"):
        for inner in shape.contents:
            _fill_shapes(canvas, inner, x, y)
    elif getattr(shape, "fillColor", None) is not None and hasattr(shape, "width"):
        canvas.rect(x + shape.x, y + shape.y, shape.width, shape.height, stroke=0, fill=1)
