"""Changing the catalogue after import: participants, designs and SKUs, each change logged.

Every function here works inside the caller's open unit of work (the caller checks who may change
the catalogue and commits); each returns the changes it made, and writes one `catalogue_changes`
row per changed field with the old and the new value, who, who approved, when and from where. The
log is append-only: a change is corrected by another change.

Sales keep what they were sold with: sale lines hold their own description, size, colour and price,
so nothing here reaches a past sale. Consent is read live wherever a name is shown, so a withdrawal
takes effect on the next receipt, reprint, preview, look-up and report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, insert, select, update

from common.clock import local_time, trading_date, utc_naive
from common.errors import NotAllowed
from common.limits import (
    CATEGORY_MAX, COLOUR_MAX, DESIGN_NAME_MAX, LINKEDIN_URL_MAX, MAX_PRICE_PENCE, PARTICIPANT_NAME_MAX, SIZE_MAX,
    STORY_MAX,
)
from common.money import format_pence
from inventory.db import UnitOfWork, read_session
from inventory.fields import linkedin_problem, text_problem
from inventory.models import CatalogueChange, DesignerShare, Participant, Product, Variant

_INSERT = insert(CatalogueChange.__table__)


@dataclass(frozen=True)
class Change:
    """One field of one participant, design or SKU, from `old` to `new` (as stored: prices in pence)."""

    subject: str  # participant, design or sku
    key: str  # participant code, design name or SKU
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        shown = self.field.removesuffix("_pence")
        return f"{self.subject} {self.key}: {shown} {_shown(self.field, self.old)} -> {_shown(self.field, self.new)}"


@dataclass(frozen=True)
class LoggedChange:
    """A change as the log shows it; `at` is the store's local time."""

    at: datetime
    change: Change
    recorded_by: str
    approved_by: str
    source: str


def _shown(field: str, value: str) -> str:
    if field == "price_pence" and value.lstrip("-").isdigit():
        return format_pence(int(value))
    return repr(value) if field not in ("consent", "retired") else value


def log_changes(uow: UnitOfWork, changes: Sequence[Change], *, approved_by: str, source: str) -> None:
    """Append one log row per change, in the caller's unit of work (it commits with the changes)."""
    if not changes:
        return
    uow.connection.execute(_INSERT, [
        {
            "created_at": utc_naive(uow.now), "trading_date": trading_date(uow.now), "subject": change.subject,
            "subject_key": change.key, "field": change.field, "old_value": change.old, "new_value": change.new,
            "recorded_by": uow.actor.name[:80], "approved_by": approved_by, "source": source[:200],
        }
        for change in changes
    ])


def _refuse_if(problem: str | None) -> None:
    if problem:
        raise NotAllowed(problem[0].upper() + problem[1:] + ". Nothing was changed.")


# --- participants -------------------------------------------------------------------------------


def _participant(uow: UnitOfWork, code: str) -> Participant:
    found = uow.session.scalars(select(Participant).where(Participant.code == code.strip().upper())).first()
    if found is None:
        raise NotAllowed(f"There is no participant with code '{code}'. `pos participants list` shows them.")
    return found


def check_participant_fields(name: str | None, story: str | None, linkedin_url: str | None) -> None:
    """Refuse a name, story or profile address the catalogue cannot hold (before any transaction)."""
    if name is not None:
        _refuse_if("name is empty" if not name.strip() else text_problem("name", name, PARTICIPANT_NAME_MAX))
    if story is not None:
        _refuse_if(text_problem("story", story, STORY_MAX, multiline=True))
    if linkedin_url is not None:
        _refuse_if(text_problem("linkedin_url", linkedin_url, LINKEDIN_URL_MAX) or linkedin_problem(linkedin_url))


def participant_changes(
    current: Participant, *, name: str | None = None, story: str | None = None, linkedin_url: str | None = None,
    consent: bool | None = None,
) -> list[Change]:
    """What setting these fields would change on `current` (None leaves a field as it is)."""
    wanted = {
        "name": (current.display_name, name.strip() if name is not None else None),
        "story": (current.story, story.strip() if story is not None else None),
        "linkedin_url": (current.linkedin_url, linkedin_url.strip() if linkedin_url is not None else None),
        "consent": ("yes" if current.consent_to_publish else "no",
                    None if consent is None else ("yes" if consent else "no")),
    }
    return [Change("participant", current.code, field, old, new)
            for field, (old, new) in wanted.items() if new is not None and new != old]


