"""A tablet's browser on `pos display --serve`, in its own process (bench: scan_to_browser_p95).

    python -m bench.browser_follower URL PROFILE_DIR OUT

Opens URL in Debian's headless chromium (driven by Playwright, never a browser of its own), says `ready` once
the display is on the page, then writes to the file OUT a line each time xterm.js has drawn a screen whose basket lines differ
from the last one drawn: `SECONDS ROWS`, SECONDS when this process heard of it (`time.perf_counter`, the
machine's monotonic clock, which the till's probe uses too), ROWS the screen rows holding basket lines as a
JSON list; until it is terminated. (To a file: a pipe nobody reads until the end would fill and hold
the browser's reports back, as seen here after about 160 scans.)

Also the shared facts of driving that browser, for tests/served_page.py.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from typing import TextIO

CHROMIUM = "/usr/bin/chromium"
# As root in a container: no sandbox, no GPU, and nothing that reaches out to the internet on its own.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 1024}  # about 140 × 53 characters at textual-serve's 16 px font: two makers' codes fit
# textual-serve keeps its xterm.js Terminal in a local variable; this, run before the page's own scripts,
# catches it as it is stored (`this.terminal = new Terminal(...)`) as window.servedTerminal.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {configurable: true, set(value) {
  Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
  window.servedTerminal = value;
  if (window.onServedTerminal) window.onServedTerminal(value);
}});
"""
SCREEN_TEXT = """() => {
  const terminal = window.servedTerminal;
  if (!terminal) return "";
  const rows = [];
  for (let y = 0; y < terminal.rows; y++) rows.push(terminal.buffer.active.getLine(y).translateToString(true));
  return rows.join("\\n");
}"""
# After each frame xterm.js draws: the rows showing basket lines ("design · size · colour ... £price").
_WATCH_BASKET = """
window.onServedTerminal = (terminal) => {
  let last = null;
  terminal.onRender(() => {
    const rows = [];
    for (let y = 0; y < terminal.rows; y++) {
      const row = terminal.buffer.active.getLine(y).translateToString(true);
      if (/ · .* · .*£[0-9,]+\\.[0-9]{2}/.test(row)) rows.push(row);
    }
    const shown = JSON.stringify(rows);
    if (shown !== last) { last = shown; window.basketShown(shown); }
  });
};
"""


async def _follow(url: str, profile: str, out: TextIO) -> None:
    from playwright.async_api import Route, async_playwright

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    def shown(rows: str) -> None:
        out.write(f"{time.perf_counter():.6f} {rows}\n")
        out.flush()

    async def local_only(route: Route) -> None:  # the page's web font is on the internet
        await (route.continue_() if route.request.url.startswith(url) else route.abort())

    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS, viewport=VIEWPORT)  # type: ignore[arg-type]
        page = context.pages[0] if context.pages else await context.new_page()
        await page.route("**/*", local_only)
        await page.expose_function("basketShown", shown)
        await page.add_init_script(CATCH_TERMINAL + _WATCH_BASKET)
        await page.goto(url)
        await page.wait_for_function(f"() => ({SCREEN_TEXT})().includes('Makers')", timeout=30_000)
        print("ready", flush=True)
        await stop.wait()
        await context.close()


def main() -> None:
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        asyncio.run(_follow(sys.argv[1], sys.argv[2], out))


if __name__ == "__main__":
    main()
