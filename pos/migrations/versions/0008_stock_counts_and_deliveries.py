"""stock counts and deliveries: stock_counts, count_items and deliveries (working state), count_scans (append-only)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos.migrations.append_only import create_triggers, drop_triggers

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('received_by', sa.String(length=80), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries'))
    )
    op.create_table('stock_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by', sa.String(length=80), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=80), nullable=False),
    sa.CheckConstraint("status IN ('open', 'approved', 'cancelled')", name=op.f('ck_stock_counts_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_counts'))
    )
    op.create_table('count_items',
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['count_id'], ['stock_counts.id'], name=op.f('fk_count_items_count_id_stock_counts')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_count_items_variant_id_variants')),
    sa.PrimaryKeyConstraint('count_id', 'variant_id', name=op.f('pk_count_items'))
    )
    op.create_table('count_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('counted_by', sa.String(length=80), nullable=False),
    sa.Column('scanned_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_count_scans_quantity')),
    sa.ForeignKeyConstraint(['count_id'], ['stock_counts.id'], name=op.f('fk_count_scans_count_id_stock_counts')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_count_scans_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_count_scans'))
    )
    op.create_index(op.f('ix_count_scans_count_id'), 'count_scans', ['count_id'], unique=False)
    create_triggers(("count_scans",))


def downgrade() -> None:
    drop_triggers(("count_scans",))
    op.drop_index(op.f('ix_count_scans_count_id'), table_name='count_scans')
    op.drop_table('count_scans')
    op.drop_table('count_items')
    op.drop_table('stock_counts')
    op.drop_table('deliveries')
