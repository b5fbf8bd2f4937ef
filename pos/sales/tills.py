"""The registered tills: `pos init` registers till-1, `pos tills add` the others.

A sale is made only at a registered till, so a mistyped name is refused instead of starting a
till with receipt numbers of its own.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Engine, insert, select

from common.errors import NotAllowed, UnknownTill
from common.values import Actor
from inventory.db import UnitOfWork
from pos.sales.models import Till

TILL_NAME_MAX = 20  # "NAME/000012" must fit the 40-character stock movement reference
_TILL_NAME = re.compile(rf"[A-Za-z0-9_-]{{1,{TILL_NAME_MAX}}}", re.ASCII)
_TILLS = Till.__table__
_NAMES = select(_TILLS.c.name).order_by(_TILLS.c.name)


class TillExists(NotAllowed):
    """The till name is registered already."""


def check_till_name(name: str) -> str:
    """`name` if it can name a till, else NotAllowed saying what a name may be."""
    if not _TILL_NAME.fullmatch(name):
        raise NotAllowed(
            f"'{name}' cannot name a till: use 1 to {TILL_NAME_MAX} letters, digits, '-' or '_' (like till-2)."
        )
    return name


def till_names(connection: Connection) -> list[str]:
    """Every registered till's name, in order, read on `connection`."""
    return list(connection.execute(_NAMES).scalars())


def register_till(uow: UnitOfWork, name: str) -> None:
    """Register a till called `name`, its receipts starting at 1; refuses a bad or taken name."""
    check_till_name(name)
    with uow:
        if name in till_names(uow.connection):
            raise TillExists(f"Till {name} is already registered.")
        uow.connection.execute(insert(_TILLS).values(name=name, last_receipt_no=0))
        uow.commit()


def add_till(engine: Engine, name: str, actor: Actor) -> None:
    """Register a till on behalf of `actor` (the `pos tills add` command)."""
    register_till(UnitOfWork(engine, actor), name)


def list_tills(engine: Engine) -> list[str]:
    """The names of the registered tills, in order."""
    with engine.connect() as connection:
        return till_names(connection)


def require_till(engine: Engine, name: str) -> None:
    """Nothing if `name` is a registered till; else UnknownTill listing the tills there are."""
    known = list_tills(engine)
    if name not in known:
        raise UnknownTill(name, known)
