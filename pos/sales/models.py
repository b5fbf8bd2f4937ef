"""Tills, sales, lines, designer attribution and payments. Completed rows are never edited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db import Base


class Till(Base):
    """A till by name. `last_receipt_no` gives each till its own gapless receipt numbers."""

    __tablename__ = "tills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    last_receipt_no: Mapped[int] = mapped_column(default=0)


class Sale(Base):
    __tablename__ = "sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    receipt_no: Mapped[int]
    created_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]  # the store's local date (Europe/London) when the sale completed
    staff: Mapped[str] = mapped_column(String(80), default="")
    total_pence: Mapped[int]
    vat_pence: Mapped[int]

    __table_args__ = (
        UniqueConstraint("till_id", "receipt_no"),
        Index("ix_sales_trading_date", "trading_date"),
    )


class SaleLine(Base):
    """A line snapshots what was sold and its price at the time, so later catalogue changes never alter it."""

    __tablename__ = "sale_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(120))
    size: Mapped[str] = mapped_column(String(10))
    colour: Mapped[str] = mapped_column(String(30))
    quantity: Mapped[int]
    unit_price_pence: Mapped[int]
    line_total_pence: Mapped[int]
    vat_rate_bp: Mapped[int]
    vat_pence: Mapped[int]
    trading_date: Mapped[date]  # the sale's, copied so reports read one index (see ix_sale_lines_report)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        # Reports group by day first: each day's products stream out of this index in order, no sort.
        Index(
            "ix_sale_lines_report",
            "trading_date", "sku", "description", "size", "colour", "quantity", "line_total_pence",
        ),
    )


class LineAttribution(Base):
    """A designer's part of a line: gross and VAT split by share, exact to the penny."""

    __tablename__ = "line_attributions"

    sale_line_id: Mapped[int] = mapped_column(ForeignKey("sale_lines.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    share_bp: Mapped[int]
    gross_pence: Mapped[int]
    vat_pence: Mapped[int]
    trading_date: Mapped[date]  # the sale's trading day and the line's quantity, copied for reports
    quantity: Mapped[int]

    __table_args__ = (
        Index("ix_line_attributions_report", "trading_date", "participant_id", "quantity", "gross_pence", "vat_pence"),
    )


class Payment(Base):
    """One tender towards a sale. Card payments record the amount only, never card data."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)
    tender: Mapped[str] = mapped_column(String(16))
    amount_pence: Mapped[int]  # what this tender paid towards the sale
    tendered_pence: Mapped[int]  # what the customer handed over (cash); equals amount for card
    change_pence: Mapped[int] = mapped_column(default=0)
    trading_date: Mapped[date]  # the sale's, copied for reports

    __table_args__ = (
        CheckConstraint("tender IN ('cash', 'card')", name="tender"),
        Index("ix_payments_report", "trading_date", "tender", "amount_pence"),
    )
