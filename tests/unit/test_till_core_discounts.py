"""The till core's discounts, price overrides and split tender, without its face (as test_till_core.py)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text

from common.errors import NotAllowed, PaymentError
from common.values import Actor, ReceiptRef, StaffMember, Tender
from pos.sales.history import receipt_for
from pos.sales.pricing import Discount, PriceOverride
from pos.sales.till_core import (
    ApprovalNeeded, BasketChanged, Event, Problem, SaleCompleted, SaleRefused, SaleSaving, TillCore,
)
from receipts.escpos_receipt import receipt_text
from receipts.model import StoreHeader
from ledger_helpers import staffed

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55
COLLAB_L = "2000000000527"  # Collab Coach Jacket, L, Black, £85
CAP_STONE = "2000000000626"  # Strap Cap, OS, Stone, £22
STORE = StoreHeader(name="Test Shop")
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))


class Till:
    """A signed-in cashier's till core on `engine`, with the events it reported."""

    def __init__(self, engine: Engine, cashier: StaffMember) -> None:
        self.events: list[Event] = []
        self.core = TillCore(Actor.signed_in(cashier, "till-1"), STORE, listener=self.events.append)
        self.core.open(lambda: engine)

    def take(self) -> list[Event]:
        taken, self.events[:] = list(self.events), []
        return taken


@pytest.fixture
def people(demo_engine: Engine) -> dict[str, StaffMember]:
    return staffed(demo_engine, *PEOPLE)


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_split_tender_part_cash_then_card_completes_when_fully_paid(demo_engine: Engine, people: dict[str, StaffMember]) -> None:
    till = Till(demo_engine, people["AMA"])
    till.core.enter(HOODIE_M)
    till.take()
    assert till.core.add_tender(till.core.cash_part(2000)) is None  # £20 of £55: the rest is left to pay
    assert till.take() == [BasketChanged("Paid £20.00 by cash; £35.00 left to pay (F5 cash, F6 card).")]
    assert (till.core.paid_pence, till.core.left_to_pay_pence) == (2000, 3500)
    with pytest.raises(PaymentError, match="more than the £35.00 left to pay"):
        till.core.card(3600)  # a card never pays more than is left: change only comes from cash
    pending = till.core.add_tender(till.core.card())
    assert pending is not None and pending.tenders == (Tender("cash", 2000, 2000), Tender("card", 3500, 3500))
    assert [type(event) for event in till.take()] == [SaleSaving, SaleCompleted]
    assert till.core.tenders == [] and till.core.basket.is_empty()
    assert _rows(demo_engine, "SELECT tender, amount_pence, tendered_pence, change_pence FROM payments ORDER BY id") == [
        ("cash", 2000, 2000, 0), ("card", 3500, 3500, 0),
    ]


def test_card_first_then_cash_gives_change_only_from_the_cash(demo_engine: Engine, people: dict[str, StaffMember]) -> None:
    till = Till(demo_engine, people["AMA"])
    till.core.enter(HOODIE_M)
    till.core.add_tender(till.core.card(3000))
    pending = till.core.add_tender(till.core.cash_part(3000))  # £30 handed over for the £25 left
    assert pending is not None and pending.change_pence == 500
    assert till.core.last_sale is not None
    printed = receipt_text(receipt_for(demo_engine, ReceiptRef("till-1", 1), STORE).receipt)
    assert "Card" in printed and "£30.00" in printed and "Change" in printed and "£5.00" in printed


def test_a_tender_can_be_removed_before_the_sale_completes(demo_engine: Engine, people: dict[str, StaffMember]) -> None:
    till = Till(demo_engine, people["AMA"])
    till.core.enter(HOODIE_M)
    till.core.add_tender(till.core.card(1000))
    till.core.add_tender(till.core.cash_part(500))
    till.take()
    assert till.core.remove_tender() == Tender("cash", 500, 500)  # the last one, by default
    assert till.take() == [BasketChanged("Removed the cash payment of £5.00; £45.00 left to pay.")]
    assert till.core.remove_tender(0) == Tender("card", 1000, 1000)
    with pytest.raises(PaymentError, match="No payment has been taken"):
        till.core.remove_tender()
    till.core.pay(till.core.cash())  # today's single payment still works once nothing is paid
    assert _rows(demo_engine, "SELECT tender, amount_pence FROM payments") == [("cash", 5500)]


def test_removing_a_line_after_part_payment_asks_for_a_payment_to_be_removed(
    demo_engine: Engine, people: dict[str, StaffMember],
) -> None:
    till = Till(demo_engine, people["AMA"])
    till.core.enter(HOODIE_M)
    till.core.enter(CAP_STONE)
    till.core.add_tender(till.core.card(6000))
    till.core.remove(0)  # the hoodie goes back: £60 paid for a £22 basket
    with pytest.raises(PaymentError, match=r"The payments taken \(£60.00\) are more than the total of £22.00"):
        till.core.cash()
    till.core.remove_tender()
    till.core.pay(till.core.card())
    assert _rows(demo_engine, "SELECT total_pence FROM sales") == [(2200,)]


