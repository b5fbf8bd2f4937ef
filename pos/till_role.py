"""The PostgreSQL role the tills connect as: it reads and inserts ledger rows and changes working state, nothing more.

`pos init --till-role NAME`, run by the ledger's owner (a superuser, or the database's owner with
CREATEROLE), creates the role (or sets its password) and grants it:

* SELECT and INSERT on every ledger table (`LEDGER_TABLES`): no UPDATE, DELETE or TRUNCATE, so the
  append-only triggers are not the only guard; and UPDATE on `sales.id` alone, because a refund locks
  its sale (`SELECT ... FOR UPDATE` needs an UPDATE right on some column); the trigger refuses any
  actual update of it.
* SELECT, INSERT, UPDATE and DELETE on every other table: the working state (tills and their receipt
  counters, parked baskets, the print queue, counts and deliveries in progress, the catalogue, staff).
* SELECT on `alembic_version` (a till checks the schema; only `pos init` changes it), USAGE and SELECT
  on the sequences, USAGE on the schema, and CONNECT.

The role owns nothing, is no superuser and is no member of the owner's role, so it cannot ALTER or DROP
a table, switch a trigger off, or `SET session_replication_role = replica` (only a superuser may). Its
password is sent as a SCRAM-SHA-256 verifier made on this machine, never in clear, so no server log
holds it. An upgrade (`pos init` again) grants the same rights on the tables it adds to every role that
already has them on `sales`.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL, make_url

from common.errors import PosError
from inventory.db import database_url

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
MIN_PASSWORD = 12
_LOCKED_BY_TILLS = {"sales": "id"}  # table -> the one column a till may "update": FOR UPDATE needs it
_SCHEMA_TABLE = "alembic_version"


class TillRoleError(PosError):
    """The till role could not be set up as asked; nothing was changed."""


def check_role_name(name: str) -> str:
    if not ROLE_NAME.fullmatch(name):
        raise TillRoleError(
            f"'{name}' cannot be the tills' role: use 1-63 lower-case letters, digits or _, starting with a letter "
            "or _ (e.g. pos_till)."
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD or password != password.strip() or "\x00" in password:
        raise TillRoleError(
            f"The tills' password must be at least {MIN_PASSWORD} characters, with no spaces at either end."
        )
    return password


def require_postgres(ledger: Engine | str | None) -> None:
    """TillRoleError unless the ledger (an engine, or a URL as --db takes it) is on PostgreSQL."""
    backend = ledger.dialect.name if isinstance(ledger, Engine) else make_url(database_url(ledger)).get_backend_name()
    if backend != "postgresql":
        raise TillRoleError("--till-role is for a ledger on PostgreSQL: a SQLite ledger is a file, with no roles.")


def needs_till_role(engine: Engine) -> bool:
    """A PostgreSQL ledger with no tills' role yet (the tills would connect as its owner)."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        return not till_roles(connection)


def too_powerful_for_a_till(engine: Engine) -> str:
    """Why this connection should not run a till (it could change the ledger's tables or switch their triggers off),
    in words for the till's screen; "" on SQLite and for a role such as the till role."""
    if engine.dialect.name != "postgresql":
        return ""
    with engine.connect() as connection:
        row = connection.execute(text(
            "SELECT current_user, r.rolsuper, "
            "  EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename = 'sales' "
            "          AND pg_has_role(current_user, t.tableowner, 'MEMBER')) "
            "FROM pg_roles r WHERE r.rolname = current_user"
        )).one()
    user, superuser, owner = row
    if not (superuser or owner):
        return ""
    what = "a superuser" if superuser else "the ledger's owner"
    return (f"Connected as {user}, {what} who could switch the ledger's guards off: connect tills as the till role "
            "(pos init --till-role).")


