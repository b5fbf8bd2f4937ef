"""EAN-13 barcodes: check digits, validation, and the in-store range (prefix 20-29)."""

from __future__ import annotations

IN_STORE_PREFIX = "20"  # GS1 prefixes 20-29 are for use inside a store; we assign from 20.


def ean13_check_digit(first_twelve: str) -> str:
    """The check digit for 12 digits: weights 1,3,1,3... from the left, then up to a multiple of 10."""
    if len(first_twelve) != 12 or not (first_twelve.isascii() and first_twelve.isdigit()):
        raise ValueError("an EAN-13 check digit needs exactly 12 digits")
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def ean13_problem(code: str) -> str | None:
    """Why `code` is not a valid EAN-13, or None when it is."""
    if not (code.isascii() and code.isdigit()):
        return f"barcode '{code}' must be 13 digits"
    if len(code) != 13:
        return f"barcode '{code}' has {len(code)} digits, an EAN-13 has 13"
    expected = ean13_check_digit(code[:12])
    if code[12] != expected:
        return f"barcode '{code}' has a wrong check digit (the last digit should be {expected})"
    return None


def is_valid_ean13(code: str) -> bool:
    return ean13_problem(code) is None


def in_store_ean13(sequence: int) -> str:
    """The in-store barcode number `sequence` (1, 2, ...): "20" + 10 digits + check digit."""
    if not 0 < sequence < 10**10:
        raise ValueError("in-store barcode sequence out of range")
    body = f"{IN_STORE_PREFIX}{sequence:010d}"
    return body + ean13_check_digit(body)


def in_store_sequence(code: str) -> int | None:
    """The sequence number of one of our own in-store barcodes, or None for any other code."""
    if len(code) == 13 and code.startswith(IN_STORE_PREFIX) and code.isdigit():
        return int(code[2:12])
    return None
