"""The customer display's QR codes: half-block text that a camera reads back to exactly the address."""

from __future__ import annotations

from pathlib import Path

import pytest

from pos.display.qr import QUIET_ZONE, half_blocks, qr_half_blocks
from terminal_qr import decode_half_blocks

PROFILES = [
    "https://www.linkedin.com/in/amara-osei",
    "https://www.linkedin.com/in/jo-\u00e9lise-van-der-berg-4a7b9c2d1e",  # a longer address, with an accent
    "https://uk.linkedin.com/in/x",
]


@pytest.mark.parametrize("url", PROFILES)
def test_the_drawn_code_decodes_to_exactly_the_address(url: str, tmp_path: Path) -> None:
    assert decode_half_blocks(qr_half_blocks(url), tmp_path / "qr.pbm") == [url]


def test_rows_are_even_and_keep_the_quiet_zone() -> None:
    lines = qr_half_blocks(PROFILES[0])
    assert len({len(line) for line in lines}) == 1
    assert set("".join(lines)) <= set(" ▀▄█")
    assert all(line[:QUIET_ZONE] == " " * QUIET_ZONE and line[-QUIET_ZONE:] == " " * QUIET_ZONE for line in lines)
    assert lines[: QUIET_ZONE // 2] == [" " * len(lines[0])] * (QUIET_ZONE // 2)  # two module rows a text row
    assert lines[-(QUIET_ZONE // 2):] == [" " * len(lines[0])] * (QUIET_ZONE // 2)


def test_two_module_rows_make_one_text_row() -> None:
    matrix = [[True, False, True], [True, True, False], [False, True, False]]
    assert half_blocks(matrix) == ["█▄▀", " ▀ "]
