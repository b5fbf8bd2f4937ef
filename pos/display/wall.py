"""The story wall's reading side (`pos wall`): garments just sold and the store's totals, read from the
ledger and never written to it. The makers it shows are pos.display.read.consented_makers.

Just sold: the lines of the sales after a given sale id, read by the sales' primary key and the lines'
and attributions' indexes on their sale (a look costs the same on a ledger of a million lines as on an
empty one). Refunds are not moments.

Totals use the sales report's words (pos.reports.sales): `units` is garments sold less returned,
`takings_pence` the takings net of discounts and refunds (its `gross_pence`), `sales_count` the sales;
a refund counts on its own trading day. "Today" equals `pos report sales` for today and "the event"
equals it for the ledger's first to last trading day (`pos report event`). Each is one aggregate a
table over its trading-day index (the lines' is a covering one). `WallSource` reads today's again
only when a sale or refund came in, and the other days' only when one came in for another day, so a
quiet poll is two empty index reads. Figures: bench/README.md (`wall_look_*`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, date

from sqlalchemy import Connection, ColumnElement, Engine, and_, func, or_, select, true

from common.clock import today as store_today
from inventory.models import Participant
from pos.display.read import display_maker
from pos.display.state import DisplayMaker
from pos.display.wall_state import NO_TOTALS, Moment, Totals, WallUpdate
from pos.sales.models import LineAttribution, Refund, RefundLine, Sale, SaleLine

SALES_MAX = 12  # at most this many sales' garments in one answer: a wall shows the newest few
HOLE_S = 30.0  # how long an id skipped over is looked for again (see _Cursor)
HOLES_MAX = 100  # at most this many skipped ids are looked for again at once (the newest)


def just_sold(engine: Engine, after_sale_id: int | None = None, limit: int = SALES_MAX) -> list[Moment]:
    """The garments of the newest `limit` sales after sale `after_sale_id` (None: of all), oldest first."""
    with engine.connect() as connection:
        rows = _new_rows(connection, Sale, _after(Sale.id, after_sale_id), limit)
        return _moments(connection, [sale_id for sale_id, _ in rows])


def store_totals(engine: Engine, first: date | None = None, last: date | None = None) -> Totals:
    """The store's totals for trading days first..last (inclusive; None: open at that end)."""
    with engine.connect() as connection:
        return _totals(connection, _between(first, last))


class WallSource:
    """The wall's source: each call answers the garments sold since the last call and the totals now.

    The first call answers the newest SALES_MAX sales. Keep one per wall; a lost ledger raises from the
    call (the wall says so) and the next call reads again from where the last answer left off.
    """

    def __init__(self, engine: Engine, today: Callable[[], date] = store_today) -> None:
        self.engine, self._today = engine, today
        self._sales, self._refunds = _Cursor(), _Cursor()
        self._day: date | None = None
        self._today_totals = self._other_days = NO_TOTALS

    def __call__(self) -> WallUpdate:
        day = self._today()
        with self.engine.connect() as connection:
            first = self._day is None
            sales = _new_rows(connection, Sale, self._sales.where(Sale.id), SALES_MAX)
            refunds = _new_rows(connection, Refund, self._refunds.where(Refund.id), SALES_MAX)
            moments = _moments(connection, [sale_id for sale_id, _ in sales])
            days = {trading_day for _, trading_day in (*sales, *refunds)}
            # More came in than was read (or the day turned): which days changed is not known, so read both.
            whole = first or day != self._day or SALES_MAX in (len(sales), len(refunds))
            if whole or day in days:
                self._today_totals = _totals(connection, _between(day, day))
            if whole or days - {day}:
                self._other_days = _totals(connection, _not_on(day))
        now = time.monotonic()
        self._sales.saw([sale_id for sale_id, _ in sales], complete=len(sales) < SALES_MAX, now=now)
        self._refunds.saw([refund_id for refund_id, _ in refunds], complete=len(refunds) < SALES_MAX, now=now)
        self._day = day
        return WallUpdate(tuple(moments), self._today_totals, self._today_totals + self._other_days, day)


