"""Receiving a delivery by scanning: each scan (or typed quantity) adds stock at once, in one batch.

A delivery has a note ("Box 3 from the workshop") and who received it. Each scan is a stock movement
(kind "received", reference "delivery ID") written as it is scanned, so nothing scanned is lost if
the till stops; undo writes the opposite movement ("scanned in error"). An unknown barcode is refused
and adds nothing. Labels for what a delivery received: `delivery_lines`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, insert, select, update

from common.clock import utc_naive
from common.errors import NotAllowed, PosError
from common.limits import NOTE_MAX, check_length
from inventory.catalog import look_up_code
from inventory.db import UnitOfWork
from inventory.models import Delivery, Product, StockMovement, Variant
from pos.stock import MAX_AT_ONCE, last_standing, sku_label



class UnknownDelivery(PosError):
    def __init__(self, delivery_id: int) -> None:
        super().__init__(f"There is no delivery {delivery_id}. `pos receive list` shows the open ones.")


@dataclass(frozen=True)
class Received:
    sku: str
    label: str
    quantity: int  # this scan (negative: an undo)
    total: int  # this SKU received in the delivery so far


@dataclass(frozen=True)
class DeliveryLine:
    sku: str
    barcode: str
    label: str
    quantity: int


def _reference(delivery_id: int) -> str:
    return f"delivery {delivery_id}"


def start_delivery(uow: UnitOfWork, note: str = "") -> int:
    """Open a delivery to scan into; its id."""
    check_length("The note", note, NOTE_MAX)
    with uow:
        delivery_id = uow.connection.execute(insert(Delivery).values(
            note=note, received_by=uow.actor.name, started_at=utc_naive(uow.now)).returning(Delivery.id)).scalar_one()
        uow.commit()
    return int(delivery_id)


def _open_delivery(connection: Connection, delivery_id: int) -> str:
    row = connection.execute(select(Delivery.note, Delivery.closed_at).where(Delivery.id == delivery_id)).first()
    if row is None:
        raise UnknownDelivery(delivery_id)
    if row.closed_at is not None:
        raise NotAllowed(f"Delivery {delivery_id} is closed: start a new one for more goods.")
    return str(row.note)


def receive_scan(uow: UnitOfWork, delivery_id: int, code: str, quantity: int = 1) -> Received:
    """Receive `quantity` of the SKU with barcode or SKU `code` into the delivery (UnknownCode: nothing added)."""
    if not 1 <= quantity <= MAX_AT_ONCE:
        raise NotAllowed(f"A scan receives 1 to {MAX_AT_ONCE} at once; {quantity} was asked.")
    info = look_up_code(uow.engine, code)
    with uow:
        note = _open_delivery(uow.connection, delivery_id)
        _move(uow, delivery_id, info.variant_id, quantity, note or "received by scanning")
        total = _received(uow.connection, delivery_id, info.variant_id)
        uow.commit()
    return Received(info.sku, info.label, quantity, total)


def undo_last_receipt(uow: UnitOfWork, delivery_id: int) -> Received:
    """Take back the delivery's last scan that is not undone yet (an opposite movement, never a deletion)."""
    with uow:
        _open_delivery(uow.connection, delivery_id)
        last = last_standing(uow.connection.execute(
            select(StockMovement.variant_id, StockMovement.quantity)
            .where(StockMovement.reference == _reference(delivery_id)).order_by(StockMovement.id)).all())
        if last is None:
            raise NotAllowed("Nothing has been scanned into this delivery to undo.")
        variant_id, quantity = last
        _move(uow, delivery_id, variant_id, -quantity, "scanned in error")
        total = _received(uow.connection, delivery_id, variant_id)
        sku, name, size, colour = uow.connection.execute(
            select(Variant.sku, Product.name, Variant.size, Variant.colour)
            .join(Product, Product.id == Variant.product_id).where(Variant.id == variant_id)).one()
        uow.commit()
    return Received(sku, sku_label(name, size, colour), -quantity, total)


def _move(uow: UnitOfWork, delivery_id: int, variant_id: int, quantity: int, reason: str) -> None:
    uow.connection.execute(insert(StockMovement).values(
        variant_id=variant_id, quantity=quantity, kind="received", reason=reason, recorded_by=uow.actor.name,
        reference=_reference(delivery_id), created_at=utc_naive(uow.now),
    ))


def _received(connection: Connection, delivery_id: int, variant_id: int) -> int:
    return int(connection.execute(select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
        StockMovement.reference == _reference(delivery_id), StockMovement.variant_id == variant_id)).scalar_one())


def close_delivery(uow: UnitOfWork, delivery_id: int) -> list[DeliveryLine]:
    """Close the delivery (nothing more is scanned into it); what it received."""
    with uow:
        _open_delivery(uow.connection, delivery_id)
        uow.connection.execute(update(Delivery).where(Delivery.id == delivery_id).values(closed_at=utc_naive(uow.now)))
        uow.commit()
    return delivery_lines(uow.engine, delivery_id)


def delivery_lines(engine: Engine, delivery_id: int) -> list[DeliveryLine]:
    """Per SKU, how many the delivery received (undos taken off), by design; for its labels."""
    with engine.connect() as connection:
        if connection.execute(select(Delivery.id).where(Delivery.id == delivery_id)).first() is None:
            raise UnknownDelivery(delivery_id)
        rows = connection.execute(
            select(Variant.sku, Variant.barcode, Product.name, Variant.size, Variant.colour,
                   func.sum(StockMovement.quantity))
            .join(Variant, Variant.id == StockMovement.variant_id).join(Product, Product.id == Variant.product_id)
            .where(StockMovement.reference == _reference(delivery_id))
            .group_by(Variant.sku, Variant.barcode, Product.name, Variant.size, Variant.colour)
            .having(func.sum(StockMovement.quantity) > 0).order_by(Product.name, Variant.sku)
        ).all()
    return [DeliveryLine(sku, barcode, " ".join(filter(None, (name, size, colour))), int(quantity))
            for sku, barcode, name, size, colour, quantity in rows]


@dataclass(frozen=True)
class DeliverySummary:
    delivery_id: int
    note: str
    received_by: str
    is_open: bool


def list_deliveries(engine: Engine, *, open_only: bool = True) -> list[DeliverySummary]:
    query = select(Delivery.id, Delivery.note, Delivery.received_by, Delivery.closed_at).order_by(Delivery.id.desc())
    if open_only:
        query = query.where(Delivery.closed_at.is_(None))
    with engine.connect() as connection:
        return [DeliverySummary(row.id, row.note, row.received_by, row.closed_at is None)
                for row in connection.execute(query)]
