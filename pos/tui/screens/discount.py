"""Dialogs for discounts (F3) and price overrides (F4). Each returns what was chosen by dismiss();
the sale screen hands it to the till core, which asks for a manager when the rules need one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList

from common.errors import PosError
from common.money import MoneyFormatError, format_pence, parse_percent_bp, parse_pounds
from pos.sales.pricing import Discount, PriceOverride
from pos.tui.widgets.dialog_input import DialogInput
from pos.tui.widgets.footer import TillFooter


@dataclass(frozen=True)
class DiscountChoice:
    """A discount for the chosen line or the whole basket; None takes that discount off."""

    on_basket: bool
    discount: Discount | None


@dataclass(frozen=True)
class OverrideChoice:
    """A new price for the line; None puts it back to the catalogue's price."""

    override: PriceOverride | None


def _reasons(reasons: Sequence[str], widget_id: str) -> OptionList:
    options = OptionList(*reasons, id=widget_id, classes="reasons")
    options.can_focus = False  # the amount field keeps the keyboard; Up/Down move the highlight
    return options


class _ReasonDialog(ModalScreen["DiscountChoice | OverrideChoice | None"]):
    """An amount field and a list of reasons chosen with Up/Down; Enter applies, Esc cancels."""

    REASONS_ID = "reasons"
    ERROR_ID = "error"

    def on_mount(self) -> None:
        self.query_one(f"#{self.REASONS_ID}", OptionList).highlighted = 0
        self.query_one(Input).focus()

    def action_reason(self, step: int) -> None:
        reasons = self.query_one(f"#{self.REASONS_ID}", OptionList)
        if step < 0:
            reasons.action_cursor_up()
        else:
            reasons.action_cursor_down()

    def _reason(self) -> str:
        reasons = self.query_one(f"#{self.REASONS_ID}", OptionList)
        option = reasons.get_option_at_index(reasons.highlighted or 0)
        return str(option.prompt)

    def _error(self, message: str) -> None:
        self.query_one(f"#{self.ERROR_ID}", Label).update(message)
        field = self.query_one(Input)
        field.focus()
        field.action_select_all()  # typing again replaces the wrong amount

    def action_cancel(self) -> None:
        self.dismiss(None)


class DiscountModal(_ReasonDialog):
    """A discount on the chosen line or (F3 again) the whole basket: "15%" or "12.5%", or an amount "5.00"."""

    REASONS_ID = "discount-reasons"
    ERROR_ID = "discount-error"
    BINDINGS = [
        Binding("enter", "apply", "Apply"),
        Binding("f3", "switch", "Line/Basket"),
        Binding("up", "reason(-1)", "Reason up", key_display="Up"),
        Binding("down", "reason(1)", "Reason down", key_display="Down"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, reasons: Sequence[str], line_label: str | None, basket_total_pence: int) -> None:
        super().__init__()
        self._reasons = tuple(reasons)
        self._line_label = line_label
        self._basket_total = basket_total_pence
        self._on_basket = line_label is None

    def compose(self) -> ComposeResult:
        with Vertical(id="discount-dialog", classes="dialog"):
            yield Label("Discount", classes="dialog-title")
            yield Label(self._target(), id="discount-target", markup=False)
            yield DialogInput(placeholder="15% or 12.5% off, or an amount such as 5.00 (0 takes it off)",
                              id="discount-value")
            yield Label("Reason (Up/Down to choose):", markup=False)
            yield _reasons(self._reasons, self.REASONS_ID)
            yield Label("", id=self.ERROR_ID, classes="dialog-error", markup=False)
        yield TillFooter()

    def _target(self) -> str:
        if self._on_basket:
            switch = "" if self._line_label is None else "  (F3: this line only)"
            return f"On the whole basket, {format_pence(self._basket_total)}{switch}"
        return f"On the line {self._line_label}  (F3: whole basket)"

    def action_switch(self) -> None:
        if self._line_label is not None:
            self._on_basket = not self._on_basket
            self.query_one("#discount-target", Label).update(self._target())

    def action_apply(self) -> None:
        text = self.query_one("#discount-value", Input).value.strip()
        if not text:
            self._error("Type the discount: 15% or 12.5% off, or an amount such as 5.00. Esc cancels.")
            return
        try:
            if text.endswith("%"):
                percent = parse_percent_bp(text)
                discount = Discount.percent(percent, self._reason()) if percent else None
            else:
                amount = parse_pounds(text)
                if amount < 0:
                    raise MoneyFormatError(f"'{text}' is below zero: type the amount to take off, such as 5.00")
                discount = Discount.amount(amount, self._reason()) if amount else None
        except (MoneyFormatError, PosError) as error:
            self._error(str(error))
            return
        self.dismiss(DiscountChoice(self._on_basket, discount))


class PriceOverrideModal(_ReasonDialog):
    """A new unit price for one line, with a reason. A manager approves it next."""

    REASONS_ID = "override-reasons"
    ERROR_ID = "override-error"
    BINDINGS = [
        Binding("enter", "apply", "Apply"),
        Binding("up", "reason(-1)", "Reason up", key_display="Up"),
        Binding("down", "reason(1)", "Reason down", key_display="Down"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, reasons: Sequence[str], line_label: str, list_price_pence: int) -> None:
        super().__init__()
        self._reasons = tuple(reasons)
        self._line_label = line_label
        self._list_price = list_price_pence

    def compose(self) -> ComposeResult:
        with Vertical(id="override-dialog", classes="dialog"):
            yield Label("Price override", classes="dialog-title")
            yield Label(f"{self._line_label}: catalogue price {format_pence(self._list_price)}", id="override-line",
                        markup=False)
            yield DialogInput(placeholder="New price per item, such as 45.00 (empty: catalogue price)",
                              id="override-price")
            yield Label("Reason (Up/Down to choose):", markup=False)
            yield _reasons(self._reasons, self.REASONS_ID)
            yield Label("", id=self.ERROR_ID, classes="dialog-error", markup=False)
        yield TillFooter()

    def action_apply(self) -> None:
        text = self.query_one("#override-price", Input).value.strip()
        if not text:
            self.dismiss(OverrideChoice(None))
            return
        try:
            price = parse_pounds(text)
        except MoneyFormatError as error:
            self._error(str(error))
            return
        if price < 0:
            self._error(f"'{text}' is below zero: type the price to charge per item, such as 45.00.")
            return
        self.dismiss(OverrideChoice(PriceOverride(price, self._reason())))
