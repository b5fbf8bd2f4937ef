"""The sign-in screen: the till opens on it and comes back to it when it locks.

Staff code, Enter, PIN (hidden), Enter. Someone with no PIN yet chooses one here (new PIN, then
again). The PIN is checked by the till core off the screen thread; wrong PINs and the lock-out
after five are the staff service's, and its words are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label

from common.errors import PosError
from common.money import format_pence
from common.values import StaffMember
from pos.sales.till_core import TillCore
from pos.tui.widgets.dialog_input import DialogInput
from pos.tui.widgets.footer import TillFooter

_PROMPTS = {
    "code": "Type your staff code and press Enter.",
    "pin": "Type your PIN and press Enter (Esc: another code).",
    "new": "{name} has no PIN yet: choose one of 4 to 8 digits and press Enter.",
    "confirm": "Type the new PIN again to confirm, then Enter.",
}


class SignInScreen(Screen[StaffMember]):
    """Who is serving: dismissed with the signed-in member. Nothing else is reachable from here but help and quit."""

    BINDINGS = [
        Binding("enter", "next", "Next"),
        Binding("escape", "start_over", "Start over"),
    ]

    def __init__(self, core: TillCore, title: str) -> None:
        super().__init__()
        self.core = core
        self._title = title
        self._stage = "code"
        self._code = ""
        self._new_pin = ""
        self._name = ""
        self._checking = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-bar"):
            yield Label(self._title, id="app-title", markup=False)
            yield Label(f"{self.core.store.name} · Till {self.core.till}", id="till-name", markup=False)
        with Center(id="sign-in-centre"):
            with Vertical(id="sign-in-box", classes="dialog"):
                yield Label("Sign in", classes="dialog-title")
                yield Label("Staff code", classes="sign-in-label")
                yield DialogInput(placeholder="e.g. AMA", id="sign-in-code", max_length=16)
                yield Label("PIN", id="sign-in-pin-label", classes="sign-in-label")
                yield DialogInput(placeholder="4 to 8 digits", id="sign-in-pin", password=True, max_length=8)
                yield Label(_PROMPTS["code"], id="sign-in-prompt", markup=False)
                yield Label("", id="sign-in-error", classes="dialog-error", markup=False)
                yield Label(self._kept(), id="sign-in-kept", markup=False)
        yield TillFooter(compact=True, show_command_palette=False)

    def _kept(self) -> str:
        """Tell whoever signs in that the basket was kept (a lock never loses one)."""
        basket = self.core.basket
        if basket.is_empty():
            return ""
        units = basket.units
        return f"The basket is kept: {units} item{'s' if units != 1 else ''}, {format_pence(basket.total_pence)}."

    def on_mount(self) -> None:
        self.query_one("#sign-in-code", Input).focus()

    def on_screen_resume(self) -> None:
        self._field().focus()

    def _field(self) -> Input:
        return self.query_one("#sign-in-code" if self._stage == "code" else "#sign-in-pin", Input)

    def _show_stage(self, stage: str, error: str = "") -> None:
        self._stage = stage
        self.query_one("#sign-in-pin-label", Label).update(
            {"new": "New PIN", "confirm": "New PIN again"}.get(stage, "PIN")
        )
        self.query_one("#sign-in-prompt", Label).update(_PROMPTS[stage].format(name=self._name))
        self.query_one("#sign-in-error", Label).update(error)
        pin = self.query_one("#sign-in-pin", Input)
        pin.value = ""
        if stage == "code":
            self.query_one("#sign-in-code", Input).value = ""
        self._field().focus()

    def action_next(self) -> None:
        if self._checking:
            return  # the last PIN is still being checked
        text = self._field().value.strip()
        if self._stage == "code":
            if text:
                self._code = text
                self._show_stage("pin")
            return
        if not text:
            return
        if self._stage == "pin":
            self._check(lambda then: self.core.sign_in(self._code, text, then))
        elif self._stage == "new":
            self._new_pin = text
            self._show_stage("confirm")
        elif text != self._new_pin:
            self._show_stage("new", "The two PINs differ. Choose your new PIN again.")
        else:
            self._check(lambda then: self.core.set_first_pin(self._code, text, then))

    def _check(self, start: Callable[[Callable[[StaffMember | Exception], None]], None]) -> None:
        self._checking = True
        self.query_one("#sign-in-prompt", Label).update("Checking...")
        start(self._answered)

    def _answered(self, result: StaffMember | Exception) -> None:
        self._checking = False
        if not self.is_attached:
            return
        if isinstance(result, StaffMember):
            self.dismiss(result)
            return
        from pos.staff.services import PinNotSet

        if isinstance(result, PinNotSet):
            self._name = result.member.name
            self._show_stage("new")
        elif isinstance(result, PosError):
            self._show_stage("pin" if self._stage == "pin" else "new", str(result))
        else:
            self._show_stage("code", "The sign-in did not answer. Check the ledger and try again.")

    def action_start_over(self) -> None:
        self._code = self._new_pin = ""
        self._show_stage("code")
