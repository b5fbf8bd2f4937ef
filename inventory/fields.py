"""Checks shared by the imports and the catalogue changes: what a text field may hold."""

from __future__ import annotations

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
