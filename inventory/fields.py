"""Checks shared by the imports and the catalogue changes: what a text field may hold."""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = {"\n", "\r"}


def control_character_problem(what: str, text: str, *, multiline: bool = False) -> str | None:
    """Why `text` cannot be stored, or None: control characters (escape sequences, tabs, NUL) would reach
    the terminal and the printer raw. Line breaks are allowed only where `multiline` (a story)."""
    for character in text:
        if unicodedata.category(character) == "Cc" and not (multiline and character in _LINE_BREAKS):
            return (f"{what} contains a control character (U+{ord(character):04X}), which would reach the screen "
                    "and the printer raw; remove it")
    return None


LINKEDIN = re.compile(r"^https://(www\.)?linkedin\.com/in/[A-Za-z0-9_%-]+/?$")
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0", ""})


def linkedin_problem(url: str) -> str | None:
    if url and not LINKEDIN.match(url):
        return f"linkedin_url '{url}' should look like https://www.linkedin.com/in/their-name"
    return None


def text_problem(what: str, text: str, limit: int, *, multiline: bool = False) -> str | None:
    """Why `text` cannot be `what`, or None: too long, or holding a control character."""
    if len(text) > limit:
        return f"{what} is {len(text)} characters long; the most is {limit}"
    return control_character_problem(what, text, multiline=multiline)
