"""The till's published basket: working state (updated in place on every change), not a ledger table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db import Base

DISPLAY_STATUSES = ("idle", "basket", "paid")


class TillDisplay(Base):
    """What till `till` shows its customer now. `version` only grows: a display redraws when it changes.

    `basket` is JSON: {"lines": [[description, size, colour, quantity, line_total_pence], ...],
    "total_pence": int, "last_scanned_variant_id": int | null}. No foreign key: a display row is
    never a reason a till cannot be handled, and the till's name is what a display is started with.
    """

    __tablename__ = "till_displays"
    __table_args__ = (CheckConstraint(f"status IN {DISPLAY_STATUSES}", name="status"),)

    till: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(8))
    basket: Mapped[str] = mapped_column(Text)
    change_pence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]  # UTC
