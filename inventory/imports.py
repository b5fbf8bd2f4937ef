"""CSV imports: participants, products (one row per SKU) and stock received from the workshop.

Every import is all-or-nothing: the whole file is checked first and every problem is reported
with its line number; only a file with no problems is written, in one transaction.
Formats are documented in README.md; examples are in data/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from common.clock import utc_naive
from common.errors import ImportProblem, InvalidImport, PosError
from common.limits import (
    CATEGORY_MAX, COLOUR_MAX, DESIGN_NAME_MAX, LINKEDIN_URL_MAX, MAX_PRICE_PENCE, MAX_RECEIVED, NOTE_MAX,
    PARTICIPANT_NAME_MAX, SIZE_MAX, SKU_MAX, STORY_MAX, check_staff_name,
)
from common.money import BASIS_POINTS, MoneyFormatError, format_pence, parse_percent_bp, parse_pounds
from common.values import Actor
from inventory.changes import (
    Change, apply_design_changes, apply_participant_changes, apply_variant_changes, design_changes, log_changes,
    participant_changes, variant_changes,
)
from inventory.csvfile import CsvRow, read_csv
from inventory.fields import NO, YES, control_character_problem, linkedin_problem
from inventory.db import Base, UnitOfWork, driver_message, read_session
from inventory.ean import IN_STORE_PREFIX, ean13_problem, in_store_ean13, in_store_sequence
from inventory.models import Delivery, DesignerShare, Participant, Product, StockMovement, Variant

PARTICIPANT_COLUMNS = ("code", "name")
PARTICIPANT_OPTIONAL = ("story", "linkedin_url", "consent")
PRODUCT_COLUMNS = ("sku", "design", "designers", "price")
PRODUCT_OPTIONAL = ("category", "vat_rate", "size", "colour", "barcode")
STOCK_COLUMNS = ("sku", "quantity")
STOCK_OPTIONAL = ("note",)

PARTICIPANT_TEXT_LIMITS = {"name": PARTICIPANT_NAME_MAX, "linkedin_url": LINKEDIN_URL_MAX, "story": STORY_MAX}
PRODUCT_TEXT_LIMITS = {"design": DESIGN_NAME_MAX, "category": CATEGORY_MAX, "size": SIZE_MAX, "colour": COLOUR_MAX}
STOCK_TEXT_LIMITS = {"note": NOTE_MAX}

_CODE = re.compile(r"^[A-Z0-9]{2,16}$")
_SKU = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._/-]{{0,{SKU_MAX - 1}}}")


@dataclass(frozen=True)
class ImportResult:
    kind: str
    rows: int
    written: bool  # False for a dry run
    assigned_barcodes: int = 0
    delivery: int | None = None  # a stock file is received as one delivery

    def summary(self) -> str:
        verb = "would import" if not self.written else "imported"
        extra = f", {self.assigned_barcodes} in-store barcode(s) assigned" if self.assigned_barcodes else ""
        if self.delivery is not None:
            extra += f", as delivery {self.delivery} (its labels: pos labels --batch {self.delivery})"
        return f"{self.kind}: {verb} {self.rows} row(s){extra}."


@contextmanager
def _refused_by_ledger(path: Path) -> Iterator[None]:
    """A constraint the checks above missed still ends as a listed problem, never a traceback."""
    try:
        yield
    except (IntegrityError, DataError) as error:
        reason = driver_message(error)
        raise InvalidImport(str(path), [ImportProblem(0, f"the ledger refused the file: {reason}")]) from error


class _Problems:
    def __init__(self) -> None:
        self.items: list[ImportProblem] = []

    def add(self, line: int, message: str) -> None:
        self.items.append(ImportProblem(line, message))

    def raise_if_any(self, path: Path) -> None:
        if self.items:
            raise InvalidImport(str(path), sorted(self.items, key=lambda problem: problem.line))


def _add_all_or_nothing(
    uow: UnitOfWork, path: Path, kind: str, rows: Sequence[Base], problems: _Problems, dry_run: bool
) -> ImportResult:
    """Write every new row in one transaction, or none if the file had any problem."""
    problems.raise_if_any(path)
    if not dry_run:
        with _refused_by_ledger(path), uow:
            for row in rows:
                row.created_at = utc_naive(uow.now)  # type: ignore[attr-defined]
            uow.session.add_all(rows)
            uow.commit()
    return ImportResult(kind, len(rows), not dry_run)


# --- participants -----------------------------------------------------------------------------


def import_participants(uow: UnitOfWork, path: Path, *, dry_run: bool = False) -> ImportResult:
    rows = read_csv(path, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONAL, multiline=("story",))
    problems = _Problems()
    with read_session(uow.engine) as session:
        existing = set(session.scalars(select(Participant.code)))
    new: list[Participant] = []
    seen: dict[str, int] = {}
    for row in rows:
        participant = _participant_from_row(row, problems, existing, seen)
        if participant is not None:
            new.append(participant)
    return _add_all_or_nothing(uow, path, "participants", new, problems, dry_run)


def _participant_from_row(
    row: CsvRow, problems: _Problems, existing: set[str], seen: dict[str, int]
) -> Participant | None:
    before = len(problems.items)
    _check_lengths(row, problems, PARTICIPANT_TEXT_LIMITS)
    code = row.get("code").upper()
    name = row.get("name")
    if not _CODE.match(code):
        problems.add(row.line, f"code '{row.get('code')}' must be 2-16 letters or digits")
    elif code in existing:
        problems.add(row.line, f"participant {code} is already in the ledger")
    elif code in seen:
        problems.add(row.line, f"participant {code} appears twice (also on line {seen[code]})")
    seen.setdefault(code, row.line)
    if not name:
        problems.add(row.line, "name is empty")
    linkedin = row.get("linkedin_url")
    if problem := linkedin_problem(linkedin):
        problems.add(row.line, problem)
    consent = row.get("consent").lower()
    if consent not in YES | NO:
        problems.add(row.line, f"consent '{row.get('consent')}' must be yes or no")
    if len(problems.items) > before:
        return None
    return Participant(
        code=code, display_name=name, story=row.get("story"), linkedin_url=linkedin,
        consent_to_publish=consent in YES,
    )


# --- products -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _VariantRow:
    line: int
    sku: str
    design: str
    category: str
    vat_rate_bp: int
    designers: tuple[tuple[str, int], ...]
    size: str
    colour: str
    price_pence: int
    barcode: str  # "" when the import leaves it to us
    parsed: bool  # False when the row itself has problems; catalogue checks still run on what parsed


def _parse_designers(text: str) -> tuple[tuple[str, int], ...]:
    """"AO" (sole designer) or "AO:60;KB:40" (percent shares) -> ((code, basis points), ...)."""
    parts = [part.strip() for part in text.split(";") if part.strip()]
    if not parts:
        raise ValueError("designers is empty (use a participant code, or CODE:60;CODE:40 for a collaboration)")
    if len(parts) == 1 and ":" not in parts[0]:
        return ((parts[0].upper(), BASIS_POINTS),)
    shares: list[tuple[str, int]] = []
    for part in parts:
        code, sep, percent = part.partition(":")
        if not sep:
            raise ValueError(f"'{part}' needs a share, as in {part}:50")
        try:
            share = parse_percent_bp(percent)
        except MoneyFormatError as error:
            raise ValueError(f"share '{percent.strip()}' for {code.strip()} is not a percentage") from error
        if share == 0:
            raise ValueError(f"{code.strip()} has a 0% share: leave them out of designers instead")
        shares.append((code.strip().upper(), share))
    codes = [code for code, _ in shares]
    if len(set(codes)) != len(codes):
        raise ValueError("a designer is listed twice")
    total = sum(bp for _, bp in shares)
    if total != BASIS_POINTS:
        raise ValueError(f"designer shares add up to {total / 100:g}%, not 100%")
    return tuple(shares)


def _variant_from_row(row: CsvRow, problems: _Problems) -> _VariantRow:
    before = len(problems.items)
    _check_lengths(row, problems, PRODUCT_TEXT_LIMITS)
    sku = row.get("sku")
    if not _SKU.fullmatch(sku):
        problems.add(row.line, f"sku '{sku}' must be 1-{SKU_MAX} letters, digits, '-', '_', '.' or '/'")
    design = row.get("design")
    if not design:
        problems.add(row.line, "design is empty")
    price_text = row.get("price")
    price = 0
    try:
        price = parse_pounds(price_text)
        if price < 0:
            problems.add(row.line, f"price {price_text} is negative")
        elif price > MAX_PRICE_PENCE:
            problems.add(row.line, f"price {price_text} is more than the most one item can cost, {format_pence(MAX_PRICE_PENCE)}")
    except MoneyFormatError:
        problems.add(row.line, f"price '{price_text}' is not an amount in pounds, such as 45 or 45.00")
    vat_text = row.get("vat_rate") or "20"
    vat = 0
    try:
        vat = parse_percent_bp(vat_text)
        if vat > BASIS_POINTS:
            problems.add(row.line, f"vat_rate {vat_text} is over 100%")
    except MoneyFormatError:
        problems.add(row.line, f"vat_rate '{vat_text}' is not a percentage, such as 20 or 0")
    designers: tuple[tuple[str, int], ...] = ()
    try:
        designers = _parse_designers(row.get("designers"))
    except ValueError as error:
        problems.add(row.line, str(error))
    barcode = row.get("barcode")
    if barcode and (problem := ean13_problem(barcode)):
        problems.add(row.line, problem)
        barcode = ""
    return _VariantRow(
        line=row.line, sku=sku, design=design, category=row.get("category"), vat_rate_bp=vat,
        designers=designers, size=row.get("size").upper(), colour=row.get("colour"),
        price_pence=price, barcode=barcode, parsed=len(problems.items) == before,
    )


def _check_lengths(row: CsvRow, problems: _Problems, limits: dict[str, int]) -> None:
    """Every text column: within its limit, and free of control characters (every column, not only these)."""
    for column, limit in limits.items():
        if len(row.get(column)) > limit:
            problems.add(row.line, f"{column} is {len(row.get(column))} characters long; the most is {limit}")
    for column in row.values:
        if problem := control_character_problem(column, row.get(column), multiline=column == "story"):
            problems.add(row.line, problem)


@dataclass
class _Catalogue:
    """What the ledger already holds that an import must agree with."""

    participants: dict[str, int]
    skus: set[str]
    barcodes: set[str]
    designs: dict[str, tuple[int, str, int, tuple[tuple[str, int], ...]]]  # name -> (id, category, vat, designers)
    last_in_store: int


def _load_catalogue(session: Session) -> _Catalogue:
    participants = {code: participant_id for code, participant_id in session.execute(select(Participant.code, Participant.id))}
    codes_by_id = {participant_id: code for code, participant_id in participants.items()}
    shares: dict[int, list[tuple[str, int]]] = {}
    for product_id, participant_id, share in session.execute(
        select(DesignerShare.product_id, DesignerShare.participant_id, DesignerShare.share_bp)
    ):
        shares.setdefault(product_id, []).append((codes_by_id[participant_id], share))
    designs = {
        name.lower(): (product_id, category, vat, tuple(sorted(shares.get(product_id, []))))
        for product_id, name, category, vat in session.execute(
            select(Product.id, Product.name, Product.category, Product.vat_rate_bp)
        )
    }
    highest = session.execute(
        select(func.max(Variant.barcode)).where(Variant.barcode.like(f"{IN_STORE_PREFIX}%"))
    ).scalar()
    return _Catalogue(
        participants=participants,
        skus={sku.upper() for sku in session.scalars(select(Variant.sku))},
        barcodes=set(session.scalars(select(Variant.barcode))),
        designs=designs,
        last_in_store=(in_store_sequence(highest) or 0) if highest else 0,
    )


def _check_against_catalogue(rows: list[_VariantRow], catalogue: _Catalogue, problems: _Problems) -> None:
    skus: dict[str, int] = {}
    barcodes: dict[str, int] = {}
    designs: dict[str, _VariantRow] = {}
    unknown_designers: dict[str, list[int]] = {}
    for row in rows:
        if row.sku.upper() in catalogue.skus:
            problems.add(row.line, f"sku {row.sku} is already in the catalogue")
        elif row.sku.upper() in skus:
            problems.add(row.line, f"sku {row.sku} appears twice (also on line {skus[row.sku.upper()]})")
        skus.setdefault(row.sku.upper(), row.line)
        if row.barcode:
            if row.barcode in catalogue.barcodes:
                problems.add(row.line, f"barcode {row.barcode} is already used by another SKU in the catalogue")
            elif row.barcode in barcodes:
                problems.add(row.line, f"barcode {row.barcode} appears twice (also on line {barcodes[row.barcode]})")
            barcodes.setdefault(row.barcode, row.line)
        for code, _ in row.designers:
            if code not in catalogue.participants:
                unknown_designers.setdefault(code, []).append(row.line)
        if row.parsed:
            _check_design_agrees(row, designs, catalogue, problems)
    _unknown_designer_problems(unknown_designers, problems)


def _unknown_designer_problems(unknown: dict[str, list[int]], problems: _Problems) -> None:
    """One problem per unknown designer code, on its first line, naming every line that uses it."""
    for code, lines in unknown.items():
        where = f" (lines {', '.join(map(str, lines))})" if len(lines) > 1 else ""
        problems.add(lines[0], f"unknown designer {code}{where}: import them in participants first")


def _check_design_agrees(
    row: _VariantRow, designs: dict[str, _VariantRow], catalogue: _Catalogue, problems: _Problems
) -> None:
    key = row.design.lower()
    stored = catalogue.designs.get(key)
    if stored is not None:
        _, category, vat, designers = stored
        if tuple(sorted(row.designers)) != designers or vat != row.vat_rate_bp:
            problems.add(row.line, f"design '{row.design}' is already in the catalogue with other designers or VAT rate")
        return
    first = designs.setdefault(key, row)
    if first is not row and (
        tuple(sorted(first.designers)) != tuple(sorted(row.designers))
        or first.vat_rate_bp != row.vat_rate_bp
        or first.category != row.category
    ):
        problems.add(
            row.line,
            f"design '{row.design}' has other designers, category or VAT rate than on line {first.line}",
        )


def import_products(uow: UnitOfWork, path: Path, *, dry_run: bool = False) -> ImportResult:
    """Designs and their SKUs; a blank barcode gets the next in-store EAN-13 (prefix 20)."""
    csv_rows = read_csv(path, PRODUCT_COLUMNS, PRODUCT_OPTIONAL)
    problems = _Problems()
    rows = [_variant_from_row(row, problems) for row in csv_rows]
    with _refused_by_ledger(path), uow:
        catalogue = _load_catalogue(uow.session)
        _check_against_catalogue(rows, catalogue, problems)
        problems.raise_if_any(path)
        assigned = _write_products(uow.session, rows, catalogue, utc_naive(uow.now))
        if not dry_run:
            uow.commit()
    return ImportResult("products", len(rows), not dry_run, assigned)


def _write_products(session: Session, rows: list[_VariantRow], catalogue: _Catalogue, created_at: datetime) -> int:
    product_ids = {name: stored[0] for name, stored in catalogue.designs.items()}
    catalogue.barcodes.update(row.barcode for row in rows if row.barcode)  # never hand out one a later row uses
    next_sequence = catalogue.last_in_store
    assigned = 0
    variants: list[dict[str, object]] = []
    for row in rows:
        key = row.design.lower()
        if key not in product_ids:
            product = Product(
                name=row.design, category=row.category, vat_rate_bp=row.vat_rate_bp, created_at=created_at
            )
            session.add(product)
            session.flush()
            product_ids[key] = product.id
            session.add_all(
                DesignerShare(product_id=product.id, participant_id=catalogue.participants[code], share_bp=share)
                for code, share in row.designers
            )
        barcode = row.barcode
        if not barcode:
            barcode, next_sequence = _next_free_in_store(next_sequence, catalogue.barcodes)
            assigned += 1
            catalogue.barcodes.add(barcode)
        variants.append({
            "sku": row.sku, "product_id": product_ids[key], "size": row.size, "colour": row.colour,
            "price_pence": row.price_pence, "barcode": barcode,
        })
    if variants:  # Core, naming only these columns: the ORM would name retired_at, absent before 0008
        session.execute(insert(Variant.__table__), variants)
    session.flush()
    return assigned


def _next_free_in_store(after: int, taken: set[str]) -> tuple[str, int]:
    sequence = after + 1
    while in_store_ean13(sequence) in taken:
        sequence += 1
    return in_store_ean13(sequence), sequence


# --- stock ----------------------------------------------------------------------------------------


def import_stock(uow: UnitOfWork, path: Path, *, dry_run: bool = False) -> ImportResult:
    """Goods received from the workshop: one delivery, and a 'received' movement per row referring to it,
    recorded by the acting person."""
    check_staff_name(uow.actor.name)
    rows = read_csv(path, STOCK_COLUMNS, STOCK_OPTIONAL)
    problems = _Problems()
    with read_session(uow.engine) as session:
        variants: dict[str, int] = {}
        for sku, barcode, variant_id in session.execute(select(Variant.sku, Variant.barcode, Variant.id)):
            variants[barcode] = variant_id  # a scanner can fill the sku column with the barcode
            variants[sku.upper()] = variant_id
    movements: list[StockMovement] = []
    for row in rows:
        movement = _movement_from_row(row, variants, problems, uow.actor.name, path.name)
        if movement is not None:
            movements.append(movement)
    problems.raise_if_any(path)
    if dry_run:
        return ImportResult("stock", len(movements), False)
    with _refused_by_ledger(path), uow:
        moment = utc_naive(uow.now)
        delivery = Delivery(note=f"imported from {path.name}", received_by=uow.actor.name, started_at=moment,
                            closed_at=moment)
        uow.session.add(delivery)
        uow.session.flush()  # its id, for the movements' reference
        for movement in movements:
            movement.created_at, movement.reference = moment, f"delivery {delivery.id}"
        uow.session.add_all(movements)
        uow.commit()
    return ImportResult("stock", len(movements), True, delivery=delivery.id)


def _movement_from_row(
    row: CsvRow, variants: dict[str, int], problems: _Problems, recorded_by: str, source: str
) -> StockMovement | None:
    before = len(problems.items)
    _check_lengths(row, problems, STOCK_TEXT_LIMITS)
    sku = row.get("sku")
    variant_id = variants.get(sku.upper())
    if variant_id is None:
        what = "barcode" if sku.isascii() and sku.isdigit() and len(sku) == 13 else "sku"
        problems.add(row.line, f"{what} '{sku}' is not in the catalogue: import it in products first")
    quantity_text = row.get("quantity")
    quantity = int(quantity_text) if quantity_text.isascii() and quantity_text.isdigit() else 0
    if not 0 < quantity <= MAX_RECEIVED:
        problems.add(row.line, f"quantity '{quantity_text}' must be a whole number from 1 to {MAX_RECEIVED}")
    if len(problems.items) > before or variant_id is None:
        return None
    return StockMovement(
        variant_id=variant_id, quantity=quantity, kind="received",
        reason=row.get("note") or f"received from the workshop ({source})", recorded_by=recorded_by,
    )


IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "participants": import_participants,
    "products": import_products,
    "stock": import_stock,
}


def import_file(engine: Engine, kind: str, path: Path, actor: Actor, *, dry_run: bool = False) -> ImportResult:
    """Import one CSV file of `kind` (participants, products or stock) in its own unit of work.

    The faces call this and never build a UnitOfWork themselves, so they need no database module.
    """
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise PosError(f"Nothing imports '{kind}': choose one of {', '.join(IMPORTERS)}.")
    return importer(UnitOfWork(engine, actor), path, dry_run=dry_run)


# --- imports with --update ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowDifference:
    """What one row of an --update file does: adds a new participant or SKU, or changes these fields."""

    line: int
    key: str
    added: bool
    changes: tuple[Change, ...] = ()

    def __str__(self) -> str:
        if self.added:
            return f"line {self.line}: {self.key} is new: added"
        return f"line {self.line}: " + "; ".join(str(change) for change in self.changes)


@dataclass(frozen=True)
class UpdatePlan:
    """The differences of an --update import, row by row, and whether they were written."""

    kind: str
    differences: tuple[RowDifference, ...]
    unchanged: int
    written: bool = True

    def as_dry_run(self) -> UpdatePlan:
        return replace(self, written=False)

    @property
    def added(self) -> int:
        return sum(1 for difference in self.differences if difference.added)

    @property
    def changed(self) -> int:
        return sum(1 for difference in self.differences if not difference.added)

    def report(self) -> str:
        verb = ("added", "changed", "left") if self.written else ("would add", "would change", "would leave")
        lines = [str(difference) for difference in self.differences]
        lines.append(f"{self.kind}: {verb[0]} {self.added}, {verb[1]} {self.changed}, "
                     f"{verb[2]} {self.unchanged} unchanged." + ("" if self.written else " Nothing was changed (dry run)."))
        return "\n".join(lines)


def plan_update(uow: UnitOfWork, kind: str, path: Path, *, approved_by: str = "") -> UpdatePlan:
    """Inside the caller's open unit of work: check the whole file, then add its new rows and change the
    rows already in the catalogue where they differ, logging each field changed. Raises InvalidImport
    (having written nothing) if any row is wrong. The caller commits, or not for a dry run.

    A column left out of the file leaves that field as it is; a row left out of the file is not removed.
    """
    source = f"import {kind} {path.name} --update"
    if kind == "participants":
        return _update_participants(uow, path, approved_by, source)
    if kind == "products":
        return _update_products(uow, path, approved_by, source)
    raise PosError(f"--update works for participants and products, not {kind}: stock is always added to.")


def _column(row: CsvRow, column: str) -> str | None:
    """The row's value of `column`, or None when the file has no such column (leave the field as it is)."""
    return row.get(column) if column in row.values else None


