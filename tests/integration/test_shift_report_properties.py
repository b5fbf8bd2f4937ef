"""hypothesis: for any sequence of sales, refunds, paid-ins and paid-outs on a shift, the X says the
drawer should hold the float plus the cash that came in less the cash that went out, and the designers'
net adds up exactly to the net sales (and to the tenders). Both engines; one ledger, a new shift per example.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from common.errors import NotAllowed
from common.values import Actor, ReceiptRef, Tender
from inventory.catalog import look_up_code
from pos.reports.shift import x_report
from pos.sales.pricing import Discount, SaleTerms
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.sales.tills import add_till
from pos.shifts.services import close_shift, move_cash, open_shift
from ledger_helpers import as_staff, staffed
from property_sizes import examples

TILL = "till-2"
SKUS = ("NBH-BLA-M", "CCJ-BLA-L", "SC-STO-OS", "RLT-WHI-M", "TTT-GRE-L", "PC-NAV-S")  # CCJ: three designers


@dataclass(frozen=True)
class Sell:
    items: tuple[tuple[int, int], ...]  # (index into SKUS, quantity)
    discount_pence: int  # off the basket (0: none), at most half of it
    cash_share: int  # percent of the total paid in cash (the rest by card)
    extra_cash_pence: int  # handed over beyond the cash part, given back as change when cash pays the rest


@dataclass(frozen=True)
class RefundOne:
    sale: int  # index into the sales made so far (modulo)
    to: str | None  # cash, card, or None (card first)


@dataclass(frozen=True)
class Move:
    kind: str
    amount_pence: int


sells = st.builds(
    Sell,
    items=st.lists(st.tuples(st.integers(0, len(SKUS) - 1), st.integers(1, 2)), min_size=1, max_size=3,
                   unique_by=lambda item: item[0]).map(tuple),
    discount_pence=st.integers(0, 3000),
    cash_share=st.sampled_from((0, 100, 100, 37)),
    extra_cash_pence=st.integers(0, 2000),
)
refunds = st.builds(RefundOne, sale=st.integers(0, 50), to=st.sampled_from(("cash", "card", None)))
moves = st.builds(Move, kind=st.sampled_from(("paid_in", "paid_out")), amount_pence=st.integers(1, 20_000))
operations = st.lists(st.one_of(sells, sells, refunds, moves), max_size=8)


def test_expected_cash_and_designers_add_up_for_any_day(demo_engine: Engine) -> None:
    engine = demo_engine
    people = staffed(engine, ("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
    mgr, ama = people["MGR"], people["AMA"]
    add_till(engine, TILL, Actor("test"))
    variants = [look_up_code(engine, sku) for sku in SKUS]
    receipts = count(1)

    @settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(float_pence=st.integers(0, 30_000), steps=operations)
    def day(float_pence: int, steps: list[Sell | RefundOne | Move]) -> None:
        open_shift(as_staff(engine, mgr, TILL), float_pence)
        cash_in = cash_out = 0
        sales: list[tuple[int, list[str]]] = []  # receipt number, SKUs not yet refunded
        for step in steps:
            if isinstance(step, Sell):
                undiscounted = sum(variants[index].price_pence * quantity for index, quantity in step.items)
                off = min(step.discount_pence, undiscounted // 2)
                total = undiscounted - off
                cash_part = total * step.cash_share // 100
                tenders = []
                if cash_part:
                    handed = cash_part + (step.extra_cash_pence if cash_part == total else 0)
                    tenders.append(Tender("cash", cash_part, handed))
                if total - cash_part:
                    tenders.append(Tender("card", total - cash_part, total - cash_part))
                terms = SaleTerms(basket=Discount.amount(off, "Loyal customer"), approved_by=mgr) if off else SaleTerms()
                complete_sale(as_staff(engine, ama, TILL),
                              [(variants[index].variant_id, quantity) for index, quantity in step.items],
                              tenders, terms=terms)
                cash_in += cash_part  # what stays in the drawer: handed over less change
                sales.append((next(receipts), [SKUS[index] for index, _ in step.items]))
            elif isinstance(step, RefundOne):
                open_sales = [(number, skus) for number, skus in sales if skus]
                if not open_sales:
                    continue
                number, skus = open_sales[step.sale % len(open_sales)]
                sku = skus[0]
                try:
                    refund = refund_sale(as_staff(engine, ama, TILL), ReceiptRef(TILL, number), [(sku, 1, False)],
                                         approved_by=mgr, to=step.to)
                except NotAllowed as refused:  # its cash would have to come out of a drawer that has less
                    assert "drawer should hold" in str(refused)
                    assert float_pence + cash_in - cash_out < variants[SKUS.index(sku)].price_pence
                    continue
                skus.pop(0)
                next(receipts)  # refunds take the till's next receipt number too
                cash_out += refund.to.get("cash", 0)
            else:
                in_drawer = float_pence + cash_in - cash_out
                if step.kind == "paid_out" and step.amount_pence > in_drawer:
                    try:
                        move_cash(as_staff(engine, mgr, TILL), step.kind, step.amount_pence, "Supplies", mgr)
                    except NotAllowed:
                        continue  # refused, and nothing recorded: the figures below prove it
                    raise AssertionError("a paid-out of more than the drawer holds was accepted")
                move_cash(as_staff(engine, mgr, TILL), step.kind, step.amount_pence, "Supplies", mgr)
                if step.kind == "paid_in":
                    cash_in += step.amount_pence
                else:
                    cash_out += step.amount_pence

        report = x_report(engine, TILL)
        assert report.expected_cash_pence == float_pence + cash_in - cash_out
        assert report.cash.expected_cash_pence == report.expected_cash_pence
        assert sum(row.net_pence for row in report.by_participant) == report.net_pence
        assert sum(row.vat_pence for row in report.by_participant) == report.vat_pence
        assert sum(report.by_tender.values()) == report.net_pence
        assert sum(row.takings_pence for row in report.vat_by_rate) == report.net_pence
        assert sum(row.net_pence for row in report.by_design) == report.net_pence
        assert sum(row.net_pence for row in report.by_hour) == report.net_pence
        assert sum(row.net_pence for row in report.by_cashier) == report.net_pence
        assert report.by_tender.get("cash", 0) == cash_in - cash_out - report.cash.paid_in_pence \
            + report.cash.paid_out_pence
        assert report.expected_cash_pence >= 0  # neither a paid-out nor a cash refund takes out more than is there
        close_shift(as_staff(engine, mgr, TILL), mgr, counted_pence=report.expected_cash_pence)

    day()
