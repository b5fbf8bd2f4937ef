"""the trading day on sale lines, attributions and payments, with covering indexes for reports

The sales report groups by trading day first, so each figure streams out of one index in order
instead of joining every line back to its sale and sorting (see bench/README.md: 1,000,000 lines
went from ~2.3 s to ~0.45 s). Attributions also carry their line's quantity, so a
designer's units need no join either. Rows already in the ledger are filled from their sale.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SALE_LINES_REPORT = ("trading_date", "sku", "description", "size", "colour", "quantity", "line_total_pence")
LINE_ATTRIBUTIONS_REPORT = ("trading_date", "participant_id", "quantity", "gross_pence", "vat_pence")
PAYMENTS_REPORT = ("trading_date", "tender", "amount_pence")


def upgrade() -> None:
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trading_date", sa.Date(), nullable=True))
    with op.batch_alter_table("line_attributions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trading_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("quantity", sa.Integer(), nullable=True))
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trading_date", sa.Date(), nullable=True))

    op.execute(
        "UPDATE sale_lines SET trading_date = "
        "(SELECT sales.trading_date FROM sales WHERE sales.id = sale_lines.sale_id)"
    )
    op.execute(
        "UPDATE line_attributions SET "
        "trading_date = (SELECT sale_lines.trading_date FROM sale_lines WHERE sale_lines.id = line_attributions.sale_line_id), "
        "quantity = (SELECT sale_lines.quantity FROM sale_lines WHERE sale_lines.id = line_attributions.sale_line_id)"
    )
    op.execute(
        "UPDATE payments SET trading_date = "
        "(SELECT sales.trading_date FROM sales WHERE sales.id = payments.sale_id)"
    )

    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.alter_column("trading_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_index("ix_sale_lines_report", list(SALE_LINES_REPORT), unique=False)
    with op.batch_alter_table("line_attributions", schema=None) as batch_op:
        batch_op.alter_column("trading_date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("quantity", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index("ix_line_attributions_report", list(LINE_ATTRIBUTIONS_REPORT), unique=False)
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.alter_column("trading_date", existing_type=sa.Date(), nullable=False)
        batch_op.create_index("ix_payments_report", list(PAYMENTS_REPORT), unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_report")
        batch_op.drop_column("trading_date")
    with op.batch_alter_table("line_attributions", schema=None) as batch_op:
        batch_op.drop_index("ix_line_attributions_report")
        batch_op.drop_column("quantity")
        batch_op.drop_column("trading_date")
    with op.batch_alter_table("sale_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_sale_lines_report")
        batch_op.drop_column("trading_date")
