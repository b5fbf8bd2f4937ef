"""What the story wall (`pos wall`) shows, as plain values: garments just sold with their designers, and
the store's totals. No database code here, so the wall's face can import it.

A designer is named only if they consented to publish; otherwise the wall says "one of our designers"
(or "two of our designers", ...), with nothing else of theirs. No person's own figures are ever here:
the totals are the store's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pos.display.state import DisplayMaker

_COUNT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Moment:
    """A garment just sold: one line of a completed sale."""

    sale_id: int
    line_id: int
    design: str  # the design's name as the sale recorded it
    quantity: int
    makers: tuple[DisplayMaker, ...]  # its designers, largest share first, consent applied
    sold_at: datetime  # UTC, when the sale completed

    @property
    def text(self) -> str:
        """"Night Bus Hoodie, designed by Amara Osei"; "2 × ..." for more than one."""
        quantity = f"{self.quantity} × " if self.quantity != 1 else ""
        makers = designed_by(self.makers)
        return f"{quantity}{self.design}, designed by {makers}" if makers else f"{quantity}{self.design}"


@dataclass(frozen=True)
class Totals:
    """The store's figures for some trading days, in the sales report's words (`pos report sales`)."""

    sales_count: int  # sales completed (a refund does not unmake a sale)
    units: int  # garments sold less garments returned: the report's `units`
    takings_pence: int  # takings net of discounts and refunds, VAT included: the report's `gross_pence`

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.sales_count + other.sales_count, self.units + other.units,
                      self.takings_pence + other.takings_pence)


NO_TOTALS = Totals(0, 0, 0)


@dataclass(frozen=True)
class WallUpdate:
    """One look at the ledger: the garments sold since the last look (oldest first), and the totals now."""

    moments: tuple[Moment, ...]
    today: Totals
    event: Totals  # every trading day in the ledger, today included
    day: date  # the store's trading day the `today` figures are for


def designed_by(makers: Sequence[DisplayMaker]) -> str:
    """The consenting designers by name, then the others counted: "Amara Osei and one of our designers"."""
    names = [str(maker.name) for maker in makers if maker.consented]
    hidden = sum(1 for maker in makers if not maker.consented)
    if hidden:
        count = _COUNT_WORDS[hidden - 1] if hidden <= len(_COUNT_WORDS) else str(hidden)
        names.append(f"{count} of our designers")
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
