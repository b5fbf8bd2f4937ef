"""Names shared by the till's screens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from pos.config import Settings

# The ledger the services work on. The face never looks inside it (no SQLAlchemy here).
LedgerHandle: TypeAlias = Any

# Gives "now" for a sale (aware, or naive UTC); None means the real clock. Tests freeze it.
Clock: TypeAlias = Callable[[], datetime]


@dataclass(frozen=True)
class TillOptions:
    """What a till is started with, as `TillApp` hands it to its sale screen."""

    till_name: str
    settings: Settings
    title: str = "Makers' Till"
    staff: str = ""
    clock: Clock | None = None
    connect: Callable[[], LedgerHandle] | None = None  # opens the ledger when none is given
