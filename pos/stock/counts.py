"""Stock counts with a barcode scanner: start, scan (with a quantity key and undo), review, approve or cancel.

A count's scope is fixed when it starts: the whole store, one category, one design, or a list of
SKUs (one rail). Any number of counters scan into an open count at once, each scan a row of its own
(count_scans, append-only; an undo is a negative row). Counts are blind: scanning answers with what
was counted, never with what was expected.

**Reconciliation rule** (sales and returns during an open count): each scan records its time, and a
SKU's expected figure is its on-hand at the moment of that SKU's last scan. A garment sold before
the last scan of its SKU is therefore not expected (it was not on the rail to be counted); one sold
after it is not counted twice. The adjustment posted on approval is counted - expected, so on-hand
after approval is the counted figure moved on by whatever sold or came back since. A SKU in scope
that nobody scanned is left alone unless the manager confirms it is really not there (zero).

Approval (a manager) posts every adjustment as a stock movement, kind "adjusted", in one transaction;
cancelling changes no stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, and_, func, insert, or_, select, update

from common.clock import utc_naive
from common.errors import NotAllowed, PosError
from common.values import StaffMember
from inventory.catalog import look_up_code
from inventory.db import UnitOfWork
from inventory.models import CountItem, CountScan, Product, StockCount, StockMovement, Variant
from pos.staff.services import require_manager
from pos.stock import MAX_AT_ONCE, last_standing, sku_label



class UnknownCount(PosError):
    def __init__(self, count_id: int) -> None:
        super().__init__(f"There is no stock count {count_id}. `pos count list` shows the open ones.")


@dataclass(frozen=True)
class Counted:
    """What one scan (or undo) did, for the counter: never the expected figure."""

    sku: str
    label: str
    quantity: int  # this scan: positive, or negative for an undo
    total: int  # this SKU counted so far in the count (by everyone)


@dataclass(frozen=True)
class CountLine:
    sku: str
    label: str
    price_pence: int
    expected: int  # on-hand at the SKU's last scan (at review time if not scanned)
    counted: int
    scanned: bool

    @property
    def variance(self) -> int:
        return self.counted - self.expected

    @property
    def variance_pence(self) -> int:
        return self.variance * self.price_pence


@dataclass(frozen=True)
class CountReview:
    count_id: int
    scope: str
    status: str
    lines: tuple[CountLine, ...]  # scanned SKUs, then the unscanned ones in scope

    @property
    def unscanned(self) -> tuple[CountLine, ...]:
        return tuple(line for line in self.lines if not line.scanned)


def start_count(uow: UnitOfWork, *, category: str | None = None, design: str | None = None,
                skus: Sequence[str] = ()) -> int:
    """Open a count over the whole store, one category, one design, or the SKUs (or barcodes) given; its id."""
    chosen = [name for name, given in (("category", category), ("design", design), ("skus", skus)) if given]
    if len(chosen) > 1:
        raise NotAllowed("A count covers one of: a category, a design, or a list of SKUs. Choose one.")
    with uow:
        variant_ids, scope = _scope(uow.connection, uow.engine, category, design, skus)
        count_id = uow.connection.execute(insert(StockCount).values(
            scope=scope, status="open", blind=True, started_at=utc_naive(uow.now), started_by=uow.actor.name,
            closed_by="",
        ).returning(StockCount.id)).scalar_one()
        uow.connection.execute(insert(CountItem), [{"count_id": count_id, "variant_id": vid} for vid in variant_ids])
        uow.commit()
    return int(count_id)


def _scope(connection: Connection, engine: Engine, category: str | None, design: str | None,
           skus: Sequence[str]) -> tuple[list[int], str]:
    if skus:
        found = [look_up_code(engine, code) for code in skus]
        chosen = sorted({info.variant_id for info in found})
        return chosen, f"{len(chosen)} SKU{'s' if len(chosen) != 1 else ''}: " + ", ".join(
            sorted({info.sku for info in found}))[:150]
    query = select(Variant.id).join(Product, Product.id == Variant.product_id)
    if category:
        query = query.where(func.lower(Product.category) == category.strip().lower())
        scope = f"category {category.strip()}"
    elif design:
        query = query.where(func.lower(Product.name) == design.strip().lower())
        scope = f"design {design.strip()}"
    else:
        scope = "the whole store"
    ids = list(connection.execute(query.order_by(Variant.id)).scalars())
    if not ids:
        raise NotAllowed(f"Nothing in the catalogue matches {scope}: check the name (`pos stock` lists them).")
    return ids, scope


def _open_count(connection: Connection, count_id: int) -> str:
    status = connection.execute(select(StockCount.status).where(StockCount.id == count_id)).scalar()
    if status is None:
        raise UnknownCount(count_id)
    if status != "open":
        raise NotAllowed(f"Stock count {count_id} is {status}: nothing more can be scanned into it or changed.")
    return str(status)


def scan_into_count(uow: UnitOfWork, count_id: int, code: str, quantity: int = 1) -> Counted:
    """Count `quantity` of the SKU with barcode or SKU `code` (UnknownCode, counting nothing, if there is none)."""
    if not 1 <= quantity <= MAX_AT_ONCE:
        raise NotAllowed(f"A scan counts 1 to {MAX_AT_ONCE} at once; {quantity} was asked.")
    info = look_up_code(uow.engine, code)
    with uow:
        _open_count(uow.connection, count_id)
        in_scope = uow.connection.execute(select(CountItem.variant_id).where(
            CountItem.count_id == count_id, CountItem.variant_id == info.variant_id)).first()
        if in_scope is None:
            raise NotAllowed(f"{info.label} ({info.sku}) is not in this count's scope: put it aside for its own rail.")
        _add_scan(uow, count_id, info.variant_id, quantity)
        total = _counted(uow.connection, count_id, info.variant_id)
        uow.commit()
    return Counted(info.sku, info.label, quantity, total)


def undo_last_scan(uow: UnitOfWork, count_id: int) -> Counted:
    """Take back this counter's last scan that is not undone yet."""
    with uow:
        _open_count(uow.connection, count_id)
        last = last_standing(uow.connection.execute(
            select(CountScan.variant_id, CountScan.quantity)
            .where(CountScan.count_id == count_id, CountScan.counted_by == uow.actor.name).order_by(CountScan.id)
        ).all())
        if last is None:
            raise NotAllowed("You have no scan in this count to undo.")
        variant_id, quantity = last
        _add_scan(uow, count_id, variant_id, -quantity)
        total = _counted(uow.connection, count_id, variant_id)
        sku, name, size, colour = uow.connection.execute(
            select(Variant.sku, Product.name, Variant.size, Variant.colour)
            .join(Product, Product.id == Variant.product_id).where(Variant.id == variant_id)).one()
        uow.commit()
    return Counted(sku, sku_label(name, size, colour), -quantity, total)


