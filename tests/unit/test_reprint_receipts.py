"""A reprint says COPY; a gift receipt shows what was bought and its return proof, never a price.

Rendered through python-escpos's own Dummy printer, as on paper."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from escpos.printer import Dummy

from common.values import Tender
from pos.printing import print_sale_receipt
from receipts.escpos_receipt import receipt_text, render_receipt
from receipts.model import Receipt, ReceiptLine, StoreHeader, VatLine
from receipts.printers import PrinterSettings

SALE = Receipt(
    store=StoreHeader(name="Makers' Store", address_lines=("Unit 4, Market Hall",), vat_number="GB123456789"),
    till="till-1",
    receipt_no=12,
    printed_at=datetime(2026, 11, 25, 14, 5),
    lines=(
        ReceiptLine("Night Bus Hoodie", "M", "Black", 2, 5500, 11000, ("Amara Osei",)),
        ReceiptLine("Drop Shoulder Hoodie", "S", "Sand", 1, 6000, 6000, ()),
    ),
    total_pence=17000,
    vat=(VatLine(2000, 2833),),
    payments=(Tender("card", 7000, 7000), Tender("cash", 10000, 10000)),
    staff="Sam",
)


def _bytes(receipt: Receipt) -> bytes:
    printer = Dummy()
    render_receipt(printer, receipt)
    return printer.output


def test_an_original_receipt_is_not_marked_copy() -> None:
    assert b"COPY" not in _bytes(SALE)


def test_a_reprint_says_copy_at_the_top_and_bottom_with_everything_else_as_printed() -> None:
    printed = _bytes(replace(SALE, copy=True))
    assert printed.count(b"COPY") == 2
    assert printed.index(b"*** COPY ***") < printed.index(b"Makers' Store")
    assert printed.rindex(b"*** COPY of receipt till-1/000012 ***") > printed.index(b"Thank you")
    text = receipt_text(replace(SALE, copy=True))
    assert text.replace("*** COPY ***", "").replace("*** COPY of receipt till-1/000012 ***", "") .strip("\n ") \
        .endswith(receipt_text(SALE).strip("\n "))
    assert "£170.00".encode("cp858") in printed


def test_a_gift_receipt_has_no_prices_totals_tenders_or_change() -> None:
    printed = _bytes(replace(SALE, gift=True))
    assert "£".encode("cp858") not in printed
    text = receipt_text(replace(SALE, gift=True))
    for absent in ("£", "TOTAL", "VAT", "Cash", "Card", "Change", "55.00", "170.00"):
        assert absent not in text, absent
    for present in ("GIFT RECEIPT", "Night Bus Hoodie", "M / Black", "Qty 2", "Designed by Amara Osei",
                    "Drop Shoulder Hoodie", "S / Sand", "Receipt till-1/000012", "Thank you"):
        assert present in text, present
    assert all(len(line) <= 42 for line in text.splitlines())


def test_a_gift_receipt_prints_its_reference_as_a_code128_barcode() -> None:
    printed = _bytes(replace(SALE, gift=True))
    # GS k m=73 (CODE128), then the length and the data with code set B selected.
    assert b"\x1dkI\x0f{Btill-1/000012" in printed


def test_a_printer_without_barcode_commands_gets_the_barcode_as_an_image() -> None:
    printer = Dummy(profile="POS-5890")
    render_receipt(printer, replace(SALE, gift=True), 32)
    assert b"Receipt till-1/000012" in printer.output
    assert b"\x1dv0" in printer.output  # GS v 0: a raster image (python-barcode's CODE128)


def test_a_gift_receipt_of_a_consent_less_line_names_nobody() -> None:
    text = receipt_text(replace(SALE, gift=True))
    block = text.split("Drop Shoulder Hoodie")[1].split("-----")[0]
    assert "Designed by" not in block


def test_reprints_are_files_of_their_own_and_say_what_they_are(tmp_path: Path) -> None:
    settings = PrinterSettings(kind="file", directory=tmp_path)
    outcomes = [print_sale_receipt(settings, receipt)
                for receipt in (SALE, replace(SALE, copy=True), replace(SALE, gift=True))]
    assert [outcome.message.split(" printed")[0] for outcome in outcomes] == [
        "Receipt till-1/000012", "Copy of receipt till-1/000012", "Gift receipt for till-1/000012",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "till-1-000012-copy.bin", "till-1-000012-gift.bin", "till-1-000012.bin",
    ]
    assert b"COPY" in (tmp_path / "till-1-000012-copy.bin").read_bytes()
