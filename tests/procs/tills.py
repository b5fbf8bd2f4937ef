"""Starting till worker processes (tests/procs/till_worker.py) together and collecting what each said."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROCS = Path(__file__).resolve().parent
REPO = PROCS.parent.parent


@dataclass(frozen=True)
class Finished:
    till: str
    returncode: int
    reports: list[dict[str, Any]]  # the JSON lines it printed, one per operation done
    stderr: str


def _finish(till: str, worker: subprocess.Popen[str], timeout_s: float) -> Finished:
    out, err = worker.communicate(timeout=timeout_s)
    return Finished(till, worker.returncode, [json.loads(line) for line in out.splitlines()], err)


def run_tills(url: str, tills: Sequence[tuple[str, Sequence[str]]], timeout_s: float = 600) -> list[Finished]:
    """Start one worker per (till, extra arguments), wait until every one is ready, let them all go at
    once, and wait for them to finish."""
    workers = [
        (till, subprocess.Popen(
            [sys.executable, str(PROCS / "till_worker.py"), url, till, *extra],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        ))
        for till, extra in tills
    ]
    try:
        for till, worker in workers:
            assert worker.stdout is not None
            ready = worker.stdout.readline().strip()
            if ready != "ready":
                worker.kill()
                raise AssertionError(f"{till} did not start: {ready!r} {worker.communicate()[1][-3000:]}")
        for _, worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        with ThreadPoolExecutor(len(workers)) as pool:  # read every pipe at once, so no till waits on a full one
            return list(pool.map(lambda pair: _finish(*pair, timeout_s), workers))
    finally:
        for _, worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
