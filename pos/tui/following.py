"""What the customer display and the story wall share: a screen that follows the ledger and only reads it.

Each asks its `source` on a worker thread every `poll_s` seconds (never two questions at once), so a slow
or lost ledger never freezes the screen; a failure shows the `lost` line over what is up and the next
answer takes it away. The consented makers are read at first and then every MAKERS_REFRESH_S. Served to a
browser (--serve), the page takes anyone's keys: only Ctrl+Q, no command palette.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from textual.app import App
from textual.binding import Binding
from textual.widgets import Label

from pos.display.state import DisplayMaker

MAKERS_REFRESH_S = 60.0  # how often the consented makers are read again
Answer = TypeVar("Answer")


class FollowingApp(App[None], Generic[Answer]):
    """A screen following the ledger: subclasses draw an answer (`_show`) and say when they need the makers."""

    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]
    ENABLE_COMMAND_PALETTE = False  # served to a browser, anyone at its keyboard could re-theme or quit it

    def __init__(
        self, source: Callable[[], Answer], makers: Callable[[], list[DisplayMaker]], *, title: str, poll_s: float,
        lost: str,
    ) -> None:
        super().__init__()
        self.title = title
        self._source = source
        self._makers_source = makers
        self._poll_s = poll_s
        self._reading = False
        self._lost = False
        self._makers: list[DisplayMaker] = []
        self._makers_read_at: float | None = None
        # Made once and kept (never looked up: a timer may still fire while the app closes).
        self._connection = Label(lost, id="connection")

    def on_mount(self) -> None:
        self._connection.display = False
        self._poll()
        self.set_interval(self._poll_s, self._poll)

    def _poll(self) -> None:
        """Ask the ledger on a worker thread, unless the last question is still out."""
        if not self._reading:
            self._reading = True
            self.run_worker(self._read, thread=True, group="read", exit_on_error=False)

    def _read(self) -> None:
        try:
            answer = self._source()
            makers = self._read_makers() if self._wants_makers(answer) else None
        except Exception:  # noqa: BLE001 - any failure of the ledger: say so, and ask again on the next tick
            self.call_from_thread(self._show_lost)
        else:
            self.call_from_thread(self._show_found, answer, makers)
        finally:
            self._reading = False

    def _wants_makers(self, answer: Answer) -> bool:
        """Whether to read the makers with this answer (at most every MAKERS_REFRESH_S)."""
        return True

    def _read_makers(self) -> list[DisplayMaker] | None:
        """The consented makers, at first and then every MAKERS_REFRESH_S; None: keep those known."""
        now = time.monotonic()
        if self._makers_read_at is not None and now - self._makers_read_at < MAKERS_REFRESH_S:
            return None
        makers = [maker for maker in self._makers_source() if maker.consented]
        self._makers_read_at = now
        return makers

    def _show_lost(self) -> None:
        self._lost = True
        self._connection.display = True

    def _show_found(self, answer: Answer, makers: list[DisplayMaker] | None) -> None:
        if self._lost:
            self._lost = False
            self._connection.display = False
        self._show(answer, makers)

    def _show(self, answer: Answer, makers: list[DisplayMaker] | None) -> None:
        raise NotImplementedError
