"""Opening the ledger: an engine on the configured database, upgraded to the current schema.

Alembic is imported only when the ledger is behind, so a till starts quickly on a current ledger.
On SQLite, migrations run with foreign keys off (a table rebuild with them on can delete child
rows) and a foreign-key check after, which must come back empty.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from inventory.db import is_sqlite, make_engine
from common.errors import PosError

SCHEMA_HEAD = "0004"  # the newest migration; tests check it matches pos/migrations/versions
MIGRATIONS = Path(__file__).parent / "migrations"


class MigrationFailed(PosError):
    pass


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade_ledger(engine: Engine, revision: str = "head") -> None:
    """Bring the ledger's schema up to `revision`, keeping every row."""
    from alembic import command

    config = _alembic_config(engine)
    with engine.connect() as connection:
        sqlite = is_sqlite(engine)
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys=OFF")
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
            broken = _sqlite_pragma(connection, "foreign_key_check") if sqlite else []
        finally:
            if sqlite:
                _sqlite_pragma(connection, "foreign_keys=ON")
        if broken:
            raise MigrationFailed(f"The ledger upgrade left {len(broken)} broken reference(s): {broken[:5]}")


def _sqlite_pragma(connection: Connection, pragma: str) -> list[tuple]:  # type: ignore[type-arg]
    """Run a PRAGMA on the raw driver connection, outside any transaction (inside one, some are no-ops)."""
    cursor = connection.connection.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]
    return cursor.fetchall()


def ledger_label(engine: Engine) -> str:
    """Which ledger, for a header: the file name on SQLite, server/database on PostgreSQL; never a password."""
    url = engine.url
    if is_sqlite(engine):
        return Path(url.database or "").name or "memory"
    return f"{url.host or 'localhost'}/{url.database}"


def open_ledger(url: str | None = None) -> Engine:
    """An engine on the ledger at `url` (see inventory.db.database_url), created or upgraded as needed."""
    engine = make_engine(url)
    if current_revision(engine) != SCHEMA_HEAD:
        upgrade_ledger(engine)
    return engine
