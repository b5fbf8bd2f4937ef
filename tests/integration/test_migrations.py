"""Upgrading a ledger keeps every row; the schema head the code expects is the migrations' head."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from inventory.db import make_engine
from inventory.imports import import_participants, import_products
from common.money import split_by_weights, vat_from_gross
from pos.ledger import INIT_LOCK_KEY, MIGRATIONS, SCHEMA_HEAD, current_revision, init_ledger, upgrade_ledger
from ledger_helpers import by
from test_append_only import assert_append_only, differences

DATA = Path(__file__).resolve().parents[2] / "data"


def _columns(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as connection:
        inspector = inspect(connection)
        return {
            table: [column["name"] for column in inspector.get_columns(table)]
            for table in inspector.get_table_names() if table != "alembic_version"
        }


def _snapshot(engine: Engine, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of every table, as far as the given columns go (later migrations may add columns)."""
    with engine.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(f"SELECT {', '.join(names)} FROM {table} ORDER BY 1, 2"))]
            for table, names in columns.items()
        }


def _sell_as_0001(engine: Engine, till: str, items: list[tuple[int, int]], tender: str, tendered: int) -> None:
    """A sale written the way the 0001 schema holds it (today's complete_sale writes newer columns)."""
    with engine.begin() as connection:
        till_id = connection.execute(text("SELECT id FROM tills WHERE name = :n"), {"n": till}).scalar()
        if till_id is None:
            till_id = connection.execute(
                text("INSERT INTO tills (name, last_receipt_no) VALUES (:n, 0) RETURNING id"), {"n": till}
            ).scalar_one()
        receipt_no = connection.execute(
            text("UPDATE tills SET last_receipt_no = last_receipt_no + 1 WHERE id = :t RETURNING last_receipt_no"),
            {"t": till_id},
        ).scalar_one()
        lines = []
        for variant_id, quantity in items:
            product_id, sku, name, size, colour, price, rate = connection.execute(
                text("SELECT v.product_id, v.sku, p.name, v.size, v.colour, v.price_pence, p.vat_rate_bp "
                     "FROM variants v JOIN products p ON p.id = v.product_id WHERE v.id = :v"),
                {"v": variant_id},
            ).one()
            shares = connection.execute(
                text("SELECT participant_id, share_bp FROM designer_shares WHERE product_id = :p ORDER BY participant_id"),
                {"p": product_id},
            ).all()
            total = price * quantity
            lines.append((variant_id, product_id, sku, name, size, colour, quantity, price, total, rate,
                          vat_from_gross(total, rate), shares))
        total = sum(line[8] for line in lines)
        sale_id = connection.execute(
            text("INSERT INTO sales (till_id, receipt_no, created_at, trading_date, staff, total_pence, vat_pence) "
                 "VALUES (:t, :r, :c, :d, '', :total, :vat) RETURNING id"),
            {"t": till_id, "r": receipt_no, "c": datetime(2026, 11, 21, 11, 30), "d": date(2026, 11, 21),
             "total": total, "vat": sum(line[10] for line in lines)},
        ).scalar_one()
        for variant_id, product_id, sku, name, size, colour, quantity, price, line_total, rate, vat, shares in lines:
            line_id = connection.execute(
                text("INSERT INTO sale_lines (sale_id, variant_id, product_id, sku, description, size, colour, quantity, "
                     "unit_price_pence, line_total_pence, vat_rate_bp, vat_pence) "
                     "VALUES (:s, :v, :p, :sku, :name, :size, :colour, :q, :price, :total, :rate, :vat) RETURNING id"),
                {"s": sale_id, "v": variant_id, "p": product_id, "sku": sku, "name": name, "size": size,
                 "colour": colour, "q": quantity, "price": price, "total": line_total, "rate": rate, "vat": vat},
            ).scalar_one()
            weights = [share for _, share in shares]
            for (participant_id, share), gross, part_vat in zip(
                shares, split_by_weights(line_total, weights), split_by_weights(vat, weights), strict=True
            ):
                connection.execute(
                    text("INSERT INTO line_attributions (sale_line_id, participant_id, share_bp, gross_pence, vat_pence) "
                         "VALUES (:l, :p, :b, :g, :v)"),
                    {"l": line_id, "p": participant_id, "b": share, "g": gross, "v": part_vat},
                )
            connection.execute(
                text("INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, reference) "
                     "VALUES (:v, :q, 'sold', 'sale', :t, :ref)"),
                {"v": variant_id, "q": -quantity, "t": till, "ref": f"{till}/{receipt_no}"},
            )
        connection.execute(
            text("INSERT INTO payments (sale_id, tender, amount_pence, tendered_pence, change_pence) "
                 "VALUES (:s, :tender, :amount, :tendered, :change)"),
            {"s": sale_id, "tender": tender, "amount": total, "tendered": tendered, "change": tendered - total},
        )


