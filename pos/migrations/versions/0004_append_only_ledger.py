"""the ledger refuses to edit or delete a completed sale or a stock movement

Triggers on sales, sale_lines, line_attributions, payments and stock_movements abort any UPDATE or
DELETE (and TRUNCATE on PostgreSQL): corrections are new entries (a refund, an adjustment). The
trigger DDL lives in pos.migrations.append_only; this migration names its own tables, so adding a
ledger table later never changes what 0004 does. A later migration that must rewrite these rows
drops the triggers first and creates them again after.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from pos.migrations.append_only import create_triggers, drop_function, drop_triggers

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("sales", "sale_lines", "line_attributions", "payments", "stock_movements")


def upgrade() -> None:
    create_triggers(TABLES)


def downgrade() -> None:
    drop_triggers(TABLES)
    drop_function()
