"""Shared fixtures: a fresh ledger per test on a real SQLite file, or on PostgreSQL when
POS_TEST_DATABASE_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres).

On PostgreSQL each test run and pytest-xdist worker gets databases of its own, emptied before every
test and dropped at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from inventory.imports import import_participants, import_products, import_stock
from pos.ledger import init_ledger
from ledger_helpers import by, open_shift_on

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
POSTGRES_URL = os.environ.get("POS_TEST_DATABASE_URL", "")


def _empty_postgres_database(base_url: str, name: str) -> str:
    """The URL of database `name` on the PostgreSQL server, created if need be, with an empty public schema."""
    base = make_url(base_url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name)
    database = create_engine(url, isolation_level="AUTOCOMMIT")
    with database.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    database.dispose()
    return url.render_as_string(hide_password=False)


def _drop_postgres_databases(base_url: str, names: list[str]) -> None:
    admin = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_database(worker_id: str) -> Iterator[Callable[[str], str]]:
    """Makes empty PostgreSQL databases private to this test run and worker; drops them at the end.

    Names carry the process id, so two test runs on one server never touch each other's ledgers.
    """
    made: list[str] = []

    def empty_database(purpose: str) -> str:
        name = f"pos_test_{os.getpid()}_{worker_id}_{purpose}"
        if name not in made:
            made.append(name)
        return _empty_postgres_database(POSTGRES_URL, name)

    yield empty_database
    if made:
        _drop_postgres_databases(POSTGRES_URL, made)


@pytest.fixture
def ledger_url(tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a new, empty ledger database for this test."""
    if POSTGRES_URL:
        return request.getfixturevalue("postgres_database")("ledger")
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def engine(ledger_url: str) -> Iterator[Engine]:
    """A new ledger as `pos init` makes it (at the schema head, with till-1 registered), and a shift
    open at till-1 with no float, so that tests of selling can sell."""
    ledger = init_ledger(ledger_url)
    open_shift_on(ledger, "till-1")
    yield ledger
    ledger.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A ledger holding the demo catalogue (data/*.csv) and its stock."""
    import_participants(by(engine), DATA / "participants.csv")
    import_products(by(engine), DATA / "products.csv")
    import_stock(by(engine), DATA / "stock.csv")
    return engine
