"""the print queue: print_jobs (working state, not append-only)

Each receipt, refund slip and reprint is queued in the same transaction as what it prints; a worker
prints the queue in order and marks each job printed only when the printer confirms it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('print_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till', sa.String(length=40), nullable=False),
    sa.Column('document', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('open_drawer', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("document IN ('receipt', 'copy', 'gift', 'refund', 'exchange')", name=op.f('ck_print_jobs_document')),
    sa.CheckConstraint("state IN ('queued', 'printing', 'printed', 'sent', 'unconfirmed')", name=op.f('ck_print_jobs_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs'))
    )
    op.create_index('ix_print_jobs_till_state', 'print_jobs', ['till', 'state', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_print_jobs_till_state', table_name='print_jobs')
    op.drop_table('print_jobs')
