"""The manager menu (F12, after a manager's code and PIN): what needs authority at the till besides a sale,
the shift's paid-ins, paid-outs and its Z among them.

Each choice is on a digit key and in a list (Up/Down, Enter); the till core does it with the
approving manager, and the services check them again and audit it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from pos.tui.widgets.footer import TillFooter


def menu_choices(training: bool) -> tuple[tuple[str, str], ...]:
    """(choice, words) in menu order; the digit key is the position. Add new manager actions here."""
    return (
        ("no_sale", "No sale: open the cash drawer"),
        ("cancel_basket", "Cancel the basket (its lines are recorded)"),
        ("training", "Training off: sales are real again" if training else "Training on: practice sales, recorded nowhere"),
        ("clear_parked", "Clear parked baskets from earlier days"),
        ("paid_in", "Paid in: cash into the drawer, with a reason"),
        ("paid_out", "Paid out: cash out of the drawer, with a reason"),
        ("x_report", "X report: the shift so far, printed (closes nothing)"),
        ("close_shift", "Close the shift: count the drawer (the Z)"),
    )


class ManagerMenuModal(ModalScreen["str | None"]):
    """Dismissed with the chosen action's name, or None (Esc)."""

    BINDINGS = [
        Binding("enter", "choose", "Choose"),
        Binding("up", "move(-1)", "Up", key_display="↑"),
        Binding("down", "move(1)", "Down", key_display="↓"),
        *(Binding(str(number), f"pick({number - 1})", f"{number}", show=False) for number in range(1, 10)),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, manager_name: str, training: bool) -> None:
        super().__init__()
        self._manager_name = manager_name
        self._choices = menu_choices(training)

    def compose(self) -> ComposeResult:
        with Vertical(id="manager-dialog", classes="dialog"):
            yield Label(f"Manager menu ({self._manager_name})", classes="dialog-title", markup=False)
            menu = OptionList(
                *(Option(Text(f"{number}  {words}")) for number, (_, words) in enumerate(self._choices, start=1)),
                id="manager-menu",
            )
            menu.can_focus = False  # the dialog's own keys move and choose
            yield menu
            yield Label("A digit or Enter chooses; Esc closes.", id="manager-hint")
        yield TillFooter()

    def on_mount(self) -> None:
        self.query_one("#manager-menu", OptionList).highlighted = 0

    def action_move(self, step: int) -> None:
        menu = self.query_one("#manager-menu", OptionList)
        if step < 0:
            menu.action_cursor_up()
        else:
            menu.action_cursor_down()

    def action_choose(self) -> None:
        highlighted = self.query_one("#manager-menu", OptionList).highlighted
        if highlighted is not None:
            self.action_pick(highlighted)

    def action_pick(self, index: int) -> None:
        if index < len(self._choices):
            self.dismiss(self._choices[index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)
