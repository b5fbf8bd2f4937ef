"""staff and the shift: staff, audit, discounts, refunds, parked baskets

- staff (working state: PIN hashes and lock-outs change) and audit_events (append-only);
- who served a sale (sales.staff_id) and its discounts (sales.discount_pence; on each line its
  discount, reason, and the catalogue price when the price was overridden);
- refunds with their lines, designer attributions and tenders (append-only), sharing the till's
  receipt numbers; a tender "exchange" for the part of an exchange paid by the goods returned;
- a stock movement kind "damaged" (a returned garment that goes to damaged stock, not the shelf);
- parked_baskets (working state: recalled baskets are deleted).

On SQLite, batch mode rebuilds sales, sale_lines, payments and stock_movements, which drops their
append-only triggers: they are created again after, with those of the new ledger tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos.migrations.append_only import create_triggers, drop_triggers

revision = "0006"
down_revision = "0005"

REBUILT = ("sales", "sale_lines", "payments", "stock_movements")
NEW_LEDGER_TABLES = ("refunds", "refund_lines", "refund_attributions", "refund_payments", "audit_events")
OLD_KINDS = "kind IN ('received', 'sold', 'returned', 'adjusted')"
NEW_KINDS = "kind IN ('received', 'sold', 'returned', 'damaged', 'adjusted')"


def _replace_check(table: str, name: str, condition: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('pin_hash', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_pins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('cashier', 'manager')", name=op.f('ck_staff_role')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_staff_participant_id_participants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('code', name=op.f('uq_staff_code'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.Column('till', sa.String(length=40), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff.id'], name=op.f('fk_audit_events_approved_by_id_staff')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_audit_events_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_trading_date', ['trading_date'], unique=False)

    op.create_table('parked_baskets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till', sa.String(length=40), nullable=False),
    sa.Column('parked_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=80), nullable=False),
    sa.Column('lines', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_parked_baskets_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parked_baskets'))
    )
    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till_id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.Column('staff', sa.String(length=80), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('total_pence', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('total_pence >= 0', name=op.f('ck_refunds_total')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff.id'], name=op.f('fk_refunds_approved_by_id_staff')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_refunds_sale_id_sales')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_refunds_staff_id_staff')),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], name=op.f('fk_refunds_till_id_tills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('till_id', 'receipt_no', name=op.f('uq_refunds_till_id_receipt_no'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_sale_id'), ['sale_id'], unique=False)
        batch_op.create_index('ix_refunds_trading_date', ['trading_date'], unique=False)

    op.create_table('refund_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=False),
    sa.Column('sale_line_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=120), nullable=False),
    sa.Column('size', sa.String(length=10), nullable=False),
    sa.Column('colour', sa.String(length=30), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.Column('damaged', sa.Boolean(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_refund_lines_quantity')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_lines_refund_id_refunds')),
    sa.ForeignKeyConstraint(['sale_line_id'], ['sale_lines.id'], name=op.f('fk_refund_lines_sale_line_id_sale_lines')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_refund_lines_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_lines'))
    )
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_lines_refund_id'), ['refund_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_lines_sale_line_id'), ['sale_line_id'], unique=False)

    op.create_table('refund_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refund_id', sa.Integer(), nullable=False),
    sa.Column('tender', sa.String(length=16), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.CheckConstraint("tender IN ('cash', 'card', 'exchange')", name=op.f('ck_refund_payments_tender')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_refund_payments_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_payments'))
    )
    with op.batch_alter_table('refund_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_payments_refund_id'), ['refund_id'], unique=False)
        batch_op.create_index('ix_refund_payments_report', ['trading_date', 'tender', 'amount_pence'], unique=False)

    op.create_table('refund_attributions',
    sa.Column('refund_line_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('gross_pence', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_refund_attributions_participant_id_participants')),
    sa.ForeignKeyConstraint(['refund_line_id'], ['refund_lines.id'], name=op.f('fk_refund_attributions_refund_line_id_refund_lines')),
    sa.PrimaryKeyConstraint('refund_line_id', 'participant_id', name=op.f('pk_refund_attributions'))
    )
    with op.batch_alter_table('refund_attributions', schema=None) as batch_op:
        batch_op.create_index('ix_refund_attributions_report', ['trading_date', 'participant_id', 'quantity', 'gross_pence', 'vat_pence'], unique=False)

    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discount_pence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('discount_reason', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('list_price_pence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('price_reason', sa.String(length=80), nullable=True))

    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('discount_pence', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_sales_staff_id_staff'), 'staff', ['staff_id'], ['id'])

    _replace_check("payments", "tender", "tender IN ('cash', 'card', 'exchange')")
    _replace_check("stock_movements", "kind", NEW_KINDS)
    create_triggers(REBUILT + NEW_LEDGER_TABLES)


def downgrade() -> None:
    drop_triggers(NEW_LEDGER_TABLES)
    _replace_check("stock_movements", "kind", OLD_KINDS)
    _replace_check("payments", "tender", "tender IN ('cash', 'card')")
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sales_staff_id_staff'), type_='foreignkey')
        batch_op.drop_column('discount_pence')
        batch_op.drop_column('staff_id')

    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.drop_column('price_reason')
        batch_op.drop_column('list_price_pence')
        batch_op.drop_column('discount_reason')
        batch_op.drop_column('discount_pence')

    with op.batch_alter_table('refund_attributions', schema=None) as batch_op:
        batch_op.drop_index('ix_refund_attributions_report')

    op.drop_table('refund_attributions')
    with op.batch_alter_table('refund_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_refund_payments_report')
        batch_op.drop_index(batch_op.f('ix_refund_payments_refund_id'))

    op.drop_table('refund_payments')
    with op.batch_alter_table('refund_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_lines_sale_line_id'))
        batch_op.drop_index(batch_op.f('ix_refund_lines_refund_id'))

    op.drop_table('refund_lines')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_trading_date')
        batch_op.drop_index(batch_op.f('ix_refunds_sale_id'))

    op.drop_table('refunds')
    op.drop_table('parked_baskets')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_trading_date')

    op.drop_table('audit_events')
    op.drop_table('staff')
    create_triggers(REBUILT)
