"""Layout at 32, 42 and 48 columns (nothing cut), control bytes stripped, and `£` and accents through the
printer's code page, checked in the bytes python-escpos makes for real printer profiles. Made-up data."""

from __future__ import annotations

from datetime import datetime

import pytest
from escpos.printer import Dummy
from escpos_bytes import read_back, rendered

from common.values import ReceiptRef, Tender
from pos.sales.pricing import Designer, PricedLine, build_receipt
from receipts.escpos_receipt import receipt_text, render_receipt
from receipts.model import StoreHeader
from receipts.refund_slip import RefundSlip, RefundSlipLine, render_refund_slip
from receipts.text import clean, columns, pack, wrap

STORE = StoreHeader(name="Makers' Store", address_lines=("Unit 4, Market Hall",), vat_number="GB123456789")
WHEN = datetime(2026, 11, 25, 14, 5)
LONG_NAME = "Oversized Reflective Night Bus Route 38 Hackney Central Heavyweight Hoodie With Embroidered Back Panel"
TRIO = (
    Designer(1, 3400, "Amara Osei-Whitfield", True, "Screen-prints bold type.", "https://www.linkedin.com/in/a-example"),
    Designer(2, 3300, "Rhea Nvarro-Castellanos", True, "Workwear in terrace colours.", "https://www.linkedin.com/in/r-example"),
    Designer(3, 3300, "Zoë Renée Ødegaard", True, "Patches, one at a time.", "https://www.linkedin.com/in/z-example"),
)
QUARTET = (*TRIO, Designer(4, 0, "Dev Thakkar-Lindqvist", True))


def _receipt(designers: tuple[Designer, ...] = TRIO):  # type: ignore[no-untyped-def]
    line = PricedLine(1, 1, "LONG-1", LONG_NAME, "XXL", "Washed Charcoal", 3, 12999, 2000, designers)
    return build_receipt(STORE, "till-1", 7, WHEN, "Sam", [line], [Tender("card", 38997, 38997)])


@pytest.mark.parametrize("width", [32, 42, 48])
@pytest.mark.parametrize("designers", [TRIO, QUARTET], ids=["three designers", "four designers"])
def test_long_names_and_every_designer_wrap_and_are_never_cut(width: int, designers: tuple[Designer, ...]) -> None:
    receipt = _receipt(designers)
    text = receipt_text(receipt, width)
    assert all(len(line) <= width for line in text.splitlines()), max(text.splitlines(), key=len)
    flat = " ".join(line.strip() for line in text.splitlines())
    assert LONG_NAME in flat
    designed_by = flat.split("Designed by ")[1]
    for designer in designers:
        assert designer.name in designed_by, designer.name  # each full name, on one line
        assert any(designer.name in line for line in text.splitlines())
    printed = rendered(render_receipt, receipt, width)
    assert all(len(line) <= width for line in printed.lines)
    paper = " ".join(line.strip() for line in printed.lines)
    assert LONG_NAME in paper and all(designer.name in paper for designer in designers)


def test_a_four_designer_collaboration_is_credited_in_full_at_42_columns() -> None:
    # Before: "  Designed by Amara Osei-Whitfield & Rhea N" and the rest cut off, on screen and paper.
    lines = receipt_text(_receipt(QUARTET), 42).splitlines()
    start = next(i for i, line in enumerate(lines) if "Designed by" in line)
    credit = " ".join(line.strip() for line in lines[start : start + 4])
    assert credit.startswith("Designed by Amara Osei-Whitfield, Rhea Nvarro-Castellanos, Zoë Renée Ødegaard &")
    assert "Dev Thakkar-Lindqvist" in credit


def test_pack_keeps_chunks_whole_and_breaks_only_what_cannot_fit() -> None:
    assert pack(["Designed by", "Amara Osei,", "Rhea Nvarro"], 24, "    ", "  ") == \
        ["  Designed by", "    Amara Osei,", "    Rhea Nvarro"]
    assert pack(["Designed by", "Amara Osei,", "Rhea Nvarro"], 25, "    ", "  ") == \
        ["  Designed by Amara Osei,", "    Rhea Nvarro"]
    assert wrap("X" * 70, 32, "  ") == ["  " + "X" * 30, "  " + "X" * 30, "  " + "X" * 10]
    assert columns("  M / Black  2 x £55.00", "£110.00", 32) == ["  M / Black  2 x £55.00  £110.00"]
    assert columns("A very long description of it", "£1.00", 16) == ["A very long", "description of", "it         £1.00"]


