"""The till core's product look-up and reprints, without the face: the basket is never touched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from common.errors import PosError
from common.values import Actor, ReceiptRef
from inventory.lookup import DesignMatch
from pos.printing import PrintOutcome
from pos.sales.references import UnknownReceipt
from pos.sales.till_core import Event, SaleCompleted, TillCore
from pos.staff.audit import audit_trail
from receipts.model import StoreHeader
from receipts.printers import PrinterSettings

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55, AMO
STORE = StoreHeader(name="Makers' Till Test Shop")


def _till(engine: Engine, printer: PrinterSettings | None = None) -> tuple[TillCore, list[Event]]:
    events: list[Event] = []
    core = TillCore(Actor("Sam", "till-1"), STORE, printer, listener=events.append)
    core.open(lambda: engine)
    return core, events


def test_look_up_answers_with_designs_and_leaves_the_basket_alone(demo_engine: Engine) -> None:
    core, _ = _till(demo_engine)
    core.enter(HOODIE_M)
    answers: list[list[DesignMatch] | Exception] = []
    core.look_up("drop shoulder", answers.append)
    [matches] = answers
    assert isinstance(matches, list) and [m.name for m in matches] == ["Drop Shoulder Hoodie"]
    assert [(line.variant.barcode, line.quantity) for line in core.basket.lines] == [(HOODIE_M, 1)]


def test_look_up_before_the_ledger_opens_says_so() -> None:
    core = TillCore(Actor("Sam", "till-1"), STORE)
    answers: list[Any] = []
    core.look_up("hoodie", answers.append)
    assert isinstance(answers[0], PosError) and "still opening" in str(answers[0])


def test_reprint_prints_a_copy_and_a_gift_receipt_of_the_last_sale(demo_engine: Engine, tmp_path: Path) -> None:
    core, events = _till(demo_engine, PrinterSettings(kind="file", directory=tmp_path))
    core.enter(HOODIE_M)
    core.pay(core.cash())
    sale = next(event.sale for event in events if isinstance(event, SaleCompleted))
    core.enter(HOODIE_M)  # the next customer's basket
    outcomes: list[PrintOutcome | Exception] = []
    core.reprint(sale.reference, False, outcomes.append)
    core.reprint(sale.reference, True, outcomes.append)
    assert [o.message for o in outcomes if isinstance(o, PrintOutcome)] == [
        f"Copy of receipt till-1/000001 printed ({tmp_path / 'till-1-000001-copy.bin'}).",
        f"Gift receipt for till-1/000001 printed ({tmp_path / 'till-1-000001-gift.bin'}).",
    ]
    assert [e.action for e in audit_trail(demo_engine)] == ["reprint", "gift_receipt"]
    assert len(core.basket.lines) == 1


def test_reprint_of_an_unknown_receipt_hands_back_the_reason(demo_engine: Engine) -> None:
    core, _ = _till(demo_engine)
    outcomes: list[Any] = []
    core.reprint(ReceiptRef("till-1", 99), False, outcomes.append)
    assert isinstance(outcomes[0], UnknownReceipt)
    assert audit_trail(demo_engine) == []


@pytest.mark.parametrize("gift", [False, True])
def test_a_till_without_a_printer_says_the_reprint_did_not_print(demo_engine: Engine, gift: bool) -> None:
    core, _ = _till(demo_engine)
    core.enter(HOODIE_M)
    core.pay(core.cash())
    outcomes: list[Any] = []
    core.reprint(ReceiptRef("till-1", 1), gift, outcomes.append)
    assert outcomes[0] == PrintOutcome(False, "Receipt till-1/000001 not printed: this till prints no receipts.")
