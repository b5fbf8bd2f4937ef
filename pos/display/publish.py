"""The till publishes its basket for a customer display: one row per till, updated in place, version + 1.

Runs on the till core's display lane, never on the till's own path. It waits for the ledger only
briefly (PUBLISH_WAIT_MS on SQLite): a display that misses a state is sent the next one, and a sale
never waits behind a display. On PostgreSQL the same transaction sends `NOTIFY pos_display, '<till>'`,
so a display wakes at once (pos.display.read.wait_for_change); on SQLite displays poll the version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite

from common.clock import utc_naive, utc_now
from inventory.db import is_sqlite
from pos.display.models import TillDisplay
from pos.display.state import DisplayLine, DisplayStatus

CHANNEL = "pos_display"  # the PostgreSQL channel a publish notifies, with the till's name as payload
PUBLISH_WAIT_MS = 200  # how long a publish waits for a busy SQLite ledger before giving this state up


def basket_json(lines: Sequence[DisplayLine], total_pence: int, last_scanned_variant_id: int | None) -> str:
    """The basket as the till_displays row holds it."""
    return json.dumps({
        "lines": [[line.description, line.size, line.colour, line.quantity, line.line_total_pence] for line in lines],
        "total_pence": total_pence,
        "last_scanned_variant_id": last_scanned_variant_id,
    })


def publish_basket(
    engine: Engine, till: str, status: DisplayStatus, lines: Sequence[DisplayLine], total_pence: int,
    last_scanned_variant_id: int | None, change_pence: int = 0,
) -> int:
    """Publish till `till`'s basket as its display should show it now; returns the new version."""
    values = {
        "status": status, "basket": basket_json(lines, total_pence, last_scanned_variant_id),
        "change_pence": change_pence, "updated_at": utc_naive(utc_now()),
    }
    insert = (sqlite.insert if is_sqlite(engine) else postgresql.insert)(TillDisplay)
    upsert = (
        insert.values(till=till, version=1, **values)
        .on_conflict_do_update(index_elements=[TillDisplay.till], set_={"version": TillDisplay.version + 1, **values})
        .returning(TillDisplay.version)
    )
    with _brief_transaction(engine) as connection:
        version = connection.execute(upsert).scalar_one()
        if not is_sqlite(engine):
            connection.execute(select(func.pg_notify(CHANNEL, till)))
    return int(version)


@contextmanager
def _brief_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction that waits for a busy SQLite ledger only PUBLISH_WAIT_MS, not a sale's patience."""
    if not is_sqlite(engine):
        with engine.begin() as connection:
            yield connection
        return
    with engine.execution_options(sqlite_begin="IMMEDIATE").connect() as connection:
        driver = connection.connection.driver_connection
        usual = driver.execute("PRAGMA busy_timeout").fetchone()[0]  # type: ignore[union-attr]
        driver.execute(f"PRAGMA busy_timeout={min(usual, PUBLISH_WAIT_MS)}")  # type: ignore[union-attr]
        try:
            with connection.begin():
                yield connection
        finally:
            driver.execute(f"PRAGMA busy_timeout={usual}")  # type: ignore[union-attr]


