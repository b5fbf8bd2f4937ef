"""The returns desk: a returns or exchange at the till, in plain Python (the returns screen draws it).

It finds a sale by the reference scanned or typed, keeps the units chosen per line (and which are
damaged) and, for an exchange, the new items scanned; the refund or exchange itself runs on the till
core's sales lane and its slip prints on the printing lane, so the screen never waits on the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from common.errors import NotAllowed, PosError
from common.money import format_pence
from common.values import StaffMember, Tender

if TYPE_CHECKING:
    from inventory.catalog import VariantInfo
    from pos.printing import Document, PrintOutcome
    from pos.sales.history import SaleForReturn
    from pos.sales.refunds import CompletedExchange, CompletedRefund
    from pos.sales.till_core import TillCore

Done = Callable[["CompletedRefund | CompletedExchange | Exception"], None]


@dataclass
class ReturnsDesk:
    """One return or exchange at a time, against one sale."""

    core: TillCore
    sale: SaleForReturn | None = None
    units: dict[int, int] = field(default_factory=dict)  # line index -> units coming back
    damaged: set[int] = field(default_factory=set)  # line indexes whose units go to damaged stock
    new_items: list[VariantInfo] = field(default_factory=list)  # an exchange's new items, one per unit
    on_printed: Callable[[PrintOutcome | Exception], None] = lambda outcome: None  # the slip's printing outcome

    # --- finding the sale ---------------------------------------------------------------------

    def find(self, text: str, then: Callable[[SaleForReturn | Exception], None]) -> None:
        """Look up the sale whose reference was scanned or typed; `then` gets it or the problem."""
        engine = self.core.engine
        if engine is None:
            then(PosError("The ledger is still opening. Try again in a moment."))
            return

        def look_up() -> SaleForReturn:
            from pos.sales.history import sale_for_return
            from pos.sales.references import parse_reference

            return sale_for_return(engine, parse_reference(text))

        self.core.lanes.lookups.submit(look_up, lambda result: self._found(result, then))

    def _found(self, result: SaleForReturn | Exception, then: Callable[[SaleForReturn | Exception], None]) -> None:
        if not isinstance(result, Exception):
            self.sale, self.units, self.damaged, self.new_items = result, {}, set(), []
        then(result)

    # --- choosing -----------------------------------------------------------------------------

    def set_units(self, index: int, units: int) -> None:
        """Units of line `index` coming back (0 takes the line out of the return)."""
        line = self._line(index)
        if not 0 <= units <= line.returnable:
            raise NotAllowed(
                f"{line.description}: {line.quantity} sold, {line.returnable} left to return. Choose 0 to {line.returnable}."
            )
        if units:
            self.units[index] = units
        else:
            self.units.pop(index, None)
            self.damaged.discard(index)

    def toggle_damaged(self, index: int) -> bool:
        """Mark the units of line `index` damaged, or not; True when they now are."""
        self._line(index)
        if index not in self.units:
            raise NotAllowed("Choose how many come back first (F7), then mark them damaged.")
        self.damaged ^= {index}
        return index in self.damaged

    def _line(self, index: int):  # type: ignore[no-untyped-def]
        if self.sale is None:
            raise NotAllowed("Scan the receipt's barcode or type its reference first.")
        return self.sale.lines[index]

    @property
    def refund_pence(self) -> int:
        if self.sale is None:
            return 0
        return sum(self.sale.lines[index].refund_for(units) for index, units in self.units.items())

    def refund_to(self, to: str | None = None) -> dict[str, int]:
        """Where the chosen refund would go (see pos.sales.refunds.refund_tenders)."""
        from pos.sales.refunds import refund_tenders

        card_left = self.sale.card_left_pence if self.sale else 0
        return refund_tenders(self.refund_pence, card_left, to)

    def difference_to(self, to: str | None = None) -> dict[str, int]:
        """For an exchange for less: where the difference would go back."""
        from pos.sales.refunds import refund_tenders

        card_left = self.sale.card_left_pence if self.sale else 0
        return refund_tenders(max(-self.difference_pence, 0), card_left, to)

    @property
    def new_items_pence(self) -> int:
        return sum(item.price_pence for item in self.new_items)

    @property
    def difference_pence(self) -> int:
        """For an exchange: what the customer pays (positive) or gets back (negative)."""
        return self.new_items_pence - self.refund_pence

    def returned(self) -> list[tuple[int | str, int, bool]]:
        if self.sale is None or not self.units:
            raise NotAllowed("Choose what comes back first: select a line and press F7 for how many.")
        return [(self.sale.lines[index].sale_line_id, units, index in self.damaged)
                for index, units in sorted(self.units.items())]

    def add_new_item(self, variant: VariantInfo) -> None:
        self.new_items.append(variant)

    # --- refunding ----------------------------------------------------------------------------

    def refund(self, approver: StaffMember, to: str | None, then: Done) -> None:
        """Refund what was chosen, approved by `approver`, to `to` (None: card first, then cash)."""
        returned, reference, engine = self.returned(), self._reference(), self._engine()
        actor, store, prints = self.core.actor, self.core.store, self.core.prints

        def save() -> CompletedRefund:
            from pos.sales.refunds import refund_sale
            from pos.staff.services import unit_of_work

            return refund_sale(unit_of_work(engine, actor), reference, returned, approved_by=approver, to=to, store=store,
                               queue_slip=prints)

        self.core.lanes.sales.submit(save, lambda result: self._done(result, then))

    def exchange(self, approver: StaffMember, tender: str | None, then: Done) -> None:
        """Exchange what was chosen for the new items; `tender` ('cash', 'card') settles the difference
        both ways (exact cash or card when the customer pays; where the difference goes when they get it back)."""
        if not self.new_items:
            raise NotAllowed("Scan the new items first: the exchange needs something to take away.")
        returned, reference, engine = self.returned(), self._reference(), self._engine()
        actor, store, prints = self.core.actor, self.core.store, self.core.prints
        items = [(item.variant_id, 1) for item in self.new_items]
        due = self.difference_pence
        if due > 0 and tender is None:
            raise NotAllowed(f"The customer pays {format_pence(due)} on top: take it in cash (F5) or by card (F6).")
        tenders = [Tender(tender or "cash", due, due)] if due > 0 else []
        to = tender if due < 0 else None

        def save() -> CompletedExchange:
            from pos.sales.refunds import exchange
            from pos.staff.services import unit_of_work

            return exchange(unit_of_work(engine, actor), reference, returned, items, tenders, approved_by=approver,
                            to=to, store=store, queue_documents=prints)

        self.core.lanes.sales.submit(save, lambda result: self._done(result, then))

    def _reference(self):  # type: ignore[no-untyped-def]
        if self.sale is None:
            raise NotAllowed("Scan the receipt's barcode or type its reference first.")
        return self.sale.reference

    def _engine(self):  # type: ignore[no-untyped-def]
        if self.core.engine is None:
            raise PosError("The ledger is still opening. Try again in a moment.")
        return self.core.engine

    def _done(self, result: CompletedRefund | CompletedExchange | Exception, then: Done) -> None:
        if not isinstance(result, Exception):
            self.units, self.damaged, self.new_items = {}, set(), []
            self._print(result)
        then(result)

    def _print(self, done: CompletedRefund | CompletedExchange) -> None:
        """The refund or exchange slip, queued with it: printed through the till's queue."""
        if not self.core.prints:
            return
        from pos.sales.refunds import CompletedExchange

        from pos.printing import ExchangeDocument

        if isinstance(done, CompletedExchange):
            ready: dict[tuple[str, str], Document] = {
                ("exchange", str(done.refund.reference)): ExchangeDocument(done.refund.slip, done.sale.receipt)
            }
        else:
            ready = {("refund", str(done.reference)): done.slip}
        self.core.print_documents(ready, self.on_printed)
