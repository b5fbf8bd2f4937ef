"""Text for paper: made safe for the printer, and wrapped to the paper's width without losing a character.

Every slip's text passes through `clean` before it is laid out, so text from the catalogue or the
configuration (a design name, a designer's story, a staff name) can never carry a printer command:
ESC p opens the drawer, GS V cuts the paper, ESC @ resets the printer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

WIDTHS = (32, 42, 48)  # characters per line: 58 mm paper; 80 mm paper in font A (TM-T88 class, TM-T20 class)
_SPACES = "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029"  # control characters that separate words: a space


def clean(text: str) -> str:
    """`text` without control or format characters (C0, DEL, C1, zero-width and direction marks).

    Line and tab breaks become spaces so the layout, not the text, decides where lines end.
    """
    out = []
    for char in text:
        if char in _SPACES:
            out.append(" ")
        elif unicodedata.category(char) not in ("Cc", "Cf"):
            out.append(char)
    return "".join(out)


def first_line(story: str | None) -> str:
    """The first line of a designer's story, as the shop floor shows it."""
    lines = clean_lines(story or "")
    return lines[0] if lines else ""


def clean_lines(text: str) -> list[str]:
    """`text`'s non-blank lines, each cleaned and stripped."""
    return [line for line in (clean(part).strip() for part in text.splitlines()) if line]


def pack(chunks: Iterable[str], width: int, indent: str = "", first_indent: str | None = None) -> list[str]:
    """Lay `chunks` out left to right, a space between, in lines of at most `width` characters.

    A chunk is kept whole on one line when it fits on a line at all (a designer's full name, "VAT 20%");
    only a chunk longer than a whole line is broken, and never shortened. The first line starts with
    `first_indent` (default `indent`), the others with `indent`.
    """
    lines: list[str] = []
    current = indent if first_indent is None else first_indent
    fresh = True  # nothing after the indent yet
    for chunk in chunks:
        chunk = clean(chunk).rstrip()
        if not chunk.strip():
            continue
        joined = current + chunk.lstrip() if fresh else f"{current} {chunk}"
        if len(joined) <= width:
            current, fresh = joined, False
            continue
        if not fresh:
            lines.append(current)
            current = indent
        chunk = chunk.lstrip()
        while len(current) + len(chunk) > width:  # longer than a whole line: broken, never shortened
            room = max(width - len(current), 1)
            lines.append(current + chunk[:room])
            chunk, current = chunk[room:], indent
        current, fresh = current + chunk, False
    if not fresh or not lines:
        lines.append(current)
    return [line.rstrip() for line in lines]


def _words(text: str) -> list[str]:
    """`text` split at single spaces; extra spaces stay with the word after them ("Black", " 2")."""
    return re.split(r"(?<=\S) ", clean(text).strip())


def wrap(text: str, width: int, indent: str = "", first_indent: str | None = None) -> list[str]:
    """`text` word-wrapped to `width` (long words broken, nothing cut); spacing inside a line is kept."""
    return pack(_words(text), width, indent, first_indent)


def columns(left: Sequence[str] | str, right: str, width: int, indent: str = "") -> list[str]:
    """`left` (text, or chunks kept whole) wrapped, with `right` (an amount) at the right of its last line.

    Text keeps its own leading spaces as the indent. When the last line has no room for `right`,
    `right` gets a line of its own.
    """
    if isinstance(left, str):
        indent = left[: len(left) - len(left.lstrip(" "))] or indent
        left = _words(left)
    right = clean(right).strip()
    lines = pack(left, width, indent)
    if not right:
        return lines
    if len(lines[-1]) + 1 + len(right) <= width:
        lines[-1] = f"{lines[-1]:<{width - len(right) - 1}} {right}"
    else:
        lines.append(right.rjust(width))
    return lines


def names_list(names: Sequence[str]) -> list[str]:
    """Names as chunks for `pack`: "Amara Osei," "Kai Bell &" "Rhea Nvarro"; each name stays whole when it fits."""
    names = [clean(name).strip() for name in names if clean(name).strip()]
    if len(names) < 2:
        return names
    return [f"{name}," for name in names[:-2]] + [f"{names[-2]} &", names[-1]]
