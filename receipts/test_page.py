"""The printer's test page (`pos printer test`): does this printer print our receipts as they should look?

It prints the store header, a ruler for every paper width we lay out for (32, 42 and 48 characters:
the first ruler that wraps shows a width too wide for this paper), `£` and accented letters through
the code page, a Code128 barcode and a QR code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from receipts.layout import DEFAULT_WIDTH, PrintLine, lines_text, para, render_lines, rule, store_header
from receipts.model import StoreHeader
from receipts.text import WIDTHS

if TYPE_CHECKING:
    from escpos.escpos import Escpos

TEST_TITLE = "TEST PAGE"
TEST_BARCODE = "TEST-0123456789"
TEST_QR = "https://www.linkedin.com/"
TEST_CHARACTERS = "£12.34  € é è ê ñ ü ø å ç"


def ruler(width: int) -> str:
    """`width` characters: a mark every 5 and the tens' digit every 10 ("....+....1....+....2..")."""
    return "".join(str(column // 10 % 10) if column % 10 == 0 else "+" if column % 5 == 0 else "."
                   for column in range(1, width + 1))


def test_page_lines(store: StoreHeader, width: int = DEFAULT_WIDTH) -> list[PrintLine]:
    lines = store_header(store, width)
    lines += para(TEST_TITLE, width, align="center", bold=True, large=True)
    lines.append(rule(width))
    for columns in WIDTHS:  # printed whole: on narrower paper the printer wraps it, which is the point
        lines.append(PrintLine(f"{columns} columns{'  <- this paper' if columns == width else ''}"))
        lines.append(PrintLine(ruler(columns)))
    lines.append(rule(width))
    lines += para(TEST_CHARACTERS, width)
    lines += para("Code128:", width)
    lines.append(PrintLine(TEST_BARCODE, align="center", barcode=True))
    lines += para("QR:", width)
    lines.append(PrintLine(TEST_QR, align="center", qr=True))
    lines.append(rule(width))
    return lines


def test_page_text(store: StoreHeader, width: int = DEFAULT_WIDTH) -> str:
    """The test page as plain text."""
    return lines_text(test_page_lines(store, width), width)


def render_test_page(printer: Escpos, store: StoreHeader, width: int = DEFAULT_WIDTH, *,
                     code_page: str | None = None) -> None:
    """Print the test page and cut."""
    render_lines(printer, test_page_lines(store, width), code_page=code_page)


# Named as the issue names them; not tests, though pytest would collect anything imported as test_*.
test_page_lines.__test__ = False  # type: ignore[attr-defined]
test_page_text.__test__ = False  # type: ignore[attr-defined]