def _receive_as_0001(engine: Engine) -> None:
    """The demo stock received the way the 0001 schema holds it (today's import also writes a delivery)."""
    import csv

    with (DATA / "stock.csv").open(encoding="utf-8", newline="") as handle, engine.begin() as connection:
        for row in csv.DictReader(handle):
            connection.execute(
                text("INSERT INTO stock_movements (variant_id, quantity, kind, reason, recorded_by, created_at) "
                     "SELECT id, :q, 'received', 'received from the workshop', 'import', CURRENT_TIMESTAMP "
                     "FROM variants WHERE sku = :sku"),
                {"q": int(row["quantity"]), "sku": row["sku"]},
            )


def _ledger_with_sales_at(url: str, revision: str) -> Engine:
    """A ledger made at 0001 holding the demo catalogue and two sales, then upgraded to `revision`."""
    old = make_engine(url)
    upgrade_ledger(old, "0001")
    import_participants(by(old), DATA / "participants.csv")
    import_products(by(old), DATA / "products.csv")
    _receive_as_0001(old)
    _sell_as_0001(old, "till-1", [(1, 2), (50, 1)], "card", 19500)
    _sell_as_0001(old, "till-2", [(3, 1)], "cash", 5500)
    upgrade_ledger(old, revision)
    return old


def test_schema_head_matches_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD


def test_upgrading_a_ledger_holding_sales_keeps_every_row(ledger_url: str) -> None:
    old = make_engine(ledger_url)
    upgrade_ledger(old, "0001")
    assert current_revision(old) == "0001"
    import_participants(by(old), DATA / "participants.csv")
    import_products(by(old), DATA / "products.csv")
    _receive_as_0001(old)
    _sell_as_0001(old, "till-1", [(1, 2), (50, 1)], "cash", 20000)
    _sell_as_0001(old, "till-2", [(3, 1)], "card", 5500)
    old_columns = _columns(old)
    before = _snapshot(old, old_columns)
    old.dispose()
    assert len(before["sale_lines"]) == 3 and len(before["line_attributions"]) == 5

    upgraded = init_ledger(ledger_url)  # `pos init` upgrades an older ledger
    assert current_revision(upgraded) == SCHEMA_HEAD
    assert _snapshot(upgraded, old_columns) == before
    with upgraded.connect() as connection:  # 0003 copied each sale's trading day (and line quantity) onto its rows
        assert connection.execute(text(
            "SELECT count(*) FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE l.trading_date = s.trading_date"
        )).scalar() == 3
        assert connection.execute(text(
            "SELECT count(*) FROM line_attributions a JOIN sale_lines l ON l.id = a.sale_line_id "
            "WHERE a.trading_date = l.trading_date AND a.quantity = l.quantity"
        )).scalar() == 5
        assert connection.execute(text(
            "SELECT count(*) FROM payments p JOIN sales s ON s.id = p.sale_id WHERE p.trading_date = s.trading_date"
        )).scalar() == 2
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
    engine = init_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_upgrading_a_0004_ledger_holding_sales_keeps_every_row_and_the_append_only_triggers(ledger_url: str) -> None:
    old = _ledger_with_sales_at(ledger_url, "0004")  # the sales as a 0004 ledger holds them, behind its triggers
    columns = _columns(old)
    before = _snapshot(old, columns)
    old.dispose()

    upgraded = init_ledger(ledger_url)
    assert current_revision(upgraded) == SCHEMA_HEAD
    assert all(set(kept) <= set(_columns(upgraded)[table]) for table, kept in columns.items())
    assert _snapshot(upgraded, columns) == before
    with upgraded.connect() as connection:  # 0006: sales made before staff and discounts have neither
        assert connection.execute(text(
            "SELECT count(*) FROM sales WHERE staff_id IS NULL AND discount_pence = 0"
        )).scalar() == 2
        assert connection.execute(text(
            "SELECT count(*) FROM sale_lines WHERE discount_pence = 0 AND list_price_pence IS NULL"
        )).scalar() == 3
    assert differences(upgraded) == []
    # sales, sale_lines, payments and stock_movements were rebuilt on SQLite: their triggers were made again
    assert_append_only(upgraded, ("sales", "sale_lines", "line_attributions", "payments", "stock_movements"))
    if upgraded.dialect.name == "sqlite":
        with upgraded.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    upgraded.dispose()


