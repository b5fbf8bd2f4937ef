"""Screens where a barcode scanner does the work outside a sale: a stock count and receiving a delivery.

Both take the newest open session (a count, a delivery), as the person signed in. Each scan is one
garment; F7 (or typing `*3`) makes the next scan count 3; F8 (or `undo`) takes back the last scan;
an unknown barcode rings the bell and does nothing. Writes run on the core's sales lane, in the order
scanned, so a burst from the scanner is taken exactly.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label, Static

from common.errors import PosError, UnknownCode
from pos.stock import quantity_key
from pos.tui.widgets.footer import TillFooter
from pos.tui.widgets.message_line import MessageLine
from pos.tui.widgets.scan_input import ScanInput

if TYPE_CHECKING:
    from pos.sales.till_core import TillCore

SHOWN = 12  # answers kept on screen, newest last


class ScanningScreen(Screen[None]):
    """The shared shape; a subclass names its session and says how a scan and an undo are written."""

    TITLE = ""
    DONE = ""  # "Counted", "Received": the verb of a scan's answer
    BINDINGS = [
        Binding("f7", "quantity_key", "Qty next"),
        Binding("f8", "undo", "Undo"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, core: TillCore) -> None:
        super().__init__()
        self.core = core
        self.session_id: int | None = None
        self.multiplier = 1
        self._answers: deque[str] = deque(maxlen=SHOWN)

    def compose(self) -> ComposeResult:
        yield Label(self.TITLE, classes="dialog-title scanning-title")
        yield Label("Finding where to scan...", id="scanning-scope", markup=False)
        yield ScanInput(placeholder="Scan each garment (F7: the next scan counts more; F8: undo)", id="scanning-scan")
        yield Static("", id="scanning-log", markup=False)
        yield MessageLine("", id="scanning-message")
        yield TillFooter(compact=True, show_command_palette=False)

    # --- what a subclass provides -------------------------------------------------------------

    def find_session(self) -> tuple[int, str] | None:
        """On a worker thread: the session to scan into (id, words for the header), or None."""
        raise NotImplementedError

    def write_scan(self, session_id: int, code: str, quantity: int) -> Any:
        """On a worker thread: write one scan; returns what was done (with sku, label, quantity, total)."""
        raise NotImplementedError

    def write_undo(self, session_id: int) -> Any:
        raise NotImplementedError

    def no_session(self) -> str:
        raise NotImplementedError

    def unit_of_work(self) -> Any:
        """A unit of work as the person signed in (the faces import no database module)."""
        from pos.staff.services import unit_of_work

        return unit_of_work(self.core.engine, self.core.actor)

    def opened(self, session_id: int) -> None:
        """The session scanning goes into was found (a subclass may keep it)."""

    # --- the shared work ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.query_one("#scanning-scan", ScanInput).focus()
        self.core.lanes.sales.submit(self.find_session, self._found)

    def _found(self, result: tuple[int, str] | None | Exception) -> None:
        if not self.is_attached:
            return
        if result is None or isinstance(result, Exception):
            self.say(self.no_session() if result is None else f"Could not read the ledger: {result}", error=True)
            return
        self.session_id, words = result
        self.opened(self.session_id)
        self.query_one("#scanning-scope", Label).update(f"{words}, as {self.core.actor.name}")

    def say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#scanning-message", MessageLine).say(text, error=error)

    @on(ScanInput.Scanned, "#scanning-scan")
    def _scanned(self, event: ScanInput.Scanned) -> None:
        event.stop()
        text = event.code.strip()
        key = quantity_key(text)
        if not text:
            return
        if key is not None:
            self._set_multiplier(key)
        elif text.lower() == "undo":
            self.action_undo()
        else:
            quantity = self._take_multiplier()  # now, in scan order: the write runs later, on a worker thread
            self._write(lambda session: self.write_scan(session, text, quantity), text)

    def _take_multiplier(self) -> int:
        quantity, self.multiplier = self.multiplier, 1
        return quantity

    def _set_multiplier(self, quantity: int) -> None:
        if quantity < 1:
            self.say("The next scan counts at least 1.", error=True)
            return
        self.multiplier = quantity
        self.say(f"The next scan counts {quantity}.")

    def action_undo(self) -> None:
        self._write(self.write_undo, "undo")

    def _write(self, write: Callable[[int], Any], code: str) -> None:
        if self.session_id is None:
            self.app.bell()
            self.say(self.no_session(), error=True)
            return
        session = self.session_id
        self.core.lanes.sales.submit(lambda: write(session), lambda result: self._written(result, code))

    def _written(self, result: Any, code: str) -> None:
        if not self.is_attached:
            return
        if isinstance(result, UnknownCode):
            self.app.bell()
            self.say(f"{code} is not in the catalogue: nothing {self.DONE.lower()}. Put it aside for a manager.",
                     error=True)
            return
        if isinstance(result, Exception):
            self.app.bell()
            self.say(str(result) if isinstance(result, PosError) else f"Nothing done: {result}", error=True)
            return
        verb = "Undone" if result.quantity < 0 else self.DONE
        self._answers.append(f"{verb} {abs(result.quantity)} x {result.label} {result.sku}: "
                             f"{result.total} {self.DONE.lower()}")
        self.query_one("#scanning-log", Static).update("\n".join(self._answers))
        self.say("")

    def action_quantity_key(self) -> None:
        from pos.tui.screens.modals import QuantityModal

        def chosen(quantity: int | None) -> None:
            if quantity:
                self._set_multiplier(quantity)
            self.query_one("#scanning-scan", ScanInput).focus()

        self.app.push_screen(QuantityModal("The next scan counts", self.multiplier), chosen)

    def action_leave(self) -> None:
        self.dismiss(None)
