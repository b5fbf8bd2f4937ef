"""A till killed (SIGKILL) at random moments while it sells, again and again, on a SQLite file or on
PostgreSQL (POS_TEST_DATABASE_URL): nothing it was told is lost, nothing is half-recorded, receipt
numbers stay gapless, and a fresh till starts and sells afterwards.

POS_TILL_KILLS sets the number of kills (default 100, for CI; 1000 before an event, README
"Development"); each lands 0 to POS_TILL_KILL_WITHIN_MS (default 100) milliseconds after the till began
selling, which spans several sales, so kills land before, inside and just after commits.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from inventory.db import sqlite_file
from ledger_helpers import staffed
from procs.killing import KillingTill, Round
from procs.ledger_checks import LedgerState, read_ledger
from procs.sell_loop import basket, cashier, prices
from procs.tills import run_tills

KILLS = int(os.environ.get("POS_TILL_KILLS", "100"))
KILL_WITHIN_MS = int(os.environ.get("POS_TILL_KILL_WITHIN_MS", "100"))
TILL = "till-1"


def _account_for_every_sale(state: LedgerState, rounds: list[Round], skus: list[str]) -> tuple[int, int]:
    """Every sale the till reported is recorded under its receipt number, as its basket; every other sale
    recorded is the basket in flight when a kill came (its commit landed, the till never heard), once.
    Returns (kills with a basket in flight, those whose sale was recorded)."""
    recorded = {sale.staff: (number, sale) for (till, number), sale in state.sales.items() if till == TILL}
    assert len(recorded) == len([key for key in state.sales if key[0] == TILL])  # no basket recorded twice
    for heard in rounds:
        for key, receipt in heard.sold:
            number, sale = recorded.pop(cashier(key))
            assert number == receipt
            assert sale.items() == sorted(basket(key, skus)[0]), f"receipt {receipt} is not basket {key}"
    in_flight = {cashier(heard.in_flight): heard.in_flight for heard in rounds if heard.in_flight is not None}
    for name, (number, sale) in recorded.items():
        assert name in in_flight, f"receipt {number} ({name}) is no basket the till began"
        assert sale.items() == sorted(basket(in_flight[name], skus)[0])
    # Where the lead adds basket ids: the next round first retries the basket in flight with the same
    # basket id; it must answer with the sale recorded here (or record it once, if it never landed).
    return len(in_flight), len(recorded)


def _integrity_ok(url: str) -> None:
    path = sqlite_file(url)
    if path is None:
        return  # PostgreSQL: its own crash recovery; the checks below read what it kept
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_till_killed_at_random_moments_loses_nothing_it_reported_and_half_records_nothing(
    demo_engine: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    staffed(demo_engine, ("MGR", "Sam", "manager", "2468"))
    skus = sorted(prices(demo_engine))
    rng = random.Random(11)
    with KillingTill(ledger_url, TILL, tmp_path / "sell_loop.err") as till:
        rounds = [till.round(number, rng.uniform(0, KILL_WITHIN_MS) / 1000) for number in range(1, KILLS + 1)]
        assert till.errors() == ""

    _integrity_ok(ledger_url)
    state = read_ledger(demo_engine)
    assert state.problems == []
    in_flight, landed = _account_for_every_sale(state, rounds, skus)
    sold = sum(len(heard.sold) for heard in rounds)
    print(f"\n{make_url(ledger_url).get_backend_name()}: {KILLS} kills, {sold} sales reported, "
          f"{in_flight} kills with a sale in flight, {landed} of those recorded unheard")
    assert sold > 0 and in_flight > 0  # kills landed among sales (how many per round depends on the machine's load)

    fresh = run_tills(ledger_url, [(TILL, ["--sales", "1"])])[0]
    assert (fresh.returncode, fresh.stderr) == (0, "")
    assert [report["receipt"] for report in fresh.reports] == [state.last_receipt_no[TILL] + 1]
    assert read_ledger(demo_engine).problems == []

