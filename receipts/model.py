"""The plain data a receipt is rendered from. Built by the sales layer; no database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from common.values import ReceiptRef, Tender


@dataclass(frozen=True)
class ReceiptLine:
    description: str
    size: str
    colour: str
    quantity: int
    unit_price_pence: int  # the price charged
    line_total_pence: int  # quantity × the price charged, before discounts
    designed_by: tuple[str, ...] = ()  # only designers who consented to be named
    discount_pence: int = 0  # the line's discounts: its own and its part of a basket discount
    discount_label: str = ""  # those discounts in words: "15% off (Loyal customer)"
    list_price_pence: int | None = None  # the catalogue price, when the price was overridden
    price_reason: str = ""  # why it was overridden
    vat_rate_bp: int | None = None  # the line's VAT rate; a VAT receipt prints it on each item


@dataclass(frozen=True)
class DesignerProfile:
    """A designer on the receipt who consented to be published: "Meet the designer" shows them.

    Only consented designers are ever put in one (pos.sales.pricing.build_receipt sees to that).
    """

    name: str
    story: str = ""  # one line of their story
    linkedin_url: str = ""  # printed as a QR code


@dataclass(frozen=True)
class VatLine:
    rate_bp: int
    vat_pence: int


@dataclass(frozen=True)
class StoreHeader:
    name: str = "Makers' Store"
    address_lines: tuple[str, ...] = ()
    vat_number: str = ""
    footer_lines: tuple[str, ...] = ("Thank you for supporting new designers.",)
    returns_policy: tuple[str, ...] = ()  # printed on sale, gift and exchange receipts

    @property
    def vat_registered(self) -> bool:
        """A VAT number is configured: receipts carry what a UK VAT receipt needs."""
        return bool(self.vat_number.strip())


@dataclass(frozen=True)
class Receipt:
    store: StoreHeader
    till: str
    receipt_no: int
    printed_at: datetime  # local time of the sale
    lines: tuple[ReceiptLine, ...]
    total_pence: int
    vat: tuple[VatLine, ...]
    payments: tuple[Tender, ...]
    change_pence: int = 0
    staff: str = ""
    discount_pence: int = 0  # all the sale's discounts; total_pence is after them
    copy: bool = False  # a reprint: marked COPY at the top and bottom
    gift: bool = False  # a gift receipt: what was bought and the return proof, no prices or payments
    training: bool = False  # a practice sale at a till in training: not a receipt, recorded nowhere
    designers: tuple[DesignerProfile, ...] = ()  # consented designers of its lines, for "Meet the designer"

    @property
    def reference(self) -> ReceiptRef:
        return ReceiptRef(self.till, self.receipt_no)

    @property
    def vat_pence(self) -> int:
        return sum(line.vat_pence for line in self.vat)
