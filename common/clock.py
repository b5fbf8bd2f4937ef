"""The store's clock: ledger times are UTC; the trading day, the hour and receipts use the store's time zone.

The store's time zone is Europe/London unless the configuration says otherwise (`[store] timezone`):
`pos.config.load_settings` calls `use_timezone` with it, once, as the process starts, and everything
after that (trading days, receipts, reports' hours) reads it through `store_timezone()`. It is one
setting for the whole process (a till or a command serves one store); tests that change it put it back.
Conversions go through zoneinfo, so the nights the clocks change are right: on the spring night
01:00-02:00 never happens, on the autumn night 01:00-02:00 happens twice (both count as hour 1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Europe/London"
STORE_TIMEZONE = ZoneInfo(DEFAULT_TIMEZONE)  # read it through store_timezone(): use_timezone replaces it


class UnknownTimezone(ValueError):
    """A time zone name the zone database does not know (the configuration turns it into a ConfigError)."""


def timezone_named(name: str) -> ZoneInfo:
    """The IANA time zone `name` ("Europe/London", "Europe/Dublin"); UnknownTimezone if there is none."""
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise UnknownTimezone(repr(name))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:  # ValueError: a path-like or malformed key
        raise UnknownTimezone(name) from error


def use_timezone(name: str) -> ZoneInfo:
    """Make `name` the store's time zone for this whole process (trading days, receipts, hours); returns it.

    Raises UnknownTimezone (and changes nothing) for a name the zone database does not know.
    """
    global STORE_TIMEZONE
    zone = timezone_named(name)
    STORE_TIMEZONE = zone
    return zone


def store_timezone() -> ZoneInfo:
    """The store's time zone in use (Europe/London unless use_timezone chose another)."""
    return STORE_TIMEZONE


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
    """The store's local date of a UTC moment (aware, or naive as stored): the sale's business day."""
    return local_time(moment).date()


def local_hour(moment: datetime) -> int:
    """The store's local hour (0-23) of a UTC moment (aware, or naive as stored), for figures by hour."""
    return local_time(moment).hour


def today() -> date:
    return trading_date(utc_now())


# Gives "now" (aware UTC) for whatever is recorded; tests freeze it.
Clock = Callable[[], datetime]