def test_a_large_discount_asks_for_a_manager_then_the_sale_records_them(
    demo_engine: Engine, people: dict[str, StaffMember],
) -> None:
    till = Till(demo_engine, people["AMA"])
    for code in (HOODIE_M, COLLAB_L, CAP_STONE):
        till.core.enter(code)
    till.take()
    fifteen = Discount.percent(1500, "Loyal customer")
    with pytest.raises(ApprovalNeeded) as asked:
        till.core.discount_basket(fifteen)
    assert asked.value.what == "A 15% discount"  # the screen shows the approval dialog with these words
    assert till.core.basket.discount is None and till.core.basket.total_pence == 16200  # nothing changed
    till.core.discount_basket(Discount.percent(1000, "Loyal customer"))  # up to 10% a cashier may alone
    assert till.core.basket.total_pence == 14580
    till.core.discount_basket(fifteen, approved_by=people["MGR"])
    assert (till.core.basket.total_pence, till.core.basket.discount_pence) == (13770, 2430)
    assert till.take()[-1] == BasketChanged("Basket 15% off (Loyal customer).")
    till.core.add_tender(till.core.cash_part(6885))
    till.core.pay(till.core.card())
    assert _rows(demo_engine, "SELECT total_pence, discount_pence FROM sales") == [(13770, 2430)]
    assert _rows(demo_engine, """SELECT a.action, s.code FROM audit_events a JOIN staff s ON s.id = a.approved_by_id
                                 WHERE a.action = 'discount'""") == [("discount", "MGR")]


def test_line_discounts_and_overrides_in_the_core(demo_engine: Engine, people: dict[str, StaffMember]) -> None:
    till = Till(demo_engine, people["AMA"])
    till.core.enter(HOODIE_M)
    till.core.enter(CAP_STONE)
    with pytest.raises(ApprovalNeeded, match="A price override needs a manager's approval"):
        till.core.override_price(0, PriceOverride(4500, "Price match"))
    with pytest.raises(NotAllowed, match="not a reason for a price override"):
        till.core.override_price(0, PriceOverride(4500, "Because"), approved_by=people["MGR"])
    till.core.override_price(0, PriceOverride(4500, "Price match"), approved_by=people["MGR"])
    with pytest.raises(NotAllowed, match="more than the £22.00 of line 2"):
        till.core.discount_line(1, Discount.amount(2300, "Damaged item"))
    till.core.discount_line(1, Discount.amount(200, "Damaged item"))  # 3% of the sale, 9.1% of the cap: no manager
    assert till.core.basket.total_pence == 4500 + 2000
    till.core.discount_line(1, None)  # taking a discount off never needs a manager
    till.core.pay(till.core.card())
    assert _rows(demo_engine, "SELECT unit_price_pence, list_price_pence, price_reason FROM sale_lines ORDER BY id") == [
        (4500, 5500, "Price match"), (2200, None, None),
    ]


def test_a_refused_sale_comes_back_with_its_discounts_at_todays_prices(
    demo_engine: Engine, people: dict[str, StaffMember],
) -> None:
    till = Till(demo_engine, people["AMA"])
    till.core.enter(HOODIE_M)
    till.core.discount_basket(Discount.percent(500, "Loyal customer"))
    with demo_engine.begin() as connection:  # a manager corrects the price meanwhile
        connection.execute(text("UPDATE variants SET price_pence = 6000 WHERE barcode = :b"), {"b": HOODIE_M})
    till.take()
    till.core.pay(till.core.card())
    refused = [event for event in till.take() if isinstance(event, SaleRefused)]
    assert refused and "Its items are back in the basket" in refused[0].message
    assert till.core.basket.discount == Discount.percent(500, "Loyal customer")
    assert till.core.basket.total_pence == 5700  # £60 less 5%
    till.core.pay(till.core.card())
    assert _rows(demo_engine, "SELECT total_pence, discount_pence FROM sales") == [(5700, 300)]


def test_a_basket_amount_discount_never_outgrows_the_basket(demo_engine: Engine, people: dict[str, StaffMember]) -> None:
    till = Till(demo_engine, people["AMA"])
    till.core.enter(HOODIE_M)
    till.core.enter(CAP_STONE)
    till.core.discount_basket(Discount.amount(3000, "Loyal customer"), approved_by=people["MGR"])
    till.take()
    till.core.remove(0)  # £30 off would be more than the £22 cap left
    [problem] = till.take()
    assert isinstance(problem, Problem) and "more than the £22.00 of the basket" in problem.message
    assert [line.variant.sku for line in till.core.basket.lines] == ["NBH-BLA-M", "SC-STO-OS"]
    with pytest.raises(NotAllowed, match="more than the £77.00 of the basket"):
        till.core.discount_basket(Discount.amount(7800, "Loyal customer"), approved_by=people["MGR"])
    assert till.core.basket.discount == Discount.amount(3000, "Loyal customer")  # the refused one changed nothing
