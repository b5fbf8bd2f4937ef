"""The sales report for a day or a range of trading days: totals, tenders, designers, products."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select

from inventory.db import read_session
from inventory.models import Participant
from pos.sales.models import LineAttribution, Payment, Sale, SaleLine


@dataclass(frozen=True)
class ParticipantFigures:
    code: str
    name: str  # the display name where they consented to be named, else their code
    units: int  # units of their designs sold (a collaboration counts for each designer)
    gross_pence: int  # their share of the takings, VAT included
    vat_pence: int
    net_pence: int  # gross − VAT: their share of the takings excluding VAT


@dataclass(frozen=True)
class ProductFigures:
    sku: str
    name: str
    size: str
    colour: str
    units: int
    gross_pence: int


@dataclass(frozen=True)
class SalesReport:
    date_from: date
    date_to: date
    sales_count: int
    units: int
    gross_pence: int
    vat_pence: int
    by_tender: dict[str, int]
    by_participant: list[ParticipantFigures]
    by_product: list[ProductFigures]
    discount_pence: int = 0  # all discounts given on these sales (gross is after them)

    @property
    def net_pence(self) -> int:
        return self.gross_pence - self.vat_pence

    def as_json(self) -> dict[str, Any]:
        single_day = self.date_from == self.date_to
        return {
            "date": self.date_from.isoformat() if single_day else None,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "sales_count": self.sales_count,
            "units": self.units,
            "gross_pence": self.gross_pence,
            "vat_pence": self.vat_pence,
            "net_pence": self.net_pence,
            "discount_pence": self.discount_pence,
            "by_tender": dict(self.by_tender),
            "by_participant": [asdict(row) for row in self.by_participant],
            "by_product": [asdict(row) for row in self.by_product],
        }


def sales_report(engine: Engine, date_from: date, date_to: date | None = None) -> SalesReport:
    """Figures for sales completed on trading days date_from..date_to (inclusive).

    Every grouping is by trading day first, then by the report's key: lines, attributions and
    payments carry their sale's trading day, and an index that starts with it hands the rows over
    already in group order, so nothing is joined back to its sale or sorted, however long the
    range. The per-day groups (days × SKUs at most) are added up here. Figures: bench/README.md.
    """
    last = date_to or date_from
    with read_session(engine) as session:
        count, gross, vat, discount = session.execute(
            select(func.count(Sale.id), func.coalesce(func.sum(Sale.total_pence), 0), func.coalesce(func.sum(Sale.vat_pence), 0),
                   func.coalesce(func.sum(Sale.discount_pence), 0))
            .where(Sale.trading_date.between(date_from, last))
        ).one()
        tender_days = session.execute(
            select(Payment.tender, func.sum(Payment.amount_pence))
            .where(Payment.trading_date.between(date_from, last))
            .group_by(Payment.trading_date, Payment.tender)
        ).all()
        participant_days = session.execute(
            select(
                LineAttribution.participant_id, func.sum(LineAttribution.quantity),
                func.sum(LineAttribution.gross_pence), func.sum(LineAttribution.vat_pence),
            )
            .where(LineAttribution.trading_date.between(date_from, last))
            .group_by(LineAttribution.trading_date, LineAttribution.participant_id)
        ).all()
        product_days = session.execute(
            select(
                SaleLine.sku, SaleLine.description, SaleLine.size, SaleLine.colour,
                func.sum(SaleLine.quantity), func.sum(SaleLine.line_total_pence),
            )
            .where(SaleLine.trading_date.between(date_from, last))
            .group_by(SaleLine.trading_date, SaleLine.sku, SaleLine.description, SaleLine.size, SaleLine.colour)
        ).all()
        tenders = _add_up(((tender,), (amount,)) for tender, amount in tender_days)
        participant_totals = _add_up(((pid,), (units, p_gross, p_vat)) for pid, units, p_gross, p_vat in participant_days)
        names = {
            pid: (code, name, consented)
            for pid, code, name, consented in session.execute(
                select(Participant.id, Participant.code, Participant.display_name, Participant.consent_to_publish)
                .where(Participant.id.in_([key[0] for key in participant_totals]))
            )
        } if participant_totals else {}
    products = _add_up(((sku, name, size, colour), (units, total)) for sku, name, size, colour, units, total in product_days)
    by_participant = sorted(
        (
            ParticipantFigures(
                code=names[pid][0], name=names[pid][1] if names[pid][2] else names[pid][0], units=units,
                gross_pence=p_gross, vat_pence=p_vat, net_pence=p_gross - p_vat,
            )
            for (pid,), (units, p_gross, p_vat) in participant_totals.items()
        ),
        key=lambda row: (-row.gross_pence, row.code),
    )
    by_product = sorted(
        (ProductFigures(sku, name, size, colour, units, total) for (sku, name, size, colour), (units, total) in products.items()),
        key=lambda row: (-row.gross_pence, row.sku, row.name, row.size, row.colour),
    )
    return SalesReport(
        date_from=date_from, date_to=last, sales_count=int(count),
        units=sum(row.units for row in by_product), gross_pence=int(gross), vat_pence=int(vat),
        by_tender={tender: amount for (tender,), (amount,) in sorted(tenders.items())},
        by_participant=by_participant, by_product=by_product, discount_pence=int(discount),
    )


def _add_up(rows: Iterable[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Sum the per-day figures of each key: {key: (sum of the first figure, sum of the second, ...)}."""
    totals: dict[tuple[Any, ...], list[int]] = {}
    for key, figures in rows:
        running = totals.get(key)
        if running is None:
            totals[key] = [int(figure) for figure in figures]
        else:
            for index, figure in enumerate(figures):
                running[index] += int(figure)
    return {key: tuple(figures) for key, figures in totals.items()}
