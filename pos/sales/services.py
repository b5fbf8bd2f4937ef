"""Completing a sale: one transaction for sale, lines, attribution, payments, stock and receipt number.

Statements are few and batched (one INSERT per table, many rows each) so a sale commits in about
the time raw sqlite3 takes; see bench/.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from common.clock import local_time, trading_date, utc_naive
from common.errors import NoOpenShift, NotAllowed, PaymentError, RetiredSku, UnknownTill
from common.limits import (
    DESIGN_NAME_MAX, MAX_CHANGE_PENCE, check_length, check_price, check_quantity, check_sale_total, check_staff_name,
)
from common.money import format_pence
from common.values import ReceiptRef, Tender
from inventory.db import UnitOfWork
from inventory.models import DesignerShare, Participant, Product, StockMovement, Variant
from pos.sales.checkout import EMPTY_BASKET, CompletedSale, check_basket_id
from pos.sales.models import LineAttribution, Payment, Sale, SaleLine, Till
from pos.sales.print_queue import queue_document
from pos.sales.pricing import (
    NO_SALE_TERMS, NO_TERMS, Designer, PricedLine, SaleTerms, approval_needed, attribute, build_receipt,
    designer_from_row, price_lines,
)
from pos.staff.audit import record
from pos.staff.services import require_manager
from pos.sales.tills import till_names
from receipts.model import StoreHeader


def _merge_quantities(items: Sequence[tuple[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for variant_id, quantity in items:
        if quantity <= 0:
            raise NotAllowed("Every line needs a quantity of at least 1.")
        merged[variant_id] = merged.get(variant_id, 0) + quantity
    for quantity in merged.values():
        check_quantity(quantity)
    return merged


def _check_limits(lines: Sequence[PricedLine], total: int, tenders: Sequence[Tender]) -> None:
    """The last guard before the ledger: what the basket and cash_tender check, whoever called us."""
    for line in lines:
        check_length("The design name", line.description, DESIGN_NAME_MAX)
        check_price(line.description, line.unit_price_pence)
    check_sale_total(total)
    for tender in tenders:
        if not (0 <= tender.amount_pence <= total and 0 <= tender.change_pence <= MAX_CHANGE_PENCE):
            raise PaymentError(
                f"A {tender.tender} payment of {format_pence(tender.tendered_pence)} towards "
                f"{format_pence(total)} cannot be right. Take payment again."
            )


# Statements are built once: building a select() costs more than running it on SQLite.
_PRICES_AND_DESIGNERS = (
    select(
        Variant.id, Variant.product_id, Variant.sku, Product.name, Variant.size, Variant.colour,
        Variant.price_pence, Product.vat_rate_bp, Variant.retired_at,
        DesignerShare.participant_id, DesignerShare.share_bp, Participant.display_name, Participant.consent_to_publish,
        Participant.story, Participant.linkedin_url,
    )
    .join(Product, Product.id == Variant.product_id)
    .outerjoin(DesignerShare, DesignerShare.product_id == Variant.product_id)
    .outerjoin(Participant, Participant.id == DesignerShare.participant_id)
    .where(Variant.id.in_(bindparam("variant_ids", expanding=True)))
    .order_by(Variant.id, DesignerShare.participant_id)
)
_TILLS = Till.__table__
_BUMP_RECEIPT_NO = (
    update(_TILLS)
    .where(_TILLS.c.name == bindparam("till_name"))
    .values(last_receipt_no=_TILLS.c.last_receipt_no + 1)
    .returning(_TILLS.c.id, _TILLS.c.last_receipt_no, _TILLS.c.open_shift_id)
)
_INSERT_SALE = insert(Sale.__table__).returning(Sale.__table__.c.id)
_INSERT_LINES = insert(SaleLine.__table__).returning(SaleLine.__table__.c.id, sort_by_parameter_order=True)
_INSERT_ATTRIBUTIONS = insert(LineAttribution.__table__)
_INSERT_PAYMENTS = insert(Payment.__table__)
_INSERT_MOVEMENTS = insert(StockMovement.__table__)


def _price_lines(connection: Connection, quantities: dict[int, int]) -> list[PricedLine]:
    """Each SKU's price, VAT rate and designers (by participant id), in one query."""
    variants: dict[int, Row[Any]] = {}
    designers: dict[int, list[Designer]] = defaultdict(list)
    for row in connection.execute(_PRICES_AND_DESIGNERS, {"variant_ids": list(quantities)}):
        variants.setdefault(row.id, row)
        if row.participant_id is not None:
            designers[row.id].append(designer_from_row(row))
    if len(variants) != len(quantities):
        raise NotAllowed("An item in the basket is no longer in the catalogue. Remove it and scan again.")
    for row in variants.values():
        if row.retired_at is not None:  # retired after it was scanned: the till's catalogue was older
            label = " ".join(part for part in (row.name, row.size, row.colour) if part)
            raise RetiredSku(row.sku, label)
    return [
        PricedLine(
            variant_id=variant_id,
            product_id=variants[variant_id].product_id,
            sku=variants[variant_id].sku,
            description=variants[variant_id].name,
            size=variants[variant_id].size,
            colour=variants[variant_id].colour,
            quantity=quantity,
            unit_price_pence=variants[variant_id].price_pence,
            vat_rate_bp=variants[variant_id].vat_rate_bp,
            designers=tuple(designers[variant_id]),
        )
        for variant_id, quantity in quantities.items()
    ]


