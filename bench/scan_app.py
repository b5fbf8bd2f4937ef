"""A till (or the baseline app) with a probe inside, run in a real terminal by bench/tui.py.

    python -m bench.scan_app {till|till-discount|till-no-display|minimal} OUT.json EXPECTED_SCANS [LEDGER [--drain]]

`till-no-display` is the till with `[display] publish = false` (scan_to_basket_p95_display's baseline).

`till-discount` is the till with a signed-in staff member (a staff row of the bench ledger) and a
10% basket discount put on each basket before its first line is added, as F3 would: every scan
then prices the basket with its discount spread over the lines (scan_to_basket_p95_signed_in_discount).

The probe wraps two methods of the app instance, nothing else:
- App.post_message: the moment each key event reaches the app from the terminal driver. An Enter
  that comes straight after 13 digits is a scan, and its arrival starts that scan's clock.
- App._display: each screen update as it is handed to the terminal (a compositor update: the
  lines or spans of lines that changed, with their text). A scan's line counts as shown at the end
  of the first update that paints, inside the basket table, a screen line carrying that line's text
  (its first two cells, e.g. "Design 0001" and "XS Black"; every scanned SKU has its own).
When every expected scan has arrived and the last is shown, it writes OUT.json and exits.

With --drain (the till only; scan_to_basket_p95_ledger_locked), it also counts the till core's sale
events (paid, told the ledger is busy, completed, refused) and, once the last scan is shown, writes
OUT.scanned (how many sales are still saving) instead of exiting: it exits, writing OUT.json, only
when no sale is left saving (the bench releases the ledger's lock after reading OUT.scanned).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from textual import events
from textual._compositor import ChopsUpdate, LayoutUpdate
from textual.app import App
from textual.widgets import DataTable

TILL = "bench"  # the till the till app sells at (registered in every bench ledger)


def painted_lines(update: Any) -> dict[int, str]:
    """{screen y: text painted on that line} for a compositor update."""
    lines: dict[int, str] = {}
    if isinstance(update, LayoutUpdate):
        for y, line in enumerate(update.strips, update.region.y):
            lines[y] = "".join(strip.text for strip in line)
    elif isinstance(update, ChopsUpdate):
        for y, x1, x2 in update.spans:
            cells: dict[int, str] = {}
            for x, strip in update.chops[y].items():
                if strip is not None:
                    for offset, character in enumerate(strip.text):
                        cells[x + offset] = character
            lines[y] = "".join(cells.get(x, " ") for x in range(x1, x2))
    return lines


class Probe:
    def __init__(self, app: App[Any], out: Path, expected: int, drain: bool = False) -> None:
        self.app = app
        self.out = out
        self.expected = expected
        self.drain = drain
        self.sales: dict[str, Any] = {"paid": 0, "busy_notices": 0, "completed": 0, "refused": 0}
        self.keys = 0
        self.first_key: float | None = None
        self.scans: list[tuple[str, float]] = []  # (code, arrival of its Enter)
        self.shown: dict[str, float] = {}  # code -> end of the first update painting its line
        self.frames = 0
        self.ready_at: float | None = None
        self._typed = ""
        self._done = False
        post, display = app.post_message, app._display

        def post_message(message: Any) -> bool:
            if isinstance(message, events.Key):
                now = time.perf_counter()
                self.keys += 1
                if self.first_key is None:
                    self.first_key = now
                if message.key == "enter":
                    if len(self._typed) == 13 and self._typed.isdigit():
                        self.scans.append((self._typed, now))
                    self._typed = ""
                elif message.character and message.is_printable:
                    self._typed += message.character
                else:
                    self._typed = ""
            return post(message)

        def _display(screen: Any, renderable: Any) -> None:
            counts = renderable is not None and not app._batch_count
            display(screen, renderable)
            if counts:
                self._frame(renderable)

        app.post_message = post_message  # type: ignore[method-assign]
        app._display = _display  # type: ignore[method-assign]
        if drain:
            self._count_sales(app.core)  # type: ignore[attr-defined]

    def _count_sales(self, core: Any) -> None:
        """Count the core's sale events on their way to the screen (wraps the core's one reporting method)."""
        from pos.sales.till_core import SaleCompleted, SaleRefused, SaleSaving

        say = core._say

        def counting_say(event: Any) -> None:
            if isinstance(event, SaleSaving):
                self.sales["busy_notices" if event.busy else "paid"] += 1
            elif isinstance(event, SaleCompleted):
                self.sales["completed"] += 1
            elif isinstance(event, SaleRefused):
                self.sales["refused"] += 1
            say(event)

        core._say = counting_say

    def _basket(self) -> DataTable[Any] | None:
        for screen in self.app.screen_stack:
            try:
                return screen.query_one("#basket", DataTable)
            except Exception:  # noqa: BLE001 - not this screen, or not mounted yet
                continue
        return None

    def _codes(self, table: DataTable[Any]) -> list[str]:
        core = getattr(table.screen, "core", None)
        if core is not None:  # the till: its table shows the till core's basket lines in order
            return [line.variant.barcode for line in core.basket.lines]
        return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]

    def _frame(self, update: Any) -> None:
        now = time.perf_counter()
        self.frames += 1
        table = self._basket()
        if table is None:
            return
        if self.ready_at is None:
            self.ready_at = now
            self.out.with_suffix(".ready").write_text(str(now))
        pending = [code for code, _ in self.scans if code not in self.shown]
        if pending:
            region = table.region
            painted = [text for y, text in painted_lines(update).items() if region.y <= y < region.bottom]
            if painted:
                codes = self._codes(table)
                for code in pending:
                    if code not in codes:
                        continue
                    index = codes.index(code)
                    if index >= table.row_count:
                        continue
                    cells = [str(getattr(cell, "plain", cell)).strip() for cell in table.get_row_at(index)[:2]]
                    if any(all(cell in text for cell in cells) for text in painted):
                        self.shown[code] = now
        # Done once every scan has arrived and the last one is shown (in a burst, lines pushed out of
        # the window before the next screen update are never painted: the basket is checked instead).
        if not self._done and len(self.scans) >= self.expected and self.scans[-1][0] in self.shown:
            self._done = True
            if self.drain:
                self._wait_for_sales(now)
            else:
                self.write()
                self.app.call_later(self.app.exit)

    def _wait_for_sales(self, now: float) -> None:
        """Every scan is shown: say how many sales are still saving, then exit once none is."""
        core = self.app.core  # type: ignore[attr-defined]
        self.sales["pending_at_last_scan"] = len(core.pending)
        self.sales["last_scan_shown_at"] = now
        self.out.with_suffix(".scanned").write_text(json.dumps(self.sales))
        exiting = False

        def check() -> None:
            nonlocal exiting
            if exiting or core.pending:
                return
            exiting = True
            self.sales["pending_at_exit"] = len(core.pending)
            self.sales["drained_at"] = time.perf_counter()
            self.write()
            self.app.exit()

        self.app.set_interval(0.05, check)

    def lines(self) -> list[str]:
        """The codes on the basket's lines now, top to bottom."""
        table = self._basket()
        return self._codes(table) if table is not None else []

    def write(self) -> None:
        self.out.write_text(json.dumps({
            "first_key": self.first_key, "scans": self.scans, "shown": self.shown, "keys": self.keys,
            "frames": self.frames, "ready_at": self.ready_at, "lines": self.lines(),
            **({"sales": self.sales} if self.drain else {}),
        }))


