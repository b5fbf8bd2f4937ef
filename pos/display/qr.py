"""A QR code drawn in a terminal: two module rows per text row, in half-block characters.

Plain text from a URL (no database, no screen): each character stands for one module wide and two
tall, its upper half the first row and its lower half the second. Dark modules are drawn in the
foreground colour, so a display shows them dark on a light ground (see `QR_STYLE`); the quiet zone
that scanners need is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import segno

QUIET_ZONE = 4  # modules of light border on each side, as the QR standard asks
# (upper dark, lower dark) -> the character; dark modules are the foreground.
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules, quiet zone included, True where dark (the smallest version that fits)."""
    # Error level L, raised where the same size allows. A non-ASCII address is UTF-8 and says so (ECI):
    # without it readers guess another encoding (zbar reads "é" as a Japanese character).
    utf8 = not url.isascii()
    code = segno.make_qr(url, encoding="utf-8" if utf8 else None, eci=utf8)
    return [[bool(module) for module in row] for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]


def half_blocks(matrix: Sequence[Sequence[bool]]) -> list[str]:
    """Rows of modules as text, two rows a line; an odd last row is paired with a light one."""
    lines = []
    for top in range(0, len(matrix), 2):
        upper = matrix[top]
        lower = matrix[top + 1] if top + 1 < len(matrix) else [False] * len(upper)
        lines.append("".join(_HALF_BLOCKS[(bool(a), bool(b))] for a, b in zip(upper, lower)))
    return lines


def qr_half_blocks(url: str) -> list[str]:
    """`url` as a QR code in half-block text, one string a terminal row, all the same width."""
    return half_blocks(qr_matrix(url))
