"""Past sales read back from the ledger alone: any receipt rebuilt exactly as it was printed.

Reprints, refunds and the print queue start from here; the till starts with its last sale from here.
A designer's name is printed as their consent stands now: withdrawing consent removes it from
reprints too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from sqlalchemy import Engine, bindparam, func, select

from common.clock import local_time
from common.errors import PosError
from common.values import ReceiptRef, Tender
from inventory.db import UnitOfWork
from inventory.models import Participant
from pos.sales.checkout import CompletedSale
from pos.sales.models import LineAttribution, Payment, Sale, SaleLine, Till
from pos.sales.pricing import Designer, PricedLine, build_receipt
from pos.sales.tills import TILL_NAME_MAX
from pos.staff.audit import record
from receipts.model import Receipt, StoreHeader


class UnknownReceipt(PosError):
    def __init__(self, ref: ReceiptRef) -> None:
        super().__init__(f"There is no receipt {ref} in the ledger. Check the till name and the receipt number.")


class NotAReceiptReference(PosError):
    def __init__(self, text: str) -> None:
        shown = text if len(text) <= 30 else text[:29] + "…"
        super().__init__(
            f"'{shown}' is not a receipt reference. Scan the receipt's barcode or type it as printed, like till-1/000012."
        )


_REFERENCE = re.compile(rf"(?:([A-Za-z0-9_-]{{1,{TILL_NAME_MAX}}})/)?([0-9]{{1,9}})", re.ASCII)


def parse_receipt_ref(text: str, till: str) -> ReceiptRef:
    """`till-1/000012` as printed (or scanned from its barcode); a bare number is a receipt of `till`."""
    match = _REFERENCE.fullmatch(text.strip())
    if match is None:
        raise NotAReceiptReference(text.strip())
    return ReceiptRef(match.group(1) or till, int(match.group(2)))


_SALE = (
    select(Sale.id, Sale.created_at, Sale.staff, Sale.total_pence, Sale.vat_pence)
    .join(Till, Till.id == Sale.till_id)
    .where(Till.name == bindparam("till"), Sale.receipt_no == bindparam("number"))
)
_LAST_NUMBER = (
    select(func.max(Sale.receipt_no)).join(Till, Till.id == Sale.till_id).where(Till.name == bindparam("till"))
)
_LINES = (
    select(*SaleLine.__table__.c).where(SaleLine.sale_id == bindparam("sale_id")).order_by(SaleLine.id)
)
_DESIGNERS = (
    select(
        LineAttribution.sale_line_id, LineAttribution.participant_id, LineAttribution.share_bp,
        Participant.display_name, Participant.consent_to_publish,
    )
    .join(SaleLine, SaleLine.id == LineAttribution.sale_line_id)
    .join(Participant, Participant.id == LineAttribution.participant_id)
    .where(SaleLine.sale_id == bindparam("sale_id"))
    .order_by(LineAttribution.sale_line_id, LineAttribution.participant_id)
)
_PAYMENTS = (
    select(Payment.tender, Payment.amount_pence, Payment.tendered_pence)
    .where(Payment.sale_id == bindparam("sale_id"))
    .order_by(Payment.id)
)


def receipt_for(engine: Engine, ref: ReceiptRef, store: StoreHeader) -> CompletedSale:
    """The stored sale `ref` with its receipt, rebuilt from the ledger's rows alone."""
    with engine.connect() as connection:
        sale = connection.execute(_SALE, {"till": ref.till, "number": ref.number}).first()
        if sale is None:
            raise UnknownReceipt(ref)
        designers: dict[int, list[Designer]] = defaultdict(list)
        for row in connection.execute(_DESIGNERS, {"sale_id": sale.id}):
            designers[row.sale_line_id].append(
                Designer(row.participant_id, row.share_bp, row.display_name, bool(row.consent_to_publish))
            )
        lines = [
            PricedLine(
                variant_id=line.variant_id, product_id=line.product_id, sku=line.sku,
                description=line.description, size=line.size, colour=line.colour, quantity=line.quantity,
                unit_price_pence=line.unit_price_pence, vat_rate_bp=line.vat_rate_bp,
                designers=tuple(designers[line.id]),
            )
            for line in connection.execute(_LINES, {"sale_id": sale.id})
        ]
        tenders = [Tender(*row) for row in connection.execute(_PAYMENTS, {"sale_id": sale.id})]
    when = local_time(sale.created_at)
    receipt = build_receipt(store, ref.till, ref.number, when, sale.staff, lines, tenders)
    return CompletedSale(
        sale_id=sale.id, till=ref.till, receipt_no=ref.number, completed_at=when, total_pence=sale.total_pence,
        vat_pence=sale.vat_pence, change_pence=receipt.change_pence, receipt=receipt,
    )


def last_sale(engine: Engine, till: str, store: StoreHeader) -> CompletedSale | None:
    """The till's most recent completed sale, or None before its first."""
    with engine.connect() as connection:
        number = connection.execute(_LAST_NUMBER, {"till": till}).scalar()
    return None if number is None else receipt_for(engine, ReceiptRef(till, number), store)


def reprint_receipt(uow: UnitOfWork, ref: ReceiptRef, store: StoreHeader, *, gift: bool = False) -> Receipt:
    """Receipt `ref` again, rebuilt from the ledger: marked COPY, or as a gift receipt without prices.

    The reprint is recorded in the audit trail ("reprint" or "gift_receipt", with the reference) and
    committed before the caller prints it, so every copy asked for is on record, printed or not.
    An unknown reference records nothing.
    """
    receipt = receipt_for(uow.engine, ref, store).receipt
    with uow:
        if gift:
            record(uow, "gift_receipt", f"Gift receipt (no prices) for receipt {ref}", reference=str(ref))
        else:
            record(uow, "reprint", f"Reprinted receipt {ref}, marked COPY", reference=str(ref))
        uow.commit()
    return replace(receipt, gift=True) if gift else replace(receipt, copy=True)
