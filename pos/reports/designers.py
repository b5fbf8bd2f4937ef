"""Every designer's units and takings for any range of trading days: `pos report designers`.

The figures are exact to the penny and net of discounts and refunds, as the sales report's are
(pos.reports.sales): each sale line's gross and VAT are split between its designers when it is sold
(line_attributions) and a refund reverses exactly its designers' parts (refund_attributions), on
the refund's own trading day. So the designers' `ex_vat_pence` add up to the sales report's `ex_vat_pence` for the
same days, to the penny.

Names follow consent, as every report export does: a designer who consented is shown by name, any
other by their participant code. "Every designer" is every participant with a design in the
catalogue (a designer with nothing sold in the range shows with zeros), and anyone with sales in it.

Speed: attributions carry their sale's trading day and quantity, and the index
ix_line_attributions_report (trading_date, participant_id, quantity, gross_pence, vat_pence) hands
them over already grouped by day and designer, so the query reads that index alone and never sorts;
the per-day groups (days x designers) are added up here. Figures: bench/README.md (statements).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from common.errors import NotAllowed
from common.money import format_pence
from inventory.models import DesignerShare, Participant
from pos.reports.export import csv_text
from pos.reports.sales import add_up
from pos.sales.models import LineAttribution, Refund, RefundAttribution, Sale

CSV_COLUMNS = ("code", "name", "designs", "units", "gross_pence", "vat_pence", "ex_vat_pence")


@dataclass(frozen=True)
class DesignerFigures:
    """One designer's figures for the range: `units` count every unit of their designs (a collaboration
    counts for each of its designers); money is their share, exact, after discounts and refunds."""

    code: str
    name: str  # their name where they consented to be named, else their code
    designs: int  # designs in the catalogue they designed or co-designed
    units: int
    gross_pence: int  # their share of the takings, VAT included
    vat_pence: int
    ex_vat_pence: int  # gross − VAT


@dataclass(frozen=True)
class DesignersReport:
    date_from: date
    date_to: date
    designers: tuple[DesignerFigures, ...]  # largest net first, then by code

    @property
    def gross_pence(self) -> int:
        return sum(row.gross_pence for row in self.designers)

    @property
    def vat_pence(self) -> int:
        return sum(row.vat_pence for row in self.designers)

    @property
    def ex_vat_pence(self) -> int:
        return sum(row.ex_vat_pence for row in self.designers)

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "gross_pence": self.gross_pence,
            "vat_pence": self.vat_pence,
            "ex_vat_pence": self.ex_vat_pence,
            "designers": [asdict(row) for row in self.designers],
        }


def trading_span(engine: Engine) -> tuple[date, date] | None:
    """The first and last trading days with a sale or a refund, or None for a ledger with neither."""
    with engine.connect() as connection:
        return trading_span_in(connection)


def trading_span_in(connection: Connection) -> tuple[date, date] | None:
    # One aggregate a statement: SQLite answers a lone min() or max() from the index's end at once, but
    # reads the whole index for the two together.
    first = connection.execute(select(func.min(Sale.trading_date))).scalar()
    last = connection.execute(select(func.max(Sale.trading_date))).scalar()
    refund_first = connection.execute(select(func.min(Refund.trading_date))).scalar()
    refund_last = connection.execute(select(func.max(Refund.trading_date))).scalar()
    firsts = [day for day in (first, refund_first) if day is not None]
    lasts = [day for day in (last, refund_last) if day is not None]
    if not firsts:
        return None
    return min(firsts), max(lasts)


def resolve_range(engine: Engine, date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    """The range asked for, the open ends filled from the ledger's trading days (else `today`).

    NotAllowed when `date_to` is before `date_from`.
    """
    span = trading_span(engine) if date_from is None or date_to is None else None
    first = date_from or (span[0] if span else today)
    if date_to is not None:
        last = date_to
    elif span is not None and span[1] >= first:
        last = span[1]
    else:
        last = first
    if last < first:
        raise NotAllowed(f"--to {last.isoformat()} is before --from {first.isoformat()}: give the earlier day first.")
    return first, last


def designer_totals(connection: Connection, first: date, last: date) -> dict[int, list[int]]:
    """participant id -> [units, gross, VAT] for trading days first..last, net of that range's refunds."""
    sold = connection.execute(
        select(LineAttribution.participant_id, func.sum(LineAttribution.quantity),
               func.sum(LineAttribution.gross_pence), func.sum(LineAttribution.vat_pence))
        .where(LineAttribution.trading_date.between(first, last))
        .group_by(LineAttribution.trading_date, LineAttribution.participant_id)
    ).all()
    returned = connection.execute(
        select(RefundAttribution.participant_id, -func.sum(RefundAttribution.quantity),
               -func.sum(RefundAttribution.gross_pence), -func.sum(RefundAttribution.vat_pence))
        .where(RefundAttribution.trading_date.between(first, last))
        .group_by(RefundAttribution.trading_date, RefundAttribution.participant_id)
    ).all()
    return {key[0]: figures for key, figures in add_up(((pid,), rest) for pid, *rest in [*sold, *returned]).items()}


