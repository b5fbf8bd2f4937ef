"""Labels and cards from a real ledger (the demo catalogue): the codes asked for, and consent as it stands."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from common.errors import PosError
from inventory.labels import all_label_items, designer_cards, label_items, parse_label_request
from pdf_codes import decode, decode_labels, page_images, text_of
from receipts.cards import cards_pdf
from receipts.labels import A4_21, labels_pdf

DATA = Path(__file__).resolve().parents[2] / "data"


def _participants() -> dict[str, dict[str, str]]:
    with (DATA / "participants.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def _barcodes() -> dict[str, str]:
    with (DATA / "products.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["sku"]: row["barcode"] for row in csv.DictReader(handle)}


def _withdraw_consent(engine: Engine, code: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE participants SET consent_to_publish = :no WHERE code = :code"),
                           {"no": False, "code": code})


def test_the_labels_decode_to_exactly_the_skus_and_quantities_asked_for(demo_engine: Engine, tmp_path: Path) -> None:
    barcodes = _barcodes()
    asked = [("NBH-BLA-M", 3), (barcodes["CCJ-BLA-L"], 1), ("ccj-bla-s", 2), ("RLT-WHI-M", 17)]
    items = label_items(demo_engine, asked)
    expected = [barcodes[sku] for sku, quantity in
                (("NBH-BLA-M", 3), ("CCJ-BLA-L", 1), ("CCJ-BLA-S", 2), ("RLT-WHI-M", 17)) for _ in range(quantity)]
    pdf = tmp_path / "labels.pdf"
    pdf.write_bytes(labels_pdf(items, A4_21))
    assert decode_labels(pdf, A4_21, len(items), tmp_path) == [[code] for code in expected] + [[]] * (42 - 23)


def test_a_label_names_only_designers_who_consented_and_follows_a_withdrawal(demo_engine: Engine,
                                                                             tmp_path: Path) -> None:
    people = _participants()
    wanted = [("NBH-BLA-M", 1), ("DSH-SAN-M", 1), ("RLT-WHI-M", 1), ("CCJ-BLA-M", 1)]  # AMO, KBL, LUW, AMO+KBL+RNV
    items = label_items(demo_engine, wanted)
    assert [item.designers for item in items] == [("Amara Osei",), (), (), ("Amara Osei", "Rhea Nvarro")]
    pdf = tmp_path / "before.pdf"
    pdf.write_bytes(labels_pdf(items))
    printed = text_of(pdf)
    assert "by Amara Osei & Rhea Nvarro" in printed
    for code in ("KBL", "LUW"):
        assert people[code]["name"] not in printed
    _withdraw_consent(demo_engine, "AMO")
    after = tmp_path / "after.pdf"
    after.write_bytes(labels_pdf(label_items(demo_engine, wanted)))
    assert "Amara Osei" not in text_of(after) and "by Rhea Nvarro" in text_of(after)


def test_every_sku_once_with_all_in_rail_order(demo_engine: Engine) -> None:
    items = all_label_items(demo_engine)
    assert sorted(item.sku for item in items) == sorted(_barcodes())
    assert all(len(item.barcode) == 13 for item in items)  # in-store barcodes too
    hoodies = [item.size for item in items if item.design == "Night Bus Hoodie" and item.colour == "Black"]
    assert hoodies == ["XS", "S", "M", "L", "XL", "XXL"]


def test_unknown_codes_are_all_named_and_nothing_is_returned(demo_engine: Engine) -> None:
    with pytest.raises(PosError, match="NOPE-1, 2000000009999"):
        label_items(demo_engine, [("NBH-BLA-M", 1), ("NOPE-1", 2), ("2000000009999", 1)])


@pytest.mark.parametrize("request_text", ["NBH-BLA-M:0", "NBH-BLA-M:-1", "NBH-BLA-M:1.5", "NBH-BLA-M:two",
                                          "NBH-BLA-M:", "NBH-BLA-M:３", ":3", "NBH-BLA-M:10001", "A:1:2"])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(request_text: str) -> None:
    with pytest.raises(PosError):
        parse_label_request(request_text)


def test_requests_parse_to_code_and_quantity() -> None:
    assert parse_label_request("NBH-BLA-M") == ("NBH-BLA-M", 1)
    assert parse_label_request(" 2000000000039:12 ") == ("2000000000039", 12)


def test_cards_are_for_consenting_participants_only_with_their_profiles_as_qr(demo_engine: Engine,
                                                                              tmp_path: Path) -> None:
    people = _participants()
    consented = sorted((row for row in people.values() if row["consent"] == "yes"), key=lambda row: row["name"])
    cards = designer_cards(demo_engine)
    assert [card.name for card in cards] == [row["name"] for row in consented]
    amara = next(card for card in cards if card.name == "Amara Osei")
    assert {"Collab Coach Jacket", "Night Bus Hoodie"} <= set(amara.designs)
    assert list(amara.designs) == sorted(amara.designs) and "Drop Shoulder Hoodie" not in amara.designs
    pdf = tmp_path / "cards.pdf"
    pdf.write_bytes(cards_pdf(cards))
    pages = page_images(pdf, tmp_path / "pages")
    assert len(pages) == len(consented)
    assert decode(pages) == [[("QR-Code", row["linkedin_url"])] if row["linkedin_url"] else [] for row in consented]
    printed = text_of(pdf)
    for code in ("KBL", "LUW"):  # no card, no name, no story, no profile
        assert people[code]["name"] not in printed and people[code]["story"][:30] not in printed
        assert not people[code]["linkedin_url"] or people[code]["linkedin_url"].split("/in/")[1] not in printed
    _withdraw_consent(demo_engine, "RNV")
    assert "Rhea Nvarro" not in [card.name for card in designer_cards(demo_engine)]
