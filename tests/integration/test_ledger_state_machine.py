"""Random work on two tills through the real services, with the ledger's invariants checked after every step.

A hypothesis state machine sells (cash, card, split; price overrides, line and basket discounts up to a free
basket, approved by a manager where they need it, refused where not), refunds (part of a line, or all that is
left), exchanges, parks and recalls, adjusts and receives stock, counts it (start, two counters scanning and
undoing, approve or cancel), pays cash in and out, and closes shifts with a Z then opens the next, on till-1
and till-2.
A plain-Python model works out independently what each step should do; after every step the ledger must
agree: on-hand equals the sum of movements and the model's figure for every SKU; each open drawer's expected
cash is the float plus cash in less cash out (by the ledger's rows after every step, and by the cash-up the X
and the Z show after every step that moved cash and at the end of each example); designers' attribution adds
up exactly to the net sales; no line is refunded beyond what was sold; receipt numbers run gapless per till.

Size: POS_STATE_MACHINE_STEPS steps on the engine the suite runs on. Unset, CI's size: 6,000 on SQLite and
4,000 on PostgreSQL (10,000 over the two; a PostgreSQL step costs half as much again, and each engine stays
within about 90 s on this 2-core machine). Before an event run 100,000 on each. One ledger serves every
example (a new ledger per example costs more than its steps): each example starts by closing both tills'
shifts and opening new ones, and reads the figures it starts from, so the model's arithmetic is its own
from there on.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, multiple, rule
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy import Connection, Engine, bindparam, event, text

from common.clock import utc_now
from common.errors import NoOpenShift, NotAllowed, PaymentError
from common.money import split_by_weights
from common.values import Actor, ReceiptRef, StaffMember, Tender
from inventory.db import UnitOfWork
from inventory.stock import stock_levels
from pos.sales.parking import ParkedItem, park_basket, parked_baskets, recall_basket
from pos.sales.pricing import NO_SALE_TERMS, Discount, LineTerms, PriceOverride, SaleTerms
from pos.sales.refunds import exchange, refund_sale
from pos.sales.services import complete_sale
from pos.sales.tills import add_till
from pos.shifts.services import cash_up, close_shift, current_shift, move_cash, open_shift, shift_cash_up
from pos.stock.adjustments import adjust_stock
from pos.stock.counts import approve_count, cancel_count, scan_into_count, start_count, undo_last_scan
from pos.stock.receiving import close_delivery, receive_scan, start_delivery, undo_last_receipt
from ledger_helpers import SettableClock, as_staff, staffed
from refund_helpers import PEOPLE, awkward_catalogue, variants

TILLS = ("till-1", "till-2")
SKUS = ("TEN", "TRIO", "DUO", "BOOK")  # £3.33 one designer, £33.37 three, £7.01 two, £4.99 zero-rated
STEPS = int(os.environ.get("POS_STATE_MACHINE_STEPS") or (4_000 if os.environ.get("POS_TEST_DATABASE_URL") else 6_000))
STEPS_PER_EXAMPLE = 50
APPROVAL_BP = 1_000  # discounts above 10% of the sale or of a line need a manager (the default rule)
REASON = "Loyal customer"


# --- the model: what the ledger should say, worked out without it ---------------------------------------


def units_value(total_pence: int, quantity: int, units: int) -> int:
    """What the first `units` of a line brought in: its total spread over its units, first units a penny more."""
    base, extra = divmod(total_pence, quantity)
    return units * base + min(units, extra)


@dataclass
class SoldLine:
    sku: str
    quantity: int
    total_pence: int
    returned: int = 0

    @property
    def left(self) -> int:
        return self.quantity - self.returned


@dataclass
class Sold:
    """A sale the machine made: its receipt, its lines as priced by the model, and card paid less card refunded."""

    reference: ReceiptRef
    lines: dict[str, SoldLine]
    card_left_pence: int


@dataclass
class Drawer:
    shift_id: int
    float_pence: int
    cash_in_pence: int = 0  # cash kept from sales (handed over less change) and paid-ins
    cash_out_pence: int = 0  # cash refunds and paid-outs

    @property
    def expected_pence(self) -> int:
        return self.float_pence + self.cash_in_pence - self.cash_out_pence

    @property
    def figures(self) -> tuple[int, int]:
        """(shift, expected cash): a change means the service's cash-up is due a check."""
        return self.shift_id, self.expected_pence


@dataclass
class OpenCount:
    count_id: int
    scope: tuple[str, ...]
    counted: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)  # on-hand at the SKU's last scan (or undo)
    standing: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # counter -> their scans not undone


@dataclass(frozen=True)
class Parked:
    parked_id: int
    items: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Priced:
    """A basket priced by the model: each line's total after discounts, and whether a manager must approve."""

    totals: tuple[int, ...]
    needs_approval: bool

    @property
    def total_pence(self) -> int:
        return sum(self.totals)


