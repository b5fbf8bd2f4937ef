"""Each transport for real: a loopback network printer in every way it fails, a serial line (a pty), USB, file."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from receipts.printers import (
    PrinterError, PrinterNotReady, PrinterSettings, PrintUnconfirmed, deliver, drawer_pulse, kick_drawer, printer_status,
)
from fake_printer import FakePrinter

DOCUMENT = b"\x1b@Night Bus Hoodie\n" * 40 + b"\x1dV\x00"


def _network(printer: FakePrinter, timeout_s: float = 0.5) -> PrinterSettings:
    return PrinterSettings(kind="network", host="127.0.0.1", port=printer.port, timeout_s=timeout_s)


def test_a_working_network_printer_confirms_the_document() -> None:
    with FakePrinter() as printer:
        delivered = deliver(_network(printer), DOCUMENT, "r.bin")
        assert printer.wait_for(1)
    assert delivered.confirmed and delivered.where == f"127.0.0.1:{printer.port}"
    assert printer.documents()[0].endswith(b"Night Bus Hoodie\n")


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        ("refuse", PrinterNotReady),  # nothing listens: "did not answer" when connecting
        ("silent", PrinterNotReady),  # accepts, never reads: no answer to the status query, nothing sent
        ("no_accept", PrinterNotReady),  # never accepts: the same
        ("reset", PrinterError),  # PrinterError: part of it was sent  # resets after 16 bytes
        ("paper_out", PrinterNotReady),  # says so before anything is sent
    ],
)
def test_a_network_printer_that_misbehaves_never_counts_as_printed(
    mode: str, error: type[Exception]
) -> None:
    with FakePrinter(mode) as printer:
        started = time.monotonic()
        with pytest.raises(error):
            deliver(_network(printer), DOCUMENT, "r.bin")
        assert time.monotonic() - started < 3  # a timeout of a few seconds, never a hang
        assert printer.receipts == 0


def test_a_refused_or_unanswered_connection_reads_as_advice() -> None:
    with FakePrinter("refuse") as printer, pytest.raises(PrinterError, match="did not answer: check it is"):
        deliver(_network(printer), DOCUMENT, "r.bin")


def test_a_printer_that_takes_the_bytes_but_never_confirms_is_unconfirmed() -> None:
    """It answers before the document, then not after it: the document may or may not be on paper."""
    with FakePrinter("no_confirm") as printer, pytest.raises(PrintUnconfirmed, match="did not say it printed"):
        deliver(_network(printer), DOCUMENT, "r.bin")


def test_status_says_whether_the_printer_could_print_now() -> None:
    with FakePrinter() as printer:
        assert printer_status(_network(printer)).startswith("Ready: the printer at 127.0.0.1")
    with FakePrinter("paper_out") as printer, pytest.raises(PrinterNotReady, match="out of paper"):
        printer_status(_network(printer))


def test_a_serial_printer_gets_the_document_through_a_real_serial_device() -> None:
    """A pty stands in for /dev/rfcomm0: python-escpos's Serial printer opens it with pyserial."""
    controller, device = os.openpty()
    received = bytearray()

    def printer_end() -> None:
        while b"\x1dr\x01" not in received:
            chunk = os.read(controller, 4096)
            received.extend(chunk)
            for query in (b"\x10\x04\x01", b"\x10\x04\x04"):
                if chunk.endswith(query):
                    os.write(controller, b"\x12")
        os.write(controller, b"\x00")

    reader = threading.Thread(target=printer_end, daemon=True)
    reader.start()
    delivered = deliver(PrinterSettings(kind="serial", device=os.ttyname(device), timeout_s=2), DOCUMENT, "r.bin")
    reader.join(timeout=5)
    os.close(controller)
    os.close(device)
    assert delivered.confirmed
    assert DOCUMENT in bytes(received)


def test_a_serial_device_that_is_not_there_is_named() -> None:
    with pytest.raises(PrinterError, match="The serial printer on /dev/no-such-printer could not be opened"):
        deliver(PrinterSettings(kind="serial", device="/dev/no-such-printer", timeout_s=0.5), DOCUMENT, "r.bin")


def test_a_usb_printer_that_is_not_plugged_in_is_named_with_what_to_check() -> None:
    with pytest.raises(PrinterError, match="USB 04b8:0202"):
        deliver(PrinterSettings(kind="usb", vendor_id=0x04B8, product_id=0x0202, timeout_s=0.5), DOCUMENT, "r.bin")


def test_a_file_printer_writes_the_document_whole(tmp_path: Path) -> None:
    delivered = deliver(PrinterSettings(kind="file", directory=tmp_path), DOCUMENT, "till-1-000001.bin")
    assert delivered.confirmed and (tmp_path / "till-1-000001.bin").read_bytes() == DOCUMENT


def test_the_drawer_pulse_follows_the_configured_pin_and_time(tmp_path: Path) -> None:
    assert drawer_pulse(PrinterSettings(drawer_pin=2, drawer_pulse_ms=100)) == b"\x1bp\x00\x32\x32"
    assert drawer_pulse(PrinterSettings(drawer_pin=5, drawer_pulse_ms=200)) == b"\x1bp\x01\x64\x64"
    where = kick_drawer(PrinterSettings(kind="file", directory=tmp_path))
    assert Path(where).read_bytes() == b"\x1bp\x00\x32\x32"


def test_no_printer_cannot_open_the_drawer() -> None:
    with pytest.raises(PrinterError, match="use the drawer key"):
        kick_drawer(PrinterSettings(kind="none"))


def test_python_escpos_reads_its_profiles_from_one_cache_written_whole(tmp_path: Path) -> None:
    """Not a new temporary folder and a YAML parse in every process: a cache that a second till can never
    read half-written."""
    import subprocess
    import sys

    script = ("from receipts.printers import PrinterSettings, render_bytes\n"
              "import os\n"
              "render_bytes(PrinterSettings(), lambda printer: printer.text('x'))\n"
              "print(os.environ['ESCPOS_CAPABILITIES_PICKLE_DIR'])\n")
    env = {key: value for key, value in os.environ.items() if key != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert {run.stdout.strip() for run in runs} == {str(tmp_path / "makers-till" / "escpos")}
    assert [path.name for path in (tmp_path / "makers-till" / "escpos").iterdir()] == [
        f"{__import__('platform').python_version()}.capabilities.pickle"]