def _update_participants(uow: UnitOfWork, path: Path, approved_by: str, source: str) -> UpdatePlan:
    rows = read_csv(path, PARTICIPANT_COLUMNS, PARTICIPANT_OPTIONAL, multiline=("story",))
    problems = _Problems()
    stored = {participant.code: participant for participant in uow.session.scalars(select(Participant))}
    seen: dict[str, int] = {}
    new: list[Participant] = []
    differences: list[RowDifference] = []
    pending: list[tuple[int, list[Change]]] = []
    unchanged = 0
    for row in rows:
        parsed = _participant_from_row(row, problems, set(), seen)
        if parsed is None:
            continue
        current = stored.get(parsed.code)
        if current is None:
            new.append(parsed)
            differences.append(RowDifference(row.line, parsed.code, True))
            continue
        consent = _column(row, "consent")
        found = participant_changes(
            current, name=parsed.display_name, story=_column(row, "story"), linkedin_url=_column(row, "linkedin_url"),
            consent=None if consent is None else parsed.consent_to_publish,
        )
        if found:
            differences.append(RowDifference(row.line, parsed.code, False, tuple(found)))
            pending.append((current.id, found))
        else:
            unchanged += 1
    problems.raise_if_any(path)
    with _refused_by_ledger(path):
        for participant_id, found in pending:
            apply_participant_changes(uow, participant_id, found)
            log_changes(uow, found, approved_by=approved_by, source=source)
        for participant in new:
            participant.created_at = utc_naive(uow.now)
        uow.session.add_all(new)
        uow.session.flush()
    return UpdatePlan("participants", tuple(differences), unchanged)


