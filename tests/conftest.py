"""Shared fixtures: a fresh ledger per test on a real SQLite file, or on PostgreSQL when
POS_TEST_DATABASE_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres).

On PostgreSQL each pytest-xdist worker gets its own database, emptied before every test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from inventory.imports import import_participants, import_products, import_stock
from pos.ledger import open_ledger

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
POSTGRES_URL = os.environ.get("POS_TEST_DATABASE_URL", "")


def _postgres_worker_url(base_url: str, worker: str) -> str:
    """A database of this worker's own on the PostgreSQL server, with an empty public schema."""
    base = make_url(base_url)
    name = f"pos_test_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base.set(database=name)
    worker_engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with worker_engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    worker_engine.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture
def ledger_url(tmp_path: Path, worker_id: str) -> str:
    """The URL of a new, empty ledger database for this test."""
    if POSTGRES_URL:
        return _postgres_worker_url(POSTGRES_URL, worker_id)
    return f"sqlite:///{tmp_path / 'ledger.sqlite'}"


@pytest.fixture
def engine(ledger_url: str) -> Iterator[Engine]:
    """A migrated, empty ledger."""
    ledger = open_ledger(ledger_url)
    yield ledger
    ledger.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A ledger holding the demo catalogue (data/*.csv) and its stock."""
    import_participants(engine, DATA / "participants.csv")
    import_products(engine, DATA / "products.csv")
    import_stock(engine, DATA / "stock.csv")
    return engine
