"""initial ledger

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('story', sa.Text(), nullable=False),
    sa.Column('linkedin_url', sa.String(length=300), nullable=False),
    sa.Column('consent_to_publish', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('code', name=op.f('uq_participants_code'))
    )
    op.create_table('products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('vat_rate_bp >= 0 AND vat_rate_bp <= 10000', name=op.f('ck_products_vat_rate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('name', name=op.f('uq_products_name'))
    )
    op.create_table('tills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last_receipt_no', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tills')),
    sa.UniqueConstraint('name', name=op.f('uq_tills_name'))
    )
    op.create_table('designer_shares',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.CheckConstraint('share_bp > 0 AND share_bp <= 10000', name=op.f('ck_designer_shares_share')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_designer_shares_participant_id_participants')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_designer_shares_product_id_products')),
    sa.PrimaryKeyConstraint('product_id', 'participant_id', name=op.f('pk_designer_shares'))
    )
    op.create_table('sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('till_id', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('trading_date', sa.Date(), nullable=False),
    sa.Column('staff', sa.String(length=80), nullable=False),
    sa.Column('total_pence', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['till_id'], ['tills.id'], name=op.f('fk_sales_till_id_tills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales')),
    sa.UniqueConstraint('till_id', 'receipt_no', name=op.f('uq_sales_till_id_receipt_no'))
    )
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.create_index('ix_sales_trading_date', ['trading_date'], unique=False)

    op.create_table('variants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('size', sa.String(length=10), nullable=False),
    sa.Column('colour', sa.String(length=30), nullable=False),
    sa.Column('price_pence', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=13), nullable=False),
    sa.CheckConstraint('price_pence >= 0', name=op.f('ck_variants_price')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_variants_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_variants')),
    sa.UniqueConstraint('barcode', name=op.f('uq_variants_barcode')),
    sa.UniqueConstraint('sku', name=op.f('uq_variants_sku'))
    )
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variants_product_id'), ['product_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('tender', sa.String(length=16), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('tendered_pence', sa.Integer(), nullable=False),
    sa.Column('change_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint("tender IN ('cash', 'card')", name=op.f('ck_payments_tender')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_payments_sale_id_sales')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_sale_id'), ['sale_id'], unique=False)

    op.create_table('sale_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=120), nullable=False),
    sa.Column('size', sa.String(length=10), nullable=False),
    sa.Column('colour', sa.String(length=30), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_pence', sa.Integer(), nullable=False),
    sa.Column('line_total_pence', sa.Integer(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_sale_lines_quantity')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_sale_lines_product_id_products')),
    sa.ForeignKeyConstraint(['sale_id'], ['sales.id'], name=op.f('fk_sale_lines_sale_id_sales')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_sale_lines_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sale_lines'))
    )
    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sale_lines_sale_id'), ['sale_id'], unique=False)

    op.create_table('stock_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('variant_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("kind IN ('received', 'sold', 'returned', 'adjusted')", name=op.f('ck_stock_movements_kind')),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_stock_movements_quantity')),
    sa.ForeignKeyConstraint(['variant_id'], ['variants.id'], name=op.f('fk_stock_movements_variant_id_variants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movements'))
    )
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.create_index('ix_stock_movements_variant_quantity', ['variant_id', 'quantity'], unique=False)

    op.create_table('line_attributions',
    sa.Column('sale_line_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.Column('gross_pence', sa.Integer(), nullable=False),
    sa.Column('vat_pence', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_line_attributions_participant_id_participants')),
    sa.ForeignKeyConstraint(['sale_line_id'], ['sale_lines.id'], name=op.f('fk_line_attributions_sale_line_id_sale_lines')),
    sa.PrimaryKeyConstraint('sale_line_id', 'participant_id', name=op.f('pk_line_attributions'))
    )


def downgrade() -> None:
    op.drop_table('line_attributions')
    with op.batch_alter_table('stock_movements', schema=None) as batch_op:
        batch_op.drop_index('ix_stock_movements_variant_quantity')

    op.drop_table('stock_movements')
    with op.batch_alter_table('sale_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sale_lines_sale_id'))

    op.drop_table('sale_lines')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_sale_id'))

    op.drop_table('payments')
    with op.batch_alter_table('variants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variants_product_id'))

    op.drop_table('variants')
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_trading_date')

    op.drop_table('sales')
    op.drop_table('designer_shares')
    op.drop_table('tills')
    op.drop_table('products')
    op.drop_table('participants')
