"""A till's shifts, their cash movements and their Z close. All three tables are append-only.

A shift is opened (a row in `shifts`), may have paid-ins and paid-outs (`cash_movements`), and is
closed once (a row in `shift_closes`, whose key is the shift: a second close cannot be written).
Which shift a till is on is working state on the till's own row (`tills.open_shift_id`), read and
changed under the same row lock as its receipt numbers, so a sale never lands on a closed shift.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db import Base

CASH_MOVEMENT_KINDS = ("paid_in", "paid_out")


class Shift(Base):
    """A till's shift, opened with a counted float. Never edited: its close is a row of its own."""

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    opened_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]  # the store's local date when it opened
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    opened_by: Mapped[str] = mapped_column(String(80))  # the name they show (or the command's actor)
    float_pence: Mapped[int]  # the cash counted into the drawer at the start

    __table_args__ = (
        CheckConstraint("float_pence >= 0", name="float"),
        Index("ix_shifts_till", "till_id", "id"),
    )


class ShiftClose(Base):
    """The Z: a shift closed with its drawer counted. One per shift (its key), never edited."""

    __tablename__ = "shift_closes"

    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), primary_key=True)
    closed_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    closed_by: Mapped[str] = mapped_column(String(80))
    expected_cash_pence: Mapped[int]
    counted_cash_pence: Mapped[int]
    variance_pence: Mapped[int]  # counted − expected: negative is short
    cash_count: Mapped[str] = mapped_column(Text, default="")  # JSON {denomination pence: how many}, or ""
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (CheckConstraint("counted_cash_pence >= 0", name="counted"),)


class CashMovement(Base):
    """A paid-in or paid-out of the drawer during a shift, with a reason and the approving manager."""

    __tablename__ = "cash_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_pence: Mapped[int]  # positive; the kind says which way
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    recorded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]

    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount"),
        CheckConstraint(f"kind IN {CASH_MOVEMENT_KINDS}", name="kind"),
    )