def price(prices: list[int], quantities: list[int], line_off: dict[int, int], basket_bp: int, basket_pence: int,
          *, overridden: bool = False) -> Priced:
    """Line discounts (pence off line i), then a basket discount (a percentage, rounded half up, or pence)
    spread over the lines by largest remainder in proportion to what each line comes to. A price override
    always needs a manager; discounts do above 10% of the sale or of a line."""
    gross = [unit * quantity for unit, quantity in zip(prices, quantities, strict=True)]
    own = [line_off.get(index, 0) for index in range(len(gross))]
    after = [g - o for g, o in zip(gross, own, strict=True)]
    off = (sum(after) * basket_bp + 5_000) // 10_000 if basket_bp else basket_pence
    shares = split_by_weights(off, after) if off else [0] * len(after)
    discounts = [o + s for o, s in zip(own, shares, strict=True)]
    over = [(sum(discounts), sum(gross))] + list(zip(discounts, gross, strict=True))
    needs = overridden or any(d and d * 10_000 > APPROVAL_BP * g for d, g in over)
    return Priced(tuple(a - s for a, s in zip(after, shares, strict=True)), needs)


def cash_and_card(total: int, paid_by: str, extra_pence: int) -> tuple[list[Tender], int, int]:
    """Tenders for `total` paid by cash, card or half each (cash handed over with `extra_pence` given back
    as change); with the cash kept and the card taken. A free basket is settled by £0 in cash, as the till does."""
    card = {"cash": 0, "card": total, "split": total // 2}[paid_by]
    cash = total - card
    tenders = [Tender("cash", cash, cash + extra_pence)] if cash or not total else []
    if card:
        tenders.append(Tender("card", card, card))
    return tenders, cash, card


# --- strategies ------------------------------------------------------------------------------------------

tills = st.sampled_from(TILLS)
skus = st.sampled_from(SKUS)
baskets = st.lists(st.tuples(skus, st.integers(1, 3)), min_size=1, max_size=3, unique_by=lambda item: item[0]).map(tuple)
paid_by = st.sampled_from(("cash", "card", "split"))
# A line discount: (line index, percent of the line in basis points); a basket discount: percent or pence.
line_discounts = st.none() | st.tuples(st.integers(0, 2), st.sampled_from((500, 1000, 1500, 3333, 5000)))
basket_discounts = st.none() | st.sampled_from((("percent", 500), ("percent", 1250), ("percent", 5000),
                                                ("percent", 10_000), ("pence", 50), ("pence", 99), ("pence", 1000)))
overrides = st.none() | st.sampled_from((0, 1, 250, 5000))  # a new unit price for the first line
refund_to = st.sampled_from((None, None, "cash", "card"))


class LedgerMachine(RuleBasedStateMachine):
    """Random till work against one ledger; `check_*` invariants compare it with the model after every step."""

    sales = Bundle("sales")
    parked = Bundle("parked")
    counts = Bundle("counts")

    def __init__(self, engine: Engine, people: dict[str, StaffMember], clock: SettableClock,
                 steps_run: list[int]) -> None:
        super().__init__()
        self.engine = engine
        self.mgr, self.ama = people["MGR"], people["AMA"]
        self.clock = clock
        self.steps_run = steps_run
        known = variants(engine)
        self.variant = {sku: known[sku][0] for sku in SKUS}
        self.unit_price = {sku: known[sku][1] for sku in SKUS}
        self.drawers: dict[str, Drawer] = {}
        self.receipt_no: dict[str, int] = {}
        self.first_receipt: dict[str, int] = {}
        self.on_hand: dict[str, int] = {}
        self.on_hand_at_start: dict[str, int] = {}
        self.net_pence = 0  # sales less refunds made by this example
        self.start: dict[str, int] = {}
        self.cash_checked: dict[str, tuple[int, int]] = {}  # till -> Drawer.figures at its last cash-up check
        self.reader = engine.connect()  # the invariants' connection, kept for the example
        self.steps_checked = 0
        self.clean = False  # the ledger passed the checks since the last write

    # --- helpers ---

    def _as(self, member: StaffMember, till: str | None = None) -> UnitOfWork:
        """A unit of work of `member` at `till`, one second after the last: every row has its own moment."""
        self.clock.now += timedelta(seconds=1)
        self.clean = False
        return UnitOfWork(self.engine, Actor.signed_in(member, till, self.clock))

    def _took_receipt(self, till: str, number: int) -> None:
        self.receipt_no[till] += 1
        assert number == self.receipt_no[till], f"{till} gave receipt {number}, expected {self.receipt_no[till]}"

    def _query(self, connection: Connection, sql: str, **params: object) -> list[tuple]:  # type: ignore[type-arg]
        return [tuple(row) for row in connection.execute(text(sql), params)]

    # --- the start of each example ---

    @initialize(floats=st.tuples(st.integers(0, 30_000), st.integers(0, 30_000)))
    def open_both_tills(self, floats: tuple[int, int]) -> None:
        """Z whatever the last example left open, open both tills with a float, and read the figures to start from."""
        for till, float_pence in zip(TILLS, floats, strict=True):
            shift = current_shift(self.engine, till)
            if shift is not None:
                expected = shift_cash_up(self.engine, shift.id).expected_cash_pence
                close_shift(self._as(self.mgr, till), self.mgr, counted_pence=max(expected, 0))
            opened = open_shift(self._as(self.mgr, till), float_pence)
            self.drawers[till] = Drawer(opened.id, float_pence)
        self.on_hand = {level.sku: level.on_hand for level in stock_levels(self.engine)}
        self.on_hand_at_start = dict(self.on_hand)
        with self.engine.connect() as connection:
            for till, last in self._query(connection, "SELECT name, last_receipt_no FROM tills"):
                self.receipt_no[till] = self.first_receipt[till] = last
            for table in ("sales", "refunds", "sale_lines", "refund_lines", "stock_movements"):
                self.start[table] = self._query(connection, f"SELECT coalesce(max(id), 0) FROM {table}")[0][0]

    # --- selling ---

    def _sell(self, till: str, items: tuple[tuple[str, int], ...], how: str, extra: int,
              terms: SaleTerms, priced: Priced) -> Sold:
        tenders, cash, card = cash_and_card(priced.total_pence, how, extra)
        args = [(self.variant[sku], quantity) for sku, quantity in items]
        sale = complete_sale(self._as(self.ama, till), args, tenders, terms=terms)
        self._took_receipt(till, sale.receipt_no)
        assert sale.total_pence == priced.total_pence
        assert sale.change_pence == (extra if cash else 0)
        self.drawers[till].cash_in_pence += cash
        self.net_pence += priced.total_pence
        for sku, quantity in items:
            self.on_hand[sku] -= quantity
        lines = {sku: SoldLine(sku, quantity, total) for (sku, quantity), total in zip(items, priced.totals, strict=True)}
        stored = self._query(self.reader, "SELECT sku, quantity, line_total_pence FROM sale_lines WHERE sale_id = :s "
                             "ORDER BY id", s=sale.sale_id)
        self.reader.rollback()
        assert stored == [(line.sku, line.quantity, line.total_pence) for line in lines.values()], \
            "the ledger's lines are not the model's, penny for penny"
        return Sold(sale.reference, lines, card)

    @rule(target=sales, till=tills, items=baskets, how=paid_by, extra=st.sampled_from((0, 0, 1, 455, 2000)))
    def sell(self, till: str, items: tuple[tuple[str, int], ...], how: str, extra: int) -> Sold:
        prices = [self.unit_price[sku] for sku, _ in items]
        return self._sell(till, items, how, extra, NO_SALE_TERMS, price(prices, [q for _, q in items], {}, 0, 0))

    @rule(target=sales, till=tills, items=baskets, how=paid_by, override=overrides, line=line_discounts,
          basket=basket_discounts, approved=st.booleans())
    def sell_with_discounts(self, till: str, items: tuple[tuple[str, int], ...], how: str, override: int | None,
                            line: tuple[int, int] | None, basket: tuple[str, int] | None, approved: bool) -> object:
        """A price override, a line discount and/or a basket discount (up to a free basket): a manager approves
        an override and discounts above 10%, and unapproved they are refused."""
        prices = [self.unit_price[sku] for sku, _ in items]
        quantities = [quantity for _, quantity in items]
        terms_of: dict[int, dict[str, object]] = {}
        if override is not None:
            prices[0] = override
            terms_of[0] = {"override": PriceOverride(override, "Price tag differs")}
        line_off: dict[int, int] = {}
        if line is not None and line[0] < len(items):
            index, bp = line
            terms_of.setdefault(index, {})["discount"] = Discount.percent(bp, REASON)
            line_off[index] = (prices[index] * quantities[index] * bp + 5_000) // 10_000
        line_terms = {self.variant[items[index][0]]: LineTerms(**given) for index, given in terms_of.items()}  # type: ignore[arg-type]
        basket_bp = basket[1] if basket and basket[0] == "percent" else 0
        basket_pence = basket[1] if basket and basket[0] == "pence" else 0
        before_basket = sum(p * q for p, q in zip(prices, quantities, strict=True)) - sum(line_off.values())
        if basket_pence > before_basket:
            basket_pence = 0  # an amount off must leave something to pay (a larger one is refused: test_discounts)
        priced = price(prices, quantities, line_off, basket_bp, basket_pence, overridden=override is not None)
        discount = (Discount.percent(basket_bp, REASON) if basket_bp
                    else Discount.amount(basket_pence, REASON) if basket_pence else None)
        terms = SaleTerms(lines=line_terms, basket=discount, approved_by=self.mgr if approved else None)
        if priced.needs_approval and not approved:
            with pytest.raises(NotAllowed, match="manager"):
                self._sell(till, items, how, 0, terms, priced)
            return multiple()
        return self._sell(till, items, how, 0, terms, priced)

    # --- refunds and exchanges ---

    def _returning(self, sold: Sold, pick: int, units: int) -> tuple[SoldLine, int]:
        line = list(sold.lines.values())[pick % len(sold.lines)]
        value = units_value(line.total_pence, line.quantity, line.returned + units) - units_value(
            line.total_pence, line.quantity, line.returned)
        return line, value

    @staticmethod
    def _card_part(sold: Sold, amount: int, to: str | None) -> int:
        """Card first up to what card has left on the sale, then cash (or all to `to`)."""
        return amount if to == "card" else 0 if to == "cash" else min(amount, max(sold.card_left_pence, 0))

    def _overdraws(self, sold: Sold, till: str, amount: int, to: str | None) -> bool:
        """Whether paying `amount` back would take more cash than `till`'s drawer should hold (refused)."""
        return amount - self._card_part(sold, amount, to) > self.drawers[till].expected_pence

    def _paid_back(self, sold: Sold, till: str, amount: int, to: str | None) -> dict[str, int]:
        """Card first up to what card has left on the sale, then cash (or all to `to`); cash leaves the drawer."""
        card = self._card_part(sold, amount, to)
        sold.card_left_pence -= card
        self.drawers[till].cash_out_pence += amount - card
        return {tender: pence for tender, pence in (("card", card), ("cash", amount - card)) if pence}

    def _refused_for_the_drawer(self, attempt: Callable[[], object]) -> None:
        with pytest.raises(NotAllowed, match="drawer should hold"):
            attempt()

    @rule(sold=sales, till=tills, pick=st.integers(0, 2), units=st.integers(1, 4), damaged=st.booleans(), to=refund_to)
    def refund(self, sold: Sold, till: str, pick: int, units: int, damaged: bool, to: str | None) -> None:
        """Units of a line come back, at any till; more than is left on the line is refused and changes nothing."""
        line = list(sold.lines.values())[pick % len(sold.lines)]
        if units > line.left:
            with pytest.raises(NotAllowed):
                refund_sale(self._as(self.ama, till), sold.reference, [(line.sku, units, damaged)],
                            approved_by=self.mgr, to=to)
            return
        _, value = self._returning(sold, pick, units)
        if self._overdraws(sold, till, value, to):
            self._refused_for_the_drawer(lambda: refund_sale(
                self._as(self.ama, till), sold.reference, [(line.sku, units, damaged)], approved_by=self.mgr, to=to))
            return
        done = refund_sale(self._as(self.ama, till), sold.reference, [(line.sku, units, damaged)],
                           approved_by=self.mgr, to=to)
        self._took_receipt(till, done.reference.number)
        assert done.total_pence == value
        assert done.to == self._paid_back(sold, till, value, to)
        line.returned += units
        self.net_pence -= value
        if not damaged:  # a damaged return goes back in and straight out to damaged stock
            self.on_hand[line.sku] += units

    @rule(sold=sales, till=tills, to=refund_to)
    def refund_all_left(self, sold: Sold, till: str, to: str | None) -> None:
        """Everything still on the sale comes back in one refund: each line gives back exactly what it has left."""
        left = [line for line in sold.lines.values() if line.left]
        if not left:
            return
        values = [line.total_pence - units_value(line.total_pence, line.quantity, line.returned) for line in left]
        if self._overdraws(sold, till, sum(values), to):
            self._refused_for_the_drawer(lambda: refund_sale(
                self._as(self.ama, till), sold.reference, [(line.sku, line.left, False) for line in left],
                approved_by=self.mgr, to=to))
            return
        done = refund_sale(self._as(self.ama, till), sold.reference, [(line.sku, line.left, False) for line in left],
                           approved_by=self.mgr, to=to)
        self._took_receipt(till, done.reference.number)
        assert [line.amount_pence for line in done.lines] == values
        assert done.to == self._paid_back(sold, till, sum(values), to)
        self.net_pence -= sum(values)
        for line in left:
            self.on_hand[line.sku] += line.left
            line.returned = line.quantity

    @rule(sold=sales, till=tills, pick=st.integers(0, 2), new_items=baskets, how=st.sampled_from(("cash", "card")),
          to=refund_to)
    def exchange_one(self, sold: Sold, till: str, pick: int, new_items: tuple[tuple[str, int], ...], how: str,
                     to: str | None) -> None:
        """One unit back towards new items: the customer pays the difference, or gets it back."""
        line = list(sold.lines.values())[pick % len(sold.lines)]
        if line.left < 1:
            return
        _, credit = self._returning(sold, pick, 1)
        new_total = sum(self.unit_price[sku] * quantity for sku, quantity in new_items)
        covered = min(credit, new_total)
        due = new_total - covered
        tenders = [Tender(how, due, due)] if due else []
        if self._overdraws(sold, till, credit - covered, to):
            self._refused_for_the_drawer(lambda: exchange(
                self._as(self.ama, till), sold.reference, [(line.sku, 1, False)],
                [(self.variant[sku], quantity) for sku, quantity in new_items], tenders, approved_by=self.mgr, to=to))
            return
        done = exchange(self._as(self.ama, till), sold.reference, [(line.sku, 1, False)],
                        [(self.variant[sku], quantity) for sku, quantity in new_items], tenders,
                        approved_by=self.mgr, to=to)
        self._took_receipt(till, done.refund.reference.number)
        self._took_receipt(till, done.sale.receipt_no)
        back = self._paid_back(sold, till, credit - covered, to)
        assert done.refund.to == ({"exchange": covered, **back} if covered else back)
        assert (done.refund.total_pence, done.sale.total_pence) == (credit, new_total)
        if how == "cash":
            self.drawers[till].cash_in_pence += due
        line.returned += 1
        self.net_pence += new_total - credit
        self.on_hand[line.sku] += 1
        for sku, quantity in new_items:
            self.on_hand[sku] -= quantity

    # --- parking ---

    @rule(target=parked, till=tills, items=baskets)
    def park(self, till: str, items: tuple[tuple[str, int], ...]) -> Parked:
        parked_id = park_basket(self._as(self.ama, till), [ParkedItem(self.variant[sku], q, sku) for sku, q in items],
                                "trying another size")
        return Parked(parked_id, items)

    @rule(target=sales, basket=consumes(parked), till=tills, how=paid_by)
    def recall_and_sell(self, basket: Parked, till: str, how: str) -> Sold:
        """Recalled (on either till), it comes back as parked, leaves the list, and sells at today's prices."""
        recalled = recall_basket(self._as(self.ama, till), basket.parked_id)
        items = tuple((item.sku, item.quantity) for item in recalled.items)
        assert items == basket.items
        assert basket.parked_id not in {info.id for info in parked_baskets(self.engine)}
        prices = [self.unit_price[sku] for sku, _ in items]
        return self._sell(till, items, how, 0, NO_SALE_TERMS, price(prices, [q for _, q in items], {}, 0, 0))

    # --- stock ---

    @rule(sku=skus, change=st.sampled_from((("damaged", -1), ("lost", -2), ("sample", -1), ("found", 3),
                                            ("correction", -7), ("correction", 12))), approved=st.booleans())
    def adjust(self, sku: str, change: tuple[str, int], approved: bool) -> None:
        reason, quantity = change
        if not approved:
            with pytest.raises(NotAllowed, match="manager"):
                adjust_stock(self._as(self.ama), sku, quantity, reason, approved_by=None)
            return
        adjust_stock(self._as(self.mgr), sku, quantity, reason, note="state machine", approved_by=self.mgr)
        self.on_hand[sku] += quantity

    @rule(scans=st.lists(st.tuples(skus, st.integers(1, 24)), min_size=1, max_size=2), undo_last=st.booleans())
    def receive(self, scans: list[tuple[str, int]], undo_last: bool) -> None:
        delivery = start_delivery(self._as(self.ama), "Box from the workshop")
        for sku, quantity in scans:
            receive_scan(self._as(self.ama), delivery, sku, quantity)
            self.on_hand[sku] += quantity
        if undo_last:
            undo_last_receipt(self._as(self.ama), delivery)
            self.on_hand[scans[-1][0]] -= scans[-1][1]
        close_delivery(self._as(self.ama), delivery)

    @rule(target=counts, scope=st.sets(skus, min_size=1).map(lambda chosen: tuple(sorted(chosen))))
    def start_a_count(self, scope: tuple[str, ...]) -> OpenCount:
        return OpenCount(start_count(self._as(self.ama), skus=scope), scope)

    @rule(count=counts, by=st.sampled_from(("AMA", "MGR")), sku=skus, quantity=st.integers(1, 40))
    def scan_count(self, count: OpenCount, by: str, sku: str, quantity: int) -> None:
        """One of two counters scans; outside the count's scope it is refused."""
        counter = self.ama if by == "AMA" else self.mgr
        if sku not in count.scope:
            with pytest.raises(NotAllowed, match="scope"):
                scan_into_count(self._as(counter), count.count_id, sku, quantity)
            return
        done = scan_into_count(self._as(counter), count.count_id, sku, quantity)
        count.counted[sku] = count.counted.get(sku, 0) + quantity
        count.expected[sku] = self.on_hand[sku]
        count.standing.setdefault(by, []).append((sku, quantity))
        assert done.total == count.counted[sku]

    @rule(count=counts, by=st.sampled_from(("AMA", "MGR")))
    def undo_count_scan(self, count: OpenCount, by: str) -> None:
        """A counter takes back their own last scan not yet undone; with none, it is refused."""
        counter = self.ama if by == "AMA" else self.mgr
        if not count.standing.get(by):
            with pytest.raises(NotAllowed, match="no scan"):
                undo_last_scan(self._as(counter), count.count_id)
            return
        sku, quantity = count.standing[by].pop()
        done = undo_last_scan(self._as(counter), count.count_id)
        count.counted[sku] -= quantity
        count.expected[sku] = self.on_hand[sku]
        assert (done.sku, done.quantity, done.total) == (sku, -quantity, count.counted[sku])
        if not count.counted[sku]:  # every scan of it taken back: nobody counted it
            del count.counted[sku]

    @rule(count=consumes(counts), zero_unscanned=st.booleans())
    def approve_a_count(self, count: OpenCount, zero_unscanned: bool) -> None:
        """Each scanned SKU moves by counted - on-hand at its last scan; unscanned ones go to 0 only if confirmed."""
        review = approve_count(self._as(self.mgr), count.count_id, self.mgr, zero_unscanned=zero_unscanned)
        seen = {line.sku: (line.expected, line.counted, line.scanned) for line in review.lines}
        for sku in count.scope:
            if sku in count.counted:
                assert seen[sku] == (count.expected[sku], count.counted[sku], True)
                self.on_hand[sku] += count.counted[sku] - count.expected[sku]
            else:
                assert seen[sku] == (self.on_hand[sku], 0, False)
                if zero_unscanned:
                    self.on_hand[sku] = 0

    @rule(count=consumes(counts))
    def cancel_a_count(self, count: OpenCount) -> None:
        """Cancelling changes no stock (the invariants check it); its scans stay on record."""
        cancel_count(self._as(self.mgr), count.count_id, self.mgr)

    # --- the drawer and the Z ---

    @rule(till=tills, kind=st.sampled_from(("paid_in", "paid_out")), amount=st.integers(1, 40_000))
    def pay_in_or_out(self, till: str, kind: str, amount: int) -> None:
        """A paid-out larger than the drawer should hold is refused and records nothing."""
        drawer = self.drawers[till]
        if kind == "paid_out" and amount > drawer.expected_pence:
            with pytest.raises(NotAllowed, match="cannot come out"):
                move_cash(self._as(self.mgr, till), kind, amount, "Supplies", self.mgr)
            return
        cash = move_cash(self._as(self.mgr, till), kind, amount, "Supplies", self.mgr)
        if kind == "paid_in":
            drawer.cash_in_pence += amount
        else:
            drawer.cash_out_pence += amount
        assert cash.expected_cash_pence == drawer.expected_pence

    @rule(till=tills, short=st.sampled_from((0, 0, 120, -50)), float_pence=st.integers(0, 30_000))
    def z_and_reopen(self, till: str, short: int, float_pence: int) -> None:
        """The Z records the model's expected cash and the variance; the next shift starts from its own float."""
        drawer = self.drawers[till]
        counted = max(drawer.expected_pence - short, 0)
        closed = close_shift(self._as(self.mgr, till), self.mgr, counted_pence=counted, note="state machine")
        assert (closed.shift.id, closed.cash.expected_cash_pence) == (drawer.shift_id, drawer.expected_pence)
        assert closed.variance_pence == counted - drawer.expected_pence
        with pytest.raises(NoOpenShift):  # and the invariants prove it took no receipt number
            complete_sale(self._as(self.ama, till), [(self.variant["TEN"], 1)], [Tender("card", 333, 333)])
        opened = open_shift(self._as(self.mgr, till), float_pence)
        self.drawers[till] = Drawer(opened.id, float_pence)

    # --- the invariants ---

    @invariant()
    def check_ledger(self) -> None:
        """One statement over the example's own rows (not the whole ledger each time), then the service's
        cash-up of each drawer the step should have changed, on a connection kept for the example."""
        if not self.drawers:
            return
        try:
            self._check(self._ledger_now(self.reader))
            self._check_cash_ups(self.reader, {till for till, drawer in self.drawers.items()
                                               if self.cash_checked.get(till) != drawer.figures})
        finally:
            self.reader.rollback()
        self.steps_checked += 1
        self.clean = True

    def teardown(self) -> None:
        """After an example that passed: on-hand as the till shows it (the sum of all movements), and every
        drawer's cash-up."""
        try:
            if self.clean:
                assert {level.sku: level.on_hand for level in stock_levels(self.engine)} == self.on_hand
                self._check_cash_ups(self.reader, set(TILLS))
        finally:
            self.reader.close()
            self.steps_run[0] += max(self.steps_checked - 1, 0)  # the first check is the start's

    def _ledger_now(self, connection: Connection) -> dict[str, dict[object, list[int]]]:
        """kind -> key -> values, from _LEDGER_NOW."""
        found: dict[str, dict[object, list[int]]] = {}
        for kind, key, value in connection.execute(_LEDGER_NOW, {
                **self.start, "shifts": [drawer.shift_id for drawer in self.drawers.values()]}):
            found.setdefault(kind, {}).setdefault(key, []).append(int(value))
        return found

    def _check(self, now: dict[str, dict[object, list[int]]]) -> None:
        one = {kind: {key: values[0] for key, values in rows.items()} for kind, rows in now.items()}
        on_hand = {sku: self.on_hand_at_start[sku] + moved for sku, moved in one["moved"].items()}
        assert on_hand == self.on_hand, "on-hand (the sum of movements) is not what the model moved it to"
        assert one["drawer"] == {str(drawer.shift_id): drawer.expected_pence for drawer in self.drawers.values()}, \
            "a drawer's cash is not the float plus cash in less cash out"
        for till in TILLS:  # every number after the example's first, up to the till's last, used exactly once
            assert one["last_receipt"][till] == self.receipt_no[till], till
            numbers = sorted(now.get("receipt", {}).get(till, []))
            assert numbers == list(range(self.first_receipt[till] + 1, self.receipt_no[till] + 1)), till
        figures = one["figure"]
        assert (figures["lines_off"], figures["refund_lines_off"]) == (0, 0), "designers' parts do not add up to a line"
        assert (figures["over_refunded"], figures["designer_over_refunded"]) == (0, 0), \
            "a line or a designer's part was refunded beyond what it sold"
        assert (figures["designers_sold"] - figures["designers_refunded"] == figures["sold"] - figures["refunded"]
                == self.net_pence), "designers' net, net sales and the model disagree"

    def _check_cash_ups(self, connection: Connection, tills: set[str]) -> None:
        """The cash-up the X and the Z show (pos.shifts.services.cash_up) of each till in `tills`."""
        for till in tills:
            drawer = self.drawers[till]
            assert cash_up(connection, drawer.shift_id).expected_cash_pence == drawer.expected_pence, till
            self.cash_checked[till] = drawer.figures


# Everything the invariants read, in one round trip, as (kind, key, value) rows. Sales, refunds and their
# lines are the example's own (ids above those at its start); earlier examples checked theirs.
#   moved (SKU): the sum of its movements since the example started
#   drawer (shift id): float + cash kept from sales - cash refunds + paid-ins - paid-outs
#   last_receipt (till): the till's counter; receipt (till): each number a sale or refund took
#   figure: lines whose designers' parts do not add up to them (sale lines, refund lines); lines refunded
#           beyond their units or pence, or all back but not exactly their total; designers' parts refunded
#           beyond what they had; sales, refunds and the designers' parts of each, in pence
_LEDGER_NOW = text("""
SELECT 'moved', v.sku, coalesce(sum(m.quantity), 0) FROM variants v
  LEFT JOIN stock_movements m ON m.variant_id = v.id AND m.id > :stock_movements GROUP BY v.sku
UNION ALL
SELECT 'drawer', CAST(sh.id AS VARCHAR(20)), sh.float_pence
  + (SELECT coalesce(sum(p.tendered_pence - p.change_pence), 0) FROM payments p JOIN sales s ON s.id = p.sale_id
     WHERE s.shift_id = sh.id AND p.tender = 'cash')
  - (SELECT coalesce(sum(rp.amount_pence), 0) FROM refund_payments rp JOIN refunds r ON r.id = rp.refund_id
     WHERE r.shift_id = sh.id AND rp.tender = 'cash')
  + (SELECT coalesce(sum(CASE c.kind WHEN 'paid_in' THEN c.amount_pence ELSE -c.amount_pence END), 0)
     FROM cash_movements c WHERE c.shift_id = sh.id)
  FROM shifts sh WHERE sh.id IN :shifts
UNION ALL
SELECT 'last_receipt', name, last_receipt_no FROM tills
UNION ALL
SELECT 'receipt', t.name, s.receipt_no FROM sales s JOIN tills t ON t.id = s.till_id WHERE s.id > :sales
UNION ALL
SELECT 'receipt', t.name, r.receipt_no FROM refunds r JOIN tills t ON t.id = r.till_id WHERE r.id > :refunds
UNION ALL
SELECT 'figure', 'lines_off', count(*) FROM sale_lines l WHERE l.id > :sale_lines AND l.line_total_pence <>
  (SELECT coalesce(sum(a.gross_pence), -1) FROM line_attributions a WHERE a.sale_line_id = l.id)
UNION ALL
SELECT 'figure', 'refund_lines_off', count(*) FROM refund_lines r WHERE r.id > :refund_lines AND r.amount_pence <>
  (SELECT coalesce(sum(a.gross_pence), -1) FROM refund_attributions a WHERE a.refund_line_id = r.id)
UNION ALL
SELECT 'figure', 'over_refunded', count(*) FROM (
  SELECT l.id FROM sale_lines l JOIN refund_lines r ON r.sale_line_id = l.id WHERE l.id > :sale_lines
  GROUP BY l.id, l.quantity, l.line_total_pence
  HAVING sum(r.quantity) > l.quantity OR sum(r.amount_pence) > l.line_total_pence
      OR (sum(r.quantity) = l.quantity AND sum(r.amount_pence) <> l.line_total_pence)) over_refunded
UNION ALL
SELECT 'figure', 'designer_over_refunded', count(*) FROM (
  SELECT a.sale_line_id FROM line_attributions a
  JOIN refund_lines r ON r.sale_line_id = a.sale_line_id
  JOIN refund_attributions ra ON ra.refund_line_id = r.id AND ra.participant_id = a.participant_id
  WHERE a.sale_line_id > :sale_lines
  GROUP BY a.sale_line_id, a.participant_id, a.gross_pence HAVING sum(ra.gross_pence) > a.gross_pence) over_parts
UNION ALL
SELECT 'figure', 'sold', coalesce(sum(total_pence), 0) FROM sales WHERE id > :sales
UNION ALL
SELECT 'figure', 'refunded', coalesce(sum(total_pence), 0) FROM refunds WHERE id > :refunds
UNION ALL
SELECT 'figure', 'designers_sold', coalesce(sum(a.gross_pence), 0) FROM line_attributions a
  WHERE a.sale_line_id > :sale_lines
UNION ALL
SELECT 'figure', 'designers_refunded', coalesce(sum(a.gross_pence), 0) FROM refund_attributions a
  JOIN refund_lines r ON r.id = a.refund_line_id WHERE r.id > :refund_lines
""").bindparams(bindparam("shifts", expanding=True))


def without_waiting_for_the_disk(engine: Engine) -> None:
    """Commits stop waiting for the disk (SQLite synchronous=OFF, PostgreSQL synchronous_commit=off) on this
    test's connections. What a commit makes visible is the same; only a power cut could lose more, and this
    test has none: surviving crashes is the kill tests' job. Thousands of steps then fit CI's time."""

    @event.listens_for(engine, "connect")
    def _no_fsync(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        statement = ("PRAGMA synchronous=OFF" if engine.dialect.name == "sqlite" else "SET synchronous_commit TO OFF")
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
        if engine.dialect.name != "sqlite":
            dbapi_connection.commit()

    engine.dispose()  # connections made from now on have it


def test_a_free_basket_with_no_payment_is_refused_plainly_and_with_0_cash_sells(engine: Engine, tmp_path: Path) -> None:
    """Found widening the machine to free baskets: with no tender, a 100% discount reached the database as a
    payment row with no sale (a driver's NOT NULL error). Now it is refused in plain words, taking no receipt
    number; £0 in cash, as the till pays a free basket, sells it."""
    awkward_catalogue(engine, tmp_path)
    people = staffed(engine, *PEOPLE)
    free = SaleTerms(basket=Discount.percent(10_000, "Staff purchase"), approved_by=people["MGR"])
    tee = [(variants(engine)["TEN"][0], 1)]
    with pytest.raises(PaymentError, match="No payment was taken"):
        complete_sale(as_staff(engine, people["AMA"]), tee, [], terms=free)
    sale = complete_sale(as_staff(engine, people["AMA"]), tee, [Tender("cash", 0, 0)], terms=free)
    assert (sale.receipt_no, sale.total_pence) == (1, 0)


def test_a_sku_whose_every_count_scan_was_undone_is_left_as_it_is(engine: Engine, tmp_path: Path) -> None:
    """Found by the machine: a counter scanned a SKU by mistake and undid it; approving the count (without
    --zero-unscanned) took its stock to 0. Nobody counted it, so it is unscanned and left as it is."""
    awkward_catalogue(engine, tmp_path)
    people = staffed(engine, *PEOPLE)
    clock = SettableClock(utc_now() + timedelta(minutes=1))  # after the imports' movements

    def by(member: StaffMember) -> UnitOfWork:
        clock.now += timedelta(seconds=1)
        return UnitOfWork(engine, Actor.signed_in(member, None, clock))

    count = start_count(by(people["AMA"]), skus=["TEN", "DUO"])
    scan_into_count(by(people["AMA"]), count, "TEN")
    undo_last_scan(by(people["AMA"]), count)
    scan_into_count(by(people["AMA"]), count, "DUO", 498)
    review = approve_count(by(people["MGR"]), count, people["MGR"])
    assert [(line.sku, line.counted, line.scanned) for line in review.lines] == [("DUO", 498, True), ("TEN", 0, False)]
    assert {level.sku: level.on_hand for level in stock_levels(engine)} == {"TEN": 500, "DUO": 498, "TRIO": 500,
                                                                            "BOOK": 500}


def test_random_work_on_two_tills_keeps_the_ledger_true(engine: Engine, tmp_path: Path) -> None:
    without_waiting_for_the_disk(engine)
    awkward_catalogue(engine, tmp_path)
    people = staffed(engine, *PEOPLE)
    add_till(engine, "till-2", Actor("test"))
    clock = SettableClock(utc_now().replace(microsecond=0) + timedelta(minutes=1))  # after the imports' movements
    steps_run = [0]
    while steps_run[0] < STEPS:  # hypothesis may end an example early: run on until the steps are done
        before = steps_run[0]
        run_state_machine_as_test(
            lambda: LedgerMachine(engine, people, clock, steps_run),
            settings=settings(max_examples=max(1, (STEPS - steps_run[0]) // STEPS_PER_EXAMPLE),
                              stateful_step_count=STEPS_PER_EXAMPLE, deadline=None,
                              suppress_health_check=list(HealthCheck),
                              phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]),
        )
        assert steps_run[0] > before, "hypothesis ran no step"
    print(f"state machine: {steps_run[0]} steps, each followed by the checks")
