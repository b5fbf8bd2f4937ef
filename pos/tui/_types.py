"""Names shared by the till's screens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeAlias

# The ledger the services work on. The face never looks inside it (no SQLAlchemy here).
LedgerHandle: TypeAlias = Any

# Gives "now" for a sale (aware, or naive UTC); None means the real clock. Tests freeze it.
Clock: TypeAlias = Callable[[], datetime]
