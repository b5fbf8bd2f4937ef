"""A small three-day event on the demo catalogue, for the statements, the designers report, the event
summary and the close-out: two tills, shifts opened and closed at set times, participants who staff
the till (Ama is AMO, Kai is KBL, who did not consent to be named), a discounted collaboration, a
refund of a damaged jacket, and a sale served by the manager.

Every sale's figures are known here, so tests compare the reports with sums they make themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from common.values import Actor, ReceiptRef, StaffMember
from inventory.db import UnitOfWork
from inventory.imports import import_participants, import_products, import_stock
from pos.ledger import init_ledger
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.pricing import Discount, SaleTerms
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.sales.tills import register_till
from pos.shifts.services import close_shift, open_shift, shift_cash_up
from pos.staff.services import add_staff, set_first_pin, staff_member
from ledger_helpers import by

DATA = Path(__file__).resolve().parent.parent / "data"
DAYS = (date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22))  # November: London time is UTC
PINS = {"MGR": "2468", "AMA": "1357", "KAI": "8642"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of event day `day` (1-3), UTC (= London time in November)."""
    moment = DAYS[day - 1]
    return datetime(moment.year, moment.month, moment.day, hour, minute, tzinfo=UTC)


@dataclass
class Event:
    engine: Engine
    people: dict[str, StaffMember]
    receipts: list[ReceiptRef] = field(default_factory=list)  # every sale's reference, in order
    shift_ids: list[int] = field(default_factory=list)


def _uow(engine: Engine, member: StaffMember, till: str, moment: datetime) -> UnitOfWork:
    return UnitOfWork(engine, Actor.signed_in(member, till, lambda: moment))


def _ids(engine: Engine) -> dict[str, tuple[int, int]]:
    with engine.connect() as connection:
        return {sku: (vid, price) for vid, sku, price in connection.execute(text("SELECT id, sku, price_pence FROM variants"))}


def sell(event: Event, who: str, till: str, moment: datetime, items: list[tuple[str, int]], *, card: bool = True,
         terms: SaleTerms | None = None, total: int | None = None) -> ReceiptRef:
    """Sell `items` (SKU, quantity); with discount `terms`, `total` is what the sale comes to after them."""
    known = _ids(event.engine)
    basket = [(known[sku][0], quantity) for sku, quantity in items]
    due = total if total is not None else sum(known[sku][1] * quantity for sku, quantity in items)
    tenders = [card_tender(due) if card else cash_tender(due, -(-due // 1000) * 1000)]
    kwargs = {"terms": terms} if terms is not None else {}
    sale = complete_sale(_uow(event.engine, event.people[who], till, moment), basket, tenders, **kwargs)
    event.receipts.append(sale.reference)
    return sale.reference


def _open(event: Event, who: str, till: str, moment: datetime, float_pence: int = 10_000) -> None:
    event.shift_ids.append(open_shift(_uow(event.engine, event.people[who], till, moment), float_pence).id)


def _close(event: Event, till: str, moment: datetime) -> None:
    manager = event.people["MGR"]
    with event.engine.connect() as connection:
        shift_id = connection.execute(text("SELECT open_shift_id FROM tills WHERE name = :t"), {"t": till}).scalar()
    expected = shift_cash_up(event.engine, shift_id).expected_cash_pence
    close_shift(_uow(event.engine, manager, till, moment), manager, counted_pence=expected)


def staff_event(ledger_url: str, *, close_last_shift: bool = True) -> Event:
    """The three-day event (see the module's docstring); the last day's shift left open on request."""
    engine = init_ledger(ledger_url)
    import_participants(by(engine), DATA / "participants.csv")
    import_products(by(engine), DATA / "products.csv")
    import_stock(by(engine), DATA / "stock.csv")
    register_till(by(engine), "till-2")
    add_staff(by(engine), "MGR", "Sam", "manager")
    people = {"MGR": set_first_pin(by(engine), "MGR", PINS["MGR"])}
    manager = staff_member(engine, "MGR")
    add_staff(by(engine), "AMA", "Ama", "cashier", participant="AMO", by=manager)
    add_staff(by(engine), "KAI", "Kai", "cashier", participant="KBL", by=manager)
    people["AMA"] = set_first_pin(by(engine), "AMA", PINS["AMA"])
    people["KAI"] = set_first_pin(by(engine), "KAI", PINS["KAI"])
    event = Event(engine, people)
    mgr = people["MGR"]

    # Day 1: Ama opens till-1; Kai opens till-2 at noon.
    _open(event, "AMA", "till-1", at(1, 10))
    sell(event, "AMA", "till-1", at(1, 10, 15), [("NBH-BLA-M", 2)])
    basket = SaleTerms(basket=Discount.percent(1500, "Loyal customer"), approved_by=mgr)
    sell(event, "AMA", "till-1", at(1, 11, 20), [("CCJ-BLA-L", 1), ("RLT-WHI-S", 1)], card=False, terms=basket,
         total=9350)  # £85 + £25, 15% off
    _open(event, "KAI", "till-2", at(1, 12))
    sell(event, "KAI", "till-2", at(1, 12, 30), [("CCJ-BLA-M", 1)], card=False)
    sell(event, "MGR", "till-1", at(1, 14, 5), [("DSH-SAN-M", 1)])
    _close(event, "till-2", at(1, 17))
    _close(event, "till-1", at(1, 18))

    # Day 2: the manager opens; Kai and Ama serve; the discounted jacket comes back damaged.
    _open(event, "MGR", "till-1", at(2, 10))
    sell(event, "KAI", "till-1", at(2, 13, 10), [("NBH-GRE-L", 1), ("TTT-GRE-M", 1)])
    sell(event, "AMA", "till-1", at(2, 15, 40), [("MT-NAT-OS", 1)])
    refund_sale(_uow(engine, mgr, "till-1", at(2, 16)), event.receipts[1], [("CCJ-BLA-L", 1, True)],
                approved_by=mgr, reason="Seam came apart")
    _close(event, "till-1", at(2, 18))

    # Day 3: Ama opens and sells a hoodie.
    _open(event, "AMA", "till-1", at(3, 10))
    sell(event, "AMA", "till-1", at(3, 11), [("NBH-BLA-S", 1)])
    if close_last_shift:
        _close(event, "till-1", at(3, 17, 30))
    return event


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of `pdf` as `pdftotext -layout` reads it (poppler-utils), in order."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext missing: apt-get install -y poppler-utils (.ci/run does this).")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    return text.split("\f")[:-1]  # every page ends with a form feed


# Participants of the demo catalogue who did not consent to be named (data/participants.csv).
NOT_CONSENTED = {"KBL": "Kai Blake", "LUW": "Lu Wen"}
# Words that have no place in anything the till prints about a participant.
NEVER = ("prison", "offence", "offender", "conviction", "custody", "sentence", "probation", "criminal")
