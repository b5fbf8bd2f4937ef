"""Killing a selling till (tests/procs/sell_loop.py) with SIGKILL at random moments, round after round,
and accounting for every receipt number afterwards."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from procs.tills import PROCS, REPO

LINE_TIMEOUT_S = 60


@dataclass
class Round:
    """What one till heard between its start and its kill."""

    number: int
    sold: list[tuple[str, int]] = field(default_factory=list)  # (basket key, receipt no), reported after commit
    in_flight: str | None = None  # the basket begun and not heard back from when the kill came
    retried: tuple[str, int, bool] | None = None  # (key, receipt no, whether the ledger answered with a sale it had)


class KillingTill:
    """The sell loop as a context manager; `round(delay)` starts a till, kills it `delay` seconds after
    it began selling, and returns what it reported."""

    def __init__(self, url: str, till: str, stderr: Path) -> None:
        self._stderr_path = stderr
        self._stderr = open(stderr, "w", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        self._process = subprocess.Popen(
            [sys.executable, str(PROCS / "sell_loop.py"), url, till],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True, cwd=REPO,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._expect("ready")

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line.strip())
        self._lines.put("")  # the pipe closed

    def _next(self) -> str:
        try:
            line = self._lines.get(timeout=LINE_TIMEOUT_S)
        except queue.Empty:
            raise AssertionError(f"the till said nothing for {LINE_TIMEOUT_S} s\n{self.errors()}") from None
        if not line:
            raise AssertionError(f"the sell loop ended\n{self.errors()}")
        return line

    def _expect(self, word: str) -> list[str]:
        line = self._next()
        if line.split()[0] != word:
            raise AssertionError(f"expected {word!r}, the till said {line!r}\n{self.errors()}")
        return line.split()[1:]

    def errors(self) -> str:
        self._stderr.flush()
        return self._stderr_path.read_text(encoding="utf-8")[-3000:]

    def round(self, number: int, delay_s: float, retry: str | None = None) -> Round:
        """A till that first retries basket `retry` (the last round's in flight), then sells till the kill."""
        assert self._process.stdin is not None
        self._process.stdin.write(f"fork {number}{' ' + retry if retry else ''}\n")
        self._process.stdin.flush()
        pid = int(self._expect("selling")[0])
        time.sleep(delay_s)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it died by itself: its `dead` line says how
        heard = Round(number, in_flight=retry)  # still unheard of until this till reports it, even if killed first
        while (line := self._next().split())[0] != "dead":
            if line[0] == "begin":
                heard.in_flight = line[1]
            elif line[0] in ("sold", "retried"):
                heard.sold.append((line[1], int(line[2])))
                heard.in_flight = None
                if line[0] == "retried":
                    heard.retried = (line[1], int(line[2]), line[3] == "repeated")
            else:
                raise AssertionError(f"the till said {line!r}\n{self.errors()}")
        if line[1:] != [str(pid), str(int(signal.SIGKILL))]:
            raise AssertionError(f"the till died on its own ({line}), not by the kill\n{self.errors()}")
        return heard

    def __enter__(self) -> KillingTill:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write("quit\n")
            self._process.stdin.close()
            self._process.wait(timeout=30)
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()
            self._stderr.close()
