"""Lanes for the till core on Textual thread workers: the event loop never waits on the ledger or a printer."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from queue import Empty, SimpleQueue
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from pos.sales.till_core import Lanes

_POLL_S = 0.1  # how soon a lane's worker notices the till closing
_BATCH_S = 0.01  # a look-up lane hands back the answers it has within this long in one message


class LaneDone(Message):
    """A lane's job finished (or reported progress): run its continuation on the event loop."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self.callback = callback


class WorkerLane:
    """Jobs run one after another on one thread worker; continuations come back as LaneDone messages.

    With `batch`, jobs already queued (a scanner's burst) run together and their continuations come
    back in one message, in order, so a burst of 100 scans is not 100 round trips through the event
    loop (bench: scan_burst_last_line). A sales lane never batches: each sale reports as it saves.
    """

    def __init__(self, node: MessagePump, name: str, *, batch: bool = False) -> None:
        self._node = node
        self._batch = batch
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
                first = self._jobs.get(timeout=_POLL_S)
            except Empty:
                continue
            done = [_run_job(*first)]
            deadline = time.monotonic() + _BATCH_S
            while self._batch and time.monotonic() < deadline:
                try:
                    done.append(_run_job(*self._jobs.get_nowait()))
                except Empty:
                    break
            self._node.post_message(LaneDone(partial(_run_all, done)))


def _run_job(job: Callable[[], Any], then: Callable[[Any], None]) -> Callable[[], None]:
    try:
        result = job()
    except Exception as error:  # noqa: BLE001 - the continuation reports it; the lane goes on
        result = error
    return partial(then, result)


def _run_all(continuations: list[Callable[[], None]]) -> None:
    for continuation in continuations:
        continuation()


def worker_lanes(node: MessagePump) -> Lanes:
    return Lanes(
        lookups=WorkerLane(node, "lookups", batch=True), sales=WorkerLane(node, "sales"), printing=WorkerLane(node, "printing"),
        display=WorkerLane(node, "display"),  # its own: a slow printer must not hold the display back
    )
