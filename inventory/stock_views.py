"""Stock views for the manager: low stock, stock value at retail, sell-through per design, the
movement history of one SKU, and the catalogue's designs and categories (what a count can cover).
Read from the movements alone (on-hand is their sum); money in pence.

Sell-through is sold ÷ received in basis points (integer arithmetic: 4250 is 42.5%). Sold counts
sales less returns; received counts deliveries and imports (less scans undone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, case, func, select

from common.clock import local_time
from common.errors import RetiredSku
from inventory.catalog import look_up_code
from inventory.models import Product, StockMovement, Variant


@dataclass(frozen=True)
class LowStock:
    sku: str
    design: str
    size: str
    colour: str
    on_hand: int
    threshold: int


@dataclass(frozen=True)
class DesignFigures:
    design: str
    on_hand: int
    value_pence: int  # on-hand at retail (each SKU's price); a SKU below zero counts nothing
    received: int
    sold: int

    @property
    def sell_through_bp(self) -> int | None:
        """Sold ÷ received in basis points, or None before anything was received."""
        return self.sold * 10_000 // self.received if self.received > 0 else None


@dataclass(frozen=True)
class MovementLine:
    when: datetime  # the store's local time
    kind: str
    quantity: int
    balance: int  # on-hand after this movement
    reason: str
    recorded_by: str
    reference: str


def _per_sku():  # type: ignore[no-untyped-def]
    """Per SKU: on-hand, received (net) and sold (net of returns).

    Grouped by `variant_id + 0`, not the column: grouping by the column has SQLite walk the
    (variant_id, quantity) index and fetch every movement's kind from the table row by row (9.6 s
    on a million movements); the expression reads the table straight through and sorts (0.2 s).
    """
    quantity = StockMovement.quantity
    variant = (StockMovement.variant_id + 0).label("variant_id")
    return (
        select(
            variant,
            func.sum(quantity).label("on_hand"),
            func.sum(case((StockMovement.kind == "received", quantity), else_=0)).label("received"),
            func.sum(case((StockMovement.kind.in_(("sold", "returned")), -quantity), else_=0)).label("sold"),
        )
        .group_by(variant)
        .subquery()
    )


def low_stock(engine: Engine, threshold: int, per_design: Mapping[str, int] | None = None) -> list[LowStock]:
    """SKUs (not retired) with on-hand at or below their design's threshold (else `threshold`), fewest first."""
    per_design = {name.lower(): value for name, value in (per_design or {}).items()}
    totals = _per_sku()
    query = (
        select(Variant.sku, Product.name, Variant.size, Variant.colour, func.coalesce(totals.c.on_hand, 0))
        .join(Product, Product.id == Variant.product_id)
        .outerjoin(totals, totals.c.variant_id == Variant.id)
        .where(Variant.retired_at.is_(None))
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    low = [
        LowStock(sku, name, size, colour, int(level), per_design.get(name.lower(), threshold))
        for sku, name, size, colour, level in rows
        if int(level) <= per_design.get(name.lower(), threshold)
    ]
    return sorted(low, key=lambda item: (item.on_hand, item.design, item.sku))


def design_figures(engine: Engine) -> list[DesignFigures]:
    """Per design: on-hand, its value at retail, received, sold; by design name."""
    totals = _per_sku()
    on_hand = func.coalesce(totals.c.on_hand, 0)
    query = (
        select(
            Product.name, func.sum(on_hand),
            func.sum(case((on_hand > 0, on_hand * Variant.price_pence), else_=0)),
            func.sum(func.coalesce(totals.c.received, 0)), func.sum(func.coalesce(totals.c.sold, 0)),
        )
        .join(Variant, Variant.product_id == Product.id)
        .outerjoin(totals, totals.c.variant_id == Variant.id)
        .group_by(Product.name)
        .order_by(Product.name)
    )
    with engine.connect() as connection:
        return [DesignFigures(name, int(level), int(value), int(received), int(sold))
                for name, level, value, received, sold in connection.execute(query)]


def movement_history(engine: Engine, code: str) -> tuple[str, list[MovementLine]]:
    """Every movement of the SKU with barcode or SKU `code`, oldest first, with the balance after each.

    A retired SKU has its history too (it no longer sells; its movements stay): its label says retired.
    """
    variant_id, label = _any_sku(engine, code)
    query = (
        select(StockMovement.created_at, StockMovement.kind, StockMovement.quantity, StockMovement.reason,
               StockMovement.recorded_by, StockMovement.reference)
        .where(StockMovement.variant_id == variant_id)
        .order_by(StockMovement.created_at, StockMovement.id)
    )
    lines, balance = [], 0
    with engine.connect() as connection:
        for created_at, kind, quantity, reason, recorded_by, reference in connection.execute(query):
            balance += quantity
            lines.append(MovementLine(local_time(created_at), kind, quantity, balance, reason, recorded_by,
                                      reference or ""))
    return label, lines


def _any_sku(engine: Engine, code: str) -> tuple[int, str]:
    """The variant id and `Night Bus Hoodie (M Black) NBH-BLA-M` of a SKU or barcode, retired ones too."""
    try:
        info = look_up_code(engine, code)
    except RetiredSku as retired:
        with engine.connect() as connection:
            row = connection.execute(
                select(Variant.id, Product.name, Variant.size, Variant.colour)
                .join(Product, Product.id == Variant.product_id).where(Variant.sku == retired.sku)
            ).one()
        detail = " ".join(part for part in (row.size, row.colour) if part)
        return int(row.id), f"{row.name}{f' ({detail})' if detail else ''} {retired.sku} (retired)"
    return info.variant_id, f"{info.label} {info.sku}"


@dataclass(frozen=True)
class DesignOutline:
    """A design as a count's scope can name it: its name, category and how many SKUs it has."""

    name: str
    category: str
    skus: int


def catalogue_outline(engine: Engine) -> list[DesignOutline]:
    """Every design with its category and number of SKUs (retired ones too, as a count covers them), by name."""
    query = (
        select(Product.name, Product.category, func.count(Variant.id))
        .join(Variant, Variant.product_id == Product.id)
        .group_by(Product.id, Product.name, Product.category)
        .order_by(Product.name)
    )
    with engine.connect() as connection:
        return [DesignOutline(name, category or "", int(skus)) for name, category, skus in connection.execute(query)]
