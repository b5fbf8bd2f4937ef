"""The append-only rule of the ledger, in one place: which tables, and the triggers that keep it.

Every migration that touches these tables calls `create_triggers` with ITS OWN list of tables
(never `LEDGER_TABLES`, which grows), so an old migration keeps meaning what it meant. On SQLite,
batch mode rebuilds a table and loses its triggers: a migration that rebuilds one calls
`create_triggers` for it afterwards. Creating is idempotent (existing triggers are replaced).

SQLite: BEFORE UPDATE and BEFORE DELETE triggers; connections set `recursive_triggers=ON`
(inventory.db), so INSERT OR REPLACE fires the delete trigger too. PostgreSQL: a row trigger for
UPDATE and DELETE and a statement trigger for TRUNCATE, which row triggers never see.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

LEDGER_TABLES = (  # at head
    "sales", "sale_lines", "line_attributions", "payments", "stock_movements",
    "refunds", "refund_lines", "refund_attributions", "refund_payments", "audit_events", "count_scans",
    "catalogue_changes", "shifts", "shift_closes", "cash_movements",
)
MESSAGE = "the ledger is append-only: record a correction as a new entry"
_PG_FUNCTION = "pos_refuse_change"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def drop_triggers(tables: Sequence[str]) -> None:
    """Drop the append-only triggers of `tables` (those that exist); the PostgreSQL function stays."""
    for table in tables:
        if _sqlite():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def create_triggers(tables: Sequence[str]) -> None:
    """(Re)create the triggers that refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) on `tables`."""
    drop_triggers(tables)
    if not _sqlite():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME; END $$"
        )
    for table in tables:
        if _sqlite():
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} ({action} on {table})'); END"
                )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"
            )


def drop_function() -> None:
    """Drop the PostgreSQL trigger function once no trigger uses it (the last downgrade)."""
    if not _sqlite():
        op.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
