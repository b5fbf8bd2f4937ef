"""Catalogue, participants and the stock ledger.

Stock changes only by appending StockMovement rows; on-hand is their sum (see inventory.stock.on_hand).
Nothing here stores anything about a participant's past: they are designers and makers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inventory.db import Base


class Participant(Base):
    """A designer-maker on the programme. Name, story and profile are published only with consent."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    story: Mapped[str] = mapped_column(Text, default="")
    linkedin_url: Mapped[str] = mapped_column(String(300), default="")
    consent_to_publish: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]  # UTC, from the unit of work's clock


class Product(Base):
    """A design. Its variants are the things with barcodes; its designers share every sale of it."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    category: Mapped[str] = mapped_column(String(60), default="")
    vat_rate_bp: Mapped[int] = mapped_column(default=2000)
    created_at: Mapped[datetime]  # UTC, from the unit of work's clock

    designers: Mapped[list[DesignerShare]] = relationship(back_populates="product")
    variants: Mapped[list[Variant]] = relationship(back_populates="product")

    __table_args__ = (CheckConstraint("vat_rate_bp >= 0 AND vat_rate_bp <= 10000", name="vat_rate"),)


class DesignerShare(Base):
    """One designer's share of a design, in basis points; a design's shares sum to exactly 10000."""

    __tablename__ = "designer_shares"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    share_bp: Mapped[int]

    product: Mapped[Product] = relationship(back_populates="designers")
    participant: Mapped[Participant] = relationship()

    __table_args__ = (CheckConstraint("share_bp > 0 AND share_bp <= 10000", name="share"),)


class Variant(Base):
    """A SKU: one size and colour of a design, with its own price and EAN-13 barcode."""

    __tablename__ = "variants"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    size: Mapped[str] = mapped_column(String(10), default="")
    colour: Mapped[str] = mapped_column(String(30), default="")
    price_pence: Mapped[int]
    barcode: Mapped[str] = mapped_column(String(13), unique=True)
    # UTC; set when the SKU is retired (it no longer sells; its sales and movements stay). No Python
    # default, so an insert on a ledger older than 0008 leaves the column out.
    retired_at: Mapped[datetime | None] = mapped_column(nullable=True)

    product: Mapped[Product] = relationship(back_populates="variants")

    __table_args__ = (
        CheckConstraint("price_pence >= 0", name="price"),
        CheckConstraint("length(barcode) = 13", name="barcode_length"),
    )


class StockMovement(Base):
    """A signed change of stock for one SKU, with who, when and why. Never edited or deleted."""

    __tablename__ = "stock_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    quantity: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # "damaged": out of saleable stock into damaged stock
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    reference: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime]  # UTC, from the unit of work's clock

    __table_args__ = (
        CheckConstraint("quantity <> 0", name="quantity"),
        CheckConstraint("kind IN ('received', 'sold', 'returned', 'damaged', 'adjusted')", name="kind"),
        # Covers on-hand for one SKU: the sum reads the index alone.
        Index("ix_stock_movements_variant_quantity", "variant_id", "quantity"),
    )


class Delivery(Base):
    """Goods in from the workshop, received by scanning: one batch, with a note and who received it.

    Working state (it is closed when the last box is done); what it received are its movements
    (kind "received", reference "delivery ID").
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    received_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime]  # UTC
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class StockCount(Base):
    """A stock count: its scope (the SKUs in it, CountItem), its scans, and whether it was approved.

    Working state (its status changes); what it changes in stock is posted as movements on approval.
    """

    __tablename__ = "stock_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))  # in words: "the whole store", "category Hoodies", "3 SKUs"
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | approved | cancelled
    blind: Mapped[bool] = mapped_column(default=True)  # counters are not shown expected figures
    started_at: Mapped[datetime]  # UTC
    started_by: Mapped[str] = mapped_column(String(80), default="")
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (CheckConstraint("status IN ('open', 'approved', 'cancelled')", name="status"),)


class CountItem(Base):
    """One SKU in a count's scope, fixed when the count starts."""

    __tablename__ = "count_items"

    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id"), primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"), primary_key=True)


class CountScan(Base):
    """One scan into a count (quantity > 1 with the quantity key), or an undo (negative). Never edited or deleted."""

    __tablename__ = "count_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("stock_counts.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    quantity: Mapped[int]
    counted_by: Mapped[str] = mapped_column(String(80))
    scanned_at: Mapped[datetime]  # UTC: the variance compares against on-hand at this moment

    __table_args__ = (CheckConstraint("quantity <> 0", name="quantity"),)


class CatalogueChange(Base):
    """One change to the catalogue after import: which participant, design or SKU, which field,
    the old and the new value, who, who approved and when. Append-only, like the rest of the ledger.

    Who is kept as text (the acting name, and staff codes where the ledger has staff), so the
    catalogue layer needs nothing of the staff tables.
    """

    __tablename__ = "catalogue_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]  # UTC, from the unit of work's clock
    trading_date: Mapped[date]  # the store's local date
    subject: Mapped[str] = mapped_column(String(16))  # participant, design or sku
    subject_key: Mapped[str] = mapped_column(String(120))  # participant code, design name or SKU
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))  # the acting person's name
    approved_by: Mapped[str] = mapped_column(String(16))  # the approving manager's staff code, or ""
    source: Mapped[str] = mapped_column(String(200))  # the command or file the change came from

    __table_args__ = (
        CheckConstraint("subject IN ('participant', 'design', 'sku')", name="subject"),
        Index("ix_catalogue_changes_subject", "subject", "subject_key"),
    )
