"""Staff (working state: PIN hashes and lock-outs change) and the audit trail (append-only).

A staff row holds a code, the name the person chose to show on receipts, a role and a PIN hash;
nothing else about them. A participant who staffs the till may be linked to their participant row,
so that their statement can show the shifts they worked.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db import Base


class Staff(Base):
    """Someone who signs in at a till: a cashier or a manager. Never deleted: disabled instead."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), default=None)
    pin_hash: Mapped[str | None] = mapped_column(String(200), default=None)  # None until they set a PIN
    active: Mapped[bool] = mapped_column(default=True)
    failed_pins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)  # UTC
    created_at: Mapped[datetime]  # UTC, from the unit of work's clock

    __table_args__ = (CheckConstraint("role IN ('cashier', 'manager')", name="role"),)


class AuditEvent(Base):
    """Something that needed authority or went wrong at sign-in: who, who approved, when, where, why."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]  # the store's local date
    till: Mapped[str | None] = mapped_column(String(40), default=None)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str | None] = mapped_column(String(40), default=None)  # a receipt, when there is one

    __table_args__ = (Index("ix_audit_events_trading_date", "trading_date"),)
