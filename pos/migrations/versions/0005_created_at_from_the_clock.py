"""created_at comes from the application's clock (UTC), never a database server default

participants, products and stock_movements lose the CURRENT_TIMESTAMP default of 0001: SQLite's
is UTC while PostgreSQL's follows the server's time zone, so "what moved since this count began"
meant different things on the two engines. Every insert passes created_at from its unit of work.

On SQLite, batch mode rebuilds the three tables, which drops the append-only triggers of
stock_movements: they are created again from pos.migrations.append_only after the rebuild.
Rows already in the ledger keep the created_at they have.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pos.migrations.append_only import create_triggers

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("participants", "products", "stock_movements")
APPEND_ONLY_REBUILT = ("stock_movements",)


def _set_default(default: sa.TextClause | None) -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "created_at", existing_type=sa.DateTime(), existing_nullable=False, server_default=default
            )
    create_triggers(APPEND_ONLY_REBUILT)


def upgrade() -> None:
    _set_default(None)


def downgrade() -> None:
    _set_default(sa.text("(CURRENT_TIMESTAMP)"))
