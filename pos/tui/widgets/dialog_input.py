"""A text field for dialogs: Enter is left to the dialog's own binding, which the footer shows."""

from __future__ import annotations

from typing import Any

from textual import events
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


class ChainedInput(DialogInput):
    """The first of two fields filled in a row (a staff code, then the PIN), Enter between them.

    Someone who knows their code types code, Enter, PIN, Enter without waiting. Those keys are all
    queued on this field before its Enter moves the focus on, so without this the PIN would land
    here, in plain sight. After an Enter with something typed, the printable keys and Backspace
    that follow go to the next field until this one is focused again.
    """

    def __init__(self, *args: Any, then: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._then = then  # the next field's selector
        self._handing_on = False

    async def _on_key(self, event: events.Key) -> None:
        if self._handing_on and (event.is_printable or event.key == "backspace"):
            event.stop()
            event.prevent_default()
            target = self.screen.query_one(self._then, Input)
            if event.key == "backspace":
                target.action_delete_left()
            elif event.character is not None:
                target.insert_text_at_cursor(event.character)
            return
        if event.key == "enter" and self.value.strip():
            self._handing_on = True
        await super()._on_key(event)

    def _on_focus(self, event: events.Focus) -> None:
        self._handing_on = False
        super()._on_focus(event)
