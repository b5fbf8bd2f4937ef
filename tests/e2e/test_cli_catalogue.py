"""`pos participants`, `pos products`, `pos changes`, `pos import --update` and `pos stock show`, run as a
shop runs them, on a ledger of their own (SQLite, or PostgreSQL with POS_TEST_DATABASE_URL)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select

from conftest import DATA
from inventory.db import read_session
from inventory.models import CatalogueChange, Participant, Variant
from test_cli import ok, pos

HOODIE_M = "2000000000039"


def _pos(demo_engine: Engine, tmp_path: Path, *args: str, pins: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    url = demo_engine.url.render_as_string(hide_password=False)
    return pos(*args, "--db", url, cwd=tmp_path, pins=pins)


def _rows(engine: Engine, model) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(model.__table__).order_by(*model.__table__.primary_key))]


def test_consent_price_and_retire_from_the_command_line(demo_engine: Engine, tmp_path: Path) -> None:
    assert ok(_pos(demo_engine, tmp_path, "participants", "consent", "AMO", "no", "--by", "Jo (manager)")) == (
        "Changed participant AMO: consent yes -> no\n"
    )
    sold = ok(_pos(demo_engine, tmp_path, "sell", HOODIE_M, "--card", "--no-print"))
    receipt = sold.split()[1].rstrip(":")
    shown = ok(_pos(demo_engine, tmp_path, "receipt", "show", receipt))
    assert "Amara" not in shown and "Meet the designer" not in shown
    assert "Consent: no" in ok(_pos(demo_engine, tmp_path, "participants", "show", "AMO"))

    assert ok(_pos(demo_engine, tmp_path, "products", "price", "NBH-BLA-M", "£57.50", "--by", "Jo")) == (
        "Changed sku NBH-BLA-M: price £55.00 -> £57.50\n"
    )
    assert "total £57.50" in ok(_pos(demo_engine, tmp_path, "sell", HOODIE_M, "--card", "--no-print"))
    assert "£55.00" in ok(_pos(demo_engine, tmp_path, "receipt", "show", receipt))  # the first sale keeps its price

    ok(_pos(demo_engine, tmp_path, "products", "retire", "NBH-BLA-M", "--by", "Jo"))
    refused = _pos(demo_engine, tmp_path, "sell", HOODIE_M, "--card", "--no-print")
    assert refused.returncode == 1
    assert refused.stderr == (
        "Error: NBH-BLA-M (Night Bus Hoodie M Black) is retired and no longer sells. Put it aside and tell a manager.\n"
    )
    listed = json.loads(ok(_pos(demo_engine, tmp_path, "stock", "show", "--format", "json")))
    hoodie = next(row for row in listed if row["sku"] == "NBH-BLA-M")
    assert (hoodie["barcode"], hoodie["retired"], hoodie["price_pence"]) == (HOODIE_M, True, 5750)

    log = json.loads(ok(_pos(demo_engine, tmp_path, "changes", "--format", "json")))
    assert [(e["key"], e["field"], e["old"], e["new"], e["by"]) for e in log] == [
        ("AMO", "consent", "yes", "no", "Jo (manager)"),
        ("NBH-BLA-M", "price_pence", "5500", "5750", "Jo"),
        ("NBH-BLA-M", "retired", "no", "yes", "Jo"),
    ]


def test_a_change_without_by_or_with_a_bad_amount_changes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    before = _rows(demo_engine, Variant), _rows(demo_engine, CatalogueChange)
    no_by = _pos(demo_engine, tmp_path, "products", "price", "NBH-BLA-M", "60")
    assert no_by.returncode == 1 and "Who is making this change? Add --by" in no_by.stderr
    bad = _pos(demo_engine, tmp_path, "products", "price", "NBH-BLA-M", "60,00", "--by", "Jo")
    assert bad.returncode == 1
    assert bad.stderr == "Error: '60,00' is not an amount in pounds, such as 45 or 45.00. Nothing was changed.\n"
    assert (_rows(demo_engine, Variant), _rows(demo_engine, CatalogueChange)) == before


def test_once_the_ledger_has_staff_a_managers_pin_approves_a_change(demo_engine: Engine, tmp_path: Path) -> None:
    from ledger_helpers import staffed

    staffed(demo_engine, ("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
    cashier = _pos(demo_engine, tmp_path, "products", "price", "NBH-BLA-M", "60", "--by", "AMA", pins=("1357",))
    assert cashier.returncode == 1 and "Ama is not a manager" in cashier.stderr
    ok(_pos(demo_engine, tmp_path, "participants", "edit", "KBL", "--name", "Kai Blake-Ade", "--by", "MGR",
            pins=("2468",)))
    with read_session(demo_engine) as session:
        entries = session.execute(select(CatalogueChange.field, CatalogueChange.old_value, CatalogueChange.new_value,
                                         CatalogueChange.recorded_by, CatalogueChange.approved_by)).all()
    assert [tuple(entry) for entry in entries] == [("name", "Kai Blake", "Kai Blake-Ade", "Sam", "MGR")]


def test_import_update_dry_run_shows_the_differences_and_changes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    changed = tmp_path / "participants.csv"
    changed.write_text((DATA / "participants.csv").read_text(encoding="utf-8").replace(
        "AMO,Amara Osei,", "AMO,Amara Osei-Bonsu,"), encoding="utf-8")
    before = _rows(demo_engine, Participant), _rows(demo_engine, CatalogueChange)
    dry = ok(_pos(demo_engine, tmp_path, "import", "participants", str(changed), "--update", "--dry-run", "--by", "Jo"))
    assert dry == (
        "line 2: participant AMO: name 'Amara Osei' -> 'Amara Osei-Bonsu'\n"
        "participants: would add 0, would change 1, would leave 5 unchanged. Nothing was changed (dry run).\n"
    )
    assert (_rows(demo_engine, Participant), _rows(demo_engine, CatalogueChange)) == before
    done = ok(_pos(demo_engine, tmp_path, "import", "participants", str(changed), "--update", "--by", "Jo"))
    assert done.endswith("participants: added 0, changed 1, left 5 unchanged.\n")
    with read_session(demo_engine) as session:
        assert session.scalar(select(Participant.display_name).where(Participant.code == "AMO")) == "Amara Osei-Bonsu"


def test_stock_show_lists_every_variant_with_its_barcode_and_stock_alone_is_as_before(
    demo_engine: Engine, tmp_path: Path
) -> None:
    table = ok(_pos(demo_engine, tmp_path, "stock", "show")).splitlines()
    assert table[0].split() == ["SKU", "Barcode", "Design", "Size", "Colour", "Price", "On", "hand", "Damaged"]
    with read_session(demo_engine) as session:
        barcodes = session.execute(select(Variant.sku, Variant.barcode)).all()
    assert len(table) == 2 + len(barcodes)
    for sku, barcode in barcodes:  # the in-store ones (prefix 20) too
        assert any(line.split()[:2] == [sku, barcode] for line in table[2:]), sku
    assert ok(_pos(demo_engine, tmp_path, "stock")).splitlines()[0].split() == ["SKU", "Design", "Size", "Colour", "On", "hand"]
