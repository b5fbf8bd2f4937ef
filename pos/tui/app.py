"""The till application: one sale screen driving a till core over a ledger, a till name and the store's settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from common.clock import Clock, utc_now
from common.values import Actor
from pos.config import Settings
from pos.sales.till_core import LedgerHandle, TillCore
from pos.tui.screens.sale import SaleScreen

# Command-palette entries for the sale screen's actions: (title, help, action).
_SALE_COMMANDS = (
    ("Search", "Find an item by name, SKU or colour (F2)", "search"),
    ("Discount", "A discount on the selected line or the whole basket (F3)", "discount"),
    ("Price override", "Charge a new price on the selected line; a manager approves (F4)", "override_price"),
    ("Remove payment", "Take back the last part payment before the sale completes (Ctrl+T)", "remove_payment"),
    ("Cash", "Take cash for the basket (F5)", "cash"),
    ("Card", "Take a card payment for the basket (F6)", "card"),
    ("Quantity", "Change the quantity of the selected line (F7)", "quantity"),
    ("Remove line", "Remove the selected line from the basket (F8)", "remove"),
    ("Last sale", "Show the last sale's change and receipt (F9)", "last_receipt"),
    ("Clear message", "Clear the message line (Esc)", "clear_message"),
)


class TillApp(App[None]):
    """Makers' Till at one till: `TillApp(connect, "till-1", settings).run()`.

    `connect` opens the ledger; the till paints first and calls it in the background (`pos till`
    and `pos demo` open the ledger that way; tests pass `lambda: engine`).
    """

    CSS_PATH = "till.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        connect: Callable[[], LedgerHandle],
        till_name: str,
        settings: Settings,
        *,
        title: str = "Makers' Till",
        staff: str = "",
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.title = title
        self._connect = connect
        self.core = TillCore(
            Actor(staff, till_name, clock or utc_now), settings.store, settings.printer, rules=settings.discounts,
        )

    def on_mount(self) -> None:
        self.push_screen(SaleScreen(self.core, self._connect, self.title))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, SaleScreen):
            for title, help_text, action in _SALE_COMMANDS:
                yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))
