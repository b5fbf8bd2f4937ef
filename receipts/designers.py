"""'Meet the designer': the end of a receipt, for every designer on it who consented to be published.

Each gets their name, one line of their story and a QR code of their LinkedIn profile address (the
printer's own QR command where its profile has one, an image otherwise: receipts.layout.print_qr).
A designer who did not consent is never in a Receipt's `designers`, so nothing of theirs prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from receipts.layout import PrintLine, para, rule
from receipts.model import DesignerProfile

MEET_TITLE = "Meet the designer"
MEET_TITLE_PLURAL = "Meet the designers"


def meet_the_designer_lines(designers: Sequence[DesignerProfile], width: int) -> list[PrintLine]:
    """The block, or nothing when no designer on the receipt consented."""
    if not designers:
        return []
    title = MEET_TITLE if len(designers) == 1 else MEET_TITLE_PLURAL
    lines = [rule(width), *para(title, width, align="center", bold=True)]
    for designer in designers:
        lines += para(designer.name, width, align="center", bold=True)
        if designer.story:
            lines += para(designer.story, width, align="center")
        if designer.linkedin_url:
            lines.append(PrintLine(designer.linkedin_url, align="center", qr=True))
    return lines
