"""the ledger refuses to edit or delete a completed sale or a stock movement

Triggers on sales, sale_lines, line_attributions, payments and stock_movements abort any UPDATE or
DELETE: corrections are new entries (a refund, an adjustment). A later migration that must rewrite
these rows drops the triggers first and creates them again after.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("sales", "sale_lines", "line_attributions", "payments", "stock_movements")
MESSAGE = "the ledger is append-only: record a correction as a new entry"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if not _is_sqlite():
        op.execute(
            "CREATE FUNCTION pos_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; END $$"
        )
    for table in APPEND_ONLY_TABLES:
        if _is_sqlite():
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({action} on {table})'); END"
                )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION pos_refuse_change()"
            )


def downgrade() -> None:
    for table in APPEND_ONLY_TABLES:
        if _is_sqlite():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if not _is_sqlite():
        op.execute("DROP FUNCTION IF EXISTS pos_refuse_change()")
