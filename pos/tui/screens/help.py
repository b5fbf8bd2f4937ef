"""Help (F1): every key at the till and what it does, so a first-time participant finds every action here."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from pos.tui.widgets.footer import TillFooter

# (key, what it does) in the order a sale goes. Add a row with every new key.
TILL_KEYS: tuple[tuple[str, str], ...] = (
    ("scan / type, Enter", "add a barcode or SKU, or search design names"),
    ("F2", "search by name, SKU or colour"),
    ("Up Down  F7  F8", "choose a line; change its quantity; remove it"),
    ("F3 / F4", "discount a line or the basket / override a price"),
    ("F5", "cash: amount given, F2-F4 notes, Enter exact"),
    ("F6", "card, taken on the card terminal"),
    ("Ctrl+T", "take back the last part payment (split tender)"),
    ("F9", "last sale: change, receipt (PgUp PgDn)"),
    ("Ctrl+Y / Ctrl+G", "reprint a receipt marked COPY / a gift receipt"),
    ("Ctrl+N", "print what waits for the printer now"),
    ("F10", "returns: refund or exchange against a receipt"),
    ("F11", "look up a design: stock by size, colour; story"),
    ("Ctrl+S", "stock on hand, low, value, sell-through, history"),
    ("F12", "manager: no sale, cancel basket, training, paid in/out, close shift (Z)"),
    ("Ctrl+O / Ctrl+R", "park the basket / recall a parked one (any till)"),
    ("Ctrl+L", "lock; the basket is kept for whoever signs in"),
    ("Ctrl+P", "command palette: every action by name"),
    ("Esc", "clear the message, or close a dialog"),
    ("Ctrl+Q", "quit (asks first if a basket would be left)"),
    ("F1", "this help"),
)


def keys_table(demo_manager: tuple[str, str, str, str] | None) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
    table.add_column(style="bold", no_wrap=True, width=20)
    table.add_column(ratio=1)
    if demo_manager is not None:
        code, name, _role, pin = demo_manager
        table.add_row("Demo manager", f"{name}: code {code}, PIN {pin} (for F12)")
    for key, does in TILL_KEYS:
        table.add_row(key, does)
    return table


class HelpModal(ModalScreen[None]):
    """Every key at the till, and in the demo the demo manager's code and PIN. Esc or F1 closes it."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close", show=False),
        Binding("pageup", "scroll(-1)", "Scroll up", key_display="PgUp", show=False),
        Binding("pagedown", "scroll(1)", "Scroll down", key_display="PgDn", show=False),
    ]

    def __init__(self, demo_manager: tuple[str, str, str, str] | None = None) -> None:
        super().__init__()
        self._demo_manager = demo_manager

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys at the till", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(keys_table(self._demo_manager), id="help-keys")
        yield TillFooter()

    def action_scroll(self, pages: int) -> None:
        scroll = self.query_one("#help-scroll", VerticalScroll)
        if pages < 0:
            scroll.scroll_page_up()
        else:
            scroll.scroll_page_down()

    def action_close(self) -> None:
        self.dismiss(None)
