"""The till's idle lock in the configuration file: `[till] lock_after_minutes` (default 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos.config import ConfigError, load_settings

REPO = Path(__file__).resolve().parents[2]


def test_the_lock_defaults_to_five_minutes(tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[store]\nname = "Shop"\n', encoding="utf-8")
    assert load_settings(config).lock_after_minutes == 5


def test_the_example_configuration_loads_with_its_lock_time() -> None:
    assert load_settings(REPO / "data" / "pos.example.toml").lock_after_minutes == 5


def test_a_chosen_lock_time_is_read(tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text("[till]\nlock_after_minutes = 2\n", encoding="utf-8")
    assert load_settings(config).lock_after_minutes == 2


@pytest.mark.parametrize("value", ["0", "-3", "2.5", '"five"', "true", "241"])
def test_a_bad_lock_time_is_refused_naming_the_key(tmp_path: Path, value: str) -> None:
    config = tmp_path / "pos.toml"
    config.write_text(f"[till]\nlock_after_minutes = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="till.lock_after_minutes must be a whole number of minutes from 1 to 240"):
        load_settings(config)
