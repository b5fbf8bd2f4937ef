"""Receipt layout through python-escpos's own printers: Dummy for bytes, a TCP listener for the network path."""

from __future__ import annotations

import socket
from datetime import datetime
from pathlib import Path

import pytest
from escpos.printer import Dummy

from common.values import Tender
from receipts.escpos_receipt import receipt_text, render_receipt
from receipts.model import Receipt, ReceiptLine, StoreHeader, VatLine
from receipts.printers import PrinterError, PrinterSettings, print_receipt
from fake_printer import FakePrinter


def _receipt() -> Receipt:
    return Receipt(
        store=StoreHeader(name="Makers' Store", address_lines=("Unit 4, Market Hall", "London"), vat_number="GB123456789"),
        till="till-1",
        receipt_no=42,
        printed_at=datetime(2026, 11, 25, 14, 5),
        lines=(
            ReceiptLine("Night Bus Hoodie", "M", "Black", 2, 5500, 11000, ("Amara Osei",)),
            ReceiptLine("Collab Coach Jacket", "L", "Black", 1, 8500, 8500, ("Amara Osei", "Rhea Nvarro")),
            ReceiptLine("Drop Shoulder Hoodie", "S", "Sand", 1, 6000, 6000, ()),
        ),
        total_pence=25500,
        vat=(VatLine(2000, 4250),),
        payments=(Tender("cash", 25500, 30000),),
        change_pence=4500,
    )


def test_text_receipt_has_every_required_part() -> None:
    text = receipt_text(_receipt())
    for expected in (
        "Makers' Store", "Unit 4, Market Hall", "25/11/2026 14:05", "Till till-1", "Receipt till-1/000042",
        "Night Bus Hoodie", "M / Black", "2 x £55.00", "£110.00", "Designed by Amara Osei",
        "Designed by Amara Osei & Rhea Nvarro", "TOTAL", "£255.00", "Total VAT at 20%", "£42.50",
        "Cash", "£300.00", "Change", "£45.00",
    ):
        assert expected in text, expected
    assert all(len(line) <= 42 for line in text.splitlines())


def test_a_designer_without_consent_is_not_named() -> None:
    text = receipt_text(_receipt())
    hoodie_block = text.split("Drop Shoulder Hoodie")[1].split("-----")[0]
    assert "Designed by" not in hoodie_block


def test_escpos_bytes_encode_the_pound_sign_and_cut() -> None:
    printer = Dummy()
    render_receipt(printer, _receipt())
    output = printer.output
    assert b"\x1bt\x13" in output  # ESC t 19: code page CP858 selected
    assert "£255.00".encode("cp858") in output
    assert b"?255.00" not in output
    assert b"Designed by Amara Osei" in output
    assert output.rstrip(b"\n").endswith(b"\x1dV\x00") or b"\x1dV" in output[-8:]  # GS V: cut


def test_file_printer_writes_one_file_per_receipt(tmp_path: Path) -> None:
    where = print_receipt(PrinterSettings(kind="file", directory=tmp_path / "receipts"), _receipt())
    written = Path(where).read_bytes()
    assert Path(where).name == "till-1-000042.bin"
    assert "Collab Coach Jacket".encode() in written and "£45.00".encode("cp858") in written


def test_network_printer_sends_the_receipt_to_a_tcp_listener() -> None:
    with FakePrinter() as printer:
        print_receipt(PrinterSettings(kind="network", host="127.0.0.1", port=printer.port, timeout_s=2), _receipt())
        assert printer.wait_for(1)
    assert "£255.00".encode("cp858") in printer.received
    assert b"Night Bus Hoodie" in printer.received


def test_an_unplugged_network_printer_is_a_clear_error_not_a_hang() -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PrinterError, match="did not answer"):
        print_receipt(PrinterSettings(kind="network", host="127.0.0.1", port=port, timeout_s=1), _receipt())


def test_a_file_printer_that_cannot_write_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(PrinterError, match="Could not write to"):
        print_receipt(PrinterSettings(kind="file", directory=blocker / "receipts"), _receipt())


def test_no_printer_configured_says_so_plainly() -> None:
    from pos.printing import print_sale_receipt

    outcome = print_sale_receipt(PrinterSettings(kind="none"), _receipt())
    assert (outcome.printed, outcome.message) == (False, "Receipt till-1/000042 not printed: no receipt printer is set up.")


def test_a_printer_fault_becomes_a_message_never_an_exception(tmp_path: Path) -> None:
    from pos.printing import print_sale_receipt

    blocker = tmp_path / "file"
    blocker.write_text("x")
    outcome = print_sale_receipt(PrinterSettings(kind="file", directory=blocker / "r"), _receipt())
    assert not outcome.printed and outcome.message.startswith("Receipt till-1/000042 did not print: Could not write")


def _barcodes(printed: bytes) -> list[bytes]:
    """The data of every CODE128 barcode a printer was sent (GS k 73 n data)."""
    found, at = [], printed.find(b"\x1dkI")
    while at >= 0:
        length = printed[at + 3]
        found.append(printed[at + 4 : at + 4 + length])
        at = printed.find(b"\x1dkI", at + 4 + length)
    return found


def test_a_receipt_carries_its_reference_as_a_barcode_a_return_scans() -> None:
    printer = Dummy(profile="TM-T88V")
    render_receipt(printer, _receipt())
    assert _barcodes(printer.output) == [b"{B" + str(_receipt().reference).encode("ascii")]


def test_a_training_slip_has_no_barcode_to_return_against() -> None:
    from dataclasses import replace

    printer = Dummy(profile="TM-T88V")
    render_receipt(printer, replace(_receipt(), training=True))
    assert _barcodes(printer.output) == []
