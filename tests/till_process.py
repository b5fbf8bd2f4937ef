"""A till core in its own process (tests/procs/till_driver.py), for a display to follow from another one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


class Till:
    """A till core in its own process, on the ledger at `url`: `do("scan CODE")`, `do("card")`."""

    def __init__(self, url: str, till: str = "till-1") -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "tests" / "procs" / "till_driver.py"), url, till],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert self._answer() == "ready"

    def _answer(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def do(self, command: str) -> None:
        """Do `command` and return once the till has done it (and published its basket)."""
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        assert self._answer() == "done"

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=30) == 0
