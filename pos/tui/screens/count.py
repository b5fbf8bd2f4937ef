"""A stock count at the till (command palette: Stock count): scan a rail into the newest open count.

Each scan is one garment; F7 (or typing `*3`) makes the next scan count 3; F8 (or `undo`) takes back
your last scan; an unknown barcode rings the bell and counts nothing. The count is blind: the screen
shows what was counted, never what was expected. Scans are written on the core's sales lane, in the
order scanned, so a burst from the scanner is counted exactly.
"""

from __future__ import annotations

import re
from collections import deque
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label, Static

from common.errors import PosError, UnknownCode
from pos.tui.widgets.footer import TillFooter
from pos.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from pos.sales.till_core import TillCore
    from pos.stock.counts import Counted, CountSummary

_QUANTITY_KEY = re.compile(r"[*xX]\s*(\d{1,3})")
SHOWN = 12  # answers kept on screen, newest last


class CountScreen(Screen[None]):
    """Scanning into a stock count, as the signed-in person."""

    BINDINGS = [
        Binding("f7", "quantity_key", "Qty next"),
        Binding("f8", "undo", "Undo"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, core: TillCore) -> None:
        super().__init__()
        self.core = core
        self.count_id: int | None = None
        self.multiplier = 1
        self._answers: deque[str] = deque(maxlen=SHOWN)

    def compose(self) -> ComposeResult:
        yield Label("Stock count", id="count-title", classes="dialog-title")
        yield Label("Finding the open count...", id="count-scope", markup=False)
        yield ScanInput(placeholder="Scan each garment (F7: the next scan counts more; F8: undo)", id="count-scan")
        yield Static("", id="count-log", markup=False)
        yield Static("", id="count-message", markup=False)
        yield TillFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#count-scan", ScanInput).focus()
        engine = self.core.engine

        def find() -> list[CountSummary]:
            from pos.stock.counts import list_counts

            return list_counts(engine)

        self.core.lanes.lookups.submit(find, self._found)

    def _found(self, result: list[CountSummary] | Exception) -> None:
        if not self.is_attached:
            return
        if isinstance(result, Exception) or not result:
            self._say("No stock count is open. A manager starts one (pos count start); Esc goes back."
                      if not isinstance(result, Exception) else f"The counts could not be read: {result}", error=True)
            return
        newest = result[0]
        self.count_id = newest.count_id
        others = [str(summary.count_id) for summary in result[1:]]
        self.query_one("#count-scope", Label).update(
            f"Count {newest.count_id}: {newest.scope}, as {self.core.actor.name}"
            + (f" (also open: {', '.join(others)}; type #N to switch)" if others else "")
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#count-message", Static)
        message.update(text)
        message.set_class(error, "error")

    @on(ScanInput.Scanned, "#count-scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        text = event.code.strip()
        if not text:
            return
        key = _QUANTITY_KEY.fullmatch(text)
        if key:
            self._set_multiplier(int(key.group(1)))
        elif text.lower() == "undo":
            self.action_undo()
        elif text.startswith("#") and text[1:].isascii() and text[1:].isdigit():
            self.count_id = int(text[1:])
            self.query_one("#count-scope", Label).update(f"Count {self.count_id}, as {self.core.actor.name}")
        else:
            self._count(text)

    def _set_multiplier(self, quantity: int) -> None:
        if quantity < 1:
            self._say("The next scan counts at least 1.", error=True)
            return
        self.multiplier = quantity
        self._say(f"The next scan counts {quantity}.")

    def _count(self, code: str) -> None:
        if self.count_id is None:
            self.app.bell()
            self._say("No stock count is open: nothing counted.", error=True)
            return
        engine, actor, count_id, quantity = self.core.engine, self.core.actor, self.count_id, self.multiplier
        self.multiplier = 1

        def job() -> Counted:
            from inventory.db import UnitOfWork
            from pos.stock.counts import scan_into_count

            return scan_into_count(UnitOfWork(engine, actor), count_id, code, quantity)

        self.core.lanes.sales.submit(job, lambda result: self._counted(result, code))

    def action_undo(self) -> None:
        if self.count_id is None:
            return
        engine, actor, count_id = self.core.engine, self.core.actor, self.count_id

        def job() -> Counted:
            from inventory.db import UnitOfWork
            from pos.stock.counts import undo_last_scan

            return undo_last_scan(UnitOfWork(engine, actor), count_id)

        self.core.lanes.sales.submit(job, lambda result: self._counted(result, "undo"))

    def _counted(self, result: Counted | Exception, code: str) -> None:
        if not self.is_attached:
            return
        if isinstance(result, UnknownCode):
            self.app.bell()
            self._say(f"{code} is not in the catalogue: nothing counted. Put it aside for a manager.", error=True)
            return
        if isinstance(result, Exception):
            self.app.bell()
            self._say(str(result) if isinstance(result, PosError) else f"Not counted: {result}", error=True)
            return
        verb = "Undone" if result.quantity < 0 else "Counted"
        self._answers.append(f"{verb} {abs(result.quantity)} x {result.label} {result.sku}: {result.total} counted")
        self.query_one("#count-log", Static).update("\n".join(self._answers))
        self._say("")

    def action_quantity_key(self) -> None:
        from pos.tui.screens.modals import QuantityModal

        def chosen(quantity: int | None) -> None:
            if quantity:
                self._set_multiplier(quantity)
            self.query_one("#count-scan", ScanInput).focus()

        self.app.push_screen(QuantityModal("The next scan counts", self.multiplier), chosen)

    def action_leave(self) -> None:
        self.dismiss(None)
