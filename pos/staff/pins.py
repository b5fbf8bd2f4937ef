"""PINs: 4 to 8 digits, stored only as a slow salted scrypt hash (standard library), never logged.

The stored form names its parameters (`scrypt$n$r$p$salt$hash`, base64), so they can be raised
later without locking anyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from common.errors import NotAllowed

PIN_MIN, PIN_MAX = 4, 8
_PIN = re.compile(rf"[0-9]{{{PIN_MIN},{PIN_MAX}}}", re.ASCII)
# scrypt at n=2**14, r=8 takes ~50 ms and 16 MiB a try: slow for a guesser, quick for a person.
_N, _R, _P = 2**14, 8, 1


def check_pin_format(pin: str) -> str:
    """`pin` if it is 4 to 8 digits, else NotAllowed saying what a PIN is."""
    if not _PIN.fullmatch(pin):
        raise NotAllowed(f"A PIN is {PIN_MIN} to {PIN_MAX} digits (0-9), nothing else. Choose another.")
    return pin


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_pin(pin: str) -> str:
    """The stored form of a new PIN, with a fresh random salt."""
    check_pin_format(pin)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode("ascii"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether `pin` is the PIN behind `stored` (in constant time once hashed)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt" or not pin.isascii():
        return False
    expected = base64.b64decode(digest)
    tried = hashlib.scrypt(pin.encode("ascii"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                           dklen=len(expected))
    return hmac.compare_digest(tried, expected)
