"""Shared fixtures: a fresh ledger per test on a real SQLite file, or on PostgreSQL when
POS_TEST_DATABASE_URL is set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres).

On PostgreSQL each test run and pytest-xdist worker gets databases of its own, emptied before every
test and dropped at the end.

`engine` and `demo_engine` copy a ledger that `pos init` made once per worker (a file copy on SQLite,
CREATE DATABASE ... TEMPLATE on PostgreSQL) instead of running the migrations for every test; the
migrations themselves are tested in tests/integration/test_migrations.py.

With POS_TEST_DATABASE_URL set, only the tests whose behaviour depends on the ledger's engine are
collected (see `runs_on_the_engine`): the rest would only repeat their SQLite run.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from inventory.imports import import_participants, import_products, import_stock
from pos.ledger import init_ledger, open_ledger
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


def _made_ledger(url: str, *, demo: bool) -> None:
    """At empty `url`: a ledger as `pos init` makes it, a shift open at till-1 with no float, and with `demo`
    the demo catalogue (data/*.csv) and its stock; closed."""
    ledger = init_ledger(url)
    open_shift_on(ledger, "till-1")
    if demo:
        import_participants(by(ledger), DATA / "participants.csv")
        import_products(by(ledger), DATA / "products.csv")
        import_stock(by(ledger), DATA / "stock.csv")
    ledger.dispose()  # on SQLite closing the last connection folds the WAL into the file


@pytest.fixture(scope="session")
def ledger_templates(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[bool, str]:
    """Template ledgers made once per worker, by `demo`: the bare one and the one with the demo catalogue."""
    templates: dict[bool, str] = {}
    for demo in (False, True):
        if POSTGRES_URL:
            url = request.getfixturevalue("postgres_database")("demo_template" if demo else "template")
        else:
            url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'ledger.sqlite'}"
        _made_ledger(url, demo=demo)
        templates[demo] = url
    return templates


def _copy_ledger(template_url: str, url: str) -> None:
    """Make the ledger at `url` a copy of the (closed) one at `template_url`."""
    template, target = make_url(template_url), make_url(url)
    if target.get_backend_name() == "sqlite":
        assert template.database and target.database
        shutil.copy(template.database, target.database)  # with its mode: pos init makes it owner-only
        return
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}" TEMPLATE "{template.database}"'))
    admin.dispose()


def _closed_sqlite(url: str) -> None:
    """Fold a SQLite ledger's WAL into its file, so that a copy of the file alone is the whole ledger."""
    import sqlite3

    database = make_url(url).database
    assert database
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


@pytest.fixture(scope="session")
def _made_templates() -> dict[str, str]:
    """The URLs of the ledgers `ledger_made_once` made on this worker, by name."""
    return {}


@pytest.fixture
def ledger_made_once(
    ledger_url: str, _made_templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Callable[[str, Callable[[str, Path], None]], str]:
    """`ledger_made_once(name, make)` puts at `ledger_url` a copy of the ledger that `make(url, folder)` made
    (once per worker and name, e.g. by running `pos` commands in `folder`) and returns `ledger_url`.

    For set-ups that are the same for every test of a module and are not what the test checks; `make`
    leaves no connection open. Files `make` writes beside the ledger are not copied."""

    def made_once(name: str, make: Callable[[str, Path], None]) -> str:
        if name not in _made_templates:
            folder = tmp_path_factory.mktemp(name)
            if POSTGRES_URL:
                url = request.getfixturevalue("postgres_database")(f"{name}_template")
            else:
                url = f"sqlite:///{folder / 'template.sqlite'}"
            make(url, folder)
            if not POSTGRES_URL:
                _closed_sqlite(url)
            _made_templates[name] = url
        _copy_ledger(_made_templates[name], ledger_url)
        return ledger_url

    return made_once


@pytest.fixture
def engine(ledger_url: str, ledger_templates: dict[bool, str], request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A new ledger as `pos init` makes it (at the schema head, with till-1 registered), and a shift
    open at till-1 with no float, so that tests of selling can sell. For a test that asks for
    `demo_engine` it holds the demo catalogue as well."""
    _copy_ledger(ledger_templates["demo_engine" in request.fixturenames], ledger_url)
    ledger = open_ledger(ledger_url)
    yield ledger
    ledger.dispose()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """A ledger holding the demo catalogue (data/*.csv) and its stock."""
    return engine


# Fixtures through which a test reaches the ledger under test: with POS_TEST_DATABASE_URL set they are on
# PostgreSQL. `engine`, `demo_engine` and `ledger_made_once` use `ledger_url`, so asking for any counts.
ENGINE_FIXTURES = frozenset({"ledger_url", "postgres_database"})
# A module that names the PostgreSQL switch itself (a PostgreSQL-only test, a skip on one engine, a ledger
# fixture asked for by name at run time) runs whole on PostgreSQL.
_NAMES_THE_SWITCH = re.compile(r"POS_TEST_DATABASE_URL|POSTGRES_URL|postgres_database")


@functools.cache
def _names_the_switch(module_file: str) -> bool:
    return bool(_NAMES_THE_SWITCH.search(Path(module_file).read_text(encoding="utf-8")))


def runs_on_the_engine(item: pytest.Item) -> bool:
    """Whether `item` may behave differently on PostgreSQL: it uses a ledger fixture (directly or through
    other fixtures), is marked `engine`, or its module names the PostgreSQL switch."""
    if ENGINE_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("engine"):
        return True
    module = getattr(item, "module", None)
    return bool(module and module.__file__ and _names_the_switch(module.__file__))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, leave out the tests that never touch the ledger's engine: their SQLite run covers them."""
    if not POSTGRES_URL:
        return
    on_engine = {item.nodeid: runs_on_the_engine(item) for item in items}
    kept = [item for item in items if on_engine[item.nodeid]]
    left_out = [item for item in items if not on_engine[item.nodeid]]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