HOSTILE = "Drawer\x1bp\x00\x19\xfaOpen Cut\x1dV\x00Here Reset\x1b@Now\u200b\u202e"


def test_control_bytes_are_stripped() -> None:
    assert clean(HOSTILE) == "Drawerp\xfaOpen Cut VHere Reset@Now"  # ESC, GS, NUL, EM gone; no command left
    assert "\x1b" not in clean(HOSTILE) and "\x1d" not in clean(HOSTILE) and "\x00" not in clean(HOSTILE)


def test_a_design_name_carrying_printer_commands_never_reaches_the_printer_bytes() -> None:
    hostile = Designer(9, 10_000, "Evil\x1b@Name", True, "Story\x1dV\x00", "https://www.linkedin.com/in/x\x1bp0")
    line = PricedLine(1, 1, "SKU", HOSTILE, "M\x1bp", "Black\x1d\x56\x41", 1, 1000, 2000, (hostile,))
    receipt = build_receipt(StoreHeader(name="Shop\x1b@", footer_lines=("Bye\x1bp\x00",)), "till-1", 1, WHEN,
                            "Sam\x1bp", [line], [Tender("cash", 1000, 1000)])
    for profile in ("TM-T88V", "POS-5890"):
        printer = Dummy(profile=profile)
        render_receipt(printer, receipt, 42)
        output = printer.output
        assert b"\x1bp" not in output and b"\x1b@" not in output  # no drawer kick, no reset
        assert output.count(b"\x1dV") == (1 if profile == "TM-T88V" else 0)  # only our own cut
        printed = read_back(output, profile)  # fails on any command we did not send on purpose
        assert "EvilName" in printed.text or "Evil@Name" in printed.text
    slip = RefundSlip(StoreHeader(), ReceiptRef("till-1", 2), ReceiptRef("till-1", 1), WHEN, "Sam", "Jo",
                      (RefundSlipLine(HOSTILE, "M", "Black", 1, 1000),), 1000, 167, (("cash", 1000),))
    printer = Dummy(profile="TM-T88V")
    render_refund_slip(printer, slip)
    assert b"\x1bp" not in printer.output and b"\x1b@" not in printer.output
    assert printer.output.count(b"\x1dV") == 1


# Profiles checked: the Epson TM-T88V and TM-T20II (80 mm), python-escpos's default, and the POS-5890 (58 mm).
@pytest.mark.parametrize(("profile", "select"), [
    ("TM-T88V", b"\x1bt\x13"), ("TM-T20II", b"\x1bt\x13"), ("default", b"\x1bt\x13"), ("POS-5890", b"\x1bt\x35"),
])
def test_pound_and_accents_print_through_the_code_page_the_profile_numbers(profile: str, select: bytes) -> None:
    receipt = _receipt()
    printer = Dummy(profile=profile)
    render_receipt(printer, receipt, 32)
    output = printer.output
    assert output.startswith(select)  # ESC t n: CP858, as this profile numbers it
    assert b"\x9c389.97" in output  # £ is byte 0x9C in CP858
    assert b"?389.97" not in output
    assert "Zoë Renée Ødegaard".encode("cp858") in output  # ë 0x89, é 0x82, Ø 0x9D
    printed = read_back(output, profile)
    assert "£389.97" in printed.text and "Zoë Renée Ødegaard" in printed.text


def test_a_letter_the_code_page_lacks_prints_unaccented_not_as_a_question_mark() -> None:
    designer = Designer(1, 10_000, "Ioana Țăranu", True)  # ț and ă are not in CP858
    line = PricedLine(1, 1, "SKU", "Tee", "M", "Black", 1, 1000, 2000, (designer,))
    receipt = build_receipt(STORE, "till-1", 1, WHEN, "Sam", [line], [Tender("cash", 1000, 1000)])
    printed = rendered(render_receipt, receipt)
    assert "Ioana Taranu" in printed.text
    assert "Ioana Țăranu" in receipt_text(receipt)  # the screen shows it as it is


def test_a_code_page_the_profile_lacks_is_refused_with_the_ones_it_has() -> None:
    with pytest.raises(ValueError, match="cannot print code page CP858; it has CP1252, CP437, CP850"):
        render_receipt(Dummy(profile="ZJ-5870"), _receipt(), code_page="CP858")


def test_a_configured_code_page_is_used() -> None:
    printer = Dummy(profile="TM-T88V")
    render_receipt(printer, _receipt(), code_page="CP1252")
    assert printer.output.startswith(b"\x1bt\x10") and "£389.97".encode("cp1252") in printer.output
