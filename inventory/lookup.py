"""Product look-up for the shop floor: "do you have this in a medium?" and "who made it?".

Finds designs by part of the design's name, part of a consenting designer's name, a barcode or
part of an SKU, and gives each design's variants with their saleable stock (the sum of their
movements: a `damaged` movement has already taken a unit out of it) and its designers as they
may be shown. A designer who has not consented is "one of our designers": their name and story
never leave this module, and typing their name finds nothing by it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, func, or_, select

from common.limits import check_search_text
from inventory.catalog import _contains, _is_digits
from inventory.models import DesignerShare, Participant, Product, StockMovement, Variant

LOOKUP_LIMIT = 20  # designs shown for one look-up; a till screen shows fewer at once
UNNAMED_DESIGNER = "one of our designers"
SIZE_ORDER = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "OS")


@dataclass(frozen=True)
class StockedVariant:
    """One SKU of a design, with its price and how many can be sold now."""

    sku: str
    barcode: str
    size: str
    colour: str
    price_pence: int
    on_hand: int


@dataclass(frozen=True)
class DesignerCredit:
    """A designer as the shop floor may show them: named with their story only with consent."""

    name: str
    story: str = ""
    linkedin_url: str = ""
    named: bool = True


@dataclass(frozen=True)
class DesignMatch:
    """A design that matched, with every variant (by size, then colour) and its designers (largest share first)."""

    name: str
    category: str
    variants: tuple[StockedVariant, ...]
    designers: tuple[DesignerCredit, ...]

    @property
    def on_hand(self) -> int:
        return sum(variant.on_hand for variant in self.variants)


def size_rank(size: str) -> tuple[int, str]:
    """Sizes in the order a rail hangs them (XS before S before M...), unknown sizes after, alphabetically."""
    upper = size.upper()
    return (SIZE_ORDER.index(upper), "") if upper in SIZE_ORDER else (len(SIZE_ORDER), upper)


# Built once, like inventory.catalog's statements: building a select costs more than running it.
_PATTERN = bindparam("pattern")
_BY_DESIGNER = (
    select(DesignerShare.product_id)
    .join(Participant, Participant.id == DesignerShare.participant_id)
    # Only a consenting designer's name finds their designs; anyone else's would reveal who made what.
    .where(Participant.consent_to_publish.is_(True), func.lower(Participant.display_name).like(_PATTERN, escape="\\"))
)
_BY_VARIANT = select(Variant.product_id).where(
    or_(Variant.barcode == bindparam("code"), func.lower(Variant.sku).like(_PATTERN, escape="\\"))
)
_MATCHING = (
    select(Product.id, Product.name, Product.category)
    .where(
        or_(
            func.lower(Product.name).like(_PATTERN, escape="\\"),
            Product.id.in_(_BY_VARIANT),
            Product.id.in_(_BY_DESIGNER),
        )
    )
    .order_by(Product.name)
    .limit(bindparam("limit"))
)
_ON_HAND = (
    select(func.coalesce(func.sum(StockMovement.quantity), 0))
    .where(StockMovement.variant_id == Variant.id)
    .correlate(Variant)
    .scalar_subquery()
)
_IDS = bindparam("ids", expanding=True)
_VARIANTS = select(
    Variant.product_id, Variant.sku, Variant.barcode, Variant.size, Variant.colour, Variant.price_pence, _ON_HAND
).where(Variant.product_id.in_(_IDS), Variant.retired_at.is_(None))  # a retired SKU no longer sells
_DESIGNERS = (
    select(
        DesignerShare.product_id, Participant.display_name, Participant.story, Participant.linkedin_url,
        Participant.consent_to_publish,
    )
    .join(Participant, Participant.id == DesignerShare.participant_id)
    .where(DesignerShare.product_id.in_(_IDS))
    .order_by(DesignerShare.product_id, DesignerShare.share_bp.desc(), Participant.id)
)


def _credit(name: str, story: str, linkedin_url: str, consented: bool) -> DesignerCredit:
    if not consented:
        return DesignerCredit(UNNAMED_DESIGNER, named=False)
    return DesignerCredit(name, _first_line(story), linkedin_url or "")


def _first_line(story: str | None) -> str:
    lines = (story or "").strip().splitlines()
    return lines[0].strip() if lines else ""


def look_up_products(engine: Engine, text: str, limit: int = LOOKUP_LIMIT) -> list[DesignMatch]:
    """Designs matching `text`, by name: a part of the design's name, of a consenting designer's
    name or of an SKU (case-insensitive, `%` and `_` as typed), or a barcode. Three statements,
    one read transaction. Empty text finds nothing; over-long text is refused with the limit.
    """
    text = text.strip()
    check_search_text(text)
    if not text:
        return []
    parameters = {"pattern": _contains(text.lower()), "code": text if _is_digits(text) else "", "limit": limit}
    with engine.connect() as connection:
        designs = connection.execute(_MATCHING, parameters).all()
        if not designs:
            return []
        ids = [design.id for design in designs]
        variants: dict[int, list[StockedVariant]] = defaultdict(list)
        for product_id, sku, barcode, size, colour, price, on_hand in connection.execute(_VARIANTS, {"ids": ids}):
            variants[product_id].append(StockedVariant(sku, barcode, size, colour, price, int(on_hand)))
        designers: dict[int, list[DesignerCredit]] = defaultdict(list)
        for product_id, name, story, url, consented in connection.execute(_DESIGNERS, {"ids": ids}):
            designers[product_id].append(_credit(name, story, url, bool(consented)))
    return [
        DesignMatch(
            name=design.name,
            category=design.category or "",
            variants=tuple(sorted(variants[design.id], key=lambda v: (size_rank(v.size), v.colour, v.sku))),
            designers=tuple(designers[design.id]),
        )
        for design in designs
    ]