def build(kind: str, ledger: str | None) -> App[Any]:
    if kind == "minimal":
        from bench.minimal_app import MinimalScanApp

        return MinimalScanApp()
    from pos.config import Settings
    from pos.ledger import open_ledger
    from pos.tui.app import TillApp
    from receipts.printers import PrinterSettings

    settings = Settings(printer=PrinterSettings(kind="none"), display_publish=kind != "till-no-display")
    engine = open_ledger(f"sqlite:///{ledger}")
    from bench.ledgers import bench_cashier

    app = TillApp(lambda: engine, TILL, settings, signed_in=bench_cashier(engine))
    if kind == "till-discount":
        _sign_in_with_a_basket_discount(app, engine)
    return app


def _sign_in_with_a_basket_discount(app: Any, engine: Any) -> None:
    """The bench's staff member signed in at the till core, and a 10% basket discount on every new basket."""
    from common.values import Actor
    from pos.sales.pricing import Discount
    from pos.staff.services import add_staff, staff_member, unit_of_work

    try:
        member = staff_member(engine, "BENCH")
    except Exception:  # noqa: BLE001 - first run on this ledger: the bench's manager is added
        add_staff(unit_of_work(engine, Actor("bench")), "BENCH", "Bench", "manager")
        member = staff_member(engine, "BENCH")
    core = app.core
    core.actor = Actor.signed_in(member, TILL, core.actor.clock)
    discount = Discount.percent(1000, core.rules.discount_reasons[0])
    add = core.add

    def add_to_a_discounted_basket(variant: Any) -> None:
        if core.basket.discount is None:
            core.basket.set_discount(discount)
        add(variant)

    core.add = add_to_a_discounted_basket


def main() -> None:
    args = [arg for arg in sys.argv[1:] if arg != "--drain"]
    drain = len(args) < len(sys.argv) - 1
    kind, out, expected = args[0], Path(args[1]), int(args[2])
    if drain and kind == "minimal":
        raise SystemExit("--drain is for the till (it waits for the till core's sales)")
    app = build(kind, args[3] if len(args) > 3 else None)
    Probe(app, out, expected, drain)
    app.run()


if __name__ == "__main__":
    main()
