"""Stock views: low stock with a per-design threshold, value at retail, sell-through, a SKU's history,
and damaged stock apart from saleable stock."""

from __future__ import annotations

from sqlalchemy import Engine

from inventory.catalog import look_up_code
from inventory.stock import on_hand, variant_listing
from inventory.stock_views import design_figures, low_stock, movement_history
from pos.sales.checkout import card_tender
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.stock.adjustments import adjust_stock
from ledger_helpers import as_staff, staffed

HOODIE_M = "2000000000039"  # NBH-BLA-M, £55, 10 received in the demo stock


def _people(engine: Engine):  # type: ignore[no-untyped-def]
    return staffed(engine, ("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))


def test_sell_through_value_history_and_damaged_apart(demo_engine: Engine) -> None:
    people = _people(demo_engine)
    hoodie = look_up_code(demo_engine, HOODIE_M)
    received = on_hand(demo_engine, hoodie.variant_id)
    sale = complete_sale(as_staff(demo_engine, people["AMA"]), [(hoodie.variant_id, 3)], [card_tender(16500)])
    refund_sale(as_staff(demo_engine, people["AMA"]), sale.reference, [("NBH-BLA-M", 1, True)],
                approved_by=people["MGR"])  # returned damaged: back, then out to damaged stock
    adjust_stock(as_staff(demo_engine, people["MGR"]), HOODIE_M, -1, "lost", approved_by=people["MGR"])

    [listed] = [v for v in variant_listing(demo_engine) if v.sku == "NBH-BLA-M"]
    assert (listed.on_hand, listed.damaged) == (received - 3 - 1, 1)
    night_bus = next(f for f in design_figures(demo_engine) if f.design == "Night Bus Hoodie")
    design_on_hand = sum(v.on_hand for v in variant_listing(demo_engine) if v.name == "Night Bus Hoodie")
    assert night_bus.on_hand == design_on_hand
    assert night_bus.value_pence == sum(v.on_hand * v.price_pence for v in variant_listing(demo_engine)
                                        if v.name == "Night Bus Hoodie" and v.on_hand > 0)
    assert night_bus.sold == 2  # 3 sold, 1 returned
    assert night_bus.sell_through_bp == 2 * 10_000 // night_bus.received

    label, history = movement_history(demo_engine, "nbh-bla-m")
    assert label == "Night Bus Hoodie (M Black) NBH-BLA-M"
    assert [(line.kind, line.quantity) for line in history] == [
        ("received", received), ("sold", -3), ("returned", 1), ("damaged", -1), ("adjusted", -1)]
    assert history[-1].balance == on_hand(demo_engine, hoodie.variant_id)


def test_low_stock_takes_a_design_s_own_threshold(demo_engine: Engine) -> None:
    people = _people(demo_engine)
    hoodie = look_up_code(demo_engine, HOODIE_M)
    level = on_hand(demo_engine, hoodie.variant_id)
    complete_sale(as_staff(demo_engine, people["AMA"]), [(hoodie.variant_id, level - 1)],
                  [card_tender(5500 * (level - 1))])
    assert [item.sku for item in low_stock(demo_engine, 1)] == ["NBH-BLA-M"]
    assert low_stock(demo_engine, 0) == []
    by_design = low_stock(demo_engine, 0, {"night bus hoodie": level})
    assert {item.sku[:3] for item in by_design} == {"NBH"} and by_design[0].sku == "NBH-BLA-M"
    assert all(item.threshold == level for item in by_design)


def test_a_retired_sku_keeps_its_history(demo_engine: Engine) -> None:
    from pos.catalogue.services import retire_product

    people = _people(demo_engine)
    retire_product(as_staff(demo_engine, people["MGR"]), "NBH-BLA-M", by=people["MGR"])
    for code in ("NBH-BLA-M", HOODIE_M):  # by SKU or by barcode
        label, history = movement_history(demo_engine, code)
        assert label == "Night Bus Hoodie (M Black) NBH-BLA-M (retired)"
        assert [line.kind for line in history] == ["received"]


def test_the_catalogue_outline_lists_every_design_with_its_category(demo_engine: Engine) -> None:
    from inventory.stock_views import catalogue_outline

    outline = {design.name: (design.category, design.skus) for design in catalogue_outline(demo_engine)}
    assert outline["Night Bus Hoodie"] == ("Hoodies", 12)
    assert outline["Market Tote"] == ("Accessories", 1)
    assert list(outline) == sorted(outline)
    assert sum(skus for _, skus in outline.values()) == len(variant_listing(demo_engine))
