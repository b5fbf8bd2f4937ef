"""Several tills as separate OS processes on one ledger at once (a SQLite file, or PostgreSQL with
POS_TEST_DATABASE_URL): every sale, refund and stock movement lands whole, receipt numbers stay
gapless per till, and no till ever sees an error.

Each till is tests/procs/till_worker.py. POS_TILL_PROCESS_SALES sets the sales per till (default 100,
300 in all, for CI); before an event run it with 2000 (README, "Development").
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from sqlalchemy import Engine, select

from common.values import Actor, StaffMember
from inventory.db import UnitOfWork, read_session
from inventory.models import Variant
from inventory.stock import on_hand, stock_levels
from inventory.stock_views import low_stock, movement_history
from pos.sales.tills import register_till
from pos.stock.adjustments import adjust_stock
from ledger_helpers import by, open_shift_on, staffed
from procs.ledger_checks import LedgerState, read_ledger
from procs.tills import Finished, run_tills

SALES_PER_TILL = int(os.environ.get("POS_TILL_PROCESS_SALES", "100"))
TILLS = ("till-1", "till-2", "till-3")
MANAGER = ("MGR", "Sam", "manager", "2468")


def _shop(engine: Engine, tills: tuple[str, ...]) -> StaffMember:
    """A manager (who serves and approves) and a shift open on every till (till-1 has one already)."""
    manager = staffed(engine, MANAGER)[MANAGER[0]]
    for till in tills[1:]:
        register_till(by(engine), till)
        open_shift_on(engine, till)
    return manager


def _no_error_reached_a_till(finished: list[Finished]) -> None:
    for till in finished:
        assert (till.returncode, till.stderr) == (0, ""), f"{till.till} failed:\n{till.stderr[-3000:]}"


def _reported(finished: list[Finished], op: str) -> dict[tuple[str, int], dict[str, Any]]:
    return {(till.till, report["receipt"]): report for till in finished for report in till.reports if report["op"] == op}


def _stock_moved(finished: list[Finished]) -> Counter[str]:
    """Per SKU, what the tills were told they moved: sold out, returned in (a damaged return goes
    to damaged stock, not on hand), adjusted and received."""
    moved: Counter[str] = Counter()
    for till in finished:
        for report in till.reports:
            if report["op"] == "sale":
                for sku, quantity in report["lines"]:
                    moved[sku] -= quantity
            elif report["op"] == "refund" and not report["damaged"]:
                for sku, quantity in report["lines"]:
                    moved[sku] += quantity
            elif report["op"] == "stock":
                moved[report["sku"]] += report["quantity"]
    return moved


def _ledger_holds_what_tills_reported(state: LedgerState, finished: list[Finished]) -> None:
    sales, refunds = _reported(finished, "sale"), _reported(finished, "refund")
    assert state.problems == []
    assert set(state.sales) == set(sales)  # every sale a till completed, and no other
    for key, report in sales.items():
        recorded = state.sales[key]
        assert recorded.items() == sorted((sku, quantity) for sku, quantity in report["lines"]), key
        assert dict(recorded.paid) == report["tenders"], key
    assert set(state.refunds) == set(refunds)
    for key, report in refunds.items():
        assert state.refunds[key].of == report["of"]
        assert state.refunds[key].items() == sorted((sku, quantity) for sku, quantity in report["lines"])
    for till in finished:  # each till's counter stopped at the last receipt it handed out
        assert state.last_receipt_no[till.till] == len([r for r in till.reports if r["op"] in ("sale", "refund")])


def test_three_till_processes_at_once_lose_nothing_and_surface_no_error(demo_engine: Engine, ledger_url: str) -> None:
    _shop(demo_engine, TILLS)
    before = {level.sku: level.on_hand for level in stock_levels(demo_engine)}

    finished = run_tills(ledger_url, [(till, ["--sales", str(SALES_PER_TILL), "--seed", str(seed)])
                                      for seed, till in enumerate(TILLS)])

    _no_error_reached_a_till(finished)
    assert [len([r for r in till.reports if r["op"] == "sale"]) for till in finished] == [SALES_PER_TILL] * len(TILLS)
    assert all(any(r["op"] == op for r in till.reports) for till in finished for op in ("refund", "stock"))
    _ledger_holds_what_tills_reported(read_ledger(demo_engine), finished)
    moved = _stock_moved(finished)
    assert {level.sku: level.on_hand for level in stock_levels(demo_engine)} == {
        sku: level + moved[sku] for sku, level in before.items()
    }


def test_two_tills_selling_the_last_unit_at_once_both_complete_and_the_stock_views_flag_minus_one(
    demo_engine: Engine, ledger_url: str,
) -> None:
    tills = TILLS[:2]
    manager = _shop(demo_engine, tills)
    sku = "NBH-BLA-M"
    with read_session(demo_engine) as session:
        variant_id = session.execute(select(Variant.id).where(Variant.sku == sku)).scalar_one()
    adjust_stock(UnitOfWork(demo_engine, Actor("Sam")), sku, 1 - on_hand(demo_engine, variant_id), "lost",
                 approved_by=manager)
    assert on_hand(demo_engine, variant_id) == 1

    finished = run_tills(ledger_url, [(till, ["--sales", "1", "--first", sku]) for till in tills])

    _no_error_reached_a_till(finished)
    assert [[(r["op"], r["receipt"], r["lines"]) for r in till.reports] for till in finished] == [
        [("sale", 1, [[sku, 1]])]
    ] * len(tills)
    assert on_hand(demo_engine, variant_id) == -1
    flagged = low_stock(demo_engine, 0)
    assert (flagged[0].sku, flagged[0].on_hand) == (sku, -1)  # below zero: first on the list, at any threshold
    assert movement_history(demo_engine, sku)[1][-1].balance == -1

