"""The store's clock: ledger times are UTC; the trading day and receipts use London time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STORE_TIMEZONE = ZoneInfo("Europe/London")


def utc_now() -> datetime:
    return datetime.now(UTC)


def utc_naive(moment: datetime) -> datetime:
    """How the ledger stores a moment: naive UTC (SQLite has no time zones)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def local_time(moment: datetime) -> datetime:
    """A UTC moment (aware, or naive as stored in the ledger) in the store's time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(STORE_TIMEZONE)


def trading_date(moment: datetime) -> date:
    return local_time(moment).date()


def today() -> date:
    return trading_date(utc_now())


# Gives "now" (aware UTC) for whatever is recorded; tests freeze it.
Clock = Callable[[], datetime]
