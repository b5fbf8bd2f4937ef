"""Product look-up on the demo catalogue: by design, designer, barcode or SKU, with stock by size and
colour, and designers shown only as far as they consented."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from common.errors import OverLimit
from inventory.catalog import look_up_code
from inventory.imports import import_products
from inventory.lookup import UNNAMED_DESIGNER, DesignMatch, look_up_products
from inventory.models import StockMovement
from inventory.stock import stock_levels
from pos.sales.checkout import cash_tender
from pos.sales.services import complete_sale
from ledger_helpers import at_till, by

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55, AMO (consented)
# data/participants.csv: KBL (Kai Blake) and LUW (Lu Wen) did not consent to be named.
KAI_NAME, KAI_STORY = "Kai Blake", "obsessed with a perfect drop shoulder"
LU_NAME, LU_STORY = "Lu Wen", "recycled cotton"


def _names(matches: list[DesignMatch]) -> list[str]:
    return [match.name for match in matches]


def _one(matches: list[DesignMatch], name: str) -> DesignMatch:
    return next(match for match in matches if match.name == name)


def _everything_shown(matches: list[DesignMatch]) -> str:
    """Every piece of text a face could show from these matches."""
    return repr(matches)


def test_part_of_a_design_name_finds_the_design_with_every_variant_and_its_stock(demo_engine: Engine) -> None:
    matches = look_up_products(demo_engine, "night bus")
    assert _names(matches) == ["Night Bus Hoodie"]
    hoodie = matches[0]
    assert hoodie.category == "Hoodies"
    assert [(v.size, v.colour) for v in hoodie.variants[:3]] == [("XS", "Black"), ("XS", "Grey"), ("S", "Black")]
    assert len(hoodie.variants) == 12
    expected = {level.sku: level.on_hand for level in stock_levels(demo_engine)}
    assert {v.sku: v.on_hand for v in hoodie.variants} == {v.sku: expected[v.sku] for v in hoodie.variants}
    assert all(v.price_pence == 5500 for v in hoodie.variants)
    assert hoodie.on_hand == sum(expected[v.sku] for v in hoodie.variants)


def test_a_consenting_designer_is_found_by_name_and_shown_with_story_and_profile(demo_engine: Engine) -> None:
    matches = look_up_products(demo_engine, "amara")
    assert _names(matches) == ["Block Letter Tee", "Collab Coach Jacket", "Night Bus Hoodie"]
    amara = _one(matches, "Night Bus Hoodie").designers[0]
    assert amara.named and amara.name == "Amara Osei"
    assert amara.story.startswith("Screen-prints bold type")
    assert amara.linkedin_url == "https://www.linkedin.com/in/amara-osei-designs"


def test_a_designer_who_did_not_consent_is_one_of_our_designers_and_never_named(demo_engine: Engine) -> None:
    jacket = look_up_products(demo_engine, "coach jacket")[0]
    # AMO 40, KBL 30, RNV 30: largest share first; Kai (KBL) did not consent.
    assert [d.name for d in jacket.designers] == ["Amara Osei", UNNAMED_DESIGNER, "Rhea Nvarro"]
    unnamed = jacket.designers[1]
    assert not unnamed.named and unnamed.story == "" and unnamed.linkedin_url == ""
    tee = look_up_products(demo_engine, "recycled logo")
    shown = _everything_shown(look_up_products(demo_engine, "hoodie") + tee + [jacket])
    for private in (KAI_NAME, KAI_STORY, LU_NAME, LU_STORY, "Kai", "Wen"):
        assert private not in shown


def test_typing_a_non_consenting_designers_name_finds_nothing_by_it(demo_engine: Engine) -> None:
    """Finding the Drop Shoulder Hoodie by 'Kai Blake' would tell a customer who made it."""
    assert look_up_products(demo_engine, "Kai Blake") == []
    assert look_up_products(demo_engine, "lu wen") == []


def test_a_barcode_finds_its_design_with_all_sizes(demo_engine: Engine) -> None:
    matches = look_up_products(demo_engine, HOODIE_M)
    assert _names(matches) == ["Night Bus Hoodie"]
    assert HOODIE_M in {v.barcode for v in matches[0].variants}


def test_part_of_an_sku_finds_its_design(demo_engine: Engine) -> None:
    assert _names(look_up_products(demo_engine, "dsh-san")) == ["Drop Shoulder Hoodie"]
    assert _names(look_up_products(demo_engine, "MT-NAT-OS")) == ["Market Tote"]


def test_wildcards_are_typed_characters_and_nothing_matching_is_an_empty_list(demo_engine: Engine) -> None:
    assert look_up_products(demo_engine, "%") == []
    assert look_up_products(demo_engine, "_") == []
    assert look_up_products(demo_engine, "no such thing") == []
    assert look_up_products(demo_engine, "   ") == []
    assert look_up_products(demo_engine, "9999999999994") == []


def test_over_long_text_is_refused_with_the_limit(demo_engine: Engine) -> None:
    with pytest.raises(OverLimit, match="at most 64"):
        look_up_products(demo_engine, "x" * 65)


def test_stock_follows_sales_and_damaged_movements(demo_engine: Engine) -> None:
    before = {v.barcode: v.on_hand for v in look_up_products(demo_engine, HOODIE_M)[0].variants}[HOODIE_M]
    hoodie = look_up_code(demo_engine, HOODIE_M)
    complete_sale(at_till(demo_engine, "till-1"), [(hoodie.variant_id, 2)], [cash_tender(11000)])
    uow = by(demo_engine, "manager")
    with uow:  # a unit found damaged on the rail: out of saleable stock
        uow.session.add(StockMovement(variant_id=hoodie.variant_id, quantity=-1, kind="damaged",
                                      reason="seam split", recorded_by="manager", created_at=uow.now))
        uow.commit()
    after = {v.barcode: v.on_hand for v in look_up_products(demo_engine, HOODIE_M)[0].variants}[HOODIE_M]
    assert after == before - 3


def test_a_design_with_no_movements_shows_zero_stock(demo_engine: Engine, tmp_path: Path) -> None:
    csv = tmp_path / "new.csv"
    csv.write_text("sku,design,designers,size,colour,price\nZZ-1,Zebra Scarf,AMO,OS,Striped,20\n", encoding="utf-8")
    import_products(by(demo_engine), csv)
    zebra = look_up_products(demo_engine, "zebra")[0]
    assert [(v.sku, v.on_hand) for v in zebra.variants] == [("ZZ-1", 0)]


def test_a_retired_sku_is_not_offered_by_the_look_up(demo_engine: Engine) -> None:
    from ledger_helpers import by
    from pos.catalogue.services import retire_product

    retire_product(by(demo_engine, "Jo"), "NBH-BLA-L")
    [design] = look_up_products(demo_engine, "Night Bus")
    skus = {variant.sku for variant in design.variants}
    assert "NBH-BLA-L" not in skus and "NBH-BLA-M" in skus
