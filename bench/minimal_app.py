"""The baseline Textual app: a scan field and a table, no database. `python -m bench.minimal_app` runs it.

It does what the till does on a scan, minus the ledger: the field hands over each Enter-terminated
entry on its own (Enter handled in the field's key handler, as a scanner's burst needs), and a row is
added to the table with the cursor moved onto it; F6 empties the table, as a completed sale empties
the till's basket. Same size, same first-screen text as the till.
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, Static

READY = "Scan an item, or type part of a name and press Enter."


class MinimalScanField(Input):
    class Scanned(Message):
        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            code, self.value = self.value, ""
            self.post_message(self.Scanned(code))


class MinimalScanApp(App[None]):
    CSS = "#basket { height: 1fr; }"
    BINDINGS = [("f6", "complete", "Pay")]

    def compose(self) -> ComposeResult:
        yield MinimalScanField(placeholder="Scan a barcode", id="scan")
        yield DataTable(id="basket", cursor_type="row")
        yield Static(READY, id="message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#basket", DataTable)
        for label, width in (("Item", 30), ("Qty", 3), ("Price", 8), ("Total", 9)):
            table.add_column(label, width=width)
        self.query_one("#scan", MinimalScanField).focus()

    def on_minimal_scan_field_scanned(self, event: MinimalScanField.Scanned) -> None:
        if not event.code:
            return
        table = self.query_one("#basket", DataTable)
        table.add_row(event.code, "1", "£1.00", "£1.00")
        table.move_cursor(row=table.row_count - 1, animate=False)

    def action_complete(self) -> None:
        """A sale is done: an empty basket for the next (what F6 and Enter do at the till, minus the ledger)."""
        self.query_one("#basket", DataTable).clear()


if __name__ == "__main__":
    MinimalScanApp().run()
