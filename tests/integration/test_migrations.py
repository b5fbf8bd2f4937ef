"""Upgrading a ledger keeps every row; the schema head the code expects is the migrations' head."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from inventory.db import make_engine
from inventory.imports import import_participants, import_products, import_stock
from pos.ledger import MIGRATIONS, SCHEMA_HEAD, current_revision, open_ledger, upgrade_ledger
from pos.sales.services import card_tender, cash_tender, complete_sale

DATA = Path(__file__).resolve().parents[2] / "data"


def _snapshot(engine: Engine) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    with engine.connect() as connection:
        tables = [name for name in inspect(connection).get_table_names() if name != "alembic_version"]
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
            for table in tables
        }


def test_schema_head_matches_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_upgrading_a_ledger_holding_sales_keeps_every_row(ledger_url: str) -> None:
    old = make_engine(ledger_url)
    upgrade_ledger(old, "0001")
    assert current_revision(old) == "0001"
    import_participants(old, DATA / "participants.csv")
    import_products(old, DATA / "products.csv")
    import_stock(old, DATA / "stock.csv")
    complete_sale(old, "till-1", [(1, 2), (50, 1)], [cash_tender(19500, 20000)])
    complete_sale(old, "till-2", [(3, 1)], [card_tender(5500)])
    before = _snapshot(old)
    old.dispose()
    assert len(before["sale_lines"]) == 3 and len(before["line_attributions"]) == 5

    upgraded = open_ledger(ledger_url)  # every command upgrades an older ledger on open
    assert current_revision(upgraded) == SCHEMA_HEAD
    assert _snapshot(upgraded) == before
    if upgraded.dialect.name == "sqlite":
        with upgraded.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(IntegrityError), upgraded.begin() as connection:  # the new rule holds
        connection.execute(
            text("INSERT INTO variants (sku, product_id, size, colour, price_pence, barcode) "
                 "VALUES ('SHORT', 1, 'M', 'Black', 100, '123')")
        )
    upgraded.dispose()


def test_sqlite_ledger_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()
