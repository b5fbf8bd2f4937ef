"""At the schema head, on SQLite and PostgreSQL, every ledger table refuses to change a row it holds,
and the models and the migrations describe the same schema."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

import inventory.models  # noqa: F401  (registers the catalogue tables on the metadata)
import pos.sales.models  # noqa: F401
from inventory.db import Base
from pos.migrations.append_only import LEDGER_TABLES
from pos.catalogue.services import change_price
from pos.sales.checkout import card_tender
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from pos.shifts.services import close_shift, move_cash
from pos.stock.counts import scan_into_count, start_count
from ledger_helpers import as_staff, staffed


def differences(engine: Engine) -> list[object]:
    """What Alembic's autogenerate would change to make the ledger match the models (types and defaults too)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, Base.metadata))


def sold(engine: Engine) -> Engine:
    """`engine` holding a sale served by a signed-in cashier, a manager-approved refund of part of it,
    a count, a catalogue change, a paid-in and the shift's Z."""
    people = staffed(engine, ("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
    cashier = people["AMA"]
    with engine.connect() as connection:
        sku, price = connection.execute(text("SELECT sku, price_pence FROM variants WHERE id = 50")).one()
    # a collaboration: two attributions, and so two refund attributions
    sale = complete_sale(as_staff(engine, cashier), [(50, 2)], [card_tender(2 * price)])
    refund_sale(as_staff(engine, cashier), sale.reference, [(sku, 1, False)], approved_by=people["MGR"])
    count = start_count(as_staff(engine, people["MGR"]), skus=[sku])
    scan_into_count(as_staff(engine, cashier), count, sku)
    change_price(as_staff(engine, people["MGR"]), "NBH-BLA-M", 5600, by=people["MGR"])  # a catalogue change
    move_cash(as_staff(engine, people["MGR"], till="till-1"), "paid_in", 2000, "Change from the bank", people["MGR"])
    close_shift(as_staff(engine, people["MGR"], till="till-1"), people["MGR"], counted_pence=2000)  # the Z
    return engine


_SAME = {"stock_movements": "reason = reason || '!'", "count_scans": "quantity = quantity", "shifts": "float_pence = float_pence"}  # an UPDATE per table


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in LEDGER_TABLES}


def assert_append_only(engine: Engine, tables: Sequence[str] = LEDGER_TABLES) -> None:
    """UPDATE and DELETE (and INSERT OR REPLACE on SQLite, TRUNCATE on PostgreSQL) are refused on `tables`.

    Each of them must hold rows: a row trigger never fires on an empty table.
    """
    before = rows(engine)
    assert all(before[table] for table in tables), before
    sqlite = engine.dialect.name == "sqlite"
    for table in tables:
        statements = [f"UPDATE {table} SET {_SAME.get(table, 'trading_date = trading_date')}", f"DELETE FROM {table}"]
        if sqlite:
            statements.append(f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} LIMIT 1")
        else:
            statements.append(f"TRUNCATE {table} CASCADE")
        for statement in statements:
            with pytest.raises(DBAPIError, match="the ledger is append-only"), engine.begin() as connection:
                connection.execute(text(statement))
    assert rows(engine) == before
    if not sqlite:  # each table has its own TRUNCATE trigger, not only those a CASCADE reaches first
        with engine.connect() as connection:
            truncate_triggers = set(connection.execute(text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = c.relname || '_no_truncate'"
            )).scalars())
        assert truncate_triggers == set(LEDGER_TABLES)


def test_every_ledger_table_refuses_changes_at_head(demo_engine: Engine) -> None:
    assert_append_only(sold(demo_engine))


def test_sqlite_connections_fire_delete_triggers_on_replace(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA recursive_triggers").scalar() == 1


def test_the_models_and_the_migrations_describe_the_same_schema(engine: Engine) -> None:
    assert differences(engine) == []
