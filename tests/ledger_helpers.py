"""Units of work for tests: who acts, at which till, at what moment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from common.clock import utc_now
from common.values import Actor
from inventory.db import UnitOfWork


def by(engine: Engine, name: str = "test") -> UnitOfWork:
    """A unit of work for set-up writes (imports) by `name`."""
    return UnitOfWork(engine, Actor(name))


def at_till(engine: Engine, till: str, *, staff: str = "", now: datetime | None = None) -> UnitOfWork:
    """A unit of work at `till`, served by `staff`, at `now` (else the real clock)."""
    return UnitOfWork(engine, Actor(staff, till, (lambda: now) if now else utc_now))
