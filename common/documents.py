"""Plain data for the printed documents the catalogue feeds: a barcode label per item and a card per designer.

inventory builds them from the ledger (inventory.labels); receipts renders them to PDF (receipts.labels,
receipts.cards). They live here because receipts may not import inventory (the layers contract).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelItem:
    """One item's tag: what a customer reads and the EAN-13 the till scans."""

    sku: str
    barcode: str  # EAN-13, all 13 digits
    design: str
    size: str
    colour: str
    price_pence: int
    designers: tuple[str, ...] = ()  # only designers who consented to be named, largest share first


@dataclass(frozen=True)
class DesignerCard:
    """A Meet-the-designer card: only ever built for a participant who consented to be published."""

    name: str
    story: str
    linkedin_url: str  # may be empty: the card then has no QR code
    designs: tuple[str, ...]  # their designs in the store, by name
