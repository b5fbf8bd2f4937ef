"""The [printer] table: every connection python-escpos offers, checked at start with the key and the fix named."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pytest

from pos.config import ConfigError, load_settings
from receipts.printers import PrinterSettings


def _load(tmp_path: Path, text: str):  # noqa: ANN202 - Settings
    config = tmp_path / "pos.toml"
    config.write_text(text, encoding="utf-8")
    return load_settings(config)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('kind = "network"\nhost = "192.168.1.50"\nport = 9101',
         {"kind": "network", "host": "192.168.1.50", "port": 9101}),
        ('kind = "usb"\nvendor_id = 0x04b8\nproduct_id = 0x0202', {"kind": "usb", "vendor_id": 0x04B8, "product_id": 0x0202}),
        ('kind = "serial"\ndevice = "/dev/rfcomm0"\nbaudrate = 19200\nprofile = "ZJ-5870"\nwidth = 32\ncode_page = "CP850"',
         {"kind": "serial", "device": "/dev/rfcomm0", "baudrate": 19200, "width": 32, "code_page": "CP850"}),
        ('kind = "file"\ndirectory = "out"', {"kind": "file", "directory": Path("out")}),
        ('kind = "none"', {"kind": "none"}),
        ('kind = "network"\nhost = "p"\nprofile = "TM-T20II"\nwidth = 48\ndrawer_pin = 5\ndrawer_pulse_ms = 200\n'
         "drawer_on_cash = false\nstatus_queries = false\ntimeout_seconds = 1.5",
         {"width": 48, "drawer_pin": 5, "drawer_pulse_ms": 200, "drawer_on_cash": False, "status_queries": False,
          "timeout_s": 1.5}),
    ],
)
def test_each_connection_is_read_from_the_printer_table(tmp_path: Path, table: str, expected: dict[str, object]) -> None:
    printer = _load(tmp_path, f"[printer]\n{table}\n").printer
    assert {key: getattr(printer, key) for key in expected} == expected


def test_a_till_whose_printer_differs_has_its_own_table(tmp_path: Path) -> None:
    settings = _load(tmp_path, '[printer]\nkind = "network"\nhost = "10.0.0.5"\n\n'
                               '[printer.tills."till-2"]\nkind = "serial"\ndevice = "/dev/rfcomm0"\n'
                               'profile = "ZJ-5870"\nwidth = 32\ncode_page = "CP850"\n')
    assert settings.printer_for("till-1").host == "10.0.0.5"
    spare = settings.printer_for("till-2")
    assert (spare.kind, spare.device, spare.width) == ("serial", "/dev/rfcomm0", 32)
    assert spare.timeout_s == settings.printer.timeout_s  # what is not given comes from [printer]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('kind = "bluetooth"', 'printer.kind "bluetooth" is not a kind of printer: use one of usb, network, serial'),
        ('kind = "network"', 'printer.host is needed when the printer\'s kind is "network": add it, for example host = '),
        ('kind = "usb"\nvendor_id = 0x04b8', "printer.product_id is needed"),
        ('kind = "serial"', "printer.device is needed"),
        ('profile = "TM-T88X"', 'printer.profile "TM-T88X" is not a python-escpos printer profile: did you mean TM-T88'),
        ("width = 48", "printer.width 48 is wider than the TM-T88V prints (42 characters a line): set width = 42"),
        ("width = 40", "printer.width must be 32 (58 mm paper), 42 or 48 (80 mm paper)"),
        ('profile = "ZJ-5870"\nwidth = 32\ncode_page = "CP858"', 'printer.code_page "CP858" is not one the ZJ-5870 has: use CP850'),
        ("prot = 9100", "printer.prot is not a printer setting: did you mean port?"),
        ('port = "9100"', "printer.port must be a whole number"),
        ("drawer_pin = 3", "printer.drawer_pin must be 2 or 5"),
        ("timeout_seconds = 0", "printer.timeout_seconds must be a number of seconds from 0.1 to 60"),
        pytest.param('kind = "cups"\ncups_printer = "x"', 'printer.kind "cups" needs pycups',
                     marks=pytest.mark.skipif(find_spec("cups") is not None, reason="pycups is installed here")),
    ],
)
def test_a_bad_printer_table_is_refused_naming_the_key_and_the_fix(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        _load(tmp_path, f"[printer]\n{table}\n")
    assert message in str(refused.value)


def test_a_bad_till_table_names_the_till(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match='printer.tills."till-2".host is needed'):
        _load(tmp_path, '[printer.tills."till-2"]\nkind = "network"\n')


def test_unparseable_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not valid TOML"):
        _load(tmp_path, "[printer\nkind = file\n")


def test_no_printer_table_means_the_file_printer() -> None:
    assert PrinterSettings().kind == "file"