def _pos_init(url: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pos", "init", "--db", url], cwd=cwd, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_two_pos_init_at_once_take_turns(ledger_url: str, tmp_path: Path) -> None:
    """Both wait while the ledger is held (an advisory lock on PostgreSQL, the write lock on SQLite), then one
    creates the ledger and the other finds it done: both succeed, one schema version, one till-1."""
    holder = make_engine(ledger_url)
    sqlite = holder.dialect.name == "sqlite"
    if sqlite:  # another process is writing to this file
        held = sqlite3.connect(ledger_url.removeprefix("sqlite:///"), isolation_level=None)
        held.execute("PRAGMA journal_mode=WAL")
        held.execute("BEGIN IMMEDIATE")
    else:
        held = holder.raw_connection()
        held.cursor().execute("SELECT pg_advisory_lock(%s)", (INIT_LOCK_KEY,))
        held.commit()
    inits = [_pos_init(ledger_url, tmp_path) for _ in range(2)]
    if sqlite:
        time.sleep(3)  # well inside the 10 s busy timeout
    else:
        _wait_until(lambda: _advisory_waiters(holder) == 2, 30, "both inits to wait on the advisory lock")
    assert [init.poll() for init in inits] == [None, None], "an init finished while the ledger was held"
    assert current_revision(holder) is None
    if sqlite:
        held.execute("ROLLBACK")
    else:
        held.cursor().execute("SELECT pg_advisory_unlock(%s)", (INIT_LOCK_KEY,))
        held.commit()
    held.close()
    outputs = [init.communicate(timeout=60) for init in inits]
    for init, (out, err) in zip(inits, outputs, strict=True):
        assert init.returncode == 0, err
        assert "Ledger ready" in out and "(tills: till-1)" in out
    assert current_revision(holder) == SCHEMA_HEAD
    with holder.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert connection.execute(text("SELECT name FROM tills")).scalars().all() == ["till-1"]
    holder.dispose()


def _advisory_waiters(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"
        )).scalar_one()


def _upgraded_keeping_every_row(url: str, revision: str, check_old: Callable[[Engine], None] | None = None) -> Engine:
    """A ledger with sales made at `revision` (`check_old` looks at it first), upgraded to head by `pos init`:
    every row it held is kept, and the schema is exactly the models'."""
    old = _ledger_with_sales_at(url, revision)
    if check_old is not None:
        check_old(old)
    columns = _columns(old)
    before = _snapshot(old, columns)
    old.dispose()
    upgraded = init_ledger(url)
    assert current_revision(upgraded) == SCHEMA_HEAD
    assert _snapshot(upgraded, columns) == before
    assert differences(upgraded) == []
    return upgraded


def test_upgrading_a_0008_ledger_adds_the_catalogue_change_log_and_keeps_every_row(ledger_url: str) -> None:
    from inventory.catalog import look_up_code
    from inventory.changes import change_log
    from pos.catalogue.services import change_price, retire_product

    def no_retirement_yet(old: Engine) -> None:
        assert "retired_at" not in [column["name"] for column in inspect(old).get_columns("variants")]

    upgraded = _upgraded_keeping_every_row(ledger_url, "0008", no_retirement_yet)
    with upgraded.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM variants WHERE retired_at IS NOT NULL")).scalar() == 0
    change_price(by(upgraded, "Jo"), "NBH-BLA-M", 5600)
    retire_product(by(upgraded, "Jo"), "NBH-BLA-L")
    assert [entry.change.field for entry in change_log(upgraded)] == ["price_pence", "retired"]
    assert look_up_code(upgraded, "NBH-BLA-M").price_pence == 5600
    assert_append_only(upgraded, ("catalogue_changes", "sales", "stock_movements"))
    upgraded.dispose()


