"""The configuration file (TOML): store header and time zone, receipt printers (pos/printer_config.py) and the
till (idle lock, discount rules) and the customer display. Every setting has a default.

Looked up from --config, else POS_CONFIG, else data/pos.toml when it exists. See README.

`[store] timezone` (default Europe/London) is applied to the whole process when the settings are
loaded (`common.clock.use_timezone`): trading days, receipts and hours follow it from then on.
`apply_store_timezone` does only that part, for commands that need no other setting.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from common.clock import DEFAULT_TIMEZONE, UnknownTimezone, timezone_named, use_timezone
from common.errors import PosError
from common.money import MoneyFormatError, parse_percent_bp
from pos.sales.pricing import REASON_MAX, DiscountRules
from receipts.model import StoreHeader
from pos.printer_config import PrinterConfigError, printer_settings
from receipts.printers import PrinterSettings

DEFAULT_CONFIG_PATH = Path("data/pos.toml")
LOCK_AFTER_MINUTES = 5
LOCK_AFTER_MAX_MINUTES = 240


class ConfigError(PosError):
    pass


@dataclass(frozen=True)
class Settings:
    store: StoreHeader = field(default_factory=StoreHeader)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    lock_after_minutes: int = LOCK_AFTER_MINUTES  # the till locks after this long with no key pressed
    discounts: DiscountRules = field(default_factory=DiscountRules)
    till_printers: dict[str, PrinterSettings] = field(default_factory=dict)  # tills whose printer differs
    timezone: str = DEFAULT_TIMEZONE  # [store] timezone: the store's IANA time zone (trading days, hours)
    display_publish: bool = True  # [display] publish: tills publish their basket for a customer display

    def printer_for(self, till: str) -> PrinterSettings:
        """The printer of till `till`: its own [printer.tills."NAME"] settings, else the shared [printer]."""
        return self.till_printers.get(till, self.printer)

    def with_receipts_in(self, directory: Path) -> Settings:
        """The same settings printing to files in `directory` (the demo till does this)."""
        return replace(self, printer=replace(self.printer, kind="file", directory=directory), till_printers={})


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"'{key}' must be a string or a list of strings")


def _store(table: dict[str, Any]) -> StoreHeader:
    default = StoreHeader()
    return StoreHeader(
        name=str(table.get("name", default.name)),
        address_lines=_strings(table.get("address", list(default.address_lines)), "store.address"),
        vat_number=str(table.get("vat_number", default.vat_number)),
        footer_lines=_strings(table.get("footer", list(default.footer_lines)), "store.footer"),
        returns_policy=_strings(table.get("returns_policy", list(default.returns_policy)), "store.returns_policy"),
    )


def _timezone(table: Any) -> str:
    """[store] timezone: an IANA time zone name the zone database knows, such as "Europe/London"."""
    value = table.get("timezone", DEFAULT_TIMEZONE) if isinstance(table, dict) else DEFAULT_TIMEZONE
    try:
        timezone_named(value)
    except UnknownTimezone:
        raise ConfigError(
            f"store.timezone {value!r} is not a time zone this computer knows: use an IANA name such as "
            f'timezone = "{DEFAULT_TIMEZONE}" (Region/City, with capitals as written).'
        ) from None
    return value


def _lock_after_minutes(table: dict[str, Any]) -> int:
    value = table.get("lock_after_minutes", LOCK_AFTER_MINUTES)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LOCK_AFTER_MAX_MINUTES:
        raise ConfigError(
            f"till.lock_after_minutes must be a whole number of minutes from 1 to {LOCK_AFTER_MAX_MINUTES} "
            f"(it is {value!r}); the till locks after that long with no key pressed."
        )
    return value


def _reasons(value: Any, key: str) -> tuple[str, ...]:
    reasons = _strings(value, key)
    if not reasons or any(not reason.strip() or len(reason) > REASON_MAX or not reason.isprintable() for reason in reasons):
        raise ConfigError(f"'{key}' must list at least one reason, each 1 to {REASON_MAX} printable characters")
    return reasons


def _discount_rules(table: dict[str, Any]) -> DiscountRules:
    """[till] discount_approval_percent, discount_reasons and price_override_reasons."""
    default = DiscountRules()
    key = "till.discount_approval_percent"
    threshold = table.get("discount_approval_percent")
    try:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, str, type(None))):
            raise MoneyFormatError(str(threshold))
        approval_bp = default.approval_bp if threshold is None else parse_percent_bp(str(threshold))
    except MoneyFormatError:
        raise ConfigError(f"'{key}' must be a percentage from 0 to 100, such as 10 or 12.5") from None
    if approval_bp > 10_000:
        raise ConfigError(f"'{key}' must be a percentage from 0 to 100, such as 10 or 12.5")
    return DiscountRules(
        approval_bp=approval_bp,
        discount_reasons=_reasons(table.get("discount_reasons", list(default.discount_reasons)), "till.discount_reasons"),
        override_reasons=_reasons(
            table.get("price_override_reasons", list(default.override_reasons)), "till.price_override_reasons"
        ),
    )


def _display_publish(table: Any) -> bool:
    """[display] publish: true (the default) or false, for a till that never has a display."""
    value = table.get("publish", True) if isinstance(table, dict) else True
    if not isinstance(value, bool):
        raise ConfigError("'display.publish' must be true or false")
    return value


def _document(path: str | Path | None) -> tuple[Path, dict[str, Any] | None]:
    """The configuration file chosen and what it holds; None when there is none at the default place."""
    chosen = path or os.environ.get("POS_CONFIG")
    config_path = Path(chosen) if chosen else DEFAULT_CONFIG_PATH
    if not config_path.exists():
        if chosen:
            raise ConfigError(f"The configuration file {config_path} does not exist.")
        return config_path, None
    try:
        return config_path, tomllib.loads(config_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{config_path} is not valid TOML: {error}") from error


def _store_timezone(config_path: Path, document: dict[str, Any] | None) -> str:
    try:
        return _timezone((document or {}).get("store", {}))
    except ConfigError as error:
        raise ConfigError(f"{config_path}: {error}") from None


def apply_store_timezone(path: str | Path | None = None) -> str:
    """Read only `[store] timezone` from the configuration file (found as load_settings finds it) and apply it
    process-wide (Europe/London when the file or the key is absent); returns the zone's name.

    The `pos` command does this before every command, so reports and sales without a --config of
    their own still use the store's time zone.
    """
    name = _store_timezone(*_document(path))
    use_timezone(name)
    return name


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from the configuration file, or the defaults when there is none.

    Also makes the configured `[store] timezone` (default Europe/London) the process's store time
    zone (`common.clock.use_timezone`), so everything after this runs on the store's clock.
    """
    config_path, document = _document(path)
    timezone = _store_timezone(config_path, document)
    if document is None:
        use_timezone(timezone)
        return Settings()
    try:
        printer, till_printers = printer_settings(document.get("printer", {}))
    except PrinterConfigError as error:
        raise ConfigError(f"{config_path}: {error}") from None
    settings = Settings(
        store=_store(document.get("store", {})), printer=printer, till_printers=till_printers,
        discounts=_discount_rules(document.get("till", {})),
        lock_after_minutes=_lock_after_minutes(document.get("till", {})), timezone=timezone,
        display_publish=_display_publish(document.get("display", {})),
    )
    use_timezone(timezone)  # only once every setting is known good: a refused file changes nothing
    return settings
