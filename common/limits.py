"""Every value's limit, named once and checked where the value comes in.

SQLite stores any integer up to 2**63 and text of any length; PostgreSQL's INTEGER stops at
2,147,483,647 and its VARCHAR(n) at n characters. A value one engine takes and the other refuses
is a sale that works on one till and fails on another, so the limits here are checked before the
ledger sees a value, and the money limits keep the largest possible sale (with its change) over
200 times below PostgreSQL's integer. Till names are checked where tills are registered.
"""

from __future__ import annotations

from common.errors import OverLimit
from common.money import format_pence

# Money and counts.
MAX_PRICE_PENCE = 999_999  # £9,999.99 for one item
MAX_QUANTITY = 999  # of one SKU in one sale
MAX_SALE_TOTAL_PENCE = 9_999_999  # £99,999.99 for one sale
MAX_CHANGE_PENCE = 50_000  # more change than £500 is a typing slip (an amount entered twice), not a sale
MAX_RECEIVED = 100_000  # units of one SKU on one delivery row
MAX_LABELS = 10_000  # labels in one PDF (476 A4 sheets)
MAX_DRAWER_PENCE = 5_000_000  # £50,000: a float, a paid-in or a counted drawer beyond this is a typing slip

# What a person types or scans at the till.
SEARCH_TEXT_MAX = 64  # a name search; longer is a paste or a jammed scanner, never a design name
BARCODE_LENGTH = 13  # EAN-13

# Text, as wide as the ledger's columns.
SKU_MAX = 40  # variants.sku, sale_lines.sku
STAFF_NAME_MAX = 80  # sales.staff, stock_movements.recorded_by
DESIGN_NAME_MAX = 120  # products.name, sale_lines.description
CATEGORY_MAX = 60
SIZE_MAX = 10
COLOUR_MAX = 30
PARTICIPANT_NAME_MAX = 80
LINKEDIN_URL_MAX = 300
STORY_MAX = 2000
NOTE_MAX = 500


def check_length(what: str, text: str, maximum: int) -> None:
    """Refuse text longer than `maximum` characters, naming what it is but never echoing all of it."""
    if len(text) > maximum:
        raise OverLimit(f"{what} is {len(text):,} characters long; the most is {maximum}. Shorten it and try again.")


def check_staff_name(name: str) -> None:
    check_length("The staff name", name, STAFF_NAME_MAX)


def check_search_text(text: str) -> None:
    if len(text) > SEARCH_TEXT_MAX:
        raise OverLimit(
            f"That entry is {len(text):,} characters long; a scan or search takes at most {SEARCH_TEXT_MAX}. "
            "Scan the tag, or type part of the design name."
        )


def check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise OverLimit(f"A quantity must be between 1 and {MAX_QUANTITY}. To take a line off, remove it.")


def check_price(label: str, price_pence: int) -> None:
    if not 0 <= price_pence <= MAX_PRICE_PENCE:
        raise OverLimit(
            f"{label} is priced at {format_pence(price_pence)}; the till sells one item for at most "
            f"{format_pence(MAX_PRICE_PENCE)}. Ask a manager to correct its price in the catalogue."
        )


def check_sale_total(total_pence: int) -> None:
    if total_pence > MAX_SALE_TOTAL_PENCE:
        raise OverLimit(
            f"That would bring the sale to {format_pence(total_pence)}; one sale can be at most "
            f"{format_pence(MAX_SALE_TOTAL_PENCE)}. Take payment for this basket and start another."
        )
