"""Errors a cashier or manager can act on. The faces show `str(error)`; they never invent their own."""

from __future__ import annotations

from dataclasses import dataclass


class PosError(Exception):
    """Base of every error the product reports to a user."""


class UnknownCode(PosError):
    """A scanned or typed code matches nothing in the catalogue."""

    def __init__(self, code: str) -> None:
        self.code = code
        if code.isascii() and code.isdigit():
            message = (
                f"Barcode {code} is not in the catalogue. "
                "Check the tag, or type the product name to search."
            )
        else:
            message = f"Nothing in the catalogue matches '{code}'. Try the barcode or another part of the name."
        super().__init__(message)


class NotAllowed(PosError):
    """The action is refused as asked; the message says why and what to do instead."""


class OverLimit(NotAllowed):
    """A value beyond what the till takes (see common.limits); the message names the limit."""


class PaymentError(PosError):
    """A payment that cannot complete the sale (too little cash, empty basket, ...)."""


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line in the file; 0 for the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class InvalidImport(PosError):
    """A file that cannot be imported; nothing from it was written."""

    def __init__(self, path: str, problems: list[ImportProblem]) -> None:
        self.path = path
        self.problems = problems
        listing = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(
            f"{path}: nothing was imported; fix these {len(problems)} problem(s) and import again:\n{listing}"
        )


class LedgerBusy(PosError):
    """Another till or command is writing to the ledger right now; nothing was written. Try again."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or "The ledger is busy with another till or an import; nothing was lost. Trying again...")


class LedgerUnavailable(PosError):
    """The ledger could not be reached or refused the write; nothing was written."""


class LedgerNotWritable(PosError):
    """The ledger cannot take a write: a full disk, or a file, folder or disk that is read-only. Nothing was
    written; the message says what to fix. Not retried by itself: a person has to act first."""


class UnknownTill(PosError):
    """A till name that is not registered in the ledger; a typo must not start a till of its own."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        listing = ", ".join(known) if known else "none yet"
        super().__init__(
            f"There is no till called '{name}' in this ledger (tills: {listing}). "
            "Use one of those, or register it first with `pos tills add NAME`."
        )


class RetiredSku(NotAllowed):
    """A SKU that was retired from the catalogue: it no longer sells; its history stays."""

    def __init__(self, sku: str, label: str) -> None:
        self.sku = sku
        super().__init__(f"{sku} ({label}) is retired and no longer sells. Put it aside and tell a manager.")


class NoOpenShift(NotAllowed):
    """The till has no shift open (none yet, or its Z closed it): nothing is sold or refunded there."""

    def __init__(self, till: str) -> None:
        self.till = till
        super().__init__(
            f"Till {till} has no shift open, so nothing was recorded. Open one with its counted float: "
            f"in the till, or `pos shift open --till {till} --float AMOUNT --staff CODE`."
        )
