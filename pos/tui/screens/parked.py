"""The parked baskets to recall (Ctrl+R): every till's, oldest first; Enter recalls the highlighted one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from common.errors import PosError
from pos.tui.widgets.footer import TillFooter

if TYPE_CHECKING:
    from pos.sales.parking import ParkedInfo
    from pos.sales.till_core import TillCore


class ParkedModal(ModalScreen["int | None"]):
    """Choose a parked basket: dismissed with its number, or None (Esc)."""

    BINDINGS = [
        Binding("enter", "recall", "Recall"),
        Binding("up", "move(-1)", "Up", key_display="↑"),
        Binding("down", "move(1)", "Down", key_display="↓"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, core: TillCore) -> None:
        super().__init__()
        self._core = core
        self._baskets: list[ParkedInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="parked-dialog", classes="dialog"):
            yield Label("Parked baskets (all tills, oldest first)", classes="dialog-title")
            listing = OptionList(id="parked-list")
            listing.can_focus = False  # the dialog's own keys move and recall
            yield listing
            yield Label("Looking...", id="parked-message", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self._core.parked(self._show)

    def _show(self, result: list[ParkedInfo] | Exception) -> None:
        if not self.is_attached:
            return
        message = self.query_one("#parked-message", Label)
        if isinstance(result, Exception):
            message.update(str(result) if isinstance(result, PosError) else "The parked baskets could not be read. Try again.")
            return
        self._baskets = result
        listing = self.query_one("#parked-list", OptionList)
        listing.add_options([Option(Text(basket.describe())) for basket in result])
        if result:
            listing.highlighted = 0
        message.update("" if result else "No basket is parked. Esc goes back.")

    def action_move(self, step: int) -> None:
        listing = self.query_one("#parked-list", OptionList)
        if step < 0:
            listing.action_cursor_up()
        else:
            listing.action_cursor_down()

    def action_recall(self) -> None:
        highlighted = self.query_one("#parked-list", OptionList).highlighted
        if highlighted is not None and highlighted < len(self._baskets):
            self.dismiss(self._baskets[highlighted].id)

    def action_cancel(self) -> None:
        self.dismiss(None)
