"""The till's receipt counter only ever moves up by one: the triggers that keep it, in one place.

`tills.last_receipt_no` is working state (it changes with every sale and refund), so it is not
append-only; but a jump (`SET last_receipt_no = last_receipt_no + 100`) would silently skip receipt
numbers, and lowering it would hand out numbers twice. The database refuses both, and a new till
starting anywhere but 0, and deleting a till that has given out receipts (on SQLite, INSERT OR
REPLACE deletes the old row first: with `recursive_triggers=ON` the delete trigger sees it).

Each function returns plain SQL for a dialect, so a migration runs it with `op.execute` and a tool
that loads rows in bulk (bench/ledgers.py) with its own connection. On SQLite, a batch rebuild of
`tills` drops these triggers: such a migration creates them again after.
"""

from __future__ import annotations

MESSAGE = "receipt numbers only move up by one"
_PG_FUNCTION = "pos_receipt_counter"
_TRIGGERS = ("tills_receipt_no_by_one", "tills_receipt_no_from_zero", "tills_keep_used")


def drop_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _TRIGGERS]
    return [f"DROP TRIGGER IF EXISTS {name} ON tills" for name in _TRIGGERS] + [
        f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()"
    ]


def create_statements(dialect: str) -> list[str]:
    """(Re)create the triggers on `tills` for `dialect` ("sqlite" or "postgresql")."""
    if dialect == "sqlite":
        return [*drop_statements(dialect),
            "CREATE TRIGGER tills_receipt_no_by_one BEFORE UPDATE OF last_receipt_no ON tills "
            "WHEN NEW.last_receipt_no IS NOT OLD.last_receipt_no AND NEW.last_receipt_no IS NOT OLD.last_receipt_no + 1 "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} (a till''s counter changes only by +1)'); END",
            "CREATE TRIGGER tills_receipt_no_from_zero BEFORE INSERT ON tills WHEN NEW.last_receipt_no IS NOT 0 "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} (a new till starts at 0)'); END",
            "CREATE TRIGGER tills_keep_used BEFORE DELETE ON tills WHEN OLD.last_receipt_no > 0 "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE} (a till that gave out receipts stays)'); END",
        ]
    return [*drop_statements(dialect),
        f"CREATE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'INSERT' THEN "
        f"  IF NEW.last_receipt_no IS DISTINCT FROM 0 THEN RAISE EXCEPTION '{MESSAGE} (a new till starts at 0)'; END IF; "
        "  RETURN NEW; "
        "ELSIF TG_OP = 'DELETE' THEN "
        f"  IF OLD.last_receipt_no > 0 THEN RAISE EXCEPTION '{MESSAGE} (a till that gave out receipts stays)'; END IF; "
        "  RETURN OLD; "
        "END IF; "
        "IF NEW.last_receipt_no IS DISTINCT FROM OLD.last_receipt_no "
        "   AND NEW.last_receipt_no IS DISTINCT FROM OLD.last_receipt_no + 1 THEN "
        f"  RAISE EXCEPTION '{MESSAGE} (a till''s counter changes only by +1)'; "
        "END IF; "
        "RETURN NEW; END $$",
        f"CREATE TRIGGER tills_receipt_no_by_one BEFORE UPDATE OF last_receipt_no ON tills "
        f"FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
        f"CREATE TRIGGER tills_receipt_no_from_zero BEFORE INSERT ON tills FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
        f"CREATE TRIGGER tills_keep_used BEFORE DELETE ON tills FOR EACH ROW EXECUTE FUNCTION {_PG_FUNCTION}()",
    ]