def _add_scan(uow: UnitOfWork, count_id: int, variant_id: int, quantity: int) -> None:
    uow.connection.execute(insert(CountScan).values(
        count_id=count_id, variant_id=variant_id, quantity=quantity, counted_by=uow.actor.name,
        scanned_at=utc_naive(uow.now),
    ))


def _counted(connection: Connection, count_id: int, variant_id: int) -> int:
    return int(connection.execute(select(func.coalesce(func.sum(CountScan.quantity), 0)).where(
        CountScan.count_id == count_id, CountScan.variant_id == variant_id)).scalar_one())


def review_count(engine: Engine, count_id: int) -> CountReview:
    """Per SKU: expected (on-hand at its last scan), counted and the variance; then the unscanned SKUs in scope."""
    with engine.connect() as connection:
        return _review(connection, count_id)


def _review(connection: Connection, count_id: int) -> CountReview:
    header = connection.execute(select(StockCount.scope, StockCount.status).where(StockCount.id == count_id)).first()
    if header is None:
        raise UnknownCount(count_id)
    scans = (  # a SKU whose every scan was undone was counted by nobody: it is unscanned, not counted as none
        select(CountScan.variant_id, func.sum(CountScan.quantity).label("counted"),
               func.max(CountScan.scanned_at).label("last_scan"))
        .where(CountScan.count_id == count_id).group_by(CountScan.variant_id)
        .having(func.sum(CountScan.quantity) != 0).subquery()
    )
    in_scope = and_(CountItem.variant_id == StockMovement.variant_id, CountItem.count_id == count_id)
    expected = (  # on-hand at the SKU's last scan, or now where it was not scanned
        select(StockMovement.variant_id, func.sum(StockMovement.quantity).label("expected"))
        .join(CountItem, in_scope)
        .outerjoin(scans, scans.c.variant_id == StockMovement.variant_id)
        .where(or_(scans.c.last_scan.is_(None), StockMovement.created_at <= scans.c.last_scan))
        .group_by(StockMovement.variant_id).subquery()
    )
    rows = connection.execute(
        select(Variant.sku, Product.name, Variant.size, Variant.colour, Variant.price_pence,
               func.coalesce(expected.c.expected, 0), scans.c.counted)
        .join(Product, Product.id == Variant.product_id)
        .join(CountItem, and_(CountItem.variant_id == Variant.id, CountItem.count_id == count_id))
        .outerjoin(scans, scans.c.variant_id == Variant.id)
        .outerjoin(expected, expected.c.variant_id == Variant.id)
        .order_by(scans.c.counted.is_(None), Product.name, Variant.sku)
    ).all()
    lines = tuple(
        CountLine(sku, sku_label(name, size, colour), price, int(on_hand), int(counted or 0), counted is not None)
        for sku, name, size, colour, price, on_hand, counted in rows
    )
    return CountReview(count_id, header.scope, header.status, lines)


