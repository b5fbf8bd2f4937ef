"""A `pos ... --serve` screen opened in a real headless browser: Debian's chromium, driven by Playwright
(never a browser of Playwright's own). What the page shows is read two ways: the text of the terminal's
screen from xterm.js's own buffer (what it draws), and the pixels from a screenshot.

textual-serve keeps its xterm.js Terminal in a local variable; a script run before the page's own catches
it as it is stored (bench.browser_follower.CATCH_TERMINAL), so the test reads the very buffer xterm.js draws.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(REPO))

from bench.browser_follower import CATCH_TERMINAL, CHROMIUM, CHROMIUM_FLAGS, SCREEN_TEXT, VIEWPORT  # noqa: E402
from pdf_codes import decode  # noqa: E402

WAIT_MS = 10_000


def need_chromium() -> str:
    """Debian's chromium, or a skip on a developer's machine without it (in CI, .ci/run installs it: a failure)."""
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    message = f"{CHROMIUM} missing: apt-get install -y chromium (.ci/run does this)."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class Served:
    url: str
    server: subprocess.Popen[str]

    def check_started(self, argv: list[str], *, hiding: str) -> None:
        """The server started `python -m pos ARGV` for the page, with `hiding` (the ledger's URL) on no command
        line of any process it started, where `ps` would show it."""
        started = self.descendants_command_lines()
        assert ["-m", "pos", *argv] in [line[1:] for line in started], started
        assert not any(hiding in part for line in started for part in line)

    def descendants_command_lines(self) -> list[list[str]]:
        """The command lines of every process the server started (and they started), from /proc."""
        lines, pids = [], [self.server.pid]
        while pids:
            pid = pids.pop()
            for children in Path(f"/proc/{pid}/task").glob("*/children"):
                for child in children.read_text().split():
                    pids.append(int(child))
                    lines.append(Path(f"/proc/{child}/cmdline").read_bytes().decode().rstrip("\0").split("\0"))
        return lines


@contextmanager
def served(args: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> Iterator[Served]:
    """`python -m pos ARGS --serve` on 127.0.0.1 at a free port until the block ends.

    Its output goes to `log` (a pipe nobody reads would fill and stop the server)."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "pos", *args, "--serve", "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 15
        while "Serving " not in log.read_text():
            assert server.poll() is None, f"the server stopped:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"the server did not start:\n{log.read_text()}"
            time.sleep(0.05)
        yield Served(f"http://127.0.0.1:{port}/", server)
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl+C, as a person stops it
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            raise


class Browser:
    """One headless chromium page on a served screen, keeping every byte the server sent it."""

    def __init__(self, url: str, profile: Path) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._context = self._playwright.chromium.launch_persistent_context(
            str(profile), executable_path=need_chromium(), headless=True, args=CHROMIUM_FLAGS, viewport=VIEWPORT)
        self.received = bytearray()
        page = self._context.pages[0] if self._context.pages else self._context.new_page()
        page.route("**/*", self._local_only)
        page.add_init_script(CATCH_TERMINAL)
        page.on("websocket", lambda socket: socket.on("framereceived", self._keep))
        page.goto(url)
        self.page = page

    def _local_only(self, route) -> None:  # type: ignore[no-untyped-def]
        """The page asks for a web font on the internet: a store's network may have none, and a test never does."""
        if route.request.url.startswith("http://127.0.0.1:"):
            route.continue_()
        else:
            route.abort()

    def _keep(self, payload: bytes | str) -> None:
        self.received += payload if isinstance(payload, bytes) else payload.encode()

    def screen_text(self) -> str:
        """The terminal's screen as xterm.js holds it, one line a row."""
        text: str = self.page.evaluate(SCREEN_TEXT)
        return text

    def wait_for(self, text: str) -> str:
        """Wait until `text` is on the screen; return the whole screen then."""
        self.page.wait_for_function(f"() => ({SCREEN_TEXT})().includes({json.dumps(text)})", timeout=WAIT_MS)
        return self.screen_text()

    def codes(self, path: Path, expected: list[str]) -> list[str]:
        """The QR codes zbarimg reads in a screenshot of the page, in the order read, once they are `expected`
        or after WAIT_MS: xterm.js draws on the next animation frame, so a screenshot may still hold the last one."""
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:
            self.page.screenshot(path=str(path))
            found = [data for symbology, data in decode([path])[0] if symbology == "QR-Code"]
            if found == expected or time.monotonic() > deadline:
                return found

    def close(self) -> None:
        self._context.close()
        self._playwright.stop()


@contextmanager
def browser(url: str, profile: Path) -> Iterator[Browser]:
    opened = Browser(url, profile)
    try:
        yield opened
    finally:
        opened.close()