def basket_total(uow: UnitOfWork, items: Sequence[tuple[int, int]]) -> int:
    """What `items` (variant_id, quantity) cost at catalogue prices now, inside the caller's unit of work.

    An exchange needs it before it writes, to know how much of the new sale the returned goods pay.
    """
    if not items:
        raise PaymentError(EMPTY_BASKET)
    return sum(line.total_pence for line in _price_lines(uow.connection, _merge_quantities(items)))


def _next_receipt_no(connection: Connection, till_name: str) -> tuple[int, int, int]:
    """(till id, receipt number, shift id) for the next sale or refund on `till_name`.

    The till's row lock keeps numbers gapless and holds its shift still: a Z takes the same lock,
    so nothing lands on a shift being closed. Only a registered till sells (an unknown name raises
    UnknownTill), and only while it has a shift open (else NoOpenShift; the caller rolls back).
    """
    bumped = connection.execute(_BUMP_RECEIPT_NO, {"till_name": till_name}).first()
    if bumped is None:
        raise UnknownTill(till_name, till_names(connection))
    if bumped[2] is None:
        raise NoOpenShift(till_name)
    return bumped[0], bumped[1], bumped[2]


def _attribution_rows(line_id: int, line: PricedLine, day: date) -> list[dict[str, object]]:
    return [
        {
            "sale_line_id": line_id, "participant_id": part.participant_id, "share_bp": part.share_bp,
            "gross_pence": part.gross_pence, "vat_pence": part.vat_pence, "trading_date": day,
            "quantity": line.quantity,
        }
        for part in attribute(line)
    ]


def _apply_terms(lines: list[PricedLine], terms: SaleTerms) -> tuple[list[PricedLine], str | None]:
    """The catalogue-priced lines with the sale's overrides and discounts (see pos.sales.pricing for the rules)."""
    unknown = set(terms.lines) - {line.variant_id for line in lines}
    if unknown:
        raise NotAllowed("A discount or price override is for an item that is not in the sale. Take payment again.")
    terms.check_reasons({line.variant_id: line.description for line in lines})
    prices = price_lines(
        [(line.unit_price_pence, line.quantity, terms.lines.get(line.variant_id, NO_TERMS)) for line in lines],
        terms.basket,
    )
    return [
        replace(
            line, unit_price_pence=price.unit_price_pence, discount_pence=price.discount_pence,
            discount_label=price.discount_label,
            list_price_pence=price.list_price_pence if price.terms.override else None,
            price_reason=price.terms.override.reason if price.terms.override else "",
        )
        for line, price in zip(lines, prices, strict=True)
    ], approval_needed(prices, terms.rules)