def approve_count(uow: UnitOfWork, count_id: int, approved_by: StaffMember | None, *,
                  zero_unscanned: bool = False) -> CountReview:
    """Post every variance as an adjustment movement, in one transaction, and close the count (a manager).

    With `zero_unscanned` the manager confirms that SKUs in scope nobody scanned are not there: they are
    counted as zero. Without it they are left as they are.
    """
    with uow:
        manager = require_manager(uow, approved_by, "Approving a stock count")
        _open_count(uow.connection, count_id)
        review = _review(uow.connection, count_id)
        moment = utc_naive(uow.now)
        variant_ids = dict(uow.connection.execute(select(Variant.sku, Variant.id)).all())
        movements = [
            {"variant_id": variant_ids[line.sku], "quantity": line.counted - line.expected, "kind": "adjusted",
             "reason": f"stock count {count_id}" + ("" if line.scanned else " (not found: counted as none)"),
             "recorded_by": manager.name, "reference": f"count {count_id}", "created_at": moment}
            for line in review.lines
            if (line.scanned or zero_unscanned) and line.counted != line.expected
        ]
        if movements:
            uow.connection.execute(insert(StockMovement), movements)
        uow.connection.execute(update(StockCount).where(StockCount.id == count_id).values(
            status="approved", closed_at=moment, closed_by=manager.name))
        uow.commit()
    return review


def cancel_count(uow: UnitOfWork, count_id: int, approved_by: StaffMember | None) -> None:
    """Close the count without changing any stock (a manager); its scans stay on record."""
    with uow:
        manager = require_manager(uow, approved_by, "Cancelling a stock count")
        _open_count(uow.connection, count_id)
        uow.connection.execute(update(StockCount).where(StockCount.id == count_id).values(
            status="cancelled", closed_at=utc_naive(uow.now), closed_by=manager.name))
        uow.commit()


@dataclass(frozen=True)
class CountSummary:
    count_id: int
    scope: str
    status: str
    started_by: str
    scans: int


def list_counts(engine: Engine, *, open_only: bool = True) -> list[CountSummary]:
    """The counts (the open ones by default), newest first, with how many scans each has."""
    query = (
        select(StockCount.id, StockCount.scope, StockCount.status, StockCount.started_by, func.count(CountScan.id))
        .outerjoin(CountScan, CountScan.count_id == StockCount.id)
        .group_by(StockCount.id, StockCount.scope, StockCount.status, StockCount.started_by)
        .order_by(StockCount.id.desc())
    )
    if open_only:
        query = query.where(StockCount.status == "open")
    with engine.connect() as connection:
        return [CountSummary(*row) for row in connection.execute(query)]