def _update_products(uow: UnitOfWork, path: Path, approved_by: str, source: str) -> UpdatePlan:
    csv_rows = read_csv(path, PRODUCT_COLUMNS, PRODUCT_OPTIONAL)
    problems = _Problems()
    rows = [_variant_from_row(row, problems) for row in csv_rows]
    by_line = {row.line: row for row in csv_rows}
    session = uow.session
    catalogue = _load_catalogue(session)
    stored = {
        variant.sku.upper(): (variant, product)
        for variant, product in session.execute(select(Variant, Product).join(Product, Product.id == Variant.product_id))
    }
    new_rows = [row for row in rows if row.sku.upper() not in stored]
    _check_against_catalogue(new_rows, catalogue, problems)
    new_barcodes = {row.barcode for row in new_rows if row.barcode}
    differences: list[RowDifference] = [RowDifference(row.line, row.sku, True) for row in new_rows]
    pending: list[tuple[Variant, Product, list[Change], list[Change]]] = []
    seen: dict[str, int] = {}
    barcodes: dict[str, int] = {}
    categories: dict[int, tuple[str, int]] = {}
    unchanged = 0
    for row in rows:
        if row.sku.upper() not in stored:
            continue
        variant, product = stored[row.sku.upper()]
        if row.sku.upper() in seen:
            problems.add(row.line, f"sku {row.sku} appears twice (also on line {seen[row.sku.upper()]})")
            continue
        seen[row.sku.upper()] = row.line
        if not row.parsed:
            continue
        if row.design.lower() != product.name.lower():
            problems.add(row.line, f"sku {variant.sku} is in design '{product.name}', not '{row.design}'; an import "
                                   "does not move a SKU (rename a design with `pos products edit SKU --name`)")
            continue
        _, _, vat, designers = catalogue.designs[product.name.lower()]
        if tuple(sorted(row.designers)) != designers or row.vat_rate_bp != vat:
            problems.add(row.line, f"design '{product.name}' has other designers or VAT rate in the catalogue; "
                                   "an import does not change them")
            continue
        category = _column(by_line[row.line], "category")
        if category is not None:
            first = categories.setdefault(product.id, (category, row.line))
            if first[0] != category:
                problems.add(row.line, f"design '{product.name}' has another category on line {first[1]}")
                continue
        barcode = row.barcode if row.barcode and row.barcode != variant.barcode else None
        if barcode is not None:
            if barcode in catalogue.barcodes or barcode in new_barcodes:
                problems.add(row.line, f"barcode {barcode} is already used by another SKU")
                continue
            if barcode in barcodes:
                problems.add(row.line, f"barcode {barcode} appears twice (also on line {barcodes[barcode]})")
                continue
            barcodes[barcode] = row.line
        design = design_changes(product, category=category) if categories.get(product.id, ("", 0))[1] == row.line else []
        sku = variant_changes(variant, price_pence=row.price_pence, size=_column(by_line[row.line], "size"),
                              colour=_column(by_line[row.line], "colour"), barcode=barcode)
        if design or sku:
            differences.append(RowDifference(row.line, variant.sku, False, tuple(design + sku)))
            pending.append((variant, product, design, sku))
        else:
            unchanged += 1
    problems.raise_if_any(path)
    with _refused_by_ledger(path):
        for variant, product, design, sku in pending:
            apply_design_changes(uow, product.id, design)
            apply_variant_changes(uow, variant.id, sku)
            log_changes(uow, design + sku, approved_by=approved_by, source=source)
        catalogue.barcodes.update(barcodes)
        _write_products(session, new_rows, catalogue, utc_naive(uow.now))
    differences.sort(key=lambda difference: difference.line)
    return UpdatePlan("products", tuple(differences), unchanged)