def _audit_terms(uow: UnitOfWork, lines: Sequence[PricedLine], terms: SaleTerms, reference: str) -> None:
    """Every discount and override in the audit trail, in the sale's transaction, with its receipt."""
    approver = terms.approved_by.id if terms.approved_by else None
    basket_off = 0
    for line in lines:
        line_terms = terms.lines.get(line.variant_id, NO_TERMS)
        if line_terms.override is not None:
            record(uow, "price_override", f"{line.sku} {format_pence(line.list_price_pence or 0)} -> "
                   f"{format_pence(line.unit_price_pence)} ({line_terms.override.reason})",
                   approved_by_id=approver, reference=reference)
        own = line_terms.discount.off(line.gross_pence, line.sku) if line_terms.discount else 0
        if line_terms.discount is not None:
            record(uow, "discount", f"{line.sku} {line_terms.discount.label}: {format_pence(-own)}",
                   approved_by_id=approver, reference=reference)
        basket_off += line.discount_pence - own
    if terms.basket is not None:
        record(uow, "discount", f"basket {terms.basket.label}: {format_pence(-basket_off)}",
               approved_by_id=approver, reference=reference)


_SALE_OF_BASKET = (
    select(_TILLS.c.name, Sale.__table__.c.receipt_no)
    .join(_TILLS, _TILLS.c.id == Sale.__table__.c.till_id)
    .where(Sale.__table__.c.basket_id == bindparam("basket_id"))
)


def _recorded(connection: Connection, basket_id: str) -> ReceiptRef | None:
    """The receipt of the sale already recorded for `basket_id`, if there is one."""
    row = connection.execute(_SALE_OF_BASKET, {"basket_id": basket_id}).first()
    return None if row is None else ReceiptRef(row[0], row[1])


def complete_sale(
    uow: UnitOfWork,
    items: Sequence[tuple[int, int]],
    tenders: Sequence[Tender],
    *,
    store: StoreHeader | None = None,
    terms: SaleTerms = NO_SALE_TERMS,
    queue_receipt: bool = False,
    basket_id: str | None = None,
) -> CompletedSale:
    """Record a paid sale at the acting till, served by the acting person: all of it in one transaction, or nothing.

    `items` are (variant_id, quantity); prices come from the catalogue at this moment, then the
    `terms` (discounts and price overrides, with the approving manager) apply, and the tenders must
    pay exactly that total (cash change is the tendered surplus). With `queue_receipt`, the receipt is
    queued for the till's printer in the same transaction (opening the drawer when cash was taken).

    With a `basket_id` it is idempotent: if that basket's sale is recorded already (the first attempt
    committed but its caller never heard, or another process completed it a moment ago), nothing is
    written and that sale comes back (`CompletedSale.repeated`), rebuilt from the ledger. A busy ledger is
    waited out within `uow.patience`; with a basket id an unreachable one too if the patience says so.
    """
    if basket_id is not None:
        basket_id = check_basket_id(basket_id)
    elif uow.patience.unreachable_too:
        raise NotAllowed("A sale is retried after a dropped connection only with its basket id.")

    def attempt(uow: UnitOfWork) -> CompletedSale | ReceiptRef:
        earlier = _recorded(uow.connection, basket_id) if basket_id is not None else None
        if earlier is not None:
            return earlier  # nothing written: committing the empty transaction changes nothing
        return record_sale(uow, items, tenders, store=store, terms=terms, queue_receipt=queue_receipt,
                           basket_id=basket_id)

    try:
        result = uow.run(attempt)
    except IntegrityError:
        # Two processes completed the same basket at once: the unique index let one in. The other
        # (this one) rolled back everything, its receipt number too, and returns the winner's sale.
        if basket_id is None:
            raise
        with uow.engine.connect() as connection:
            winner = _recorded(connection, basket_id)
        if winner is None:
            raise
        result = winner
    if isinstance(result, ReceiptRef):
        return _earlier_sale(uow, result, store)
    return result


def _earlier_sale(uow: UnitOfWork, ref: ReceiptRef, store: StoreHeader | None) -> CompletedSale:
    from pos.sales.history import receipt_for  # history builds on refunds, which build on this module

    return replace(receipt_for(uow.engine, ref, store or StoreHeader()), repeated=True)


