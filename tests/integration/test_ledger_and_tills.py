"""Which ledger: only init creates or upgrades one, open refuses a missing or older one; tills are registered."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from common.errors import NotAllowed, UnknownTill
from inventory.db import make_engine, read_session
from inventory.models import Variant
from pos.ledger import (
    SCHEMA_HEAD, LedgerOutOfDate, NoLedger, current_revision, init_ledger, ledger_label, open_ledger, upgrade_ledger,
)
from pos.sales.checkout import card_tender
from pos.sales.models import Sale, Till
from pos.sales.services import complete_sale
from pos.sales.tills import TillExists, list_tills, register_till, require_till
from ledger_helpers import at_till, by


def test_open_refuses_a_missing_sqlite_ledger_and_creates_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "ledger.sqlite"
    with pytest.raises(NoLedger) as refused:
        open_ledger(f"sqlite:///{missing}")
    assert str(refused.value) == (
        f"No ledger at {missing}: run `pos init` there, or check --db / POS_DATABASE_URL."
    )
    assert not missing.parent.exists()


def test_open_refuses_a_database_with_no_ledger_in_it(ledger_url: str) -> None:
    if ledger_url.startswith("sqlite"):
        Path(ledger_url.removeprefix("sqlite:///")).touch()  # an empty file where the ledger should be
    with pytest.raises(NoLedger, match="run `pos init` there"):
        open_ledger(ledger_url)
    looked = make_engine(ledger_url)
    assert current_revision(looked) is None  # nothing was created
    looked.dispose()


def test_open_refuses_a_postgresql_database_that_does_not_exist(ledger_url: str) -> None:
    if ledger_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    absent = ledger_url.rsplit("/", 1)[0] + "/pos_no_such_database"
    with pytest.raises(NoLedger, match="No ledger at 127.0.0.1/pos_no_such_database"):
        open_ledger(absent)


def test_open_refuses_a_ledger_that_is_behind_and_leaves_it_as_it_was(ledger_url: str) -> None:
    old = make_engine(ledger_url)
    upgrade_ledger(old, "0004")
    with pytest.raises(LedgerOutOfDate) as refused:
        open_ledger(ledger_url)
    assert f"is at schema 0004; this version needs {SCHEMA_HEAD}. Run `pos init` to upgrade it." in str(refused.value)
    assert current_revision(old) == "0004"
    old.dispose()
    init_ledger(ledger_url).dispose()
    engine = open_ledger(ledger_url)
    assert current_revision(engine) == SCHEMA_HEAD
    engine.dispose()


def test_init_registers_till_1_once_and_is_safe_to_repeat(ledger_url: str) -> None:
    for _ in range(2):
        engine = init_ledger(ledger_url)
        assert list_tills(engine) == ["till-1"]
        engine.dispose()


def test_ledger_label_names_the_file_or_the_server_and_database_without_a_password(engine: Engine) -> None:
    assert ledger_label("sqlite:////srv/shop/data/ledger.sqlite") == "ledger.sqlite"
    assert ledger_label("postgresql+psycopg://till:s3cret@db.shop.lan:5432/makers") == "db.shop.lan/makers"
    label = ledger_label(engine)
    if engine.dialect.name == "sqlite":
        assert label == "ledger.sqlite"
    else:
        assert label == f"{engine.url.host}/{engine.url.database}"


def test_tills_are_registered_listed_and_required(engine: Engine) -> None:
    register_till(by(engine), "till-2")
    register_till(by(engine), "Back_Room")
    assert list_tills(engine) == sorted(["till-1", "till-2", "Back_Room"])
    require_till(engine, "till-2")
    with pytest.raises(UnknownTill) as unknown:
        require_till(engine, "til-2")
    assert str(unknown.value) == (
        "There is no till called 'til-2' in this ledger (tills: Back_Room, till-1, till-2). "
        "Use one of those, or register it first with `pos tills add NAME`."
    )
    with pytest.raises(TillExists, match="already registered"):
        register_till(by(engine), "till-2")


@pytest.mark.parametrize("name", ["", "x" * 21, "till 2", "till/2", "kassé", "ｔｉｌｌ"])
def test_a_till_name_is_1_to_20_letters_digits_dashes_or_underscores(engine: Engine, name: str) -> None:
    with pytest.raises(NotAllowed, match="cannot name a till: use 1 to 20 letters, digits"):
        register_till(by(engine), name)
    assert list_tills(engine) == ["till-1"]
    register_till(by(engine), "x" * 20)  # the longest name still fits the movement reference with its number


def test_a_sale_at_an_unknown_till_is_refused_and_opens_no_till(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        price = session.execute(select(Variant.price_pence).where(Variant.id == 1)).scalar_one()
    with pytest.raises(UnknownTill, match=r"no till called 'till-9' in this ledger \(tills: till-1\)"):
        complete_sale(at_till(demo_engine, "till-9"), [(1, 1)], [card_tender(price)])
    with read_session(demo_engine) as session:
        assert session.execute(select(Till.name, Till.last_receipt_no)).all() == [("till-1", 0)]
        assert session.execute(select(Sale.id)).all() == []
    with demo_engine.connect() as connection:  # the refused sale wrote no movement either
        assert connection.execute(text("SELECT count(*) FROM stock_movements WHERE kind = 'sold'")).scalar() == 0
