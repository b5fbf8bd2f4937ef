"""a barcode in the catalogue is always 13 characters

Rebuilds the variants table on SQLite (a parent of sale lines and stock movements), so it is the
migration the row-survival test exercises.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.create_check_constraint("barcode_length", "length(barcode) = 13")


def downgrade() -> None:
    with op.batch_alter_table("variants", schema=None) as batch_op:
        batch_op.drop_constraint("barcode_length", type_="check")
