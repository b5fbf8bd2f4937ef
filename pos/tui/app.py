"""The till application: a sign-in screen and a sale screen driving a till core over a ledger, a till name and the store's settings."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

from common.clock import Clock, utc_now
from common.values import Actor, StaffMember
from pos.config import Settings
from pos.sales.till_core import LedgerHandle, TillCore
from pos.tui.screens.sale import SaleScreen
from pos.tui.screens.sign_in import SignInScreen

# Command-palette entries for the sale screen's actions: (title, help, action).
_SALE_COMMANDS = (
    ("Search", "Find an item by name, SKU or colour (F2)", "search"),
    ("Product lookup", "Stock by size and colour, and who designed it (F11)", "lookup"),
    ("Discount", "A discount on the selected line or the whole basket (F3)", "discount"),
    ("Price override", "Charge a new price on the selected line; a manager approves (F4)", "override_price"),
    ("Remove payment", "Take back the last part payment before the sale completes (Ctrl+T)", "remove_payment"),
    ("Cash", "Take cash for the basket (F5)", "cash"),
    ("Card", "Take a card payment for the basket (F6)", "card"),
    ("Quantity", "Change the quantity of the selected line (F7)", "quantity"),
    ("Remove line", "Remove the selected line from the basket (F8)", "remove"),
    ("Last sale", "Show the last sale's change and receipt (F9)", "last_receipt"),
    ("Reprint receipt", "Print a receipt again, marked COPY (Ctrl+Y)", "reprint_copy"),
    ("Gift receipt", "Print a gift receipt, without prices (Ctrl+G)", "gift_receipt"),
    ("Park basket", "Put the basket aside for later, on any till (Ctrl+O)", "park"),
    ("Recall basket", "Bring back a parked basket (Ctrl+R)", "recall"),
    ("Manager menu", "No sale, cancel basket, training, paid in or out, close the shift (Z): a manager's PIN (F12)", "manager_menu"),
    ("Returns", "Refund or exchange against a receipt (F10)", "returns"),
    ("Stock count", "Start a count (store, category, design or a rail of SKUs) or join an open one, then scan; blind",
     "stock_count"),
    ("Stock", "On hand by design and size, low stock, value at retail, sell-through, a SKU's history (Ctrl+S)",
     "stock"),
    ("Receive stock", "Scan a delivery in: each scan adds stock; F7 next scan counts more, F8 undo, F9 close", "receive_stock"),
    ("Clear message", "Clear the message line (Esc)", "clear_message"),
)
# And the stock screen's (Ctrl+S on the sale screen): (title, help, action, its arguments).
_STOCK_COMMANDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Stock: on hand", "Saleable stock by design and size, a row per colour; damaged apart (F2)", "show_tab", ("on-hand",)),
    ("Stock: low", "SKUs with few saleable left; Enter on the tab's field changes how few (F3)", "show_tab", ("low",)),
    ("Stock: value", "Stock on hand at retail value, per design and in all (F4)", "show_tab", ("value",)),
    ("Stock: sell-through", "Per design: received, sold (less returns), sold ÷ received (F5)", "show_tab",
     ("sell-through",)),
    ("Stock: history", "Every movement of a SKU scanned or typed, with the balance after each (F6)", "show_tab",
     ("history",)),
    ("Stock: refresh", "Read every stock figure again (F9)", "reload", ()),
    ("Back to the sale", "Leave the stock screen (Esc)", "back", ()),
)
# The till's own actions, on every screen: (title, help, action).
_TILL_COMMANDS = (
    ("Help", "Every key and action at the till (F1)", "help"),
    ("Lock the till", "Back to the sign-in screen; the basket is kept (Ctrl+L)", "lock"),
    ("Retry printing", "Print the documents waiting for the printer now, unconfirmed ones too (Ctrl+N)", "retry_printing"),
)
# And the returns screen's (F10 on the sale screen): (title, help, action, its arguments).
_RETURNS_COMMANDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("Return: how many", "How many of the selected line come back (F7)", "units", ()),
    ("Return: damaged", "Mark the selected line's returned units damaged, or not (F8)", "damaged", ()),
    ("Refund", "Refund to the original tender, card first, after a manager's approval (F10)", "refund", ()),
    ("Refund to cash", "Refund all of it in cash, as the manager chooses (F5)", "refund", ("cash",)),
    ("Refund to card", "Refund all of it to card, as the manager chooses (F6)", "refund", ("card",)),
    ("Exchange", "Scan new items paid for with the goods returned (F4)", "exchange", ()),
    ("Back to the sale", "Leave returns (Esc)", "back", ()),
)
IDLE_CHECK_MAX_S = 5.0
PRINTER_CHECK_S = 1.0


class TillApp(App[None]):
    """Makers' Till at one till: `TillApp(connect, "till-1", settings).run()`.

    `connect` opens the ledger; the till paints first and calls it in the background (`pos till`
    and `pos demo` open the ledger that way; tests pass `lambda: engine`). The till opens on the
    sign-in screen unless `signed_in` names who is serving: a StaffMember (tests), or a staff code
    taken without a PIN when the ledger opens (the demo's cashier only).
    """

    CSS_PATH = "till.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+l", "lock", "Lock", priority=True),
        Binding("ctrl+n", "retry_printing", "Retry printer", show=False),
        Binding("f1", "help", "Help"),  # the sale screen shows it first in its footer
    ]

    def __init__(
        self,
        connect: Callable[[], LedgerHandle],
        till_name: str,
        settings: Settings,
        *,
        title: str = "Makers' Till",
        signed_in: StaffMember | str | None = None,
        clock: Clock | None = None,
        lock_after_s: float | None = None,
        demo_manager: tuple[str, str, str, str] | None = None,
    ) -> None:
        super().__init__()
        self.title = title
        self._connect = connect
        actor = Actor("", till_name, clock or utc_now)
        if isinstance(signed_in, StaffMember):
            actor = Actor.signed_in(signed_in, till_name, clock or utc_now)
        self.core = TillCore(actor, settings.store, settings.printer_for(till_name), rules=settings.discounts,
                             publishes=settings.display_publish)
        self.core.retry_hint = "Ctrl+N"
        if isinstance(signed_in, str):
            self.core.sign_in_as = signed_in
        self.lock_after_s = lock_after_s if lock_after_s is not None else settings.lock_after_minutes * 60.0
        self.demo_manager = demo_manager  # (code, name, role, PIN) shown in help on the demo till
        self._last_key_at = time.monotonic()

    def on_mount(self) -> None:
        self.push_screen(SaleScreen(self.core, self._connect, self.title))
        if self.core.serving is None and not self.core.sign_in_as:
            self._show_sign_in()
        self.set_interval(min(self.lock_after_s / 4, IDLE_CHECK_MAX_S), self._lock_if_idle)
        self.set_interval(PRINTER_CHECK_S, self.core.printer_tick)  # a printer that refused is tried again by itself

    def on_ready(self) -> None:
        """The first screen is painted: once it has settled, the sale screen opens the ledger (bench: start-up)."""
        self.call_after_refresh(self._first_screen_shown)

    def _first_screen_shown(self) -> None:
        gc.enable()  # off while `pos till` or `pos demo` started (pos.cli); on again whatever screen is up
        for screen in self.screen_stack:
            if isinstance(screen, SaleScreen):
                screen.first_screen_shown()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_key_at = time.monotonic()
        await super().on_event(event)

    # --- signing in and locking ---------------------------------------------------------------

    @property
    def locked(self) -> bool:
        return any(isinstance(screen, SignInScreen) for screen in self.screen_stack)

    def _show_sign_in(self) -> None:
        self.push_screen(SignInScreen(self.core, self.title), self._signed_in)

    def _signed_in(self, member: StaffMember | None) -> None:
        self._last_key_at = time.monotonic()
        for screen in self.screen_stack:
            if isinstance(screen, SaleScreen):
                screen.show_serving()

    def action_retry_printing(self) -> None:
        """Print the till's waiting documents now, including those the printer did not confirm."""
        self.core.retry_printing()

    def action_lock(self) -> None:
        """Back to the sign-in screen: open dialogs close (as cancelled); the basket and sales saving are kept."""
        if self.locked:
            return
        while isinstance(self.screen, ModalScreen):
            self.pop_screen()
        self.core.lock()
        self._show_sign_in()

    def _lock_if_idle(self) -> None:
        if not self.locked and time.monotonic() - self._last_key_at >= self.lock_after_s:
            self.action_lock()

    # --- quitting -----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, but ask first when a basket would be left: lines in the basket, or one parked at this till."""
        if self.core.basket.units or self.core.pending:
            self._confirm_quit(self._basket_left())
            return
        if not self.core.is_open:
            self.exit()
            return

        def parked_here(result: object) -> None:
            if isinstance(result, list) and result:
                self._confirm_quit(
                    f"{len(result)} basket{'s are' if len(result) != 1 else ' is'} parked at this till. "
                    "Any till can recall them later."
                )
            else:
                self.exit()

        self.core.parked(parked_here, here_only=True)

    def _basket_left(self) -> str:
        if self.core.pending:
            return "A sale is still saving. It keeps trying until it is saved only while the till is open."
        units = self.core.basket.units
        return f"The basket has {units} item{'s' if units != 1 else ''} that will be lost. Park it (Ctrl+O) to keep it."

    def _confirm_quit(self, why: str) -> None:
        from pos.tui.screens.confirm import ConfirmModal

        if isinstance(self.screen, ConfirmModal):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmModal("Quit the till?", why), answered)

    # --- help ---------------------------------------------------------------------------------

    def action_help(self) -> None:
        from pos.tui.screens.help import HelpModal

        if not isinstance(self.screen, HelpModal):
            self.push_screen(HelpModal(self.demo_manager))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in _TILL_COMMANDS:
            yield SystemCommand(title, help_text, getattr(self, f"action_{action}"))
        if isinstance(screen, SaleScreen):
            for title, help_text, action in _SALE_COMMANDS:
                yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))
            return
        from pos.tui.screens.returns import ReturnsScreen  # loaded on first use, not at start-up
        from pos.tui.screens.stock import StockScreen

        commands = {ReturnsScreen: _RETURNS_COMMANDS, StockScreen: _STOCK_COMMANDS}.get(type(screen), ())
        for title, help_text, action, arguments in commands:
            yield SystemCommand(title, help_text, partial(getattr(screen, f"action_{action}"), *arguments))
