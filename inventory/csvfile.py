"""Reading an import CSV: UTF-8 text, a header with the required columns, rows with their line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from common.errors import ImportProblem, InvalidImport


@dataclass(frozen=True)
class CsvRow:
    line: int  # the row's line in the file (the header is line 1)
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def read_csv(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[CsvRow]:
    """The data rows of `path`, or InvalidImport naming what is wrong with the file as a whole."""
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
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [column for column in required if column not in header]
    if missing:
        expected = ", ".join(required + optional)
        raise InvalidImport(
            name, [ImportProblem(1, f"missing column(s): {', '.join(missing)} (the header should be: {expected})")]
        )
    rows: list[CsvRow] = []
    problems: list[ImportProblem] = []
    for values in reader:
        if None in values:
            problems.append(ImportProblem(reader.line_num, "this row has more fields than the header"))
            continue
        if not any((value or "").strip() for value in values.values()):
            continue  # blank lines are allowed
        rows.append(CsvRow(reader.line_num, {key: value or "" for key, value in values.items()}))
    if problems:
        raise InvalidImport(name, problems)
    if not rows:
        raise InvalidImport(name, [ImportProblem(0, "the file has a header but no rows")])
    return rows
