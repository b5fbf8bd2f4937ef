"""Reprints and gift receipts rebuilt from the ledger, each recorded in the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from common.values import ReceiptRef
from inventory.catalog import look_up_code
from pos.sales.checkout import card_tender
from pos.sales.history import receipt_for, reprint_receipt
from pos.sales.references import NotAReceiptReference, UnknownReceipt, parse_reference
from pos.sales.services import complete_sale
from pos.staff.audit import AuditEntry, audit_trail
from pos.staff.services import staff_member
from receipts.escpos_receipt import receipt_text
from receipts.model import StoreHeader
from ledger_helpers import as_staff, staffed

STORE = StoreHeader(name="Makers' Store")
HOODIE_M = "2000000000039"  # Night Bus Hoodie, £55, AMO
DROP_S = "2000000000145"  # Drop Shoulder Hoodie, S, Sand, £60, KBL (did not consent)
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))


def _reprints(engine: Engine) -> list[AuditEntry]:
    return [entry for entry in audit_trail(engine) if entry.action in ("reprint", "gift_receipt")]


@pytest.fixture
def sold(demo_engine: Engine) -> ReceiptRef:
    people = staffed(demo_engine, *PEOPLE)
    items = [(look_up_code(demo_engine, code).variant_id, 1) for code in (HOODIE_M, DROP_S)]
    sale = complete_sale(as_staff(demo_engine, people["AMA"]), items, [card_tender(11500)], store=STORE)
    return sale.reference


def test_a_reprint_is_the_stored_receipt_marked_copy_and_audited(demo_engine: Engine, sold: ReceiptRef) -> None:
    copy = reprint_receipt(as_staff(demo_engine, staff_member(demo_engine, "AMA")), sold, STORE)
    original = receipt_for(demo_engine, sold, STORE).receipt
    assert copy.copy and not copy.gift
    assert (copy.lines, copy.total_pence, copy.payments, copy.printed_at) == (
        original.lines, original.total_pence, original.payments, original.printed_at)
    assert "*** COPY ***" in receipt_text(copy)
    [entry] = _reprints(demo_engine)
    assert (entry.action, entry.reference, entry.staff, entry.till) == ("reprint", "till-1/000001", "AMA", "till-1")


def test_a_gift_receipt_shows_no_price_and_is_audited(demo_engine: Engine, sold: ReceiptRef) -> None:
    gift = reprint_receipt(as_staff(demo_engine, staff_member(demo_engine, "AMA")), sold, STORE, gift=True)
    text = receipt_text(gift)
    assert gift.gift and not gift.copy
    assert "£" not in text and "Night Bus Hoodie" in text and "Designed by Amara Osei" in text
    assert "Kai" not in text  # the Drop Shoulder Hoodie's designer did not consent
    assert [(e.action, e.reference) for e in _reprints(demo_engine)] == [("gift_receipt", "till-1/000001")]


def test_an_unknown_receipt_is_refused_and_records_nothing(demo_engine: Engine, sold: ReceiptRef) -> None:
    with pytest.raises(UnknownReceipt, match="There is no receipt till-1/000099"):
        reprint_receipt(as_staff(demo_engine, staff_member(demo_engine, "AMA")), ReceiptRef("till-1", 99), STORE)
    assert _reprints(demo_engine) == []


@pytest.mark.parametrize(
    ("typed", "ref"),
    [("till-1/000012", ReceiptRef("till-1", 12)), (" T2/7 ", ReceiptRef("T2", 7)), ("12", ReceiptRef("till-9", 12))],
)
def test_references_as_printed_scanned_or_a_bare_number(typed: str, ref: ReceiptRef) -> None:
    assert parse_reference(typed, "till-9") == ref


@pytest.mark.parametrize("typed", ["", "till-1/", "till 1/12", "till-1/１２", "/12", "x" * 21 + "/1", "till-1/-3"])
def test_anything_else_is_not_a_reference(typed: str) -> None:
    with pytest.raises(NotAReceiptReference, match="like till-1/000012"):
        parse_reference(typed, "till-1")
