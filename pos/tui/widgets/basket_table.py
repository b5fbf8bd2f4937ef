"""The basket as a table: one row per line, the cursor on the line F7/F8 act on."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from inventory.money import format_pence
from pos.sales.basket import Basket

ITEM_WIDTH = 30
DETAIL_WIDTH = 15


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _right(text: str) -> Text:
    return Text(text, justify="right")


class BasketTable(DataTable[Text]):
    """Shows a Basket. Never takes focus: the scan field keeps it, and Up/Down move this cursor."""

    can_focus = False

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Item", width=ITEM_WIDTH, key="item")
        self.add_column("Size/colour", width=DETAIL_WIDTH, key="detail")
        self.add_column(_right("Qty"), width=3, key="qty")
        self.add_column(_right("Price"), width=8, key="price")
        self.add_column(_right("Total"), width=9, key="total")

    def show(self, basket: Basket, cursor: int | None = None) -> None:
        """Redraw from `basket`, with the cursor on line `cursor` (else where it was, within range)."""
        keep = self.cursor_row if cursor is None else cursor
        self.clear()
        for line in basket.lines:
            variant = line.variant
            detail = " ".join(part for part in (variant.size, variant.colour) if part)
            self.add_row(
                Text(_fit(variant.name, ITEM_WIDTH)),
                Text(_fit(detail, DETAIL_WIDTH)),
                _right(str(line.quantity)),
                _right(format_pence(variant.price_pence)),
                _right(format_pence(line.total_pence)),
            )
        if basket.lines:
            self.move_cursor(row=max(0, min(keep, len(basket.lines) - 1)), animate=False)

    @property
    def selected_line(self) -> int | None:
        """Index of the basket line under the cursor, or None when the basket is empty."""
        return self.cursor_row if self.row_count else None
