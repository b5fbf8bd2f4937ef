"""What a customer display shows, as plain values: the till's basket as it publishes it, and the makers.

The till core publishes its basket as working state in the ledger (`publish_basket`); a display reads
it (`display_state`) and never writes. A maker appears by name, with a line of their story and their
profile address, only if they consented to publish; otherwise `name` is None and the display says
"made by one of our designers", with no story and no code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

DisplayStatus = Literal["idle", "basket", "paid"]


@dataclass(frozen=True)
class DisplayMaker:
    """One designer of a garment, as a customer may see them."""

    name: str | None  # None: they did not consent; show "made by one of our designers" and nothing else
    story: str = ""  # one line of their story (empty without consent)
    profile_url: str = ""  # their LinkedIn profile address, for a QR code (empty without consent)

    @property
    def consented(self) -> bool:
        return self.name is not None


@dataclass(frozen=True)
class DisplayLine:
    """A basket line as the customer sees it."""

    description: str  # the design's name
    size: str
    colour: str
    quantity: int
    line_total_pence: int


@dataclass(frozen=True)
class ScannedItem:
    """The garment just scanned: its design and its makers (consent applied)."""

    design: str
    makers: tuple[DisplayMaker, ...]


@dataclass(frozen=True)
class DisplayState:
    """A till's basket as published, version by version (`version` only grows; a display redraws on a new one)."""

    till: str
    version: int
    status: DisplayStatus  # idle: no basket; basket: lines being scanned; paid: the sale completed
    lines: tuple[DisplayLine, ...] = ()
    total_pence: int = 0
    last_scanned: ScannedItem | None = None
    change_pence: int = 0  # with status "paid": the change due (0 for card)
    updated_at: datetime | None = None  # UTC, when the till published it


