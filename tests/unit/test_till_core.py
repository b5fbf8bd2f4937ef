"""The till core without its face: what a cashier relies on at the till, and what lands in the ledger.

No Textual here. The core is driven as `pos sell` and the sale screen drive it: InlineLane where a
job may run at once, and QueuedLane where the screen's worker lanes would run it later, so each
test decides exactly when the ledger answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from common.errors import OverLimit, PaymentError, UnknownCode, UnknownTill
from common.limits import MAX_QUANTITY, check_quantity, check_sale_total
from common.values import Actor, ReceiptRef, Tender
from inventory.catalog import VariantInfo, look_up_code
from inventory.stock import on_hand
from pos.sales.checkout import EMPTY_BASKET
from pos.sales.history import receipt_for
from pos.sales.tills import register_till
from pos.sales.till_core import (
    BasketChanged, ChooseItem, Event, InlineLane, Lanes, LedgerFailed, LedgerOpened, Problem, ReceiptPrinted,
    SaleCompleted, SaleRefused, SaleSaving, TillCore,
)
from receipts.model import StoreHeader
from ledger_helpers import busy_timeout_engine, by, demo_ledger_file, hold_write_lock, open_shift_on

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55, AMO
COLLAB_L = "2000000000527"  # Collab Coach Jacket, L, Black, £85, AMO 40 / KBL 30 / RNV 30
TEE_S = "2000000000329"  # Recycled Logo Tee, S, White, £25, LUW (no consent to be named)
BLOCK_TEE_M = "2000000000459"  # Block Letter Tee, M, White, £24, AMO
CAP_STONE = "2000000000626"  # Strap Cap, OS, Stone, £22, TSA
PANTS_L = "2000000000589"  # Workshop Cargo Pants, L, Olive, £58, RNV
UNKNOWN = "2000000009999"

TILL = "till-1"  # registered by init_ledger
STORE = StoreHeader(name="Makers' Till Test Shop", address_lines=("1 Market Row",), vat_number="GB123456789")
ON_POSTGRES = bool(os.environ.get("POS_TEST_DATABASE_URL"))


class QueuedLane:
    """A lane that keeps jobs until `run_all()`, then runs them first in, first out (as a worker lane would)."""

    def __init__(self) -> None:
        self.jobs: deque[tuple[Callable[[], Any], Callable[[Any], None]]] = deque()
        self._notes: list[Callable[[], None]] = []

    def submit(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        self.jobs.append((job, then))

    def notify(self, callback: Callable[[], None]) -> None:
        self._notes.append(callback)  # reaches the caller's thread before the job's own result, as LaneDone does

    def run_all(self) -> int:
        """Run every job queued, and any its continuations queue; returns how many ran."""
        ran = 0
        while self.jobs:
            job, then = self.jobs.popleft()
            try:
                result: Any = job()
            except Exception as error:  # noqa: BLE001 - handed to the continuation, as the real lanes do
                result = error
            notes, self._notes = self._notes, []
            for note in notes:
                note()
            then(result)
            ran += 1
        return ran


class Till:
    """A till core on `engine` with the events it reported, in order."""

    def __init__(
        self, engine: Engine | None, *, till: str = TILL, staff: str = "Sam", lanes: Lanes | None = None,
        printer: Any = None, open_now: bool = True,
    ) -> None:
        self.events: list[Event] = []
        self.core = TillCore(
            Actor(staff, till), STORE, printer, lanes=lanes or Lanes.inline(), listener=self.events.append
        )
        if open_now:
            assert engine is not None
            self.core.open(lambda: engine)

    def scan(self, *codes: str) -> None:
        for code in codes:
            self.core.enter(code)

    def take(self) -> list[Event]:
        """The events since the last take."""
        taken, self.events[:] = list(self.events), []
        return taken

    def lines(self) -> list[tuple[str, int]]:
        return [(line.variant.sku, line.quantity) for line in self.core.basket.lines]


def _variant(engine: Engine, code: str) -> VariantInfo:
    return look_up_code(engine, code)


def _label(engine: Engine) -> str:
    from pos.ledger import ledger_label

    return ledger_label(engine)


def _guard_warning(engine: Engine) -> str:
    """What the till is told about its connection: on PostgreSQL the tests connect as a superuser, so a warning."""
    from pos.till_role import too_powerful_for_a_till

    said = too_powerful_for_a_till(engine)
    assert bool(said) == ON_POSTGRES
    return said


def _rows(engine: Engine, sql: str, **params: object) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def _count(engine: Engine, table: str) -> int:
    return _rows(engine, f"SELECT COUNT(*) FROM {table}")[0][0]


def _set_price(engine: Engine, code: str, price_pence: int) -> None:
    """A manager corrects a price in the catalogue (variants is not append-only)."""
    with engine.begin() as connection:
        connection.execute(text("UPDATE variants SET price_pence = :p WHERE barcode = :b"), {"p": price_pence, "b": code})


def _refusal(check: Callable[..., None], *args: object) -> str:
    with pytest.raises(OverLimit) as refused:
        check(*args)
    return str(refused.value)


def _of(kind: type, events: Iterable[Event]) -> list[Any]:
    return [event for event in events if isinstance(event, kind)]


# --- scanning -----------------------------------------------------------------------------------


def test_a_scan_adds_the_line_and_a_second_scan_of_it_raises_its_quantity(demo_engine: Engine) -> None:
    till = Till(demo_engine)
    assert till.core.is_open
    assert till.take() == [LedgerOpened(_label(demo_engine), guard_warning=_guard_warning(demo_engine))]

    till.scan(HOODIE_M)
    assert till.take() == [BasketChanged("Added Night Bus Hoodie (M Black) £55.00 (qty 1).", 0)]
    till.scan(COLLAB_L)
    till.scan(HOODIE_M)
    assert till.take() == [
        BasketChanged("Added Collab Coach Jacket (L Black) £85.00 (qty 1).", 1),
        BasketChanged("Added Night Bus Hoodie (M Black) £55.00 (qty 2).", 0),
    ]
    assert till.lines() == [("NBH-BLA-M", 2), ("CCJ-BLA-L", 1)]
    assert till.core.basket.total_pence == 2 * 5500 + 8500
    assert till.core.basket.items() == [
        (_variant(demo_engine, HOODIE_M).variant_id, 2), (_variant(demo_engine, COLLAB_L).variant_id, 1),
    ]


def test_an_unknown_barcode_is_a_problem_in_the_catalogues_words_and_leaves_the_basket_alone(
    demo_engine: Engine,
) -> None:
    till = Till(demo_engine)
    till.scan(HOODIE_M)
    till.take()
    till.scan(UNKNOWN, "  velvet opera cloak  ")
    assert till.take() == [
        Problem(str(UnknownCode(UNKNOWN))),
        Problem(str(UnknownCode("velvet opera cloak"))),
    ]
    assert str(UnknownCode(UNKNOWN)).startswith(f"Barcode {UNKNOWN} is not in the catalogue.")
    assert till.lines() == [("NBH-BLA-M", 1)]
    till.scan("", "   ")  # an empty Enter is nothing, not a problem
    assert till.take() == []


def test_a_name_matching_several_designs_asks_which_and_add_adds_the_one_chosen(demo_engine: Engine) -> None:
    till = Till(demo_engine)
    till.take()
    till.scan("hoodie")
    [choose] = till.take()
    assert isinstance(choose, ChooseItem) and choose.text == "hoodie"
    assert {match.name for match in choose.matches} == {"Night Bus Hoodie", "Drop Shoulder Hoodie"}
    assert len(choose.matches) == 18  # every size and colour of both designs
    assert till.core.basket.is_empty()  # nothing is added until the cashier picks

    picked = next(match for match in choose.matches if match.sku == "DSH-SAN-L")
    till.core.add(picked)
    assert till.take() == [BasketChanged("Added Drop Shoulder Hoodie (L Sand) £60.00 (qty 1).", 0)]
    till.scan("DSH-SAN-L")  # a SKU typed by hand is one match: added straight away
    assert till.lines() == [("DSH-SAN-L", 2)]


# --- the order of scans -------------------------------------------------------------------------


BURST = [CAP_STONE, HOODIE_M, TEE_S, COLLAB_L, BLOCK_TEE_M, PANTS_L, HOODIE_M]
BURST_LINES = [
    ("SC-STO-OS", 1), ("NBH-BLA-M", 2), ("RLT-WHI-S", 1), ("CCJ-BLA-L", 1), ("BLT-WHI-M", 1), ("WCP-OLI-L", 1),
]


def test_a_burst_of_scans_comes_out_as_lines_in_the_order_typed(demo_engine: Engine) -> None:
    lookups = QueuedLane()
    till = Till(demo_engine, lanes=Lanes(lookups, InlineLane(), InlineLane()))
    assert lookups.run_all() == 1  # the ledger opens
    till.take()

    till.scan(*BURST)  # known barcodes: added at once, in order, whatever the ledger is doing
    assert lookups.run_all() == 0
    assert till.lines() == BURST_LINES
    changed = till.take()
    assert [event.cursor for event in changed] == [0, 1, 2, 3, 4, 5, 1]
    assert all(isinstance(event, BasketChanged) for event in changed)


def test_scans_behind_one_the_ledger_must_answer_wait_their_turn(demo_engine: Engine) -> None:
    lookups = QueuedLane()
    till = Till(demo_engine, lanes=Lanes(lookups, InlineLane(), InlineLane()))
    lookups.run_all()  # the ledger opens
    till.take()

    till.scan("market tote", *BURST)  # a name goes to the ledger; the known barcodes queue behind it
    assert till.core.basket.is_empty() and till.take() == []
    assert lookups.run_all() == 1 + len(BURST)
    assert till.lines() == [("MT-NAT-OS", 1), *BURST_LINES]
    assert [event.cursor for event in till.take()] == [0, 1, 2, 3, 4, 5, 6, 2]


def test_a_payment_key_straight_after_a_scan_waits_for_that_scan(demo_engine: Engine) -> None:
    """F6 pressed while the last scan is still being looked up must charge for that item too."""
    lookups = QueuedLane()
    till = Till(demo_engine, lanes=Lanes(lookups, InlineLane(), InlineLane()))
    lookups.run_all()  # the ledger opens
    till.scan("market tote", HOODIE_M, COLLAB_L)  # the name waits for the ledger, the barcodes behind it
    totals: list[int] = []
    till.core.after_lookups(lambda: totals.append(till.core.card().amount_pence))
    assert totals == []  # not before the scans are in the basket
    lookups.run_all()
    assert totals == [1500 + 5500 + 8500]
    till.core.after_lookups(lambda: totals.append(till.core.basket.total_pence))  # nothing pending: at once
    assert totals == [15500, 15500]


def test_a_payment_key_after_a_scan_that_added_nothing_is_dropped(demo_engine: Engine) -> None:
    """An unknown barcode or a name with several matches needs the cashier before any payment."""
    lookups = QueuedLane()
    till = Till(demo_engine, lanes=Lanes(lookups, InlineLane(), InlineLane()))
    lookups.run_all()
    till.scan(HOODIE_M, "9999999999994")
    paid: list[int] = []
    till.core.after_lookups(lambda: paid.append(till.core.basket.total_pence))
    lookups.run_all()
    assert paid == []
    assert isinstance(till.take()[-1], Problem)


def test_scans_entered_before_the_ledger_opens_are_looked_up_in_order_once_it_opens(demo_engine: Engine) -> None:
    lookups = QueuedLane()
    connects: list[Engine] = []

    def connect() -> Engine:
        connects.append(demo_engine)
        return demo_engine

    till = Till(demo_engine, lanes=Lanes(lookups, InlineLane(), InlineLane()), open_now=False)
    till.scan(BURST[0])  # before the till even asked for the ledger
    till.core.open(connect)
    till.scan(*BURST[1:])  # while the ledger is still opening
    assert not till.core.is_open and connects == []
    assert till.take() == [] and till.core.basket.is_empty()
    till.core.add(_variant(demo_engine, TEE_S))  # picked by hand: in the basket, but not payable yet
    with pytest.raises(PaymentError, match="still opening"):
        till.core.card()
    till.core.remove(0)
    till.take()
    lookups.run_all()
    assert connects == [demo_engine]
    events = till.take()
    assert events[0] == LedgerOpened(_label(demo_engine), guard_warning=_guard_warning(demo_engine))
    assert till.lines() == BURST_LINES  # none lost, none out of order
    assert len(_of(BasketChanged, events)) == len(BURST) and len(events) == len(BURST) + 1

    till.scan(UNKNOWN)  # once open, a scan goes straight to the ledger: no second replay of the early ones
    lookups.run_all()
    assert till.take() == [Problem(str(UnknownCode(UNKNOWN)))]
    assert till.lines() == BURST_LINES


# --- quantity and remove ------------------------------------------------------------------------


def test_quantities_beyond_the_limits_are_refused_in_the_baskets_words_and_the_line_is_unchanged(
    demo_engine: Engine,
) -> None:
    till = Till(demo_engine)
    till.scan(HOODIE_M, COLLAB_L)
    till.take()

    till.core.set_quantity(0, 3)
    assert till.take() == [BasketChanged("Night Bus Hoodie (M Black): quantity 3.", 0)]
    for refused in (0, -1, MAX_QUANTITY + 1):
        till.core.set_quantity(0, refused)
        assert till.take() == [Problem(_refusal(check_quantity, refused))]
        assert till.lines() == [("NBH-BLA-M", 3), ("CCJ-BLA-L", 1)]

    till.core.set_quantity(1, MAX_QUANTITY)  # 999 jackets: £84,915.00, within one sale's limit
    assert till.lines() == [("NBH-BLA-M", 3), ("CCJ-BLA-L", MAX_QUANTITY)]
    till.take()
    till.core.set_quantity(0, 275)  # 275 hoodies more would take the sale past £99,999.99
    assert till.take() == [Problem(_refusal(check_sale_total, 275 * 5500 + MAX_QUANTITY * 8500))]
    assert till.lines() == [("NBH-BLA-M", 3), ("CCJ-BLA-L", MAX_QUANTITY)]
    till.core.set_quantity(0, 274)  # £99,985.00: just within
    till.take()
    till.scan(TEE_S)  # a scan that would pass the limit is refused too, leaving the basket as it was
    assert till.take() == [Problem(_refusal(check_sale_total, 274 * 5500 + MAX_QUANTITY * 8500 + 2500))]
    till.scan(COLLAB_L)  # and one that would make a line's quantity 1000
    assert till.take() == [Problem(_refusal(check_quantity, MAX_QUANTITY + 1))]
    assert till.lines() == [("NBH-BLA-M", 274), ("CCJ-BLA-L", MAX_QUANTITY)]


def test_remove_takes_the_line_off_and_says_which(demo_engine: Engine) -> None:
    till = Till(demo_engine)
    till.scan(HOODIE_M, COLLAB_L, TEE_S)
    till.take()
    till.core.remove(1)
    assert till.take() == [BasketChanged("Removed Collab Coach Jacket (L Black).")]
    assert till.lines() == [("NBH-BLA-M", 1), ("RLT-WHI-S", 1)]
    assert till.core.basket.total_pence == 5500 + 2500


# --- paying -------------------------------------------------------------------------------------


def test_paying_for_an_empty_basket_is_refused(demo_engine: Engine) -> None:
    till = Till(demo_engine)
    till.take()
    for take_payment in (till.core.cash, lambda: till.core.cash(5000), till.core.card,
                         lambda: till.core.pay(Tender("card", 0, 0))):
        with pytest.raises(PaymentError) as refused:
            take_payment()
        assert str(refused.value) == EMPTY_BASKET
    assert till.take() == [] and till.core.pending == []
    assert _count(demo_engine, "sales") == 0


def test_too_little_cash_or_a_payment_for_another_total_is_refused_and_the_basket_kept(demo_engine: Engine) -> None:
    till = Till(demo_engine)
    till.scan(HOODIE_M)
    till.take()
    with pytest.raises(PaymentError) as refused:
        till.core.cash(5000)
    assert str(refused.value).startswith("£50.00 is less than the total of £55.00.")
    assert till.core.cash(6000) == Tender("cash", 5500, 6000)  # change of £5.00
    assert till.core.card() == Tender("card", 5500, 5500)

    stale = till.core.card()
    till.scan(TEE_S)  # the basket changed after the tender was made
    till.take()
    with pytest.raises(PaymentError, match="does not match the total of £80.00"):
        till.core.pay(stale)
    assert till.take() == [] and till.core.pending == []
    assert till.lines() == [("NBH-BLA-M", 1), ("RLT-WHI-S", 1)]
    assert _count(demo_engine, "sales") == 0


def test_paying_completes_the_sale_on_the_ledger_and_starts_a_new_basket(demo_engine: Engine) -> None:
    hoodie, collab = _variant(demo_engine, HOODIE_M), _variant(demo_engine, COLLAB_L)
    hoodies_before, jackets_before = on_hand(demo_engine, hoodie.variant_id), on_hand(demo_engine, collab.variant_id)
    till = Till(demo_engine)
    till.scan(HOODIE_M, COLLAB_L, HOODIE_M)
    till.take()

    pending = till.core.pay(till.core.cash(20000))
    events = till.take()
    assert [type(event) for event in events] == [SaleSaving, SaleCompleted]
    saving, completed = events
    assert saving == SaleSaving(pending, busy=False)
    assert pending.number == 1 and pending.tenders == (Tender("cash", 19500, 20000),)
    assert pending.items == [(hoodie.variant_id, 2), (collab.variant_id, 1)]
    sale = completed.sale
    assert completed.basket_empty is True
    assert (sale.till, sale.receipt_no, sale.total_pence, sale.change_pence) == (TILL, 1, 19500, 500)
    assert till.core.last_sale == sale
    assert till.core.basket.is_empty() and till.core.pending == []

    # The ledger holds the sale, its lines, its payment and the stock it took, and gives the receipt back.
    assert receipt_for(demo_engine, ReceiptRef(TILL, 1), STORE) == sale
    assert _rows(demo_engine, "SELECT id, receipt_no, staff, total_pence FROM sales") == [(sale.sale_id, 1, "Sam", 19500)]
    assert _rows(demo_engine, "SELECT sku, quantity, line_total_pence FROM sale_lines ORDER BY id") == [
        ("NBH-BLA-M", 2, 11000), ("CCJ-BLA-L", 1, 8500),
    ]
    assert _rows(demo_engine, "SELECT tender, amount_pence, tendered_pence, change_pence FROM payments") == [
        ("cash", 19500, 20000, 500),
    ]
    assert _rows(
        demo_engine,
        "SELECT variant_id, quantity, kind FROM stock_movements WHERE reference = :ref ORDER BY variant_id",
        ref=f"{TILL}/000001",
    ) == sorted([(hoodie.variant_id, -2, "sold"), (collab.variant_id, -1, "sold")])
    assert on_hand(demo_engine, hoodie.variant_id) == hoodies_before - 2
    assert on_hand(demo_engine, collab.variant_id) == jackets_before - 1

    till.scan(TEE_S)  # the next customer; the next sale takes the next number
    till.core.pay(till.core.card())
    assert _of(SaleCompleted, till.take())[0].sale.receipt_no == 2


def test_a_sale_waiting_on_its_lane_leaves_the_till_serving_the_next_customer(demo_engine: Engine) -> None:
    sales = QueuedLane()
    till = Till(demo_engine, lanes=Lanes(InlineLane(), sales, InlineLane()))
    till.scan(HOODIE_M)
    till.take()

    first = till.core.pay(till.core.card())
    assert till.take() == [SaleSaving(first)]
    assert till.core.basket.is_empty() and till.core.pending == [first]
    assert _count(demo_engine, "sales") == 0  # not in the ledger until the lane runs

    till.scan(TEE_S, TEE_S)  # the next customer, meanwhile
    assert till.lines() == [("RLT-WHI-S", 2)]
    till.take()
    sales.run_all()
    [completed] = till.take()
    assert isinstance(completed, SaleCompleted) and completed.basket_empty is False
    assert completed.sale.receipt_no == 1 and completed.sale.total_pence == 5500
    assert till.core.last_sale == completed.sale and till.core.pending == []
    assert till.lines() == [("RLT-WHI-S", 2)]  # the new basket is untouched

    # Two sales waiting at once are saved in the order taken, each with its own number.
    second = till.core.pay(till.core.cash())
    till.scan(COLLAB_L)
    third = till.core.pay(till.core.card())
    assert (second.number, third.number) == (2, 3) and till.core.pending == [second, third]
    till.take()
    sales.run_all()
    done = _of(SaleCompleted, till.take())
    assert [(event.sale.receipt_no, event.sale.total_pence, event.basket_empty) for event in done] == [
        (2, 5000, True), (3, 8500, True),
    ]
    assert till.core.last_sale == done[-1].sale
    assert _rows(demo_engine, "SELECT receipt_no, total_pence FROM sales ORDER BY receipt_no") == [
        (1, 5500), (2, 5000), (3, 8500),
    ]


def test_a_sale_the_ledger_refuses_comes_back_into_the_basket_with_the_reason(demo_engine: Engine) -> None:
    till = Till(demo_engine)
    till.scan(HOODIE_M, TEE_S, HOODIE_M)
    till.take()
    _set_price(demo_engine, HOODIE_M, 5600)  # the price changes between scan and payment

    pending = till.core.pay(till.core.card())
    events = till.take()
    assert [type(event) for event in events] == [SaleSaving, SaleRefused]
    assert events[1].message == (
        "The payments come to £135.00 but the sale is £137.00. Prices may have changed: check the basket and "
        "take payment again. Its items are back in the basket."
    )
    assert till.lines() == [("NBH-BLA-M", 2), ("RLT-WHI-S", 1)]
    assert till.core.pending == [] and till.core.last_sale is None
    assert pending.number == 1
    for table in ("sales", "sale_lines", "payments"):
        assert _count(demo_engine, table) == 0
    assert _count(demo_engine, "stock_movements WHERE kind = 'sold'") == 0


def test_a_refused_sale_goes_back_ahead_of_what_was_scanned_meanwhile(demo_engine: Engine) -> None:
    sales = QueuedLane()
    till = Till(demo_engine, lanes=Lanes(InlineLane(), sales, InlineLane()))
    till.scan(HOODIE_M, TEE_S, HOODIE_M)
    _set_price(demo_engine, HOODIE_M, 5600)
    till.core.pay(till.core.card())
    till.scan(COLLAB_L, TEE_S)  # the next customer: a jacket, and a tee like the one in the waiting sale
    assert till.lines() == [("CCJ-BLA-L", 1), ("RLT-WHI-S", 1)]
    till.take()

    sales.run_all()
    [refused] = till.take()
    assert isinstance(refused, SaleRefused) and refused.message.startswith("The payments come to £135.00")
    assert till.lines() == [("NBH-BLA-M", 2), ("RLT-WHI-S", 2), ("CCJ-BLA-L", 1)]
    assert till.core.basket.total_pence == 2 * 5600 + 2 * 2500 + 8500  # the hoodie comes back at its new price
    assert till.core.pending == [] and till.core.last_sale is None
    assert _count(demo_engine, "sales") == 0


def test_a_sale_whose_commit_landed_unheard_is_not_sold_twice_when_paid_again(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger commits the sale but the answer is lost (the till gives up waiting): the items come back
    as the same basket, so taking payment again finds the sale recorded instead of recording it twice."""
    import pos.sales.services as services
    from common.errors import LedgerUnavailable

    recorded = services.complete_sale

    def answer_lost_once(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(services, "complete_sale", recorded)
        recorded(*args, **kwargs)
        raise LedgerUnavailable("The ledger stopped answering while this was being saved, so it may or may not have been recorded.")

    monkeypatch.setattr(services, "complete_sale", answer_lost_once)
    till = Till(demo_engine)
    till.scan(HOODIE_M, TEE_S)
    till.take()
    first = till.core.pay(till.core.card())
    refused = _of(SaleRefused, till.take())
    assert len(refused) == 1 and "may or may not have been recorded" in refused[0].message
    assert till.lines() == [("NBH-BLA-M", 1), ("RLT-WHI-S", 1)] and till.core.basket.id == first.basket_id

    till.core.pay(till.core.card())
    [completed] = _of(SaleCompleted, till.take())
    assert completed.sale.repeated and completed.sale.receipt_no == 1
    assert _count(demo_engine, "sales") == 1 and _count(demo_engine, "stock_movements WHERE kind = 'sold'") == 2


@pytest.mark.skipif(ON_POSTGRES, reason="another process holding SQLite's write lock; PostgreSQL locks rows")
def test_a_sale_waits_out_a_busy_ledger_and_is_saved_exactly_once(tmp_path: Path) -> None:
    path = demo_ledger_file(tmp_path / "ledger.sqlite")
    connect = busy_timeout_engine(path, 200)  # give up on the lock after 0.2 s, then retry
    till = Till(None, open_now=False)
    till.core.open(connect)
    till.scan(TEE_S)
    till.take()

    with hold_write_lock(path, 1.5) as released:
        started = time.monotonic()
        till.core.pay(till.core.card())  # the card terminal approved it: the sale must be recorded
        waited = time.monotonic() - started
    assert released.is_set()
    assert waited >= 1.0
    events = till.take()
    assert [(type(event), getattr(event, "busy", None)) for event in events] == [
        (SaleSaving, False), (SaleSaving, True), (SaleCompleted, None),
    ]
    assert events[2].sale.receipt_no == 1
    engine = till.core.engine
    assert _rows(engine, "SELECT receipt_no, total_pence FROM sales") == [(1, 2500)]
    assert _count(engine, "payments") == 1
    engine.dispose()


# --- opening ------------------------------------------------------------------------------------


def test_a_till_name_that_is_not_registered_is_refused_naming_the_tills_there_are(demo_engine: Engine) -> None:
    register_till(by(demo_engine), "till-2")
    open_shift_on(demo_engine, "till-2")
    till = Till(demo_engine, till="till-9", open_now=False)
    till.scan(HOODIE_M)  # an early scan must not be sold on a till that does not exist
    till.core.open(lambda: demo_engine)
    assert till.take() == [LedgerFailed(str(UnknownTill("till-9", ["till-1", "till-2"])))]
    assert "(tills: till-1, till-2)" in str(UnknownTill("till-9", ["till-1", "till-2"]))
    assert not till.core.is_open and till.core.basket.is_empty()
    with pytest.raises(PaymentError):
        till.core.card()
    assert _rows(demo_engine, "SELECT name FROM tills ORDER BY name") == [("till-1",), ("till-2",)]


def test_after_a_restart_the_last_sale_is_the_one_in_the_ledger(demo_engine: Engine) -> None:
    register_till(by(demo_engine), "till-2")
    open_shift_on(demo_engine, "till-2")
    before = Till(demo_engine)
    assert before.core.last_sale is None  # a till's first day
    before.scan(HOODIE_M)
    before.core.pay(before.core.card())
    before.scan(COLLAB_L, TEE_S)
    before.core.pay(before.core.cash(12000))
    last = before.core.last_sale
    other = Till(demo_engine, till="till-2", staff="Kai")  # another till sells after it
    other.scan(CAP_STONE)
    other.core.pay(other.core.card())

    after = Till(demo_engine)  # the till restarts: F9 shows the sale it made last
    assert after.core.last_sale == last
    assert last is not None and last.receipt_no == 2 and last.change_pence == 1000
    assert after.core.last_sale.receipt.staff == "Sam"
    assert Till(demo_engine, till="till-2").core.last_sale == other.core.last_sale


# --- printing -----------------------------------------------------------------------------------


def test_the_printed_receipt_is_the_receipt_rebuilt_from_the_ledger(demo_engine: Engine, tmp_path: Path) -> None:
    from escpos.printer import Dummy

    from pos.printing import PrintOutcome
    from receipts.escpos_receipt import render_receipt
    from receipts.printers import PrinterSettings, drawer_pulse

    printer = PrinterSettings(kind="file", directory=tmp_path / "receipts")
    till = Till(demo_engine, printer=printer)
    till.scan(COLLAB_L, TEE_S, HOODIE_M, TEE_S)
    till.take()
    till.core.pay(till.core.cash(30000))
    events = till.take()
    assert [type(event) for event in events] == [SaleSaving, SaleCompleted, ReceiptPrinted]
    path = tmp_path / "receipts" / "till-1-000001.bin"
    assert events[2] == ReceiptPrinted(PrintOutcome(True, f"Receipt till-1/000001 printed ({path})."))

    rebuilt = receipt_for(demo_engine, ReceiptRef(TILL, 1), STORE)
    assert rebuilt == events[1].sale
    dummy = Dummy(profile=printer.profile)
    render_receipt(dummy, rebuilt.receipt, printer.width)
    printed = path.read_bytes()
    assert printed == drawer_pulse(printer) + dummy.output  # a cash sale: the drawer opens as it prints
    for words in (b"Makers' Till Test\n", b"Collab Coach Jacket", b"Amara Osei", b"till-1/000001"):
        assert words in printed
    assert b"Lu Wen" not in printed  # no consent to be named


def test_a_slow_printer_never_holds_up_the_sale(demo_engine: Engine, tmp_path: Path) -> None:
    from receipts.printers import PrinterSettings

    printing = QueuedLane()
    till = Till(
        demo_engine, lanes=Lanes(InlineLane(), InlineLane(), printing),
        printer=PrinterSettings(kind="file", directory=tmp_path / "receipts"),
    )
    till.scan(TEE_S)
    till.take()
    till.core.pay(till.core.card())
    assert [type(event) for event in till.take()] == [SaleSaving, SaleCompleted]
    assert _count(demo_engine, "sales") == 1 and not (tmp_path / "receipts").exists()
    till.scan(HOODIE_M)  # serving on while the receipt prints
    till.take()
    printing.run_all()
    [printed] = till.take()
    assert isinstance(printed, ReceiptPrinted) and printed.outcome.printed
    assert (tmp_path / "receipts" / "till-1-000001.bin").stat().st_size > 0
    assert till.lines() == [("NBH-BLA-M", 1)]


def test_a_whole_sale_runs_through_the_core_without_textual_loading(demo_engine: Engine, tmp_path: Path) -> None:
    """The core is reachable without the user interface: scan, pay and print in a fresh interpreter."""
    script = f"""
import sys
from pathlib import Path
from common.values import Actor
from pos.ledger import open_ledger
from pos.sales.till_core import ReceiptPrinted, SaleCompleted, TillCore
from receipts.model import StoreHeader
from receipts.printers import PrinterSettings

events = []
core = TillCore(Actor("Sam", "{TILL}"), StoreHeader(), PrinterSettings("file", Path(sys.argv[2])), listener=events.append)
core.open(lambda: open_ledger(sys.argv[1]))
core.enter("{TEE_S}")
core.pay(core.card())
done = [e.sale.receipt_no for e in events if isinstance(e, SaleCompleted)]
printed = [e.outcome.printed for e in events if isinstance(e, ReceiptPrinted)]
print(done, printed, sorted(m for m in sys.modules if m.split(".")[0] == "textual"))
"""
    url = demo_engine.url.render_as_string(hide_password=False)
    result = subprocess.run(
        [sys.executable, "-c", script, url, str(tmp_path / "receipts")],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[1] [True] []"
    assert _rows(demo_engine, "SELECT receipt_no, total_pence FROM sales") == [(1, 2500)]


# --- a refused sale comes back payable, and loses nothing scanned meanwhile -----------------------


def test_after_a_refusal_for_a_changed_price_taking_payment_again_completes_the_sale(demo_engine: Engine) -> None:
    till = Till(demo_engine)
    till.scan(HOODIE_M)
    _set_price(demo_engine, HOODIE_M, 5600)
    till.core.pay(till.core.card())
    assert _of(SaleRefused, till.take())  # "check the basket and take payment again"
    till.core.pay(till.core.card())  # ... as the message says
    again = till.take()
    assert _of(SaleRefused, again) == []
    assert [event.sale.total_pence for event in _of(SaleCompleted, again)] == [5600]


def test_a_refused_sale_that_cannot_merge_with_what_was_scanned_meanwhile_is_still_reported(
    demo_engine: Engine,
) -> None:
    sales = QueuedLane()
    till = Till(demo_engine, lanes=Lanes(InlineLane(), sales, InlineLane()))
    till.scan(HOODIE_M)
    till.core.set_quantity(0, MAX_QUANTITY)
    _set_price(demo_engine, HOODIE_M, 5600)
    till.core.pay(till.core.card())
    till.scan(HOODIE_M, TEE_S)  # the next customer: one more hoodie and a tee
    till.take()
    sales.run_all()
    [refused] = till.take()
    assert isinstance(refused, SaleRefused)
    assert ("RLT-WHI-S", 1) in till.lines()  # nothing the cashier scanned is lost
