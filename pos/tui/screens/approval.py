"""A manager approves on the spot: their code and PIN over the cashier's screen, nobody signs out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from common.errors import PosError
from pos.tui.widgets.dialog_input import ChainedInput, DialogInput
from pos.tui.widgets.footer import TillFooter

if TYPE_CHECKING:
    from common.values import StaffMember
    from pos.sales.till_core import TillCore


class ApprovalModal(ModalScreen["StaffMember | None"]):
    """Asks a manager's code, then PIN; dismisses with the approving manager, or None when cancelled.

    The check runs in the till core off the screen thread; a refusal (wrong PIN, not a manager,
    locked) is shown in place and the PIN field is cleared for another try.
    """

    BINDINGS = [
        Binding("enter", "next", "Next / Approve"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, core: TillCore, what: str) -> None:
        super().__init__()
        self._core = core
        self._what = what
        self._checking = False
        self._stage = "code"  # then "pin": Enter after the code moves on, Enter after the PIN checks it

    def compose(self) -> ComposeResult:
        with Vertical(id="approval-dialog", classes="dialog"):
            yield Label("Manager approval", classes="dialog-title")
            yield Label(f"{self._what} needs a manager. Manager: type your code and PIN.", id="approval-what",
                        markup=False)
            yield ChainedInput(placeholder="Manager code", id="approval-code", then="#approval-pin")
            yield DialogInput(placeholder="PIN", password=True, id="approval-pin")
            yield Label("", id="approval-error", classes="dialog-error", markup=False)
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#approval-code", Input).focus()

    def action_next(self) -> None:
        code = self.query_one("#approval-code", Input)
        pin = self.query_one("#approval-pin", Input)
        if self._checking:
            return
        if not code.value.strip():
            self._error("Type the manager's staff code first.", code)
            return
        if self._stage == "code" or not pin.value:  # a PIN typed straight on is in the PIN field already
            self._stage = "pin"
            pin.focus()
            return
        self._checking = True
        self.query_one("#approval-error", Label).update("Checking...")
        self._core.approve(code.value.strip(), pin.value, self._what, self._checked)

    def _checked(self, result: StaffMember | Exception) -> None:
        self._checking = False
        if not self.is_attached:
            return
        if isinstance(result, Exception):
            message = str(result) if isinstance(result, PosError) else "The approval could not be checked. Try again."
            pin = self.query_one("#approval-pin", Input)
            pin.value = ""
            self._error(message, pin)
            return
        self.dismiss(result)

    def _error(self, message: str, field: Input) -> None:
        self.query_one("#approval-error", Label).update(message)
        field.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
