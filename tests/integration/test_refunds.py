"""Refunds and exchanges through the services, on SQLite and PostgreSQL: the rules a manager relies on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from common.errors import NotAllowed, PaymentError
from common.values import ReceiptRef
from inventory.stock import damaged_stock, on_hand
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.services import complete_sale
from pos.sales.history import refund_receipt_for, sale_for_return
from pos.sales.references import UnknownReceipt, parse_reference
from pos.sales.refunds import exchange, refund_sale, refund_value, units_value
from pos.staff.audit import audit_trail
from receipts.model import StoreHeader
from receipts.refund_slip import refund_slip_text
from ledger_helpers import as_staff, staffed
from refund_helpers import PEOPLE, awkward_catalogue, sell, variants


@pytest.fixture
def shop(engine: Engine, tmp_path: Path) -> Engine:
    return awkward_catalogue(engine, tmp_path)


@pytest.fixture
def people(shop: Engine) -> dict[str, object]:
    return staffed(shop, *PEOPLE)


def ledger_counts(engine: Engine) -> dict[str, int]:
    tables = ("refunds", "refund_lines", "refund_attributions", "refund_payments", "stock_movements", "audit_events")
    with engine.connect() as connection:
        counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in tables}
        counts["last_receipt_no"] = connection.execute(text("SELECT last_receipt_no FROM tills WHERE name = 'till-1'")).scalar_one()
    return counts


def designer_nets(engine: Engine) -> dict[int, tuple[int, int]]:
    """participant id -> (gross sold − gross refunded, VAT sold − VAT refunded)."""
    with engine.connect() as connection:
        sold = dict(((pid, (g, v)) for pid, g, v in connection.execute(text(
            "SELECT participant_id, sum(gross_pence), sum(vat_pence) FROM line_attributions GROUP BY participant_id"))))
        back = dict(((pid, (g, v)) for pid, g, v in connection.execute(text(
            "SELECT participant_id, sum(gross_pence), sum(vat_pence) FROM refund_attributions GROUP BY participant_id"))))
    return {pid: (g - back.get(pid, (0, 0))[0], v - back.get(pid, (0, 0))[1]) for pid, (g, v) in sold.items()}


def test_a_cashier_cannot_refund_and_nothing_is_written(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("TEN", 1)])
    before = ledger_counts(shop)
    with pytest.raises(NotAllowed, match="A refund needs a manager's approval"):
        refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], approved_by=None)
    with pytest.raises(NotAllowed, match="Ama is not a manager, so cannot approve A refund"):
        refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], approved_by=people["AMA"])
    with pytest.raises(NotAllowed, match="An exchange needs a manager's approval"):
        exchange(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], [(variants(shop)["TEN"][0], 1)], approved_by=None)
    assert ledger_counts(shop) == before


def test_a_refund_gives_back_what_the_line_brought_in_to_cash_with_its_own_number(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("TEN", 3), ("BOOK", 1)])
    assert ref == ReceiptRef("till-1", 1)
    refund = refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], approved_by=people["MGR"], reason="too big")
    assert refund.reference == ReceiptRef("till-1", 2)  # the till's counter, shared with sales
    assert refund.original == ref
    assert refund.total_pence == 333 and refund.to == {"cash": 333}  # 999 over 3 units: 333 each
    assert refund.vat_pence == 56  # the line's VAT 167 over 3 units: 56, 56, 55
    next_sale = sell(shop, people["AMA"], [("BOOK", 1)])
    assert next_sale == ReceiptRef("till-1", 3)
    with shop.connect() as connection:
        sale_total = connection.execute(text("SELECT total_pence FROM sales WHERE receipt_no = 1")).scalar_one()
    assert sale_total == 999 + 499  # the original sale is unchanged


def test_partial_refunds_of_a_line_add_up_to_exactly_its_total(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("TRIO", 3)])  # 3 × 3337 = 10011: 3337 each; shares 3334/3333/3333
    line_total, line_vat = 10011, 1669
    amounts, vats = [], []
    for _ in range(3):
        refund = refund_sale(as_staff(shop, people["AMA"]), ref, [("TRIO", 1, False)], approved_by=people["MGR"])
        amounts.append(refund.total_pence)
        vats.append(refund.vat_pence)
    assert amounts == [3337, 3337, 3337] and sum(amounts) == line_total
    assert sum(vats) == line_vat and vats == [557, 556, 556]  # the first units carry the extra penny
    assert all(net == (0, 0) for net in designer_nets(shop).values())


def test_the_first_units_returned_carry_the_extra_pennies(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("DUO", 3)])  # 2103 over 3 units: 701 each, no remainder
    assert [refund_value(1000, 3, before, 1) for before in range(3)] == [334, 333, 333]
    assert units_value(1000, 3, 3) == 1000
    refund = refund_sale(as_staff(shop, people["AMA"]), ref, [("DUO", 2, False)], approved_by=people["MGR"])
    assert refund.total_pence == 1402


def test_nobody_returns_more_than_was_sold_in_one_go_or_several(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("TEN", 2)])
    cashier, manager = people["AMA"], people["MGR"]
    with pytest.raises(NotAllowed, match="2 sold on till-1/000001, 2 left to return; 3 cannot be returned"):
        refund_sale(as_staff(shop, cashier), ref, [("TEN", 3, False)], approved_by=manager)
    with pytest.raises(NotAllowed, match="0 left to return; 1 cannot"):  # two requests for one line count together
        refund_sale(as_staff(shop, cashier), ref, [("TEN", 2, False), ("TEN", 1, True)], approved_by=manager)
    refund_sale(as_staff(shop, cashier), ref, [("TEN", 1, False)], approved_by=manager)
    before = ledger_counts(shop)
    with pytest.raises(NotAllowed, match="1 left to return; 2 cannot be returned"):
        refund_sale(as_staff(shop, cashier), ref, [("TEN", 2, False)], approved_by=manager)
    refund_sale(as_staff(shop, cashier), ref, [("TEN", 1, False)], approved_by=manager)
    with pytest.raises(NotAllowed, match="0 left to return"):
        refund_sale(as_staff(shop, cashier), ref, [("TEN", 1, False)], approved_by=manager)
    assert sale_for_return(shop, ref).fully_returned
    assert ledger_counts(shop)["refunds"] == before["refunds"] + 1


@pytest.mark.parametrize(
    ("reference", "lines", "says"),
    [
        (ReceiptRef("till-1", 99), [("TEN", 1, False)], "There is no receipt till-1/000099"),
        (ReceiptRef("till-9", 1), [("TEN", 1, False)], "There is no receipt till-9/000001"),
        (ReceiptRef("till-1", 1), [("TRIO", 1, False)], "SKU TRIO is not on receipt till-1/000001"),
        (ReceiptRef("till-1", 1), [(987654, 1, False)], "line 987654 is not on receipt"),
        (ReceiptRef("till-1", 1), [("TEN", 0, False)], "a quantity of at least 1"),
        (ReceiptRef("till-1", 1), [("TEN", -1, False)], "a quantity of at least 1"),
        (ReceiptRef("till-1", 1), [], "at least one line"),
    ],
)
def test_bad_requests_are_refused_in_words_and_write_nothing(shop: Engine, people, reference, lines, says) -> None:  # type: ignore[no-untyped-def]
    sell(shop, people["AMA"], [("TEN", 1)])
    before = ledger_counts(shop)
    with pytest.raises((NotAllowed, UnknownReceipt), match=says):
        refund_sale(as_staff(shop, people["AMA"]), reference, lines, approved_by=people["MGR"])
    assert ledger_counts(shop) == before


def test_a_refund_slip_is_not_a_sale_to_refund(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("TEN", 2)])
    refund = refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], approved_by=people["MGR"])
    with pytest.raises(NotAllowed, match="till-1/000002 is a refund slip, not a sale"):
        refund_sale(as_staff(shop, people["AMA"]), refund.reference, [("TEN", 1, False)], approved_by=people["MGR"])


def test_a_split_sale_refunds_card_first_then_cash_unless_the_manager_chooses(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    cashier, manager = people["AMA"], people["MGR"]
    ref = sell(shop, cashier, [("TRIO", 3)], card_pence=5000)  # 10011: 5000 card, 5011 cash
    first = refund_sale(as_staff(shop, cashier), ref, [("TRIO", 1, False)], approved_by=manager)
    assert first.to == {"card": 3337}
    second = refund_sale(as_staff(shop, cashier), ref, [("TRIO", 1, False)], approved_by=manager)
    assert second.to == {"card": 5000 - 3337, "cash": 3337 - (5000 - 3337)}  # card is used up, the rest is cash
    third = refund_sale(as_staff(shop, cashier), ref, [("TRIO", 1, False)], approved_by=manager)
    assert third.to == {"cash": 3337}
    other = sell(shop, cashier, [("TEN", 1)], card_pence=333)
    sell(shop, cashier, [("TEN", 1)])  # £3.33 cash into a drawer the refunds above emptied
    chosen = refund_sale(as_staff(shop, cashier), other, [("TEN", 1, False)], approved_by=manager, to="cash")
    assert chosen.to == {"cash": 333}
    with pytest.raises(NotAllowed, match="Exchange credit is only for an exchange"):
        refund_sale(as_staff(shop, cashier), other, [("TEN", 1, False)], approved_by=manager, to="exchange")


def test_returned_goods_go_back_to_stock_or_to_damaged_stock(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ten = variants(shop)["TEN"][0]
    ref = sell(shop, people["AMA"], [("TEN", 3)])
    assert on_hand(shop, ten) == 497
    refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False), ("TEN", 2, True)], approved_by=people["MGR"])
    assert on_hand(shop, ten) == 498  # saleable stock: the good one is back on the shelf
    assert damaged_stock(shop, ten) == 2  # the damaged ones are counted apart, never sold
    with shop.connect() as connection:
        kinds = connection.execute(text(
            "SELECT kind, quantity, reference FROM stock_movements WHERE variant_id = :v AND kind IN ('returned', 'damaged') "
            "ORDER BY id"), {"v": ten}).all()
    assert [tuple(row) for row in kinds] == [
        ("returned", 1, "till-1/000002"), ("returned", 2, "till-1/000002"), ("damaged", -2, "till-1/000002"),
    ]


def test_a_refund_is_audited_with_its_approver_in_the_same_transaction(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("TEN", 1)])
    refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 1, True)], approved_by=people["MGR"], reason="seam split")
    [entry] = [entry for entry in audit_trail(shop) if entry.action == "refund"]
    assert (entry.staff, entry.approved_by, entry.till, entry.reference) == ("AMA", "MGR", "till-1", "till-1/000002")
    assert "£3.33 of till-1/000001" in entry.detail and "seam split" in entry.detail and "(damaged)" in entry.detail


def test_the_refund_slip_rebuilt_from_the_ledger_is_the_one_printed(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    store = StoreHeader(name="Makers")
    ref = sell(shop, people["AMA"], [("TEN", 3), ("TRIO", 1)], card_pence=1000)
    refund = refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 2, False), ("TRIO", 1, True)],
                         approved_by=people["MGR"], store=store)
    rebuilt = refund_receipt_for(shop, refund.reference, store)
    assert rebuilt == refund
    text_slip = refund_slip_text(rebuilt.slip)
    for expected in ("REFUND", "Refund till-1/000002", "Of receipt till-1/000001", "Approved by Sam",
                     "Trio Jacket", "damaged", "To card", "£10.00", "To cash"):
        assert expected in text_slip, expected
    with pytest.raises(UnknownReceipt):
        refund_receipt_for(shop, ReceiptRef("till-1", 1), store)  # a sale, not a refund


def test_a_sale_found_by_its_reference_shows_what_is_left_to_return(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    ref = sell(shop, people["AMA"], [("TEN", 3), ("BOOK", 1)], card_pence=500)
    refund_sale(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], approved_by=people["MGR"])
    found = sale_for_return(shop, parse_reference(" till-1/000001 "))
    assert [(line.sku, line.quantity, line.returned, line.returnable) for line in found.lines] == [
        ("TEN", 3, 1, 2), ("BOOK", 1, 0, 1),
    ]
    assert found.lines[0].refund_for(2) == 666
    assert dict(found.payments) == {"card": 500, "cash": 999 + 499 - 500}
    assert found.refunds == (ReceiptRef("till-1", 2),)
    with pytest.raises(NotAllowed, match="is not a receipt reference"):
        parse_reference("till-1 000001")


def test_an_exchange_is_a_refund_and_a_sale_in_one_transaction(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    known = variants(shop)
    ref = sell(shop, people["AMA"], [("TRIO", 1)], card_pence=3337)
    # Pays more: £33.37 back, a £66.74 pair of jackets, the customer pays £33.37 on top in cash.
    done = exchange(as_staff(shop, people["AMA"]), ref, [("TRIO", 1, False)], [(known["TRIO"][0], 2)],
                    [cash_tender(3337, 4000)], approved_by=people["MGR"])
    assert done.refund.reference == ReceiptRef("till-1", 2) and done.sale.reference == ReceiptRef("till-1", 3)
    assert done.refund.to == {"exchange": 3337} and done.difference_pence == 3337
    assert {t.tender: t.amount_pence for t in done.sale.receipt.payments} == {"exchange": 3337, "cash": 3337}
    assert done.refund.slip.exchange_sale == done.sale.reference
    assert refund_receipt_for(shop, done.refund.reference, StoreHeader()) == done.refund
    [entry] = [entry for entry in audit_trail(shop) if entry.action == "exchange"]
    assert entry.approved_by == "MGR" and "new sale till-1/000003" in entry.detail


def test_an_exchange_for_less_refunds_the_difference_to_the_original_tender(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    known = variants(shop)
    ref = sell(shop, people["AMA"], [("TRIO", 1)], card_pence=3337)
    done = exchange(as_staff(shop, people["AMA"]), ref, [("TRIO", 1, False)], [(known["TEN"][0], 1)],
                    approved_by=people["MGR"])
    assert done.refund.to == {"exchange": 333, "card": 3337 - 333}
    assert done.difference_pence == 333 - 3337
    in_cash = sell(shop, people["AMA"], [("TRIO", 1)], card_pence=3337)
    with pytest.raises(NotAllowed, match=r"The drawer should hold £0\.00: the difference of £30\.04 in cash"):
        exchange(as_staff(shop, people["AMA"]), in_cash, [("TRIO", 1, False)], [(known["TEN"][0], 1)],
                 approved_by=people["MGR"], to="cash")


def test_an_exchange_that_is_not_paid_exactly_writes_nothing(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    known = variants(shop)
    ref = sell(shop, people["AMA"], [("TEN", 1)])
    before = ledger_counts(shop)
    with pytest.raises(PaymentError, match=r"take £30.04 for the difference"):
        exchange(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], [(known["TRIO"][0], 1)],
                 approved_by=people["MGR"])
    with pytest.raises(PaymentError, match="there is nothing to pay"):
        exchange(as_staff(shop, people["AMA"]), ref, [("TEN", 1, False)], [(known["TEN"][0], 1)],
                 [cash_tender(100)], approved_by=people["MGR"])
    assert ledger_counts(shop) == before


def test_the_sales_report_is_net_of_refunds_on_the_refunds_trading_day(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, date, datetime

    from pos.reports.sales import sales_report

    saturday, sunday = datetime(2026, 11, 28, 11, tzinfo=UTC), datetime(2026, 11, 29, 11, tzinfo=UTC)
    known = variants(shop)
    sale = complete_sale(as_staff(shop, people["AMA"], now=saturday), [(known["TRIO"][0], 3)],
                         [card_tender(5000), cash_tender(5011)])
    refund_sale(as_staff(shop, people["AMA"], now=sunday), sale.reference, [("TRIO", 2, True)], approved_by=people["MGR"])
    day_one = sales_report(shop, date(2026, 11, 28))
    assert (day_one.gross_pence, day_one.refunds_pence, day_one.by_tender) == (10011, 0, {"card": 5000, "cash": 5011})
    day_two = sales_report(shop, date(2026, 11, 29))
    assert (day_two.sales_count, day_two.refunds_count, day_two.refunds_pence) == (0, 1, 6674)
    assert day_two.gross_pence == -6674 and day_two.by_tender == {"card": -5000, "cash": -1674}
    both = sales_report(shop, date(2026, 11, 28), date(2026, 11, 29))
    assert both.gross_pence == 3337 == sum(both.by_tender.values()) == sum(row.gross_pence for row in both.by_participant)
    assert both.units == 1 and both.by_tender == {"card": 0, "cash": 3337}
    assert {row.code: (row.units, row.gross_pence) for row in both.by_participant} == {
        "AMO": (1, 1113), "KBL": (1, 1112), "RNV": (1, 1112),
    }
    assert both.as_json()["refunds_pence"] == 6674


def test_a_cash_refund_never_takes_more_than_the_drawer_should_hold(shop: Engine, people) -> None:  # type: ignore[no-untyped-def]
    cashier, manager = people["AMA"], people["MGR"]
    paid_by_card = sell(shop, cashier, [("TEN", 2)], card_pence=666)  # the drawer holds only the float: £0.00
    with pytest.raises(NotAllowed, match=r"The drawer should hold £0\.00: a refund of £3\.33 in cash cannot come out"):
        refund_sale(as_staff(shop, cashier), paid_by_card, [("TEN", 1, False)], approved_by=manager, to="cash")
    assert refund_receipts(shop) == []  # nothing was recorded: no refund, no receipt number used
    assert refund_sale(as_staff(shop, cashier), paid_by_card, [("TEN", 1, False)], approved_by=manager).to == {"card": 333}
    sell(shop, cashier, [("TEN", 1)])  # £3.33 cash comes in: now it can go back out
    assert refund_sale(as_staff(shop, cashier), paid_by_card, [("TEN", 1, False)], approved_by=manager,
                       to="cash").to == {"cash": 333}


def refund_receipts(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT receipt_no FROM refunds ORDER BY id")).scalars())
