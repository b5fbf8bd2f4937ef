"""The shift at the till: counting the float in, paying cash in or out, and the Z with the drawer counted.

Each dialog checks what was typed and hands back plain values; the till core does the work with
the signed-in person (the float) or the approving manager (cash in and out, the Z), and the
services check them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from common.errors import PosError
from common.money import MoneyFormatError, format_pence, parse_pounds
from pos.tui.widgets.dialog_input import ChainedInput, DialogInput
from pos.tui.widgets.footer import TillFooter

if TYPE_CHECKING:
    from common.values import StaffMember
    from pos.sales.till_core import TillCore
    from pos.shifts.services import CashUp, ClosedShift

# Notes and coins as the drawer holds them, largest first (pos.shifts.services.DENOMINATIONS).
DRAWER = (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)


def denomination_label(pence: int) -> str:
    return f"£{pence // 100}" if pence >= 100 else f"{pence}p"


def _amount(text: str, what: str) -> int:
    try:
        return parse_pounds(text.strip())
    except MoneyFormatError as error:
        raise PosError(f"{what}: {error}.") from None


class OpenShiftModal(ModalScreen["int | None"]):
    """Count the float into the drawer: dismissed with it in pence, or None (Esc: no shift yet)."""

    BINDINGS = [Binding("enter", "open", "Open the shift"), Binding("escape", "cancel", "Not now")]

    def __init__(self, till: str) -> None:
        super().__init__()
        self._till = till

    def compose(self) -> ComposeResult:
        with Vertical(id="shift-dialog", classes="dialog"):
            yield Label(f"Open the shift at till {self._till}", classes="dialog-title", markup=False)
            yield Label("Count the cash in the drawer (the float) and type it. Sales start once the shift is open.",
                        id="shift-help", markup=False)
            yield DialogInput(placeholder="The float in pounds, e.g. 100", id="float")
            yield Label("", id="shift-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#float", Input).focus()

    def action_open(self) -> None:
        try:
            self.dismiss(_amount(self.query_one("#float", Input).value, "The float"))
        except PosError as error:
            self.query_one("#shift-error", Label).update(str(error))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class CashMovementChoice:
    kind: str  # paid_in or paid_out
    amount_pence: int
    reason: str


class CashMovementModal(ModalScreen["CashMovementChoice | None"]):
    """A paid-in or paid-out: the amount and the reason (a manager has approved already)."""

    BINDINGS = [Binding("enter", "record", "Record"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, kind: str) -> None:
        super().__init__()
        self._kind = kind

    def compose(self) -> ComposeResult:
        title = "Paid in: cash into the drawer" if self._kind == "paid_in" else "Paid out: cash out of the drawer"
        with Vertical(id="cash-movement-dialog", classes="dialog"):
            yield Label(title, classes="dialog-title", markup=False)
            yield ChainedInput(placeholder="Amount in pounds, e.g. 20", id="movement-amount", then="#movement-reason")
            yield DialogInput(placeholder="Reason, e.g. Change from the bank", id="movement-reason")
            yield Label("", id="movement-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#movement-amount", Input).focus()

    def action_record(self) -> None:
        amount_field = self.query_one("#movement-amount", Input)
        reason = self.query_one("#movement-reason", Input).value.strip()
        error = self.query_one("#movement-error", Label)
        try:
            amount = _amount(amount_field.value, "The amount")
        except PosError as problem:
            error.update(str(problem))
            amount_field.focus()
            return
        if not reason:
            if self.focused is amount_field:  # Enter after the amount moves on to the reason
                self.query_one("#movement-reason", Input).focus()
                return
            error.update("Give a reason, for the record.")
            return
        self.dismiss(CashMovementChoice(self._kind, amount, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CloseShiftModal(ModalScreen["ClosedShift | None"]):
    """The Z: the manager types the drawer's count by notes and coins (£50 down to 1p), sees what was
    expected and the difference, gives a note if they differ, and closes. A difference never blocks it.

    The count is typed into the dialog itself (digits, Backspace, Enter or Down for the next note or
    coin, Up for the one before), not into twelve fields: keys typed fast all land where they were
    meant to, as no focus moves between them. After 1p, Enter goes to the note; Enter there, or F10, closes.
    """

    BINDINGS = [
        Binding("enter", "next", "Next"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Back", show=False),
        Binding("f10", "close_shift", "Close shift (Z)"),
        Binding("escape", "cancel", "Cancel"),
    ]
    DIGITS_MAX = 5  # 99,999 of one note or coin
    AUTO_FOCUS = None  # the count is typed into the dialog; the note field is focused only after 1p

    def __init__(self, core: TillCore, manager: StaffMember) -> None:
        super().__init__()
        self._core = core
        self._manager = manager
        self._expected: CashUp | None = None
        self._z_running = False  # never `_closing` or `_closed`: Textual's MessagePump owns those names
        self._typed = {pence: "" for pence in DRAWER}
        self._cell = 0  # which note or coin is being typed; len(DRAWER) is the note field

    def compose(self) -> ComposeResult:
        with Vertical(id="close-dialog", classes="dialog"):
            yield Label(f"Close the shift at till {self._core.till} (Z): count the drawer", classes="dialog-title",
                        markup=False)
            with Grid(id="drawer-count"):
                for pence in DRAWER:
                    yield Label(denomination_label(pence), classes="denomination")
                    yield Label("0", id=f"count-{pence}", classes="count")
            yield Label("", id="count-total", markup=False)
            yield DialogInput(placeholder="A note on any difference (optional)", id="close-note")
            yield Label("", id="close-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#close-note", Input).can_focus = False  # until the count is done
        self.set_focus(None)
        self._show_cell()
        self._show_total()
        self._core.cash_up(self._expected_read)

    def _expected_read(self, result: CashUp | Exception) -> None:
        if isinstance(result, Exception):
            self.query_one("#close-error", Label).update(str(result))
            return
        self._expected = result
        self._show_total()

    def counted(self) -> dict[int, int]:
        """How many of each note and coin were typed (blank is none)."""
        return {pence: int(text) for pence, text in self._typed.items() if text}

    def _show_cell(self) -> None:
        for index, pence in enumerate(DRAWER):
            cell = self.query_one(f"#count-{pence}", Label)
            cell.update(self._typed[pence] or "0")
            cell.set_class(index == self._cell, "typing")

    def _show_total(self) -> None:
        total = sum(pence * how_many for pence, how_many in self.counted().items())
        words = f"Counted {format_pence(total)}"
        if self._expected is not None:
            expected = self._expected.expected_cash_pence
            variance = total - expected
            difference = "right" if variance == 0 else f"{format_pence(abs(variance))} {'short' if variance < 0 else 'over'}"
            words += f"   Expected {format_pence(expected)}   {difference}"
        self.query_one("#count-total", Label).update(words)

    def on_key(self, event: events.Key) -> None:
        """Digits and Backspace edit the note or coin being typed, Enter, Down and Up move between them
        (handled here, in the order typed; the note field takes its own keys)."""
        if self._cell >= len(DRAWER):
            note = self.query_one("#close-note", Input)
            if self.focused is not note and event.is_printable and event.character:  # typed before its focus moved
                note.insert_text_at_cursor(event.character)
                event.stop()
            return
        pence = DRAWER[self._cell]
        if event.key in ("enter", "down", "up"):
            self.action_move(-1 if event.key == "up" else 1)
        elif event.character is not None and event.character.isascii() and event.character.isdigit():
            if len(self._typed[pence]) < self.DIGITS_MAX:
                self._typed[pence] = (self._typed[pence] + event.character).lstrip("0")
        elif event.key == "backspace":
            self._typed[pence] = self._typed[pence][:-1]
        else:
            return
        event.stop()
        event.prevent_default()
        self._show_cell()
        self._show_total()

    def action_move(self, step: int) -> None:
        self._cell = max(0, min(len(DRAWER), self._cell + step))
        note = self.query_one("#close-note", Input)
        note.can_focus = self._cell == len(DRAWER)
        if note.can_focus:
            note.focus()
        else:
            self.set_focus(None)
        self._show_cell()

    def action_next(self) -> None:
        """Enter moves down the count, then to the note; Enter on the note closes."""
        if self._cell >= len(DRAWER):
            self.action_close_shift()
        else:
            self.action_move(1)

    def action_close_shift(self) -> None:
        if self._z_running:
            return
        self._z_running = True
        note = self.query_one("#close-note", Input).value
        self.query_one("#close-error", Label).update("Closing the shift...")
        self._core.close_shift(self.counted(), note, self._manager, self._z_done)

    def _z_done(self, result: ClosedShift | Exception) -> None:
        self._z_running = False
        if isinstance(result, Exception):
            self.query_one("#close-error", Label).update(str(result))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
