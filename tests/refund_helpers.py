"""Sales to refund in tests: a small catalogue with awkward prices and shares, and selling by SKU."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, text

from common.values import ReceiptRef, StaffMember, Tender
from inventory.imports import import_participants, import_products, import_stock
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.services import complete_sale
from ledger_helpers import as_staff, by

PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))

# Prices that do not divide by the quantities sold, shares that do not divide the prices.
AWKWARD_PARTICIPANTS = "code,name,consent\nAMO,Amara Osei,yes\nKBL,Kai Blake,no\nRNV,Rene Vale,yes\n"
AWKWARD_PRODUCTS = (
    "sku,design,designers,price,vat_rate\n"
    "TEN,Ten Pound Tee,AMO,3.33,20\n"
    "TRIO,Trio Jacket,AMO:33.34;KBL:33.33;RNV:33.33,33.37,20\n"
    "DUO,Duo Cap,KBL:50;RNV:50,7.01,20\n"
    "BOOK,Zine,RNV,4.99,0\n"
)
AWKWARD_STOCK = "sku,quantity\nTEN,500\nTRIO,500\nDUO,500\nBOOK,500\n"


def awkward_catalogue(engine: Engine, folder: Path) -> Engine:
    for name, content, load in (
        ("participants.csv", AWKWARD_PARTICIPANTS, import_participants),
        ("products.csv", AWKWARD_PRODUCTS, import_products),
        ("stock.csv", AWKWARD_STOCK, import_stock),
    ):
        path = folder / name
        path.write_text(content, encoding="utf-8")
        load(by(engine), path)
    return engine


def variants(engine: Engine) -> dict[str, tuple[int, int]]:
    """SKU -> (variant id, price)."""
    with engine.connect() as connection:
        return {sku: (vid, price) for vid, sku, price in connection.execute(text("SELECT id, sku, price_pence FROM variants"))}


def sell(engine: Engine, member: StaffMember, items: Sequence[tuple[str, int]], *, card_pence: int | None = None,
         till: str = "till-1") -> ReceiptRef:
    """Sell (SKU, quantity) items served by `member`: all by cash, or `card_pence` by card and the rest cash."""
    known = variants(engine)
    total = sum(known[sku][1] * quantity for sku, quantity in items)
    card = card_pence or 0
    tenders: list[Tender] = []
    if card:
        tenders.append(card_tender(card))
    if total - card:
        tenders.append(cash_tender(total - card))
    sale = complete_sale(as_staff(engine, member, till), [(known[sku][0], quantity) for sku, quantity in items], tenders)
    return sale.reference
