"""A till killed (SIGKILL) at random moments while it sells, again and again, on a SQLite file or on
PostgreSQL (POS_TEST_DATABASE_URL): nothing it was told is lost, nothing is half-recorded, receipt
numbers stay gapless, the basket it died with, retried with its basket id, is never recorded twice,
and a fresh till starts and sells afterwards.

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
    """Every sale the till reported is recorded under its receipt number, as its basket, once, retries
    included; the only other sale there can be is the basket in flight at the last kill.
    Returns (kills with a basket in flight, those whose sale had landed unheard)."""
    recorded = {sale.staff: (number, sale) for (till, number), sale in state.sales.items() if till == TILL}
    assert len(recorded) == len([key for key in state.sales if key[0] == TILL])  # no basket recorded twice
    for heard in rounds:
        for key, receipt in heard.sold:
            number, sale = recorded.pop(cashier(key))
            assert number == receipt
            assert sale.items() == sorted(basket(key, skus)[0]), f"receipt {receipt} is not basket {key}"
    # Each round first retried the basket the last one had in flight, with its basket id: that retry was
    # reported (above) and answered with the sale if it had landed, so at most the last round's is unheard.
    last = rounds[-1].in_flight
    for name, (number, sale) in recorded.items():
        assert last is not None and name == cashier(last), f"receipt {number} ({name}) is no basket the till began"
        assert sale.items() == sorted(basket(last, skus)[0])
    in_flight = sum(1 for heard in rounds if heard.in_flight is not None)
    return in_flight, sum(1 for heard in rounds if heard.retried and heard.retried[2]) + len(recorded)


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
        rounds: list[Round] = []
        for number in range(1, KILLS + 1):  # each till first retries the basket the last one died with
            rounds.append(till.round(number, rng.uniform(0, KILL_WITHIN_MS) / 1000, retry=rounds[-1].in_flight if rounds else None))
        assert till.errors() == ""

    _integrity_ok(ledger_url)
    state = read_ledger(demo_engine)
    assert state.problems == []
    in_flight, landed = _account_for_every_sale(state, rounds, skus)
    sold = sum(len(heard.sold) for heard in rounds)
    retried = [heard.retried for heard in rounds if heard.retried is not None]
    print(f"\n{make_url(ledger_url).get_backend_name()}: {KILLS} kills, {sold} sales reported, "
          f"{in_flight} kills with a sale in flight, {landed} of those had landed unheard; {len(retried)} retried "
          f"with their basket id, {sum(1 for _key, _no, repeated in retried if repeated)} answered with the sale already there")
    assert sold > 0 and in_flight > 0  # kills landed among sales (how many per round depends on the machine's load)

    fresh = run_tills(ledger_url, [(TILL, ["--sales", "1"])])[0]
    assert (fresh.returncode, fresh.stderr) == (0, "")
    assert [report["receipt"] for report in fresh.reports] == [state.last_receipt_no[TILL] + 1]
    assert read_ledger(demo_engine).problems == []

