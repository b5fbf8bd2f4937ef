"""Small value types shared by the sales layer, the receipts and the faces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from common.clock import utc_now

RECEIPT_DIGITS = 6


@dataclass(frozen=True, order=True)
class ReceiptRef:
    """A receipt's reference: the till's name and its number there, printed as `till-1/000012`."""

    till: str
    number: int

    def __str__(self) -> str:
        return f"{self.till}/{self.number:0{RECEIPT_DIGITS}d}"

    @property
    def file_stem(self) -> str:
        """The reference as a file name may carry it (no slash): `till-1-000012`."""
        return f"{self.till}-{self.number:0{RECEIPT_DIGITS}d}"


@dataclass(frozen=True)
class Tender:
    """One payment towards a sale: cash with what was handed over, or card for the amount.

    Card records the amount only, never card data; its tendered amount equals the amount.
    """

    tender: str  # "cash" or "card"
    amount_pence: int
    tendered_pence: int

    @property
    def change_pence(self) -> int:
        return self.tendered_pence - self.amount_pence


@dataclass(frozen=True)
class StaffMember:
    """Someone signed in (or a manager who approved with their PIN): their staff row, name and role."""

    id: int
    code: str
    name: str  # the name they chose to show on receipts
    role: str  # "cashier" or "manager"

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class Actor:
    """Who does a write, at which till, by which clock. Every service that writes is given one.

    `staff` is the signed-in person when there is one (sales record it); `name` is what is shown
    and recorded as text ("import" or "demo set-up" for set-up work).
    """

    name: str
    till: str | None = None
    clock: Callable[[], datetime] = field(default=utc_now, compare=False)
    staff: StaffMember | None = None

    @classmethod
    def signed_in(cls, member: StaffMember, till: str | None = None,
                  clock: Callable[[], datetime] = utc_now) -> Actor:
        return cls(member.name, till, clock, member)
