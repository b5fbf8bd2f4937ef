"""The sales report for a day or a range of trading days: totals, tenders, designers, products."""

from __future__ import annotations

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
            "by_tender": dict(self.by_tender),
            "by_participant": [asdict(row) for row in self.by_participant],
            "by_product": [asdict(row) for row in self.by_product],
        }


def sales_report(engine: Engine, date_from: date, date_to: date | None = None) -> SalesReport:
    """Figures for sales completed on trading days date_from..date_to (inclusive)."""
    last = date_to or date_from
    in_range = Sale.trading_date.between(date_from, last)
    with read_session(engine) as session:
        count, gross, vat = session.execute(
            select(func.count(Sale.id), func.coalesce(func.sum(Sale.total_pence), 0), func.coalesce(func.sum(Sale.vat_pence), 0))
            .where(in_range)
        ).one()
        tenders = session.execute(
            select(Payment.tender, func.sum(Payment.amount_pence))
            .join(Sale, Sale.id == Payment.sale_id)
            .where(in_range)
            .group_by(Payment.tender)
            .order_by(Payment.tender)
        ).all()
        participants = session.execute(
            select(
                Participant.code, Participant.display_name, Participant.consent_to_publish,
                func.sum(SaleLine.quantity), func.sum(LineAttribution.gross_pence), func.sum(LineAttribution.vat_pence),
            )
            .select_from(LineAttribution)
            .join(SaleLine, SaleLine.id == LineAttribution.sale_line_id)
            .join(Sale, Sale.id == SaleLine.sale_id)
            .join(Participant, Participant.id == LineAttribution.participant_id)
            .where(in_range)
            .group_by(Participant.id, Participant.code, Participant.display_name, Participant.consent_to_publish)
        ).all()
        products = session.execute(
            select(
                SaleLine.sku, SaleLine.description, SaleLine.size, SaleLine.colour,
                func.sum(SaleLine.quantity), func.sum(SaleLine.line_total_pence),
            )
            .join(Sale, Sale.id == SaleLine.sale_id)
            .where(in_range)
            .group_by(SaleLine.sku, SaleLine.description, SaleLine.size, SaleLine.colour)
        ).all()
    by_participant = sorted(
        (
            ParticipantFigures(
                code=code, name=name if consented else code, units=int(units), gross_pence=int(p_gross),
                vat_pence=int(p_vat), net_pence=int(p_gross) - int(p_vat),
            )
            for code, name, consented, units, p_gross, p_vat in participants
        ),
        key=lambda row: (-row.gross_pence, row.code),
    )
    by_product = sorted(
        (ProductFigures(sku, name, size, colour, int(units), int(total)) for sku, name, size, colour, units, total in products),
        key=lambda row: (-row.gross_pence, row.sku),
    )
    return SalesReport(
        date_from=date_from, date_to=last, sales_count=int(count),
        units=sum(row.units for row in by_product), gross_pence=int(gross), vat_pence=int(vat),
        by_tender={tender: int(amount) for tender, amount in tenders},
        by_participant=by_participant, by_product=by_product,
    )
