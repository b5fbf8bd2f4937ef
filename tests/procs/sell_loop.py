"""A till selling in a loop, to be killed: `python tests/procs/sell_loop.py URL TILL`.

Restarting Python for each of hundreds of kills would cost a second of imports and a first sale five
times slower than the rest (SQLAlchemy compiles its statements), so this process opens the ledger once,
warms the engine with a sale it rolls back, and forks a fresh till for each round: the child drops the
inherited connections (`dispose(close=False)`: it opens its own, keeping the compiled statements),
prints `selling PID`, and completes sales until it is killed.
For each sale it prints `begin KEY` before calling complete_sale and `sold KEY RECEIPT_NO` once the
commit has returned. KEY (`ROUND.N`) makes the basket: the same key always gives the same items,
tender and basket id (see `basket`, `basket_id`), and the sale is served by a cashier named after it
(`basket ROUND.N`), so the ledger itself says which basket each sale was, including the one in flight
when the till died.

A till started with a KEY to retry first completes that basket again with the same basket id, as a
till does after a crash when it does not know whether the sale landed, and prints
`retried KEY RECEIPT_NO repeated|new` (repeated: the sale had landed; the ledger answered with it).

Commands on stdin, one a line:
    fork ROUND [KEY]  start a till, retrying basket KEY first (it says `selling PID`); once it has died,
                      answers `dead PID SIGNAL`
    quit              end
The child's lines and the answer share stdout (each line is one write to the pipe, so lines never
mix); everything a child printed comes before its `dead` line.
"""

from __future__ import annotations

import os
import random
import sys
import traceback
import uuid
from itertools import count

from sqlalchemy import Engine, text

from common.values import Actor, Tender
from inventory.db import UnitOfWork
from pos.ledger import open_ledger
from pos.sales.checkout import CompletedSale, card_tender, cash_tender
from pos.sales.services import complete_sale, record_sale


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def prices(engine: Engine) -> dict[str, tuple[int, int]]:
    """SKU -> (variant id, price in pence), of every SKU on sale."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sku, id, price_pence FROM variants WHERE retired_at IS NULL"))
        return {sku: (variant_id, price) for sku, variant_id, price in rows}


def basket(key: str, skus: list[str]) -> tuple[list[tuple[str, int]], str]:
    """The basket of `key`: one to three (SKU, quantity), and 'cash' or 'card'. The test rebuilds it from the key."""
    rng = random.Random(key)
    chosen = rng.sample(sorted(skus), rng.randint(1, 3))
    return [(sku, rng.choice((1, 1, 2))) for sku in chosen], rng.choice(("cash", "card"))


def basket_id(key: str) -> str:
    """The id the till gave basket `key` (the same every time: a retry names the same basket)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"makers-till:basket:{key}"))


def cashier(key: str) -> str:
    """The name the sale of basket `key` is served under: the ledger's record of which basket it was."""
    return f"basket {key}"


def tender_for(kind: str, total: int) -> Tender:
    return card_tender(total) if kind == "card" else cash_tender(total)


def warm_up(engine: Engine, till: str, catalogue: dict[str, tuple[int, int]]) -> None:
    """Run every statement of a sale once, then roll it back: nothing is recorded."""
    items, kind = basket("warm-up", list(catalogue))
    total = sum(catalogue[sku][1] * quantity for sku, quantity in items)
    with UnitOfWork(engine, Actor("", till)) as uow:
        record_sale(uow, [(catalogue[sku][0], quantity) for sku, quantity in items], [tender_for(kind, total)])
    engine.dispose()


def complete(engine: Engine, till: str, key: str, catalogue: dict[str, tuple[int, int]]) -> CompletedSale:
    """Complete basket `key` at `till`, with its basket id."""
    items, tender_kind = basket(key, list(catalogue))
    total = sum(catalogue[sku][1] * quantity for sku, quantity in items)
    say(f"begin {key}")
    return complete_sale(UnitOfWork(engine, Actor(cashier(key), till)),
                         [(catalogue[sku][0], quantity) for sku, quantity in items], [tender_for(tender_kind, total)],
                         basket_id=basket_id(key))


def sell_forever(engine: Engine, till: str, round_no: str, catalogue: dict[str, tuple[int, int]],
                 retry: str | None) -> None:
    engine.dispose(close=False)  # the parent's connections are its own: this till opens new ones
    engine.connect().close()  # connected before it says it is selling, so kills land among sales
    say(f"selling {os.getpid()}")
    if retry is not None:
        again = complete(engine, till, retry, catalogue)
        say(f"retried {retry} {again.receipt_no} {'repeated' if again.repeated else 'new'}")
    for number in count(1):
        key = f"{round_no}.{number}"
        sale = complete(engine, till, key, catalogue)
        say(f"sold {key} {sale.receipt_no}")


def main() -> None:
    url, till = sys.argv[1], sys.argv[2]
    engine = open_ledger(url)
    catalogue = prices(engine)
    warm_up(engine, till, catalogue)
    say("ready")
    for command in sys.stdin:
        if command.strip() == "quit":
            return
        _fork, round_no, *retry = command.split()
        pid = os.fork()
        if pid == 0:
            try:
                sell_forever(engine, till, round_no, catalogue, retry[0] if retry else None)
            except BaseException:  # noqa: BLE001 - selling failed: say why on stderr, and end this child only
                traceback.print_exc()
            os._exit(1)
        _, status = os.waitpid(pid, 0)
        say(f"dead {pid} {os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)}")


if __name__ == "__main__":
    main()
