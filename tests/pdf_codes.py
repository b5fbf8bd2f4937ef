"""Reading PDFs from outside, as a scanner and a reader would: pages rendered to images by `pdftoppm`
(poppler-utils), codes decoded by `zbarimg` (zbar-tools), words and their boxes from `pdftotext -bbox`.

zbarimg reports a code once per image however often it appears, so labels are decoded one cell at a
time: each label's rectangle is cut out of its page and decoded on its own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

DPI = 300  # at 150 dpi zbarimg misses a third of the labels on a sheet (PITFALLS.md)
POINTS_PER_INCH = 72
_ZBAR = "{http://zbar.sourceforge.net/2008/barcode}"


def need_tools() -> None:
    missing = [tool for tool in ("pdftoppm", "zbarimg", "pdftotext") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: apt-get install -y poppler-utils zbar-tools (.ci/run does this).")


def page_images(pdf: Path, out_dir: Path, dpi: int = DPI) -> list[Path]:
    """Each page of `pdf` as a colour image, in page order: PPM, uncompressed, as encoding a 300 dpi page
    as PNG took six times as long as rendering it."""
    need_tools()
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), str(pdf), str(out_dir / "page")], check=True, timeout=120)
    return sorted(out_dir.glob("page-*.ppm"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))


def decode(images: Sequence[Path]) -> list[list[tuple[str, str]]]:
    """(symbology, data) of every code zbarimg finds, per image, in the order given (one zbarimg run)."""
    need_tools()
    if not images:
        return []
    done = subprocess.run(["zbarimg", "--xml", "-q", *map(str, images)], capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 4), done.stderr  # 4: nothing found in any image
    found: dict[str, list[tuple[str, str]]] = {str(image): [] for image in images}
    for source in ET.fromstring(done.stdout).iter(f"{_ZBAR}source"):
        found[source.get("href", "")] = [
            (symbol.get("type", ""), (symbol.findtext(f"{_ZBAR}data") or ""))
            for symbol in source.iter(f"{_ZBAR}symbol")
        ]
    return [found[str(image)] for image in images]


@dataclass(frozen=True)
class Box:
    """A rectangle in points from the page's top left."""

    left: float
    top: float
    right: float
    bottom: float

    def holds(self, other: Box, slack: float = 0.01) -> bool:
        return (other.left >= self.left - slack and other.right <= self.right + slack
                and other.top >= self.top - slack and other.bottom <= self.bottom + slack)


def cell_boxes(layout, count: int) -> list[tuple[int, Box]]:  # type: ignore[no-untyped-def]
    """(page index, the label's rectangle) for labels 0..count-1 of a receipts.labels.LabelLayout."""
    mm = POINTS_PER_INCH / 25.4
    boxes = []
    for number in range(count):
        x, y = layout.origin(number % layout.per_page)
        top = layout.page_height_mm * mm - y - layout.label_height_mm * mm
        boxes.append((number // layout.per_page,
                      Box(x, top, x + layout.label_width_mm * mm, top + layout.label_height_mm * mm)))
    return boxes


def crop(page: Path, box: Box, out: Path, dpi: int = DPI) -> Path:
    with Image.open(page) as image:
        return _cut(image, box, out, dpi)


def _cut(image: Image.Image, box: Box, out: Path, dpi: int = DPI) -> Path:
    scale = dpi / POINTS_PER_INCH
    image.crop((round(box.left * scale), round(box.top * scale),
                round(box.right * scale), round(box.bottom * scale))).save(out)
    return out


def decode_labels(pdf: Path, layout, count: int, work: Path) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The codes decoded in each label's own rectangle, label by label, and in the page's unused cells."""
    pages = page_images(pdf, work / "pages")
    per_page = layout.per_page
    assert len(pages) == -(-count // per_page), f"{len(pages)} pages for {count} labels"
    cells = cell_boxes(layout, len(pages) * per_page)
    crops: list[Path] = []
    for index, page in enumerate(pages):
        with Image.open(page) as image:  # each page read once, then cut into its cells
            image.load()
            crops += [_cut(image, box, work / f"cell-{number}.ppm")
                      for number, (on_page, box) in enumerate(cells) if on_page == index]
    return [[data for _, data in codes] for codes in decode(crops)]


def words(pdf: Path) -> list[tuple[int, str, Box]]:
    """(page index, word, its box) for every word pdftotext finds."""
    need_tools()
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=120)
    found: list[tuple[int, str, Box]] = []
    page = -1
    for line in done.stdout.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            left, top, right, bottom = (float(match[i]) for i in range(1, 5))
            found.append((page, _unescape(match[5]), Box(left, top, right, bottom)))
    return found


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def text_of(pdf: Path) -> str:
    need_tools()
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=120).stdout
