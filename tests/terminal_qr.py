"""Reading a QR code drawn in half blocks, as a camera would: the text to a picture, the picture to `zbarimg`.

Each character is one module wide and two tall (▀ dark above, ▄ dark below, █ both, space neither),
drawn as PIXELS x PIXELS squares into a plain PBM image written by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pdf_codes import decode

PIXELS = 6  # per module; zbarimg reads a module of a few pixels reliably
_DARK = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}


def half_block_image(lines: Sequence[str], path: Path) -> Path:
    """The half-block text as a black-on-white PBM picture (any other character is an error)."""
    rows: list[list[bool]] = []
    for line in lines:
        upper, lower = zip(*(_DARK[char] for char in line))
        rows += [list(upper), list(lower)]
    width = max(len(row) for row in rows) * PIXELS
    pixels = []
    for row in rows:
        scaled = "".join(("1" if dark else "0") * PIXELS for dark in row).ljust(width, "0")
        pixels += [scaled] * PIXELS
    path.write_text(f"P1\n{width} {len(pixels)}\n" + "\n".join(pixels) + "\n", encoding="ascii")
    return path


def decode_half_blocks(lines: Sequence[str], path: Path) -> list[str]:
    """The data of every QR code zbarimg finds in the drawn text."""
    return [data for symbology, data in decode([half_block_image(lines, path)])[0] if symbology == "QR-Code"]
