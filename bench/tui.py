"""1. Scan to basket and 5. Start-up, in a real terminal: tmux, 80×24, its own server socket.

Scan to basket: bench/scan_app.py runs the till (or the baseline app) with a probe inside; we type
into its pane with `tmux send-keys -l`, which writes the bytes into the pseudo-terminal at once, as a
USB scanner in keyboard mode does (13 digits and Enter per scan). Paced scans come one every
`scan_pace_s`; the burst is every code of the burst in ONE send-keys. Latency = end of the screen
update that first shows the scan's line − arrival of its Enter key at the app (see scan_app.py).

Scan to basket with the ledger locked: the same paced run into the till while another OS process
(bench/ledger_lock.py) holds the ledger's write lock (BEGIN IMMEDIATE) from before the till starts
until the last scan is shown, so every sale paid meanwhile waits for the lock while scanning goes on.
Then the lock is released, the till exits once no sale is left saving, and the ledger must hold
every sale paid (and every unit) for the till, else the section fails.

Start-up: time from asking tmux to start the command until the pane shows the first screen ready
for a scan (the scan field and the "Scan an item" line), polled with capture-pane, for `pos demo`,
`pos till` and the baseline app started the same way (python -m ..., same cwd and environment).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Result, median, p95
from bench.ledgers import catalogue_ledger

REPO = Path(__file__).resolve().parent.parent
READY_TEXT = "Scan an item"
LOOK_BEFORE_PAYING_S = 0.5  # from the last scan of a basket to F6
SIGN_IN_READY_TEXT = "Type your staff code"  # `pos till` opens on its sign-in screen, ready for a code


def have_tmux() -> bool:
    return shutil.which("tmux") is not None


class Tmux:
    """A tmux server of our own (its own socket), killed when we are done."""

    def __init__(self) -> None:
        self.socket = f"makers-bench-{os.getpid()}-{time.monotonic_ns()}"
        self.count = 0
        # No user configuration; and the server stays up between sessions (else a new session can
        # race the exit of a server whose last session was just killed).
        self("start-server", ";", "set-option", "-g", "exit-empty", "off")

    def __call__(self, *args: str, check: bool = True) -> str:
        completed = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True)
        if check and completed.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:2])} failed: {completed.stderr.strip()}")
        return completed.stdout

    def start(self, command: str, cwd: Path) -> str:
        self.count += 1
        name = f"bench{self.count}"
        self("new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(cwd),
             "-e", f"PYTHONPATH={REPO}", "-e", "TERM=xterm-256color", command)
        return name

    def alive(self, name: str) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", name], capture_output=True).returncode == 0

    def screen(self, name: str) -> str:
        return self("capture-pane", "-p", "-t", name, check=False)

    def kill(self, name: str) -> None:
        self("kill-session", "-t", name, check=False)

    def close(self) -> None:
        self("kill-server", check=False)
        Path(f"{os.environ.get('TMUX_TMPDIR', '/tmp')}/tmux-{os.getuid()}/{self.socket}").unlink(missing_ok=True)


def _wait(condition, timeout_s: float, what: str, poll_s: float = 0.01) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll_s)
    raise TimeoutError(f"timed out waiting for {what}")


def till_sales(ledger: Path, till: str) -> tuple[int, int]:
    """(sales, units sold) recorded in the ledger for `till`, read with plain sqlite3.

    A reader: in WAL mode it never waits for a process holding the write lock.
    """
    connection = sqlite3.connect(ledger, isolation_level=None)
    try:
        sales, units = connection.execute(
            "SELECT count(DISTINCT sales.id), coalesce(sum(sale_lines.quantity), 0) FROM sales "
            "JOIN tills ON tills.id = sales.till_id LEFT JOIN sale_lines ON sale_lines.sale_id = sales.id "
            "WHERE tills.name = ?", (till,),
        ).fetchone()
    finally:
        connection.close()
    return int(sales), int(units)


class LedgerLock:
    """bench/ledger_lock.py in its own process, holding the ledger's write lock until `release`."""

    def __init__(self, ledger: Path, till: str) -> None:
        self.ledger = ledger
        self.till = till
        self.facts: dict[str, Any] = {}
        self.released_at: float | None = None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.ledger_lock", str(ledger)], cwd=REPO,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        said = self.process.stdout.readline().strip()
        if said != "locked":
            self.close()
            raise RuntimeError(f"the lock holder did not take the ledger's write lock: {said!r}")

    def held(self) -> bool:
        """Whether another writer is refused right now (tried from this process, without waiting)."""
        connection = sqlite3.connect(self.ledger, isolation_level=None, timeout=0)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return True
            raise
        finally:
            connection.close()  # rolls back the empty transaction if it began
        return False

    def release_after_last_scan(self) -> None:
        """Note that the lock is still held and no sale got in meanwhile; then let the holder commit."""
        self.facts["held_at_last_scan"] = self.held()
        self.facts["sales_at_last_scan"] = till_sales(self.ledger, self.till)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        said = self.process.stdout.readline().strip()
        self.released_at = time.perf_counter()
        if said != "released":
            raise RuntimeError(f"the lock holder did not commit: {said!r} {self.process.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        self.process.wait(10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _scan_run(
    tmux: Tmux, kind: str, codes: list[str], out: Path, ledger: Path | None,
    pace_s: float | None, basket_size: int | None = None, lock: LedgerLock | None = None,
) -> dict[str, Any]:
    """Start the app and type the codes: paced, completing a card sale (F6, Enter) after every
    `basket_size` scans; or, with no pace, every code in one burst. Returns the probe's report,
    with "sales_sent" (how many sales were paid by the keys sent).

    With `lock` (held by another process from before the app starts), the till waits for its sales
    once the last scan is shown (--drain); the lock is released then, and the till exits once every
    sale has left its sales lane ("release_to_saved_s" in the report)."""
    for stale in (out, out.with_suffix(".ready"), out.with_suffix(".scanned")):
        stale.unlink(missing_ok=True)
    errors = out.with_suffix(".err")
    command = (f"exec {sys.executable} -m bench.scan_app {kind} {out} {len(codes)}" + (f" {ledger}" if ledger else "")
               + (" --drain" if lock is not None else "") + f" 2>{errors}")
    session = tmux.start(command, REPO)

    def finished() -> bool:
        if tmux.alive(session):
            return False
        if not out.exists():
            raise RuntimeError(f"the {kind} app ended without its report:\n{errors.read_text()[-3000:]}")
        return True

    sales_sent = 0
    release_to_saved_s: float | None = None
    try:
        _wait(lambda: out.with_suffix(".ready").exists() or finished(), 30, f"the {kind} app to start")
        time.sleep(0.3)  # let start-up work settle before the first scan
        if pace_s is None:
            tmux("send-keys", "-t", session, "-l", "".join(f"{code}\r" for code in codes))
        else:
            for number, code in enumerate(codes, 1):
                tmux("send-keys", "-t", session, "-l", f"{code}\r")
                pays_next = bool(basket_size) and number % basket_size == 0 and number < len(codes)
                # A cashier looks at the last line before paying: a line slower than the pace to show is
                # then still measured (in its latency) instead of being hidden by the card dialog.
                time.sleep(max(pace_s, LOOK_BEFORE_PAYING_S) if pays_next else pace_s)
                if pays_next:
                    tmux("send-keys", "-t", session, "F6")
                    time.sleep(0.25)
                    tmux("send-keys", "-t", session, "Enter")
                    sales_sent += 1
                    time.sleep(0.35)
        if lock is not None:
            _wait(lambda: out.with_suffix(".scanned").exists() or finished(), 60 + len(codes),
                  f"the {kind} app to show every line with the ledger locked")
            lock.release_after_last_scan()
            assert lock.released_at is not None
            # The probe writes its report once no sale is left saving, then exits.
            _wait(lambda: out.exists() or finished(), 60 + 2 * len(codes),
                  f"the {kind} app to save its sales once the ledger was released")
            release_to_saved_s = time.perf_counter() - lock.released_at
            _wait(finished, 30, f"the {kind} app to exit")
        else:
            _wait(finished, 60 + len(codes), f"the {kind} app to show every line")
    except TimeoutError as error:
        raise TimeoutError(f"{error}; the screen was:\n{tmux.screen(session)}") from error
    finally:
        tmux.kill(session)
    report = json.loads(out.read_text())
    if [code for code, _ in report["scans"]] != codes:
        raise AssertionError(f"{kind}: the app did not receive the scans as sent")
    report["sales_sent"] = sales_sent
    if lock is not None:
        report["release_to_saved_s"] = release_to_saved_s
    return report


