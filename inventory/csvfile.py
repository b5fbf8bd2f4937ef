"""Reading an import CSV: UTF-8 text, a header with the required columns, rows with their line numbers.

What a spreadsheet does to a file is named plainly: a header written `color` or `ean` (refused with
the nearest known column), a file split by semicolons, a file with no header line, a quote left open
(named with the line it opens on, instead of swallowing the rows after it), and a field longer than
the csv module takes.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from common.errors import ImportProblem, InvalidImport

# Headers a spreadsheet or another till commonly uses for our columns; difflib finds the rest (color -> colour).
_ALIASES = {
    "ean": "barcode", "ean13": "barcode", "ean-13": "barcode", "gtin": "barcode", "upc": "barcode",
    "qty": "quantity", "count": "quantity", "designer": "designers", "vat": "vat_rate", "linkedin": "linkedin_url",
    "product": "design", "title": "design", "cost": "price", "notes": "note", "display_name": "name",
}


@dataclass(frozen=True)
class CsvRow:
    line: int  # the row's line in the file (the header is line 1)
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def nearest_column(column: str, known: tuple[str, ...]) -> str | None:
    """The known column `column` was probably meant to be (`color` -> colour, `ean` -> barcode), or None."""
    alias = _ALIASES.get(column)
    if alias in known:
        return alias
    close = difflib.get_close_matches(column, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _header_problems(header: list[str], required: tuple[str, ...], optional: tuple[str, ...]) -> list[ImportProblem]:
    known = required + optional
    expected = ",".join(known)
    if len(header) == 1 and ";" in header[0]:
        return [ImportProblem(1, "the file is split by semicolons, not commas; save it as 'CSV UTF-8 (Comma delimited)' "
                                 f"and import again (the header should be: {expected})")]
    if header and not any(column in known or nearest_column(column, known) for column in header):
        return [ImportProblem(1, f"the file has no header line; add this first line and import again: {expected}")]
    problems: list[ImportProblem] = []
    for column in header:
        if column in known or not column:
            continue
        guess = nearest_column(column, known)
        hint = f"did you mean {guess}?" if guess else f"the columns are {', '.join(known)}"
        problems.append(ImportProblem(1, f"unknown column '{column}': {hint}"))
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            problems.append(ImportProblem(1, f"column '{column}' appears twice in the header"))
        seen.add(column)
    missing = [column for column in required if column not in header]
    if missing:
        problems.append(ImportProblem(1, f"missing column(s): {', '.join(missing)} (the header should be: {expected})"))
    return problems


def _records(text: str) -> Iterator[tuple[int, int, list[str] | None, str]]:
    """(first line, last line, fields or None, problem) for each record of `text`, in order.

    The csv module is strict here, so a quote still open at the end of the file is an error, not one
    last field holding the rest of the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    while True:
        start = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                yield start, start, None, (
                    f"a field here is longer than {csv.field_size_limit():,} characters, the most a CSV field can "
                    "be; is a quote (\") left open?"
                )
            elif "unexpected end of data" in str(error):
                yield start, start, None, (
                    "a quote (\") opens on this line and is never closed, so the rest of the file would be read "
                    "as one field; close the quote or remove it"
                )
            else:  # a quote closed in the middle of a field: `3,"second"x`
                yield reader.line_num, reader.line_num, None, (
                    "a quote (\") here is followed by more text in the same field; put the whole field in quotes "
                    "and write each quote inside it twice (\"\")"
                )
            return
        end = reader.line_num
        yield start, end, fields, ""


def read_csv(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = (), multiline: tuple[str, ...] = ()
) -> list[CsvRow]:
    """The data rows of `path`, or InvalidImport naming what is wrong with the file (every line at once).

    Only the `multiline` columns may hold a line break (inside quotes); a line break in any other
    column is a quote left open, named with the line it opens on.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InvalidImport(name, [ImportProblem(0, f"cannot read the file: {error.strerror or error}")]) from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InvalidImport(
            name, [ImportProblem(line, "the file is not UTF-8 text; save it as 'CSV UTF-8' and import again")]
        ) from error
    if not text.strip():
        raise InvalidImport(name, [ImportProblem(0, "the file is empty; it needs a header line and at least one row")])
    records = _records(text)
    header: list[str] | None = None
    rows: list[CsvRow] = []
    problems: list[ImportProblem] = []
    for start, end, fields, problem in records:
        if fields is None:
            problems.append(ImportProblem(start, problem))
            break
        if header is None:
            if not any(field.strip() for field in fields):
                continue  # blank lines before the header
            header = [field.strip().lower() for field in fields]
            if header_problems := _header_problems(header, required, optional):
                raise InvalidImport(name, header_problems)
            continue
        if not any(field.strip() for field in fields):
            continue  # blank lines are allowed
        if len(fields) > len(header):
            problems.append(ImportProblem(start, "this row has more fields than the header"))
            continue
        values = dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=True))
        if end > start and any("\n" in value or "\r" in value for column, value in values.items() if column not in multiline):
            problems.append(ImportProblem(
                start, f"a quote (\") opens on this line and closes only on line {end}, so lines {start + 1} to {end} "
                       "would be read as part of one field; close the quote or remove it"))
            continue
        rows.append(CsvRow(start, values))
    if header is None:
        raise InvalidImport(name, [ImportProblem(0, "the file is empty; it needs a header line and at least one row")])
    if problems:
        raise InvalidImport(name, problems)
    if not rows:
        raise InvalidImport(name, [ImportProblem(0, "the file has a header but no rows")])
    return rows
