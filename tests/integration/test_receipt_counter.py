"""A till's receipt counter only ever moves up by one, on SQLite and PostgreSQL: the database refuses a
jump (which would silently skip receipt numbers), lowering it (numbers given out twice), a new till
starting above 0, and deleting (or, on SQLite, replacing) a till that has given out receipts."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from pos.sales.checkout import card_tender
from pos.sales.services import complete_sale
from ledger_helpers import at_till

REFUSED = "receipt numbers only move up by one"


def _counter(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT last_receipt_no FROM tills WHERE name = 'till-1'")).scalar_one()


def _refused(engine: Engine, statement: str) -> None:
    with pytest.raises(DBAPIError, match=REFUSED), engine.begin() as connection:
        connection.execute(text(statement))


@pytest.fixture
def sold_twice(demo_engine: Engine) -> Engine:
    for _ in range(2):
        complete_sale(at_till(demo_engine, "till-1"), [(3, 1)], [card_tender(5500)])
    assert _counter(demo_engine) == 2
    return demo_engine


@pytest.mark.parametrize("statement", [
    "UPDATE tills SET last_receipt_no = last_receipt_no + 100",
    "UPDATE tills SET last_receipt_no = last_receipt_no + 2 WHERE name = 'till-1'",
    "UPDATE tills SET last_receipt_no = last_receipt_no - 1 WHERE name = 'till-1'",
    "UPDATE tills SET last_receipt_no = 0",
])
def test_a_jump_or_a_step_back_of_the_counter_is_refused(sold_twice: Engine, statement: str) -> None:
    _refused(sold_twice, statement)
    assert _counter(sold_twice) == 2
    sale = complete_sale(at_till(sold_twice, "till-1"), [(3, 1)], [card_tender(5500)])
    assert sale.receipt_no == 3  # the next sale takes the next number: none was skipped


def test_the_counter_may_move_up_by_one_and_the_rest_of_the_till_row_may_change(sold_twice: Engine) -> None:
    with sold_twice.begin() as connection:
        connection.execute(text("UPDATE tills SET last_receipt_no = last_receipt_no + 1 WHERE name = 'till-1'"))
        connection.execute(text("UPDATE tills SET open_shift_id = open_shift_id, last_receipt_no = last_receipt_no"))
    assert _counter(sold_twice) == 3


def test_a_new_till_starts_at_zero_and_a_till_that_gave_receipts_stays(sold_twice: Engine) -> None:
    _refused(sold_twice, "INSERT INTO tills (name, last_receipt_no) VALUES ('till-9', 100)")
    with sold_twice.begin() as connection:  # registering a till as `pos tills add` does, and removing an unused one
        connection.execute(text("INSERT INTO tills (name, last_receipt_no) VALUES ('till-9', 0)"))
        connection.execute(text("DELETE FROM tills WHERE name = 'till-9'"))
    _refused(sold_twice, "DELETE FROM tills WHERE name = 'till-1'")
    if sold_twice.dialect.name == "sqlite":  # REPLACE deletes the old row first: it would start the counter again
        _refused(sold_twice, "INSERT OR REPLACE INTO tills (id, name, last_receipt_no, open_shift_id) "
                             "SELECT id, name, 0, open_shift_id FROM tills WHERE name = 'till-1'")
    assert _counter(sold_twice) == 2
