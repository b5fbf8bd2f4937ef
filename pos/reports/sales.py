"""The sales report for a day or a range of trading days: totals, tenders, designers, products.

Figures are net of refunds: a refund counts on its own trading day (not its sale's), taking its
amount off the takings, its tenders off `by_tender`, each designer's reversed part off their row
and its units off the products, so `sum(by_tender) == gross_pence == sum of designers' gross`
still holds exactly. Refunds are few; each grouping of them is one small query on its own index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from inventory.db import read_session
from inventory.models import Participant
from pos.sales.models import (
    LineAttribution, Payment, Refund, RefundAttribution, RefundLine, RefundPayment, Sale, SaleLine,
)


@dataclass(frozen=True)
class ParticipantFigures:
    code: str
    name: str  # the display name where they consented to be named, else their code
    units: int  # units of their designs sold less those returned (a collaboration counts for each designer)
    gross_pence: int  # their share of the takings net of refunds, VAT included
    vat_pence: int
    ex_vat_pence: int  # gross − VAT: their share of the takings excluding VAT


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
    units: int  # sold less returned
    gross_pence: int  # takings net of refunds
    vat_pence: int  # VAT on the sales less VAT on the refunds
    by_tender: dict[str, int]  # net of what refunds paid back to each tender
    by_participant: list[ParticipantFigures]
    by_product: list[ProductFigures]
    refunds_count: int = 0
    refunds_pence: int = 0  # paid back on these days, already taken off the figures above
    discount_pence: int = 0  # all discounts given on these sales (gross is after them)

    @property
    def ex_vat_pence(self) -> int:
        return self.gross_pence - self.vat_pence

    def as_json(self) -> dict[str, Any]:
        single_day = self.date_from == self.date_to
        return {
            "date": self.date_from.isoformat() if single_day else None,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "sales_count": self.sales_count,
            "refunds_count": self.refunds_count,
            "refunds_pence": self.refunds_pence,
            "units": self.units,
            "gross_pence": self.gross_pence,
            "vat_pence": self.vat_pence,
            "ex_vat_pence": self.ex_vat_pence,
            "discount_pence": self.discount_pence,
            "by_tender": dict(self.by_tender),
            "by_participant": [asdict(row) for row in self.by_participant],
            "by_product": [asdict(row) for row in self.by_product],
        }


def sales_report(engine: Engine, date_from: date, date_to: date | None = None) -> SalesReport:
    """Figures for sales completed on trading days date_from..date_to (inclusive), net of the refunds
    made on those days.

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
        refunds = _refunds(session, date_from, last)
        tenders = add_up(((tender,), (amount,)) for tender, amount in [*tender_days, *refunds.tenders])
        participant_totals = add_up(
            ((pid,), (units, p_gross, p_vat))
            for pid, units, p_gross, p_vat in [*participant_days, *refunds.participants]
        )
        names = {
            pid: (code, name, consented)
            for pid, code, name, consented in session.execute(
                select(Participant.id, Participant.code, Participant.display_name, Participant.consent_to_publish)
                .where(Participant.id.in_([key[0] for key in participant_totals]))
            )
        } if participant_totals else {}
    products = add_up(
        ((sku, name, size, colour), (units, total))
        for sku, name, size, colour, units, total in [*product_days, *refunds.products]
    )
    by_participant = sorted(
        (
            ParticipantFigures(
                code=names[pid][0], name=names[pid][1] if names[pid][2] else names[pid][0], units=units,
                gross_pence=p_gross, vat_pence=p_vat, ex_vat_pence=p_gross - p_vat,
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
        units=sum(row.units for row in by_product), gross_pence=int(gross) - refunds.total_pence,
        vat_pence=int(vat) - refunds.vat_pence, refunds_count=refunds.count, refunds_pence=refunds.total_pence,
        by_tender={tender: amount for (tender,), (amount,) in sorted(tenders.items())},
        by_participant=by_participant, by_product=by_product, discount_pence=int(discount),
    )


@dataclass(frozen=True)
class _Refunds:
    """The refunds of a range of days, each grouping negated so it adds onto the sales' figures."""

    count: int
    total_pence: int
    vat_pence: int
    tenders: list[tuple[str, int]]
    participants: list[tuple[int, int, int, int]]
    products: list[tuple[str, str, str, str, int, int]]


def _refunds(session: Session, first: date, last: date) -> _Refunds:
    count, total, vat = session.execute(
        select(func.count(Refund.id), func.coalesce(func.sum(Refund.total_pence), 0),
               func.coalesce(func.sum(Refund.vat_pence), 0))
        .where(Refund.trading_date.between(first, last))
    ).one()
    if not count:
        return _Refunds(0, 0, 0, [], [], [])
    tenders = session.execute(
        select(RefundPayment.tender, func.sum(RefundPayment.amount_pence))
        .where(RefundPayment.trading_date.between(first, last))
        .group_by(RefundPayment.trading_date, RefundPayment.tender)
    ).all()
    participants = session.execute(
        select(RefundAttribution.participant_id, func.sum(RefundAttribution.quantity),
               func.sum(RefundAttribution.gross_pence), func.sum(RefundAttribution.vat_pence))
        .where(RefundAttribution.trading_date.between(first, last))
        .group_by(RefundAttribution.trading_date, RefundAttribution.participant_id)
    ).all()
    products = session.execute(
        select(RefundLine.sku, RefundLine.description, RefundLine.size, RefundLine.colour,
               func.sum(RefundLine.quantity), func.sum(RefundLine.amount_pence))
        .where(RefundLine.trading_date.between(first, last))
        .group_by(RefundLine.sku, RefundLine.description, RefundLine.size, RefundLine.colour)
    ).all()
    return _Refunds(
        int(count), int(total), int(vat),
        [(tender, -int(amount)) for tender, amount in tenders],
        [(pid, -int(units), -int(gross), -int(p_vat)) for pid, units, gross, p_vat in participants],
        [(sku, name, size, colour, -int(units), -int(amount)) for sku, name, size, colour, units, amount in products],
    )


def add_up(rows: Iterable[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> dict[tuple[Any, ...], list[int]]:
    """Sum the figures of each key: {key: [sum of the first figure, sum of the second, ...]}."""
    totals: dict[tuple[Any, ...], list[int]] = {}
    for key, figures in rows:
        running = totals.get(key)
        if running is None:
            totals[key] = [int(figure) for figure in figures]
        else:
            for index, figure in enumerate(figures):
                running[index] += int(figure)
    return totals
