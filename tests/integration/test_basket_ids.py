"""A basket's id makes completing it idempotent: however often it is completed (a retry after a crash,
two processes at once), the ledger records one sale, and every caller gets that sale back."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, text

from common.errors import NotAllowed
from inventory.catalog import look_up_code
from pos.sales.checkout import card_tender, cash_tender, new_basket_id
from pos.sales.services import complete_sale, record_sale
from pos.sales.tills import register_till
from ledger_helpers import at_till, by, open_shift_on

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55
COLLAB_L = "2000000000527"  # Collab Coach Jacket, L, Black, £85, three designers

WRITTEN = ("sales", "sale_lines", "line_attributions", "payments", "stock_movements", "print_jobs", "audit_events")


def _items(engine: Engine) -> list[tuple[int, int]]:
    return [(look_up_code(engine, HOODIE_M).variant_id, 2), (look_up_code(engine, COLLAB_L).variant_id, 1)]


def _written(engine: Engine) -> dict[str, int]:
    """How many rows each table a sale writes holds, and each till's receipt counter."""
    with engine.connect() as connection:
        counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in WRITTEN}
        counts |= dict(connection.execute(text("SELECT name, last_receipt_no FROM tills")).all())
    return counts


def test_completing_the_same_basket_twice_records_one_sale_and_returns_it_again(demo_engine: Engine) -> None:
    basket = new_basket_id()
    items = _items(demo_engine)
    first = complete_sale(at_till(demo_engine, "till-1"), items, [cash_tender(19500, 20000)], basket_id=basket,
                          queue_receipt=True)
    after_first = _written(demo_engine)
    # The till never heard (it was killed after the commit): it completes the basket again on restart.
    again = complete_sale(at_till(demo_engine, "till-1"), items, [cash_tender(19500, 20000)], basket_id=basket,
                          queue_receipt=True)

    assert again == first  # receipt number, total, change, VAT, the receipt itself
    assert (again.receipt_no, again.total_pence, again.change_pence) == (1, 19500, 500)
    assert again.repeated and not first.repeated
    assert _written(demo_engine) == after_first  # no row more, not even a receipt number or a print job
    assert after_first["sales"] == 1 and after_first["till-1"] == 1
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT basket_id FROM sales")).scalar_one() == basket


def test_the_repeat_returns_the_first_sale_even_when_prices_or_the_shift_changed_since(demo_engine: Engine) -> None:
    """A retry must not be refused for what changed after the sale was recorded: it was recorded."""
    from pos.catalogue.services import change_price
    from pos.shifts.services import close_shift

    basket = new_basket_id()
    items = _items(demo_engine)
    first = complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(19500)], basket_id=basket)
    change_price(by(demo_engine, "Jo"), "NBH-BLA-M", 6000)
    close_shift(at_till(demo_engine, "till-1", staff="Jo"), None, counted_pence=0)

    again = complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(19500)], basket_id=basket)
    assert again == first and again.repeated


def test_two_baskets_are_two_sales_and_sales_without_an_id_are_as_before(demo_engine: Engine) -> None:
    items = _items(demo_engine)
    sales = [
        complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(19500)], basket_id=new_basket_id()),
        complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(19500)], basket_id=new_basket_id()),
        complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(19500)]),
        complete_sale(at_till(demo_engine, "till-1"), items, [card_tender(19500)]),
    ]
    assert [sale.receipt_no for sale in sales] == [1, 2, 3, 4]
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sales WHERE basket_id IS NULL")).scalar_one() == 2


@pytest.mark.parametrize("garbage", ["", "12345", "not-a-uuid", "0b7e4a52-3c1d-4f5e-9a8b-2c6d7e8f9a0", "x" * 5000,
                                     "0b7e4a52-3c1d-4f5e-9a8b-2c6d7e8f9a01; DROP TABLE sales", "{0b7e4a52-3c1d-4f5e-9a8b-2c6d7e8f9a01}"])
def test_a_garbage_basket_id_is_refused_plainly_and_nothing_is_written(demo_engine: Engine, garbage: str) -> None:
    before = _written(demo_engine)
    with pytest.raises(NotAllowed, match="is not a basket id: give a UUID"):
        complete_sale(at_till(demo_engine, "till-1"), _items(demo_engine), [card_tender(19500)], basket_id=garbage)
    assert _written(demo_engine) == before


def test_an_id_in_capitals_is_the_same_basket(demo_engine: Engine) -> None:
    basket = new_basket_id()
    first = complete_sale(at_till(demo_engine, "till-1"), _items(demo_engine), [card_tender(19500)], basket_id=basket)
    again = complete_sale(at_till(demo_engine, "till-1"), _items(demo_engine), [card_tender(19500)],
                          basket_id=basket.upper())
    assert again == first and again.repeated


@pytest.mark.parametrize("other_till", [False, True], ids=["same till", "another till"])
def test_two_completions_of_one_basket_at_once_record_one_sale_and_both_get_it(
    demo_engine: Engine, other_till: bool
) -> None:
    """The first is mid-transaction (its sale written, not committed) when the second starts: the second
    finds nothing recorded yet, waits (SQLite: the write lock; PostgreSQL: the till's row or the unique
    index), and once the first commits it records nothing and returns the first's sale."""
    if other_till:
        register_till(by(demo_engine), "till-2")
        open_shift_on(demo_engine, "till-2")
    basket = new_basket_id()
    items = _items(demo_engine)
    first_uow = at_till(demo_engine, "till-1")
    second: list[object] = []
    with first_uow:
        first = record_sale(first_uow, items, [card_tender(19500)], basket_id=basket)
        racer = threading.Thread(target=lambda: second.append(complete_sale(
            at_till(demo_engine, "till-2" if other_till else "till-1"), items, [card_tender(19500)], basket_id=basket,
        )))
        racer.start()
        racer.join(timeout=1.0)
        assert racer.is_alive(), "the second completion must wait for the first"
        first_uow.commit()
    racer.join(timeout=30)
    assert not racer.is_alive()
    [winner] = second
    assert winner == first and winner.repeated  # type: ignore[union-attr]
    written = _written(demo_engine)
    assert written["sales"] == 1 and written["till-1"] == 1
    assert written.get("till-2", 0) == 0  # the loser's receipt number was rolled back with it: no gap
