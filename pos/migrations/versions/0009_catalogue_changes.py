"""changing the catalogue after import: catalogue_changes (append-only) and variants.retired_at

- catalogue_changes: every change to a participant, design or SKU after its import, with the
  field, the old and the new value, who, who approved, when and from which command or file;
  append-only (its triggers are made here);
- variants.retired_at: a retired SKU no longer sells; its sales and stock movements stay.

Adding a nullable column is a plain ALTER TABLE on SQLite too: no table is rebuilt, so no
trigger is lost.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos.migrations.append_only import drop_triggers, create_triggers

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NEW_LEDGER_TABLES = ("catalogue_changes",)


def upgrade() -> None:
    op.create_table('catalogue_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=16), nullable=False),
    sa.Column('subject_key', sa.String(length=120), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=False),
    sa.Column('new_value', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('approved_by', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.CheckConstraint("subject IN ('participant', 'design', 'sku')", name=op.f('ck_catalogue_changes_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_changes'))
    )
    op.create_index('ix_catalogue_changes_subject', 'catalogue_changes', ['subject', 'subject_key'], unique=False)
    op.add_column('variants', sa.Column('retired_at', sa.DateTime(), nullable=True))
    create_triggers(NEW_LEDGER_TABLES)


def downgrade() -> None:
    drop_triggers(NEW_LEDGER_TABLES)
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.drop_column('retired_at')
    op.drop_index('ix_catalogue_changes_subject', table_name='catalogue_changes')
    op.drop_table('catalogue_changes')
