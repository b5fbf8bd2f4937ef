"""Several tills on one ledger at once: every sale lands, receipt numbers stay gapless per till."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, select

from inventory.db import read_session
from pos.ledger import open_ledger
from pos.sales.models import Sale, Till
from pos.sales.checkout import card_tender
from pos.sales.services import complete_sale
from pos.sales.tills import register_till
from ledger_helpers import at_till, by, open_shift_on

SALES_PER_TILL = 25


def _sell_many(url: str, till: str) -> list[int]:
    engine = open_ledger(url)  # each till is its own process in the shop: its own engine and connections
    try:
        return [
            complete_sale(at_till(engine, till), [(1, 1), (2, 1)], [card_tender(11000)]).receipt_no
            for _ in range(SALES_PER_TILL)
        ]
    finally:
        engine.dispose()


def test_three_tills_selling_at_once_lose_nothing(demo_engine: Engine, ledger_url: str) -> None:
    tills = ["till-1", "till-2", "till-3"]
    for till in tills[1:]:
        register_till(by(demo_engine), till)
        open_shift_on(demo_engine, till)
    with ThreadPoolExecutor(max_workers=len(tills)) as pool:
        numbers = dict(zip(tills, pool.map(lambda till: _sell_many(ledger_url, till), tills), strict=True))
    for till in tills:
        assert numbers[till] == list(range(1, SALES_PER_TILL + 1))
    with read_session(demo_engine) as session:
        stored = session.execute(select(Till.name, Sale.receipt_no).join(Sale, Sale.till_id == Till.id)).all()
    assert sorted(stored) == sorted((till, n) for till in tills for n in range(1, SALES_PER_TILL + 1))
