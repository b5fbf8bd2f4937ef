"""CSV cells a spreadsheet reads as data (never a formula) and table cells a terminal shows as text."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos.reports.export import FORMULA_STARTS, csv_text, plain_cell, safe_cell, safe_csv_writer
from pos.reports.render import text_table

HYPERLINK = '=HYPERLINK("http://x","y")'


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("text", [HYPERLINK, "+44 7700 900123", "-3 units", "@SUM(A1:A9)", "\tx", "-", "=1+1",
                                  "-1+2", "-1.5", "--1", "+3"])
def test_text_that_a_spreadsheet_would_run_is_written_after_a_single_quote(text: str) -> None:
    assert _read(csv_text(["cell"], [[text]]))[1] == ["'" + text]
    assert _read(csv_text(["cell"], [["\rx"]]))[1] == ["'\nx"]  # a leading CR too (as a line feed, see below)


@pytest.mark.parametrize("value, written", [(-3, "-3"), (-1500, "-1500"), (0, "0"), (42, "42"), ("-3", "-3"),
                                            ("17", "17"), ("", ""), (None, ""), ("Amara Osei-Bonsu", "Amara Osei-Bonsu"),
                                            ("a=b", "a=b"), (" =1", " =1"), ("2026-03-29", "2026-03-29")])
def test_numbers_and_ordinary_text_are_written_as_they_are(value: object, written: str) -> None:
    assert _read(csv_text(["cell"], [[value]]))[1] == [written]


def test_the_writer_keeps_ints_as_ints_for_the_csv_module() -> None:
    assert safe_cell(-3) == -3 and isinstance(safe_cell(-3), int)
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(["participant", HYPERLINK, -2500, "-2500"])
    writer.writerows([["tender", "cash", -2500, ""]])
    assert _read(out.getvalue()) == [["participant", "'" + HYPERLINK, "-2500", "-2500"], ["tender", "cash", "-2500", ""]]
    assert out.getvalue().endswith("\n") and "\r" not in out.getvalue()


@given(st.lists(st.text(), min_size=1, max_size=3))
def test_every_cell_read_back_is_one_cell_that_starts_no_formula_and_drives_no_terminal(texts: list[str]) -> None:
    rows = _read(csv_text(["h"] * len(texts), [texts]))
    assert len(rows) == 2 and len(rows[1]) == len(texts)  # no line break in a cell starts a row
    for cell in rows[1]:
        if cell.startswith(FORMULA_STARTS):
            assert cell.startswith("-") and cell[1:].isascii() and cell[1:].isdigit()
        assert all(char in "\t\n" or unicodedata.category(char) != "Cc" for char in cell)


# Text without control characters but tabs and line breaks: written exactly, a CR as a line feed, maybe after a '.
@given(st.lists(st.text(st.characters(blacklist_categories=("Cc",)) | st.sampled_from("\t\r\n=+-@"), max_size=12),
                min_size=1, max_size=3))
def test_text_without_control_characters_is_kept_exactly(texts: list[str]) -> None:
    for text, cell in zip(texts, _read(csv_text(["h"] * len(texts), [texts]))[1], strict=True):
        same = text.replace("\r\n", "\n").replace("\r", "\n")
        assert cell == ("'" + same if text.startswith(FORMULA_STARTS) and not _whole_number(text) else same)


def _whole_number(text: str) -> bool:
    digits = text.removeprefix("-")
    return bool(digits) and digits.isascii() and digits.isdigit()


@pytest.mark.parametrize("raw, written", [
    ("\x1b[31mEsc\x1b[0m Tester", "Esc Tester"),
    ("\x1b[0m=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),  # what the sequence hid is neutralised
    ("\x00-3", "-3"), ("a\x07b\tc", "ab\tc"),
])
def test_escape_sequences_and_control_characters_are_taken_out_of_csv_cells(raw: str, written: str) -> None:
    assert _read(csv_text(["h"], [[raw]]))[1] == [written]


def test_a_carriage_return_cannot_start_a_new_row_with_a_formula() -> None:
    text = csv_text(["name", "units"], [["Ama\r=HYPERLINK(\"http://x\",\"y\")", 2], ["\r=1+1", -1]])
    assert _read(text) == [["name", "units"], ['Ama\n=HYPERLINK("http://x","y")', "2"], ["'\n=1+1", "-1"]]
    assert text.count("\n") == 5 and text.startswith('name,units\n"Ama\n=HYPERLINK(""http://x"",""y"")",2\n')


@pytest.mark.parametrize("raw, shown", [
    ("\x1b[31mRed\x1b[0m Rose", "Red Rose"),          # colour (CSI) sequences go whole
    ("Kai\x1b]0;owned\x07 Blake", "Kai Blake"),        # a window-title (OSC) sequence
    ("Reset\x1bc me", "Reset me"),                     # ESC c resets the terminal
    ("\x9b2JClear", "Clear"),                          # the 8-bit CSI
    ("two\nlines\tand tab", "two lines and tab"),      # layout characters become spaces
    ("bell\x07 nul\x00 del\x7f", "bell nul del"),
    ("rtl\u202eevil\u200b", "rtlevil"),                # direction and zero-width marks
    ("Ama Ñuñez £5 é", "Ama Ñuñez £5 é"),             # letters and symbols stay
    ("Open \x1b]unended", "Open unended"),            # an OSC never ended loses only its ESC ]
])
def test_plain_cell_shows_text_only(raw: str, shown: str) -> None:
    assert plain_cell(raw) == shown


@given(st.text())
def test_plain_cell_never_leaves_a_control_or_format_character(text: str) -> None:
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in plain_cell(text))


def test_text_table_strips_every_cell_and_header_and_keeps_columns_aligned() -> None:
    table = text_table(["Na\x1b[2Jme", "Units"], [["\x1b[31mEsc\x1b[0m Tester", "-3"], ["Ama\nOsei", "12"]], {1})
    assert not any(unicodedata.category(char) == "Cc" for char in table.replace("\n", ""))
    lines = table.splitlines()
    assert lines[0].split() == ["Name", "Units"]
    assert lines[2] == "Esc Tester     -3"
    assert lines[3] == "Ama Osei       12"
