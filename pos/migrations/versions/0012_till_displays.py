"""till_displays: each till's basket as it publishes it for a customer display (working state)

Updated in place on every basket change (version + 1), so it is not append-only and has no triggers.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('till_displays',
    sa.Column('till', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('basket', sa.Text(), nullable=False),
    sa.Column('change_pence', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('idle', 'basket', 'paid')", name=op.f('ck_till_displays_status')),
    sa.PrimaryKeyConstraint('till', name=op.f('pk_till_displays'))
    )


def downgrade() -> None:
    op.drop_table('till_displays')