class _Cursor:
    """The ids of an append-only table seen so far: all up to `last`, except `holes`.

    On PostgreSQL an id is handed out at insert and transactions commit in any order, so sale 41 may
    appear after sale 42 was read: an id skipped over is asked for again for HOLE_S (a rolled-back insert
    leaves one for good). On SQLite writers take turns, so ids appear in order and there are none.
    """

    def __init__(self) -> None:
        self.last: int | None = None
        self.holes: dict[int, float] = {}  # id -> when it was first skipped (time.monotonic)

    def where(self, column: ColumnElement[int]) -> ColumnElement[bool]:
        if self.last is None:
            return true()
        after = column > self.last
        return or_(after, column.in_(list(self.holes))) if self.holes else after

    def saw(self, ids: Sequence[int], complete: bool, now: float) -> None:
        """`ids` were read; with `complete`, every committed id after `last` (None: every one) is among them."""
        for seen in ids:
            self.holes.pop(seen, None)
        new = sorted(seen for seen in ids if self.last is None or seen > self.last)
        if new:
            start = (self.last or 0) if complete else new[0]
            present = set(new)
            self.holes.update((skipped, now) for skipped in range(max(start + 1, new[-1] - HOLES_MAX), new[-1])
                              if skipped not in present)
            self.last = new[-1]
        for hole, since in list(self.holes.items()):
            if now - since > HOLE_S:
                del self.holes[hole]


def _after(column: ColumnElement[int], after_id: int | None) -> ColumnElement[bool]:
    return true() if after_id is None else column > after_id


def _new_rows(connection: Connection, table: type[Sale] | type[Refund], where: ColumnElement[bool],
              limit: int) -> list[tuple[int, date]]:
    """(id, trading day) of the rows of `table` matching `where`, the newest `limit`, oldest first."""
    rows = connection.execute(
        select(table.id, table.trading_date).where(where).order_by(table.id.desc()).limit(limit)
    ).all()
    return [(int(row_id), trading_day) for row_id, trading_day in reversed(rows)]


def _moments(connection: Connection, sale_ids: Sequence[int]) -> list[Moment]:
    """Each line of sales `sale_ids` as a moment, in sale and line order, its designers consent applied."""
    if not sale_ids:
        return []
    lines = connection.execute(
        select(SaleLine.id, SaleLine.sale_id, SaleLine.description, SaleLine.quantity, Sale.created_at)
        .join(Sale, Sale.id == SaleLine.sale_id).where(SaleLine.sale_id.in_(sale_ids))
        .order_by(SaleLine.sale_id, SaleLine.id)
    ).all()
    makers: dict[int, list[DisplayMaker]] = {}
    for line_id, consent, name, story, url in connection.execute(
        select(LineAttribution.sale_line_id, Participant.consent_to_publish, Participant.display_name,
               Participant.story, Participant.linkedin_url)
        .join(Participant, Participant.id == LineAttribution.participant_id)
        .where(LineAttribution.sale_line_id.in_([line.id for line in lines]))
        .order_by(LineAttribution.sale_line_id, LineAttribution.share_bp.desc(), Participant.id)
    ):
        makers.setdefault(line_id, []).append(display_maker(consent, name, story, url))
    return [
        Moment(sale_id, line_id, description, quantity, tuple(makers.get(line_id, ())), created_at.replace(tzinfo=UTC))
        for line_id, sale_id, description, quantity, created_at in lines
    ]


Days = Callable[[ColumnElement[date]], ColumnElement[bool]]  # a trading-day column -> which days to count


def _between(first: date | None, last: date | None) -> Days:
    return lambda column: and_(true(), *([column >= first] if first else []), *([column <= last] if last else []))


def _not_on(day: date) -> Days:
    return lambda column: or_(column < day, column > day)


def _totals(connection: Connection, days: Days) -> Totals:
    """One aggregate a table, over its trading-day index, net of the refunds made on those days."""
    count, takings = connection.execute(
        select(func.count(Sale.id), func.coalesce(func.sum(Sale.total_pence), 0)).where(days(Sale.trading_date))
    ).one()
    units = connection.execute(select(func.coalesce(func.sum(SaleLine.quantity), 0)).where(days(SaleLine.trading_date))).scalar()
    refunded = connection.execute(
        select(func.coalesce(func.sum(Refund.total_pence), 0)).where(days(Refund.trading_date))
    ).scalar()
    returned = connection.execute(
        select(func.coalesce(func.sum(RefundLine.quantity), 0)).where(days(RefundLine.trading_date))
    ).scalar()
    return Totals(int(count), int(units) - int(returned), int(takings) - int(refunded))
