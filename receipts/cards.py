"""Meet-the-designer cards as a PDF: one A6 card a page, for the rails and beside the portraits.

Each card has the designer's name, their story, their designs in the store and a QR code of their
LinkedIn profile address with the address written under it. The caller passes only designers who
consented (inventory.labels.designer_cards reads no one else). Text is fitted to its box: it wraps,
shrinks, and only at the smallest size is shortened with `…`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from common.documents import DesignerCard
from receipts.layout import screen_address
from receipts.pdf import BOLD, FONT, LEADING, MM, draw_lines, draw_qr, fit_box, fit_text

A6_MM = (105.0, 148.0)
MARGIN_MM = 8.0
QR_MM = 36.0  # the QR code with its quiet zone: about 1 mm a module for a profile address
TITLE = "MEET THE DESIGNER"


def draw_card(canvas, card: DesignerCard, width: float, height: float) -> None:  # type: ignore[no-untyped-def]
    """One card filling the page (points)."""
    margin = MARGIN_MM * MM
    inner = width - 2 * margin
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    top = draw_lines(canvas, fit_text(TITLE, BOLD, inner, 1, 9, 9), margin, height - margin)
    canvas.setFillColorRGB(0, 0, 0)
    top = draw_lines(canvas, fit_text(card.name, BOLD, inner, 2, 22, 12), margin, top - 1 * MM)
    bottom = margin
    if card.linkedin_url:
        address = fit_text(screen_address(card.linkedin_url), FONT, inner, 1, 9, 6)
        draw_lines(canvas, address, margin, bottom + address.height, align="center", width=inner)
        bottom += address.height + 1 * MM
        side = QR_MM * MM
        draw_qr(canvas, card.linkedin_url, (width - side) / 2, bottom, side)
        bottom += side + 3 * MM
    if card.designs:
        designs = fit_text(" \u00b7 ".join(card.designs), FONT, inner, 4, 10, 7)
        draw_lines(canvas, designs, margin, bottom + designs.height)
        bottom += designs.height
        heading = fit_text("In the store", BOLD, inner, 1, 10, 10)
        draw_lines(canvas, heading, margin, bottom + heading.height)
        bottom += heading.height + 3 * MM
    story_height = top - 3 * MM - bottom
    if card.story.strip() and story_height > 12 * LEADING:
        draw_lines(canvas, fit_box(card.story, FONT, inner, story_height, 12, 7), margin, top - 3 * MM)


def cards_pdf(cards: Sequence[DesignerCard]) -> bytes:
    """The PDF of one A6 card a page, in order."""
    from reportlab.pdfgen.canvas import Canvas

    if not cards:
        raise ValueError("No cards to make.")
    width, height = A6_MM[0] * MM, A6_MM[1] * MM
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    canvas.setTitle("Meet the designers")
    canvas.setCreator("Makers' Till")
    for card in cards:
        draw_card(canvas, card, width, height)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
