"""receipts.report_pdf: report documents from plain data, read back from outside with pdftotext and pdftoppm."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from pdf_codes import page_images, text_of, words
from receipts.report_pdf import (
    BarChart, Figures, Heading, PageBreak, Paragraph, ReportDocument, Table, axis_pounds, report_pdf,
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match, info
    return int(match[1])


DOCUMENT = ReportDocument(
    title="Z report: till-1, shift 7",
    subtitle="Saturday 3 May 2025, 10:00 to 18:05",
    blocks=(
        Figures((("Sales", "42"), ("Gross sales", "£1,234.50"), ("Net sales", "£1,100.00")), title="Figures",
                bold_rows=(2,)),
        Heading("By designer"),
        Paragraph("Amounts after discounts & refunds <exact to the penny>."),
        Table("Designers", ("Designer", "Units", "Net"), (("Amara Osei", "12", "£660.00"), ("KBL", "3", "-£12.00")),
              right_aligned=(1, 2), total_row=("Total", "15", "£648.00")),
        BarChart("Sales by hour", ("10:00", "11:00", "12:00"), (1200, 0, 99999)),
        BarChart("Sales by designer", ("Amara Osei", "KBL"), (66000, -1200), horizontal=True),
        PageBreak(),
        Table("Nothing here", ("A", "B"), ()),
        BarChart("No sales", ("10:00",), (0,)),
    ),
    footer="Makers' Till · till-1 shift 7",
)


def test_a_report_has_its_figures_tables_charts_and_numbered_pages(tmp_path: Path) -> None:
    pdf = write(tmp_path, "report.pdf", report_pdf(DOCUMENT))
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert page_count(pdf) == 2
    text = text_of(pdf)
    for expected in ("Z report: till-1, shift 7", "Gross sales", "£1,234.50", "£1,100.00", "Amara Osei",
                     "-£12.00", "£648.00", "Page 1 of 2", "Page 2 of 2", "Makers' Till · till-1 shift 7",
                     "Amounts after discounts & refunds <exact to the penny>.", "Nothing to show.",
                     "Nothing to chart.", "£999.99", "£1,000"):
        assert expected in text, expected
    pages = text.split("\f")
    assert "Nothing to show." in pages[1] and "Gross sales" in pages[0]


def test_amounts_in_a_figures_block_line_up_on_the_right(tmp_path: Path) -> None:
    pdf = write(tmp_path, "report.pdf", report_pdf(DOCUMENT))
    found = {text: box for _, text, box in words(pdf)}
    assert abs(found["42"].right - found["£1,234.50"].right) < 1
    assert abs(found["£1,234.50"].right - found["£1,100.00"].right) < 1


def test_the_same_document_gives_the_same_bytes() -> None:
    assert report_pdf(DOCUMENT) == report_pdf(DOCUMENT)


def test_text_is_cleaned_of_control_characters(tmp_path: Path) -> None:
    document = ReportDocument("Till\x1b@ report", blocks=(Paragraph("Design\x1dV name\u200b ő"),
                                                          Table("T", ("a\x07",), (("b\x00c",),))))
    text = text_of(write(tmp_path, "clean.pdf", report_pdf(document)))
    assert "\x1b" not in text and "\x1d" not in text and "\x07" not in text and "\x00" not in text
    assert "Till @ report" in text or "Till@ report" in text
    assert "Design V name o" in text


def test_a_long_table_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    rows = tuple((f"Design {number}", str(number), f"£{number}.00") for number in range(150))
    pdf = write(tmp_path, "long.pdf", report_pdf(ReportDocument("Long", blocks=(
        Table("By design", ("Design", "Units", "Net"), rows, right_aligned=(1, 2)),))))
    pages = text_of(pdf).strip("\f").split("\f")
    assert len(pages) >= 3
    assert all("Design" in page and "Units" in page for page in pages)
    assert "Design 149" in pages[-1]


def test_charts_draw_bars_on_the_page(tmp_path: Path) -> None:
    document = ReportDocument("Chart", blocks=(BarChart("By hour", ("10:00", "11:00"), (5000, 10000)),))
    [image] = page_images(write(tmp_path, "chart.pdf", report_pdf(document)), tmp_path / "png", dpi=50)
    with Image.open(image) as page:
        colours = page.convert("RGB").getcolors(maxcolors=1 << 16) or []
    bar_pixels = sum(count for count, (red, green, blue) in colours if blue > red + 40 and blue > 80)
    assert bar_pixels > 200  # the bars are drawn, in the bar colour


def test_bad_blocks_are_refused_with_a_plain_error() -> None:
    with pytest.raises(ValueError, match="2 labels and 1 values"):
        report_pdf(ReportDocument("Bad", blocks=(BarChart("x", ("a", "b"), (1,)),)))
    with pytest.raises(ValueError, match="has 2 columns; a row has 1"):
        report_pdf(ReportDocument("Bad", blocks=(Table("t", ("a", "b"), (("only",),)),)))
    with pytest.raises(TypeError):
        report_pdf(ReportDocument("Bad", blocks=("text",)))  # type: ignore[arg-type]


@pytest.mark.parametrize(("pence", "text"), [(0, "£0"), (120000, "£1,200"), (250, "£2.50"), (-5000, "-£50")])
def test_axis_labels_are_pounds_as_text(pence: int, text: str) -> None:
    assert axis_pounds(pence) == text


def test_a_chart_with_more_bars_than_a_page_holds_is_drawn_in_parts(tmp_path: Path) -> None:
    designers = BarChart("By designer", [f"Designer {n:03d}" for n in range(120)], [n * 100 + 1 for n in range(120)],
                         horizontal=True)
    days = BarChart("By day", [f"Day {n}" for n in range(90)], [n * 50 for n in range(90)])
    pdf = write(tmp_path, "many.pdf", report_pdf(ReportDocument("Many", blocks=(designers, days))))
    text = text_of(pdf)
    assert text.count("By designer (continued)") == 2 and text.count("By day (continued)") == 2
    assert "Designer 000" in text and "Designer 119" in text
    assert page_count(pdf) >= 4
