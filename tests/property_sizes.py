"""How many examples the property tests on a ledger try: an everyday size that keeps the suite inside its
time budget, or with POS_TEST_NIGHTLY=1 (a nightly or pre-release run) a size ten times that."""

from __future__ import annotations

import os

NIGHTLY = os.environ.get("POS_TEST_NIGHTLY", "") not in ("", "0")


def examples(everyday: int) -> int:
    """`everyday` examples, or ten times as many in a nightly run."""
    return everyday * 10 if NIGHTLY else everyday
