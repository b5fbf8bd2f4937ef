"""Discounts, price overrides and split tender in the ledger: stored net, audited, approved by a manager."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from common.errors import NotAllowed, PaymentError
from common.values import ReceiptRef, Tender
from inventory.catalog import look_up_code
from pos.sales.history import receipt_for
from pos.sales.pricing import Discount, DiscountRules, LineTerms, PriceOverride, SaleTerms
from pos.sales.services import complete_sale
from pos.staff.audit import audit_trail
from receipts.escpos_receipt import receipt_text
from receipts.model import StoreHeader
from ledger_helpers import as_staff, staffed

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55, AMO
COLLAB_L = "2000000000527"  # Collab Coach Jacket, L, Black, £85, AMO 40 / KBL 30 / RNV 30
CAP_STONE = "2000000000626"  # Strap Cap, OS, Stone, £22, TSA
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"), ("BEN", "Ben", "cashier", "1111"))
RULES = DiscountRules()
STORE = StoreHeader(name="Test Shop")


def _ids(engine: Engine, *codes: str) -> list[int]:
    return [look_up_code(engine, code).variant_id for code in codes]


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_a_manager_approved_basket_discount_is_stored_net_attributed_exactly_and_audited(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    hoodie, jacket, cap = _ids(demo_engine, HOODIE_M, COLLAB_L, CAP_STONE)
    terms = SaleTerms(basket=Discount.percent(1500, "Loyal customer"), approved_by=people["MGR"], rules=RULES)
    # £162.00 less 15% (£24.30) = £137.70, half cash half card
    tenders = [Tender("cash", 6885, 7000), Tender("card", 6885, 6885)]
    sale = complete_sale(as_staff(demo_engine, people["AMA"]), [(hoodie, 1), (jacket, 1), (cap, 1)], tenders,
                         store=STORE, terms=terms)
    assert (sale.total_pence, sale.change_pence) == (13770, 115)  # change from the cash
    assert _rows(demo_engine, "SELECT total_pence, discount_pence, vat_pence FROM sales") == [(13770, 2430, 2295)]
    lines = _rows(demo_engine, "SELECT sku, unit_price_pence, discount_pence, line_total_pence, discount_reason,"
                               " list_price_pence FROM sale_lines ORDER BY id")
    assert lines == [
        ("NBH-BLA-M", 5500, 825, 4675, "basket 15% off (Loyal customer)", None),
        ("CCJ-BLA-L", 8500, 1275, 7225, "basket 15% off (Loyal customer)", None),
        ("SC-STO-OS", 2200, 330, 1870, "basket 15% off (Loyal customer)", None),
    ]
    # every designer's part adds up to the line's net amount, and the VAT too
    assert _rows(demo_engine, """
        SELECT l.line_total_pence, l.vat_pence, SUM(a.gross_pence), SUM(a.vat_pence) FROM sale_lines l
        JOIN line_attributions a ON a.sale_line_id = l.id GROUP BY l.id, l.line_total_pence, l.vat_pence ORDER BY l.id
    """) == [(4675, 779, 4675, 779), (7225, 1204, 7225, 1204), (1870, 312, 1870, 312)]
    [entry] = [entry for entry in audit_trail(demo_engine) if entry.action == "discount"]
    assert (entry.staff, entry.approved_by, entry.reference) == ("AMA", "MGR", "till-1/000001")
    assert entry.detail == "basket 15% off (Loyal customer): -£24.30"
    # the receipt rebuilt from the ledger is the one printed, discounts and both tenders included
    rebuilt = receipt_for(demo_engine, ReceiptRef("till-1", 1), STORE)
    assert receipt_text(rebuilt.receipt) == receipt_text(sale.receipt)
    printed = receipt_text(sale.receipt)
    assert [line.split() for line in printed.splitlines() if "off" in line][0] == \
        ["basket", "15%", "off", "(Loyal", "customer)", "-£8.25"]  # under the hoodie: its part of the discount
    assert "Discounts" in printed and "-£24.30" in printed
    assert "Cash" in printed and "£70.00" in printed and "Card" in printed and "£68.85" in printed


def test_a_cashier_cannot_give_a_large_discount_or_override_a_price_and_nothing_is_written(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    [hoodie] = _ids(demo_engine, HOODIE_M)
    uow = as_staff(demo_engine, people["AMA"])
    big = SaleTerms(lines={hoodie: LineTerms(discount=Discount.percent(1500, "Loyal customer"))}, rules=RULES)
    with pytest.raises(NotAllowed, match=r"A 15% discount needs a manager's approval"):
        complete_sale(uow, [(hoodie, 1)], [Tender("card", 4675, 4675)], terms=big)
    by_cashier = SaleTerms(big.lines, approved_by=people["BEN"], rules=RULES)
    with pytest.raises(NotAllowed, match="Ben is not a manager, so cannot approve A 15% discount"):
        complete_sale(uow, [(hoodie, 1)], [Tender("card", 4675, 4675)], terms=by_cashier)
    override = SaleTerms(lines={hoodie: LineTerms(PriceOverride(5000, "Price match"))}, rules=RULES)
    with pytest.raises(NotAllowed, match="A price override needs a manager's approval"):
        complete_sale(uow, [(hoodie, 1)], [Tender("card", 5000, 5000)], terms=override)
    assert _rows(demo_engine, "SELECT COUNT(*) FROM sales") == [(0,)]
    assert not [entry for entry in audit_trail(demo_engine) if entry.action in ("discount", "price_override")]
    # up to the threshold a cashier may discount alone
    small = SaleTerms(lines={hoodie: LineTerms(discount=Discount.percent(1000, "Loyal customer"))}, rules=RULES)
    sale = complete_sale(uow, [(hoodie, 1)], [Tender("card", 4950, 4950)], terms=small)
    assert sale.receipt_no == 1  # the refusals used no receipt number
    [entry] = audit_trail(demo_engine)[-1:]
    assert (entry.action, entry.approved_by, entry.detail) == ("discount", "", "NBH-BLA-M 10% off (Loyal customer): -£5.50")


def test_an_override_stores_the_catalogue_price_and_why_and_prints_both(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    [hoodie] = _ids(demo_engine, HOODIE_M)
    terms = SaleTerms(lines={hoodie: LineTerms(PriceOverride(4500, "Price match"), Discount.amount(500, "Damaged item"))},
                      approved_by=people["MGR"], rules=RULES)
    sale = complete_sale(as_staff(demo_engine, people["AMA"]), [(hoodie, 2)], [Tender("cash", 8500, 10000)], terms=terms)
    assert (sale.total_pence, sale.change_pence) == (8500, 1500)
    assert _rows(demo_engine, "SELECT unit_price_pence, list_price_pence, price_reason, discount_pence, line_total_pence,"
                              " discount_reason FROM sale_lines") == [(4500, 5500, "Price match", 500, 8500,
                                                                       "£5.00 off (Damaged item)")]
    actions = [(entry.action, entry.approved_by, entry.detail) for entry in audit_trail(demo_engine)[-2:]]
    assert actions == [
        ("price_override", "MGR", "NBH-BLA-M £55.00 -> £45.00 (Price match)"),
        ("discount", "MGR", "NBH-BLA-M £5.00 off (Damaged item): -£5.00"),
    ]
    printed = receipt_text(receipt_for(demo_engine, ReceiptRef("till-1", 1), STORE).receipt)
    assert "2 x £45.00" in printed and "Price was £55.00 (Price match)" in printed
    assert "£5.00 off (Damaged item)" in printed and "Change" in printed


def test_a_reason_not_configured_or_a_discount_larger_than_the_line_is_refused(demo_engine: Engine) -> None:
    people = staffed(demo_engine, *PEOPLE)
    [hoodie] = _ids(demo_engine, HOODIE_M)
    uow = as_staff(demo_engine, people["AMA"])
    for terms, message in (
        (SaleTerms(basket=Discount.percent(500, "Friend of mine"), rules=RULES), "not a reason for a discount"),
        (SaleTerms(basket=Discount.amount(6000, "Loyal customer"), approved_by=people["MGR"], rules=RULES),
         "more than the £55.00 of the basket"),
    ):
        with pytest.raises(NotAllowed, match=message):
            complete_sale(uow, [(hoodie, 1)], [Tender("card", 5225, 5225)], terms=terms)
    with pytest.raises(PaymentError, match="A card payment of £55.00 towards £52.25 cannot be right"):
        complete_sale(uow, [(hoodie, 1)], [Tender("card", 5500, 5500)],
                      terms=SaleTerms(basket=Discount.percent(500, "Loyal customer"), rules=RULES))
    assert _rows(demo_engine, "SELECT COUNT(*) FROM sales") == [(0,)]
