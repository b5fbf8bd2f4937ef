"""Every slip through python-escpos's Dummy printer, read back out of its bytes: the header, the lines, VAT
per rate, the Code128 command carrying the reference, the QR command carrying a consented designer's
profile address, and nothing at all of a designer who did not consent. All data here is made up."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from escpos.printer import Dummy
from escpos_bytes import Printed, read_back, rendered

from common.values import ReceiptRef, Tender
from pos.sales.pricing import Designer, PricedLine, build_receipt
from receipts import test_page
from receipts.escpos_receipt import receipt_text, render_receipt
from receipts.layout import screen_address
from receipts.model import StoreHeader
from receipts.refund_slip import RefundSlip, RefundSlipLine, refund_slip_text, render_refund_slip
from receipts.slips import NoSaleSlip, exchange_slip_text, no_sale_text, render_exchange_slip, render_no_sale_slip

STORE = StoreHeader(
    name="Makers' Store", address_lines=("Unit 4, Market Hall", "London E1 6AA"), vat_number="GB 123 4567 89",
    returns_policy=("Returns within 28 days with this receipt.",),
)
AMARA = Designer(1, 10_000, "Amara Osei", True, "Screen-prints bold type.\nSecond line never shows.",
                 "https://www.linkedin.com/in/amara-osei-example")
KAI = Designer(2, 5_000, "Kai Blake", False, "A story nobody may print.", "https://www.linkedin.com/in/kai-blake-example")
RHEA = Designer(3, 5_000, "Rhea Nvarro", True, "Workwear in terrace colours.", "https://www.linkedin.com/in/rhea-example")
WHEN = datetime(2026, 11, 25, 14, 5)


def _line(description: str, price: int, vat_bp: int, designers: tuple[Designer, ...], quantity: int = 1,
          size: str = "M", colour: str = "Black") -> PricedLine:
    return PricedLine(1, 1, "SKU-1", description, size, colour, quantity, price, vat_bp, designers)


LINES = [
    _line("Night Bus Hoodie", 5500, 2000, (AMARA,), quantity=2),
    _line("Collab Coach Jacket", 8500, 2000, (KAI, RHEA), size="L"),
    _line("Kids' Terrace Tee", 1200, 0, (KAI,), size="S", colour="Sky"),  # zero-rated children's clothing
]
SALE = build_receipt(STORE, "till-1", 42, WHEN, "Sam", LINES, [Tender("cash", 20700, 25000)])


def test_the_sale_receipt_reads_back_with_header_lines_vat_per_rate_and_tenders() -> None:
    printed = rendered(render_receipt, SALE)
    for expected in (
        "Makers' Store", "Unit 4, Market Hall", "London E1 6AA", "VAT no. GB 123 4567 89",
        "Time of supply", "25/11/2026 14:05", "Till till-1", "Receipt till-1/000042", "Served by Sam",
        "Night Bus Hoodie", "M / Black  2 x £55.00  VAT 20%", "£110.00",
        "Collab Coach Jacket", "L / Black  1 x £85.00  VAT 20%", "Kids' Terrace Tee", "S / Sky  1 x £12.00  VAT 0%",
        "TOTAL", "£207.00", "VAT at 20%", "£32.50", "VAT at 0%", "£0.00", "Total VAT", "Total incl. VAT",
        "Cash", "£250.00", "Change", "£43.00", "Returns within 28 days with this receipt.",
    ):
        assert expected in printed.text, expected
    assert printed.barcodes == [b"{Btill-1/000042"]
    assert printed.cuts == 1


def test_meet_the_designer_prints_each_consenting_designer_with_a_native_qr_of_their_profile() -> None:
    printed = rendered(render_receipt, SALE, profile="TM-T88V")
    meet = printed.text.split("Meet the designers")[1]
    assert "Amara Osei" in meet and "Screen-prints bold type." in meet and "Second line" not in meet
    assert "Rhea Nvarro" in meet and "Workwear in terrace colours." in meet
    assert printed.qrs == [AMARA.linkedin_url, RHEA.linkedin_url]
    assert printed.images == 0


def test_a_designer_who_did_not_consent_gets_no_name_no_story_and_no_qr() -> None:
    printed = rendered(render_receipt, SALE)
    assert "Kai" not in printed.text and "nobody may print" not in printed.text
    assert "kai-blake" not in printed.text and all("kai" not in qr for qr in printed.qrs)
    alone = build_receipt(STORE, "till-1", 43, WHEN, "Sam", [LINES[2]], [Tender("card", 1200, 1200)])
    printed = rendered(render_receipt, alone)
    assert printed.qrs == [] and printed.images == 0
    assert "Meet the designer" not in printed.text and "Kai" not in printed.text


def test_a_profile_without_native_qr_prints_the_qr_as_an_image() -> None:
    printed = rendered(render_receipt, SALE, 32, profile="POS-5890")  # a 58 mm printer: no QR or barcode command
    assert printed.qrs == [] and printed.barcodes == []
    assert printed.images == 3  # the reference's barcode, Amara's QR code and Rhea's, each drawn as a picture
    assert "Amara Osei" in printed.text


def test_a_reprint_and_a_gift_receipt_read_back() -> None:
    copy = rendered(render_receipt, replace(SALE, copy=True))
    assert copy.lines[0].strip() == "*** COPY ***" and "*** COPY of receipt till-1/000042 ***" in copy.text
    assert copy.barcodes == [b"{Btill-1/000042"]
    gift = rendered(render_receipt, replace(SALE, gift=True))
    assert "GIFT RECEIPT" in gift.text and "Night Bus Hoodie" in gift.text and "Qty 2" in gift.text
    assert "£" not in gift.text and "VAT" not in gift.text and "Change" not in gift.text
    assert gift.barcodes == [b"{Btill-1/000042"]
    assert gift.qrs == [AMARA.linkedin_url, RHEA.linkedin_url]


REFUND = RefundSlip(
    store=STORE, reference=ReceiptRef("till-1", 44), original=ReceiptRef("till-1", 42), printed_at=WHEN,
    staff="Sam", approved_by="Jo",
    lines=(RefundSlipLine("Night Bus Hoodie", "M", "Black", 1, 5500, damaged=True),),
    total_pence=5500, vat_pence=917, to=(("cash", 5500),),
)


def test_the_refund_slip_reads_back() -> None:
    printed = rendered(render_refund_slip, REFUND)
    for expected in ("Makers' Store", "REFUND", "Refund till-1/000044", "Of receipt till-1/000042",
                     "Approved by Jo", "Night Bus Hoodie", "1 returned  damaged", "£55.00", "VAT included",
                     "£9.17", "To cash"):
        assert expected in printed.text, expected
    assert printed.barcodes == [b"{Btill-1/000044"]
    assert _words(printed.text) + ["till-1/000044"] == _words(refund_slip_text(REFUND))  # the barcode's text


def test_the_exchange_slip_reads_back_with_both_halves_and_the_difference() -> None:
    new = build_receipt(STORE, "till-1", 45, WHEN, "Sam", [_line("Collab Coach Jacket", 8500, 2000, (KAI, RHEA))],
                        [Tender("exchange", 5500, 5500), Tender("card", 3000, 3000)])
    refund = replace(REFUND, to=(("exchange", 5500),), exchange_sale=new.reference)
    printed = rendered(render_exchange_slip, refund, new)
    for expected in ("EXCHANGE", "Exchange against receipt till-1/000042", "Refund till-1/000044",
                     "New sale till-1/000045", "Returned", "Night Bus Hoodie", "Returned goods", "Taken",
                     "Collab Coach Jacket", "New items", "£85.00", "TO PAY", "£30.00", "Card", "Total VAT"):
        assert expected in printed.text, expected
    assert printed.barcodes == [b"{Btill-1/000045"]
    assert printed.qrs == [RHEA.linkedin_url]  # Kai did not consent
    assert "Kai" not in printed.text
    assert _only_on_screen(printed, exchange_slip_text(refund, new)) == "till-1/000045" + screen_address(RHEA.linkedin_url)


def test_the_no_sale_slip_reads_back() -> None:
    slip = NoSaleSlip(STORE, "till-2", WHEN, "Sam", "Jo")
    printed = rendered(render_no_sale_slip, slip)
    for expected in ("Makers' Store", "NO SALE", "25/11/2026 14:05", "Till till-2", "Served by Sam",
                     "Drawer opened by Jo"):
        assert expected in printed.text, expected
    assert printed.barcodes == [] and printed.qrs == [] and printed.cuts == 1
    assert "£" not in no_sale_text(slip)


@pytest.mark.parametrize("width", [32, 42, 48])
def test_the_test_page_has_the_header_every_ruler_the_pound_a_code128_and_a_qr(width: int) -> None:
    printed = rendered(test_page.render_test_page, STORE, width)
    assert "Makers' Store" in printed.text and "TEST PAGE" in printed.text
    for columns in (32, 42, 48):
        assert test_page.ruler(columns) in printed.lines
    assert "£12.34" in printed.text and "é" in printed.text
    assert printed.barcodes == [b"{B" + test_page.TEST_BARCODE.encode()]
    assert printed.qrs == [test_page.TEST_QR]
    assert f"{width} columns  <- this paper" in test_page.test_page_text(STORE, width)


def _words(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _only_on_screen(printed: Printed, shown: str) -> str:
    """What the text form has that the paper's text has not: the barcode's reference and the QR codes' addresses."""
    paper = _words(printed.text)
    return "".join(line for line in _words(shown) if line not in paper)


def test_the_screen_shows_the_same_words_as_the_paper_with_each_qr_as_its_address() -> None:
    shown = receipt_text(SALE)
    assert "Meet the designers" in shown
    assert _only_on_screen(rendered(render_receipt, SALE), shown) == \
        "till-1/000042" + screen_address(AMARA.linkedin_url) + screen_address(RHEA.linkedin_url)


def test_read_back_refuses_a_command_it_does_not_know() -> None:
    printer = Dummy()
    printer._raw(b"\x1bp\x00\x19\xfa")  # ESC p: the drawer kick
    with pytest.raises(AssertionError, match="ESC"):
        read_back(printer.output)
