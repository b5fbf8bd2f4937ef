"""basket ids make completing a sale idempotent; the receipt counter only ever moves up by one

- sales.basket_id: the id the till gave the basket (a UUID); unique, so completing the same basket
  twice (a retry after a crash or a dropped connection) can record one sale only. None for sales
  made before, and for sales completed without one.
- triggers on tills (pos.migrations.receipt_counter): last_receipt_no changes only by +1, a new
  till starts at 0, and a till that has given out receipts is never deleted.

A nullable column and an index need no table rebuild on SQLite, so the append-only triggers of
`sales` stay as they are.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos.migrations.receipt_counter import create_statements, drop_statements

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sales", sa.Column("basket_id", sa.String(length=36), nullable=True))
    op.create_index("ix_sales_basket_id", "sales", ["basket_id"], unique=True)
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index("ix_sales_basket_id", table_name="sales")
    op.drop_column("sales", "basket_id")  # SQLite 3.35+ drops it in place: no rebuild, the triggers stay
