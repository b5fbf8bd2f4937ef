"""The tills' own PostgreSQL role, on the real server: `pos init --till-role` run as the owner (postgres)
makes a role that sells, refunds, parks, counts, prints and closes the day, but cannot change or remove
a ledger row, empty a table, switch the triggers off (`session_replication_role`) or alter the schema.

Runs when POS_TEST_DATABASE_URL names the server; each test gets a database and a role of its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from conftest import DATA, POSTGRES_URL, _empty_postgres_database
from inventory.imports import import_participants, import_products, import_stock
from ledger_helpers import by

postgres_only = pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL: set POS_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class RoleLedger:
    owner_url: str
    till_url: str
    role: str
    folder: Path


def pos(folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("POS_DATABASE_URL", "POS_CONFIG")}
    return subprocess.run([sys.executable, "-m", "pos", *args], cwd=folder, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def _drop(owner_url: str, role: str) -> None:
    url = make_url(owner_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    ledger = create_engine(url, isolation_level="AUTOCOMMIT")
    with ledger.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
            connection.execute(text(f'DROP OWNED BY "{role}"'))  # its grants in this database
    ledger.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


@pytest.fixture
def fresh_database(worker_id: str) -> Iterator[tuple[str, str]]:
    """(the owner's URL of a new empty database, a role name no one has), both dropped afterwards."""
    tag = f"{os.getpid()}_{worker_id}"
    owner_url = _empty_postgres_database(POSTGRES_URL, f"pos_test_{tag}_till_role")
    role = f"pos_till_{tag}"
    yield owner_url, role
    _drop(owner_url, role)


def _init_with_role(folder: Path, owner_url: str, role: str) -> str:
    """`pos init --till-role ROLE` as the owner, the password from a file; returns what it printed."""
    secret = folder / "till-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    done = pos(folder, "init", "--db", owner_url, "--till-role", role, "--till-password-file", str(secret))
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def role_ledger(fresh_database: tuple[str, str], tmp_path: Path) -> RoleLedger:
    owner_url, role = fresh_database
    printed = _init_with_role(tmp_path, owner_url, role)
    shown = make_url(owner_url).set(username=role).render_as_string(hide_password=True)
    assert f"Tills connect as {role} (ledger entries: read and add only): {shown}" in printed
    till_url = make_url(owner_url).set(username=role, password=PASSWORD).render_as_string(hide_password=False)
    return RoleLedger(owner_url, till_url, role, tmp_path)


@postgres_only
def test_a_whole_day_runs_as_the_till_role(role_ledger: RoleLedger) -> None:
    """Imports, staff and PINs, sales with a discount and an override, a refund (which locks its sale), cash
    in and out, a parked basket, a count, printing from the queue and the Z: all as the role, none as postgres."""
    from pos.ledger import open_ledger
    from pos.printing import print_waiting
    from pos.reports.shift import z_report
    from pos.sales.parking import ParkedItem, park_basket, recall_basket
    from pos.stock.counts import approve_count, scan_into_count, start_count
    from receipts.model import StoreHeader
    from receipts.printers import PrinterSettings
    from ledger_helpers import as_staff
    from shift_day import COUNTED, EXPECTED, TILL, close_short, run_the_day_until_the_x, set_up_day

    engine = open_ledger(role_ledger.till_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_user, usesuper FROM pg_user WHERE usename = current_user")).one() \
                == (role_ledger.role, False)
        import_participants(by(engine), DATA / "participants.csv")
        import_products(by(engine), DATA / "products.csv")
        import_stock(by(engine), DATA / "stock.csv")
        day = set_up_day(engine, role_ledger.folder)
        people, ids = day["people"], day["ids"]
        run_the_day_until_the_x(engine, people, ids)  # includes a refund: SELECT ... FOR UPDATE of its sale

        parked = park_basket(as_staff(engine, people["AMA"], TILL), [ParkedItem(ids["NBH-BLA-M"], 1)], "blue bag")
        assert recall_basket(as_staff(engine, people["AMA"], TILL), parked).id == parked
        count = start_count(as_staff(engine, people["MGR"], TILL), skus=["SC-STO-OS"])
        scan_into_count(as_staff(engine, people["AMA"], TILL), count, "SC-STO-OS", 3)
        approve_count(as_staff(engine, people["MGR"], TILL), count, people["MGR"])
        run = print_waiting(engine, TILL, PrinterSettings(kind="file", directory=role_ledger.folder / "printed"),
                            StoreHeader(name="Makers"))
        assert run.problem == ""

        close_short(engine, people)
        z = z_report(engine, till=TILL)
        assert (z.expected_cash_pence, z.counted_cash_pence) == (EXPECTED, COUNTED)
    finally:
        engine.dispose()


REFUSED_AS_TILL = [
    "UPDATE payments SET amount_pence = 1",
    "UPDATE sales SET total_pence = 0",
    "UPDATE sales SET id = id",  # the one column a till may lock: the append-only trigger refuses it
    "DELETE FROM stock_movements",
    "INSERT INTO payments SELECT * FROM payments ON CONFLICT (id) DO UPDATE SET amount_pence = 1",
    "TRUNCATE payments",
    "TRUNCATE sales CASCADE",
    "SET session_replication_role = replica",
    "ALTER TABLE payments DISABLE TRIGGER ALL",
    "DROP TRIGGER payments_append_only ON payments",
    "ALTER TABLE sales ADD COLUMN note text",
    "ALTER TABLE tills OWNER TO CURRENT_USER",
    "DROP TABLE payments",
    "DROP TABLE tills CASCADE",
    "CREATE TABLE scratch (id int)",
    "UPDATE alembic_version SET version_num = '9999'",
    "GRANT postgres TO CURRENT_USER",
]


def _sell_one(url: str) -> None:
    from common.values import Actor
    from inventory.catalog import look_up_code
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger
    from pos.sales.checkout import cash_tender
    from pos.sales.services import complete_sale
    from pos.shifts.services import open_shift

    engine = open_ledger(url)
    try:
        import_participants(by(engine), DATA / "participants.csv")
        import_products(by(engine), DATA / "products.csv")
        import_stock(by(engine), DATA / "stock.csv")
        open_shift(UnitOfWork(engine, Actor("Sam", "till-1")), 10_000)
        hoodie = look_up_code(engine, "2000000000039").variant_id
        complete_sale(UnitOfWork(engine, Actor("Sam", "till-1")), [(hoodie, 1)], [cash_tender(5500, 6000)])
    finally:
        engine.dispose()


def _ledger_rows(url: str) -> dict[str, int]:
    from pos.migrations.append_only import LEDGER_TABLES

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = {table: connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() for table in LEDGER_TABLES}
        rows["payment_pence"] = connection.execute(text("SELECT SUM(amount_pence) FROM payments")).scalar_one()
    engine.dispose()
    return rows


@postgres_only
def test_the_till_role_cannot_change_remove_or_unprotect_the_ledger(role_ledger: RoleLedger) -> None:
    _sell_one(role_ledger.till_url)
    before = _ledger_rows(role_ledger.owner_url)
    till = create_engine(role_ledger.till_url)
    allowed: list[str] = []
    try:
        with till.connect() as connection:
            for statement in REFUSED_AS_TILL:
                try:
                    connection.exec_driver_sql(statement)
                    allowed.append(statement)
                except DBAPIError as refused:
                    said = str(refused.orig)
                    reasons = ("permission denied", "must be owner", "must be superuser", "append-only")
                    assert any(reason in said for reason in reasons), f"{statement}: {said}"
                connection.rollback()
    finally:
        till.dispose()
    assert allowed == []
    assert _ledger_rows(role_ledger.owner_url) == before and before["sales"] == 1


@postgres_only
def test_every_ledger_table_refuses_the_till_role_update_delete_and_truncate(role_ledger: RoleLedger) -> None:
    from pos.migrations.append_only import LEDGER_TABLES

    _sell_one(role_ledger.till_url)
    till = create_engine(role_ledger.till_url)
    try:
        with till.connect() as connection:
            for table in LEDGER_TABLES:
                column = connection.execute(text(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position"
                ), {"t": table}).scalars().first()
                for statement in (f"UPDATE {table} SET {column} = {column}", f"DELETE FROM {table}", f"TRUNCATE {table}"):
                    # sales.id may be locked by a till (FOR UPDATE), so its trigger is what refuses the update
                    with pytest.raises(DBAPIError, match="permission denied|append-only"):
                        connection.exec_driver_sql(statement)
                    connection.rollback()
    finally:
        till.dispose()


def _scram_matches(verifier: str, password: str) -> bool:
    """Whether a PostgreSQL SCRAM-SHA-256 verifier was made from `password` (RFC 5802's StoredKey)."""
    method, iterations_salt, keys = verifier.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = keys.split(":")[0]
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    return method == "SCRAM-SHA-256" and base64.b64encode(hashlib.sha256(client_key).digest()).decode() == stored_key


@postgres_only
def test_the_role_can_log_in_with_the_password_given_and_has_no_power_over_the_server(role_ledger: RoleLedger) -> None:
    owner = create_engine(role_ledger.owner_url)
    with owner.connect() as connection:
        row = connection.execute(text(
            "SELECT rolpassword, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin "
            "FROM pg_authid WHERE rolname = :role"), {"role": role_ledger.role}).one()
        owns = connection.execute(text("SELECT COUNT(*) FROM pg_class WHERE relowner = "
                                       "(SELECT oid FROM pg_roles WHERE rolname = :role)"), {"role": role_ledger.role}).scalar()
    owner.dispose()
    assert _scram_matches(row[0], PASSWORD) and not _scram_matches(row[0], PASSWORD + "x")
    assert tuple(row[1:]) == (False, False, False, False, False, True) and owns == 0


@postgres_only
def test_an_upgrade_gives_the_role_its_rights_on_the_tables_the_upgrade_adds(
    fresh_database: tuple[str, str], tmp_path: Path
) -> None:
    """A ledger made before the shifts (0010) with a till role; `pos init` upgrades it and the role can open a
    shift, but still cannot empty the new ledger table."""
    from common.values import Actor
    from inventory.db import UnitOfWork
    from pos.ledger import open_ledger, upgrade_ledger
    from pos.shifts.services import open_shift
    from pos.till_role import set_up_till_role

    owner_url, role = fresh_database
    owner = create_engine(owner_url)
    upgrade_ledger(owner, "0009")
    set_up_till_role(owner, role, PASSWORD)
    owner.dispose()
    done = pos(tmp_path, "init", "--db", owner_url)
    assert done.returncode == 0, done.stderr
    till = open_ledger(make_url(owner_url).set(username=role).render_as_string(hide_password=False))
    try:
        assert open_shift(UnitOfWork(till, Actor("Sam", "till-1")), 5000).float_pence == 5000
        with till.connect() as connection, pytest.raises(DBAPIError, match="permission denied"):
            connection.exec_driver_sql("TRUNCATE shifts CASCADE")
    finally:
        till.dispose()


@postgres_only
@pytest.mark.parametrize("name, said", [
    ("postgres", "postgres is a superuser"),
    ("Bad-Name", "cannot be the tills' role"),
])
def test_pos_init_refuses_a_role_that_could_change_the_ledger(fresh_database: tuple[str, str], tmp_path: Path,
                                                              name: str, said: str) -> None:
    owner_url, _ = fresh_database
    done = pos(tmp_path, "init", "--db", owner_url, "--till-role", name, stdin=PASSWORD + "\n")
    assert done.returncode == 1 and said in done.stderr and "Traceback" not in done.stderr, done.stderr


@postgres_only
def test_a_short_password_is_refused_and_no_role_is_made(fresh_database: tuple[str, str], tmp_path: Path) -> None:
    owner_url, role = fresh_database
    done = pos(tmp_path, "init", "--db", owner_url, "--till-role", role, stdin="short\n")
    assert done.returncode == 1 and "at least 12 characters" in done.stderr
    owner = create_engine(owner_url)
    with owner.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar() == 0
    owner.dispose()


def test_on_sqlite_pos_init_says_a_till_role_is_for_postgresql(tmp_path: Path) -> None:
    done = pos(tmp_path, "init", "--db", f"sqlite:///{tmp_path / 'ledger.sqlite'}", "--till-role", "pos_till",
               stdin=PASSWORD + "\n")
    assert done.returncode == 1 and "--till-role is for a ledger on PostgreSQL" in done.stderr, done.stderr
    assert not (tmp_path / "ledger.sqlite").exists()  # refused before anything was created


@postgres_only
def test_a_till_connected_as_a_superuser_is_told_and_the_till_role_is_not(role_ledger: RoleLedger) -> None:
    from pos.ledger import open_ledger
    from pos.till_role import too_powerful_for_a_till

    said = {}
    for who, url in (("owner", role_ledger.owner_url), ("till role", role_ledger.till_url)):
        engine = open_ledger(url)
        try:
            said[who] = too_powerful_for_a_till(engine)
        finally:
            engine.dispose()
    assert "Connected as postgres, a superuser who could switch the ledger's guards off" in said["owner"]
    assert "pos init --till-role" in said["owner"] and said["till role"] == ""


def test_a_till_on_sqlite_has_no_roles_to_be_told_about(tmp_path: Path) -> None:
    from pos.ledger import init_ledger
    from pos.till_role import too_powerful_for_a_till

    assert too_powerful_for_a_till(init_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")) == ""