def test_upgrading_a_0009_ledger_adds_shifts_keeps_every_row_and_sells_only_in_a_shift(ledger_url: str) -> None:
    from common.errors import NoOpenShift
    from pos.sales.checkout import card_tender
    from pos.sales.services import complete_sale
    from pos.shifts.services import open_shift
    from ledger_helpers import at_till

    def no_shifts_yet(old: Engine) -> None:
        assert "shifts" not in inspect(old).get_table_names()

    upgraded = _upgraded_keeping_every_row(ledger_url, "0009", no_shifts_yet)
    with upgraded.connect() as connection:  # sales made before shifts belong to none; no till is on a shift
        assert connection.execute(text("SELECT count(*) FROM sales WHERE shift_id IS NULL")).scalar() == 2
        assert connection.execute(text("SELECT count(*) FROM tills WHERE open_shift_id IS NOT NULL")).scalar() == 0
    with pytest.raises(NoOpenShift):
        complete_sale(at_till(upgraded, "till-1"), [(3, 1)], [card_tender(5500)])
    shift = open_shift(at_till(upgraded, "till-1", staff="Jo"), 10_000)
    sale = complete_sale(at_till(upgraded, "till-1"), [(3, 1)], [card_tender(5500)])
    with upgraded.connect() as connection:
        assert connection.execute(text("SELECT shift_id FROM sales WHERE id = :id"), {"id": sale.sale_id}).scalar() == shift.id
    assert_append_only(upgraded, ("sales", "shifts"))  # the rebuilt sales table kept its triggers
    upgraded.dispose()


def test_upgrading_a_0010_ledger_adds_basket_ids_and_guards_the_receipt_counter(ledger_url: str) -> None:
    from pos.sales.checkout import card_tender, new_basket_id
    from pos.sales.services import complete_sale
    from pos.shifts.services import open_shift
    from ledger_helpers import at_till

    upgraded = _upgraded_keeping_every_row(ledger_url, "0010")
    with upgraded.connect() as connection:  # the sales made before have no basket id
        assert connection.execute(text("SELECT count(*) FROM sales WHERE basket_id IS NULL")).scalar() == 2
    open_shift(at_till(upgraded, "till-1", staff="Jo"), 0)
    basket = new_basket_id()
    first = complete_sale(at_till(upgraded, "till-1"), [(3, 1)], [card_tender(5500)], basket_id=basket)
    assert complete_sale(at_till(upgraded, "till-1"), [(3, 1)], [card_tender(5500)], basket_id=basket) == first
    assert first.receipt_no == 2  # after the sale made before the upgrade
    with pytest.raises(DBAPIError, match="receipt numbers only move up by one"), upgraded.begin() as connection:
        connection.execute(text("UPDATE tills SET last_receipt_no = last_receipt_no + 100"))
    assert_append_only(upgraded, ("sales",))  # 0011 rebuilt nothing: the sales table kept its triggers
    upgraded.dispose()


def test_upgrading_a_0011_ledger_adds_the_tills_display_state_as_working_state(ledger_url: str) -> None:
    from pos.display.publish import publish_basket
    from pos.display.read import display_state

    upgraded = _upgraded_keeping_every_row(ledger_url, "0011")
    assert display_state(upgraded, "till-1").version == 0  # no till has published yet
    publish_basket(upgraded, "till-1", "basket", [], 0, None)
    publish_basket(upgraded, "till-1", "paid", [], 0, None, change_pence=500)  # updated in place: not append-only
    state = display_state(upgraded, "till-1")
    assert (state.version, state.status, state.change_pence) == (2, "paid", 500)
    assert_append_only(upgraded, ("sales",))  # 0012 rebuilt nothing: the sales table kept its triggers
    upgraded.dispose()
