"""The returns screen (F10): find a sale by its receipt, choose what comes back, refund or exchange.

It draws the returns desk (pos.sales.returns_desk) and maps keys to it; the refund or exchange is
approved by a manager in the ApprovalModal and saved on the till core's sales lane.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from common.errors import PosError
from common.money import format_pence
from pos.sales.returns_desk import ReturnsDesk
from pos.tui.screens.approval import ApprovalModal
from pos.tui.screens.modals import QuantityModal, SearchModal
from pos.tui.widgets.footer import TillFooter
from pos.tui.widgets.message_line import MessageLine
from pos.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from common.values import StaffMember
    from inventory.catalog import VariantInfo
    from pos.printing import PrintOutcome
    from pos.sales.history import SaleForReturn
    from pos.sales.refunds import CompletedExchange, CompletedRefund
    from pos.sales.till_core import TillCore

FIND = "Scan the receipt's barcode, or type its reference (till-1/000012) and press Enter."
CHOOSE = "Select a line (↑ ↓), F7 how many come back, F8 damaged. F10 refund, F4 exchange."
EXCHANGE = "Exchange: scan the new items. F10 settles (card first), F5 in cash, F6 by card. F4 ends it."
_TENDER_WORDS = {"cash": "to cash", "card": "to card", "exchange": "towards the new items"}


def _where_it_goes(to: dict[str, int]) -> str:
    return ", ".join(f"{format_pence(amount)} {_TENDER_WORDS.get(tender, tender)}" for tender, amount in to.items())


class ReturnsScreen(Screen[None]):
    """Returns and exchanges against one receipt at a time; Escape goes back to the sale.

    The scan field keeps the keyboard (a receipt or, in an exchange, new items); ↑ ↓ move the line cursor.
    """

    DEFAULT_CSS = """
    ReturnsScreen { layout: vertical; }
    #returns-sale { height: 1; padding: 0 1; }
    #returns-lines {
        height: 1fr;
        & > .datatable--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    }
    #returns-summary { height: 2; padding: 0 1; background: $boost; text-style: bold; }
    """

    BINDINGS = [
        Binding("f7", "units", "Qty"),
        Binding("f8", "damaged", "Damaged"),
        Binding("f10", "refund", "Refund"),
        Binding("f5", "refund('cash')", "Cash"),
        Binding("f6", "refund('card')", "Card"),
        Binding("f4", "exchange", "Exchange"),
        Binding("up", "cursor(-1)", "Up", key_display="↑", show=False),
        Binding("down", "cursor(1)", "Down", key_display="↓", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, core: TillCore) -> None:
        super().__init__()
        self.core = core
        self.desk = ReturnsDesk(core, on_printed=self._printed)
        self.exchanging = False
        self._saving = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-bar"):
            yield Label("Returns and exchanges", id="app-title")
            yield Label(f"Till {self.core.till}" + (f" · {self.core.actor.name}" if self.core.actor.name else ""),
                        id="till-name", markup=False)
        yield ScanInput(placeholder="Scan the receipt's barcode or type its reference", id="returns-scan")
        yield Label("", id="returns-sale", markup=False)
        yield DataTable(id="returns-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="returns-summary", markup=False)
        yield MessageLine(FIND, id="message")
        yield TillFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one("#returns-lines", DataTable)
        table.add_columns("Item", "Size/colour", "Sold", "Left", "Back", "Damaged", "Refund")
        self.query_one("#returns-scan", ScanInput).focus()

    # --- drawing ------------------------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#message", MessageLine).say(text, error=error)

    def _draw(self) -> None:
        sale = self.desk.sale
        table = self.query_one("#returns-lines", DataTable)
        cursor = table.cursor_row
        table.clear()
        if sale is None:
            return
        paid = ", ".join(f"{tender} {format_pence(amount)}" for tender, amount in sale.payments)
        self.query_one("#returns-sale", Label).update(
            f"Receipt {sale.reference} · {sale.sold_at:%d/%m/%Y %H:%M} · {format_pence(sale.total_pence)} ({paid})"
        )
        for index, line in enumerate(sale.lines):
            back = self.desk.units.get(index, 0)
            table.add_row(
                line.description[:24], f"{line.size} {line.colour}".strip()[:14], str(line.quantity), str(line.returnable),
                str(back) if back else "", "yes" if index in self.desk.damaged else "",
                format_pence(line.refund_for(back)) if back else "",
            )
        if sale.lines:
            table.move_cursor(row=min(max(cursor, 0), len(sale.lines) - 1))
        self._draw_summary()

    def _draw_summary(self) -> None:
        refund = self.desk.refund_pence
        lines = []
        if self.exchanging:
            names = ", ".join(f"{item.name} {item.size}".strip() for item in self.desk.new_items) or "none yet"
            lines.append(f"New items {format_pence(self.desk.new_items_pence)}: {names}"[:78])
            due = self.desk.difference_pence
            if due > 0:
                lines.append(f"Goods back {format_pence(refund)}. The customer pays {format_pence(due)} (F5 cash, F6 card).")
            else:
                back = _where_it_goes(self.desk.difference_to())
                lines.append(f"Goods back {format_pence(refund)}. The customer gets {format_pence(-due)}"
                             + (f": {back}." if back else "."))
        elif refund:
            lines.append(f"Refund {format_pence(refund)}: {_where_it_goes(self.desk.refund_to())} (F10).")
            lines.append("F5 all to cash, F6 all to card, if the manager chooses.")
        self.query_one("#returns-summary", Static).update("\n".join(lines))

    # --- finding the sale and scanning new items -------------------------------------------------

    @on(ScanInput.Scanned, "#returns-scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        text = event.code.strip()
        if not text:
            return
        if self.exchanging:
            self._new_item(text)
            return
        self._say("Looking for that receipt...")
        self.desk.find(text, self._found)

    def _found(self, result: SaleForReturn | Exception) -> None:
        if isinstance(result, Exception):
            self._say(str(result) if isinstance(result, PosError) else f"That receipt could not be read: {result}",
                      error=True)
            return
        self._draw()
        if result.fully_returned:
            self._say(f"Everything on {result.reference} has been returned already.", error=True)
        else:
            self._say(CHOOSE)

    def _new_item(self, text: str) -> None:
        self.core.search(text, lambda result: self._new_item_found(text, result))

    def _new_item_found(self, text: str, result: list[VariantInfo] | Exception) -> None:
        if isinstance(result, Exception):
            self._say(str(result), error=True)
            return
        if len(result) == 1:
            self._add_new_item(result[0])
        elif not result:
            self._say("Nothing in the catalogue matches that. Scan the tag, or type part of the name.", error=True)
        else:
            self.app.push_screen(SearchModal(self.core, text, result), self._picked)

    def _picked(self, variant: VariantInfo | None) -> None:
        if variant is not None:
            self._add_new_item(variant)
        self.query_one("#returns-scan", ScanInput).focus()

    def _add_new_item(self, variant: VariantInfo) -> None:
        self.desk.add_new_item(variant)
        self._draw_summary()
        self._say(f"{variant.label} added to the exchange. {EXCHANGE}")

    # --- keys -----------------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#returns-lines", DataTable)
        if step < 0:
            table.action_cursor_up()
        else:
            table.action_cursor_down()

    def _selected(self) -> int | None:
        if self.desk.sale is None or not self.desk.sale.lines:
            self._say(FIND, error=True)
            return None
        return self.query_one("#returns-lines", DataTable).cursor_row

    def action_units(self) -> None:
        index = self._selected()
        if index is None or self.desk.sale is None:
            return
        line = self.desk.sale.lines[index]

        def chosen(units: int | None) -> None:
            if units is None:
                return
            try:
                self.desk.set_units(index, units)
            except PosError as error:
                self._say(str(error), error=True)
                return
            self._draw()
            self._say(CHOOSE if not self.exchanging else EXCHANGE)

        self.app.push_screen(
            QuantityModal(f"{line.description} {line.size}: how many come back? ({line.returnable} left)",
                          self.desk.units.get(index, line.returnable and 1)),
            chosen,
        )

    def action_damaged(self) -> None:
        index = self._selected()
        if index is None:
            return
        try:
            damaged = self.desk.toggle_damaged(index)
        except PosError as error:
            self._say(str(error), error=True)
            return
        self._draw()
        self._say("Marked damaged: they go to damaged stock, not back on the shelf." if damaged
                  else "Not damaged: they go back on the shelf.")

    def action_exchange(self) -> None:
        if self.desk.sale is None:
            self._say(FIND, error=True)
            return
        self.exchanging = not self.exchanging
        if not self.exchanging:
            self.desk.new_items.clear()
        self.query_one("#returns-scan", ScanInput).placeholder = (
            "Scan the new items for the exchange" if self.exchanging else "Scan the receipt's barcode or type its reference"
        )
        self.query_one("#returns-scan", ScanInput).focus()
        self._draw_summary()
        self._say(EXCHANGE if self.exchanging else CHOOSE)

    def action_refund(self, to: str | None = None) -> None:
        if self._saving:
            self._say("Saving the last refund... wait a moment.", error=True)
            return
        try:
            self.desk.returned()  # something chosen?
            if self.exchanging:
                self._check_exchange(to)
        except PosError as error:
            self._say(str(error), error=True)
            return
        what = "An exchange" if self.exchanging else "A refund"
        self.app.push_screen(ApprovalModal(self.core, what), lambda approver: self._approved(approver, to))

    def _check_exchange(self, to: str | None) -> None:
        if not self.desk.new_items:
            raise PosError("Scan the new items first: the exchange needs something to take away.")
        if self.desk.difference_pence > 0 and to is None:
            raise PosError(
                f"The customer pays {format_pence(self.desk.difference_pence)} on top: F5 in cash or F6 by card."
            )

    def _approved(self, approver: StaffMember | None, to: str | None) -> None:
        if approver is None:
            self._say("Not approved: nothing was refunded.", error=True)
            return
        self._saving = True
        self._say("Saving...")
        try:
            if self.exchanging:
                self.desk.exchange(approver, to, self._saved)
            else:
                self.desk.refund(approver, to, self._saved)
        except PosError as error:
            self._saving = False
            self._say(str(error), error=True)

    def _saved(self, result: CompletedRefund | CompletedExchange | Exception) -> None:
        self._saving = False
        if isinstance(result, Exception):
            self._say(str(result) if isinstance(result, PosError) else f"The refund was not saved: {result}", error=True)
            return
        from pos.sales.refunds import CompletedExchange

        if isinstance(result, CompletedExchange):
            refund = result.refund
            difference = result.difference_pence
            settled = (f"the customer paid {format_pence(difference)}" if difference > 0
                       else f"the customer got {_where_it_goes({k: v for k, v in refund.to.items() if k != 'exchange'}) or '£0.00'}")
            text = f"Exchanged: refund {refund.reference}, new sale {result.sale.reference}; {settled}."
        else:
            text = f"Refunded {format_pence(result.total_pence)}: {_where_it_goes(result.to)}. Slip {result.reference}."
        self.exchanging = False
        self.desk.find(str(self.desk.sale.reference if self.desk.sale else ""), lambda found: self._refound(found, text))

    def _refound(self, result: SaleForReturn | Exception, text: str) -> None:
        if not isinstance(result, Exception):
            self._draw()
        self._say(text)

    def _printed(self, outcome: PrintOutcome | Exception) -> None:
        if not self.is_attached:
            return
        if isinstance(outcome, Exception):
            self._say(f"The slip did not print: {outcome}", error=True)
        elif not outcome.printed:
            self._say(outcome.message, error=True)

    def action_back(self) -> None:
        self.dismiss(None)
