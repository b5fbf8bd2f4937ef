"""Pricing a sale with no database: discounts, price overrides, line totals, VAT, designer attribution
and the receipt.

The services load rows and store what these functions compute; the till core prices its basket
with the same functions, and completing a sale and rebuilding its receipt from the ledger both
build the receipt here, so none of them can disagree.

The rules (README, "Discounts and price overrides"):
- A line's price may be overridden (a new unit price, with a reason); its discounts then start
  from the price charged.
- A line discount (a percentage or an amount) comes off that line. A basket discount comes off the
  basket after the line discounts and is spread over the lines by largest remainder, in proportion
  to each line's amount after its own discount. A percentage is rounded to the nearest penny.
- A discount never comes to more than what it discounts: a larger amount is refused.
- VAT and designer attribution follow each line's amount after all its discounts, exact to the penny.
- A manager approves any price override, and any discounts that together come to more than the
  approval threshold (default 10%) of the sale before discounts, or of one line before discounts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from common.errors import NotAllowed
from common.limits import check_price
from common.money import BASIS_POINTS, format_pence, format_percent, split_by_weights, vat_from_gross
from common.values import StaffMember, Tender
from receipts.model import DesignerProfile, Receipt, ReceiptLine, StoreHeader, VatLine
from receipts.text import first_line

REASON_MAX = 30  # a configured reason: short enough for a receipt line
LABEL_MAX = 80  # sale_lines.discount_reason holds the line's discount label as the receipt prints it
DEFAULT_APPROVAL_BP = 1_000  # 10%
DEFAULT_DISCOUNT_REASONS = ("Loyal customer", "Damaged item", "Staff purchase", "Programme event", "Manager's discretion")
DEFAULT_OVERRIDE_REASONS = ("Price tag differs", "Damaged item", "Price match", "Manager's discretion")


@dataclass(frozen=True)
class DiscountRules:
    """The till's configured discount rules ([till] in the configuration file)."""

    approval_bp: int = DEFAULT_APPROVAL_BP  # discounts above this share of what they discount need a manager
    discount_reasons: tuple[str, ...] = DEFAULT_DISCOUNT_REASONS
    override_reasons: tuple[str, ...] = DEFAULT_OVERRIDE_REASONS


def _check_reason(reason: str, allowed: Sequence[str], what: str) -> None:
    if reason not in allowed:
        raise NotAllowed(f"'{reason[:REASON_MAX]}' is not a reason for {what}; choose one of: {', '.join(allowed)}.")