def apply_participant_changes(uow: UnitOfWork, participant_id: int, changes: Sequence[Change]) -> None:
    columns = {"name": "display_name", "story": "story", "linkedin_url": "linkedin_url", "consent": "consent_to_publish"}
    values: dict[str, object] = {
        columns[change.field]: (change.new == "yes") if change.field == "consent" else change.new for change in changes
    }
    if values:
        uow.connection.execute(update(Participant.__table__).where(Participant.id == participant_id).values(**values))


def edit_participant(
    uow: UnitOfWork, code: str, *, name: str | None = None, story: str | None = None,
    linkedin_url: str | None = None, consent: bool | None = None, approved_by: str = "", source: str,
) -> list[Change]:
    """Change a participant's name, story, profile address or consent, logging each field changed."""
    check_participant_fields(name, story, linkedin_url)
    participant = _participant(uow, code)
    changes = participant_changes(participant, name=name, story=story, linkedin_url=linkedin_url, consent=consent)
    apply_participant_changes(uow, participant.id, changes)
    log_changes(uow, changes, approved_by=approved_by, source=source)
    return changes


# --- designs and SKUs ---------------------------------------------------------------------------


def _variant(uow: UnitOfWork, sku: str) -> tuple[Variant, Product]:
    found = uow.session.execute(
        select(Variant, Product).join(Product, Product.id == Variant.product_id)
        .where(func.upper(Variant.sku) == sku.strip().upper())
    ).first()
    if found is None:
        raise NotAllowed(f"There is no SKU '{sku}' in the catalogue. `pos stock show` lists every SKU.")
    return found[0], found[1]


def check_price(price_pence: int) -> None:
    if not 0 <= price_pence <= MAX_PRICE_PENCE:
        raise NotAllowed(
            f"A price must be from £0.00 to {format_pence(MAX_PRICE_PENCE)}, not {format_pence(price_pence)}. "
            "Nothing was changed."
        )


def set_price(uow: UnitOfWork, sku: str, price_pence: int, *, approved_by: str = "", source: str) -> list[Change]:
    """The SKU's price from now on; past sales keep the price they were sold at."""
    check_price(price_pence)
    variant, _ = _variant(uow, sku)
    changes = variant_changes(variant, price_pence=price_pence)
    apply_variant_changes(uow, variant.id, changes)
    log_changes(uow, changes, approved_by=approved_by, source=source)
    return changes


def variant_changes(
    variant: Variant, *, price_pence: int | None = None, size: str | None = None, colour: str | None = None,
    barcode: str | None = None,
) -> list[Change]:
    wanted = {
        "price_pence": (str(variant.price_pence), None if price_pence is None else str(price_pence)),
        "size": (variant.size, None if size is None else size.strip().upper()),
        "colour": (variant.colour, None if colour is None else colour.strip()),
        "barcode": (variant.barcode, barcode or None),
    }
    return [Change("sku", variant.sku, field, old, new)
            for field, (old, new) in wanted.items() if new is not None and new != old]


def apply_variant_changes(uow: UnitOfWork, variant_id: int, changes: Sequence[Change]) -> None:
    values: dict[str, object] = {
        change.field: int(change.new) if change.field == "price_pence" else change.new for change in changes
    }
    if values:
        uow.connection.execute(update(Variant.__table__).where(Variant.id == variant_id).values(**values))


def design_changes(product: Product, *, name: str | None = None, category: str | None = None) -> list[Change]:
    wanted = {
        "name": (product.name, None if name is None else name.strip()),
        "category": (product.category, None if category is None else category.strip()),
    }
    return [Change("design", product.name, field, old, new)
            for field, (old, new) in wanted.items() if new is not None and new != old]


