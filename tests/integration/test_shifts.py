"""Shifts in the services: the float, paid-ins and paid-outs, the Z; what the services refuse and why.

The full day with its X and Z figures is in the reports' tests; here, the rules of the shift itself.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, text

from common.errors import NoOpenShift, NotAllowed, OverLimit
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.sales.tills import register_till
from pos.shifts.services import (
    ShiftClosed, close_shift, current_shift, list_shifts, move_cash, open_shift, parse_cash_count, shift_cash_up,
)
from ledger_helpers import as_staff, by, staffed

PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
TEE = 40  # a variant of the demo catalogue


def _price(engine: Engine, variant_id: int) -> tuple[str, int]:
    with engine.connect() as connection:
        return connection.execute(text("SELECT sku, price_pence FROM variants WHERE id = :v"), {"v": variant_id}).one()


@pytest.fixture
def till_2(demo_engine: Engine) -> dict:  # type: ignore[type-arg]
    """Till till-2 with no shift yet, and a manager and a cashier."""
    register_till(by(demo_engine), "till-2")
    return staffed(demo_engine, *PEOPLE)


def test_a_till_sells_only_in_an_open_shift_and_each_sale_belongs_to_it(demo_engine: Engine, till_2: dict) -> None:  # type: ignore[type-arg]
    cashier = till_2["AMA"]
    _sku, price = _price(demo_engine, TEE)
    with pytest.raises(NoOpenShift, match="Till till-2 has no shift open, so nothing was recorded"):
        complete_sale(as_staff(demo_engine, cashier, "till-2"), [(TEE, 1)], [card_tender(price)])
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT last_receipt_no FROM tills WHERE name = 'till-2'")).scalar() == 0
    shift = open_shift(as_staff(demo_engine, cashier, "till-2"), 10_000)
    assert (shift.till, shift.opened_by, shift.float_pence, shift.is_open) == ("till-2", "Ama", 10_000, True)
    sale = complete_sale(as_staff(demo_engine, cashier, "till-2"), [(TEE, 1)], [card_tender(price)])
    assert sale.receipt_no == 1, "the refused sale used no receipt number"
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT shift_id FROM sales WHERE id = :id"), {"id": sale.sale_id}).scalar() == shift.id
    with pytest.raises(NotAllowed, match="already has shift .* open: close it with its Z"):
        open_shift(as_staff(demo_engine, cashier, "till-2"), 5_000)


def test_expected_cash_is_float_plus_cash_taken_less_change_refunds_and_paid_outs(demo_engine: Engine, till_2: dict) -> None:  # type: ignore[type-arg]
    manager, cashier = till_2["MGR"], till_2["AMA"]
    sku, price = _price(demo_engine, TEE)
    open_shift(as_staff(demo_engine, cashier, "till-2"), 5_000)
    cash_sale = complete_sale(as_staff(demo_engine, cashier, "till-2"), [(TEE, 2)], [cash_tender(2 * price, 10_000)])
    complete_sale(as_staff(demo_engine, cashier, "till-2"), [(TEE, 1)], [card_tender(price)])
    refund_sale(as_staff(demo_engine, cashier, "till-2"), cash_sale.reference, [(sku, 1, False)], approved_by=manager)
    move_cash(as_staff(demo_engine, manager, "till-2"), "paid_in", 2_000, "Change from the bank", manager)
    after = move_cash(as_staff(demo_engine, manager, "till-2"), "paid_out", 350, "Milk", manager)
    assert (after.float_pence, after.cash_sales_pence, after.change_pence, after.cash_refunds_pence,
            after.paid_in_pence, after.paid_out_pence) == (5_000, 10_000, 10_000 - 2 * price, price, 2_000, 350)
    assert after.expected_cash_pence == 5_000 + 2 * price - price + 2_000 - 350
    shift = current_shift(demo_engine, "till-2")
    assert shift is not None and shift_cash_up(demo_engine, shift.id) == after


def test_only_a_manager_pays_out_and_closes_and_a_paid_out_must_be_in_the_drawer(demo_engine: Engine, till_2: dict) -> None:  # type: ignore[type-arg]
    manager, cashier = till_2["MGR"], till_2["AMA"]
    open_shift(as_staff(demo_engine, cashier, "till-2"), 1_000)
    with pytest.raises(NotAllowed, match="Ama is not a manager"):
        move_cash(as_staff(demo_engine, cashier, "till-2"), "paid_out", 100, "Milk", cashier)
    with pytest.raises(NotAllowed, match="needs a manager's approval"):
        close_shift(as_staff(demo_engine, cashier, "till-2"), None, counted_pence=1_000)
    with pytest.raises(NotAllowed, match="should hold £10.00: a paid-out of £10.01 cannot come out of it"):
        move_cash(as_staff(demo_engine, manager, "till-2"), "paid_out", 1_001, "Lunch", manager)
    with pytest.raises(NotAllowed, match="needs a reason"):
        move_cash(as_staff(demo_engine, manager, "till-2"), "paid_in", 100, "  ", manager)
    with pytest.raises(OverLimit):
        move_cash(as_staff(demo_engine, manager, "till-2"), "paid_in", 10**9, "A typo", manager)
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM cash_movements")).scalar() == 0


def test_after_the_z_the_services_refuse_anything_more_on_that_shift(demo_engine: Engine, till_2: dict) -> None:  # type: ignore[type-arg]
    manager, cashier = till_2["MGR"], till_2["AMA"]
    sku, price = _price(demo_engine, TEE)
    shift = open_shift(as_staff(demo_engine, cashier, "till-2"), 2_000)
    sale = complete_sale(as_staff(demo_engine, cashier, "till-2"), [(TEE, 1)], [cash_tender(price)])
    closed = close_shift(as_staff(demo_engine, manager, "till-2"), manager, cash_count={2000: 1},
                         note="Short: one tee's cash missing", shift_id=shift.id)
    assert (closed.cash.expected_cash_pence, closed.counted_cash_pence, closed.variance_pence) == (2_000 + price, 2_000, -price)
    with demo_engine.connect() as connection:
        before = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                  for table in ("sales", "refunds", "cash_movements", "shift_closes")}
    with pytest.raises(NoOpenShift):
        complete_sale(as_staff(demo_engine, cashier, "till-2"), [(TEE, 1)], [card_tender(price)])
    with pytest.raises(NoOpenShift):
        refund_sale(as_staff(demo_engine, cashier, "till-2"), sale.reference, [(sku, 1, False)], approved_by=manager)
    with pytest.raises(NoOpenShift):
        move_cash(as_staff(demo_engine, manager, "till-2"), "paid_in", 100, "Float top-up", manager)
    with pytest.raises(ShiftClosed, match="was closed at .* a shift is closed once"):
        close_shift(as_staff(demo_engine, manager, "till-2"), manager, counted_pence=0, shift_id=shift.id)
    with pytest.raises(ShiftClosed, match="its last, shift .* was closed"):
        close_shift(as_staff(demo_engine, manager, "till-2"), manager, counted_pence=0)
    with demo_engine.connect() as connection:
        after = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                 for table in ("sales", "refunds", "cash_movements", "shift_closes")}
        [(cash_count, note)] = connection.execute(text("SELECT cash_count, note FROM shift_closes")).all()
    assert after == before
    assert (json.loads(cash_count), note) == ({"2000": 1}, "Short: one tee's cash missing")
    [listed] = [s for s in list_shifts(demo_engine, "till-2")]
    assert (listed.id, listed.is_open, listed.closed_by) == (shift.id, False, "Sam")
    # the next shift starts afresh
    nxt = open_shift(as_staff(demo_engine, cashier, "till-2"), 0)
    assert nxt.id != shift.id and shift_cash_up(demo_engine, nxt.id).expected_cash_pence == 0


def test_a_drawer_count_reads_notes_and_coins_and_refuses_anything_else() -> None:
    assert parse_cash_count("50:2,20:3, 0.01:7,1:1") == {5000: 2, 2000: 3, 1: 7, 100: 1}
    for wrong in ("3:1", "50", "50:x", "£50:-1", "0.03:2", ""):
        with pytest.raises(NotAllowed, match="is not a note or coin and how many"):
            parse_cash_count(wrong)


def test_a_z_closed_just_before_the_till_stopped_is_kept_when_it_starts_again(
        demo_engine: Engine, till_2: dict, tmp_path) -> None:  # type: ignore[no-untyped-def,type-arg]
    from pos.config import Settings
    from pos.shifts.keeping import keep_unkept_z, unkept_z

    manager = till_2["MGR"]
    reports, receipts = tmp_path / "reports", tmp_path / "receipts"
    settings = Settings().with_receipts_in(receipts)
    assert unkept_z(demo_engine, "till-2", reports) is None  # no shift yet
    open_shift(as_staff(demo_engine, manager, "till-2"), 5_000)
    assert unkept_z(demo_engine, "till-2", reports) is None  # open: no Z to keep
    # The Z commits; the till is killed before it saves, prints or backs up anything.
    closed = close_shift(as_staff(demo_engine, manager, "till-2"), manager, counted_pence=4_880, note="Counted twice")
    if demo_engine.dialect.name != "sqlite":  # each machine has its own reports folder: it may have been kept elsewhere
        assert unkept_z(demo_engine, "till-2", reports) is None
        return
    found = unkept_z(demo_engine, "till-2", reports)
    assert found == closed  # read back from the ledger: the same shift, cash-up, count and note
    said = keep_unkept_z(demo_engine, "till-2", settings, reports, brief=True)
    assert said[0] == (f"Shift {closed.shift.id} closed: expected £50.00, counted £48.80, £1.20 short, "
                       "before the till stopped; its Z is kept now.")
    assert said[1:3] == [f"Z saved in {reports}/.", "Printed."]
    assert len(list(reports.glob(f"z-till-2-shift-{closed.shift.id}-*.pdf"))) == 1
    assert (receipts / f"z-till-2-shift-{closed.shift.id}.bin").exists()
    assert keep_unkept_z(demo_engine, "till-2", settings, reports) == []  # kept once, never again
