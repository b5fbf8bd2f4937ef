"""Product look-up (F11): what sizes and colours are in stock, and who designed it, as far as they consented.

Over the sale screen, which keeps its basket; Esc goes back to it. The look-up runs on the till core's
look-up lane, so typing never waits on the ledger; answers come back in the order they were asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from common.errors import PosError
from common.money import format_pence
from pos.tui.widgets.dialog_input import DialogInput
from pos.tui.widgets.footer import TillFooter

if TYPE_CHECKING:
    from inventory.lookup import DesignMatch
    from pos.sales.till_core import TillCore

READY = "Type part of a design's or designer's name, an SKU, or scan a barcode."
NAME_WIDTH = 22
COLOUR_WIDTH = 10


def _sizes(matches: Sequence[DesignMatch]) -> list[str]:
    """The size columns these designs need, in rail order (XS, S, M...), others after."""
    from inventory.lookup import size_rank  # loaded with the ledger, after the till's first paint

    return sorted({variant.size for match in matches for variant in match.variants}, key=size_rank)


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _price(prices: set[int]) -> str:
    return format_pence(min(prices)) if len(prices) == 1 else f"from {format_pence(min(prices))}"


def _stock_cell(on_hand: int | None) -> Text:
    if on_hand is None:
        return Text("·", style="dim", justify="right")  # no such variant
    return Text(str(on_hand), style="bold red" if on_hand <= 0 else "", justify="right")


def designers_text(match: DesignMatch) -> str:
    """The highlighted design's designers: consented ones with their story and profile, others unnamed."""
    lines = [f"{match.name} · {match.category + ' · ' if match.category else ''}{match.on_hand} in stock"]
    for designer in match.designers:
        if not designer.named:
            lines.append(f"Designed by {designer.name}.")
            continue
        story = f": {designer.story}" if designer.story else ""
        lines.append(f"Designed by {designer.name}{story}")
        if designer.linkedin_url:
            lines.append(f"  {designer.linkedin_url}")
    return "\n".join(lines)


class LookupScreen(Screen[None]):
    """Find a design and see its stock by size and colour and its designers. Keyboard only."""

    BINDINGS = [
        Binding("escape", "back", "Back to sale"),
        Binding("up", "move(-1)", "Up", key_display="↑"),
        Binding("down", "move(1)", "Down", key_display="↓"),
        Binding("enter", "look_up", "Look up", show=False),
    ]

    def __init__(self, core: TillCore, text: str = "") -> None:
        super().__init__()
        self._core = core
        self._text = text
        self._matches: list[DesignMatch] = []
        self._row_design: list[int] = []  # the design (index into _matches) of each table row
        self._asked = 0  # look-ups asked; only the answer to the latest is shown

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-bar"):
            yield Label("Product look-up", id="app-title")
            yield Label(f"{self._core.store.name} · Till {self._core.till}", id="till-name", markup=False)
        yield DialogInput(self._text, placeholder="Design, designer, SKU or barcode", id="lookup-text",
                          select_on_focus=False)
        yield DataTable(id="lookup-results", cursor_type="row", zebra_stripes=True, show_cursor=True)
        yield Static("", id="lookup-designers", markup=False)
        yield Static(READY, id="lookup-message", classes="info", markup=False)
        yield TillFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#lookup-results", DataTable).can_focus = False  # the text field keeps the keyboard
        self.query_one("#lookup-text", Input).focus()
        if self._text:
            self._look_up(self._text)

    # --- looking up -------------------------------------------------------------------------

    @on(Input.Changed, "#lookup-text")
    def _text_changed(self, event: Input.Changed) -> None:
        self._look_up(event.value)

    def action_look_up(self) -> None:
        """Enter: look up what is typed now, and select it so the next scan or word replaces it."""
        field = self.query_one("#lookup-text", Input)
        self._look_up(field.value)
        field.action_select_all()

    def _look_up(self, text: str) -> None:
        self._asked += 1
        asked = self._asked
        if not text.strip():
            self._show([], READY)
            return
        self._core.look_up(text, lambda result: self._found(asked, text, result))

    def _found(self, asked: int, text: str, result: list[DesignMatch] | Exception) -> None:
        if not self.is_attached or asked != self._asked:
            return  # the screen closed, or the text changed since: a later answer is on its way
        if isinstance(result, Exception):
            message = str(result) if isinstance(result, PosError) else "The look-up did not answer. Try again."
            self._show([], message, error=True)
        elif not result:
            self._show([], f"Nothing matches '{_short(text.strip(), 30)}'. Try part of a name, or scan the tag.")
        else:
            count = len(result)
            self._show(result, f"{count} design{'s' if count != 1 else ''}. ↑↓ to see who designed each; Esc to go back.")

    # --- drawing ----------------------------------------------------------------------------

    def _show(self, matches: list[DesignMatch], message: str, *, error: bool = False) -> None:
        self._matches = matches
        table = self.query_one("#lookup-results", DataTable)
        table.clear(columns=True)
        self._row_design = []
        sizes = _sizes(matches)
        if matches:
            table.add_column("Design", width=NAME_WIDTH)
            table.add_column("Colour", width=COLOUR_WIDTH)
            table.add_column(Text("Price", justify="right"), width=12)
            for size in sizes:
                table.add_column(Text(size or "-", justify="right"), width=max(3, len(size)))
        for index, match in enumerate(matches):
            colours: dict[str, dict[str, int]] = {}
            prices: dict[str, set[int]] = {}
            for variant in match.variants:
                colours.setdefault(variant.colour, {})[variant.size] = variant.on_hand
                prices.setdefault(variant.colour, set()).add(variant.price_pence)
            for row, (colour, stock) in enumerate(colours.items()):
                table.add_row(
                    _short(match.name, NAME_WIDTH) if row == 0 else "",
                    _short(colour or "-", COLOUR_WIDTH),
                    Text(_price(prices[colour]), justify="right"),
                    *(_stock_cell(stock.get(size)) for size in sizes),
                )
                self._row_design.append(index)
        self._say(message, error=error)
        self._show_designers()

    def _say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#lookup-message", Static)
        line.update(text)
        line.set_class(error, "error")
        line.set_class(not error, "info")

    def _show_designers(self) -> None:
        table = self.query_one("#lookup-results", DataTable)
        panel = self.query_one("#lookup-designers", Static)
        if not self._row_design:
            panel.update("")
            return
        row = min(max(table.cursor_row, 0), len(self._row_design) - 1)
        panel.update(designers_text(self._matches[self._row_design[row]]))

    @on(DataTable.RowHighlighted, "#lookup-results")
    def _row_highlighted(self) -> None:
        self._show_designers()

    # --- keys -------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        table = self.query_one("#lookup-results", DataTable)
        if step < 0:
            table.action_cursor_up()
        else:
            table.action_cursor_down()

    def action_back(self) -> None:
        self.dismiss(None)
