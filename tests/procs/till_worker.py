"""One till as an OS process of its own, for tests/integration/test_till_processes.py.

    python tests/procs/till_worker.py URL TILL --sales N [--seed S] [--first SKU] [--manager CODE]

Opens its own engine on the ledger at URL, prints `ready`, and waits for a line on stdin (so several
tills start their work at the same moment). Then, as till TILL (its shift already open), it completes
N sales of one to three lines, paid by cash or card, and between them refunds some of its own earlier
sales (approved by the manager CODE), records stock adjustments and receives stock into a delivery.
Each operation is printed as one JSON line once its commit has returned, with what it should have
written, so the test can check the ledger against what every till was told:

    {"op": "sale", "receipt": 7, "lines": [["SKU", 2], ...], "tenders": {"cash": 11000}}
    {"op": "refund", "receipt": 8, "of": 3, "lines": [["SKU", 1]], "damaged": false}
    {"op": "stock", "sku": "SKU", "quantity": -1}

With --first SKU, the first sale is one unit of that SKU alone (two tills selling the last unit).
Anything raised ends the process with a traceback on stderr and a non-zero exit: the test fails.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

from sqlalchemy import Engine, text

from common.values import Actor, ReceiptRef, StaffMember
from inventory.db import UnitOfWork
from pos.ledger import open_ledger
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.staff.services import staff_member
from pos.stock.adjustments import adjust_stock
from pos.stock.receiving import close_delivery, receive_scan, start_delivery

REFUND_EVERY = 7  # one refund after every 7th sale
STOCK_EVERY = 5  # one stock movement (an adjustment or a received scan) after every 5th sale


def emit(**fields: Any) -> None:
    """One line on stdout, flushed at once: the test reads it as soon as the till knows the work is done."""
    print(json.dumps(fields), flush=True)


def catalogue(engine: Engine) -> dict[str, tuple[int, int]]:
    """SKU -> (variant id, price in pence), of every SKU still on sale."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sku, id, price_pence FROM variants WHERE retired_at IS NULL"))
        return {sku: (variant_id, price) for sku, variant_id, price in rows}


class Till:
    """The work of one till, at random but repeatable from its seed."""

    def __init__(self, engine: Engine, till: str, manager: StaffMember, seed: int) -> None:
        self.engine = engine
        self.till = till
        self.manager = manager
        self.rng = random.Random(seed)
        self.skus = catalogue(engine)
        self.unrefunded: list[tuple[int, str, int]] = []  # (receipt no, SKU, quantity): a line of our own sales
        self.delivery: int | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, Actor.signed_in(self.manager, self.till))

    def sell(self, items: list[tuple[str, int]]) -> None:
        total = sum(self.skus[sku][1] * quantity for sku, quantity in items)
        card = self.rng.random() < 0.5
        tender = card_tender(total) if card else cash_tender(total, total + self.rng.choice((0, 0, 500, 2000)))
        sale = complete_sale(self.uow(), [(self.skus[sku][0], quantity) for sku, quantity in items], [tender])
        emit(op="sale", receipt=sale.receipt_no, lines=items, tenders={tender.tender: tender.amount_pence})
        self.unrefunded += [(sale.receipt_no, sku, quantity) for sku, quantity in items]

    def random_basket(self) -> list[tuple[str, int]]:
        chosen = self.rng.sample(sorted(self.skus), self.rng.randint(1, 3))
        return [(sku, self.rng.choice((1, 1, 1, 2))) for sku in chosen]

    def refund(self) -> None:
        receipt, sku, quantity = self.unrefunded.pop(self.rng.randrange(len(self.unrefunded)))
        damaged = self.rng.random() < 0.3
        done = refund_sale(self.uow(), ReceiptRef(self.till, receipt), [(sku, quantity, damaged)],
                           approved_by=self.manager, reason="changed their mind")
        emit(op="refund", receipt=done.reference.number, of=receipt, lines=[[sku, quantity]], damaged=damaged)

    def move_stock(self) -> None:
        sku = self.rng.choice(sorted(self.skus))
        if self.rng.random() < 0.5:
            quantity = self.rng.choice((-1, 1))
            adjust_stock(self.uow(), sku, quantity, "lost" if quantity < 0 else "found", approved_by=self.manager)
        else:
            if self.delivery is None:
                self.delivery = start_delivery(self.uow(), f"restock at {self.till}")
            quantity = self.rng.randint(1, 3)
            receive_scan(self.uow(), self.delivery, sku, quantity)
        emit(op="stock", sku=sku, quantity=quantity)

    def finish(self) -> None:
        if self.delivery is not None:
            close_delivery(self.uow(), self.delivery)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("till")
    parser.add_argument("--sales", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--first", help="sell one unit of this SKU first, alone")
    parser.add_argument("--manager", default="MGR", help="the manager who serves and approves")
    args = parser.parse_args()
    engine = open_ledger(args.url)
    till = Till(engine, args.till, staff_member(engine, args.manager), args.seed)
    print("ready", flush=True)
    sys.stdin.readline()
    for number in range(1, args.sales + 1):
        till.sell([(args.first, 1)] if number == 1 and args.first else till.random_basket())
        if number % REFUND_EVERY == 0 and till.unrefunded:
            till.refund()
        if number % STOCK_EVERY == 0:
            till.move_stock()
    till.finish()
    engine.dispose()


if __name__ == "__main__":
    main()
