"""Finding what was scanned or typed: by barcode, by SKU, or by part of a design's name.

Whatever is typed or pasted, a look-up either finds something or raises a PosError: entries are
bounded (common.limits) and a search's `%`, `_` and `\\` are plain characters, not wildcards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, func, or_, select

from common.errors import OverLimit, RetiredSku, UnknownCode
from common.limits import BARCODE_LENGTH, SKU_MAX, check_search_text
from inventory.db import read_session
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


# Built once: building a select costs more than SQLite takes to run it, and a scan is the till's
# most frequent query (bench: scan_to_basket, scan_burst_last_line).
_BY_BARCODE = _variant_query().add_columns(Variant.retired_at).where(Variant.barcode == bindparam("code"))
_BY_SKU = _variant_query().add_columns(Variant.retired_at).where(func.upper(Variant.sku) == bindparam("code"))


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _check_code(code: str) -> None:
    """Refuse a code longer than any barcode or SKU: it can match nothing, and is often two scans run together."""
    if _is_digits(code) and len(code) > BARCODE_LENGTH:
        raise OverLimit(
            f"That is {len(code):,} digits; a barcode has {BARCODE_LENGTH}. Scan one item at a time."
        )
    if not _is_digits(code) and len(code) > SKU_MAX:
        raise OverLimit(f"That code is {len(code):,} characters long; an SKU has at most {SKU_MAX}. Check the tag.")


def look_up_code(engine: Engine, code: str) -> VariantInfo:
    """The SKU with exactly this barcode or SKU code (case-insensitive); UnknownCode otherwise."""
    code = code.strip()
    _check_code(code)
    digits = _is_digits(code)
    with engine.connect() as connection:  # one statement in a read transaction of its own, no ORM session
        row = connection.execute(_BY_BARCODE if digits else _BY_SKU, {"code": code if digits else code.upper()}).first()
    if row is None:
        raise UnknownCode(code)
    found = _info(row[:-1])
    if row.retired_at is not None:
        raise RetiredSku(found.sku, " ".join(part for part in (found.name, found.size, found.colour) if part))
    return found


def _contains(text: str) -> str:
    """A LIKE pattern (escape character `\\`) matching anything that contains `text` as typed."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


_ALL = _variant_query().where(Variant.retired_at.is_(None)).order_by(Variant.id)  # a retired SKU never sells


def scan_codes(engine: Engine) -> dict[str, VariantInfo]:
    """Every SKU that sells by the codes a scan can carry: its barcode, and its SKU in upper case (one query).

    Retired SKUs are left out, so a scan of one asks the ledger (look_up_code), which says it is retired.
    """
    with engine.connect() as connection:
        variants = [_info(row) for row in connection.execute(_ALL)]
    codes = {variant.barcode: variant for variant in variants}
    codes.update((variant.sku.upper(), variant) for variant in variants)
    return codes


def search_variants(engine: Engine, text: str, limit: int = SEARCH_LIMIT) -> list[VariantInfo]:
    """SKUs whose design name, SKU or colour contains `text` (case-insensitive), by name then size."""
    text = text.strip()
    check_search_text(text)
    pattern = _contains(text.lower())
    query = (
        _variant_query()
        .where(Variant.retired_at.is_(None))
        .where(
            or_(
                func.lower(Product.name).like(pattern, escape="\\"),
                func.lower(Variant.sku).like(pattern, escape="\\"),
                func.lower(Variant.colour).like(pattern, escape="\\"),
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
    Over-long entries are refused with the limit before the ledger is asked.
    """
    text = text.strip()
    if not text:
        raise UnknownCode(text)
    if _is_digits(text):  # a scanner typed it: over-long digits are two scans run together
        return [look_up_code(engine, text)]
    check_search_text(text)
    if len(text) <= SKU_MAX:
        try:
            return [look_up_code(engine, text)]
        except UnknownCode:
            pass
    matches = search_variants(engine, text)
    if not matches:
        raise UnknownCode(text)
    return matches
