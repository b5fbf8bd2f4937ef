"""Pricing a sale with no database: line totals, VAT, designer attribution and the receipt.

The services load rows and store what these functions compute; completing a sale and rebuilding
its receipt from the ledger both build the receipt here, so the two can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from common.money import split_by_weights, vat_from_gross
from common.values import Tender
from receipts.model import Receipt, ReceiptLine, StoreHeader, VatLine


@dataclass(frozen=True)
class Designer:
    """One designer of a line's design: their share and whether they consented to be named."""

    participant_id: int
    share_bp: int
    name: str
    consented: bool


@dataclass(frozen=True)
class PricedLine:
    """A sale line as sold: what it was, how many, at what price and VAT rate, by whom."""

    variant_id: int
    product_id: int
    sku: str
    description: str
    size: str
    colour: str
    quantity: int
    unit_price_pence: int
    vat_rate_bp: int
    designers: tuple[Designer, ...]

    @property
    def total_pence(self) -> int:
        return self.unit_price_pence * self.quantity

    @property
    def vat_pence(self) -> int:
        return vat_from_gross(self.total_pence, self.vat_rate_bp)


@dataclass(frozen=True)
class Attribution:
    """A designer's exact part of one line's gross and VAT."""

    participant_id: int
    share_bp: int
    gross_pence: int
    vat_pence: int


def attribute(line: PricedLine) -> list[Attribution]:
    """Split the line's gross and its VAT between its designers by share; the parts add up exactly."""
    if not line.designers:
        return []
    weights = [designer.share_bp for designer in line.designers]
    gross_parts = split_by_weights(line.total_pence, weights)
    vat_parts = split_by_weights(line.vat_pence, weights)
    return [
        Attribution(designer.participant_id, designer.share_bp, gross, vat)
        for designer, gross, vat in zip(line.designers, gross_parts, vat_parts, strict=True)
    ]


def vat_summary(lines: Sequence[PricedLine]) -> tuple[VatLine, ...]:
    """VAT per rate, highest rate first."""
    by_rate: dict[int, int] = defaultdict(int)
    for line in lines:
        by_rate[line.vat_rate_bp] += line.vat_pence
    return tuple(VatLine(rate, vat) for rate, vat in sorted(by_rate.items(), reverse=True))


def build_receipt(
    store: StoreHeader, till: str, receipt_no: int, when: datetime, staff: str,
    lines: Sequence[PricedLine], tenders: Sequence[Tender],
) -> Receipt:
    """The receipt of a sale, from its lines and tenders; `when` is the store's local time."""
    return Receipt(
        store=store,
        till=till,
        receipt_no=receipt_no,
        printed_at=when,
        staff=staff,
        lines=tuple(
            ReceiptLine(
                description=line.description,
                size=line.size,
                colour=line.colour,
                quantity=line.quantity,
                unit_price_pence=line.unit_price_pence,
                line_total_pence=line.total_pence,
                designed_by=tuple(designer.name for designer in line.designers if designer.consented),
            )
            for line in lines
        ),
        total_pence=sum(line.total_pence for line in lines),
        vat=vat_summary(lines),
        payments=tuple(tenders),
        change_pence=sum(t.change_pence for t in tenders),
    )
