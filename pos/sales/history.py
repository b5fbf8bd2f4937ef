"""Past sales and refunds read back from the ledger alone: any receipt or refund slip rebuilt exactly.

Reprints, refunds and the print queue start from here; the till starts with its last sale from here.
The returns screen finds a sale here with what each line can still return.
A designer's name is printed as their consent stands now: withdrawing consent removes it from
reprints too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select

from common.clock import local_time
from common.values import ReceiptRef, Tender
from inventory.db import UnitOfWork
from inventory.models import Participant
from pos.sales.checkout import CompletedSale
from pos.sales.models import LineAttribution, Payment, Refund, RefundLine, RefundPayment, Sale, SaleLine, Till
from pos.sales.pricing import Designer, PricedLine, build_receipt, designer_from_row
from pos.sales.print_queue import queue_document
from pos.sales.references import UnknownReceipt, find_refund_id, find_sale_id, parse_reference
from pos.sales.refunds import CompletedRefund, RefundedLine, card_left_pence, refund_slip, refund_value
from pos.staff.models import Staff
from pos.staff.audit import record
from receipts.model import Receipt, StoreHeader


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
        Participant.display_name, Participant.consent_to_publish, Participant.story, Participant.linkedin_url,
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
            designers[row.sale_line_id].append(designer_from_row(row))
        lines = [
            PricedLine(
                variant_id=line.variant_id, product_id=line.product_id, sku=line.sku,
                description=line.description, size=line.size, colour=line.colour, quantity=line.quantity,
                unit_price_pence=line.unit_price_pence, vat_rate_bp=line.vat_rate_bp,
                designers=tuple(designers[line.id]), discount_pence=line.discount_pence,
                discount_label=line.discount_reason or "", list_price_pence=line.list_price_pence,
                price_reason=line.price_reason or "",
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


@dataclass(frozen=True)
class ReturnableLine:
    """A line of a past sale as the returns screen shows it: what was sold and what can still come back."""

    sale_line_id: int
    sku: str
    description: str
    size: str
    colour: str
    quantity: int
    line_total_pence: int  # what the line brought in, net of its discounts
    returned: int  # units refunded already, over every earlier refund

    @property
    def returnable(self) -> int:
        return self.quantity - self.returned

    def refund_for(self, units: int) -> int:
        """What `units` more returned units give back (see pos.sales.refunds)."""
        return refund_value(self.line_total_pence, self.quantity, self.returned, units)


@dataclass(frozen=True)
class SaleForReturn:
    """A past sale found by its reference, with its lines, payments and what is left to return."""

    reference: ReceiptRef
    sold_at: datetime  # local time
    staff: str
    total_pence: int
    payments: tuple[tuple[str, int], ...]  # (tender, amount paid)
    lines: tuple[ReturnableLine, ...]
    refunds: tuple[ReceiptRef, ...]  # earlier refunds against it, oldest first
    card_left_pence: int = 0  # what a refund can still put back on card (card paid less card refunded)

    @property
    def fully_returned(self) -> bool:
        return all(line.returnable == 0 for line in self.lines)


_SALE_HEADER = select(Sale.created_at, Sale.staff, Sale.total_pence).where(Sale.id == bindparam("sale_id"))
_RETURNED = (
    select(RefundLine.sale_line_id, func.sum(RefundLine.quantity))
    .join(SaleLine, SaleLine.id == RefundLine.sale_line_id)
    .where(SaleLine.sale_id == bindparam("sale_id"))
    .group_by(RefundLine.sale_line_id)
)
_PAID = (
    select(Payment.tender, func.sum(Payment.amount_pence))
    .where(Payment.sale_id == bindparam("sale_id"))
    .group_by(Payment.tender)
    .order_by(Payment.tender)
)
_REFUNDS_OF = (
    select(Till.name, Refund.receipt_no).join(Till, Till.id == Refund.till_id)
    .where(Refund.sale_id == bindparam("sale_id")).order_by(Refund.id)
)


def sale_for_return(engine: Engine, ref: ReceiptRef) -> SaleForReturn:
    """Sale `ref` with what each line can still return; a refund slip's reference is refused in words."""
    with engine.connect() as connection:
        sale_id = find_sale_id(connection, ref)
        header = connection.execute(_SALE_HEADER, {"sale_id": sale_id}).one()
        returned = {line_id: int(units) for line_id, units in connection.execute(_RETURNED, {"sale_id": sale_id})}
        lines = tuple(
            ReturnableLine(line.id, line.sku, line.description, line.size, line.colour, line.quantity,
                           line.line_total_pence, returned.get(line.id, 0))
            for line in connection.execute(_LINES, {"sale_id": sale_id})
        )
        payments = tuple((tender, int(amount)) for tender, amount in connection.execute(_PAID, {"sale_id": sale_id}))
        refunds = tuple(ReceiptRef(till, number) for till, number in connection.execute(_REFUNDS_OF, {"sale_id": sale_id}))
        card_left = card_left_pence(connection, sale_id)
    return SaleForReturn(ref, local_time(header.created_at), header.staff, header.total_pence, payments, lines, refunds,
                         card_left)


