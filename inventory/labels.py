"""What the labels and the Meet-the-designer cards print, read from the catalogue.

A label names its designers only where they consented; a card is made only for a participant who
consented. Nothing else about a participant leaves this module.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Engine, bindparam, func, or_, select

from common.documents import DesignerCard, LabelItem
from common.errors import PosError
from common.limits import MAX_LABELS
from inventory.catalog import _check_code, _is_digits
from inventory.lookup import size_rank
from inventory.models import DesignerShare, Participant, Product, Variant


class LabelRequestError(PosError):
    """A `SKU[:QTY]` that cannot be made into labels: a bad quantity, an unknown code, too many labels."""


_REQUEST = re.compile(r"^(?P<code>[^:]+?)(?::(?P<quantity>[^:]*))?$")

_VARIANTS = select(
    Variant.product_id, Variant.sku, Variant.barcode, Product.name, Variant.size, Variant.colour, Variant.price_pence,
).join(Product, Product.id == Variant.product_id)
_CODES = bindparam("codes", expanding=True)
_VARIANTS_BY_CODE = _VARIANTS.where(or_(Variant.barcode.in_(_CODES), func.upper(Variant.sku).in_(_CODES)))
# Consent is read with the names, so a withdrawal shows on the very next label or card.
_NAMED_DESIGNERS = (
    select(DesignerShare.product_id, Participant.display_name)
    .join(Participant, Participant.id == DesignerShare.participant_id)
    .where(Participant.consent_to_publish.is_(True))
    .order_by(DesignerShare.product_id, DesignerShare.share_bp.desc(), Participant.id)
)
_CONSENTED = (
    select(Participant.id, Participant.display_name, Participant.story, Participant.linkedin_url)
    .where(Participant.consent_to_publish.is_(True))
    .order_by(Participant.display_name, Participant.id)
)
_DESIGNS_OF_CONSENTED = (
    select(DesignerShare.participant_id, Product.name)
    .join(Product, Product.id == DesignerShare.product_id)
    .join(Participant, Participant.id == DesignerShare.participant_id)
    .where(Participant.consent_to_publish.is_(True))
    .order_by(Product.name)
)


def parse_label_request(text: str) -> tuple[str, int]:
    """`SKU`, `SKU:QTY`, `BARCODE` or `BARCODE:QTY` as (code, quantity); QTY is a whole number from 1."""
    match = _REQUEST.match(text.strip())
    if not match or not match["code"].strip():
        raise LabelRequestError(f"'{text}' is not SKU[:QTY]: give an SKU or a barcode, then optionally ':' and how many.")
    code, quantity = match["code"].strip(), match["quantity"]
    _check_code(code)
    if quantity is None:
        return code, 1
    if not (quantity.isascii() and quantity.isdigit()) or int(quantity) < 1:
        raise LabelRequestError(
            f"'{text}': the quantity after ':' must be a whole number of labels from 1 (such as {code}:3)."
        )
    if int(quantity) > MAX_LABELS:
        raise LabelRequestError(f"'{text}': one PDF holds at most {MAX_LABELS:,} labels.")
    return code, int(quantity)


def _named_designers(connection) -> dict[int, tuple[str, ...]]:  # type: ignore[no-untyped-def]
    names: dict[int, list[str]] = defaultdict(list)
    for product_id, name in connection.execute(_NAMED_DESIGNERS):
        names[product_id].append(name)
    return {product_id: tuple(found) for product_id, found in names.items()}


def _items(rows: Iterable, designers: dict[int, tuple[str, ...]]) -> list[LabelItem]:  # type: ignore[type-arg]
    return [
        LabelItem(sku, barcode, name, size or "", colour or "", price, designers.get(product_id, ()))
        for product_id, sku, barcode, name, size, colour, price in rows
    ]


def label_items(engine: Engine, requests: Sequence[tuple[str, int]]) -> list[LabelItem]:
    """A label per item asked for, in the order asked: each (SKU or barcode, quantity) gives `quantity` labels.

    Every code must be in the catalogue (an SKU in any case, or a whole barcode); otherwise nothing is
    returned and LabelRequestError names each unknown code.
    """
    total = sum(quantity for _, quantity in requests)
    if total > MAX_LABELS:
        raise LabelRequestError(f"That is {total:,} labels; one PDF holds at most {MAX_LABELS:,}. Ask for fewer.")
    wanted = {code if _is_digits(code) else code.upper() for code, _ in requests}
    with engine.connect() as connection:
        items = _items(connection.execute(_VARIANTS_BY_CODE, {"codes": sorted(wanted)}), _named_designers(connection))
    by_code = {item.barcode: item for item in items} | {item.sku.upper(): item for item in items}
    unknown = [code for code, _ in requests if (code if _is_digits(code) else code.upper()) not in by_code]
    if unknown:
        raise LabelRequestError(
            f"Not in the catalogue: {', '.join(unknown)}. Give an SKU (such as NBH-BLA-M) or a 13-digit barcode."
        )
    return [by_code[code if _is_digits(code) else code.upper()] for code, quantity in requests for _ in range(quantity)]


def all_label_items(engine: Engine) -> list[LabelItem]:
    """One label for every SKU in the catalogue, by design, colour, then size as a rail hangs them."""
    with engine.connect() as connection:
        items = _items(connection.execute(_VARIANTS), _named_designers(connection))
    if len(items) > MAX_LABELS:
        raise LabelRequestError(f"The catalogue has {len(items):,} SKUs; one PDF holds at most {MAX_LABELS:,}.")
    return sorted(items, key=lambda item: (item.design, item.colour, size_rank(item.size), item.sku))


def designer_cards(engine: Engine) -> list[DesignerCard]:
    """A card for each participant who consented, by name: their name, story, profile and designs.

    A participant who did not consent is not read at all.
    """
    with engine.connect() as connection:
        people = connection.execute(_CONSENTED).all()
        designs: dict[int, list[str]] = defaultdict(list)
        for participant_id, design in connection.execute(_DESIGNS_OF_CONSENTED):
            designs[participant_id].append(design)
    return [
        DesignerCard(name, story or "", linkedin_url or "", tuple(designs[participant_id]))
        for participant_id, name, story, linkedin_url in people
    ]
