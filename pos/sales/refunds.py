"""Refunds and exchanges: money and goods going back against an earlier sale, as new ledger entries.

The original sale is never changed. A refund gets its own receipt number from the till's counter
(shared with sales, so a till's numbers stay gapless), and writes its lines, the designers'
reversed attribution, the tenders the money went back to, stock movements and an audit entry, all
in one transaction. The rules (README, "Returns, refunds and exchanges"):

- Units come back for exactly what they brought in. A line's total (net of its discounts) is
  spread over its units by largest remainder, the first units returned carrying the extra pennies
  (3 for £10.00: 334, 333, 333), so returning every unit, in one go or several, gives back exactly
  the line's total. Its VAT is spread over its units the same way.
- Each refunded amount is split between the line's designers in proportion to what each has not yet
  had reversed (largest remainder again): no part is ever negative or more than is left, and once
  every unit is back each designer's net on the line is exactly 0.
- Money goes back to the original tender: card first, up to what the sale paid by card less what
  earlier refunds already put back on card, then cash, unless the approving manager chooses one.
  'exchange' is only the half of an exchange that pays for the new sale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select

from common.clock import local_time, trading_date, utc_naive
from common.errors import NotAllowed, PaymentError
from common.limits import NOTE_MAX, check_length, check_quantity
from common.money import format_pence, split_by_weights
from common.values import ReceiptRef, StaffMember, Tender
from inventory.db import UnitOfWork
from inventory.models import StockMovement
from pos.sales.checkout import CompletedSale
from pos.sales.models import (
    LineAttribution, Payment, Refund, RefundAttribution, RefundLine, RefundPayment, Sale, SaleLine, Till,
)
from pos.sales.print_queue import queue_document
from pos.sales.references import find_sale_id
from pos.sales.services import _next_receipt_no, basket_total, record_sale
from pos.shifts.services import refuse_overdrawn_drawer
from pos.staff.audit import record
from pos.staff.services import require_manager
from receipts.model import StoreHeader
from receipts.refund_slip import RefundSlip, RefundSlipLine

REFUND_TENDERS = ("cash", "card")  # what a manager may choose to refund to

# (sale line id or SKU, quantity, damaged): what the customer brought back.
Returned = tuple[int | str, int, bool]


@dataclass(frozen=True)
class RefundedLine:
    sale_line_id: int
    sku: str
    description: str
    size: str
    colour: str
    quantity: int
    amount_pence: int
    vat_pence: int
    damaged: bool


@dataclass(frozen=True)
class CompletedRefund:
    """A refund as written: its own reference, the sale it refunds, what went back and where."""

    refund_id: int
    reference: ReceiptRef
    original: ReceiptRef
    total_pence: int
    vat_pence: int
    to: dict[str, int]  # tender -> pence, in the order paid out
    lines: tuple[RefundedLine, ...]
    slip: RefundSlip


@dataclass(frozen=True)
class CompletedExchange:
    """An exchange: the refund of the goods returned and the new sale they helped pay for."""

    refund: CompletedRefund
    sale: CompletedSale

    @property
    def difference_pence(self) -> int:
        """What the customer paid on top (positive) or got back (negative)."""
        return self.sale.total_pence - self.refund.total_pence


# --- pure arithmetic -----------------------------------------------------------------------------


def units_value(total_pence: int, quantity: int, units: int) -> int:
    """What the first `units` of a line of `quantity` units totalling `total_pence` brought in.

    The total is spread over the units by largest remainder: every unit gets the floor share and
    the first `total % quantity` units one penny more, so units_value(t, q, q) == t exactly.
    """
    base, extra = divmod(total_pence, quantity)
    return units * base + min(units, extra)


def refund_value(total_pence: int, quantity: int, returned_before: int, returning: int) -> int:
    """What `returning` more units bring back when `returned_before` were returned already."""
    return (units_value(total_pence, quantity, returned_before + returning)
            - units_value(total_pence, quantity, returned_before))


def split_remaining(amount_pence: int, remaining: Sequence[int]) -> list[int]:
    """Split `amount_pence` in proportion to what each part has left (largest remainder).

    No part is negative or more than its remaining, and taking all that is left gives each part
    exactly its remaining. Needs amount <= sum(remaining).
    """
    if sum(remaining) == 0:
        return [0] * len(remaining)
    return split_by_weights(amount_pence, remaining)


def refund_tenders(amount_pence: int, card_left_pence: int, to: str | None) -> dict[str, int]:
    """Where `amount_pence` goes: card first up to what card can still take back, then cash; or all to `to`."""
    if to is not None:
        return {to: amount_pence} if amount_pence else {}
    card = min(amount_pence, max(card_left_pence, 0))
    return {tender: pence for tender, pence in (("card", card), ("cash", amount_pence - card)) if pence}


# --- reading the sale ----------------------------------------------------------------------------

# ONE statement, built once, reads all a refund needs (bench: refund_commit): each line of the sale
# found by its reference, with the units returned already, joined to each designer's part with what
# was reversed already (correlated sums on the refund tables' sale-line index), and what card paid
# less what card got back. A line with no designers comes once with NULL parts. The sale's row lock
# (PostgreSQL) makes two tills refunding the same sale at once count each other's returns (SQLite's
# BEGIN IMMEDIATE serialises them already).
_RETURNED = (
    select(func.coalesce(func.sum(RefundLine.quantity), 0))
    .where(RefundLine.sale_line_id == SaleLine.id)
    .correlate(SaleLine)
    .scalar_subquery()
)


def _reversed(column: Any) -> Any:
    return (
        select(func.coalesce(func.sum(column), 0))
        .join(RefundLine, RefundLine.id == RefundAttribution.refund_line_id)
        .where(RefundLine.sale_line_id == LineAttribution.sale_line_id,
               RefundAttribution.participant_id == LineAttribution.participant_id)
        .correlate(LineAttribution)
        .scalar_subquery()
    )


def _card_left(sale_id: Any) -> Any:
    """What card paid towards sale `sale_id` less what its refunds already put back on card (an SQL expression)."""
    return (
        select(func.coalesce(func.sum(Payment.amount_pence), 0))
        .where(Payment.sale_id == sale_id, Payment.tender == "card")
        .scalar_subquery()
        - select(func.coalesce(func.sum(RefundPayment.amount_pence), 0))
        .join(Refund, Refund.id == RefundPayment.refund_id)
        .where(Refund.sale_id == sale_id, RefundPayment.tender == "card")
        .scalar_subquery()
    )


_SALE_FOR_REFUND = (
    select(
        SaleLine.sale_id, SaleLine.id, SaleLine.variant_id, SaleLine.sku, SaleLine.description, SaleLine.size,
        SaleLine.colour, SaleLine.quantity, SaleLine.line_total_pence, SaleLine.vat_rate_bp, SaleLine.vat_pence,
        _RETURNED.label("returned"),
        LineAttribution.participant_id.label("participant_id"),
        (LineAttribution.gross_pence - _reversed(RefundAttribution.gross_pence)).label("gross_left"),
        (LineAttribution.vat_pence - _reversed(RefundAttribution.vat_pence)).label("vat_left"),
        _card_left(Sale.id).label("card_left"),  # correlated to the sale found
    )
    .join(Sale, Sale.id == SaleLine.sale_id)
    .join(Till, Till.id == Sale.till_id)
    .outerjoin(LineAttribution, LineAttribution.sale_line_id == SaleLine.id)
    .where(Till.name == bindparam("till"), Sale.receipt_no == bindparam("number"))
    .order_by(SaleLine.id, LineAttribution.participant_id)
    .with_for_update(of=Sale.__table__)
)
_CARD_LEFT = select(_card_left(bindparam("sale_id")))
_INSERT_REFUND = insert(Refund.__table__).returning(Refund.__table__.c.id)
_INSERT_LINES = insert(RefundLine.__table__).returning(RefundLine.__table__.c.id, sort_by_parameter_order=True)
_INSERT_ATTRIBUTIONS = insert(RefundAttribution.__table__)
_INSERT_PAYMENTS = insert(RefundPayment.__table__)
_INSERT_MOVEMENTS = insert(StockMovement.__table__)


@dataclass(frozen=True)
class _Part:
    """One returned request resolved to a sale line, with its money worked out."""

    line: Row[Any]
    quantity: int
    damaged: bool
    amount_pence: int
    vat_pence: int
    designers: tuple[tuple[int, int, int], ...]  # (participant id, gross, VAT) reversed


@dataclass(frozen=True)
class _Plan:
    sale_id: int
    parts: tuple[_Part, ...]
    card_left_pence: int

    @property
    def total_pence(self) -> int:
        return sum(part.amount_pence for part in self.parts)

    @property
    def vat_pence(self) -> int:
        return sum(part.vat_pence for part in self.parts)


def _resolve(lines: Sequence[Row[Any]], wanted: int | str, quantity: int, left: dict[int, int],
             reference: ReceiptRef) -> list[tuple[Row[Any], int]]:
    """(line, units) for `quantity` units of `wanted` (a sale line id, or a SKU spread over its lines)."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise NotAllowed("Return a quantity of at least 1.")
    check_quantity(quantity)
    if isinstance(wanted, str):
        matching = [line for line in lines if line.sku == wanted.strip()]
        label = f"SKU {wanted.strip()}"
    else:
        matching = [line for line in lines if line.id == wanted]
        label = f"line {wanted}"
    if not matching:
        raise NotAllowed(f"{label} is not on receipt {reference}. Check the receipt and choose one of its lines.")
    available = sum(left[line.id] for line in matching)
    if quantity > available:
        sold = sum(line.quantity for line in matching)
        raise NotAllowed(
            f"{matching[0].description} ({label}): {sold} sold on {reference}, {available} left to return; "
            f"{quantity} cannot be returned."
        )
    taken: list[tuple[Row[Any], int]] = []
    still = quantity
    for line in matching:
        units = min(still, left[line.id])
        if units:
            taken.append((line, units))
            left[line.id] -= units
            still -= units
    return taken