def designer_rows(connection: Connection, totals: dict[int, list[int]]) -> list[DesignerFigures]:
    """Every designer (a design in the catalogue, or figures in `totals`) with their figures, largest net first."""
    designs = dict(connection.execute(
        select(DesignerShare.participant_id, func.count()).group_by(DesignerShare.participant_id)).all())
    wanted = set(designs) | set(totals)
    if not wanted:
        return []
    people = connection.execute(
        select(Participant.id, Participant.code, Participant.display_name, Participant.consent_to_publish)
        .where(Participant.id.in_(sorted(wanted)))
    ).all()
    rows = []
    for pid, code, name, consented in people:
        units, gross, vat = totals.get(pid, (0, 0, 0))
        rows.append(DesignerFigures(code, name if consented else code, int(designs.get(pid, 0)), units, gross, vat,
                                    gross - vat))
    return sorted(rows, key=lambda row: (-row.ex_vat_pence, row.code))


def designers_report(engine: Engine, date_from: date, date_to: date) -> DesignersReport:
    """Every designer's units and takings (their share, exact) for trading days date_from..date_to."""
    if date_to < date_from:
        raise NotAllowed(f"--to {date_to.isoformat()} is before --from {date_from.isoformat()}.")
    with engine.connect() as connection:
        rows = designer_rows(connection, designer_totals(connection, date_from, date_to))
    return DesignersReport(date_from, date_to, tuple(rows))


# --- as text ------------------------------------------------------------------------------------


def designers_csv(report: DesignersReport) -> str:
    return csv_text(CSV_COLUMNS, ([row.code, row.name, row.designs, row.units, row.gross_pence, row.vat_pence,
                                   row.ex_vat_pence] for row in report.designers))


def period_text(first: date, last: date) -> str:
    """"20 to 29 November 2026", "30 November to 2 December 2026", "25 November 2026"."""
    if first == last:
        return f"{first.day} {first:%B %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def designers_table(report: DesignersReport) -> str:
    from pos.reports.render import text_table

    lines = [
        f"Designers {report.date_from.isoformat()} to {report.date_to.isoformat()}",
        f"Takings (their shares): {format_pence(report.gross_pence)}   VAT included: {format_pence(report.vat_pence)}"
        f"   Excluding VAT: {format_pence(report.ex_vat_pence)}",
        "",
        text_table(
            ["Designer", "Code", "Designs", "Units", "Takings", "Excluding VAT"],
            [[row.name, row.code, str(row.designs), str(row.units), format_pence(row.gross_pence),
              format_pence(row.ex_vat_pence)] for row in report.designers],
            {2, 3, 4, 5},
        ),
    ]
    return "\n".join(lines) + "\n"
