"""The sale screen: draws the till core's basket and sales, and maps keys to the core. Nothing else.

Everything that reaches the ledger or the printer runs in the core's lanes (Textual thread workers),
so the screen keeps taking scans while a sale waits for a busy ledger.
"""

from __future__ import annotations

import gc
import threading
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Digits, Label

from common.errors import PosError
from common.money import format_pence
from common.values import Tender
from pos.sales.till_core import (
    ApprovalNeeded,
    BasketChanged,
    ChooseItem,
    Event,
    LastSaleAtStart,
    LedgerFailed,
    LedgerOpened,
    Problem,
    ManagerActionDone,
    PrinterChanged,
    ReceiptPrinted,
    SaleCompleted,
    SaleRefused,
    SaleSaving,
    ShiftChanged,
    ShiftNeeded,
    TillCore,
    TrainingChanged,
)
from pos.tui.lanes import LaneDone, worker_lanes  # dialogs and other screens are imported when first opened (start-up)
from pos.tui.widgets.basket_table import BasketTable
from pos.tui.widgets.footer import TillFooter
from pos.tui.widgets.last_sale import LastSalePanel
from pos.tui.widgets.message_line import MessageLine
from pos.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from collections.abc import Callable

    from common.values import ReceiptRef, StaffMember
    from inventory.catalog import VariantInfo
    from pos.printing import PrintOutcome
    from pos.sales.till_core import LedgerHandle
    from pos.shifts.services import ClosedShift
    from pos.tui.screens.discount import DiscountChoice, OverrideChoice

READY = "Scan an item, or type part of a name and press Enter."
RECEIPT_PREVIEW_WIDTH = 42
SHOWN_WAIT_MAX_S = 1.0  # the ledger opens at the latest this long after the sale screen is mounted

_LINE = Binding.Group("Line", compact=True)
_RECEIPT = Binding.Group("Scroll", compact=False)


def _freeze_what_start_up_made() -> None:
    """Keep the objects made at start-up (Textual, SQLAlchemy, the catalogue) out of garbage collection.

    They live as long as the till, yet every full collection walked all of them: 50-250 ms with
    the till stopped, long enough to delay the scan it fell on (bench: scan to basket p95). No
    collection first: on a loaded machine it took ~50 ms just when the first scans arrive, and the
    little start-up garbage it would find is freed once, with the till.
    """
    gc.freeze()


def _restart_words(restarted: LastSaleAtStart, prints: bool) -> tuple[str, str, str]:
    """What the till says at start about its last sale, so that a sale a kill cut off is never sold again: the
    message line ("Last sale before restart: till-1/000042 £140.00 at 14:02, printed."), the last-sale panel's
    title (F9) and the status area, which keeps it until the next sale (printer messages may follow at start)."""
    sale = restarted.sale
    said = f"Last sale before restart: {sale.reference} {format_pence(sale.total_pence)} at {sale.completed_at:%H:%M}"
    if not prints:
        return said + ".", "Last sale before restart", said + "."
    if restarted.printed:
        how = ("printed", "Before restart: printed", "receipt printed")
    elif restarted.print_state == "queued":
        how = ("receipt not printed yet: it prints from the queue (Ctrl+N retries)", "Before restart: not printed",
               "receipt printing from the queue")
    elif restarted.print_state in ("printing", "unconfirmed"):  # the till stopped while it printed
        how = ("receipt may not have printed: if not, F9 then Ctrl+Y prints it", "Before restart: printed?",
               "receipt may not have printed: F9, Ctrl+Y")
    else:
        how = ("not printed: F9 then Ctrl+Y to print", "Before restart: not printed", "not printed: F9, Ctrl+Y")
    return f"{said}, {how[0]}.", how[1], f"{said},\n{how[2]}."


def _collect_between_sales() -> None:
    """A full collection while the cashier hands over the change, so that one seldom falls on a scan."""
    gc.collect()


