"""The [printer] table of the configuration file, checked whole at start-up.

Every problem names the key and the fix: an unknown key (with the nearest known one), a missing
setting the printer's kind needs, a profile python-escpos does not know, a width or code page the
profile cannot print. A till whose printer differs from the others has its own table,
`[printer.tills."till-2"]`, holding only what differs.
"""

from __future__ import annotations

import difflib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from common.errors import PosError
from receipts.printers import PRINTER_KINDS, WIDTHS, PrinterSettings
from receipts.profiles import known_profiles, profile_facts

# TOML key -> PrinterSettings field
_KEYS = {
    "kind": "kind", "directory": "directory", "host": "host", "port": "port", "vendor_id": "vendor_id",
    "product_id": "product_id", "device": "device", "baudrate": "baudrate", "cups_printer": "cups_printer",
    "timeout_seconds": "timeout_s", "profile": "profile", "width": "width", "code_page": "code_page",
    "status_queries": "status_queries", "drawer_on_cash": "drawer_on_cash", "drawer_pin": "drawer_pin",
    "drawer_pulse_ms": "drawer_pulse_ms",
}
_NEEDS = {  # what each kind must be given, and an example of it
    "usb": {"vendor_id": "vendor_id = 0x04b8", "product_id": "product_id = 0x0202"},
    "network": {"host": 'host = "192.168.1.50"'},
    "serial": {"device": 'device = "/dev/rfcomm0"'},
    "cups": {"cups_printer": 'cups_printer = "TM-T20"'},
}
_FIELD_TYPES = {field.name: field.type for field in fields(PrinterSettings)}


class PrinterConfigError(PosError):
    pass


def printer_settings(table: dict[str, Any]) -> tuple[PrinterSettings, dict[str, PrinterSettings]]:
    """The printer every till uses, and the tills whose printer differs (by till name)."""
    tills = table.get("tills", {})
    if not isinstance(tills, dict) or not all(isinstance(value, dict) for value in tills.values()):
        raise PrinterConfigError('printer.tills must hold one table per till, such as [printer.tills."till-2"].')
    shared = {key: value for key, value in table.items() if key != "tills"}
    default = _settings(shared, "printer", PrinterSettings())
    by_till = {name: _settings(own, f'printer.tills."{name}"', default) for name, own in tills.items()}
    return default, by_till


def _settings(table: dict[str, Any], prefix: str, base: PrinterSettings) -> PrinterSettings:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            raise PrinterConfigError(f"{prefix}.{key} is not a printer setting{_nearest(key)}.")
        values[_KEYS[key]] = _typed(f"{prefix}.{key}", _KEYS[key], value)
    settings = replace(base, **values)
    _check(settings, prefix, table)
    return settings


def _nearest(key: str) -> str:
    close = difflib.get_close_matches(key, list(_KEYS), n=1)
    return f": did you mean {close[0]}?" if close else f". The settings are: {', '.join(_KEYS)}"


def _typed(key: str, name: str, value: Any) -> Any:
    kind = str(_FIELD_TYPES[name])
    if "bool" in kind:
        if not isinstance(value, bool):
            raise PrinterConfigError(f"{key} must be true or false (it is {value!r}).")
        return value
    if "float" in kind:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.1 <= value <= 60:
            raise PrinterConfigError(f"{key} must be a number of seconds from 0.1 to 60 (it is {value!r}).")
        return float(value)
    if "int" in kind:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PrinterConfigError(f"{key} must be a whole number (it is {value!r}); ids may be written 0x04b8.")
        return value
    if "Path" in kind:
        if not isinstance(value, str) or not value:
            raise PrinterConfigError(f'{key} must be a folder, such as "data/receipts".')
        return Path(value)
    if not isinstance(value, str):
        raise PrinterConfigError(f"{key} must be text in quotes (it is {value!r}).")
    return value


def _check(settings: PrinterSettings, prefix: str, table: dict[str, Any]) -> None:
    if settings.kind not in PRINTER_KINDS:
        raise PrinterConfigError(f'{prefix}.kind "{settings.kind}" is not a kind of printer: use one of '
                                 f"{', '.join(PRINTER_KINDS)}.")
    for key, example in _NEEDS.get(settings.kind, {}).items():
        if getattr(settings, _KEYS[key]) in (None, ""):
            raise PrinterConfigError(f'{prefix}.{key} is needed when the printer\'s kind is "{settings.kind}": '
                                     f"add it, for example {example}.")
    _check_ranges(settings, prefix)
    _check_profile(settings, prefix)
    if settings.kind == "cups":
        from receipts.transports.cups_transport import is_installed

        if not is_installed():
            raise PrinterConfigError(f'{prefix}.kind "cups" needs pycups, which is not installed here: '
                                     'pip install pycups, or connect the printer as "usb" or "network".')


def _check_ranges(settings: PrinterSettings, prefix: str) -> None:
    if not 1 <= settings.port <= 65535:
        raise PrinterConfigError(f"{prefix}.port must be from 1 to 65535 (an Ethernet printer listens on 9100).")
    for key in ("vendor_id", "product_id"):
        value = getattr(settings, key)
        if value is not None and not 0 <= value <= 0xFFFF:
            raise PrinterConfigError(f"{prefix}.{key} must be a USB id from 0x0000 to 0xffff (lsusb shows it).")
    if settings.drawer_pin not in (2, 5):
        raise PrinterConfigError(f"{prefix}.drawer_pin must be 2 or 5: the pin of the printer's drawer connector.")
    if not 2 <= settings.drawer_pulse_ms <= 510:
        raise PrinterConfigError(f"{prefix}.drawer_pulse_ms must be from 2 to 510 milliseconds (100 suits most drawers).")
    if settings.width not in WIDTHS:
        raise PrinterConfigError(f"{prefix}.width must be 32 (58 mm paper), 42 or 48 (80 mm paper); "
                                 f"it is {settings.width}.")


def _check_profile(settings: PrinterSettings, prefix: str) -> None:
    facts = profile_facts(settings.profile)
    if facts is None:
        close = difflib.get_close_matches(settings.profile, known_profiles(), n=3, cutoff=0.4)
        hint = f"did you mean {' or '.join(close)}?" if close else f"python-escpos knows: {', '.join(known_profiles())}."
        raise PrinterConfigError(f'{prefix}.profile "{settings.profile}" is not a python-escpos printer profile: {hint}')
    if settings.width > facts.columns:
        fits = [width for width in WIDTHS if width <= facts.columns]
        raise PrinterConfigError(
            f"{prefix}.width {settings.width} is wider than the {facts.name} prints ({facts.columns} characters a "
            f"line): set width = {fits[-1] if fits else 32}."
        )
    if settings.code_page and settings.code_page not in facts.code_pages:
        has_pound = [page for page in ("CP858", "CP850", "CP437", "CP1252") if page in facts.code_pages]
        raise PrinterConfigError(
            f'{prefix}.code_page "{settings.code_page}" is not one the {facts.name} has'
            + (f": use {has_pound[0]} (it prints £)." if has_pound else ".")
        )
