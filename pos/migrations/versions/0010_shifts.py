"""shifts: a till's float, paid-ins and paid-outs, and the Z close; every sale and refund in a shift

- shifts, shift_closes and cash_movements (append-only; their triggers are made here);
- tills.open_shift_id: the shift a till is on (working state, beside its receipt numbers);
- sales.shift_id and refunds.shift_id: the shift each belongs to (None for those made before).

On SQLite, batch mode rebuilds sales and refunds (for their foreign keys), which drops their
append-only triggers: they are created again after, with those of the new tables.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos.migrations.append_only import create_triggers, drop_triggers

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

REBUILT = ("sales", "refunds")
NEW_LEDGER_TABLES = ("shifts", "shift_closes", "cash_movements")


def upgrade() -> None:
    op.create_table('shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_by', sa.String(length=80), nullable=False),
    sa.Column('float_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('float_pence >= 0', name=op.f('ck_shifts_float')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['staff.id'], name=op.f('fk_shifts_opened_by_id_staff')),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], name=op.f('fk_shifts_till_id_tills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shifts'))
    )
    op.create_index('ix_shifts_till', 'shifts', ['till_id', 'id'], unique=False)
    op.create_table('shift_closes',
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_by', sa.String(length=80), nullable=False),
    sa.Column('expected_cash_pence', sa.Integer(), nullable=False),
    sa.Column('counted_cash_pence', sa.Integer(), nullable=False),
    sa.Column('variance_pence', sa.Integer(), nullable=False),
    sa.Column('cash_count', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('counted_cash_pence >= 0', name=op.f('ck_shift_closes_counted')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff.id'], name=op.f('fk_shift_closes_closed_by_id_staff')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_shift_closes_shift_id_shifts')),
    sa.PrimaryKeyConstraint('shift_id', name=op.f('pk_shift_closes'))
    )
    op.create_table('cash_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.CheckConstraint('amount_pence > 0', name=op.f('ck_cash_movements_amount')),
    sa.CheckConstraint("kind IN ('paid_in', 'paid_out')", name=op.f('ck_cash_movements_kind')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff.id'], name=op.f('fk_cash_movements_approved_by_id_staff')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.id'], name=op.f('fk_cash_movements_shift_id_shifts')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_cash_movements_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_movements'))
    )
    op.create_index(op.f('ix_cash_movements_shift_id'), 'cash_movements', ['shift_id'], unique=False)
    op.add_column('tills', sa.Column('open_shift_id', sa.Integer(), nullable=True))
    for table in REBUILT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('shift_id', sa.Integer(), nullable=True))
            batch_op.create_index(f'ix_{table}_shift', ['shift_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_shift_id_shifts'), 'shifts', ['shift_id'], ['id'])
    create_triggers(REBUILT + NEW_LEDGER_TABLES)


def downgrade() -> None:
    drop_triggers(NEW_LEDGER_TABLES)
    for table in REBUILT:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_shift_id_shifts'), type_='foreignkey')
            batch_op.drop_index(f'ix_{table}_shift')
            batch_op.drop_column('shift_id')
    create_triggers(REBUILT)
    with op.batch_alter_table('tills', schema=None) as batch_op:
        batch_op.drop_column('open_shift_id')
    op.drop_index(op.f('ix_cash_movements_shift_id'), table_name='cash_movements')
    op.drop_table('cash_movements')
    op.drop_table('shift_closes')
    op.drop_index('ix_shifts_till', table_name='shifts')
    op.drop_table('shifts')
