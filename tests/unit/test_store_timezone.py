"""The store's time zone: trading days and hours on the nights the clocks change, and choosing another zone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import common.clock as clock
from common.clock import (
    DEFAULT_TIMEZONE, UnknownTimezone, local_hour, local_time, store_timezone, trading_date, use_timezone,
)
from pos.config import ConfigError, apply_store_timezone, load_settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def london_again() -> Iterator[None]:
    """Every test starts and ends on the default zone: the setting is process-wide."""
    use_timezone(DEFAULT_TIMEZONE)
    yield
    use_timezone(DEFAULT_TIMEZONE)


# (UTC moment, the London trading day, the London hour). London: GMT (UTC+0) in winter, BST (UTC+1) in summer;
# 2026's clocks go forward at 01:00 UTC on 29 March and back at 01:00 UTC on 25 October.
CLOCK_CHANGE_NIGHTS = [
    # 29 March 2026, spring forward: 00:30 is still GMT; 01:00-02:00 local never happens; 23:30 is BST.
    (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28), 23),  # 23:30 GMT the evening before
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), date(2026, 3, 29), 0),    # 00:30 GMT
    (datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), date(2026, 3, 29), 0),
    (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), date(2026, 3, 29), 2),     # the clocks jump to 02:00 BST
    (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), date(2026, 3, 29), 23),  # 23:30 BST
    (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30), 0),   # 00:30 BST the next morning
    # 25 October 2026, fall back: 00:30 is BST (23:30 UTC the day before); 01:00-02:00 local happens twice.
    (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 24), 23),  # 23:30 BST the evening before
    (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25), 0),   # 00:30 BST: already the 25th
    (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), date(2026, 10, 25), 1),    # 01:30 BST, the first time
    (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), date(2026, 10, 25), 1),    # 01:30 GMT, the second time
    (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25), 23),  # 23:30 GMT
    (datetime(2026, 10, 26, 0, 30, tzinfo=UTC), date(2026, 10, 26), 0),
]


@pytest.mark.parametrize("moment, day, hour", CLOCK_CHANGE_NIGHTS)
def test_trading_day_and_hour_on_the_nights_the_clocks_change(moment: datetime, day: date, hour: int) -> None:
    assert (trading_date(moment), local_hour(moment)) == (day, hour)
    naive = moment.replace(tzinfo=None)  # as the ledger stores it: naive UTC
    assert (trading_date(naive), local_hour(naive)) == (day, hour)


def test_the_hour_that_happens_twice_is_told_apart_by_its_offset() -> None:
    first, second = (local_time(datetime(2026, 10, 25, h, 30, tzinfo=UTC)) for h in (0, 1))
    assert (first.hour, second.hour) == (1, 1)
    assert (first.utcoffset().total_seconds(), second.utcoffset().total_seconds()) == (3600, 0)  # type: ignore[union-attr]


def test_another_zone_moves_the_day_and_the_hour() -> None:
    moment = datetime(2026, 3, 29, 3, 30, tzinfo=UTC)  # 04:30 BST in London; 23:30 EDT on the 28th in New York
    assert (trading_date(moment), local_hour(moment)) == (date(2026, 3, 29), 4)
    use_timezone("America/New_York")
    assert store_timezone().key == "America/New_York"
    assert (trading_date(moment), local_hour(moment)) == (date(2026, 3, 28), 23)
    use_timezone("Australia/Sydney")  # UTC+11 until 5 April 2026
    assert (trading_date(moment), local_hour(moment)) == (date(2026, 3, 29), 14)


@pytest.mark.parametrize("name", ["Europe/Londn", "europe/london", "", " Europe/London", "../etc/passwd", "/etc/localtime"])
def test_an_unknown_zone_is_refused_and_the_zone_is_unchanged(name: str) -> None:
    with pytest.raises(UnknownTimezone):
        use_timezone(name)
    assert store_timezone().key == DEFAULT_TIMEZONE


def test_the_configuration_sets_the_zone_when_it_is_loaded(tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[store]\nname = "Shop"\ntimezone = "America/New_York"\n', encoding="utf-8")
    assert load_settings(config).timezone == "America/New_York"
    assert clock.STORE_TIMEZONE.key == "America/New_York"
    config.write_text('[store]\nname = "Shop"\n', encoding="utf-8")  # no key: back to the default
    assert load_settings(config).timezone == DEFAULT_TIMEZONE
    assert store_timezone().key == DEFAULT_TIMEZONE


def test_apply_store_timezone_reads_only_that_key(tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[store]\ntimezone = "Europe/Dublin"\n[printer]\nkind = "nonsense"\n', encoding="utf-8")
    assert apply_store_timezone(config) == "Europe/Dublin"
    assert store_timezone().key == "Europe/Dublin"
    with pytest.raises(ConfigError, match="printer"):  # the whole file is still checked where it is loaded
        load_settings(config)


def test_no_configuration_file_means_london(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_timezone("Asia/Tokyo")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POS_CONFIG", raising=False)
    assert apply_store_timezone() == DEFAULT_TIMEZONE
    assert store_timezone().key == DEFAULT_TIMEZONE


def test_the_example_configuration_names_london() -> None:
    assert load_settings(REPO / "data" / "pos.example.toml").timezone == "Europe/London"


@pytest.mark.parametrize("value", ['"Europe/Londn"', '"GMT+1"', "1", '["Europe/London"]', '""'])
def test_an_unknown_zone_in_the_file_is_refused_naming_the_key_and_changes_nothing(tmp_path: Path, value: str) -> None:
    use_timezone("Europe/Dublin")
    config = tmp_path / "pos.toml"
    config.write_text(f"[store]\ntimezone = {value}\n", encoding="utf-8")
    for load in (load_settings, apply_store_timezone):
        with pytest.raises(ConfigError, match=r"store\.timezone .* is not a time zone this computer knows: use an "
                                              r'IANA name such as timezone = "Europe/London"'):
            load(config)
        assert store_timezone().key == "Europe/Dublin"