def record_sale(
    uow: UnitOfWork,
    items: Sequence[tuple[int, int]],
    tenders: Sequence[Tender],
    *,
    store: StoreHeader | None = None,
    terms: SaleTerms = NO_SALE_TERMS,
    queue_receipt: bool = False,
    basket_id: str | None = None,
) -> CompletedSale:
    """Write a sale inside the caller's open unit of work, without committing (an exchange adds a refund to it).

    A price override, or discounts above the configured threshold, need `terms.approved_by` to be
    an active manager (checked here, in the ledger); each discount and override is audited.
    """
    if not items:
        raise PaymentError(EMPTY_BASKET)
    till = uow.actor.till
    if not till:
        raise NotAllowed("A sale is made at a till: name the till.")
    staff = uow.actor.name
    check_staff_name(staff)
    quantities = _merge_quantities(items)
    moment = uow.now
    stored_at = utc_naive(moment)
    day = trading_date(moment)
    connection = uow.connection
    lines = _price_lines(connection, quantities)
    needs_approval: str | None = None
    if terms is not NO_SALE_TERMS:
        lines, needs_approval = _apply_terms(lines, terms)
    if needs_approval is not None or terms.approved_by is not None:
        require_manager(uow, terms.approved_by, needs_approval or "A discount")
    total = sum(line.total_pence for line in lines)
    _check_limits(lines, total, tenders)
    if not tenders:  # even a free basket is settled, by £0 in cash: a sale always has a payment row
        raise PaymentError("No payment was taken. Take payment and try again (a free basket is settled with £0.00 cash).")
    paid = sum(t.amount_pence for t in tenders)
    if paid != total:
        raise PaymentError(
            f"The payments come to {format_pence(paid)} but the sale is {format_pence(total)}. "
            "Prices may have changed: check the basket and take payment again."
        )
    vat = sum(line.vat_pence for line in lines)
    till_id, receipt_no, shift_id = _next_receipt_no(connection, till)
    sale_id = connection.execute(
        _INSERT_SALE,
        {
            "till_id": till_id, "receipt_no": receipt_no, "shift_id": shift_id, "created_at": stored_at,
            "trading_date": day, "staff": staff, "staff_id": uow.actor.staff.id if uow.actor.staff else None,
            "total_pence": total, "vat_pence": vat, "discount_pence": sum(line.discount_pence for line in lines),
            "basket_id": basket_id,
        },
    ).scalar_one()
    line_ids = connection.execute(
        _INSERT_LINES,
        [
            {
                "sale_id": sale_id, "variant_id": line.variant_id, "product_id": line.product_id,
                "sku": line.sku, "description": line.description, "size": line.size,
                "colour": line.colour, "quantity": line.quantity,
                "unit_price_pence": line.unit_price_pence, "line_total_pence": line.total_pence,
                "vat_rate_bp": line.vat_rate_bp, "vat_pence": line.vat_pence, "trading_date": day,
                "discount_pence": line.discount_pence, "discount_reason": line.discount_label or None,
                "list_price_pence": line.list_price_pence, "price_reason": line.price_reason or None,
            }
            for line in lines
        ],
    ).scalars().all()
    attributions = [row for line_id, line in zip(line_ids, lines, strict=True) for row in _attribution_rows(line_id, line, day)]
    if attributions:
        connection.execute(_INSERT_ATTRIBUTIONS, attributions)
    connection.execute(
        _INSERT_PAYMENTS,
        [
            {
                "sale_id": sale_id, "tender": t.tender, "amount_pence": t.amount_pence,
                "tendered_pence": t.tendered_pence, "change_pence": t.change_pence, "trading_date": day,
            }
            for t in tenders
        ],
    )
    connection.execute(
        _INSERT_MOVEMENTS,
        [
            {
                "variant_id": line.variant_id, "quantity": -line.quantity, "kind": "sold",
                "reason": "sale", "recorded_by": staff or till, "reference": str(ReceiptRef(till, receipt_no)),
                "created_at": stored_at,
            }
            for line in lines
        ],
    )
    if terms is not NO_SALE_TERMS:
        _audit_terms(uow, lines, terms, str(ReceiptRef(till, receipt_no)))
    if queue_receipt:
        queue_document(connection, till, "receipt", str(ReceiptRef(till, receipt_no)), moment,
                       open_drawer=any(t.tender == "cash" and t.amount_pence > 0 for t in tenders))
    when = local_time(moment)
    receipt = build_receipt(store or StoreHeader(), till, receipt_no, when, staff, lines, tenders)
    return CompletedSale(
        sale_id=sale_id, till=till, receipt_no=receipt_no, completed_at=when, total_pence=total,
        vat_pence=vat, change_pence=receipt.change_pence, receipt=receipt,
    )