def _plan(connection: Connection, reference: ReceiptRef, returned: Sequence[Returned]) -> _Plan:
    """Check the returns against the sale and what earlier refunds took back; work out every penny."""
    if not returned:
        raise NotAllowed("Choose at least one line to return.")
    lines: list[Row[Any]] = []
    designers: dict[int, list[list[int]]] = defaultdict(list)  # line -> [participant, gross left, vat left]
    for row in connection.execute(_SALE_FOR_REFUND, {"till": reference.till, "number": reference.number}):
        if not lines or lines[-1].id != row.id:
            lines.append(row)
        if row.participant_id is not None:
            designers[row.id].append([row.participant_id, int(row.gross_left), int(row.vat_left)])
    if not lines:
        find_sale_id(connection, reference)  # says why: a refund slip's reference, or no such receipt
    sale_id = lines[0].sale_id
    returned_before = {line.id: int(line.returned) for line in lines}
    left = {line.id: line.quantity - returned_before.get(line.id, 0) for line in lines}
    done = dict(returned_before)
    parts: list[_Part] = []
    for wanted, quantity, damaged in returned:
        for line, units in _resolve(lines, wanted, quantity, left, reference):
            before = done.get(line.id, 0)
            amount = refund_value(line.line_total_pence, line.quantity, before, units)
            vat = refund_value(line.vat_pence, line.quantity, before, units)
            done[line.id] = before + units
            shares = designers[line.id]
            gross_parts = split_remaining(amount, [part[1] for part in shares])
            vat_parts = split_remaining(vat, [part[2] for part in shares])
            for part, gross, part_vat in zip(shares, gross_parts, vat_parts, strict=True):
                part[1] -= gross
                part[2] -= part_vat
            parts.append(_Part(
                line, units, bool(damaged), amount, vat,
                tuple((part[0], gross, part_vat) for part, gross, part_vat in zip(shares, gross_parts, vat_parts, strict=True)),
            ))
    return _Plan(sale_id, tuple(parts), int(lines[0].card_left))


