"""What the cashier needs after taking payment: the change in large figures, and the receipt."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Digits, Label, Static

from common.money import format_pence
from pos.sales.checkout import CompletedSale
from pos.sales.till_core import PendingSale
from receipts.escpos_receipt import receipt_text

_TENDER_WORDS = {"cash": "Paid in cash", "card": "Paid by card"}


class LastSalePanel(Horizontal):
    """The last completed sale: change due on the left, the receipt preview (scrollable) on the right."""

    def compose(self) -> ComposeResult:
        with Vertical(id="last-sale-summary"):
            yield Label("Sale complete", id="last-sale-title")
            yield Label("", id="last-sale-receipt-no", markup=False)
            yield Label("Change", id="change-label")
            yield Digits("£0.00", id="change")
            yield Label("", id="last-sale-paid", markup=False)
            yield Label("Scan the next item to start a new sale.", id="last-sale-hint")
        with VerticalScroll(id="receipt-scroll", can_focus=False):
            yield Static("", id="receipt-preview", markup=False)

    def show_pending(self, pending: PendingSale, width: int) -> None:
        """A sale paid and on its way into the ledger: the change is known, the receipt number not yet."""
        self.query_one("#last-sale-title", Label).update("Saving the sale...")
        self.query_one("#last-sale-receipt-no", Label).update("")
        self.query_one("#change", Digits).update(format_pence(pending.change_pence))
        paid = [
            f"{_TENDER_WORDS.get(t.tender, t.tender.title())} {format_pence(t.tendered_pence)}" for t in pending.tenders
        ]
        self.query_one("#last-sale-paid", Label).update("\n".join([f"Total {format_pence(pending.total_pence)}", *paid]))
        self.query_one("#receipt-preview", Static).update("The receipt shows here once the sale is saved.")

    def show(self, sale: CompletedSale, width: int) -> None:
        receipt = sale.receipt
        self.query_one("#last-sale-title", Label).update("Sale complete")
        self.query_one("#last-sale-receipt-no", Label).update(f"Receipt {receipt.reference}")
        self.query_one("#change", Digits).update(format_pence(sale.change_pence))
        paid = [
            f"{_TENDER_WORDS.get(p.tender, p.tender.title())} {format_pence(p.tendered_pence)}" for p in receipt.payments
        ]
        self.query_one("#last-sale-paid", Label).update("\n".join([f"Total {format_pence(sale.total_pence)}", *paid]))
        self.query_one("#receipt-preview", Static).update(receipt_text(receipt, width))
        self.query_one("#receipt-scroll", VerticalScroll).scroll_home(animate=False)

    def show_before_restart(self, words: str) -> None:
        """The till just started: this sale came before, and whether its receipt printed."""
        self.query_one("#last-sale-title", Label).update(words)

    def scroll_receipt(self, pages: int) -> None:
        scroll = self.query_one("#receipt-scroll", VerticalScroll)
        if pages > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)
