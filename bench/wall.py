"""The story wall (`pos wall`, section `wall`): its memory over an hour of sales, and what a look costs.

`wall_memory_hour`: the wall app headless (run_test, 80x24) following an hour of a busy store's sales
with time compressed: `wall_sales` 2-line card sales (720: one every 5 s for an hour) through
complete_sale into a real ledger, the wall polling every 20 ms and each sale waited for until its
moment is at the top of the feed; story cards (with QR codes) turn every 50 ms. Measured in a fresh
child process (`python -m bench.wall memory JSON`), so the memory is the wall's: its resident set
after all the sales against the same process after the first `wall_checkpoint` (60: five minutes).

`wall_look_quiet`, `wall_look_after_sale`: what a poll costs on the largest event ledger of section 3
(1,000,000 lines over 10 days, 100,000 on the day looked at): a look with nothing new, and a look
after a sale (its garments with their designers, and the day's totals read again), each against the
sales report for the same day (`pos report sales`), taking turns.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import Result, interleaved, median, p95
from bench.ledgers import EVENT_START, catalogue_ledger, sales_ledger

REPO = Path(__file__).resolve().parent.parent
TILL = "bench-wall"


def run(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    return [*_memory(work, sizes, log), *_looks(work, sizes, log)]


def _memory(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    sales, checkpoint = sizes["wall_sales"], sizes["wall_checkpoint"]
    ledger = work / "wall-memory.sqlite"
    cat = catalogue_ledger(ledger, sizes["skus"], stock_each=100_000)
    _with_stories_and_a_till(ledger)
    log(f"wall: the wall following {sales:,} sales, resident set after {checkpoint} and after {sales:,}")
    completed = subprocess.run(
        [sys.executable, "-m", "bench.wall", "memory",
         json.dumps({"ledger": str(ledger), "variants": cat.variant_ids, "prices": cat.prices,
                     "sales": sales, "checkpoint": checkpoint})],
        capture_output=True, text=True, cwd=REPO, check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"bench.wall memory failed:\n{_last_error(completed.stderr)}")
    marks = json.loads(completed.stdout.strip().splitlines()[-1])
    if marks["sales_in_ledger"] != sales or marks["moments_seen"] != sales:
        raise AssertionError(f"{marks['sales_in_ledger']} sales recorded and {marks['moments_seen']} shown, not {sales}")
    early, late = marks["checkpoint"], marks["end"]
    per_sale = (late["rss_kib"] - early["rss_kib"]) / max(1, sales - checkpoint)
    return [Result(
        "wall_memory_hour", late["rss_kib"] / 1024, "MiB", early["rss_kib"] / 1024,
        f"the same wall after its first {checkpoint} sales", "≤ 1.05× (flat)", late["rss_kib"] <= 1.05 * early["rss_kib"],
        detail=f"resident set of the wall (headless, 80x24) after {sales:,} 2-line sales ({sales * 5 // 60} minutes at one every 5 s), "
               f"polling after each; {per_sale:.1f} KiB more per sale",
        extra={"peak_after_checkpoint_mib": early["peak_rss_kib"] / 1024, "peak_after_all_mib": late["peak_rss_kib"] / 1024,
               "python_objects_after_checkpoint": early["objects"], "python_objects_after_all": late["objects"],
               "widgets_after_checkpoint": early["widgets"], "widgets_after_all": late["widgets"],
               "story_changes_seen": marks["cards"], "per_sale_kib": per_sale, "seconds": marks["seconds"]},
    )]


def _last_error(stderr: str) -> str:
    """The error a failed child ended with (Textual prints a long framed traceback before it)."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    return "\n".join(lines[-3:])


def _with_stories_and_a_till(ledger: Path) -> None:
    """Give the catalogue's participants a story and a profile address (so cards carry QR codes), and
    register the wall bench's till with a shift open."""
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.sales.tills import register_till
    from pos.shifts.services import open_shift

    with sqlite3.connect(ledger) as connection:
        connection.execute(
            "UPDATE participants SET story = 'Prints bold type by hand, one colour at a time.', "
            "linkedin_url = 'https://www.linkedin.com/in/designer-' || code"
        )
    engine = open_ledger(f"sqlite:///{ledger}")
    register_till(UnitOfWork(engine, Actor("bench")), TILL)
    open_shift(UnitOfWork(engine, Actor("bench", TILL)), 0)
    engine.dispose()