def card_left_pence(connection: Connection, sale_id: int) -> int:
    """What card paid towards the sale less what its refunds already put back on card."""
    return int(connection.execute(_CARD_LEFT, {"sale_id": sale_id}).scalar_one())


# --- writing ------------------------------------------------------------------------------------


def _write_refund(
    uow: UnitOfWork, reference: ReceiptRef, plan: _Plan, to: dict[str, int], approver: StaffMember,
    reason: str, store: StoreHeader,
) -> CompletedRefund:
    till = uow.actor.till
    assert till is not None
    connection = uow.connection
    moment = uow.now
    stored_at = utc_naive(moment)
    day: date = trading_date(moment)
    staff = uow.actor.name
    till_id, receipt_no, shift_id = _next_receipt_no(connection, till)
    ref = ReceiptRef(till, receipt_no)
    refund_id = connection.execute(_INSERT_REFUND, {
        "till_id": till_id, "receipt_no": receipt_no, "shift_id": shift_id, "sale_id": plan.sale_id, "created_at": stored_at,
        "trading_date": day, "staff": staff, "staff_id": uow.actor.staff.id if uow.actor.staff else None,
        "approved_by_id": approver.id, "total_pence": plan.total_pence, "vat_pence": plan.vat_pence, "reason": reason,
    }).scalar_one()
    line_ids = connection.execute(_INSERT_LINES, [
        {
            "refund_id": refund_id, "sale_line_id": part.line.id, "variant_id": part.line.variant_id,
            "sku": part.line.sku, "description": part.line.description, "size": part.line.size,
            "colour": part.line.colour, "quantity": part.quantity, "amount_pence": part.amount_pence,
            "vat_rate_bp": part.line.vat_rate_bp, "vat_pence": part.vat_pence, "damaged": part.damaged,
            "trading_date": day,
        }
        for part in plan.parts
    ]).scalars().all()
    attributions = [
        {"refund_line_id": line_id, "participant_id": participant_id, "gross_pence": gross, "vat_pence": vat,
         "quantity": part.quantity, "trading_date": day}
        for line_id, part in zip(line_ids, plan.parts, strict=True)
        for participant_id, gross, vat in part.designers
    ]
    if attributions:
        connection.execute(_INSERT_ATTRIBUTIONS, attributions)
    if to:
        connection.execute(_INSERT_PAYMENTS, [
            {"refund_id": refund_id, "tender": tender, "amount_pence": amount, "trading_date": day}
            for tender, amount in to.items()
        ])
    movements = []
    for part in plan.parts:
        common = {"variant_id": part.line.variant_id, "recorded_by": staff or till, "reference": str(ref),
                  "created_at": stored_at}
        movements.append({**common, "quantity": part.quantity, "kind": "returned", "reason": f"refund of {reference}"})
        if part.damaged:
            movements.append({**common, "quantity": -part.quantity, "kind": "damaged",
                              "reason": f"returned damaged, refund of {reference}"})
    connection.execute(_INSERT_MOVEMENTS, movements)
    lines = tuple(
        RefundedLine(part.line.id, part.line.sku, part.line.description, part.line.size, part.line.colour,
                     part.quantity, part.amount_pence, part.vat_pence, part.damaged)
        for part in plan.parts
    )
    slip = refund_slip(store, ref, reference, local_time(moment), staff, approver.name, lines,
                       plan.total_pence, plan.vat_pence, to)
    return CompletedRefund(refund_id, ref, reference, plan.total_pence, plan.vat_pence, dict(to), lines, slip)