_REFUND_HEADER = (
    select(Refund.sale_id, Refund.created_at, Refund.staff, Refund.total_pence, Refund.vat_pence, Staff.display_name,
           Till.name, Sale.receipt_no)
    .join(Sale, Sale.id == Refund.sale_id)
    .join(Till, Till.id == Sale.till_id)
    .outerjoin(Staff, Staff.id == Refund.approved_by_id)
    .where(Refund.id == bindparam("refund_id"))
)
_REFUND_LINES = (
    select(RefundLine.sale_line_id, RefundLine.sku, RefundLine.description, RefundLine.size, RefundLine.colour,
           RefundLine.quantity, RefundLine.amount_pence, RefundLine.vat_pence, RefundLine.damaged)
    .where(RefundLine.refund_id == bindparam("refund_id"))
    .order_by(RefundLine.id)
)
_REFUND_PAID = (
    select(RefundPayment.tender, RefundPayment.amount_pence)
    .where(RefundPayment.refund_id == bindparam("refund_id"))
    .order_by(RefundPayment.id)
)
# An exchange's new sale: the sale, at the same till and moment, paid partly by the exchange tender.
_EXCHANGE_SALE = (
    select(Sale.receipt_no)
    .join(Payment, Payment.sale_id == Sale.id)
    .where(Sale.till_id == bindparam("till_id"), Sale.created_at == bindparam("created_at"), Payment.tender == "exchange")
)


def refund_receipt_for(engine: Engine, ref: ReceiptRef, store: StoreHeader) -> CompletedRefund:
    """The stored refund `ref` with its slip, rebuilt from the ledger's rows alone."""
    with engine.connect() as connection:
        refund_id = find_refund_id(connection, ref)
        if refund_id is None:
            raise UnknownReceipt(ref)
        header = connection.execute(_REFUND_HEADER, {"refund_id": refund_id}).one()
        lines = tuple(RefundedLine(*row) for row in connection.execute(_REFUND_LINES, {"refund_id": refund_id}))
        to = {tender: amount for tender, amount in connection.execute(_REFUND_PAID, {"refund_id": refund_id})}
        exchange_sale = None
        if "exchange" in to:
            till_id = connection.execute(select(Till.id).where(Till.name == ref.till)).scalar_one()
            number = connection.execute(
                _EXCHANGE_SALE, {"till_id": till_id, "created_at": header.created_at}
            ).scalar()
            exchange_sale = None if number is None else ReceiptRef(ref.till, number)
    original = ReceiptRef(header.name, header.receipt_no)
    slip = refund_slip(store, ref, original, local_time(header.created_at), header.staff, header.display_name or "",
                       lines, header.total_pence, header.vat_pence, to, exchange_sale)
    return CompletedRefund(refund_id, ref, original, header.total_pence, header.vat_pence, to, lines, slip)


def reprint_receipt(
    uow: UnitOfWork, ref: ReceiptRef, store: StoreHeader, *, gift: bool = False, queue: bool = False
) -> Receipt:
    """Receipt `ref` again, rebuilt from the ledger: marked COPY, or as a gift receipt without prices.

    The reprint is recorded in the audit trail ("reprint" or "gift_receipt", with the reference) and
    committed before the caller prints it, so every copy asked for is on record, printed or not.
    An unknown reference records nothing. With `queue`, the copy is queued for the acting till's printer
    in the same transaction.
    """
    receipt = receipt_for(uow.engine, ref, store).receipt
    with uow:
        if gift:
            record(uow, "gift_receipt", f"Gift receipt (no prices) for receipt {ref}", reference=str(ref))
        else:
            record(uow, "reprint", f"Reprinted receipt {ref}, marked COPY", reference=str(ref))
        if queue:
            queue_document(uow.connection, uow.actor.till, "gift" if gift else "copy", str(ref), uow.now)
        uow.commit()
    return replace(receipt, gift=True) if gift else replace(receipt, copy=True)


def document_text(engine: Engine, text: str, till: str, store: StoreHeader, width: int) -> str:
    """Receipt or refund slip `text` (`till-1/000012`, or a bare number of `till`) as plain text, from the ledger."""
    from receipts.escpos_receipt import receipt_text
    from receipts.refund_slip import refund_slip_text
    from receipts.slips import exchange_slip_text

    ref = parse_reference(text, till)
    try:
        return receipt_text(receipt_for(engine, ref, store).receipt, width)
    except UnknownReceipt:
        slip = refund_receipt_for(engine, ref, store).slip
    if slip.exchange_sale is None:
        return refund_slip_text(slip, width)
    return exchange_slip_text(slip, receipt_for(engine, slip.exchange_sale, store).receipt, width)
