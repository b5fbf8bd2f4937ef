"""The X and Z as people keep them, from a report made by hand (no ledger): the thermal summary fits
the paper (python-escpos Dummy bytes read back), the table, the CSV and the PDF say the same figures."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from common.clock import local_time
from escpos_bytes import read_back
from pdf_codes import text_of
from pos.config import Settings
from pos.reports.shift import (
    CashierFigures, DesignerFigures, DesignSizeFigures, HourFigures, ShiftReport, VatRateFigures,
)
from pos.reports.shift_render import (
    print_shift_report, report_file_name, save_shift_pdf, shift_csv, shift_print_lines, shift_summary_bytes,
    shift_summary_lines, shift_table,
)
from pos.shifts.services import CashUp, ShiftInfo
from receipts.model import StoreHeader
from receipts.printers import PrinterSettings

LONG_NAME = "Amara Osei-Bonsu Featherstonehaugh-Wrottesley"  # longer than a 32-column line
OPENED = local_time(datetime(2026, 6, 13, 8, 55, tzinfo=UTC))
CLOSED = local_time(datetime(2026, 6, 13, 16, 0, tzinfo=UTC))


def _report(closed: bool = True) -> ShiftReport:
    cash = CashUp(float_pence=10_000, cash_sales_pence=13_000, change_pence=955, cash_refunds_pence=4675,
                  paid_in_pence=2000, paid_out_pence=1250)
    shift = ShiftInfo(12, "till-2", OPENED, "Sam", 10_000, CLOSED if closed else None, "Sam" if closed else "")
    return ShiftReport(
        shift=shift, cash=cash, generated_at=CLOSED, sales_count=5, gross_pence=26_700, discount_pence=1155,
        refunds_count=1, refunds_pence=4675, vat_pence=3396,
        by_tender={"cash": 7370, "card": 13_500},
        vat_by_rate=[VatRateFigures(2000, 20_370, 3396), VatRateFigures(0, 500, 0)],
        by_participant=[DesignerFigures("AMO", LONG_NAME, 2, 13_575, 4675, 1484),
                        DesignerFigures("LUW", "LUW", 2, 4500, 0, 750),
                        DesignerFigures("KBL", "KBL", 1, 2550, 0, 425),
                        DesignerFigures("RNV", "Rhea Nvarro", 1, 2550, 0, 425),
                        DesignerFigures("TSA", "Tobi Sanusi", 1, 1870, 0, 312),
                        DesignerFigures("DJT", "Dev Thakkar", 1, 500, 0, 0)],
        by_design=[DesignSizeFigures("Collab Coach Jacket", "L", 1, 8500),
                   DesignSizeFigures("Makers Zine", "OS", 1, 500),
                   DesignSizeFigures("Night Bus Hoodie", "M", 1, 5500),
                   DesignSizeFigures("Recycled Logo Tee", "M", 2, 4500),
                   DesignSizeFigures("Strap Cap", "OS", 1, 1870)],
        by_hour=[HourFigures(local_time(datetime(2026, 6, 13, 9, tzinfo=UTC)), 2, 14_000, 0),
                 HourFigures(local_time(datetime(2026, 6, 13, 11, tzinfo=UTC)), 1, 6545, 0),
                 HourFigures(local_time(datetime(2026, 6, 13, 13, tzinfo=UTC)), 2, 5000, 4675)],
        by_cashier=[CashierFigures("AMA", "Ama", 4, 23_545, 1, 4675), CashierFigures("BEN", "BEN", 1, 2000, 0, 0)],
        no_sales=1, cancelled_baskets=1, price_overrides=1, training_sales=2,
        expected_cash_pence=18_120, counted_cash_pence=18_000 if closed else None,
        variance_pence=-120 if closed else None, note="£1.20 short" if closed else "",
    )


def test_the_hand_made_report_adds_up() -> None:
    report = _report()
    assert report.net_pence == 20_870 == sum(report.by_tender.values()) == sum(r.net_pence for r in report.by_participant)


@pytest.mark.parametrize("width", [32, 42, 48])
def test_the_thermal_summary_fits_the_paper_and_has_every_figure(width: int) -> None:
    report = _report()
    lines = shift_print_lines(report, width, StoreHeader(name="Makers' Pop-up"))
    for line in lines:
        assert len(line.text) <= (width // 2 if line.large else width), line
    text = "\n".join(shift_summary_lines(report, width))
    assert max(len(line) for line in text.splitlines()) <= width
    for expected in ("Z REPORT", "Shift 12", "£208.70", "£267.00", "-£11.55", "-£46.75", "£181.20", "£180.00",
                     "-£1.20 (short)", "£73.70", "£135.00", "Note: £1.20 short", "Training sales", "VAT 0%"):
        assert expected in text, expected
    for word in LONG_NAME.split():  # the long name wraps, never cut
        assert word in text


@pytest.mark.parametrize(("width", "profile"), [(32, "POS-5890"), (42, "TM-T88V"), (48, "TM-T20II")])
def test_the_thermal_summary_bytes_read_back_within_the_width(width: int, profile: str, tmp_path: Path) -> None:
    settings = Settings(store=StoreHeader(name="Makers' Pop-up"),
                        printer=PrinterSettings(kind="file", directory=tmp_path, width=width, profile=profile))
    printed = read_back(shift_summary_bytes(_report(), settings, "till-2"), profile)
    assert printed.cuts == (0 if profile == "POS-5890" else 1)  # that 58 mm printer has no cutter
    assert all(len(line) <= width for line in printed.lines)
    assert "£181.20" in printed.text and "-£1.20 (short)" in printed.text


def test_printing_to_a_file_printer_and_to_an_unplugged_one(tmp_path: Path) -> None:
    report = _report()
    to_file = Settings(printer=PrinterSettings(kind="file", directory=tmp_path / "paper"))
    message = print_shift_report(to_file, "till-2", report)
    assert message.startswith("The Z report of shift 12 printed (")
    assert b"Z REPORT" in (tmp_path / "paper" / "z-till-2-shift-12.bin").read_bytes()
    # nothing listens on this port: refused at once, in plain words, never raised
    unplugged = Settings(printer=PrinterSettings(kind="network", host="127.0.0.1", port=9, timeout_s=0.5))
    said = print_shift_report(unplugged, "till-2", report)
    assert said.startswith("The Z report of shift 12 did not print: The printer at 127.0.0.1:9 did not answer")
    assert "Traceback" not in said
    none = Settings(printer=PrinterSettings(kind="none"))
    assert print_shift_report(none, "till-2", report) == \
        "The Z report of shift 12 was not printed: no receipt printer is set up for till-2."


def test_the_table_and_csv_have_the_figures_in_pence_and_pounds() -> None:
    report = _report()
    table = shift_table(report)
    for expected in ("Z report: till-2, shift 12", "Net sales", "£208.70", "-£1.20 (short)", "Note: £1.20 short",
                     LONG_NAME, "Recycled Logo Tee", "10:00", "Training sales"):
        assert expected in table, expected
    rows = list(csv.reader(io.StringIO(shift_csv(report))))
    assert rows[0] == ["section", "key", "name", "count", "units", "amount_pence", "vat_pence"]
    found = {(row[0], row[1]): row for row in rows[1:]}
    assert found[("total", "net_pence")][5] == "20870"
    assert found[("cash", "variance_pence")][5] == "-120"
    assert found[("cash", "expected_cash_pence")][5] == "18120"
    assert found[("participant", "AMO")][4:7] == ["2", "8900", "1484"]
    assert found[("count", "training_sales")][3] == "2"
    assert all("." not in row[5] for row in rows[1:])  # pence, never pounds with a point


def test_an_x_says_it_is_still_open_and_has_no_count(tmp_path: Path) -> None:
    report = _report(closed=False)
    assert report.kind == "X"
    text = "\n".join(shift_summary_lines(report, 42))
    assert "X REPORT" in text and "still open" in text and "at the Z" in text and "Variance" not in text
    assert report_file_name(report) == "x-till-2-shift-12-2026-06-13-1700.pdf"
    assert report_file_name(_report()) == "z-till-2-shift-12-2026-06-13.pdf"
    pdf = save_shift_pdf(report, tmp_path / "reports")
    assert pdf.parent == tmp_path / "reports" and "still open" in text_of(pdf)


def test_text_from_the_ledger_cannot_carry_control_characters() -> None:
    nasty = replace(_report(), by_participant=[DesignerFigures("AMO", "Ama\x1b@\x1dV name", 1, 100, 0, 17)],
                    note="short\x07 by 1p")
    assert "\x1b" not in shift_table(nasty) and "\x07" not in shift_table(nasty)
    assert "\x1b" not in shift_csv(nasty)
    for line in shift_print_lines(nasty, 32):
        assert "\x1b" not in line.text and "\x1d" not in line.text