class SaleScreen(Screen[None]):
    """One sale at a time. The scan field always has the keyboard; every other action is a key."""

    BINDINGS = [
        Binding("f1", "app.help", "Help"),  # first in the footer: help lists every key
        Binding("f2", "search", "Search"),
        Binding("f3", "discount", "Disc"),
        Binding("f4", "override_price", "Price", show=False),  # no room at 80 columns: help and the palette list it
        Binding("f5", "cash", "Cash"),
        Binding("f6", "card", "Card"),
        Binding("f7", "quantity", "Qty"),
        Binding("f8", "remove", "Del"),
        Binding("f9", "last_receipt", "Last"),
        Binding("f12", "manager_menu", "Mgr"),
        Binding("ctrl+o", "park", "Park"),
        Binding("ctrl+r", "recall", "Recall", show=False),  # no room at 80 columns; the park message and help (F1) name it
        # At 80 columns the footer has no room for these; help (F1) and the command palette list them.
        Binding("ctrl+t", "remove_payment", "Undo pay"),  # shown only while a split payment is under way
        Binding("f10", "returns", "Returns", show=False),
        Binding("f11", "lookup", "Lookup", show=False),
        Binding("ctrl+s", "stock", "Stock", key_display="^s", show=False),  # the stock views; read-only
        Binding("ctrl+y", "reprint_copy", "Copy", key_display="^y", show=False),  # the receipt on the last-sale panel
        Binding("ctrl+g", "gift_receipt", "Gift", key_display="^g", show=False),
        Binding("ctrl+y,ctrl+g", "reprint_earlier", "Reprint", show=False),  # elsewhere: ask which receipt
        Binding("up", "cursor(-1)", "Line up", key_display="↑", group=_LINE, show=False),
        Binding("down", "cursor(1)", "Line down", key_display="↓", group=_LINE, show=False),
        Binding("pageup", "scroll_receipt(-1)", "Scroll up", key_display="PgUp", group=_RECEIPT),
        Binding("pagedown", "scroll_receipt(1)", "Scroll down", key_display="PgDn", group=_RECEIPT),
        Binding("escape", "clear_message", "Clear", show=False),
    ]

    def __init__(self, core: TillCore, connect: Callable[[], LedgerHandle], title: str) -> None:
        super().__init__()
        self.core = core
        self._connect = connect
        self._title = title
        self._restart_note = ""  # the last sale before this start, in the status area until the next sale
        self._ledger_waiting = ""  # why a sale waits: "busy" (another till or an import writing), "unreachable"
        self._ledger_label = ""
        self._shown = threading.Event()  # set once the app's first screen is shown (_connect_once_shown)

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-bar"):
            yield Label(self._title, id="app-title", markup=False)
            yield Label(self._where(), id="till-name", markup=False)
            yield Label("", id="printer-state", markup=False)
        yield ScanInput(placeholder="Scan a barcode, or type a SKU or part of a name", id="scan")
        with ContentSwitcher(initial="basket", id="main"):
            yield BasketTable(id="basket")
            yield LastSalePanel(id="last-sale")
        with Horizontal(id="totals-bar"):
            yield Label("", id="units", markup=False)
            yield Label("Total", id="total-label")
            yield Digits(format_pence(0), id="total")
        yield MessageLine(READY, id="message")
        yield TillFooter(compact=True, show_command_palette=False)

    def _where(self) -> str:
        parts = [self.core.store.name, f"Till {self.core.till}"]
        if self.core.actor.name:
            parts.append(self.core.actor.name)
        if self._ledger_label:
            parts.append(self._ledger_label)
        return " · ".join(parts)

    def _show_training(self, on: bool) -> None:
        """Training shows plainly: the header turns red and says so."""
        self.query_one("#header-bar", Horizontal).set_class(on, "training")
        self.query_one("#app-title", Label).update("TRAINING: practice only" if on else self._title)

    def show_serving(self) -> None:
        """Someone signed in: the header shows who is serving now (and is asked for a float if no shift is open)."""
        self.query_one("#till-name", Label).update(self._where())
        self.ask_for_float()

    def ask_for_float(self) -> None:
        """With no shift open, whoever is serving counts the float in (a dialog over the sale screen)."""
        from pos.tui.screens.shift import OpenShiftModal

        if (not self.core.is_open or self.core.shift is not None or self.core.serving is None or self.core.training
                or self.app.screen is not self):
            return

        def counted(float_pence: int | None) -> None:
            self._focus_scan()
            if float_pence is None:
                self._say("No shift is open: sales wait until one is (F5 or F6 asks again).", error=True)
                return
            self._say("Opening the shift...")
            self.core.open_shift(float_pence)

        self.app.push_screen(OpenShiftModal(self.core.till), counted)

    def on_mount(self) -> None:
        self.core.listener = self._show_event
        self._refresh_basket()
        self._focus_scan()
        self.core.lanes = worker_lanes(self)
        self.core.open(self._connect_once_shown)  # scans typed meanwhile wait in the core until it is open

    def _connect_once_shown(self) -> LedgerHandle:
        """Open the ledger (in the look-up lane's thread) once the till's first screen is shown.

        Not sooner (bench: start-up): opening the ledger loads SQLAlchemy and the ledger code, and while
        that ran the first screen, already painted, waited 50-100 ms for Textual's output thread to
        write it to the terminal. The wait is bounded in case the app never says it is shown.
        """
        self._shown.wait(SHOWN_WAIT_MAX_S)
        return self._connect()

    def first_screen_shown(self) -> None:
        """The app's first screen is painted and settled: the ledger opens now (see _connect_once_shown)."""
        self._shown.set()

    def on_screen_resume(self) -> None:
        self._focus_scan()

    @on(LaneDone)
    def _lane_done(self, event: LaneDone) -> None:
        event.stop()
        event.callback()

    # --- drawing what the core reports ------------------------------------------------------

    def _show_event(self, event: Event) -> None:
        match event:
            case LedgerOpened(label=label, last_sale=restarted, guard_warning=guard_warning):
                self._ledger_label = label
                _freeze_what_start_up_made()
                if restarted is not None:  # F9 after a restart shows the till's last sale
                    panel = self.query_one("#last-sale", LastSalePanel)
                    panel.show(restarted.sale, RECEIPT_PREVIEW_WIDTH)
                    said, title, self._restart_note = _restart_words(restarted, self.core.prints)
                    panel.show_before_restart(title)
                    self._refresh_basket()
                    self._say(said)
                elif guard_warning:  # after a restart, the last sale comes first
                    self._say(guard_warning, error=True)
                self.show_serving()
            case LedgerFailed(message=message) | Problem(message=message):
                self._say(message, error=True)
            case BasketChanged(message=message, cursor=cursor):
                self._show_panel("basket")
                self._refresh_basket(cursor)
                self._say(message)
            case ChooseItem(text=text, matches=matches):
                from pos.tui.screens.modals import SearchModal

                self.app.push_screen(SearchModal(self.core, text, matches), self._picked)
            case SaleSaving(pending=pending, busy=busy, unreachable=unreachable):
                if busy or unreachable:
                    self._ledger_waiting = "unreachable" if unreachable else "busy"
                self._refresh_basket()
                if unreachable:
                    self._say(
                        "Saving the sale: the ledger cannot be reached (network or server). Keep serving; "
                        "the sale is kept, tried again and saved once, when the ledger is back.", error=True,
                    )
                elif busy:
                    self._say(
                        "Saving the sale: the ledger is busy with another till or an import. "
                        "Keep serving; the sale is kept and saves by itself.",
                    )
                else:
                    self.query_one("#last-sale", LastSalePanel).show_pending(pending, RECEIPT_PREVIEW_WIDTH)
                    self._show_panel("last-sale")
                    self._say("Saving the sale...")
            case SaleCompleted(sale=sale, basket_empty=basket_empty):
                self._restart_note = ""
                self._ledger_waiting = self._ledger_waiting if self.core.pending else ""
                self._refresh_basket()
                self.query_one("#last-sale", LastSalePanel).show(sale, RECEIPT_PREVIEW_WIDTH)
                if basket_empty:
                    self._show_panel("last-sale")
                if not self.core.pending:  # the last sale saving is saved: a quiet moment
                    self.call_after_refresh(_collect_between_sales)
                if sale.receipt.training:
                    self._say("Training sale: nothing was recorded." + (" Printing the TRAINING slip..." if self.core.printer else ""))
                else:
                    self._say(f"Sale complete: receipt {sale.reference}." + (" Printing..." if self.core.printer else ""))
            case SaleRefused(message=message):
                self._ledger_waiting = self._ledger_waiting if self.core.pending else ""
                self._show_panel("basket")
                self._refresh_basket()
                self._say(message, error=True)
            case ReceiptPrinted(outcome=outcome):
                self._say(outcome.message, error=not outcome.printed)
            case PrinterChanged(summary=summary):
                state = self.query_one("#printer-state", Label)
                state.update(summary)
                state.display = bool(summary)
            case TrainingChanged(on=on, message=message):
                self._show_training(on)
                self._say(message)
            case ManagerActionDone(message=message):
                self._say(message)
            case ShiftChanged(shift=shift, message=message):
                self._say(message, error=shift is None)
                if shift is None:
                    self.ask_for_float()

    @property
    def _table(self) -> BasketTable:
        return self.query_one("#basket", BasketTable)

    def _focus_scan(self) -> None:
        self.query_one("#scan", ScanInput).focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#message", MessageLine).say(text, error=error)

    def _refresh_basket(self, cursor: int | None = None) -> None:
        basket = self.core.basket
        self._table.show(basket, cursor)
        units = basket.units
        status = [f"{units} item{'s' if units != 1 else ''}" if units else ""]
        total = basket.total_pence
        if total != basket.gross_pence:
            status[0] += f"  Discount {format_pence(total - basket.gross_pence)}"
        if self.core.tenders:
            status.append(f"Paid {format_pence(self.core.paid_pence)}, left {format_pence(self.core.left_to_pay_pence)}")
        if self.core.pending:
            saving = "Saving sale..." if len(self.core.pending) == 1 else f"Saving {len(self.core.pending)} sales..."
            status.append(f"{saving} (ledger {self._ledger_waiting})" if self._ledger_waiting else saving)
        shown = "\n".join(status).strip("\n") or self._restart_note
        self.query_one("#units", Label).update(shown, layout=False)  # a fixed size (till.tcss)
        self.query_one("#total", Digits).update(format_pence(total))

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
        if action in {"scroll_receipt", "reprint_copy", "gift_receipt"}:
            return self._showing_last_sale
        if action == "reprint_earlier":
            return not self._showing_last_sale
        if action == "remove_payment":
            return bool(self.core.tenders)  # shown only while a split payment is under way
        return True

    # --- keys -------------------------------------------------------------------------------

    @on(ScanInput.Scanned, "#scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        self.core.enter(event.code)

    def _picked(self, variant: VariantInfo | None) -> None:
        if variant is not None:
            self.core.add(variant)
        self._focus_scan()

    def action_search(self) -> None:
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        from pos.tui.screens.modals import SearchModal

        self.app.push_screen(SearchModal(self.core), self._picked)

    def action_cursor(self, step: int) -> None:
        if step < 0:
            self._table.action_cursor_up()
        else:
            self._table.action_cursor_down()

    def _selected_line(self) -> int | None:
        if self._showing_last_sale or self.core.basket.is_empty():
            self._say("There is no basket line to change. Scan an item first.", error=True)
            return None
        return self._table.selected_line

    def action_quantity(self) -> None:
        index = self._selected_line()
        if index is None:
            return
        line = self.core.basket.lines[index]

        def set_quantity(quantity: int | None) -> None:
            self._focus_scan()
            if quantity is not None:
                self.core.set_quantity(index, quantity)

        from pos.tui.screens.modals import QuantityModal

        self.app.push_screen(QuantityModal(line.variant.label, line.quantity), set_quantity)

    def action_remove(self) -> None:
        index = self._selected_line()
        if index is not None:
            self.core.remove(index)

    def action_cash(self) -> None:
        self.core.after_lookups(self._take_cash)  # a scan just made is charged for too

    def _take_cash(self) -> None:
        try:
            total = self.core.cash().amount_pence  # what is left to pay
        except ShiftNeeded:
            self.ask_for_float()
            return
        except PosError as error:
            self._say(str(error), error=True)
            return
        from pos.tui.screens.modals import CashModal

        self.app.push_screen(CashModal(total), self._paid)

    def action_card(self) -> None:
        self.core.after_lookups(self._take_card)

    def _take_card(self) -> None:
        try:
            tender = self.core.card()
        except ShiftNeeded:
            self.ask_for_float()
            return
        except PosError as error:
            self._say(str(error), error=True)
            return

        def approved(ok: bool | None) -> None:
            self._paid(tender if ok else None)

        from pos.tui.screens.modals import CardModal

        self.app.push_screen(CardModal(tender.amount_pence), approved)

    def _paid(self, tender: Tender | None) -> None:
        self._focus_scan()
        if tender is None:
            return
        try:
            self.core.add_tender(tender)  # completes the sale once the payments cover the total
        except PosError as error:
            self._say(str(error), error=True)
        self.refresh_bindings()

    def action_remove_payment(self) -> None:
        try:
            self.core.remove_tender()
        except PosError as error:
            self._say(str(error), error=True)
        self.refresh_bindings()

    # --- discounts and price overrides --------------------------------------------------------

    def action_discount(self) -> None:
        if self._showing_last_sale or self.core.basket.is_empty():
            self._say("There is nothing to discount. Scan an item first.", error=True)
            return
        index = self._table.selected_line
        label = self.core.basket.lines[index].variant.label if index is not None else None

        def chosen(choice: DiscountChoice | None) -> None:
            self._focus_scan()
            if choice is None:
                return
            if choice.on_basket:
                self._with_approval(lambda approver: self.core.discount_basket(choice.discount, approver))
            elif index is not None:
                self._with_approval(lambda approver: self.core.discount_line(index, choice.discount, approver))

        from pos.tui.screens.discount import DiscountModal  # dialogs load when first opened (start-up)

        self.app.push_screen(
            DiscountModal(self.core.rules.discount_reasons, label, self.core.basket.total_pence), chosen,
        )

    def action_override_price(self) -> None:
        index = self._selected_line()
        if index is None:
            return
        variant = self.core.basket.lines[index].variant

        def chosen(choice: OverrideChoice | None) -> None:
            self._focus_scan()
            if choice is not None:
                self._with_approval(lambda approver: self.core.override_price(index, choice.override, approver))

        from pos.tui.screens.discount import PriceOverrideModal

        self.app.push_screen(
            PriceOverrideModal(self.core.rules.override_reasons, variant.label, variant.price_pence), chosen,
        )

    def _ask_approval(self, what: str, change: Callable[[StaffMember | None], None]) -> None:
        def approved(manager: StaffMember | None) -> None:
            self._focus_scan()
            if manager is None:
                self._say(f"Not changed: {what[0].lower()}{what[1:]} needs a manager.", error=True)
                return
            try:
                change(manager)
            except PosError as error:
                self._say(str(error), error=True)

        from pos.tui.screens.approval import ApprovalModal

        self.app.push_screen(ApprovalModal(self.core, what), approved)

    def _with_approval(self, change: Callable[[StaffMember | None], None]) -> None:
        """Make the change; if the rules need a manager, ask for one over the screen and make it with them."""
        try:
            change(None)
        except ApprovalNeeded as needed:
            self._ask_approval(needed.what, change)
        except PosError as error:
            self._say(str(error), error=True)

    def action_last_receipt(self) -> None:
        if self.core.last_sale is None and not self.core.pending:
            self._say("No sale has been completed on this till yet.")
            return
        if self._showing_last_sale and not self.core.basket.is_empty():
            self._show_panel("basket")
            return
        self._show_panel("last-sale")

    def action_returns(self) -> None:
        """F10: returns and exchanges against a receipt, over the sale (the basket is kept)."""
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        from pos.tui.screens.returns import ReturnsScreen  # loaded when first used (start-up)

        self.app.push_screen(ReturnsScreen(self.core))

    def action_scroll_receipt(self, pages: int) -> None:
        self.query_one("#last-sale", LastSalePanel).scroll_receipt(pages)

    def action_stock_count(self) -> None:
        """Command palette: join an open stock count or start one, then scan into it, as the person signed in."""
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        from pos.tui.screens.count_start import StockCountModal  # loaded when first used (start-up)

        def chosen(count_id: int | None) -> None:
            if count_id is None:
                self._focus_scan()
                return
            from pos.tui.screens.count import CountScreen

            self.app.push_screen(CountScreen(self.core, count_id), lambda _: self._focus_scan())

        self.app.push_screen(StockCountModal(self.core), chosen)

    def action_stock(self) -> None:
        """Ctrl+S: the stock views (on hand by design and size, low, value, sell-through, a SKU's history)."""
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        from pos.tui.screens.stock import StockScreen  # loaded when first used (start-up)

        self.app.push_screen(StockScreen(self.core), lambda _: self._focus_scan())

    def action_receive_stock(self) -> None:
        """Command palette: receive a delivery by scanning, as the person signed in."""
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        from pos.tui.screens.receive import ReceiveScreen  # loaded when first used (start-up)

        self.app.push_screen(ReceiveScreen(self.core), lambda _: self._focus_scan())

    def action_lookup(self) -> None:
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        from pos.tui.screens.lookup import LookupScreen

        self.app.push_screen(LookupScreen(self.core), lambda _: self._focus_scan())

    def action_reprint_copy(self) -> None:
        self._reprint_asked(gift=False)

    def action_gift_receipt(self) -> None:
        self._reprint_asked(gift=True)

    def action_reprint_earlier(self) -> None:
        self._reprint_asked(gift=False)

    def _reprint_asked(self, *, gift: bool) -> None:
        """On the last-sale panel: that receipt at once. Elsewhere: ask which receipt (the last one offered)."""
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        last = self.core.last_sale
        if self._showing_last_sale and self.core.pending:
            self._say("The sale is still saving; reprint it once its receipt number shows.", error=True)
        elif self._showing_last_sale and last is not None:
            self._reprint((last.reference, gift))
        else:
            from pos.tui.screens.reprint import ReprintModal

            self.app.push_screen(ReprintModal(self.core.till, last.reference if last else None), self._reprint)

    def _reprint(self, chosen: tuple[ReceiptRef, bool] | None) -> None:
        self._focus_scan()
        if chosen is None:
            return
        ref, gift = chosen
        self._say(f"Printing {'a gift receipt for' if gift else 'a copy of'} receipt {ref}...")
        self.core.reprint(ref, gift, self._reprinted)

    def _reprinted(self, result: PrintOutcome | PosError) -> None:
        if isinstance(result, PosError):
            self._say(str(result), error=True)
            return
        self._say(result.message, error=not result.printed)

    def action_clear_message(self) -> None:
        self._say("")

    def action_park(self) -> None:
        self.core.after_lookups(self.core.park)  # a scan just made is parked with the rest

    def action_recall(self) -> None:
        if not self.core.basket.is_empty():
            self._say("Finish or park this basket first (Ctrl+O), then recall the parked one.", error=True)
            return

        def recall(parked_id: int | None) -> None:
            self._focus_scan()
            if parked_id is not None:
                self.core.recall(parked_id)

        from pos.tui.screens.parked import ParkedModal

        self.app.push_screen(ParkedModal(self.core), recall)

    def action_manager_menu(self) -> None:
        """F12: a manager's code and PIN, then the manager menu; the choice runs with that manager's approval."""
        if not self.core.is_open:
            self._say("The ledger is still opening. Try again in a moment.", error=True)
            return
        from pos.tui.screens.approval import ApprovalModal
        from pos.tui.screens.manager_menu import ManagerMenuModal

        def approved(manager: StaffMember | None) -> None:
            if manager is None:
                self._focus_scan()
                return
            self.app.push_screen(
                ManagerMenuModal(manager.name, self.core.training), lambda choice: self._manager_choice(choice, manager)
            )

        self.app.push_screen(ApprovalModal(self.core, "The manager menu"), approved)

    def _manager_choice(self, choice: str | None, manager: StaffMember) -> None:
        self._focus_scan()
        if choice == "no_sale":
            self.core.no_sale(manager)
        elif choice == "cancel_basket":
            self.core.cancel_basket(manager)
        elif choice == "training":
            self.core.set_training(not self.core.training, manager)
        elif choice == "clear_parked":
            self.core.clear_stale_parked(manager)
        elif choice in ("paid_in", "paid_out"):
            self._move_cash(choice, manager)
        elif choice == "x_report":
            self._say("Making the X report...")
            self.core.x_report()
        elif choice == "close_shift":
            self._close_shift(manager)

    def _move_cash(self, kind: str, manager: StaffMember) -> None:
        from pos.tui.screens.shift import CashMovementChoice, CashMovementModal

        def chosen(choice: CashMovementChoice | None) -> None:
            self._focus_scan()
            if choice is not None:
                self.core.move_cash(choice.kind, choice.amount_pence, choice.reason, manager)

        self.app.push_screen(CashMovementModal(kind), chosen)

    def _close_shift(self, manager: StaffMember) -> None:
        """The Z at the till: the manager counts the drawer by notes and coins; the shift closes whatever the count."""
        from pos.tui.screens.shift import CloseShiftModal

        if self.core.shift is None:
            self._say(f"Till {self.core.till} has no shift open: there is nothing to close.", error=True)
            return
        if self.core.basket.units or self.core.pending:
            self._say("Finish, park or cancel the basket first, then close the shift.", error=True)
            return

        def closed(result: ClosedShift | None) -> None:
            self._focus_scan()
            if result is not None:
                self._say(result.summary)

        self.app.push_screen(CloseShiftModal(self.core, manager), closed)

