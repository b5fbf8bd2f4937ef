"""Lanes for the till core on Textual thread workers: the event loop never waits on the ledger or a printer."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from queue import Empty, SimpleQueue
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from pos.sales.till_core import Lanes

_POLL_S = 0.1  # how soon a lane's worker notices the till closing


class LaneDone(Message):
    """A lane's job finished (or reported progress): run its continuation on the event loop."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self.callback = callback


class WorkerLane:
    """Jobs run one after another on one thread worker; each continuation comes back as a LaneDone message."""

    def __init__(self, node: MessagePump, name: str) -> None:
        self._node = node
        self.in_flight = 0  # jobs submitted whose continuation has not run yet (event loop only)
        self._jobs: SimpleQueue[tuple[Callable[[], Any], Callable[[Any], None]]] = SimpleQueue()
        node.run_worker(self._run, name=name, group=name, thread=True, exit_on_error=False)

    def submit(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        self.in_flight += 1
        self._jobs.put((job, partial(self._done, then)))

    def _done(self, then: Callable[[Any], None], result: Any) -> None:
        self.in_flight -= 1
        then(result)

    def notify(self, callback: Callable[[], None]) -> None:
        self._node.post_message(LaneDone(callback))

    def _run(self) -> None:
        worker = get_current_worker()
        while not worker.is_cancelled and self._node.is_running:
            try:
                job, then = self._jobs.get(timeout=_POLL_S)
            except Empty:
                continue
            try:
                result = job()
            except Exception as error:  # noqa: BLE001 - the continuation reports it; the lane goes on
                result = error
            self._node.post_message(LaneDone(partial(then, result)))


def worker_lanes(node: MessagePump) -> Lanes:
    return Lanes(
        lookups=WorkerLane(node, "lookups"), sales=WorkerLane(node, "sales"), printing=WorkerLane(node, "printing")
    )
