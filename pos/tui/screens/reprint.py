"""Reprint an earlier receipt: scan its barcode or type its reference; Enter prints a COPY, Ctrl+G a gift receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from common.errors import PosError
from pos.tui.widgets.dialog_input import DialogInput
from pos.tui.widgets.footer import TillFooter

if TYPE_CHECKING:
    from common.values import ReceiptRef


class ReprintModal(ModalScreen["tuple[ReceiptRef, bool] | None"]):
    """Which receipt to print again: dismisses with (reference, gift) or None when cancelled."""

    BINDINGS = [
        Binding("enter", "reprint_copy", "Copy"),
        Binding("ctrl+g", "gift_receipt", "Gift receipt", key_display="^g"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, till: str, last: ReceiptRef | None = None) -> None:
        super().__init__()
        self._till = till
        self._last = last

    def compose(self) -> ComposeResult:
        with Vertical(id="reprint-dialog", classes="dialog"):
            yield Label("Reprint a receipt", classes="dialog-title")
            yield Label(
                "Scan the receipt's barcode or type its reference (a number alone is this till's). "
                "Enter prints a COPY; Ctrl+G a gift receipt without prices.",
                id="reprint-prompt",
                markup=False,
            )
            yield DialogInput(str(self._last) if self._last else "", placeholder=f"e.g. {self._till}/000012",
                              id="reprint-ref", select_on_focus=True)
            yield Label("", id="reprint-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#reprint-ref", Input).focus()

    def action_reprint_copy(self) -> None:
        self._chosen(gift=False)

    def action_gift_receipt(self) -> None:
        self._chosen(gift=True)

    def _chosen(self, *, gift: bool) -> None:
        from pos.sales.references import parse_reference  # the ledger is open by now: this loads nothing new

        field = self.query_one("#reprint-ref", Input)
        try:
            ref = parse_reference(field.value, self._till)
        except PosError as error:
            self.query_one("#reprint-error", Label).update(str(error))
            field.action_select_all()  # the next scan or typing replaces it
            return
        self.dismiss((ref, gift))

    def action_cancel(self) -> None:
        self.dismiss(None)
