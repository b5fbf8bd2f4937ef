"""A yes/no question before something that cannot be undone at the till (quitting with a basket left)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from pos.tui.widgets.footer import TillFooter


class ConfirmModal(ModalScreen[bool]):
    """`question`, answered with Y (True) or N / Esc (False)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, title: str, question: str) -> None:
        super().__init__()
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            yield Label(self._question, id="confirm-question", markup=False)
            yield Label("Y: yes    N or Esc: no", id="confirm-keys")
        yield TillFooter()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
