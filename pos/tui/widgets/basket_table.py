"""The basket as a table: one row per line, the cursor on the line F7/F8 act on."""

from __future__ import annotations

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from common.money import format_pence
from pos.sales.basket import Basket, BasketLine
from pos.tui.widgets.paint import paint_in_next_update

ITEM_WIDTH = 30
DETAIL_WIDTH = 15


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _right(text: str) -> Text:
    return Text(text, justify="right")


_Cells = tuple[str, str, str, str, str]


def _cells(line: BasketLine) -> _Cells:
    variant = line.variant
    detail = " ".join(part for part in (variant.size, variant.colour) if part)
    return (
        _fit(variant.name, ITEM_WIDTH),
        _fit(detail, DETAIL_WIDTH),
        str(line.quantity),
        format_pence(line.unit_price_pence),  # the price charged: a price override shows here
        format_pence(line.total_pence - _own_discount(line)),
    )


def _own_discount(line: BasketLine) -> int:
    """The line's own discount (a basket discount shows in the totals bar)."""
    discount = line.terms.discount
    return discount.off(line.total_pence, "the line") if discount is not None else 0


def _render(cells: _Cells) -> list[Text]:
    item, detail, *numbers = cells
    return [Text(item), Text(detail), *(_right(number) for number in numbers)]


class BasketTable(DataTable[Text]):
    """Shows a Basket. Never takes focus: the scan field keeps it, and Up/Down move this cursor."""

    can_focus = False

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's own name
        super().__init__(id=id)
        self._shown: list[_Cells] = []  # what each row displays now, to redraw only what changed

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Item", width=ITEM_WIDTH, key="item")
        self.add_column("Size/colour", width=DETAIL_WIDTH, key="detail")
        self.add_column(_right("Qty"), width=3, key="qty")
        self.add_column(_right("Price"), width=8, key="price")
        self.add_column(_right("Total"), width=9, key="total")

    def show(self, basket: Basket, cursor: int | None = None) -> None:
        """Show `basket`, with the cursor on line `cursor` (else where it was, within range).

        Only what changed is redrawn: a scan adds one row or changes one quantity, and rebuilding
        every row made a burst of scans slow (bench: scan burst). It is painted in the screen's next
        update (bench: scan to basket p95).
        """
        keep = self.cursor_row if cursor is None else cursor
        wanted = [_cells(line) for line in basket.lines]
        if len(wanted) < len(self._shown):
            self.clear()
            self._shown = []
        for index, cells in enumerate(wanted):
            if index == len(self._shown):
                self.add_row(*_render(cells))
                self._shown.append(cells)
            elif self._shown[index] != cells:
                for column, (old, new) in enumerate(zip(self._shown[index], cells, strict=True)):
                    if old != new:
                        self.update_cell_at(Coordinate(index, column), _render(cells)[column])
                self._shown[index] = cells
        if basket.lines:
            self.move_cursor(row=max(0, min(keep, len(basket.lines) - 1)), animate=False)
        paint_in_next_update(self)

    @property
    def selected_line(self) -> int | None:
        """Index of the basket line under the cursor, or None when the basket is empty."""
        return self.cursor_row if self.row_count else None
