"""The sale screen: scan or search items into the basket, adjust it, take cash or card, print."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Digits, Label, Static

from common.errors import PosError
from common.money import format_pence
from pos.printing import PrintOutcome, print_sale_receipt
from pos.sales.basket import Basket
from common.values import Tender
from pos.sales.checkout import EMPTY_BASKET, CompletedSale, card_tender
from pos.tui._types import LedgerHandle, TillOptions
from pos.tui.screens.modals import CardModal, CashModal, QuantityModal, SearchModal
from pos.tui.widgets.basket_table import BasketTable
from pos.tui.widgets.footer import TillFooter
from pos.tui.widgets.last_sale import LastSalePanel
from pos.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from inventory.catalog import VariantInfo

READY = "Scan an item, or type part of a name and press Enter."
RECEIPT_PREVIEW_WIDTH = 42

_LINE = Binding.Group("Line", compact=True)
_RECEIPT = Binding.Group("Scroll", compact=False)


class SaleScreen(Screen[None]):
    """One sale at a time. The scan field always has the keyboard; every other action is a key."""

    BINDINGS = [
        Binding("f2", "search", "Search"),
        Binding("f5", "cash", "Cash"),
        Binding("f6", "card", "Card"),
        Binding("f7", "quantity", "Qty"),
        Binding("f8", "remove", "Remove"),
        Binding("f9", "last_receipt", "Receipt"),
        Binding("up", "cursor(-1)", "Line up", key_display="↑", group=_LINE),
        Binding("down", "cursor(1)", "Line down", key_display="↓", group=_LINE),
        Binding("pageup", "scroll_receipt(-1)", "Scroll up", key_display="PgUp", group=_RECEIPT),
        Binding("pagedown", "scroll_receipt(1)", "Scroll down", key_display="PgDn", group=_RECEIPT),
        Binding("escape", "clear_message", "Clear"),
    ]

    class LedgerOpened(Message):
        """The worker opened the ledger (or failed to: `error` says why)."""

        def __init__(self, engine: LedgerHandle | None, error: Exception | None = None) -> None:
            super().__init__()
            self.engine = engine
            self.error = error

    class ReceiptPrinted(Message):
        """The print worker finished with a receipt (printed or not)."""

        def __init__(self, outcome: PrintOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(self, engine: LedgerHandle | None, options: TillOptions) -> None:
        super().__init__()
        if engine is None and options.connect is None:
            raise ValueError("the sale screen needs a ledger, or a way to open one")
        self.engine = engine
        self._connect = options.connect
        self._early_scans: list[str] = []  # typed before the ledger had opened, in order
        self.till_name = options.till_name
        self.settings = options.settings
        self.staff = options.staff
        self.basket = Basket()
        self.last_sale: CompletedSale | None = None
        self._title = options.title
        self._clock = options.clock

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-bar"):
            yield Label(self._title, id="app-title", markup=False)
            where = f"{self.settings.store.name} · Till {self.till_name}"
            if self.staff:
                where += f" · {self.staff}"
            yield Label(where, id="till-name", markup=False)
        yield ScanInput(placeholder="Scan a barcode, or type a SKU or part of a name", id="scan")
        with ContentSwitcher(initial="basket", id="main"):
            yield BasketTable(id="basket")
            yield LastSalePanel(id="last-sale")
        with Horizontal(id="totals-bar"):
            yield Label("", id="units", markup=False)
            yield Label("Total", id="total-label")
            yield Digits(format_pence(0), id="total")
        yield Static(READY, id="message", classes="info", markup=False)
        yield TillFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._refresh_basket()
        self._focus_scan()
        if self.engine is None:
            self.call_after_refresh(self._open_ledger)

    # --- opening the ledger -----------------------------------------------------------------

    @work(thread=True, exit_on_error=False)
    def _open_ledger(self) -> None:
        """Open the ledger and load the services after the first paint (bench: start-up).

        SQLAlchemy and the ledger take about 0.2 s; the cashier can scan meanwhile, and what was
        scanned is added as soon as the ledger is open.
        """
        assert self._connect is not None
        try:
            engine = self._connect()
            import inventory.catalog  # noqa: F401 - load the services here, not on the first scan
            import pos.sales.services  # noqa: F401
        except Exception as error:  # noqa: BLE001 - shown to the cashier, never a crash
            self.post_message(self.LedgerOpened(None, error))
            return
        self.post_message(self.LedgerOpened(engine))

    @on(LedgerOpened)
    def _ledger_opened(self, event: LedgerOpened) -> None:
        if event.engine is None:
            self._say(
                f"Could not open the ledger: {event.error}. Check the database setting and start the till again.",
                error=True,
            )
            return
        self.engine = event.engine
        waiting, self._early_scans = self._early_scans, []
        for code in waiting:
            self._look_up(code)

    def on_screen_resume(self) -> None:
        self._focus_scan()

    # --- helpers ----------------------------------------------------------------------------

    @property
    def _table(self) -> BasketTable:
        return self.query_one("#basket", BasketTable)

    def _focus_scan(self) -> None:
        self.query_one("#scan", ScanInput).focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "error")
        message.set_class(not error, "info")

    def _refresh_basket(self, cursor: int | None = None) -> None:
        self._table.show(self.basket, cursor)
        units = self.basket.units
        self.query_one("#units", Label).update(f"{units} item{'s' if units != 1 else ''}" if units else "")
        self.query_one("#total", Digits).update(format_pence(self.basket.total_pence))

    def _show_panel(self, which: str) -> None:
        switcher = self.query_one("#main", ContentSwitcher)
        if switcher.current == which:
            return  # a scan into a basket already showing must not rebuild the footer (bench: scan)
        switcher.current = which
        self.refresh_bindings()

    @property
    def _showing_last_sale(self) -> bool:
        return self.query_one("#main", ContentSwitcher).current == "last-sale"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer shows what the keys do on the panel in view.
        if action in {"cursor", "quantity", "remove"}:
            return not self._showing_last_sale
        if action == "scroll_receipt":
            return self._showing_last_sale
        return True

    # --- scanning ---------------------------------------------------------------------------

    @on(ScanInput.Scanned, "#scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        text = event.code.strip()
        if not text:
            return
        if self.engine is None:
            self._early_scans.append(text)
            return
        self._look_up(text)

    def _look_up(self, text: str) -> None:
        from inventory.catalog import find_for_entry  # loaded with the ledger, after the first paint

        try:
            matches = find_for_entry(self.engine, text)
        except PosError as error:
            self._say(str(error), error=True)
            return
        except Exception as error:  # noqa: BLE001 - a ledger fault must not close the till
            self.log.error("look-up failed", error)
            self._say(f"Could not look up '{text}': {error}. Try again.", error=True)
            return
        if len(matches) == 1:
            self._add(matches[0])
        else:
            self.app.push_screen(SearchModal(self.engine, text, matches), self._picked)

    def _add(self, variant: VariantInfo) -> None:
        try:
            index = self.basket.add(variant)
        except PosError as error:
            self._say(str(error), error=True)
            return
        self._show_panel("basket")
        self._refresh_basket(cursor=index)
        line = self.basket.lines[index]
        self._say(f"Added {variant.label} {format_pence(variant.price_pence)} (qty {line.quantity}).")

    def _picked(self, variant: VariantInfo | None) -> None:
        if variant is not None:
            self._add(variant)
        self._focus_scan()

    # --- basket -----------------------------------------------------------------------------

    def action_search(self) -> None:
        if self.engine is None:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        self.app.push_screen(SearchModal(self.engine), self._picked)

    def action_cursor(self, step: int) -> None:
        if step < 0:
            self._table.action_cursor_up()
        else:
            self._table.action_cursor_down()

    def _selected_line(self) -> int | None:
        if self._showing_last_sale or self.basket.is_empty():
            self._say("There is no basket line to change. Scan an item first.", error=True)
            return None
        return self._table.selected_line

    def action_quantity(self) -> None:
        index = self._selected_line()
        if index is None:
            return
        line = self.basket.lines[index]

        def set_quantity(quantity: int | None) -> None:
            self._focus_scan()
            if quantity is None:
                return
            try:
                self.basket.set_quantity(index, quantity)
            except PosError as error:
                self._say(str(error), error=True)
                return
            self._refresh_basket(cursor=index)
            self._say(f"{line.variant.label}: quantity {quantity}.")

        self.app.push_screen(QuantityModal(line.variant.label, line.quantity), set_quantity)

    def action_remove(self) -> None:
        index = self._selected_line()
        if index is None:
            return
        label = self.basket.lines[index].variant.label
        try:
            self.basket.remove(index)
        except PosError as error:
            self._say(str(error), error=True)
            return
        self._refresh_basket()
        self._say(f"Removed {label}.")

    # --- payment ----------------------------------------------------------------------------

    def _can_pay(self) -> bool:
        if self.basket.is_empty():
            self._say(EMPTY_BASKET, error=True)
            return False
        return True

    def action_cash(self) -> None:
        if not self._can_pay():
            return

        def paid(tender: Tender | None) -> None:
            self._focus_scan()
            if tender is not None:
                self._complete(tender)

        self.app.push_screen(CashModal(self.basket.total_pence), paid)

    def action_card(self) -> None:
        if not self._can_pay():
            return
        total = self.basket.total_pence

        def approved(ok: bool | None) -> None:
            self._focus_scan()
            if ok:
                self._complete(card_tender(total))

        self.app.push_screen(CardModal(total), approved)

    def _complete(self, tender: Tender) -> None:
        from common.clock import utc_now
        from common.values import Actor
        from inventory.db import UnitOfWork
        from pos.sales.services import complete_sale  # loaded with the ledger, after the first paint

        try:
            completed = complete_sale(
                UnitOfWork(self.engine, Actor(self.staff, self.till_name, self._clock or utc_now)),
                self.basket.items(),
                [tender],
                store=self.settings.store,
            )
        except PosError as error:
            self._say(str(error), error=True)
            return
        except Exception as error:  # noqa: BLE001 - keep the basket and the till open on a ledger fault
            self.log.error("complete_sale failed", error)
            self._say(f"The sale did not go through: {error}. The basket is kept; try again.", error=True)
            return
        self.basket.clear()
        self.last_sale = completed
        self._refresh_basket()
        self.query_one("#last-sale", LastSalePanel).show(completed, RECEIPT_PREVIEW_WIDTH)
        self._show_panel("last-sale")
        self._say(f"Sale complete: receipt {completed.reference}. Printing...")
        self._focus_scan()
        self._print(completed)

    @work(thread=True, group="printing", exit_on_error=False)
    def _print(self, completed: CompletedSale) -> None:
        # Runs after the commit, off the UI thread: a slow or broken printer never holds up the till.
        try:
            outcome = print_sale_receipt(self.settings.printer, completed.receipt)
        except Exception as error:  # noqa: BLE001 - anything at all, the sale is already safe
            outcome = PrintOutcome(False, f"Receipt {completed.receipt_no} did not print: {error}")
        self.post_message(self.ReceiptPrinted(outcome))

    @on(ReceiptPrinted)
    def _receipt_printed(self, event: ReceiptPrinted) -> None:
        self._say(event.outcome.message, error=not event.outcome.printed)

    # --- last sale and messages -------------------------------------------------------------

    def action_last_receipt(self) -> None:
        if self.last_sale is None:
            self._say("No sale has been completed on this till yet.")
            return
        if self._showing_last_sale and not self.basket.is_empty():
            self._show_panel("basket")
            return
        self._show_panel("last-sale")

    def action_scroll_receipt(self, pages: int) -> None:
        self.query_one("#last-sale", LastSalePanel).scroll_receipt(pages)

    def action_clear_message(self) -> None:
        self._say("")