def refund_slip(
    store: StoreHeader, ref: ReceiptRef, original: ReceiptRef, when: Any, staff: str, approved_by: str,
    lines: Sequence[RefundedLine], total: int, vat: int, to: dict[str, int], exchange_sale: ReceiptRef | None = None,
) -> RefundSlip:
    """The slip of a refund; writing a refund and rebuilding it from the ledger both build it here."""
    return RefundSlip(
        store=store, reference=ref, original=original, printed_at=when, staff=staff, approved_by=approved_by,
        lines=tuple(RefundSlipLine(line.description, line.size, line.colour, line.quantity, line.amount_pence,
                                   line.damaged) for line in lines),
        total_pence=total, vat_pence=vat, to=tuple(to.items()), exchange_sale=exchange_sale,
    )


def _check_at_till(uow: UnitOfWork, reason: str) -> None:
    if not uow.actor.till:
        raise NotAllowed("A refund is made at a till: name the till.")
    check_length("The reason", reason, NOTE_MAX)


def refund_sale(
    uow: UnitOfWork,
    reference: ReceiptRef,
    lines: Sequence[Returned],
    *,
    approved_by: StaffMember | None,
    to: str | None = None,
    reason: str = "",
    store: StoreHeader | None = None,
    queue_slip: bool = False,
) -> CompletedRefund:
    """Refund units of sale `reference` at the acting till, approved by a manager: all in one transaction.

    `lines` are (sale line id or SKU, quantity, damaged). `to` ('cash' or 'card') is the manager's
    choice of tender; None refunds card first, up to what card paid, then cash. With `queue_slip`, the
    refund slip is queued for the till's printer in the same transaction (opening the drawer for cash).
    """
    if to is not None and to not in REFUND_TENDERS:
        raise NotAllowed(f"A refund goes to cash or card, not '{to}'. Exchange credit is only for an exchange.")
    _check_at_till(uow, reason)

    def write(uow: UnitOfWork) -> CompletedRefund:
        approver = require_manager(uow, approved_by, "A refund")
        plan = _plan(uow.connection, reference, lines)
        tenders = refund_tenders(plan.total_pence, plan.card_left_pence, to)
        refund = _write_refund(uow, reference, plan, tenders, approver, reason, store or StoreHeader())
        _refuse_overdrawn(uow, refund.to.get("cash", 0), "a refund")
        record(uow, "refund", _audit_detail(refund, reason), approved_by_id=approver.id, reference=str(refund.reference))
        if queue_slip:
            _queue_slip(uow, refund)
        return refund

    return uow.run(write)  # all again if the ledger turns busy halfway (a PostgreSQL deadlock): nothing was kept