def _looks(work: Path, sizes: dict[str, Any], log) -> list[Result]:  # type: ignore[no-untyped-def]
    from pos.display.wall import WallSource, just_sold, store_totals
    from pos.ledger import open_ledger
    from pos.reports.sales import sales_report

    lines, days, repeat = sizes["event_lines"][-1], sizes["event_days"], sizes["wall_look_repeat"]
    log(f"wall: a look on the event ledger, {lines:,} lines over {days} days")
    path = sales_ledger(work, "event", lines, days, sizes["skus"])
    engine = open_ledger(f"sqlite:///{path}")
    day = EVENT_START + timedelta(days=days - 1)
    try:
        source = WallSource(engine, today=lambda: day)
        started = time.perf_counter()
        source()
        first_look = time.perf_counter() - started
        last_sale = just_sold(engine, limit=1)[0].sale_id
        report = sales_report(engine, day)
        if store_totals(engine, day, day).takings_pence != report.gross_pence:
            raise AssertionError("the wall's totals for the day differ from the sales report's")

        def after_sale() -> None:
            just_sold(engine, last_sale - 1)
            store_totals(engine, day, day)

        samples = interleaved({
            "quiet": source, "after sale": after_sale, "report": lambda: sales_report(engine, day),
        }, repeat)
    finally:
        engine.dispose()
    base = median(samples["report"]) * 1e3
    size = f"{lines:,} lines over {days} days, {report.units:,} units on the day; median of {repeat}"
    return [
        Result("wall_look_quiet", median(samples["quiet"]) * 1e3, "ms", base, "the sales report for the same day",
               "< 5 ms", median(samples["quiet"]) * 1e3 < 5,
               detail=f"a wall's poll with nothing new sold: {size}",
               extra={"p95_ms": p95(samples["quiet"]) * 1e3, "first_look_ms": first_look * 1e3}),
        Result("wall_look_after_sale", median(samples["after sale"]) * 1e3, "ms", base, "the sales report for the same day",
               "≤ 0.5× the report", median(samples["after sale"]) <= 0.5 * median(samples["report"]),
               detail=f"a poll after a sale: its garments and designers, the day's totals read again; {size}",
               extra={"p95_ms": p95(samples["after sale"]) * 1e3}),
    ]


def _follow(args: dict[str, Any]) -> dict[str, Any]:
    """The child: the wall headless, following sales made here through complete_sale, one at a time."""
    from bench.child import current_rss_kib, peak_rss_kib
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.display.read import consented_makers
    from pos.display.wall import WallSource
    from pos.ledger import open_ledger
    from pos.sales.checkout import card_tender
    from pos.sales.services import complete_sale
    from pos.tui.wall_app import MomentRow, StoryCard, WallApp

    engine = open_ledger(f"sqlite:///{args['ledger']}")
    variants, prices = args["variants"], args["prices"]
    sales, checkpoint = args["sales"], args["checkpoint"]
    app = WallApp(WallSource(engine), lambda: consented_makers(engine), poll_s=0.02, rotate_s=0.05)
    marks: dict[str, Any] = {"moments_seen": 0, "cards": 0}
    on_show: list[object] = [None]

    def mark() -> dict[str, int]:
        gc.collect()
        return {"rss_kib": current_rss_kib(), "peak_rss_kib": peak_rss_kib(), "objects": len(gc.get_objects()),
                "widgets": len(list(app.screen.walk_children()))}

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            deadline = time.monotonic() + 30
            while app.updates == 0:
                if time.monotonic() > deadline:
                    raise TimeoutError("the wall never read the ledger")
                await pilot.pause(0.01)
            started = time.perf_counter()
            for number in range(1, sales + 1):
                pair = [(number * 2) % len(variants), (number * 2 + 1) % len(variants)]
                sale = complete_sale(UnitOfWork(engine, Actor("", TILL)), [(variants[i], 1) for i in pair],
                                     [card_tender(sum(prices[i] for i in pair))])
                deadline = time.monotonic() + 30
                while True:
                    top = app.query(MomentRow).first().moment
                    if top is not None and top.sale_id == sale.sale_id:
                        break
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"sale {number} never showed on the wall")
                    await pilot.pause(0.005)
                marks["moments_seen"] += 1
                maker = app.query_one(StoryCard).maker
                if maker is not on_show[0]:  # another maker's story and code since the last sale
                    marks["cards"] += 1
                    on_show[0] = maker
                if number == checkpoint:
                    marks["checkpoint"] = mark()
            marks["seconds"] = time.perf_counter() - started
            marks["end"] = mark()

    asyncio.run(drive())
    engine.dispose()
    with sqlite3.connect(args["ledger"]) as connection:
        marks["sales_in_ledger"] = connection.execute(
            "SELECT count(*) FROM sales s JOIN tills t ON t.id = s.till_id WHERE t.name = ?", (TILL,)
        ).fetchone()[0]
    return marks


if __name__ == "__main__":
    if sys.argv[1] != "memory":
        raise SystemExit("usage: python -m bench.wall memory JSON")
    print(json.dumps(_follow(json.loads(sys.argv[2]))))
