"""The till core: one till's working state and the one path from a scan to a printed receipt.

Plain Python, no user interface. The sale screen and `pos sell` both drive a TillCore; the screen
draws what it reports and maps keys to its methods, nothing else.

Anything that reaches the ledger or the printer runs on a *lane*: a queue of jobs run one after
another off the caller's thread, each with a continuation run back on the caller's thread. The
screen gives Textual worker lanes (so the event loop never waits on the ledger); `pos sell` and the
unit tests give InlineLane, which runs everything at once. Three lanes keep their own order:
look-ups (scans come back in the order they were typed), sales (a sale waiting for a busy ledger
never holds up a scan) and printing (a slow printer never holds up a sale).

The core's state (basket, pending sales, last sale) changes only in its methods and continuations,
which all run on the caller's thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from common.errors import LedgerBusy, PaymentError, PosError
from common.money import format_pence
from common.values import Actor, ReceiptRef, Tender
from pos.sales.basket import Basket, BasketLine
from pos.sales.checkout import EMPTY_BASKET, CompletedSale, card_tender, cash_tender
from receipts.model import Receipt, StoreHeader

if TYPE_CHECKING:  # the till paints before SQLAlchemy, the services and the printers load
    from inventory.catalog import VariantInfo
    from inventory.lookup import DesignMatch
    from pos.printing import PrintOutcome
    from receipts.printers import PrinterSettings

Result = TypeVar("Result")
LedgerHandle = Any  # an Engine; the core never looks inside it
BUSY_RETRY_FIRST_S = 0.05
BUSY_RETRY_MAX_S = 1.0


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

    @classmethod
    def inline(cls) -> Lanes:
        lane = InlineLane()
        return cls(lane, lane, lane)


# --- what the core reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerOpened:
    label: str  # which ledger, for the header


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


Event = (
    LedgerOpened | LedgerFailed | BasketChanged | ChooseItem | Problem | SaleSaving | SaleCompleted | SaleRefused
    | ReceiptPrinted
)


@dataclass(frozen=True)
class PendingSale:
    """A paid basket on its way into the ledger."""

    number: int  # this till session's count, to tell pending sales apart
    lines: tuple[BasketLine, ...]
    tender: Tender

    @property
    def items(self) -> list[tuple[int, int]]:
        return [(line.variant.variant_id, line.quantity) for line in self.lines]


@dataclass(frozen=True)
class _Refusal:
    """The ledger refused a sale: why, and the catalogue read again after it (a price may have changed)."""

    error: Exception
    catalogue: dict[str, VariantInfo]  # empty if it could not be read


@dataclass
class _Opening:
    engine: LedgerHandle
    label: str
    last_sale: CompletedSale | None
    known: dict[str, VariantInfo]


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
    _early_scans: list[str] = field(default_factory=list)
    _sales_taken: int = 0
    _looking_up: int = 0  # scans handed to the look-up lane whose answer has not come back
    _after_lookups: list[Callable[[], None]] = field(default_factory=list)
    # The catalogue by barcode and SKU, read when the ledger opens and after every sale: a known code is
    # added at once, whatever the ledger is doing. complete_sale prices every sale from the ledger, so a
    # price changed since is caught at payment and the items come back at the new price.
    _known: dict[str, VariantInfo] = field(default_factory=dict)

    @property
    def till(self) -> str:
        assert self.actor.till is not None
        return self.actor.till

    @property
    def is_open(self) -> bool:
        return self.engine is not None

    def _say(self, event: Event) -> None:
        self.listener(event)

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

        return _Opening(engine, ledger_label(engine), last_sale(engine, self.till, self.store), scan_codes(engine))

    def _opened(self, result: _Opening | Exception) -> None:
        if isinstance(result, Exception):
            self._say(LedgerFailed(_plain(result, "Could not open the ledger")))
            return
        self.engine, self.last_sale, self._known = result.engine, result.last_sale, result.known
        self._say(LedgerOpened(result.label))
        waiting, self._early_scans = self._early_scans, []
        for text in waiting:
            self.enter(text)

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
        self.basket.remove(index)
        self._say(BasketChanged(f"Removed {label}."))

    # --- paying -------------------------------------------------------------------------------

    def cash(self, tendered_pence: int | None = None) -> Tender:
        """The cash tender for the basket (None: the exact amount); PaymentError if it cannot pay it."""
        self._check_payable()
        return cash_tender(self.basket.total_pence, tendered_pence)

    def card(self) -> Tender:
        self._check_payable()
        return card_tender(self.basket.total_pence)

    def _check_payable(self) -> None:
        if self.basket.is_empty():
            raise PaymentError(EMPTY_BASKET)
        if self.engine is None:
            raise PaymentError("The ledger is still opening. Take payment again in a moment.")

    def pay(self, tender: Tender) -> PendingSale:
        """Take the basket as paid by `tender`: it saves in the background while the next sale starts.

        The sale is retried for as long as the ledger is busy and is never dropped; if the ledger
        refuses it (a price changed, say), its items come back into the basket.
        """
        if tender.amount_pence != self.basket.total_pence:
            raise PaymentError(
                f"The payment of {format_pence(tender.amount_pence)} does not match the total of "
                f"{format_pence(self.basket.total_pence)}. Take payment again."
            )
        self._check_payable()
        self._sales_taken += 1
        pending = PendingSale(self._sales_taken, tuple(self.basket.lines), tender)
        self.basket = Basket()
        self.pending.append(pending)
        self._say(SaleSaving(pending))
        self.lanes.sales.submit(lambda: self._save(pending), lambda result: self._saved(pending, result))
        return pending

    def _save(self, pending: PendingSale) -> CompletedSale | _Refusal:
        """Runs on the sales lane: complete the sale, waiting out a busy ledger for as long as it takes."""
        from inventory.db import UnitOfWork
        from pos.sales.services import complete_sale

        uow = UnitOfWork(self.engine, self.actor)
        wait = BUSY_RETRY_FIRST_S
        told = False
        while True:
            try:
                return complete_sale(uow, pending.items, [pending.tender], store=self.store)
            except LedgerBusy:
                if not told:
                    self.lanes.sales.notify(lambda: self._say(SaleSaving(pending, busy=True)))
                    told = True
                time.sleep(wait)
                wait = min(wait * 2, BUSY_RETRY_MAX_S)
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
            if refusal.catalogue:
                self._known = refusal.catalogue
            self._restore(pending, {variant.variant_id: variant for variant in refusal.catalogue.values()})
            self._say(SaleRefused(_plain(refusal.error, "The sale was not saved") + " Its items are back in the basket."))
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
        """The refused sale's items back in the basket, at the catalogue's current prices, ahead of later scans."""
        self.basket.put_back(
            [BasketLine(current.get(line.variant.variant_id, line.variant), line.quantity) for line in pending.lines]
        )

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
                return reprint_receipt(UnitOfWork(engine, actor), ref, store, gift=gift)
            except LedgerBusy:
                raise PosError("The ledger is busy with another till or an import; nothing was printed. "
                               "Try the reprint again in a moment.") from None

        def plain(error: Exception) -> PosError:
            return error if isinstance(error, PosError) else PosError(_plain(error, f"Could not reprint {ref}"))

        def recorded(result: Receipt | Exception) -> None:
            if isinstance(result, Exception):
                then(plain(result))
                return
            receipt = result

            def print_it() -> PrintOutcome:
                from pos.printing import PrintOutcome, print_sale_receipt

                if printer is None:
                    return PrintOutcome(False, f"Receipt {ref} not printed: this till prints no receipts.")
                return print_sale_receipt(printer, receipt)

            self.lanes.printing.submit(print_it, lambda done: then(plain(done) if isinstance(done, Exception) else done))

        self.lanes.sales.submit(record, recorded)

    def _print(self, sale: CompletedSale) -> None:
        if self.printer is None:
            return
        printer = self.printer

        def print_receipt() -> PrintOutcome:
            from pos.printing import print_sale_receipt

            return print_sale_receipt(printer, sale.receipt)

        self.lanes.printing.submit(print_receipt, lambda result: self._printed(sale, result))

    def _printed(self, sale: CompletedSale, result: PrintOutcome | Exception) -> None:
        if isinstance(result, Exception):
            from pos.printing import PrintOutcome

            result = PrintOutcome(False, f"Receipt {sale.reference} did not print: {result}")
        self._say(ReceiptPrinted(result))


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
