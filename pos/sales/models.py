"""Tills, sales, lines, designer attribution and payments. Completed rows are never edited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db import Base
from pos.shifts.models import Shift  # noqa: F401  (sales and refunds belong to a shift)
from pos.staff.models import Staff  # noqa: F401  (sales and refunds refer to the staff table)
from pos.display.models import TillDisplay  # noqa: F401  (each till publishes its basket for a display)

# "exchange": the part of an exchange's new sale paid by the goods returned, and that refund's tender.
TENDERS = ("cash", "card", "exchange")


class Till(Base):
    """A till by name. `last_receipt_no` gives each till its own gapless receipt numbers: the database lets it
    move only up by one (pos.migrations.receipt_counter)."""

    __tablename__ = "tills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    last_receipt_no: Mapped[int] = mapped_column(default=0)
    # Working state: the shift the till is on (None between a Z and the next shift). Changed under
    # the same row lock as the receipt numbers; no foreign key, as shifts refer to tills.
    open_shift_id: Mapped[int | None] = mapped_column(default=None)


class Sale(Base):
    __tablename__ = "sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    receipt_no: Mapped[int]
    created_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]  # the store's local date (Europe/London) when the sale completed
    staff: Mapped[str] = mapped_column(String(80), default="")  # the name they showed on the receipt
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)  # who served
    total_pence: Mapped[int]  # what the customer paid, after discounts
    vat_pence: Mapped[int]
    discount_pence: Mapped[int] = mapped_column(server_default="0")  # all discounts on the sale
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), default=None)  # None before 0010
    # The till's id for the basket (a UUID): one sale per basket, however often completing it is retried.
    basket_id: Mapped[str | None] = mapped_column(String(36), default=None)  # None before 0011, or not given

    __table_args__ = (
        UniqueConstraint("till_id", "receipt_no"),
        Index("ix_sales_trading_date", "trading_date"),
        Index("ix_sales_shift", "shift_id"),
        Index("ix_sales_basket_id", "basket_id", unique=True),
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
    unit_price_pence: Mapped[int]  # the price charged per unit (after any override), before discounts
    line_total_pence: Mapped[int]  # quantity × unit price − discount_pence: what the line brought in
    vat_rate_bp: Mapped[int]
    vat_pence: Mapped[int]
    trading_date: Mapped[date]  # the sale's, copied so reports read one index (see ix_sale_lines_report)
    discount_pence: Mapped[int] = mapped_column(server_default="0")  # line's own + its part of the basket's
    discount_reason: Mapped[str | None] = mapped_column(String(80), default=None)
    list_price_pence: Mapped[int | None] = mapped_column(default=None)  # the catalogue price, when overridden
    price_reason: Mapped[str | None] = mapped_column(String(80), default=None)  # why it was overridden

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
        CheckConstraint(f"tender IN {TENDERS}", name="tender"),
        Index("ix_payments_report", "trading_date", "tender", "amount_pence"),
    )


class Refund(Base):
    """Money and goods going back against an earlier sale: a new entry with its own receipt number.

    Refunds and sales share their till's receipt numbers, so a till's numbers stay gapless.
    """

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    till_id: Mapped[int] = mapped_column(ForeignKey("tills.id"))
    receipt_no: Mapped[int]
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"), index=True)  # the sale refunded
    created_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]
    staff: Mapped[str] = mapped_column(String(80), default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    total_pence: Mapped[int]  # what went back to the customer (positive)
    vat_pence: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    shift_id: Mapped[int | None] = mapped_column(ForeignKey("shifts.id"), default=None)  # None before 0010

    __table_args__ = (
        UniqueConstraint("till_id", "receipt_no"),
        CheckConstraint("total_pence >= 0", name="total"),
        Index("ix_refunds_trading_date", "trading_date"),
        Index("ix_refunds_shift", "shift_id"),
    )


class RefundLine(Base):
    """Units of one sale line going back, for exactly what they were sold for."""

    __tablename__ = "refund_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    sale_line_id: Mapped[int] = mapped_column(ForeignKey("sale_lines.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    sku: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(120))
    size: Mapped[str] = mapped_column(String(10))
    colour: Mapped[str] = mapped_column(String(30))
    quantity: Mapped[int]
    amount_pence: Mapped[int]  # positive: what these units brought in on the sale
    vat_rate_bp: Mapped[int]
    vat_pence: Mapped[int]
    damaged: Mapped[bool] = mapped_column(default=False)  # back to damaged stock, not to the shelf
    trading_date: Mapped[date]  # the refund's

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity"),)


class RefundAttribution(Base):
    """A designer's part of a refund line, reversing exactly what their attribution gained."""

    __tablename__ = "refund_attributions"

    refund_line_id: Mapped[int] = mapped_column(ForeignKey("refund_lines.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    gross_pence: Mapped[int]  # positive: subtracted from the designer's sales in reports
    vat_pence: Mapped[int]
    quantity: Mapped[int]
    trading_date: Mapped[date]

    __table_args__ = (
        Index("ix_refund_attributions_report", "trading_date", "participant_id", "quantity", "gross_pence", "vat_pence"),
    )


class RefundPayment(Base):
    """One tender the refund went back to (cash, card, or the new sale of an exchange)."""

    __tablename__ = "refund_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    tender: Mapped[str] = mapped_column(String(16))
    amount_pence: Mapped[int]  # positive
    trading_date: Mapped[date]

    __table_args__ = (
        CheckConstraint(f"tender IN {TENDERS}", name="tender"),
        Index("ix_refund_payments_report", "trading_date", "tender", "amount_pence"),
    )


class ParkedBasket(Base):
    """A basket put aside (a customer trying another size): working state, not a ledger entry.

    Recalled (and deleted) on any till; those from an earlier day are listed for a manager to clear.
    """

    __tablename__ = "parked_baskets"

    id: Mapped[int] = mapped_column(primary_key=True)
    till: Mapped[str] = mapped_column(String(40))  # where it was parked
    parked_at: Mapped[datetime]  # UTC
    trading_date: Mapped[date]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    note: Mapped[str] = mapped_column(String(80), default="")
    lines: Mapped[str] = mapped_column(Text)  # JSON: the basket's lines, discounts and overrides


PRINT_DOCUMENTS = ("receipt", "copy", "gift", "refund", "exchange")
PRINT_STATES = ("queued", "printing", "printed", "sent", "unconfirmed")


class PrintJob(Base):
    """A document in a till's print queue: working state (its state and attempts change), not a ledger entry.

    Written in the same transaction as the sale, refund or reprint it prints, so a crash between the
    commit and the printer leaves it queued. States: queued (waiting, or failed and to be retried),
    printing (a worker has it), printed (the printer confirmed it), sent (a printer that cannot
    confirm took it whole), unconfirmed (sent but not confirmed: printed again only on request).
    """

    __tablename__ = "print_jobs"
    __table_args__ = (
        CheckConstraint(f"document IN {PRINT_DOCUMENTS}", name="document"),
        CheckConstraint(f"state IN {PRINT_STATES}", name="state"),
        Index("ix_print_jobs_till_state", "till", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    till: Mapped[str] = mapped_column(String(40))  # the till whose printer prints it
    document: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(60))  # the receipt's or refund's reference, "till-1/000012"
    open_drawer: Mapped[bool] = mapped_column(default=False)  # a cash sale or cash refund: kick on the first attempt
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime]  # UTC
    updated_at: Mapped[datetime]  # UTC
    printed_at: Mapped[datetime | None] = mapped_column(default=None)
