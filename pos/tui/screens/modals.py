"""Dialogs over the sale screen: search, quantity, cash and card. Each returns its answer by dismiss()."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Digits, Input, Label, OptionList
from textual.widgets.option_list import Option

from common.errors import PosError
from common.money import MoneyFormatError, format_pence, parse_pounds
from pos.sales.checkout import cash_tender, cash_towards
from pos.sales.quick_cash import likely_cash
from pos.tui.widgets.dialog_input import DialogInput
from pos.tui.widgets.footer import TillFooter

if TYPE_CHECKING:
    from common.values import Tender
    from inventory.catalog import VariantInfo
    from pos.sales.till_core import TillCore

QUICK_CASH_KEYS = ("f2", "f3", "f4")  # the amount field takes digits, so the likely notes are on F-keys


def _option_text(variant: VariantInfo) -> Text:
    label = variant.label
    label = label if len(label) <= 34 else label[:33] + "…"
    return Text(f"{label:<34} {format_pence(variant.price_pence):>9}  {variant.sku}")


class SearchModal(ModalScreen["VariantInfo | None"]):
    """Pick one SKU by part of its name, SKU or colour. Enter picks the highlighted one, Esc cancels."""

    BINDINGS = [
        Binding("enter", "pick", "Add", show=True),
        Binding("up", "move(-1)", "Up", show=True, key_display="↑"),
        Binding("down", "move(1)", "Down", show=True, key_display="↓"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, core: TillCore, text: str = "", matches: Sequence[VariantInfo] | None = None) -> None:
        super().__init__()
        self._core = core
        self._text = text
        self._matches: list[VariantInfo] = list(matches or [])

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog", classes="dialog"):
            yield Label("Find an item", classes="dialog-title")
            yield DialogInput(self._text, placeholder="Part of a name, a SKU or a colour", id="search-text")
            yield OptionList(id="search-results")
            yield Label("", id="search-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#search-results", OptionList).can_focus = False
        if self._matches:
            self._show(self._matches)
        elif self._text:
            self._search(self._text)
        self.query_one("#search-text", Input).focus()

    def _show(self, matches: Sequence[VariantInfo]) -> None:
        self._matches = list(matches)
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options([Option(_option_text(variant)) for variant in self._matches])
        if self._matches:
            results.highlighted = 0

    def _search(self, text: str) -> None:
        if not text.strip():
            self._found([])
            return
        self._core.search(text, self._found)  # off the event loop; results come back in the order asked

    def _found(self, result: Sequence[VariantInfo] | Exception) -> None:
        if not self.is_attached:
            return  # the dialog closed before the ledger answered
        error = self.query_one("#search-error", Label)
        if isinstance(result, Exception):
            self._show([])
            error.update(str(result) if isinstance(result, PosError) else "The search did not answer. Try again.")
            return
        error.update("")
        self._show(result)

    @on(Input.Changed, "#search-text")
    def _text_changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(OptionList.OptionSelected, "#search-results")
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._matches[event.option_index])

    def action_pick(self) -> None:
        highlighted = self.query_one("#search-results", OptionList).highlighted
        if highlighted is not None and highlighted < len(self._matches):
            self.dismiss(self._matches[highlighted])

    def action_move(self, step: int) -> None:
        results = self.query_one("#search-results", OptionList)
        if step < 0:
            results.action_cursor_up()
        else:
            results.action_cursor_down()

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuantityModal(ModalScreen[int | None]):
    """Type a new quantity for one basket line. The basket itself decides what is allowed."""

    BINDINGS = [
        Binding("enter", "set", "Set quantity"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, line_label: str, quantity: int) -> None:
        super().__init__()
        self._line_label = line_label
        self._quantity = quantity

    def compose(self) -> ComposeResult:
        with Vertical(id="quantity-dialog", classes="dialog"):
            yield Label("Change quantity", classes="dialog-title")
            yield Label(self._line_label, id="quantity-line", markup=False)
            yield DialogInput(str(self._quantity), type="integer", id="quantity", select_on_focus=True)
            yield Label("", id="quantity-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#quantity", Input).focus()

    def action_set(self) -> None:
        text = self.query_one("#quantity", Input).value.strip()
        if not text:
            self.dismiss(None)
            return
        if not (text.isascii() and text.isdigit()):  # int() would read "５" as 5
            self.query_one("#quantity-error", Label).update(f"'{text[:20]}' is not a whole number, such as 2.")
            return
        self.dismiss(int(text))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CashModal(ModalScreen["Tender | None"]):
    """Take cash: returns the cash Tender, or None when cancelled.

    Less than is due pays that much (a split payment: the rest is left to pay); more pays it all
    with change; Enter alone is the exact amount.
    """

    BINDINGS = [
        Binding("enter", "take", "Take cash"),
        *(Binding(key, f"quick_cash({index})", "Quick cash", show=False) for index, key in enumerate(QUICK_CASH_KEYS)),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, total_pence: int) -> None:
        super().__init__()
        self._total_pence = total_pence
        self._quick_cash = likely_cash(total_pence)

    def compose(self) -> ComposeResult:
        with Vertical(id="cash-dialog", classes="dialog"):
            yield Label("Cash payment: total due", classes="dialog-title")
            yield Digits(format_pence(self._total_pence), id="cash-due")
            yield DialogInput(placeholder="Amount handed over, e.g. 20 (Enter alone: exact; less: part)", id="tendered")
            with Horizontal(id="quick-cash"):
                for key, pence in zip(QUICK_CASH_KEYS, self._quick_cash, strict=False):
                    button = Button(f"{key.upper()} {format_pence(pence)}", id=f"cash-{pence}")
                    button.can_focus = False  # the amount field keeps the keyboard
                    yield button
                exact = Button("Enter: exact", id=f"cash-{self._total_pence}")
                exact.can_focus = False
                yield exact
            yield Label("", id="cash-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#tendered", Input).focus()

    @on(Button.Pressed, "#quick-cash Button")
    def _quick_cash(self, event: Button.Pressed) -> None:
        assert event.button.id is not None
        self._tender(int(event.button.id.removeprefix("cash-")))

    def action_quick_cash(self, index: int) -> None:
        """A likely note for the total, on F2, F3 or F4 (shown on its button)."""
        if index < len(self._quick_cash):
            self._tender(self._quick_cash[index])

    def action_take(self) -> None:
        text = self.query_one("#tendered", Input).value.strip()
        if not text:
            self._tender(None)
            return
        try:
            tendered = parse_pounds(text)
        except MoneyFormatError as error:
            self._error(str(error))
            return
        self._tender(tendered)

    def _tender(self, tendered_pence: int | None) -> None:
        try:  # less than is due is part of a split payment: the rest is left to pay
            tender = (cash_tender(self._total_pence) if tendered_pence is None
                      else cash_towards(self._total_pence, tendered_pence))
        except PosError as error:
            self._error(str(error))
            return
        self.dismiss(tender)

    def _error(self, message: str) -> None:
        self.query_one("#cash-error", Label).update(message)
        field = self.query_one("#tendered", Input)
        field.focus()
        field.action_select_all()  # typing again replaces the wrong amount

    def action_cancel(self) -> None:
        self.dismiss(None)


class CardModal(ModalScreen[bool]):
    """Confirm a card payment taken on the separate card terminal. The till never sees card data."""

    BINDINGS = [
        Binding("enter", "approve", "Approved"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, total_pence: int) -> None:
        super().__init__()
        self._total_pence = total_pence
        self._stray_keys = False

    def compose(self) -> ComposeResult:
        with Vertical(id="card-dialog", classes="dialog"):
            yield Label("Card payment", classes="dialog-title")
            yield Label(
                f"Take {format_pence(self._total_pence)} on the card terminal. "
                "Press Enter when it is approved, Esc to cancel.",
                id="card-prompt",
                markup=False,
            )
            with Horizontal(id="card-buttons"):
                approved = Button("Approved", id="card-approved", variant="success")
                cancel = Button("Cancel", id="card-cancel")
                approved.can_focus = cancel.can_focus = False
                yield approved
                yield cancel
            yield Label("", id="card-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_key(self, event: events.Key) -> None:
        # A scanner typing while this is open must not approve the payment with its Enter.
        if event.is_printable:
            self._stray_keys = True
            event.stop()

    @on(Button.Pressed, "#card-approved")
    def _approved(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#card-cancel")
    def _cancelled(self) -> None:
        self.dismiss(False)

    def action_approve(self) -> None:
        if self._stray_keys:
            self._stray_keys = False
            self.query_one("#card-error", Label).update(
                "That looked like a scan, so the payment was not confirmed. "
                "Press Enter when the terminal approves, Esc to cancel."
            )
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
