"""Barcode labels as a PDF: one label per item, on an A4 sheet of 21 or one a page for a label printer.

Each label has the design's name (wrapped, then shrunk, never over its edge), size and colour, the
price, "by" and the designers who consented (the caller passes only those), and the EAN-13 as vector
bars at its nominal module of 0.33 mm (less only on a label too narrow for it, never under 80%), with
its quiet zones left white. See docs/labels.md for why reportlab draws the barcode.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from common.documents import LabelItem
from common.errors import PosError
from common.money import format_pence
from receipts.pdf import (
    BOLD, EAN_MODULE_MM, EAN_MODULES, FONT, LEADING, MM, draw_ean13, draw_lines, ean13_width,
    fit_text, pdf_text,
)
from receipts.text import names_list

EAN_NOMINAL_HEIGHT_MM = 25.93  # bars and digits at 100%
ROLL_DEFAULT_MM = (50.0, 30.0)
ROLL_MIN_MM = (32.0, 25.0)  # narrower cannot hold an EAN-13 at 80% with its quiet zones; lower leaves no room for text
ROLL_MAX_MM = (200.0, 200.0)
_TEXT_MM = 15.0  # the text block of a 63.5 x 38.1 mm label; other sizes scale it
_GAP_MM = 1.0  # between the text and the barcode


class LabelSizeError(PosError):
    """A label size that is not WxH in millimetres within what a label can hold."""


@dataclass(frozen=True)
class LabelLayout:
    """Where labels sit on a page, in millimetres from the page's top left."""

    name: str
    page_width_mm: float
    page_height_mm: float
    label_width_mm: float
    label_height_mm: float
    columns: int = 1
    rows: int = 1
    left_mm: float = 0.0
    top_mm: float = 0.0
    pitch_x_mm: float = 0.0  # from one label's left edge to the next one's
    pitch_y_mm: float = 0.0
    padding_mm: float = 2.0  # kept blank inside each label's edge: sheets and rolls shift a little in a printer

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """The bottom-left corner, in points, of the label at `index` on its page (across, then down)."""
        column, row = index % self.columns, index // self.columns
        x = self.left_mm + column * self.pitch_x_mm
        top = self.top_mm + row * self.pitch_y_mm
        return x * MM, (self.page_height_mm - top - self.label_height_mm) * MM


# 21 labels of 63.5 x 38.1 mm, 3 across and 7 down, as Avery L7160 and its equivalents.
A4_21 = LabelLayout(
    "a4-21", 210.0, 297.0, 63.5, 38.1, columns=3, rows=7, left_mm=7.21, top_mm=15.15, pitch_x_mm=66.04,
    pitch_y_mm=38.1, padding_mm=2.5,
)

_SIZE = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,2})?)\s*[x×X]\s*(\d{1,3}(?:\.\d{1,2})?)\s*(?:mm)?\s*$")


def parse_label_size(text: str) -> tuple[float, float]:
    """`50x30` (millimetres, width by height; `62.5x30` too) as (width, height), within the roll's limits."""
    match = _SIZE.match(text) if text.isascii() or "×" in text else None
    if not match:
        raise LabelSizeError(f"'{text}' is not a label size: give width x height in millimetres, such as 50x30.")
    width, height = float(match[1]), float(match[2])
    (min_w, min_h), (max_w, max_h) = ROLL_MIN_MM, ROLL_MAX_MM
    if not (min_w <= width <= max_w and min_h <= height <= max_h):
        raise LabelSizeError(
            f"A {text} label cannot hold the barcode and the text: labels are {min_w:g}-{max_w:g} mm wide "
            f"and {min_h:g}-{max_h:g} mm high."
        )
    return width, height


def roll_layout(width_mm: float, height_mm: float) -> LabelLayout:
    """One label a page, the page the label's size: what a label printer's driver expects."""
    return LabelLayout(f"roll-{width_mm:g}x{height_mm:g}", width_mm, height_mm, width_mm, height_mm)


def _designed_by(designers: Sequence[str]) -> str:
    return "by " + " ".join(names_list(designers)) if designers else ""


def draw_label(canvas, item: LabelItem, x: float, y: float, width: float, height: float,  # type: ignore[no-untyped-def]
               padding: float) -> None:
    """One label with its bottom-left corner at (x, y), all in points."""
    inner_w, inner_h = width - 2 * padding, height - 2 * padding
    scale = max(0.6, min(2.0, inner_h * 0.47 / (_TEXT_MM * MM), inner_w / (58.5 * MM)))
    # The barcode may use the padding for its quiet zones (they are white anyway), not the label's edge.
    module = min(EAN_MODULE_MM * MM, (width - 2 * MM) / EAN_MODULES)
    top = y + height - padding
    name = fit_text(item.design, BOLD, inner_w, 2, 9 * scale, 5)
    draw_lines(canvas, name, x + padding, top)
    row_top = top - 2 * 9 * scale * LEADING  # the name's two lines are kept whether used or not
    price = pdf_text(format_pence(item.price_pence))
    price_size = 11 * scale
    canvas.setFont(BOLD, price_size)
    price_width = canvas.stringWidth(price, BOLD, price_size)
    baseline = row_top - price_size * LEADING + price_size * 0.25
    canvas.drawRightString(x + width - padding, baseline, price)
    detail = " \u00b7 ".join(part for part in (item.size, item.colour) if part.strip())
    if detail:  # on the price's baseline, in the room the price leaves
        fitted = fit_text(detail, FONT, inner_w - price_width - 2 * MM, 1, 8 * scale, 5)
        canvas.setFont(FONT, fitted.size)
        canvas.drawString(x + padding, baseline, fitted.lines[0])
    row_top -= price_size * LEADING
    if item.designers:
        draw_lines(canvas, fit_text(_designed_by(item.designers), FONT, inner_w, 1, 7 * scale, 5), x + padding, row_top)
    text_bottom = row_top - 7 * scale * LEADING
    bar_height = min(text_bottom - _GAP_MM * MM - (y + padding), EAN_NOMINAL_HEIGHT_MM * MM * module / (EAN_MODULE_MM * MM))
    draw_ean13(canvas, item.barcode, x + (width - ean13_width(module)) / 2, y + padding, module, bar_height)


def labels_pdf(items: Sequence[LabelItem], layout: LabelLayout = A4_21) -> bytes:
    """The PDF of one label per item, in order, filling each page across then down."""
    from reportlab.pdfgen.canvas import Canvas

    if not items:
        raise ValueError("No labels to make.")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(layout.page_width_mm * MM, layout.page_height_mm * MM), invariant=1)
    canvas.setTitle(f"Labels ({len(items)})")
    canvas.setCreator("Makers' Till")
    width, height, padding = layout.label_width_mm * MM, layout.label_height_mm * MM, layout.padding_mm * MM
    for number, item in enumerate(items):
        slot = number % layout.per_page
        if number and slot == 0:
            canvas.showPage()
        x, y = layout.origin(slot)
        draw_label(canvas, item, x, y, width, height, padding)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
