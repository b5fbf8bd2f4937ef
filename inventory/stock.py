"""The stock ledger: stock changes only by appending movements; on-hand is their sum."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, func, select

from inventory.db import read_session
from inventory.models import Product, StockMovement, Variant


@dataclass(frozen=True)
class StockLevel:
    sku: str
    name: str
    size: str
    colour: str
    on_hand: int


# Built once: constructing the select costs more than SQLite takes to run it.
_ON_HAND = select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
    StockMovement.variant_id == bindparam("variant_id")
)


def on_hand(engine: Engine, variant_id: int) -> int:
    """Units of one SKU in stock: the sum of its movements (read from the covering index alone).

    One statement in a read transaction of its own, on a plain connection (no ORM session needed).
    """
    with engine.connect() as connection:
        total = connection.execute(_ON_HAND, {"variant_id": variant_id}).scalar_one()
    return int(total)


def _with_on_hand(*columns):  # type: ignore[no-untyped-def]
    """SELECT `columns` of every SKU and its design, then its on-hand (zero where nothing moved), by design then SKU."""
    movement_totals = (
        select(StockMovement.variant_id, func.sum(StockMovement.quantity).label("on_hand"))
        .group_by(StockMovement.variant_id)
        .subquery()
    )
    return (
        select(*columns, func.coalesce(movement_totals.c.on_hand, 0))
        .join(Product, Product.id == Variant.product_id)
        .outerjoin(movement_totals, movement_totals.c.variant_id == Variant.id)
        .order_by(Product.name, Variant.sku)
    )


def stock_levels(engine: Engine) -> list[StockLevel]:
    """On-hand for every SKU in the catalogue (zero where nothing moved), by design then SKU."""
    query = _with_on_hand(Variant.sku, Product.name, Variant.size, Variant.colour)
    with read_session(engine) as session:
        return [StockLevel(sku, name, size, colour, int(level)) for sku, name, size, colour, level in session.execute(query)]


@dataclass(frozen=True)
class VariantListing:
    """A SKU as `pos stock show` lists it: with its barcode (in-store ones too), price and on-hand."""

    sku: str
    barcode: str
    name: str
    size: str
    colour: str
    price_pence: int
    on_hand: int  # saleable
    retired: bool
    damaged: int = 0  # kept apart, never on hand


_DAMAGED_BY_SKU = (
    select(StockMovement.variant_id, -func.sum(StockMovement.quantity))
    .where(StockMovement.kind == "damaged").group_by(StockMovement.variant_id)
)


def variant_listing(engine: Engine) -> list[VariantListing]:
    """Every SKU, retired ones too, with its barcode, on-hand and damaged stock, by design then SKU."""
    query = _with_on_hand(Variant.sku, Variant.barcode, Product.name, Variant.size, Variant.colour,
                          Variant.price_pence, Variant.retired_at, Variant.id)
    with engine.connect() as connection:
        damaged = dict(connection.execute(_DAMAGED_BY_SKU).all())
        return [
            VariantListing(sku, barcode, name, size, colour, price, int(level), retired is not None,
                           int(damaged.get(variant_id, 0)))
            for sku, barcode, name, size, colour, price, retired, variant_id, level in connection.execute(query)
        ]


_DAMAGED = select(func.coalesce(-func.sum(StockMovement.quantity), 0)).where(
    StockMovement.variant_id == bindparam("variant_id"), StockMovement.kind == "damaged"
)


def damaged_stock(engine: Engine, variant_id: int) -> int:
    """Units of one SKU moved out of saleable stock as damaged (returned damaged, for one): never on hand."""
    with engine.connect() as connection:
        total = connection.execute(_DAMAGED, {"variant_id": variant_id}).scalar_one()
    return int(total)
