"""The scan field: a USB barcode scanner types digits and Enter, faster than the screen refreshes."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input

# Keys that end an entry: Enter (CR), and ctrl+j (LF) from scanners set to send a line feed.
ENTRY_KEYS = frozenset({"enter", "ctrl+j"})

# Scrolling bindings every widget inherits; a one-line field passes these keys on instead.
SCROLL_ACTIONS = frozenset({"scroll_up", "scroll_down", "page_up", "page_down", "page_left", "page_right"})


class ScanInput(Input):
    """An Input that hands over each Enter-terminated entry on its own, even inside a burst.

    The stock Input submits from a binding, which runs only after the Enter has bubbled up to the
    app; by then the next scan's digits, queued behind it, are already in the field and the two
    codes come out merged. Here Enter is handled in the field's own key handler, in queue order:
    the value is taken and cleared before the next key is processed.
    """

    class Scanned(Message):
        """An entry was completed with Enter: a barcode, a SKU or part of a name."""

        def __init__(self, scan_input: ScanInput, code: str) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.code = code

        @property
        def control(self) -> ScanInput:
            return self.scan_input

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A one-line field has nothing to scroll: let Up/Down/PgUp/PgDn reach the screen's bindings.
        if action in SCROLL_ACTIONS:
            return False
        return super().check_action(action, parameters)

    async def _on_key(self, event: events.Key) -> None:
        if event.key in ENTRY_KEYS:
            event.stop()
            event.prevent_default()  # the base Input's key handler must not see it either
            self._hand_over()

    async def action_submit(self) -> None:
        self._hand_over()

    def _hand_over(self) -> None:
        code = self.value
        self.value = ""
        self.post_message(self.Scanned(self, code))
