"""Receiving a delivery by scanning: each scan adds stock at once, undo takes back, an unknown code adds
nothing, and the delivery knows what it received (its labels are printed from that)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from common.errors import NotAllowed, UnknownCode
from common.values import Actor
from inventory.catalog import look_up_code
from inventory.db import UnitOfWork
from inventory.stock import on_hand
from pos.stock.receiving import (
    UnknownDelivery, close_delivery, delivery_lines, receive_scan, start_delivery, undo_last_receipt,
)

HOODIE_M = "2000000000039"
TEE_S = "2000000000329"


def _jo(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine, Actor("Jo"))


def test_scans_add_stock_at_once_and_the_delivery_lists_what_it_received(demo_engine: Engine) -> None:
    hoodie = look_up_code(demo_engine, HOODIE_M).variant_id
    before = on_hand(demo_engine, hoodie)
    delivery = start_delivery(_jo(demo_engine), "Box 3 from the workshop")
    assert receive_scan(_jo(demo_engine), delivery, HOODIE_M).total == 1
    assert on_hand(demo_engine, hoodie) == before + 1  # at once: nothing scanned is lost if the till stops
    receive_scan(_jo(demo_engine), delivery, TEE_S, quantity=6)
    undone = undo_last_receipt(_jo(demo_engine), delivery)
    assert (undone.quantity, undone.total) == (-6, 0)
    receive_scan(_jo(demo_engine), delivery, TEE_S, quantity=4)
    with pytest.raises(UnknownCode):
        receive_scan(_jo(demo_engine), delivery, "5012345678900")
    lines = close_delivery(_jo(demo_engine), delivery)
    assert [(line.sku, line.quantity) for line in lines] == [("NBH-BLA-M", 1), ("RLT-WHI-S", 4)]
    assert delivery_lines(demo_engine, delivery) == lines
    with pytest.raises(NotAllowed, match=f"Delivery {delivery} is closed"):
        receive_scan(_jo(demo_engine), delivery, HOODIE_M)
    with pytest.raises(UnknownDelivery):
        delivery_lines(demo_engine, 99)


def test_a_stock_file_is_received_as_one_delivery_with_its_labels(demo_engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from inventory.imports import import_stock

    box = tmp_path / "box4.csv"
    box.write_text(f"sku,quantity\nNBH-BLA-M,3\n{TEE_S},2\n", encoding="utf-8")  # a barcode in the sku column too
    result = import_stock(_jo(demo_engine), box)
    assert result.delivery is not None
    assert result.summary() == (f"stock: imported 2 row(s), as delivery {result.delivery} "
                                f"(its labels: pos labels --batch {result.delivery}).")
    assert [(line.sku, line.quantity) for line in delivery_lines(demo_engine, result.delivery)] == [
        ("NBH-BLA-M", 3), ("RLT-WHI-S", 2)]
    with pytest.raises(NotAllowed, match="is closed"):  # a file is a whole delivery: nothing is scanned into it
        receive_scan(_jo(demo_engine), result.delivery, HOODIE_M)
