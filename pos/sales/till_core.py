"""The till core: one till's working state and the one path from a scan to a printed receipt.

Plain Python, no user interface. The sale screen and `pos sell` both drive a TillCore; the screen
draws what it reports and maps keys to its methods, nothing else.

Anything that reaches the ledger or the printer runs on a *lane*: a queue of jobs run one after
another off the caller's thread, each with a continuation run back on the caller's thread. The
screen gives Textual worker lanes (so the event loop never waits on the ledger); `pos sell` and the
unit tests give InlineLane, which runs everything at once. Four lanes keep their own order:
look-ups (scans come back in the order they were typed), sales (a sale waiting for a busy ledger
never holds up a scan), printing (a slow printer never holds up a sale) and display (the basket
published for a customer display: only the newest state is sent, and its failures are only noted).

The core's state (basket, pending sales, last sale) changes only in its methods and continuations,
which all run on the caller's thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from common.errors import LedgerBusy, NoOpenShift, NotAllowed, PaymentError, PosError
from common.money import format_pence
from common.values import Actor, ReceiptRef, StaffMember, Tender
from pos.display.state import DisplayLine, DisplayStatus
from pos.sales.basket import Basket, BasketLine
from pos.sales.checkout import EMPTY_BASKET, CompletedSale, card_towards, cash_tender, cash_towards
from pos.sales.pricing import (
    Discount, DiscountRules, LineTerms, PriceOverride, PricedLine, SaleTerms, build_receipt,
    discount_approval_needed,
)
from receipts.model import Receipt, StoreHeader

if TYPE_CHECKING:  # the till paints before SQLAlchemy, the services and the printers load
    from inventory.catalog import VariantInfo
    from inventory.lookup import DesignMatch
    from pos.sales.parking import ParkedInfo
    from pos.printing import Document, PrintOutcome, QueueRun
    from pos.shifts.services import CashUp, ClosedShift, ShiftInfo
    from receipts.printers import PrinterSettings

Result = TypeVar("Result")
LedgerHandle = Any  # an Engine; the core never looks inside it
PRINT_RETRY_FIRST_S = 2.0  # a printer that refused: try again by itself after this, doubling
PRINT_RETRY_MAX_S = 30.0
CLI_RETRY = "pos printer retry"


class Lane(Protocol):
    """Runs jobs in the order given, off the caller's thread; hands each result (or the exception) back."""

    def submit(self, job: Callable[[], Result], then: Callable[[Result | Exception], None]) -> None: ...

    def notify(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the caller's thread (from inside a job, to report progress)."""


class InlineLane:
    """A lane that runs each job at once on the caller's thread (`pos sell`, unit tests)."""

    def submit(self, job: Callable[[], Result], then: Callable[[Result | Exception], None]) -> None:
        try:
            result: Result | Exception = job()
        except Exception as error:  # noqa: BLE001 - handed to the continuation, which decides
            result = error
        then(result)

    def notify(self, callback: Callable[[], None]) -> None:
        callback()


@dataclass(frozen=True)
class Lanes:
    lookups: Lane
    sales: Lane
    printing: Lane
    display: Lane = field(default_factory=InlineLane)

    @classmethod
    def inline(cls) -> Lanes:
        lane = InlineLane()
        return cls(lane, lane, lane)


# --- what the core reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerOpened:
    label: str  # which ledger, for the header
    # The till's last sale from an earlier run (a kill may have landed after its commit, before the till
    # heard): whether its receipt is on paper, so the cashier never sells it again. None before its first.
    last_sale: LastSaleAtStart | None = None
    # Why the till should not connect as it does (a PostgreSQL superuser could switch the ledger's guards off).
    guard_warning: str = ""


@dataclass(frozen=True)
class LastSaleAtStart:
    sale: CompletedSale
    print_state: str | None  # the receipt's print job: printed, sent, queued, printing, unconfirmed; None: none

    @property
    def printed(self) -> bool:
        return self.print_state in ("printed", "sent")


@dataclass(frozen=True)
class LedgerFailed:
    message: str


@dataclass(frozen=True)
class BasketChanged:
    message: str
    cursor: int | None = None  # the line to highlight


@dataclass(frozen=True)
class ChooseItem:
    """Several SKUs match what was typed: the face lets the cashier pick one (then calls `add`)."""

    text: str
    matches: tuple[VariantInfo, ...]


@dataclass(frozen=True)
class Problem:
    message: str


@dataclass(frozen=True)
class SaleSaving:
    pending: PendingSale
    busy: bool = False  # the ledger is busy: the sale waits and will save by itself
    unreachable: bool = False  # the ledger cannot be reached: the sale is kept and saves when it is back


@dataclass(frozen=True)
class SaleCompleted:
    sale: CompletedSale
    basket_empty: bool  # nothing scanned meanwhile: the face can show the change and receipt


@dataclass(frozen=True)
class SaleRefused:
    message: str  # the sale's items are back in the basket


@dataclass(frozen=True)
class ReceiptPrinted:
    outcome: PrintOutcome


@dataclass(frozen=True)
class PrinterChanged:
    """The till's printer started or stopped holding documents back: the face shows it in its status bar."""

    ok: bool
    summary: str  # "Printer: 2 waiting", "Printer: check the last receipt"; "" when all is well


@dataclass(frozen=True)
class TrainingChanged:
    """The till went into (or out of) training: the face shows it plainly while it is on."""

    on: bool
    message: str


@dataclass(frozen=True)
class ShiftChanged:
    """The till's shift opened or closed (or was found closed): the face shows it, and asks for a float when none is open."""

    shift: ShiftInfo | None
    message: str


@dataclass(frozen=True)
class ManagerActionDone:
    """A manager-approved action at the till (no sale, cancelled basket, stale baskets cleared) is done."""

    message: str


Event = (
    LedgerOpened | LedgerFailed | BasketChanged | ChooseItem | Problem | SaleSaving | SaleCompleted | SaleRefused
    | ReceiptPrinted | PrinterChanged | TrainingChanged | ManagerActionDone | ShiftChanged
)


class ShiftNeeded(PaymentError):
    """The till has no shift open: a float must be counted in before the sale (the face asks for it)."""

    def __init__(self, till: str) -> None:
        super().__init__(f"Till {till} has no shift open: count the float into the drawer and open the shift, "
                         f"then take payment (`pos shift open --till {till} --float AMOUNT --staff CODE`).")


class ApprovalNeeded(NotAllowed):
    """A discount or price override a manager must approve: the face asks for one, then calls again with them."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(f"{what} needs a manager's approval: ask a manager to approve it with their code and PIN.")


@dataclass(frozen=True)
class PendingSale:
    """A paid basket on its way into the ledger, with its discounts and who approved them."""

    number: int  # this till session's count, to tell pending sales apart
    lines: tuple[BasketLine, ...]
    tenders: tuple[Tender, ...]
    discount: Discount | None = None  # the basket discount
    approved_by: StaffMember | None = None
    served_by: Actor | None = None  # who took payment: the till may be locked and someone else signed in meanwhile
    basket_id: str = ""  # the basket's id: however often saving it is retried, one sale is recorded

    @property
    def items(self) -> list[tuple[int, int]]:
        return [(line.variant.variant_id, line.quantity) for line in self.lines]

    @property
    def total_pence(self) -> int:
        return sum(tender.amount_pence for tender in self.tenders)

    @property
    def change_pence(self) -> int:
        return sum(tender.change_pence for tender in self.tenders)

    def terms(self, rules: DiscountRules) -> SaleTerms:
        basket = Basket(list(self.lines), self.discount)
        return SaleTerms(basket.line_terms(), self.discount, self.approved_by, rules)


@dataclass(frozen=True)
class _Refusal:
    """The ledger refused a sale: why, and the catalogue read again after it (a price may have changed)."""

    error: Exception
    catalogue: dict[str, VariantInfo]  # empty if it could not be read


@dataclass(frozen=True)
class _Shown:
    """The basket as a customer display should show it, taken on the caller's thread for the display lane."""

    status: DisplayStatus
    lines: tuple[DisplayLine, ...]
    total_pence: int
    last_scanned_variant_id: int | None
    change_pence: int = 0


@dataclass
class _Opening:
    engine: LedgerHandle
    label: str
    last_sale: CompletedSale | None
    last_print_state: str | None
    known: dict[str, VariantInfo]
    member: StaffMember | None = None  # who the till opens signed in as (the demo's cashier), if anyone
    shift: ShiftInfo | None = None  # the shift the till is on, if one is open
    guard_warning: str = ""  # why this connection should not run a till (a PostgreSQL superuser), if it should not


@dataclass
class TillCore:
    """One till: who is serving, the basket, the sales on their way to the ledger, and the last sale."""

    actor: Actor  # who is serving, at which till, by which clock
    store: StoreHeader
    printer: PrinterSettings | None = None  # None: the receipt is not printed
    lanes: Lanes = field(default_factory=Lanes.inline)
    listener: Callable[[Event], None] = lambda event: None
    basket: Basket = field(default_factory=Basket)
    pending: list[PendingSale] = field(default_factory=list)
    last_sale: CompletedSale | None = None
    engine: LedgerHandle | None = None
    sign_in_as: str = ""  # a staff code to open signed in as, with no PIN: the demo's cashier only
    open_problem: str = ""  # why the ledger did not open, for a sign-in tried meanwhile
    training: bool = False  # practice sales: priced and printed as TRAINING, never written to the ledger
    shift: ShiftInfo | None = None  # the till's open shift as last read (the services check it on every sale)
    _training_sales: int = 0
    rules: DiscountRules = field(default_factory=DiscountRules)  # the configured discount threshold and reasons
    tenders: list[Tender] = field(default_factory=list)  # paid so far towards the basket (split tender)
    approved_by: StaffMember | None = None  # the manager who approved the basket's discounts or overrides
    _early_scans: list[str] = field(default_factory=list)
    sale_patience_s: float | None = None  # how long a paid sale waits out the ledger (None: until it is saved)
    retry_hint: str = CLI_RETRY  # how a person asks for the print queue again where this core is driven (a key: brief messages)
    _print_retry_at: float | None = None  # when to try the printer again by itself (monotonic), if it refused
    _print_retry_wait: float = PRINT_RETRY_FIRST_S
    _printer_ok: bool = True
    _sales_taken: int = 0
    _looking_up: int = 0  # scans handed to the look-up lane whose answer has not come back
    _after_lookups: list[Callable[[], None]] = field(default_factory=list)
    # The catalogue by barcode and SKU, read when the ledger opens and after every sale: a known code is
    # added at once, whatever the ledger is doing. complete_sale prices every sale from the ledger, so a
    # price changed since is caught at payment and the items come back at the new price.
    _known: dict[str, VariantInfo] = field(default_factory=dict)
    # The customer display ([display] publish): the basket is published after every change, on the display
    # lane; while one publish runs only the newest state waits, and a failure is only noted here.
    publishes: bool = True
    display_problem: str = ""  # why the last publish failed ("" once one succeeds); never shown as an error
    _last_scanned: int | None = None  # the variant added last, for the display's "just scanned"
    _display_next: _Shown | None = None
    _display_sending: bool = False
    _display_idle_for_training: bool = False  # in training, the idle state is published once and kept
    _refusals: int = 0  # sales the ledger refused this session

    @property
    def till(self) -> str:
        assert self.actor.till is not None
        return self.actor.till

    @property
    def is_open(self) -> bool:
        return self.engine is not None

    @property
    def prints(self) -> bool:
        """Whether this till prints (its documents then go through the ledger's print queue)."""
        return self.printer is not None and self.printer.prints

    def _say(self, event: Event) -> None:
        self.listener(event)
        if isinstance(event, (BasketChanged, SaleRefused)):  # every change to the basket says one of these
            self._publish(self._shown())

    # --- opening the ledger -------------------------------------------------------------------

    def open(self, connect: Callable[[], LedgerHandle]) -> None:
        """Open the ledger on the look-up lane; scans entered meanwhile are looked up once it is open."""
        self.lanes.lookups.submit(lambda: self._connect(connect), self._opened)

    def _connect(self, connect: Callable[[], LedgerHandle]) -> _Opening:
        engine = connect()
        from pos.ledger import ledger_label
        from pos.sales.history import last_sale
        from pos.sales.tills import require_till

        require_till(engine, self.till)  # a typo must not sell on a new till with its own receipt numbers

        import pos.sales.services  # noqa: F401 - load the services now, not on the first sale

        from inventory.catalog import scan_codes

        member = None
        if self.sign_in_as:
            from pos.staff.services import staff_member

            member = staff_member(engine, self.sign_in_as)
        from pos.sales.print_queue import document_state
        from pos.shifts.services import current_shift
        from pos.till_role import too_powerful_for_a_till

        last = last_sale(engine, self.till, self.store)
        state = document_state(engine, self.till, "receipt", str(last.reference)) if last is not None else None
        return _Opening(
            engine, ledger_label(engine), last, state, scan_codes(engine), member, current_shift(engine, self.till),
            too_powerful_for_a_till(engine),
        )

    def _opened(self, result: _Opening | Exception) -> None:
        if isinstance(result, Exception):
            self.open_problem = _plain(result, "Could not open the ledger")
            self._say(LedgerFailed(self.open_problem))
            return
        self.engine, self.last_sale, self._known = result.engine, result.last_sale, result.known
        self.shift = result.shift
        if result.member is not None:
            self.actor = Actor.signed_in(result.member, self.till, self.actor.clock)
        restarted = LastSaleAtStart(result.last_sale, result.last_print_state) if result.last_sale else None
        self._say(LedgerOpened(result.label, restarted, result.guard_warning))
        self._publish(self._shown())  # a new basket: whatever an earlier run left on the display is gone
        if self.shift is None:
            self._say(ShiftChanged(None, f"Till {self.till} has no shift open: count the float to open one."))
            self._keep_unkept_z()
        waiting, self._early_scans = self._early_scans, []
        for text in waiting:
            self.enter(text)
        if self.prints:
            self._print_queue(recover=True)

    # --- who is serving -----------------------------------------------------------------------

    @property
    def serving(self) -> StaffMember | None:
        """Who is signed in at this till (None: locked, or nobody has signed in yet)."""
        return self.actor.staff

    def sign_in(self, code: str, pin: str, then: Callable[[StaffMember | Exception], None]) -> None:
        """Check `code` and `pin` off the caller's thread; `then` gets the member (now serving) or the refusal.

        Someone with no PIN yet gets PinNotSet: the face asks for a new PIN twice and calls `set_first_pin`.
        """
        self._staff_job(code, lambda uow: _sign_in_job(uow, code, pin), then)

    def set_first_pin(self, code: str, pin: str, then: Callable[[StaffMember | Exception], None]) -> None:
        """Someone with no PIN yet chooses `pin` and is signed in; `then` as for `sign_in`."""
        self._staff_job(code, lambda uow: _first_pin_job(uow, code, pin), then)

    def _staff_job(
        self, code: str, job: Callable[[Any], StaffMember], then: Callable[[StaffMember | Exception], None]
    ) -> None:
        if self.engine is None:
            then(PosError(self.open_problem or "The ledger is still opening. Try again in a moment."))
            return
        engine, clock = self.engine, self.actor.clock

        def run() -> StaffMember:
            from pos.staff.services import unit_of_work

            return job(unit_of_work(engine, Actor(code, self.till, clock)))

        def done(result: StaffMember | Exception) -> None:
            if isinstance(result, StaffMember):
                self.actor = Actor.signed_in(result, self.till, clock)
            then(result)

        self.lanes.lookups.submit(run, done)

    def lock(self) -> None:
        """Nobody is serving until someone signs in; the basket, parked baskets and sales saving are kept."""
        self.actor = Actor("", self.till, self.actor.clock)

    # --- scanning and the basket --------------------------------------------------------------

    def enter(self, text: str) -> None:
        """What the scan field handed over: a barcode, a SKU, or part of a design's name."""
        text = text.strip()
        if not text:
            return
        if self.engine is None:
            self._early_scans.append(text)
            return
        known = self._known.get(text.upper())
        if known is not None and self._looking_up == 0:  # nothing waiting ahead of it: add it now
            self.add(known)
            return
        self._looking_up += 1
        self.lanes.lookups.submit(self._finder(self.engine, text), lambda result: self._found(text, result))

    def _found(self, text: str, result: list[VariantInfo] | Exception) -> None:
        self._looking_up -= 1
        if isinstance(result, list) and len(result) == 1:
            self.add(result[0])
        else:
            # A scan that added nothing needs the cashier first: a payment key pressed meanwhile is dropped.
            self._after_lookups.clear()
            if isinstance(result, Exception):
                self._say(Problem(_plain(result, f"Could not look up '{_short(text)}'")))
            else:
                self._say(ChooseItem(text, tuple(result)))
        if self._looking_up == 0:
            waiting, self._after_lookups = self._after_lookups, []
            for callback in waiting:
                callback()

    def after_lookups(self, callback: Callable[[], None]) -> None:
        """Run `callback` once every scan entered so far is in the basket (at once if none is pending).

        Payment keys go through here: F6 pressed straight after a scan must charge for that item too.
        """
        if self._looking_up == 0:
            callback()
        else:
            self._after_lookups.append(callback)

    def search(self, text: str, then: Callable[[list[VariantInfo] | Exception], None]) -> None:
        """Search names for the search dialog; `then` gets the matches (or the problem) in order."""
        if self.engine is None:
            then(PosError("The ledger is still opening. Try again in a moment."))
            return
        self.lanes.lookups.submit(self._finder(self.engine, text), then)

    def approve(self, code: str, pin: str, what: str, then: Callable[[StaffMember | Exception], None]) -> None:
        """A manager's code and PIN for `what`, checked off the screen thread (scrypt takes ~50 ms).

        `then` gets the approving manager, or the refusal (wrong PIN, not a manager, locked), which
        the service has already written to the audit trail.
        """
        if self.engine is None:
            then(PosError("The ledger is still opening. Try again in a moment."))
            return
        engine, actor = self.engine, self.actor

        def check() -> StaffMember:
            from pos.staff.services import approve, unit_of_work

            return approve(unit_of_work(engine, actor), code, pin, what)

        self.lanes.lookups.submit(check, then)

    def look_up(self, text: str, then: Callable[[list[DesignMatch] | Exception], None]) -> None:
        """Designs with their stock and consented designers, for the look-up screen; `then` gets them in order."""
        if self.engine is None:
            then(PosError("The ledger is still opening. Try again in a moment."))
            return
        engine = self.engine

        def find() -> list[DesignMatch]:
            from inventory.lookup import look_up_products

            return look_up_products(engine, text)

        self.lanes.lookups.submit(find, then)

    @staticmethod
    def _finder(engine: LedgerHandle, text: str) -> Callable[[], list[VariantInfo]]:
        """A look-up job for the lanes: what the catalogue has for a barcode, an SKU or part of a name."""

        def find() -> list[VariantInfo]:
            from inventory.catalog import find_for_entry

            return find_for_entry(engine, text)

        return find

    def add(self, variant: VariantInfo) -> None:
        try:
            index = self.basket.add(variant)
        except PosError as error:
            self._say(Problem(str(error)))
            return
        line = self.basket.lines[index]
        self._last_scanned = variant.variant_id
        self._say(BasketChanged(f"Added {variant.label} {format_pence(variant.price_pence)} (qty {line.quantity}).", index))

    def set_quantity(self, index: int, quantity: int) -> None:
        try:
            self.basket.set_quantity(index, quantity)
        except PosError as error:
            self._say(Problem(str(error)))
            return
        self._say(BasketChanged(f"{self.basket.lines[index].variant.label}: quantity {quantity}.", index))

    def remove(self, index: int) -> None:
        label = self.basket.lines[index].variant.label
        try:
            self.basket.remove(index)  # refused if a basket discount amount would be more than what is left
        except PosError as error:
            self._say(Problem(str(error)))
            return
        self._say(BasketChanged(f"Removed {label}."))

    # --- discounts and price overrides ---------------------------------------------------------

    def discount_line(self, index: int, discount: Discount | None, approved_by: StaffMember | None = None) -> None:
        """Give the line its own discount (None takes it off). ApprovalNeeded if above the threshold without a manager."""
        line = self.basket.lines[index]
        if discount is not None:
            discount.check_reason(self.rules)
        before = line.terms
        self._change_terms(
            lambda: self.basket.set_terms(index, LineTerms(before.override, discount)),
            lambda: self.basket.set_terms(index, before),
            approved_by,
        )
        words = f"{discount.label} on {line.variant.label}" if discount else f"Discount taken off {line.variant.label}"
        self._say(BasketChanged(f"{words}.", index))

    def discount_basket(self, discount: Discount | None, approved_by: StaffMember | None = None) -> None:
        """Discount the whole basket (None takes it off), spread over the lines by their amounts."""
        if self.basket.is_empty():
            raise NotAllowed(f"{EMPTY_BASKET[:-1]} before giving a discount.")
        if discount is not None:
            discount.check_reason(self.rules)
        before = self.basket.discount
        self._change_terms(
            lambda: self.basket.set_discount(discount), lambda: self.basket.set_discount(before), approved_by,
        )
        self._say(BasketChanged(f"Basket {discount.label}." if discount else "Basket discount taken off."))

    def override_price(self, index: int, override: PriceOverride | None, approved_by: StaffMember | None = None) -> None:
        """Charge a new unit price on the line (None: back to the catalogue's); always needs a manager."""
        line = self.basket.lines[index]
        if override is not None:
            override.check(self.rules, line.variant.label)
            if approved_by is None:
                raise ApprovalNeeded("A price override")
        before = line.terms
        self._change_terms(
            lambda: self.basket.set_terms(index, LineTerms(override, before.discount)),
            lambda: self.basket.set_terms(index, before),
            approved_by,
        )
        words = (
            f"{line.variant.label} now {format_pence(override.unit_price_pence)} ({override.reason})" if override
            else f"{line.variant.label} back to {format_pence(line.variant.price_pence)}"
        )
        self._say(BasketChanged(f"{words}.", index))

    def _change_terms(self, change: Callable[[], None], undo: Callable[[], None], approved_by: StaffMember | None) -> None:
        """Make a change to the basket's discounts or prices, keeping it only if it needs no approval or has one.

        A change that makes the discounts larger while they need a manager needs one now (taking a
        discount off never does). The service checks again when the sale is recorded.
        """
        discount_before = self.basket.discount_pence
        change()
        needed = discount_approval_needed(self.basket.prices(), self.rules)  # overrides are asked for up front
        if needed is not None and approved_by is None and self.basket.discount_pence > discount_before:
            undo()
            raise ApprovalNeeded(needed)
        if approved_by is not None:
            self.approved_by = approved_by

    # --- paying -------------------------------------------------------------------------------

    @property
    def paid_pence(self) -> int:
        return sum(tender.amount_pence for tender in self.tenders)

    @property
    def left_to_pay_pence(self) -> int:
        return self.basket.total_pence - self.paid_pence

    def cash(self, tendered_pence: int | None = None) -> Tender:
        """Cash for all that is left to pay (None: the exact amount); PaymentError if it cannot pay it."""
        self._check_payable()
        return cash_tender(self.left_to_pay_pence, tendered_pence)

    def cash_part(self, tendered_pence: int) -> Tender:
        """Cash towards what is left: less pays that much (split tender), more pays the rest with change."""
        self._check_payable()
        return cash_towards(self.left_to_pay_pence, tendered_pence)

    def card(self, amount_pence: int | None = None) -> Tender:
        """A card payment of what is left (or part of it: never more, change is only given from cash)."""
        self._check_payable()
        return card_towards(self.left_to_pay_pence, amount_pence)

    def _check_payable(self) -> None:
        if self.basket.is_empty():
            raise PaymentError(EMPTY_BASKET)
        if self.engine is None:
            raise PaymentError("The ledger is still opening. Take payment again in a moment.")
        if self.shift is None and not self.training:
            raise ShiftNeeded(self.till)
        if self.left_to_pay_pence < 0:
            raise PaymentError(
                f"The payments taken ({format_pence(self.paid_pence)}) are more than the total of "
                f"{format_pence(self.basket.total_pence)}. Remove a payment and take it again."
            )

    def pay(self, tender: Tender) -> PendingSale:
        """Take the rest of the basket as paid by `tender`: it saves in the background while the next sale starts.

        The sale is retried for as long as the ledger is busy and is never dropped; if the ledger
        refuses it (a price changed, say), its items come back into the basket.
        """
        if tender.amount_pence != self.left_to_pay_pence:
            due = f"the {format_pence(self.left_to_pay_pence)} left to pay" if self.tenders else (
                f"the total of {format_pence(self.basket.total_pence)}"
            )
            raise PaymentError(
                f"The payment of {format_pence(tender.amount_pence)} does not match {due}. Take payment again."
            )
        pending = self.add_tender(tender)
        assert pending is not None
        return pending

    def add_tender(self, tender: Tender) -> PendingSale | None:
        """Take one payment towards the basket; once the payments cover the total the sale is saved (returned)."""
        self._check_payable()
        left = self.left_to_pay_pence
        fits = 0 < tender.amount_pence <= left or tender.amount_pence == left == 0  # a free basket is "paid" by £0
        if not fits or tender.tendered_pence < tender.amount_pence:
            raise PaymentError(
                f"A {tender.tender} payment of {format_pence(tender.amount_pence)} does not fit the "
                f"{format_pence(left)} left to pay. Take payment again."
            )
        if tender.change_pence and tender.tender != "cash":
            raise PaymentError("Change is only given from cash. Take at most what is left on the card.")
        self.tenders.append(tender)
        if tender.amount_pence < left:
            self._say(BasketChanged(
                f"Paid {format_pence(tender.amount_pence)} by {tender.tender}; "
                f"{format_pence(self.left_to_pay_pence)} left to pay (F5 cash, F6 card)."
            ))
            return None
        return self._complete()

    def remove_tender(self, index: int = -1) -> Tender:
        """Take back a payment not yet completed (the last one by default): hand the cash back or refund the card."""
        if not self.tenders:
            raise PaymentError("No payment has been taken for this basket.")
        removed = self.tenders.pop(index)
        self._say(BasketChanged(
            f"Removed the {removed.tender} payment of {format_pence(removed.amount_pence)}; "
            f"{format_pence(self.left_to_pay_pence)} left to pay."
        ))
        return removed

    def _complete(self) -> PendingSale:
        paid = self._shown("paid", sum(tender.change_pence for tender in self.tenders))
        self._last_scanned = None
        if self.training:  # the display stays idle in training (see _publish)
            return self._practice_sale()
        return self._save_in_background(paid)

    def _save_in_background(self, paid: _Shown) -> PendingSale:
        self._sales_taken += 1
        pending = PendingSale(
            self._sales_taken, tuple(self.basket.lines), tuple(self.tenders), self.basket.discount, self.approved_by,
            self.actor, self.basket.id,
        )
        self.basket = Basket()
        self.tenders = []
        self.approved_by = None
        self.pending.append(pending)
        self._say(SaleSaving(pending))
        refusals = self._refusals
        self.lanes.sales.submit(lambda: self._save(pending), lambda result: self._saved(pending, result))
        if self._refusals == refusals:  # a lane that saved at once and was refused has shown the items back
            self._publish(paid)
        return pending

    def _save(self, pending: PendingSale) -> CompletedSale | _Refusal:
        """Runs on the sales lane: complete the sale, waiting out a busy or unreachable ledger for as long as it
        takes (the customer has paid). The basket id makes each retry safe: a commit the till never heard of
        is found, not recorded again."""
        from inventory.db import Patience, UnitOfWork
        from pos.sales.services import complete_sale

        told: set[bool] = set()  # which kinds of wait (unreachable or not) the face has been told of

        def waiting(error: Exception) -> None:
            unreachable = not isinstance(error, LedgerBusy)
            if unreachable not in told:
                told.add(unreachable)
                self.lanes.sales.notify(lambda: self._say(SaleSaving(pending, busy=not unreachable,
                                                                     unreachable=unreachable)))

        patience = Patience(seconds=self.sale_patience_s, unreachable_too=True, on_wait=waiting)
        uow = UnitOfWork(self.engine, pending.served_by or self.actor, patience)
        try:
            return complete_sale(
                uow, pending.items, list(pending.tenders), store=self.store, terms=pending.terms(self.rules),
                queue_receipt=self.prints, basket_id=pending.basket_id,
            )
        except Exception as error:  # noqa: BLE001 - any refusal puts the items back with the reason
            return _Refusal(error, self._catalogue_now())

    def _catalogue_now(self) -> dict[str, VariantInfo]:
        """The catalogue by scan code as the ledger has it now; empty if it cannot be read."""
        from inventory.catalog import scan_codes

        try:
            return scan_codes(self.engine)
        except Exception:  # noqa: BLE001 - the refusal is reported either way
            return {}

    def _saved(self, pending: PendingSale, result: CompletedSale | _Refusal | Exception) -> None:
        self.pending.remove(pending)
        if not isinstance(result, CompletedSale):
            refusal = result if isinstance(result, _Refusal) else _Refusal(result, {})
            self._refusals += 1
            if refusal.catalogue:
                self._known = refusal.catalogue
            self._restore(pending, {variant.variant_id: variant for variant in refusal.catalogue.values()})
            self._say(SaleRefused(_plain(refusal.error, "The sale was not saved") + " Its items are back in the basket."))
            if isinstance(refusal.error, NoOpenShift):  # closed elsewhere (`pos shift close`): ask for a float
                self.shift = None
                self._say(ShiftChanged(None, str(refusal.error)))
            return
        self.last_sale = result
        self._say(SaleCompleted(result, self.basket.is_empty()))
        self._print(result)
        self._reread_catalogue()

    def _reread_catalogue(self) -> None:
        """Read the catalogue again on the look-up lane (prices and SKUs may have changed since the last read)."""

        def keep(catalogue: dict[str, VariantInfo]) -> None:
            if catalogue:
                self._known = catalogue

        self.lanes.lookups.submit(self._catalogue_now, keep)

    def _restore(self, pending: PendingSale, current: dict[int, VariantInfo]) -> None:
        """The refused sale's items back in the basket, at the catalogue's current prices, ahead of later scans.

        With nothing scanned since, it is the same basket and keeps its id: if the refusal was a commit whose
        answer was lost (the sale may be recorded), paying again finds that sale instead of selling it twice."""
        if self.basket.is_empty():
            self.basket.id = pending.basket_id
        self.basket.put_back(
            [
                BasketLine(current.get(line.variant.variant_id, line.variant), line.quantity, line.terms)
                for line in pending.lines
            ],
            pending.discount,
        )
        self.approved_by = self.approved_by or pending.approved_by

    # --- the customer display ---------------------------------------------------------------

    def _shown(self, status: DisplayStatus | None = None, change_pence: int = 0) -> _Shown:
        """The basket now, as its display shows it: `status` by default basket, or idle when it is empty."""
        lines = tuple(
            DisplayLine(line.variant.name, line.variant.size, line.variant.colour, line.quantity, total)
            for line, total in zip(self.basket.lines, _line_totals(self.basket), strict=True)
        )
        if status is None:
            status = "basket" if lines else "idle"
        scanned = self._last_scanned if lines else None
        return _Shown(status, lines, self.basket.total_pence, scanned, change_pence)

    def _publish(self, shown: _Shown) -> None:
        """Publish `shown` on the display lane; while a publish runs, only the newest state waits for it.

        In training the display stays idle (the makers' stories): a customer at the counter is never shown a
        practice basket, a practice total or a thank-you for a sale that was never made."""
        if not self.publishes or self.engine is None:
            return
        if self.training:
            if self._display_idle_for_training:
                return
            shown, self._display_idle_for_training = _Shown("idle", (), 0, None, 0), True
        else:
            self._display_idle_for_training = False
        self._display_next = shown
        if not self._display_sending:
            self._send_display()

    def _send_display(self) -> None:
        shown, self._display_next = self._display_next, None
        self._display_sending = shown is not None
        if shown is None:
            return
        engine, till = self.engine, self.till

        def job() -> int:
            from pos.display.publish import publish_basket

            return publish_basket(engine, till, shown.status, shown.lines, shown.total_pence,
                                  shown.last_scanned_variant_id, shown.change_pence)

        def done(result: int | Exception) -> None:
            self.display_problem = _plain(result, "The customer display was not updated") if isinstance(result, Exception) else ""
            self._send_display()

        self.lanes.display.submit(job, done)

    # --- training -----------------------------------------------------------------------------

    def _practice_sale(self) -> PendingSale:
        """A sale in training: priced as a real one (discounts too) and printed as TRAINING, but nothing
        reaches the ledger (no stock, takings, attribution, receipt number or report)."""
        from common.clock import local_time

        self._training_sales += 1
        pending = PendingSale(0, tuple(self.basket.lines), tuple(self.tenders), self.basket.discount, None, self.actor)
        lines = _practice_lines(self.basket)
        self.basket = Basket()
        self.tenders = []
        self.approved_by = None
        when = local_time(self.actor.clock())
        receipt = replace(
            build_receipt(self.store, self.till, self._training_sales, when, self.actor.name, lines, pending.tenders),
            training=True,
        )
        sale = CompletedSale(0, self.till, self._training_sales, when, receipt.total_pence, receipt.vat_pence,
                             receipt.change_pence, receipt)
        self.last_sale = sale
        self._say(SaleCompleted(sale, True))
        self._print(sale)
        self._count_training_sale(self._training_sales, receipt.total_pence)
        return pending

    def _count_training_sale(self, number: int, total_pence: int) -> None:
        """Audit the practice sale (`training_sale`) on the sales lane, so the shift's X and Z can count it."""
        if self.engine is None:
            return

        def job() -> None:
            from pos.sales.till_actions import record_training_sale

            record_training_sale(self._manager_uow(), number, total_pence)

        def done(result: None | Exception) -> None:
            if isinstance(result, Exception):
                self._say(Problem(_plain(result, f"Training sale {number} was not counted for the shift report")))

        self.lanes.sales.submit(job, done)

    def set_training(self, on: bool, approved_by: StaffMember) -> None:
        """A manager switches this till into (or out of) training; audited as training_on / training_off."""
        if on == self.training:
            self._say(TrainingChanged(on, f"Training is {'on' if on else 'off'} already."))
            return
        if not self.basket.is_empty() or self.pending:
            self._say(Problem("Finish, park or cancel the basket first, then switch training."))
            return

        def job() -> None:
            from pos.sales.till_actions import set_training

            set_training(self._manager_uow(), on, approved_by)

        def done(result: None | Exception) -> None:
            if isinstance(result, Exception):
                self._say(Problem(_plain(result, "Training was not switched")))
                return
            self.training = on
            self._publish(self._shown())  # in training the display goes idle; after, it follows the till again
            self._say(TrainingChanged(on, "Training is on: sales here are practice, recorded nowhere."
                                      if on else "Training is off: sales are real again."))

        self._manager_job(job, done)

    # --- manager actions ----------------------------------------------------------------------

    def no_sale(self, approved_by: StaffMember) -> None:
        """Open the drawer with no sale: audited as no_sale, then the drawer is kicked through the printer, which
        prints a NO SALE slip (if there is none, or it does not answer, the entry stands and the message says to
        use the key)."""
        printer, store, till, staff = self.printer, self.store, self.till, self.actor.name

        def job() -> str:
            from common.clock import local_time
            from pos.sales.till_actions import record_no_sale

            record_no_sale(self._manager_uow(), approved_by)
            if printer is None:
                return "No sale recorded. No printer is set up to open the drawer: use the drawer key."
            from receipts.printers import PrinterError, kick_drawer
            from receipts.slips import NoSaleSlip, render_no_sale_slip

            slip = NoSaleSlip(store, till, local_time(self.actor.clock()), staff, approved_by.name)
            try:
                kick_drawer(printer, lambda device: render_no_sale_slip(
                    device, slip, printer.width, code_page=printer.code_page or None))
            except PrinterError as error:
                return f"No sale recorded. {error}"
            return "No sale recorded; the drawer is open."

        self._manager_job(job, self._manager_done("The no sale was not recorded"))

    def cancel_basket(self, approved_by: StaffMember) -> None:
        """Empty a basket that has lines, with a manager's approval; audited as basket_cancelled with its lines."""
        if self.basket.is_empty():
            self._say(Problem("The basket is empty: there is nothing to cancel."))
            return
        try:
            self._check_no_payment_taken()
        except PaymentError as error:
            self._say(Problem(str(error)))
            return
        lines = tuple(self.basket.lines)
        summary = "; ".join(f"{line.quantity} x {line.variant.label} {line.variant.sku}" for line in lines)
        summary += f" ({format_pence(self.basket.total_pence)})"

        def job() -> str:
            from pos.sales.till_actions import cancel_basket

            cancel_basket(self._manager_uow(), summary, approved_by)
            return f"Basket cancelled ({format_pence(sum(line.total_pence for line in lines))})."

        def done(result: str | Exception) -> None:
            if not isinstance(result, Exception) and self.basket.lines == list(lines):
                self.basket = Basket()
                self._say(BasketChanged(result))
                return
            self._manager_done("The basket was not cancelled")(
                result if isinstance(result, Exception) else PosError("The basket changed meanwhile; it was kept.")
            )

        self._manager_job(job, done)

    def clear_stale_parked(self, approved_by: StaffMember) -> None:
        """Clear the baskets parked before today's trading day (a manager's tidy-up)."""

        def job() -> str:
            from pos.sales.parking import clear_stale_baskets

            cleared = clear_stale_baskets(self._manager_uow(), approved_by)
            return f"Cleared {cleared} parked basket{'s' if cleared != 1 else ''} from earlier days."

        self._manager_job(job, self._manager_done("The old parked baskets were not cleared"))

    def _check_no_payment_taken(self) -> None:
        if self.tenders:
            raise PaymentError(
                "Part of this basket is paid already: finish the sale, or remove the payment first (hand it back)."
            )

    def _manager_uow(self) -> Any:
        from pos.staff.services import unit_of_work

        return unit_of_work(self.engine, self.actor)

    def _manager_job(self, job: Callable[[], Result], done: Callable[[Result | Exception], None]) -> None:
        if self.engine is None:
            self._say(Problem(self.open_problem or "The ledger is still opening. Try again in a moment."))
            return
        self.lanes.sales.submit(job, done)

    def _manager_done(self, what: str) -> Callable[[str | Exception], None]:
        def done(result: str | Exception) -> None:
            if isinstance(result, Exception):
                self._say(Problem(_plain(result, what)))
            elif result:  # nothing to say (no unkept Z at start) leaves the message as it is
                self._say(ManagerActionDone(result))

        return done

    # --- the shift ----------------------------------------------------------------------------

    def open_shift(self, float_pence: int) -> None:
        """Open this till's shift with `float_pence` counted into the drawer, by whoever is signed in."""

        def job() -> ShiftInfo:
            from pos.shifts.services import open_shift

            return open_shift(self._manager_uow(), float_pence)

        def done(result: ShiftInfo | Exception) -> None:
            if isinstance(result, Exception):
                self._say(Problem(_plain(result, "The shift was not opened")))
                return
            self.shift = result
            self._say(ShiftChanged(result, f"Shift {result.id} open with a float of "
                                           f"{format_pence(result.float_pence)}. Ready to sell."))

        self._manager_job(job, done)

    def move_cash(self, kind: str, amount_pence: int, reason: str, approved_by: StaffMember) -> None:
        """A paid-in or paid-out of this till's drawer, with a reason, approved by `approved_by` (a manager)."""

        def job() -> str:
            from pos.shifts.services import move_cash

            after = move_cash(self._manager_uow(), kind, amount_pence, reason, approved_by)
            word = "Paid in" if kind == "paid_in" else "Paid out"
            return f"{word} {format_pence(amount_pence)}; the drawer should now hold {format_pence(after.expected_cash_pence)}."

        self._manager_job(job, self._manager_done("The cash movement was not recorded"))

    def cash_up(self, then: Callable[[CashUp | Exception], None]) -> None:
        """The open shift's expected cash as it stands (for the Z dialog); `then` gets it or the problem."""
        if self.engine is None or self.shift is None:
            then(NotAllowed(f"Till {self.till} has no shift open: there is nothing to close."))
            return
        engine, shift_id = self.engine, self.shift.id

        def read() -> CashUp:
            from pos.shifts.services import shift_cash_up

            return shift_cash_up(engine, shift_id)

        self.lanes.lookups.submit(read, then)

    def close_shift(self, cash_count: dict[int, int], note: str, approved_by: StaffMember,
                    then: Callable[[ClosedShift | Exception], None]) -> None:
        """The Z: close this till's shift with the drawer counted by denomination; `then` gets the result."""
        if self.basket.units or self.pending or self.tenders:
            then(NotAllowed("Finish, park or cancel the basket first, then close the shift."))
            return
        shift_id = self.shift.id if self.shift else None

        def job() -> ClosedShift:
            from pos.shifts.services import close_shift

            return close_shift(self._manager_uow(), approved_by, cash_count=cash_count, note=note, shift_id=shift_id)

        def done(result: ClosedShift | Exception) -> None:
            if not isinstance(result, Exception):
                self.shift = None
                self._say(ShiftChanged(None, f"Shift {result.shift.id} closed. Open the next shift with its float "
                                             "before the next sale."))
                self._keep_z(result)
            then(result)

        self._manager_job(job, done)

    def x_report(self) -> None:
        """The X: this till's shift so far, saved as a PDF and printed on its printer; closes nothing."""
        if self.engine is None or self.shift is None:
            self._say(Problem(f"Till {self.till} has no shift open, so there is no X report."))
            return
        engine, till = self.engine, self.till

        def keep(settings: Any, print_summary: bool) -> list[str]:
            from pos.shifts.keeping import keep_x

            return keep_x(engine, till, settings, print_summary=print_summary, brief=True)

        self._keep_shift_report(keep, [], "The X report was not made")

    def _keep_z(self, closed: ClosedShift) -> None:
        """After the Z: its PDF, its summary on this till's printer and the backup."""
        engine = self.engine

        def keep(settings: Any, print_summary: bool) -> list[str]:
            from pos.shifts.keeping import keep_z

            return keep_z(engine, closed, settings, print_summary=print_summary, brief=True)

        self._keep_shift_report(keep, [closed.summary], f"{closed.summary} What the Z keeps was not all kept")

    def _keep_unkept_z(self) -> None:
        """At start: keep the last Z if the till stopped between its close and its PDF, print and backup."""
        engine, till = self.engine, self.till

        def keep(settings: Any, print_summary: bool) -> list[str]:
            from pos.shifts.keeping import keep_unkept_z

            return keep_unkept_z(engine, till, settings, print_summary=print_summary, brief=True)

        self._keep_shift_report(keep, [], "The last Z, closed just before the till stopped, was not kept")

    def _keep_shift_report(self, keep: Callable[[Any, bool], list[str]], first: list[str], failed: str) -> None:
        """Run `keep` (an X's or a Z's PDF, print and backup) with this till's store and printer on the
        printing lane, never holding up the till; its lines, after `first`, become the message."""
        store, printer = self.store, self.printer

        def job() -> str:
            from pos.config import Settings

            settings = Settings(store=store, printer=printer) if printer is not None else Settings(store=store)
            return " ".join([*first, *keep(settings, printer is not None)])

        self.lanes.printing.submit(job, self._manager_done(failed))

    # --- parked baskets -----------------------------------------------------------------------

    def park(self, note: str = "") -> None:
        """Put the basket aside in the ledger (any till can recall it); the next customer starts at once.

        If the ledger refuses, the lines come back into the basket with the reason.
        """
        try:
            self._check_payable()
            self._check_no_payment_taken()
        except PaymentError as error:
            self._say(Problem(str(error)))
            return
        from pos.sales.parking import ParkedItem

        lines, discount = tuple(self.basket.lines), self.basket.discount
        items = [
            ParkedItem(line.variant.variant_id, line.quantity, line.variant.sku, line.variant.label, line.variant.price_pence)
            for line in lines
        ]
        engine, actor = self.engine, self.actor
        self.basket = Basket()
        self._say(BasketChanged("Parking the basket..."))

        def job() -> int:
            from pos.sales.parking import park_basket
            from pos.staff.services import unit_of_work

            return park_basket(unit_of_work(engine, actor), items, note)

        def done(result: int | Exception) -> None:
            if isinstance(result, Exception):
                self.basket.put_back(lines, discount)
                self._say(Problem(_plain(result, "The basket was not parked") + " Its items are back in the basket."))
                return
            units = sum(line.quantity for line in lines)
            self._say(BasketChanged(
                f"Parked {units} item{'s' if units != 1 else ''} as basket {result}. Ctrl+R recalls it on any till."
            ))

        self.lanes.sales.submit(job, done)

    def parked(self, then: Callable[[list[ParkedInfo] | Exception], None], *, here_only: bool = False) -> None:
        """The parked baskets (all tills, or only this till's), oldest first, for the recall list or quitting."""
        if self.engine is None:
            then(PosError(self.open_problem or "The ledger is still opening. Try again in a moment."))
            return
        engine, till = self.engine, self.till if here_only else None

        def job() -> list[ParkedInfo]:
            from pos.sales.parking import parked_baskets

            return parked_baskets(engine, till=till)

        self.lanes.lookups.submit(job, then)

    def recall(self, parked_id: int) -> None:
        """Take a parked basket back into this (empty) basket, priced from today's catalogue."""
        if not self.basket.is_empty():
            self._say(Problem("Finish or park this basket first, then recall the parked one."))
            return
        if self.engine is None:
            self._say(Problem("The ledger is still opening. Try again in a moment."))
            return
        engine, actor = self.engine, self.actor

        def job() -> tuple[ParkedInfo, dict[str, VariantInfo]]:
            from pos.sales.parking import recall_basket
            from pos.staff.services import unit_of_work

            return recall_basket(unit_of_work(engine, actor), parked_id), self._catalogue_now()

        self.lanes.sales.submit(job, self._recalled)

    def _recalled(self, result: tuple[ParkedInfo, dict[str, VariantInfo]] | Exception) -> None:
        if isinstance(result, Exception):
            self._say(Problem(_plain(result, "The basket was not recalled")))
            return
        parked, catalogue = result
        if catalogue:
            self._known = catalogue
        current = {variant.variant_id: variant for variant in self._known.values()}
        lines = [BasketLine(current[item.variant_id], item.quantity) for item in parked.items if item.variant_id in current]
        gone = [item.label or item.sku for item in parked.items if item.variant_id not in current]
        self.basket.put_back(lines)
        message = f"Recalled basket {parked.id}: {parked.units} item{'s' if parked.units != 1 else ''}, now {format_pence(self.basket.total_pence)}."
        if gone:
            message += f" No longer in the catalogue, so left out: {', '.join(gone)}."
        self._say(BasketChanged(message, 0 if lines else None))

    # --- printing -----------------------------------------------------------------------------

    def reprint(self, ref: ReceiptRef, gift: bool, then: Callable[[PrintOutcome | PosError], None]) -> None:
        """Receipt `ref` again, marked COPY (or as a gift receipt without prices): rebuilt from the ledger and
        audited on the sales lane, then printed on the printing lane; `then` gets what happened.
        """
        if self.engine is None:
            then(PosError("The ledger is still opening. Try again in a moment."))
            return
        engine, printer, actor, store = self.engine, self.printer, self.actor, self.store

        def record() -> Receipt:
            from inventory.db import UnitOfWork
            from pos.sales.history import reprint_receipt

            try:
                return reprint_receipt(UnitOfWork(engine, actor), ref, store, gift=gift, queue=self.prints)
            except LedgerBusy:
                raise PosError("The ledger is busy with another till or an import; nothing was printed. "
                               "Try the reprint again in a moment.") from None

        def plain(error: Exception) -> PosError:
            return error if isinstance(error, PosError) else PosError(_plain(error, f"Could not reprint {ref}"))

        def recorded(result: Receipt | Exception) -> None:
            if isinstance(result, Exception):
                then(plain(result))
                return
            if not self.prints:
                from pos.printing import PrintOutcome

                then(PrintOutcome(False, f"Receipt {ref} not printed: this till prints no receipts."))
                return
            document = "gift" if gift else "copy"
            self._print_queue({(document, str(ref)): result}, then=lambda run: then(_outcome_of(run, self.retry_hint)))

        self.lanes.sales.submit(record, recorded)

    def _print(self, sale: CompletedSale) -> None:
        """A sale's receipt: through the ledger's print queue (queued with the sale), or a training slip at once."""
        if not self.prints:
            return
        if sale.receipt.training:
            printer = self.printer
            assert printer is not None

            def print_slip() -> PrintOutcome:
                from pos.printing import print_sale_receipt

                return print_sale_receipt(printer, sale.receipt)

            self.lanes.printing.submit(print_slip, lambda result: self._say(ReceiptPrinted(
                result if not isinstance(result, Exception) else _failed_outcome(sale, result))))
            return
        self._print_queue({("receipt", str(sale.reference)): sale.receipt})

    def print_documents(self, ready: dict[tuple[str, str], Document], then: Callable[[PrintOutcome], None]) -> None:
        """Print what the till just queued (a refund slip, an exchange's receipt), then the rest of its queue."""
        self._print_queue(ready, then=lambda run: then(_outcome_of(run, self.retry_hint)))

    def retry_printing(self) -> None:
        """A person asked: print the queue again, including documents the printer did not confirm."""
        if not self.prints or self.engine is None:
            self._say(Problem("This till prints no receipts." if not self.prints else "The ledger is still opening."))
            return
        self._print_queue(requeue=True)

    def printer_tick(self) -> None:
        """Called every few seconds by the face: try a printer that refused again once its wait is over."""
        if self._print_retry_at is not None and time.monotonic() >= self._print_retry_at:
            self._print_retry_at = None
            self._print_queue()

    def _print_queue(
        self, ready: dict[tuple[str, str], Document] | None = None, *, recover: bool = False, requeue: bool = False,
        then: Callable[[QueueRun], None] | None = None,
    ) -> None:
        """Work through this till's print queue on the printing lane; report each run."""
        engine, printer, store, till = self.engine, self.printer, self.store, self.till
        assert printer is not None

        def job() -> QueueRun:
            from pos.printing import print_waiting
            from pos.sales.print_queue import recover_interrupted, requeue_unconfirmed

            if recover:
                recover_interrupted(engine, till)
            if requeue:
                requeue_unconfirmed(engine, till)
            return print_waiting(engine, till, printer, store, ready)

        def done(result: QueueRun | Exception) -> None:
            if isinstance(result, Exception):
                from pos.printing import QueueRun

                result = QueueRun(problem=_plain(result, "The print queue could not be read"), waiting=1)
            self._queue_ran(result)
            if then is not None:
                then(result)

        self.lanes.printing.submit(job, done)

    def _queue_ran(self, run: QueueRun) -> None:
        if run.printed or run.problem or run.unconfirmed or not run.ok:
            self._say(ReceiptPrinted(_outcome_of(run, self.retry_hint)))
        if run.problem:
            self._print_retry_at = time.monotonic() + self._print_retry_wait
            self._print_retry_wait = min(self._print_retry_wait * 2, PRINT_RETRY_MAX_S)
        else:
            self._print_retry_at, self._print_retry_wait = None, PRINT_RETRY_FIRST_S
        if run.ok != self._printer_ok or not run.ok:
            self._printer_ok = run.ok
            self._say(PrinterChanged(run.ok, _printer_summary(run)))


def _outcome_of(run: QueueRun, retry: str) -> PrintOutcome:
    from pos.printing import PrintOutcome

    return PrintOutcome(run.ok and bool(run.printed), run.message(retry, brief=retry != CLI_RETRY))


def _failed_outcome(sale: CompletedSale, error: Exception) -> PrintOutcome:
    from pos.printing import PrintOutcome

    return PrintOutcome(False, f"Receipt {sale.reference} did not print: {error}")


def _printer_summary(run: QueueRun) -> str:
    """The status bar's few words: empty when the printer is keeping up."""
    if run.problem:
        return f"Printer: {run.waiting} waiting"
    if run.unconfirmed_waiting:
        return f"Printer: {run.unconfirmed_waiting} unconfirmed"
    return ""


def _practice_lines(basket: Basket) -> list[PricedLine]:
    """The basket priced for a training slip as the ledger would price it (designers are not looked up)."""
    return [
        PricedLine(
            variant_id=line.variant.variant_id, product_id=0, sku=line.variant.sku, description=line.variant.name,
            size=line.variant.size, colour=line.variant.colour, quantity=line.quantity,
            unit_price_pence=price.unit_price_pence, vat_rate_bp=line.variant.vat_rate_bp, designers=(),
            discount_pence=price.discount_pence, discount_label=price.discount_label,
            list_price_pence=price.list_price_pence if price.terms.override else None,
            price_reason=price.terms.override.reason if price.terms.override else "",
        )
        for line, price in zip(basket.lines, basket.prices(), strict=True)
    ]


def _sign_in_job(uow: Any, code: str, pin: str) -> StaffMember:
    from pos.staff.services import sign_in

    return sign_in(uow, code, pin)


def _first_pin_job(uow: Any, code: str, pin: str) -> StaffMember:
    from pos.staff.services import set_first_pin

    return set_first_pin(uow, code, pin)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _line_totals(basket: Basket) -> list[int]:
    """Each line's total after its discounts (priced only when there are any: this runs on every scan)."""
    if basket.discount is None and all(line.terms.discount is None for line in basket.lines):
        return [line.total_pence for line in basket.lines]
    return [price.total_pence for price in basket.prices()]


def _plain(error: Exception, what: str) -> str:
    """A PosError's own words; anything else as its first line, with no library internals."""
    if isinstance(error, PosError):
        return str(error)
    from pos.ledger import plain_database_error

    plain = plain_database_error(error)
    if plain is not None:
        return f"{what}. {plain}"
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return f"{what}: {_short(first, 120)}. Check the ledger setting (--db / POS_DATABASE_URL) and try again."
