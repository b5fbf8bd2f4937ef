"""Labels and cards rendered from plain data, read back from outside: pdftoppm, zbarimg, pdftotext."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from common.documents import DesignerCard, LabelItem
from common.errors import PosError
from inventory.ean import in_store_ean13
from pdf_codes import DPI, POINTS_PER_INCH, cell_boxes, crop, decode, decode_labels, page_images, text_of, words
from receipts.cards import cards_pdf
from receipts.labels import A4_21, ROLL_MIN_MM, labels_pdf, parse_label_size, roll_layout
from receipts.pdf import EAN_LEFT_QUIET, EAN_MODULE_MM, EAN_RIGHT_QUIET, draw_ean13, fit_text, pdf_text

LONG_NAME = ("The Extraordinarily Long Reversible Quilted Bomber Jacket With Hand-Embroidered Night Bus Route "
             "Map And Pockets")  # 120 characters, the longest a design name may be
assert len(LONG_NAME) <= 120


def item(number: int, design: str = "Night Bus Hoodie", **changes: object) -> LabelItem:
    fields: dict[str, object] = dict(sku=f"SKU-{number}", barcode=in_store_ean13(number), design=design, size="M",
                                     colour="Black", price_pence=5500, designers=("Amara Osei",))
    fields.update(changes)
    return LabelItem(**fields)  # type: ignore[arg-type]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_sheet_of_labels_decodes_label_by_label_to_the_codes_in_order(tmp_path: Path) -> None:
    items = [item(number) for number in range(1, 24)]  # a full sheet and two on the next
    pdf = write(tmp_path, "labels.pdf", labels_pdf(items, A4_21))
    cells = decode_labels(pdf, A4_21, len(items), tmp_path)
    assert cells == [[label.barcode] for label in items] + [[]] * (2 * 21 - len(items))


def test_roll_labels_are_one_a_page_at_the_size_asked_and_each_decodes(tmp_path: Path) -> None:
    items = [item(number) for number in (5, 6, 7)]
    for width, height in ((50.0, 30.0), ROLL_MIN_MM, (100.0, 70.0)):
        layout = roll_layout(width, height)
        pdf = write(tmp_path, f"roll-{width}.pdf", labels_pdf(items, layout))
        assert decode_labels(pdf, layout, len(items), tmp_path / f"r{width}") == [[label.barcode] for label in items]
        with Image.open(page_images(pdf, tmp_path / f"size{width}")[0]) as page:
            assert page.size == pytest.approx((width / 25.4 * DPI, height / 25.4 * DPI), abs=1)


def _dark_columns(image: Image.Image, row: int) -> list[int]:
    grey = image.convert("L")
    return [x for x in range(grey.width) if grey.getpixel((x, row)) < 128]


def test_the_barcode_is_at_its_nominal_module_with_its_quiet_zones_white(tmp_path: Path) -> None:
    pdf = write(tmp_path, "one.pdf", labels_pdf([item(39)], A4_21))
    page = page_images(pdf, tmp_path / "pages")[0]
    (_, box), = cell_boxes(A4_21, 1)
    cell = crop(page, box, tmp_path / "cell.png")
    px_per_mm = DPI / 25.4
    with Image.open(cell) as image:
        row = image.height - round((A4_21.padding_mm + 8) * px_per_mm)  # across the bars, above the digits
        dark = _dark_columns(image, row)
        bars_mm = (dark[-1] - dark[0] + 1) / px_per_mm
        assert bars_mm == pytest.approx(95 * EAN_MODULE_MM, abs=0.15)  # 31.35 mm: 100%
        assert dark[0] / px_per_mm >= EAN_LEFT_QUIET * EAN_MODULE_MM  # nothing dark in the quiet zones
        assert (image.width - 1 - dark[-1]) / px_per_mm >= EAN_RIGHT_QUIET * EAN_MODULE_MM


def test_long_text_wraps_and_shrinks_but_never_leaves_its_label(tmp_path: Path) -> None:
    long_item = item(
        77, design=LONG_NAME, size="XXL", colour="Burnt Orange And Forest Green Stripe",
        designers=("Amara Osei-Whitfield Montgomery", "Rhea Nvarro-Castellanos", "Dev Thakkar Fitzgerald"),
        price_pence=999_999,
    )
    items = [long_item, item(78, design="W" * 120, colour="W" * 30), item(79)]
    for layout in (A4_21, roll_layout(*ROLL_MIN_MM)):
        pdf = write(tmp_path, f"{layout.name}.pdf", labels_pdf(items, layout))
        cells = dict(enumerate(cell_boxes(layout, len(items))))
        placed = words(pdf)
        assert placed, "pdftotext found no words"
        for page, word, box in placed:
            assert any(cell_page == page and cell.holds(box) for cell_page, cell in cells.values()), (
                f"{word!r} at {box} on page {page} is outside every label ({layout.name})"
            )
        text = text_of(pdf)
        assert "£9,999.99" in text and "Night Bus Hoodie" in text
        assert decode_labels(pdf, layout, len(items), tmp_path / layout.name) == (
            [[label.barcode] for label in items] + [[]] * (-len(items) % layout.per_page)
        )


def test_fitted_text_shrinks_then_shortens_never_wider_than_asked() -> None:
    short = fit_text("Night Bus Hoodie", "Helvetica-Bold", 150, 2, 9, 5)
    assert short.lines == ("Night Bus Hoodie",) and short.size == 9
    fitted = fit_text(LONG_NAME, "Helvetica-Bold", 110, 2, 9, 5)
    assert len(fitted.lines) == 2 and fitted.size == 5 and fitted.lines[-1].endswith("\u2026")
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert all(stringWidth(line, fitted.font, fitted.size) <= 110 for line in fitted.lines)
    unbroken = fit_text("W" * 120, "Helvetica", 100, 1, 8, 5)
    assert stringWidth(unbroken.lines[0], "Helvetica", 5) <= 100


def test_text_outside_helvetica_prints_unaccented_and_control_characters_never() -> None:
    assert pdf_text("Ioana Ț\u0103ranu\x1b[2J £5") == "Ioana Taranu[2J £5"
    assert pdf_text("Zoë Müller") == "Zoë Müller"
    assert pdf_text("王") == "?"


def test_a_barcode_with_a_wrong_check_digit_is_refused_not_printed_as_another_code() -> None:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(Path("/dev/null")))
    with pytest.raises(ValueError, match="check digit"):
        draw_ean13(canvas, "2000000000038", 0, 0, 1, 40)  # 2000000000039 is right


@pytest.mark.parametrize("text, size", [("50x30", (50.0, 30.0)), ("62.5X29", (62.5, 29.0)), ("100 x 70 mm", (100.0, 70.0))])
def test_label_sizes_are_width_by_height_in_millimetres(text: str, size: tuple[float, float]) -> None:
    assert parse_label_size(text) == size


@pytest.mark.parametrize("text", ["50", "50x", "x30", "fifty by thirty", "-50x30", "10x10", "31x30", "50x24",
                                  "201x30", "５０x30", "1e2x30"])
def test_a_label_size_that_is_not_one_is_refused_with_what_to_give(text: str) -> None:
    with pytest.raises(PosError, match="label"):
        parse_label_size(text)


CARDS = (
    DesignerCard("Amara Osei", "Screen-prints bold type inspired by night buses.",
                 "https://www.linkedin.com/in/amara-osei-designs", ("Collab Coach Jacket", "Night Bus Hoodie")),
    DesignerCard("Dev Thakkar", "Embroidery and small-batch patches.", "", ("Patch Cap",)),
    DesignerCard("Rhea Nvarro", "Mixes workwear with football-terrace colours. " * 60,
                 "https://www.linkedin.com/in/rhea-nvarro", tuple(f"Design number {n}" for n in range(40))),
)


def test_each_card_is_an_a6_page_whose_qr_code_is_its_designers_profile(tmp_path: Path) -> None:
    pdf = write(tmp_path, "cards.pdf", cards_pdf(CARDS))
    pages = page_images(pdf, tmp_path / "pages")
    assert len(pages) == len(CARDS)
    with Image.open(pages[0]) as first:
        assert first.size == pytest.approx((105 / 25.4 * DPI, 148 / 25.4 * DPI), abs=1)
    assert decode(pages) == [[("QR-Code", card.linkedin_url)] if card.linkedin_url else [] for card in CARDS]
    text = text_of(pdf)
    for card in CARDS:
        assert card.name in text
    assert "linkedin.com/in/amara-osei-designs" in text and "Collab Coach Jacket" in text
    page_width, page_height = 105 / 25.4 * POINTS_PER_INCH, 148 / 25.4 * POINTS_PER_INCH
    for _, word, box in words(pdf):  # a story of 2,700 characters and 40 designs still stay on their card
        assert 0 <= box.left and box.right <= page_width and 0 <= box.top and box.bottom <= page_height, word