def latencies(report: dict[str, Any]) -> list[float]:
    """Seconds from each scan's Enter to the end of the first screen update showing its line, in scan order."""
    missing = [code for code, _ in report["scans"] if code not in report["shown"]]
    if missing:
        raise AssertionError(f"{len(missing)} scanned line(s) never painted, e.g. {missing[:3]}")
    return [report["shown"][code] - arrived for code, arrived in report["scans"]]


def run_scans(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    scans, burst, pace, basket = sizes["scans"], sizes["burst"], sizes["scan_pace_s"], sizes["basket_size"]
    ledger = work / "scan.sqlite"
    cat = catalogue_ledger(ledger, max(sizes["skus"], scans + burst), stock_each=1000)
    codes = cat.barcodes[:scans]
    burst_codes = cat.barcodes[scans:scans + burst]
    from bench.scan_app import TILL

    tmux = Tmux()
    reports: dict[str, dict[str, Any]] = {}
    try:
        for kind in ("till", "minimal"):
            till_ledger = ledger if kind == "till" else None
            log(f"scan: {scans} scans into the {kind} app, {basket} to a sale, one every {pace * 1000:.0f} ms")
            reports[f"{kind} paced"] = _scan_run(tmux, kind, codes, work / f"scan-{kind}.json", till_ledger, pace, basket)
            if kind == "till":  # straight after: signed in, a discount on every basket
                log(f"scan: the same {scans} scans into the till signed in, with a 10% discount on each basket")
                reports["till discount"] = _scan_run(tmux, "till-discount", codes, work / "scan-till-discount.json",
                                                     ledger, pace, basket)
            if kind == "till":  # straight after its baseline: the same run with the ledger free
                log(f"scan: the same {scans} scans into the till while another process holds the ledger's write lock")
                before = till_sales(ledger, TILL)
                lock = LedgerLock(ledger, TILL)
                try:
                    reports["till locked"] = _scan_run(tmux, kind, codes, work / "scan-till-locked.json", ledger, pace,
                                                       basket, lock)
                finally:
                    lock.close()
                locked_ledger = {"before": before, "after": till_sales(ledger, TILL), **lock.facts}
            log(f"scan: a burst of {burst} scans into the {kind} app")
            reports[f"{kind} burst"] = _scan_run(tmux, kind, burst_codes, work / f"burst-{kind}.json", till_ledger, None)
    finally:
        tmux.close()
    till, minimal = latencies(reports["till paced"]), latencies(reports["minimal paced"])
    locked = latencies(reports["till locked"])
    discounted = latencies(reports["till discount"])
    locked_extra = _check_locked_sales(reports["till locked"], locked_ledger, basket)
    sent = reports["till locked"]["sales_sent"]

    def burst_time(report: dict[str, Any]) -> float:
        return report["shown"][report["scans"][-1][0]] - report["first_key"]

    till_burst, minimal_burst = reports["till burst"], reports["minimal burst"]
    own_lines = till_burst["lines"] == burst_codes and minimal_burst["lines"] == burst_codes
    return [
        Result(
            "scan_to_basket_p95", p95(till) * 1e3, "ms", p95(minimal) * 1e3, "minimal Textual app, no database",
            "p95 < 50 ms", p95(till) * 1e3 < 50,
            detail=f"{scans} scans, {basket} to a sale (card), one every {pace * 1000:.0f} ms; tmux 80×24",
            extra={"p50_ms": median(till) * 1e3, "baseline_p50_ms": median(minimal) * 1e3, "max_ms": max(till) * 1e3,
                   "baseline_max_ms": max(minimal) * 1e3},
        ),
        Result(
            "scan_to_basket_p50", median(till) * 1e3, "ms", median(minimal) * 1e3, "minimal Textual app, no database",
            None, None, detail=f"the same {scans} scans",
        ),
        Result(
            "scan_to_basket_p95_signed_in_discount", p95(discounted) * 1e3, "ms", p95(minimal) * 1e3,
            "minimal Textual app, no database", "p95 < 50 ms", p95(discounted) * 1e3 < 50,
            detail=(f"the same {scans} scans and card sales, a staff member signed in and a 10% discount on each "
                    "basket from its first line"),
            extra={"p50_ms": median(discounted) * 1e3, "till_p95_ms": p95(till) * 1e3,
                   "till_p50_ms": median(till) * 1e3, "max_ms": max(discounted) * 1e3},
        ),
        Result(
            "scan_to_basket_p95_ledger_locked", p95(locked) * 1e3, "ms", p95(till) * 1e3,
            "scan_to_basket_p95, the same run with the ledger free", "≤ 1.2× unlocked",
            p95(locked) <= 1.2 * p95(till),
            detail=(f"the same {scans} scans and {sent} card sale{'s' if sent != 1 else ''} while another process "
                    "holds the ledger's write lock; every sale saved once it commits"),
            extra={"p50_ms": median(locked) * 1e3, "baseline_p50_ms": median(till) * 1e3, "max_ms": max(locked) * 1e3,
                   "baseline_max_ms": max(till) * 1e3, **locked_extra},
        ),
        Result(
            "scan_burst_last_line", burst_time(till_burst) * 1e3, "ms", burst_time(minimal_burst) * 1e3,
            "minimal Textual app, no database", "every scan its own line", own_lines,
            detail=f"{burst} scans typed in one go (one tmux send-keys) into one basket: first key → last line shown",
            extra={"lines": len(till_burst["lines"]), "keys": till_burst["keys"],
                   "last_enter_to_last_line_ms": (till_burst["shown"][burst_codes[-1]] - till_burst["scans"][-1][1]) * 1e3},
        ),
    ]


def run_display(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    """Scan to basket with the till publishing its basket and a display process following it, against the
    same till with publishing off ([display] publish = false), in the same run, taking turns: off, on, off, on..."""
    scans, pace, basket, rounds = sizes["scans"], sizes["scan_pace_s"], sizes["basket_size"], sizes["display_rounds"]
    ledger = work / "display.sqlite"
    cat = catalogue_ledger(ledger, max(sizes["skus"], scans), stock_each=1000)
    codes = cat.barcodes[:scans]
    from bench.scan_app import TILL

    tmux = Tmux()
    off: list[float] = []
    on: list[float] = []
    to_display: list[float] = []
    versions_read = 0
    try:
        for round_number in range(1, rounds + 1):
            log(f"display: {scans} scans into the till with publishing off (round {round_number})")
            off += latencies(_scan_run(tmux, "till-no-display", codes, work / "display-off.json", ledger, pace, basket))
            log(f"display: the same scans with publishing on and a display following the till (round {round_number})")
            follower = subprocess.Popen([sys.executable, "-m", "bench.display_follower", str(ledger), TILL], cwd=REPO,
                                        stdout=subprocess.PIPE, text=True)
            try:
                assert follower.stdout is not None and follower.stdout.readline().strip() == "ready"
                report = _scan_run(tmux, "till", codes, work / "display-on.json", ledger, pace, basket)
                on += latencies(report)
            finally:
                follower.terminate()
                said, _ = follower.communicate(timeout=10)
            read = [line.split() for line in said.splitlines()]
            versions_read += len(read)
            to_display += display_latencies(report["scans"], read, basket)
    finally:
        tmux.close()
    if versions_read < 2:
        raise AssertionError("the display process read no version the till published")
    return [
        Result(
            "scan_to_basket_p95_display", p95(on) * 1e3, "ms", p95(off) * 1e3,
            "the same till with [display] publish = false, same run", "≤ 1.1× without", p95(on) <= 1.1 * p95(off),
            detail=(f"{rounds} × {scans} scans each way, {basket} to a sale (card), one every {pace * 1000:.0f} ms; "
                    "a display process (bench/display_follower.py) reads every version published"),
            extra={"p50_ms": median(on) * 1e3, "baseline_p50_ms": median(off) * 1e3, "max_ms": max(on) * 1e3,
                   "baseline_max_ms": max(off) * 1e3, "versions_read": versions_read},
        ),
        Result(
            "scan_to_display_p95", p95(to_display) * 1e3, "ms", p95(on) * 1e3,
            "scan to the till's own basket line, the same scans", "p95 < 500 ms", p95(to_display) < 0.5,
            detail=("each scan's Enter at the till to the display process having read a state with its line "
                    "(ChangeWatch: a light poll of the version every 0.1 s on SQLite, then the whole state)"),
            extra={"p50_ms": median(to_display) * 1e3, "max_ms": max(to_display) * 1e3, "scans": len(to_display)},
        ),
    ]


def display_latencies(scans: list[tuple[str, float]], read: list[list[str]], basket: int) -> list[float]:
    """Seconds from each scan's Enter to the first state the display read showing it: a basket state read after
    the scan with at least that scan's line count (scans go `basket` to a sale, lines are distinct barcodes, so a
    basket only grows until it is paid). A display may skip a state when the till publishes faster than it
    reads (only the newest is kept); the scan is then shown by the next state it reads."""
    seen = [(float(moment), status, int(lines)) for _version, moment, status, lines in read]
    found: list[float] = []
    at = 0
    for number, (code, entered) in enumerate(scans):
        lines = number % basket + 1
        while at < len(seen) and not (seen[at][0] >= entered and seen[at][1] == "basket" and seen[at][2] >= lines):
            at += 1
        if at == len(seen):
            raise AssertionError(f"the display never showed scan {number + 1} ({code}) of the till")
        found.append(seen[at][0] - entered)
    return found


def _check_locked_sales(report: dict[str, Any], ledger: dict[str, Any], basket: int) -> dict[str, Any]:
    """What happened to the sales paid while the ledger was locked; AssertionError (the section fails)
    unless the lock held to the last scan, no sale got in before it was released, and afterwards the
    ledger holds every sale paid, with every unit, and the till refused none."""
    sent, sales = report["sales_sent"], report["sales"]
    (sales_before, units_before), (sales_after, units_after) = ledger["before"], ledger["after"]
    facts = {
        "sales_paid": sent,
        "sales_saved": sales_after - sales_before,
        "units_saved": units_after - units_before,
        "units_paid": sent * basket,
        "sales_saved_while_locked": ledger["sales_at_last_scan"][0] - sales_before,
        "sales_waiting_at_last_scan": sales["pending_at_last_scan"],
        "lock_held_at_last_scan": ledger["held_at_last_scan"],
        "busy_notices": sales["busy_notices"],  # sales the till told were waiting (after the 10 s busy timeout)
        "sales_completed": sales["completed"],  # as the till core reported them
        "sales_refused": sales["refused"],
        "release_to_saved_s": report["release_to_saved_s"],
    }
    problems = []
    if not facts["lock_held_at_last_scan"]:
        problems.append("the ledger was not locked any more at the last scan")
    if facts["sales_saved_while_locked"] != 0:
        problems.append(f"{facts['sales_saved_while_locked']} sale(s) were saved while the ledger was locked")
    if sales["paid"] != sent or facts["sales_waiting_at_last_scan"] != sent:
        problems.append(f"{sent} sales paid by the keys, the till took {sales['paid']} and "
                        f"{facts['sales_waiting_at_last_scan']} were waiting at the last scan")
    if (facts["sales_saved"] != sent or facts["units_saved"] != facts["units_paid"] or sales["refused"]
            or sales["completed"] != sent):
        problems.append(f"sales lost: {sent} paid ({facts['units_paid']} units), {facts['sales_saved']} in the ledger "
                        f"({facts['units_saved']} units), {sales['completed']} completed, {sales['refused']} refused")
    if problems:
        raise AssertionError("scan_to_basket_p95_ledger_locked: " + "; ".join(problems))
    return facts


def _start_command(kind: str, work: Path) -> str:
    python = sys.executable
    if kind == "pos demo":
        return f"exec {python} -m pos demo --till demo --ledger {work / 'startup-demo.sqlite'}"
    if kind == "pos till":
        return f"exec {python} -m pos till --till demo --db sqlite:///{work / 'startup-till.sqlite'}"
    return f"exec {python} -m bench.minimal_app"


def _start_once(tmux: Tmux, kind: str, work: Path) -> float:
    started = time.perf_counter()
    session = tmux.start(_start_command(kind, work), work)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            screen = tmux.screen(session)
            if (SIGN_IN_READY_TEXT if kind == "pos till" else READY_TEXT) in screen:
                return time.perf_counter() - started
        raise TimeoutError(f"{kind} did not show its first screen; the screen was:\n{tmux.screen(session)}")
    finally:
        tmux.kill(session)


def _compile_bytecode() -> None:
    """Every module of the project compiled to bytecode, as on a till already used.

    The warm-up start was meant to do this, but where PYTHONDONTWRITEBYTECODE is set (as in some shells
    and CI) Python never writes it, and each timed start compiled some 50 of the till's modules from
    source again (~40 ms here, bench: start-up). Bytecode on disk is still read with that set.
    """
    import compileall

    for package in ("common", "inventory", "receipts", "pos", "bench"):
        compileall.compile_dir(REPO / package, quiet=1)


def run_startup(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    from pos.demo import prepare_demo_ledger

    work.mkdir(parents=True, exist_ok=True)
    for name in ("startup-demo.sqlite", "startup-till.sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work / name}{suffix}").unlink(missing_ok=True)
    prepare_demo_ledger(work / "startup-demo.sqlite").dispose()  # the demo ledger exists, as after a first run
    prepare_demo_ledger(work / "startup-till.sqlite").dispose()  # a till's ledger with the demo catalogue
    kinds = ("pos demo", "pos till", "minimal")
    runs = sizes["startup_runs"]
    log(f"start-up: {runs} cold starts each of {', '.join(kinds)} in tmux")
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    _compile_bytecode()
    tmux = Tmux()
    try:
        for kind in kinds:
            _start_once(tmux, kind, work)  # the file cache as on a till already used
        for _ in range(runs):
            for kind in kinds:
                samples[kind].append(_start_once(tmux, kind, work))
    finally:
        tmux.close()
    baseline = median(samples["minimal"])
    return [
        Result(
            f"startup_{kind.replace('pos ', 'pos_')}", median(samples[kind]), "s", baseline,
            "minimal Textual app started the same way", "≤ 1.2× minimal app",
            median(samples[kind]) <= 1.2 * baseline,
            detail=f"`{kind}` to the first screen ready to {'sign in' if kind == 'pos till' else 'scan'}, "
                   f"tmux 80×24; median of {runs}",
            extra={"p95_s": p95(samples[kind]), "samples_s": samples[kind], "baseline_samples_s": samples["minimal"]},
        )
        for kind in ("pos demo", "pos till")
    ]
