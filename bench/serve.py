"""Bench section `serve`: the customer display served to a browser (`pos display --serve`, issue 12).

The till app in tmux takes paced scans (as in the `display` section) while, on the same ledger, `pos display
--serve` serves the display to a headless chromium (bench/browser_follower.py) and a display process reads the
till's published state (bench/display_follower.py, as `pos display` follows). Both followers see the same scans.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.browser_follower import CHROMIUM
from bench.common import Result, median, p95
from bench.ledgers import catalogue_ledger
from bench.scan_app import TILL
from bench.tui import REPO, Tmux, _scan_run, display_latencies

NAMES = ("scan_to_browser_p95",)


def have_chromium() -> bool:
    return os.path.exists(CHROMIUM)


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    scans, pace, basket = sizes["scans"], sizes["scan_pace_s"], sizes["basket_size"]
    ledger = work / "display.sqlite"
    cat = catalogue_ledger(ledger, max(sizes["skus"], scans), stock_each=1000)
    codes = cat.barcodes[:scans]
    line_texts = {code: f"{design} · {size} · {colour}"
                  for code, (_sku, design, size, colour) in zip(codes, cat.descriptions, strict=False)}
    port = _free_port()
    server_log = work / "serve.log"
    with server_log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "pos", "display", "--till", TILL, "--serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=work, env={**os.environ, "POS_DATABASE_URL": f"sqlite:///{ledger}"}, stdout=out, stderr=subprocess.STDOUT)
    tmux = Tmux()
    try:
        _wait_for(lambda: "Serving " in server_log.read_text(), server, server_log)
        log(f"serve: {scans} scans into the till, its display served to headless chromium and read by a display process")
        drawn = work / "serve-browser.txt"
        browser = _follower(["bench.browser_follower", f"http://127.0.0.1:{port}/", str(work / "chromium-profile"), str(drawn)])
        reader = _follower(["bench.display_follower", str(ledger), TILL])
        try:
            report = _scan_run(tmux, "till", codes, work / "serve.json", ledger, pace, basket)
        finally:
            _stop(browser)
            read = _stop(reader)
    finally:
        tmux.close()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    to_browser = browser_latencies(report["scans"], drawn.read_text(encoding="utf-8").splitlines(), line_texts)
    to_display = display_latencies(report["scans"], [line.split() for line in read], basket)
    return [
        Result(
            "scan_to_browser_p95", p95(to_browser) * 1e3, "ms", p95(to_display) * 1e3,
            "scan to the display process reading that state (scan_to_display), the same scans", "p95 < 500 ms",
            p95(to_browser) < 0.5,
            detail=(f"{scans} scans, {basket} to a sale, one every {pace * 1000:.0f} ms: each scan's Enter at the till "
                    "to headless chromium having drawn a `pos display --serve` page showing its line (xterm.js "
                    "onRender, told back to bench/browser_follower.py)"),
            extra={"p50_ms": median(to_browser) * 1e3, "max_ms": max(to_browser) * 1e3,
                   "baseline_p50_ms": median(to_display) * 1e3, "scans": len(to_browser)},
        ),
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_for(done, server: subprocess.Popen[bytes], server_log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    while not done():
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"pos display --serve did not start:\n{server_log.read_text()[-3000:]}")
        time.sleep(0.05)


def _follower(module_args: list[str]) -> subprocess.Popen[str]:
    """A follower process, once it says `ready` (what it printed before that is left out)."""
    follower = subprocess.Popen([sys.executable, "-m", *module_args], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert follower.stdout is not None
    for line in follower.stdout:
        if line.strip() == "ready":
            return follower
    raise RuntimeError(f"{module_args[0]} ended before it was ready")


def _stop(follower: subprocess.Popen[str]) -> list[str]:
    """Terminate a follower; what it printed on its standard output since it was ready, one line each."""
    follower.terminate()
    said, _ = follower.communicate(timeout=30)
    return said.splitlines()


def browser_latencies(scans: list[tuple[str, float]], drawn: list[str], line_texts: dict[str, str]) -> list[float]:
    """Seconds from each scan's Enter to the first screen the browser drew after it holding that scan's line
    (`SECONDS ROWS` lines from bench/browser_follower.py). The served display reads the till every 0.2 s, so
    a screen may hold two new lines at once; each scanned code is a different garment, so its line is its own."""
    screens = [(float(moment), json.loads(rows)) for moment, rows in (line.split(" ", 1) for line in drawn)]
    found: list[float] = []
    for number, (code, entered) in enumerate(scans):
        text = line_texts[code]
        shown = next((moment for moment, rows in screens if moment >= entered and any(text in row for row in rows)), None)
        if shown is None:
            raise AssertionError(f"the browser never drew scan {number + 1} ({text}) of the till")
        found.append(shown - entered)
    return found

