"""Receipt references as a cashier types or scans them, and finding the sale they name.

A receipt prints its reference (`till-1/000012`) in words and as a Code128 barcode of the same
text, so typing it and scanning it give the same string.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, bindparam, select

from common.errors import NotAllowed, PosError
from common.values import ReceiptRef
from pos.sales.models import Refund, Sale, Till
from pos.sales.tills import TILL_NAME_MAX

_REFERENCE = re.compile(
    rf"\s*(?:(?P<till>[A-Za-z0-9_-]{{1,{TILL_NAME_MAX}}})\s*/\s*)?(?P<number>[0-9]{{1,9}})\s*", re.ASCII
)


class UnknownReceipt(PosError):
    def __init__(self, ref: ReceiptRef) -> None:
        super().__init__(f"There is no receipt {ref} in the ledger. Check the till name and the receipt number.")


class NotAReceiptReference(NotAllowed):
    def __init__(self, text: str) -> None:
        shown = text if len(text) <= 30 else f"{text[:29]}…"
        super().__init__(
            f"'{shown}' is not a receipt reference. Scan the receipt's barcode or type it as printed, like till-1/000012."
        )


def parse_reference(text: str, till: str | None = None) -> ReceiptRef:
    """`till-1/000012` (typed, or read from the receipt's barcode) as a ReceiptRef.

    A bare number is a receipt of `till` when one is given (typing at a till); else NotAReceiptReference.
    """
    match = _REFERENCE.fullmatch(text)
    if match is None or (match["till"] is None and till is None):
        raise NotAReceiptReference(text.strip())
    return ReceiptRef(match["till"] or till or "", int(match["number"]))


_SALE = (
    select(Sale.id)
    .join(Till, Till.id == Sale.till_id)
    .where(Till.name == bindparam("till"), Sale.receipt_no == bindparam("number"))
)
_REFUND = (
    select(Refund.id).join(Till, Till.id == Refund.till_id)
    .where(Till.name == bindparam("till"), Refund.receipt_no == bindparam("number"))
)


def find_sale_id(connection: Connection, reference: ReceiptRef) -> int:
    """The id of sale `reference`; a refund slip's reference or an unknown one is refused in words."""
    found = connection.execute(_SALE, {"till": reference.till, "number": reference.number})
    sale_id = found.scalar()
    if sale_id is not None:
        return int(sale_id)
    if find_refund_id(connection, reference) is not None:
        raise NotAllowed(f"{reference} is a refund slip, not a sale. Scan or type the original sale's receipt.")
    raise UnknownReceipt(reference)


def find_refund_id(connection: Connection, reference: ReceiptRef) -> int | None:
    found = connection.execute(_REFUND, {"till": reference.till, "number": reference.number}).scalar()
    return None if found is None else int(found)
