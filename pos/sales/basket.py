"""The basket being built at the till: plain data, no database, changed only by the cashier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from collections.abc import Sequence

from common.limits import MAX_QUANTITY, check_price, check_quantity, check_sale_total

if TYPE_CHECKING:  # the till builds baskets before SQLAlchemy has loaded
    from inventory.catalog import VariantInfo


@dataclass
class BasketLine:
    variant: VariantInfo
    quantity: int = 1

    @property
    def total_pence(self) -> int:
        return self.variant.price_pence * self.quantity


@dataclass
class Basket:
    """The lines of one sale; every change keeps quantities, prices and the total within common.limits."""

    lines: list[BasketLine] = field(default_factory=list)

    def add(self, variant: VariantInfo) -> int:
        """Add one of `variant`: one more on its line if it is already there. Returns the line's index."""
        for index, line in enumerate(self.lines):
            if line.variant.variant_id == variant.variant_id:
                self.set_quantity(index, line.quantity + 1)
                return index
        check_price(variant.label, variant.price_pence)
        check_sale_total(self.total_pence + variant.price_pence)
        self.lines.append(BasketLine(variant))
        return len(self.lines) - 1

    def set_quantity(self, index: int, quantity: int) -> None:
        check_quantity(quantity)
        line = self.lines[index]
        check_sale_total(self.total_pence - line.total_pence + line.variant.price_pence * quantity)
        line.quantity = quantity

    def put_back(self, lines: Sequence[BasketLine]) -> None:
        """A refused sale's lines back in front of the lines scanned since, merging a SKU where the quantity
        limit allows. Nothing is dropped, even past a limit: taking payment then says which limit."""
        scanned_since = self.lines
        self.lines = [BasketLine(line.variant, line.quantity) for line in lines]
        for line in scanned_since:
            same = next((mine for mine in self.lines if mine.variant.variant_id == line.variant.variant_id), None)
            if same is not None and same.quantity + line.quantity <= MAX_QUANTITY:
                same.quantity += line.quantity
            else:
                self.lines.append(line)

    def remove(self, index: int) -> None:
        del self.lines[index]

    def clear(self) -> None:
        self.lines.clear()

    @property
    def total_pence(self) -> int:
        return sum(line.total_pence for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    def is_empty(self) -> bool:
        return not self.lines

    def items(self) -> list[tuple[int, int]]:
        """(variant_id, quantity) pairs, as complete_sale takes them."""
        return [(line.variant.variant_id, line.quantity) for line in self.lines]
