"""The [till] discount settings: defaults, the example file, and a bad setting refused by its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos.config import ConfigError, load_settings
from pos.sales.pricing import DiscountRules

REPO = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path, till: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "pos.toml"
    path.write_text(f"[till]\n{till}\n", encoding="utf-8")
    return load_settings(path)


def test_the_defaults_and_the_example_file_agree() -> None:
    assert load_settings(REPO / "data" / "pos.example.toml").discounts == DiscountRules()
    assert DiscountRules().approval_bp == 1000 and "Loyal customer" in DiscountRules().discount_reasons


def test_a_configured_threshold_and_reasons_are_used(tmp_path: Path) -> None:
    rules = _settings(tmp_path, 'discount_approval_percent = 12.5\ndiscount_reasons = ["Birthday"]').discounts
    assert (rules.approval_bp, rules.discount_reasons) == (1250, ("Birthday",))
    assert rules.override_reasons == DiscountRules().override_reasons


@pytest.mark.parametrize("till, key", [
    ("discount_approval_percent = 150", "till.discount_approval_percent"),
    ('discount_approval_percent = "lots"', "till.discount_approval_percent"),
    ("discount_approval_percent = true", "till.discount_approval_percent"),
    ("discount_reasons = []", "till.discount_reasons"),
    ('price_override_reasons = ["' + "x" * 31 + '"]', "till.price_override_reasons"),
    ("discount_reasons = [1, 2]", "till.discount_reasons"),
])
def test_a_bad_setting_is_refused_naming_its_key(tmp_path: Path, till: str, key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        _settings(tmp_path, till)
