"""Exports people open elsewhere: CSV that a spreadsheet reads as data, and table cells a terminal shows as text.

Every CSV the `pos` command writes goes through `safe_csv_writer`, and every cell of a terminal
table through `plain_cell` (`pos.reports.render.text_table` does it for each cell), because names,
design names and notes come from files and people we do not control.

**CSV (formula injection).** A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
formula (and one starting with a tab or a carriage return can be read as one), so a participant
named `=HYPERLINK("http://x","y")` would be a live link in the manager's spreadsheet. Following
OWASP's advice, such a text cell is written with a single quote in front (`'=HYPERLINK(...)`), which
spreadsheets show as text. Numbers stay numbers: an `int` is written as it is (`-3`, `-1500`), and
so is text that is a plain whole number (an optional `-` then the digits 0-9, such as `-3`), since
a spreadsheet reads it as that number and nothing else. Anything else starting with one of those
characters (`-3 units`, `+44 7700`, `@home`) is neutralised. There are no floats to write: money
is integer pence. A carriage return inside text is written as a line feed: Python's csv module
(lines ending in `\n`) would leave a field holding a bare CR unquoted, and a spreadsheet would start
a new row there, whose first cell could be a live formula (`Ama\r=HYPERLINK(...)`). Escape
sequences and control characters other than tabs and line feeds are taken out of CSV cells too, since
`pos ... --format csv` often prints straight to a terminal.

**Terminal tables (control characters).** `plain_cell` removes escape sequences (`ESC [31m`,
`ESC ]...BEL`) whole, then every control and format character left (C0, DEL, C1, zero-width and
direction marks), as the receipts do for paper (`receipts.text.clean`); tabs and line breaks become
spaces so a cell stays on its line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from receipts.text import clean

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: re's \d would take other scripts' digits
# CSI (ESC [ ... final byte, or the 8-bit CSI), OSC/DCS/PM/APC strings ended by BEL or ST, and two-byte ESC x
# (an unended OSC loses only its ESC ]; `clean` then takes any control character left).
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]P^_]|[\x90\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # control characters (Cc) but tab and line feed


def safe_cell(value: object) -> object:
    """One CSV cell as a spreadsheet should read it: data, never a formula (see the module's notes).

    `None` is an empty cell; an `int` (and a bool) is written as it is; text that starts with `=`,
    `+`, `-`, `@`, a tab or a carriage return, and is not a plain whole number, gets a `'` in front.
    Carriage returns in text become line feeds, so the csv module quotes the cell (see below), and
    escape sequences and other control characters (but tabs and line feeds) are taken out.
    """
    if value is None:
        return ""
    if isinstance(value, int):  # bool is an int too: written True/False, no formula either way
        return value
    text = given = str(value)
    # A carriage return is a line break to a spreadsheet, but the csv module (with "\n" line ends) leaves a
    # field holding only a CR unquoted: "x\r=1+1" would start a new row with a live formula. As "\n" the
    # field is quoted, and the break stays inside its cell.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isprintable():  # a CSV printed to a terminal must not drive it either: no escape sequences
        text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    # Checked on the text as given (a leading CR) and as written (what an escape sequence stood in front of).
    if (given.startswith(FORMULA_STARTS) or text.startswith(FORMULA_STARTS)) and not _PLAIN_INTEGER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """`csv.writer` whose rows are made safe to open in a spreadsheet, cell by cell (`safe_cell`)."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_csv_writer(out: IO[str]) -> SafeCsvWriter:
    """A CSV writer on `out` (lines end in `\\n`) that neutralises formula-like cells; use it for every CSV export."""
    return SafeCsvWriter(out)


def csv_text(header: Sequence[object], rows: Iterable[Iterable[object]]) -> str:
    """A whole CSV document, header first, every cell made safe (`safe_cell`)."""
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def plain_cell(value: object) -> str:
    """`value` as text a terminal shows as it is: no escape sequences, control or format characters.

    Tabs and line breaks become spaces, so a table cell stays on its line and its column.
    """
    text = "" if value is None else str(value)
    return clean(_ESCAPE_SEQUENCE.sub("", text))