def set_up_till_role(engine: Engine, role: str, password: str) -> None:
    """Create `role` (or set its password, if it exists) and grant it what a till needs on this ledger, in one
    transaction. Refuses a role that is a superuser, may create roles, runs this, or is a member of the owner."""
    check_role_name(role)
    require_postgres(engine)
    check_password(password)
    with engine.begin() as connection:
        verifier = _scram_verifier(connection, role, password)
        quoted = _quote(connection, role)
        if _role_exists(connection, role):
            _refuse_powerful(connection, role)
            connection.exec_driver_sql(f"ALTER ROLE {quoted} WITH LOGIN PASSWORD '{verifier}'")
        else:
            connection.exec_driver_sql(
                f"CREATE ROLE {quoted} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                f"PASSWORD '{verifier}'"
            )
        _grant(connection, role)


def grant_till_roles(engine: Engine) -> list[str]:
    """After an upgrade: the till rights on every table again (new tables included), for each role that has
    them on `sales` already. Returns those roles; nothing on SQLite."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.begin() as connection:
        roles = till_roles(connection)
        for role in roles:
            _grant(connection, role)
    return roles


def till_roles(connection: Connection) -> list[str]:
    """The roles other than its owner that may insert into `sales`: the tills' roles."""
    return list(connection.execute(text(
        "SELECT DISTINCT r.rolname FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) AS a "
        "JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid = to_regclass('sales') AND a.privilege_type = 'INSERT' AND a.grantee <> c.relowner "
        "ORDER BY r.rolname"
    )).scalars())


def till_url(engine: Engine, role: str) -> str:
    """The URL the tills use: this ledger's server and database as `role`, with no password in it."""
    url: URL = engine.url.set(username=role, password=None)
    return url.render_as_string(hide_password=True)


def _grant(connection: Connection, role: str) -> None:
    from pos.migrations.append_only import LEDGER_TABLES

    quoted = _quote(connection, role)
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    connection.exec_driver_sql(f"GRANT CONNECT ON DATABASE {_quote(connection, database)} TO {quoted}")
    connection.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")  # PostgreSQL before 15 allows it
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    tables = connection.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    )).scalars().all()
    for table in tables:
        name = _quote(connection, table)
        connection.exec_driver_sql(f"REVOKE ALL ON {name} FROM {quoted}")
        if table == _SCHEMA_TABLE:
            rights = "SELECT"
        elif table in LEDGER_TABLES:
            rights = "SELECT, INSERT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        connection.exec_driver_sql(f"GRANT {rights} ON {name} TO {quoted}")
        if table in _LOCKED_BY_TILLS:
            connection.exec_driver_sql(f"GRANT UPDATE ({_quote(connection, _LOCKED_BY_TILLS[table])}) ON {name} TO {quoted}")
    connection.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")


def _role_exists(connection: Connection, role: str) -> bool:
    return connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).first() is not None


def _refuse_powerful(connection: Connection, role: str) -> None:
    """A role that could change the ledger's tables or switch their triggers off is no till role."""
    row = connection.execute(text(
        "SELECT r.rolsuper OR r.rolcreaterole, r.rolname = current_user, "
        "  EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND pg_has_role(r.rolname, t.tableowner, 'MEMBER')) "
        "FROM pg_roles r WHERE r.rolname = :role"
    ), {"role": role}).one()
    superuser, is_me, owns = row
    if superuser or is_me or owns:
        why = "a superuser (or may create roles)" if superuser else "the role running pos init" if is_me else "an owner of the ledger's tables"
        raise TillRoleError(
            f"{role} is {why}: the tills must connect as a role that cannot change the ledger's tables. "
            "Choose a new name, such as pos_till; nothing was changed."
        )


def _scram_verifier(connection: Connection, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of `password`, made by libpq on this machine, so the password never travels."""
    pgconn = connection.connection.driver_connection.pgconn  # type: ignore[union-attr]
    verifier = pgconn.encrypt_password(password.encode("utf-8"), role.encode("utf-8"), b"scram-sha-256").decode("ascii")
    if "'" in verifier:  # base64, $ and : only; never a quote
        raise TillRoleError("The password could not be prepared for the server; nothing was changed.")
    return verifier


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)