@dataclass(frozen=True)
class Discount:
    """A discount as the cashier gave it: a percentage (basis points) or an amount (pence), and why."""

    reason: str
    percent_bp: int | None = None
    amount_pence: int | None = None

    def __post_init__(self) -> None:
        if (self.percent_bp is None) == (self.amount_pence is None):
            raise ValueError("a discount is a percentage or an amount")
        if self.percent_bp is not None and not 0 < self.percent_bp <= BASIS_POINTS:
            raise NotAllowed(f"A discount of {format_percent(self.percent_bp)} cannot be given: use 0.01% to 100%.")
        if self.amount_pence is not None and self.amount_pence <= 0:
            raise NotAllowed("A discount needs an amount of at least 1p.")

    @classmethod
    def percent(cls, basis_points: int, reason: str) -> Discount:
        return cls(reason, percent_bp=basis_points)

    @classmethod
    def amount(cls, pence: int, reason: str) -> Discount:
        return cls(reason, amount_pence=pence)

    def check_reason(self, rules: DiscountRules) -> None:
        _check_reason(self.reason, rules.discount_reasons, "a discount")

    def off(self, base_pence: int, what: str) -> int:
        """How much comes off `base_pence`; an amount larger than the base is refused."""
        if self.percent_bp is not None:
            return (base_pence * self.percent_bp + BASIS_POINTS // 2) // BASIS_POINTS
        assert self.amount_pence is not None
        if self.amount_pence > base_pence:
            raise NotAllowed(
                f"A discount of {format_pence(self.amount_pence)} is more than the {format_pence(base_pence)} of "
                f"{what}. Give a smaller amount or a percentage."
            )
        return self.amount_pence

    @property
    def size(self) -> str:
        """"15%" or "£5.00"."""
        return format_percent(self.percent_bp) if self.percent_bp is not None else format_pence(self.amount_pence or 0)

    @property
    def label(self) -> str:
        """As the receipt prints it: "15% off (Loyal customer)"."""
        return f"{self.size} off ({self.reason})"


@dataclass(frozen=True)
class PriceOverride:
    """A new unit price for a line, and why (a manager approves it)."""

    unit_price_pence: int
    reason: str

    def check(self, rules: DiscountRules, label: str) -> None:
        check_price(label, self.unit_price_pence)
        _check_reason(self.reason, rules.override_reasons, "a price override")


@dataclass(frozen=True)
class LineTerms:
    """What the cashier changed on one line: its price, its own discount, or both."""

    override: PriceOverride | None = None
    discount: Discount | None = None


NO_TERMS = LineTerms()


@dataclass(frozen=True)
class LinePrice:
    """One line priced: the catalogue price, the price charged, and its discounts (its own and its basket share)."""

    list_price_pence: int
    quantity: int
    terms: LineTerms = NO_TERMS
    own_discount_pence: int = 0
    basket_discount_pence: int = 0  # this line's part of the basket discount
    basket_label: str = ""

    @property
    def unit_price_pence(self) -> int:
        override = self.terms.override
        return override.unit_price_pence if override is not None else self.list_price_pence

    @property
    def gross_pence(self) -> int:
        """The line before discounts, at the price charged."""
        return self.unit_price_pence * self.quantity

    @property
    def discount_pence(self) -> int:
        return self.own_discount_pence + self.basket_discount_pence

    @property
    def total_pence(self) -> int:
        return self.gross_pence - self.discount_pence

    @property
    def discount_label(self) -> str:
        """The line's discounts in words, as the receipt prints them and sale_lines.discount_reason keeps them."""
        parts = []
        if self.terms.discount is not None:
            parts.append(self.terms.discount.label)
        if self.basket_discount_pence:
            parts.append(self.basket_label)
        return "; ".join(parts)[:LABEL_MAX]


def price_lines(lines: Sequence[tuple[int, int, LineTerms]], basket: Discount | None = None) -> list[LinePrice]:
    """Price (catalogue unit price, quantity, terms) lines with an optional basket discount.

    The line totals add up to the sale's total; the basket discount's parts add up to it exactly.
    """
    priced = []
    for number, (list_price, quantity, terms) in enumerate(lines, start=1):
        line = LinePrice(list_price, quantity, terms)
        if terms.discount is not None:
            line = LinePrice(list_price, quantity, terms, terms.discount.off(line.gross_pence, f"line {number}"))
        priced.append(line)
    if basket is None:
        return priced
    weights = [line.total_pence for line in priced]
    off = basket.off(sum(weights), "the basket")
    parts = split_by_weights(off, weights) if off else [0] * len(priced)
    label = f"basket {basket.label}"
    return [
        LinePrice(line.list_price_pence, line.quantity, line.terms, line.own_discount_pence, part, label)
        for line, part in zip(priced, parts, strict=True)
    ]


@dataclass(frozen=True)
class SaleTerms:
    """A sale's discounts and overrides as the till took them, and the manager who approved them."""

    lines: Mapping[int, LineTerms] = field(default_factory=dict)  # by variant id
    basket: Discount | None = None
    approved_by: StaffMember | None = None
    rules: DiscountRules = field(default_factory=DiscountRules)

    def check_reasons(self, labels: Mapping[int, str]) -> None:
        """Every reason is one of the configured ones; an override's price is one the till sells at."""
        for variant_id, terms in self.lines.items():
            if terms.discount is not None:
                terms.discount.check_reason(self.rules)
            if terms.override is not None:
                terms.override.check(self.rules, labels.get(variant_id, "The item"))
        if self.basket is not None:
            self.basket.check_reason(self.rules)


NO_SALE_TERMS = SaleTerms()


def approval_needed(lines: Sequence[LinePrice], rules: DiscountRules) -> str | None:
    """What in these lines needs a manager, in words for the approval dialog ("A 15% discount"); None if nothing.

    Any price override does; discounts do when together they come to more than the threshold of the
    sale before discounts, or of one line before discounts (both at the prices charged).
    """
    if any(line.terms.override is not None for line in lines):
        return "A price override"
    return discount_approval_needed(lines, rules)


def discount_approval_needed(lines: Sequence[LinePrice], rules: DiscountRules) -> str | None:
    """The discount part of `approval_needed`: above the threshold of the sale or of a line, before discounts."""
    candidates = [(sum(line.discount_pence for line in lines), sum(line.gross_pence for line in lines))]
    candidates += [(line.discount_pence, line.gross_pence) for line in lines]
    for discount, gross in candidates:
        if discount and discount * BASIS_POINTS > rules.approval_bp * gross:
            share = (discount * BASIS_POINTS + gross // 2) // gross if gross else BASIS_POINTS
            return f"A {format_percent(share)} discount"
    return None


@dataclass(frozen=True)
class Designer:
    """One designer of a line's design: their share and whether they consented to be named."""

    participant_id: int
    share_bp: int
    name: str
    consented: bool
    story: str = ""  # their story, kept only when they consented ("Meet the designer" prints its first line)
    linkedin_url: str = ""  # kept only when they consented


def designer_from_row(row: Any) -> Designer:
    """A Designer from a row of participant_id, share_bp, display_name, consent_to_publish, story, linkedin_url.

    The story and profile address of a participant who did not consent are dropped here.
    """
    consented = bool(row.consent_to_publish)
    return Designer(
        row.participant_id, row.share_bp, row.display_name, consented,
        (row.story or "") if consented else "", (row.linkedin_url or "") if consented else "",
    )


def receipt_designers(lines: Sequence[PricedLine]) -> tuple[DesignerProfile, ...]:
    """Every consented designer of the lines, once each, in the order they first appear: "Meet the designer"."""
    profiles: dict[int, DesignerProfile] = {}
    for line in lines:
        for designer in line.designers:
            if designer.consented and designer.participant_id not in profiles:
                profiles[designer.participant_id] = DesignerProfile(
                    designer.name, first_line(designer.story), designer.linkedin_url
                )
    return tuple(profiles.values())


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
    discount_pence: int = 0  # its own discount and its part of the basket's
    discount_label: str = ""  # the discounts in words, as printed (stored in sale_lines.discount_reason)
    list_price_pence: int | None = None  # the catalogue price, when the price was overridden
    price_reason: str = ""  # why it was overridden

    @property
    def gross_pence(self) -> int:
        """Before discounts, at the price charged."""
        return self.unit_price_pence * self.quantity

    @property
    def total_pence(self) -> int:
        """What the line brought in: after its discounts. VAT and attribution are taken from this."""
        return self.gross_pence - self.discount_pence

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
                line_total_pence=line.gross_pence,
                designed_by=tuple(designer.name for designer in line.designers if designer.consented),
                discount_pence=line.discount_pence,
                discount_label=line.discount_label,
                list_price_pence=line.list_price_pence,
                price_reason=line.price_reason,
                vat_rate_bp=line.vat_rate_bp,
            )
            for line in lines
        ),
        designers=receipt_designers(lines),
        total_pence=sum(line.total_pence for line in lines),
        discount_pence=sum(line.discount_pence for line in lines),
        vat=vat_summary(lines),
        payments=tuple(tenders),
        change_pence=sum(t.change_pence for t in tenders),
    )
