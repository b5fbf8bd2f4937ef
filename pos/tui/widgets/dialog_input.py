"""A text field for dialogs: Enter is left to the dialog's own binding, which the footer shows."""

from __future__ import annotations

from textual.widgets import Input

from pos.tui.widgets.scan_input import SCROLL_ACTIONS


class DialogInput(Input):
    """An Input without its own Enter action.

    The stock Input binds Enter (hidden) ahead of the dialog, so the footer would never show what
    Enter does. Disabling the field's submit lets the key reach the dialog's binding; it still
    arrives after the characters typed before it.
    """

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit" or action in SCROLL_ACTIONS:
            return False
        return super().check_action(action, parameters)