def apply_design_changes(uow: UnitOfWork, product_id: int, changes: Sequence[Change]) -> None:
    values = {change.field: change.new for change in changes}
    if values:
        uow.connection.execute(update(Product.__table__).where(Product.id == product_id).values(**values))


def edit_product(
    uow: UnitOfWork, sku: str, *, name: str | None = None, category: str | None = None, size: str | None = None,
    colour: str | None = None, approved_by: str = "", source: str,
) -> list[Change]:
    """Correct a SKU's size or colour, or its design's name or category (for every SKU of that design)."""
    if name is not None:
        _refuse_if("name is empty" if not name.strip() else text_problem("name", name, DESIGN_NAME_MAX))
    for what, text, limit in (("category", category, CATEGORY_MAX), ("size", size, SIZE_MAX), ("colour", colour, COLOUR_MAX)):
        if text is not None:
            _refuse_if(text_problem(what, text, limit))
    variant, product = _variant(uow, sku)
    design = design_changes(product, name=name, category=category)
    if any(change.field == "name" for change in design):
        clash = uow.session.scalar(
            select(Product.name).where(func.lower(Product.name) == name.strip().lower(), Product.id != product.id)  # type: ignore[union-attr]
        )
        if clash is not None:
            raise NotAllowed(f"There is a design called '{clash}' already. Choose another name. Nothing was changed.")
    changes = design + variant_changes(variant, size=size, colour=colour)
    apply_design_changes(uow, product.id, design)
    apply_variant_changes(uow, variant.id, [change for change in changes if change.subject == "sku"])
    log_changes(uow, changes, approved_by=approved_by, source=source)
    return changes


def retire_sku(uow: UnitOfWork, sku: str, *, approved_by: str = "", source: str) -> list[Change]:
    """The SKU no longer sells (the till and `pos sell` refuse it); its sales and movements stay."""
    variant, _ = _variant(uow, sku)
    if variant.retired_at is not None:
        raise NotAllowed(f"{variant.sku} is retired already. Nothing was changed.")
    uow.connection.execute(
        update(Variant.__table__).where(Variant.id == variant.id).values(retired_at=utc_naive(uow.now))
    )
    changes = [Change("sku", variant.sku, "retired", "no", "yes")]
    log_changes(uow, changes, approved_by=approved_by, source=source)
    return changes


# --- reading ------------------------------------------------------------------------------------


def change_log(engine: Engine, subject: str | None = None, key: str | None = None) -> list[LoggedChange]:
    """The catalogue change log, oldest first; only `subject`'s (and `key`'s) when given."""
    log = CatalogueChange
    query = select(log).order_by(log.created_at, log.id)
    if subject is not None:
        query = query.where(log.subject == subject)
    if key is not None:
        query = query.where(func.upper(log.subject_key) == key.upper())
    with read_session(engine) as session:
        return [
            LoggedChange(local_time(row.created_at), Change(row.subject, row.subject_key, row.field, row.old_value,
                         row.new_value), row.recorded_by, row.approved_by, row.source)
            for row in session.scalars(query)
        ]


@dataclass(frozen=True)
class ParticipantInfo:
    code: str
    name: str
    story: str
    linkedin_url: str
    consent: bool
    designs: tuple[str, ...]


def list_participants(engine: Engine) -> list[ParticipantInfo]:
    with read_session(engine) as session:
        designs: dict[int, list[str]] = {}
        for participant_id, name in session.execute(
            select(DesignerShare.participant_id, Product.name).join(Product, Product.id == DesignerShare.product_id)
            .order_by(Product.name)
        ):
            designs.setdefault(participant_id, []).append(name)
        return [
            ParticipantInfo(p.code, p.display_name, p.story, p.linkedin_url, p.consent_to_publish,
                            tuple(designs.get(p.id, ())))
            for p in session.scalars(select(Participant).order_by(Participant.code))
        ]


def participant_info(engine: Engine, code: str) -> ParticipantInfo:
    for info in list_participants(engine):
        if info.code == code.strip().upper():
            return info
    raise NotAllowed(f"There is no participant with code '{code}'. `pos participants list` shows them.")


