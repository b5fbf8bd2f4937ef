"""The basket being built at the till: plain data, no database, changed only by the cashier."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from collections.abc import Sequence

from common.limits import MAX_QUANTITY, check_price, check_quantity, check_sale_total
from pos.sales.checkout import new_basket_id
from pos.sales.pricing import NO_TERMS, Discount, LinePrice, LineTerms, price_lines

if TYPE_CHECKING:  # the till builds baskets before SQLAlchemy has loaded
    from inventory.catalog import VariantInfo


@dataclass
class BasketLine:
    variant: VariantInfo
    quantity: int = 1
    terms: LineTerms = NO_TERMS  # a price override and/or the line's own discount

    @property
    def unit_price_pence(self) -> int:
        """The price charged: the catalogue's, unless overridden."""
        override = self.terms.override
        return override.unit_price_pence if override is not None else self.variant.price_pence

    @property
    def total_pence(self) -> int:
        """Before discounts, at the price charged (the limits are checked on this)."""
        return self.unit_price_pence * self.quantity


@dataclass
class Basket:
    """The lines of one sale and its discounts; every change keeps quantities, prices and the total within
    common.limits, and never leaves a discount larger than what it discounts."""

    lines: list[BasketLine] = field(default_factory=list)
    discount: Discount | None = None  # on the whole basket, spread over the lines
    # Made when the basket starts and recorded with its sale: completing it again records nothing more.
    id: str = field(default_factory=new_basket_id)

    def add(self, variant: VariantInfo) -> int:
        """Add one of `variant`: one more on its line if it is already there. Returns the line's index."""
        for index, line in enumerate(self.lines):
            if line.variant.variant_id == variant.variant_id:
                self.set_quantity(index, line.quantity + 1)
                return index
        check_price(variant.label, variant.price_pence)
        check_sale_total(self.gross_pence + variant.price_pence)
        self.lines.append(BasketLine(variant))
        return len(self.lines) - 1

    def set_quantity(self, index: int, quantity: int) -> None:
        check_quantity(quantity)
        line = self.lines[index]
        check_sale_total(self.gross_pence - line.total_pence + line.unit_price_pence * quantity)
        before = line.quantity
        line.quantity = quantity
        self._keep_or_undo(lambda: setattr(line, "quantity", before))

    def set_terms(self, index: int, terms: LineTerms) -> None:
        """A line's price override and own discount; refused (and nothing changed) if a discount would not fit."""
        line = self.lines[index]
        before = line.terms
        if terms.override is not None:
            check_sale_total(self.gross_pence - line.total_pence + terms.override.unit_price_pence * line.quantity)
        line.terms = terms
        self._keep_or_undo(lambda: setattr(line, "terms", before))

    def set_discount(self, discount: Discount | None) -> None:
        """The basket discount (None takes it off); refused if it is larger than the basket."""
        before = self.discount
        self.discount = discount
        self._keep_or_undo(lambda: setattr(self, "discount", before))

    def _keep_or_undo(self, undo: object) -> None:
        try:
            self.prices()
        except Exception:
            undo()  # type: ignore[operator]
            raise

    def put_back(self, lines: Sequence[BasketLine], discount: Discount | None = None) -> None:
        """A refused sale's lines back in front of the lines scanned since, merging a SKU where the quantity
        limit allows. Nothing is dropped, even past a limit: taking payment then says which limit."""
        scanned_since = self.lines
        self.lines = [replace(line) for line in lines]
        self.discount = self.discount or discount
        for line in scanned_since:
            same = next((mine for mine in self.lines if mine.variant.variant_id == line.variant.variant_id), None)
            if same is not None and same.quantity + line.quantity <= MAX_QUANTITY:
                same.quantity += line.quantity
            else:
                self.lines.append(line)

    def remove(self, index: int) -> None:
        removed = self.lines.pop(index)
        self._keep_or_undo(lambda: self.lines.insert(index, removed))

    def clear(self) -> None:
        self.lines.clear()
        self.discount = None

    def prices(self) -> list[LinePrice]:
        """Each line priced with its discounts and its part of the basket discount (see pos.sales.pricing)."""
        return price_lines(
            [(line.variant.price_pence, line.quantity, line.terms) for line in self.lines],
            self.discount if self.lines else None,
        )

    @property
    def gross_pence(self) -> int:
        """Before discounts, at the prices charged."""
        return sum(line.total_pence for line in self.lines)

    @property
    def total_pence(self) -> int:
        """What the customer pays: after every discount."""
        if self.discount is None and all(line.terms.discount is None for line in self.lines):
            return self.gross_pence  # the common case, on every scan: no pricing needed
        return sum(price.total_pence for price in self.prices())

    @property
    def discount_pence(self) -> int:
        return self.gross_pence - self.total_pence

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    def is_empty(self) -> bool:
        return not self.lines

    def items(self) -> list[tuple[int, int]]:
        """(variant_id, quantity) pairs, as complete_sale takes them."""
        return [(line.variant.variant_id, line.quantity) for line in self.lines]

    def line_terms(self) -> dict[int, LineTerms]:
        """Each changed line's terms by variant id, as SaleTerms takes them."""
        return {line.variant.variant_id: line.terms for line in self.lines if line.terms != NO_TERMS}