def _refuse_overdrawn(uow: UnitOfWork, cash_out_pence: int, what: str) -> None:
    """Refuse a refund whose cash would leave the acting till's drawer below zero (see refuse_overdrawn_drawer)."""
    if cash_out_pence > 0:
        shift_id = uow.connection.execute(select(Till.open_shift_id).where(Till.name == uow.actor.till)).scalar_one()
        refuse_overdrawn_drawer(uow.connection, shift_id, cash_out_pence, what)


def _queue_slip(uow: UnitOfWork, refund: CompletedRefund, document: str = "refund", cash: bool = False) -> None:
    queue_document(uow.connection, uow.actor.till, document, str(refund.reference), uow.now,
                   open_drawer=cash or refund.to.get("cash", 0) > 0)


def _audit_detail(refund: CompletedRefund, reason: str) -> str:
    items = ", ".join(f"{line.quantity} x {line.sku}{' (damaged)' if line.damaged else ''}" for line in refund.lines)
    where = ", ".join(f"{format_pence(amount)} to {tender}" for tender, amount in refund.to.items())
    detail = f"{format_pence(refund.total_pence)} of {refund.original}: {items}; {where or 'nothing paid out'}"
    return f"{detail}; reason: {reason}" if reason else detail


def exchange(
    uow: UnitOfWork,
    reference: ReceiptRef,
    returned: Sequence[Returned],
    new_items: Sequence[tuple[int, int]],
    tenders: Sequence[Tender] = (),
    *,
    approved_by: StaffMember | None,
    to: str | None = None,
    reason: str = "",
    store: StoreHeader | None = None,
    queue_documents: bool = False,
) -> CompletedExchange:
    """Goods returned against `reference` pay for new items, in ONE transaction: a refund and a sale.

    The returned goods' value pays for the new sale as tender 'exchange'. When the new items cost
    more, `tenders` (cash, card) pay exactly the difference; when they cost less, `tenders` is empty
    and the difference goes back as a refund does (card first, or `to`). With `queue_documents`, the
    exchange slip (the refund and the new sale on one slip) is queued for the till's printer in the same
    transaction.
    """
    if to is not None and to not in REFUND_TENDERS:
        raise NotAllowed(f"The difference goes back to cash or card, not '{to}'.")
    if any(tender.tender == "exchange" for tender in tenders):
        raise PaymentError("The returned goods pay their part themselves: take only cash or card for the difference.")
    _check_at_till(uow, reason)
    header = store or StoreHeader()

    def write(uow: UnitOfWork) -> CompletedExchange:
        approver = require_manager(uow, approved_by, "An exchange")
        plan = _plan(uow.connection, reference, returned)
        new_total = basket_total(uow, new_items)
        credit = plan.total_pence
        covered = min(credit, new_total)
        paid = sum(tender.amount_pence for tender in tenders)
        if paid != new_total - covered:
            due = new_total - covered
            raise PaymentError(
                f"The new items come to {format_pence(new_total)} and the goods returned to {format_pence(credit)}: "
                + (f"take {format_pence(due)} for the difference." if due else "there is nothing to pay; "
                   f"{format_pence(credit - new_total)} goes back to the customer.")
            )
        back = refund_tenders(credit - covered, plan.card_left_pence, to)
        refund_to = {"exchange": covered, **back} if covered else back
        refund = _write_refund(uow, reference, plan, refund_to, approver, reason, header)
        exchange_tender = [Tender("exchange", covered, covered)] if covered else []
        sale = record_sale(uow, new_items, [*exchange_tender, *tenders], store=header)
        _refuse_overdrawn(uow, back.get("cash", 0), "the difference")
        if queue_documents:  # one exchange slip: what came back, what was taken, the difference
            _queue_slip(uow, refund, "exchange", cash=any(tender.tender == "cash" for tender in tenders))
        refund = replace(refund, slip=replace(refund.slip, exchange_sale=sale.reference))
        record(
            uow, "exchange",
            f"{_audit_detail(refund, reason)}; new sale {sale.reference} of {format_pence(sale.total_pence)}",
            approved_by_id=approver.id, reference=str(refund.reference),
        )
        return CompletedExchange(refund, sale)

    return uow.run(write)
