"""Finding what was scanned or typed: by barcode, by SKU, or by part of a design's name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, or_, select

from inventory.db import read_session
from common.errors import UnknownCode
from inventory.models import Product, Variant

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class VariantInfo:
    """What the till needs to show and sell one SKU."""

    variant_id: int
    sku: str
    barcode: str
    name: str
    size: str
    colour: str
    price_pence: int
    vat_rate_bp: int

    @property
    def label(self) -> str:
        detail = " ".join(part for part in (self.size, self.colour) if part)
        return f"{self.name} ({detail})" if detail else self.name


def _variant_query():  # type: ignore[no-untyped-def]
    return select(
        Variant.id,
        Variant.sku,
        Variant.barcode,
        Product.name,
        Variant.size,
        Variant.colour,
        Variant.price_pence,
        Product.vat_rate_bp,
    ).join(Product, Product.id == Variant.product_id)


def _info(row) -> VariantInfo:  # type: ignore[no-untyped-def]
    return VariantInfo(*row)


def look_up_code(engine: Engine, code: str) -> VariantInfo:
    """The SKU with exactly this barcode or SKU code (case-insensitive); UnknownCode otherwise."""
    code = code.strip()
    with read_session(engine) as session:
        if code.isascii() and code.isdigit():
            row = session.execute(_variant_query().where(Variant.barcode == code)).first()
        else:
            row = session.execute(_variant_query().where(func.upper(Variant.sku) == code.upper())).first()
    if row is None:
        raise UnknownCode(code)
    return _info(row)


def search_variants(engine: Engine, text: str, limit: int = SEARCH_LIMIT) -> list[VariantInfo]:
    """SKUs whose design name, SKU or colour contains `text` (case-insensitive), by name then size."""
    pattern = f"%{text.strip().lower()}%"
    query = (
        _variant_query()
        .where(
            or_(
                func.lower(Product.name).like(pattern),
                func.lower(Variant.sku).like(pattern),
                func.lower(Variant.colour).like(pattern),
            )
        )
        .order_by(Product.name, Variant.id)
        .limit(limit)
    )
    with read_session(engine) as session:
        return [_info(row) for row in session.execute(query)]


def find_for_entry(engine: Engine, text: str) -> list[VariantInfo]:
    """What the scan field should add for `text`.

    A barcode or SKU that matches gives exactly that SKU. Digits that match no barcode are an
    unknown barcode (a scanner never types a name). Anything else searches names; no match raises.
    """
    text = text.strip()
    if not text:
        raise UnknownCode(text)
    try:
        return [look_up_code(engine, text)]
    except UnknownCode:
        if text.isascii() and text.isdigit():
            raise
    matches = search_variants(engine, text)
    if not matches:
        raise UnknownCode(text)
    return matches
