"""Changing the catalogue after import (issue 9, part 1), on a real ledger (SQLite, or PostgreSQL with
POS_TEST_DATABASE_URL): consent, prices, details, retiring a SKU and imports with --update, each
change in the append-only change log with who, when, the old and the new value."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from common.clock import today
from common.errors import InvalidImport, NotAllowed, RetiredSku
from inventory.catalog import look_up_code, scan_codes, search_variants
from inventory.changes import change_log
from inventory.db import read_session
from inventory.lookup import UNNAMED_DESIGNER, look_up_products
from inventory.models import CatalogueChange, Participant, Product, Variant
from pos.catalogue.services import (
    change_price, edit_participant, edit_product, retire_product, set_consent, update_from_file,
)
from pos.reports.sales import sales_report
from pos.sales.checkout import card_tender
from pos.sales.history import document_text, receipt_for
from pos.sales.services import complete_sale
from receipts.escpos_receipt import receipt_text
from receipts.model import StoreHeader
from ledger_helpers import as_staff, at_till, by, staffed

STORE = StoreHeader(name="Makers' Store")
HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55, AMO (consented)
AMARA = "Amara Osei"


def _sell(engine: Engine, code: str, quantity: int = 1):  # type: ignore[no-untyped-def]
    variant = look_up_code(engine, code)
    return complete_sale(at_till(engine, "till-1", staff="Robin"), [(variant.variant_id, quantity)],
                         [card_tender(variant.price_pence * quantity)], store=STORE)


def _table(engine: Engine, model) -> list[tuple]:  # type: ignore[no-untyped-def, type-arg]
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(model.__table__).order_by(*model.__table__.primary_key))]


# --- consent ------------------------------------------------------------------------------------


def test_consent_withdrawn_removes_the_name_from_the_next_receipt_its_preview_and_the_look_up(demo_engine: Engine) -> None:
    before = _sell(demo_engine, HOODIE_M)
    assert AMARA in receipt_text(before.receipt)
    assert any(designer.named and designer.name == AMARA for designer in look_up_products(demo_engine, "night bus")[0].designers)

    assert [str(change) for change in set_consent(by(demo_engine, "Jo"), "amo", False)] == [
        "participant AMO: consent yes -> no"
    ]

    after = _sell(demo_engine, HOODIE_M)
    assert after.receipt.designers == ()
    assert AMARA not in receipt_text(after.receipt)  # the till's receipt preview (last-sale panel, F9)
    assert "amara" not in receipt_text(after.receipt).lower()
    # a reprint or `pos receipt show` of the sale made before the withdrawal does not name her either
    assert AMARA not in document_text(demo_engine, str(before.reference), "till-1", STORE, 42)
    assert AMARA not in repr(receipt_for(demo_engine, before.reference, STORE).receipt)
    hoodie = look_up_products(demo_engine, "night bus")[0]
    assert [designer.name for designer in hoodie.designers] == [UNNAMED_DESIGNER]
    assert AMARA not in repr(hoodie)
    assert look_up_products(demo_engine, "amara") == []
    report = sales_report(demo_engine, today())
    assert [figures.name for figures in report.by_participant] == ["AMO"]

    set_consent(by(demo_engine, "Jo"), "AMO", True)  # given again: named again on the next receipt
    assert AMARA in receipt_text(_sell(demo_engine, HOODIE_M).receipt)


# --- prices and details ---------------------------------------------------------------------------


def test_a_price_change_leaves_past_sales_and_reports_unchanged_and_the_next_sale_uses_it(demo_engine: Engine) -> None:
    past = _sell(demo_engine, HOODIE_M, 2)
    report_before = sales_report(demo_engine, today())
    lines_before = _table(demo_engine, __import__("pos.sales.models", fromlist=["SaleLine"]).SaleLine)
    rebuilt_before = receipt_text(receipt_for(demo_engine, past.reference, STORE).receipt)

    made = change_price(by(demo_engine, "Jo"), "NBH-BLA-M", 6250)
    assert [str(change) for change in made] == ["sku NBH-BLA-M: price £55.00 -> £62.50"]

    assert sales_report(demo_engine, today()) == report_before
    assert _table(demo_engine, __import__("pos.sales.models", fromlist=["SaleLine"]).SaleLine) == lines_before
    assert receipt_text(receipt_for(demo_engine, past.reference, STORE).receipt) == rebuilt_before
    assert "£110.00" in rebuilt_before
    after = _sell(demo_engine, HOODIE_M)
    assert after.total_pence == 6250
    assert sales_report(demo_engine, today()).gross_pence == report_before.gross_pence + 6250


def test_renaming_a_design_leaves_past_sales_their_name(demo_engine: Engine) -> None:
    past = _sell(demo_engine, HOODIE_M)
    made = edit_product(by(demo_engine, "Jo"), "NBH-BLA-M", name="Night Bus Hoodie II", colour="Jet Black")
    assert [str(change) for change in made] == [
        "design Night Bus Hoodie: name 'Night Bus Hoodie' -> 'Night Bus Hoodie II'",
        "sku NBH-BLA-M: colour 'Black' -> 'Jet Black'",
    ]
    old = receipt_for(demo_engine, past.reference, STORE).receipt
    assert [(line.description, line.colour) for line in old.lines] == [("Night Bus Hoodie", "Black")]
    assert [(line.description, line.colour) for line in _sell(demo_engine, HOODIE_M).receipt.lines] == [
        ("Night Bus Hoodie II", "Jet Black")
    ]
    with pytest.raises(NotAllowed, match="There is a design called 'Block Letter Tee' already"):
        edit_product(by(demo_engine, "Jo"), "NBH-BLA-M", name="block letter tee")


def test_bad_values_are_refused_and_change_nothing(demo_engine: Engine) -> None:
    before = _table(demo_engine, Participant), _table(demo_engine, Variant), _table(demo_engine, CatalogueChange)
    with pytest.raises(NotAllowed, match=r"Name contains a control character \(U\+001B\)"):
        edit_participant(by(demo_engine, "Jo"), "AMO", name="Amara\x1b]0;x\x07")
    with pytest.raises(NotAllowed, match="should look like https://www.linkedin.com/in/their-name"):
        edit_participant(by(demo_engine, "Jo"), "AMO", linkedin_url="http://example.com/amara")
    with pytest.raises(NotAllowed, match="There is no participant with code 'NOPE'"):
        set_consent(by(demo_engine, "Jo"), "NOPE", False)
    with pytest.raises(NotAllowed, match="A price must be from £0.00 to £9,999.99"):
        change_price(by(demo_engine, "Jo"), "NBH-BLA-M", 1_000_000)
    with pytest.raises(NotAllowed, match="There is no SKU 'NOPE-1'"):
        change_price(by(demo_engine, "Jo"), "NOPE-1", 100)
    assert (_table(demo_engine, Participant), _table(demo_engine, Variant), _table(demo_engine, CatalogueChange)) == before


# --- the change log -------------------------------------------------------------------------------


def test_every_change_is_logged_with_old_and_new_values_who_and_when(demo_engine: Engine) -> None:
    edit_participant(by(demo_engine, "Jo"), "AMO", name="Amara Osei-Bonsu", story="Prints.\nSews too.")
    change_price(by(demo_engine, "Jo"), "NBH-BLA-M", 5800)
    retire_product(by(demo_engine, "Jo"), "NBH-BLA-L")
    logged = change_log(demo_engine)
    assert [(e.change.subject, e.change.key, e.change.field, e.change.old, e.change.new, e.recorded_by, e.approved_by,
             e.source) for e in logged] == [
        ("participant", "AMO", "name", "Amara Osei", "Amara Osei-Bonsu", "Jo", "", "pos participants edit"),
        ("participant", "AMO", "story",
         "Screen-prints bold type inspired by night buses and late shifts in south London.", "Prints.\nSews too.",
         "Jo", "", "pos participants edit"),
        ("sku", "NBH-BLA-M", "price_pence", "5500", "5800", "Jo", "", "pos products price"),
        ("sku", "NBH-BLA-L", "retired", "no", "yes", "Jo", "", "pos products retire"),
    ]
    assert all(entry.at.date() == today() for entry in logged)
    assert [e.change.field for e in change_log(demo_engine, "sku", "nbh-bla-m")] == ["price_pence"]


def test_the_change_log_is_append_only(demo_engine: Engine) -> None:
    change_price(by(demo_engine, "Jo"), "NBH-BLA-M", 5800)
    for statement in ("UPDATE catalogue_changes SET new_value = '1'", "DELETE FROM catalogue_changes"):
        with pytest.raises(Exception, match="the ledger is append-only"), demo_engine.begin() as connection:
            connection.execute(text(statement))
    assert [e.change.new for e in change_log(demo_engine)] == ["5800"]


def test_once_the_ledger_has_a_manager_a_change_needs_one_and_names_them(demo_engine: Engine) -> None:
    people = staffed(demo_engine, ("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
    before = _table(demo_engine, Variant)
    with pytest.raises(NotAllowed, match="Changing the catalogue needs a manager's approval"):
        change_price(as_staff(demo_engine, people["AMA"]), "NBH-BLA-M", 100)
    with pytest.raises(NotAllowed, match="Ama is not a manager"):
        change_price(as_staff(demo_engine, people["AMA"]), "NBH-BLA-M", 100, by=people["AMA"])
    assert _table(demo_engine, Variant) == before
    change_price(as_staff(demo_engine, people["MGR"]), "NBH-BLA-M", 5900, by=people["MGR"])
    [entry] = change_log(demo_engine)
    assert (entry.recorded_by, entry.approved_by, entry.change.new) == ("Sam", "MGR", "5900")


# --- retiring a SKU -------------------------------------------------------------------------------


def test_a_retired_sku_is_refused_at_sale_and_keeps_its_history(demo_engine: Engine) -> None:
    past = _sell(demo_engine, HOODIE_M)
    variant = look_up_code(demo_engine, HOODIE_M)
    retire_product(by(demo_engine, "Jo"), "NBH-BLA-M")
    message = "NBH-BLA-M (Night Bus Hoodie M Black) is retired and no longer sells. Put it aside and tell a manager."
    with pytest.raises(RetiredSku) as scanned:
        look_up_code(demo_engine, HOODIE_M)
    assert str(scanned.value) == message
    with pytest.raises(RetiredSku, match="is retired"):
        look_up_code(demo_engine, "nbh-bla-m")
    assert HOODIE_M not in scan_codes(demo_engine) and "NBH-BLA-M" not in scan_codes(demo_engine)
    assert "NBH-BLA-M" not in [found.sku for found in search_variants(demo_engine, "night bus")]
    # a till whose catalogue was read before the SKU was retired: the sale itself refuses it
    with pytest.raises(RetiredSku) as sold:
        complete_sale(at_till(demo_engine, "till-1", staff="Robin"), [(variant.variant_id, 1)], [card_tender(5500)], store=STORE)
    assert str(sold.value) == message
    assert receipt_for(demo_engine, past.reference, STORE).receipt.lines[0].description == "Night Bus Hoodie"
    with pytest.raises(NotAllowed, match="NBH-BLA-M is retired already"):
        retire_product(by(demo_engine, "Jo"), "NBH-BLA-M")


# --- imports with --update ----------------------------------------------------------------------


PARTICIPANTS_UPDATE = (
    "code,name,consent\n"
    "AMO,Amara Osei-Bonsu,yes\n"  # renamed
    "KBL,Kai Blake,yes\n"  # consent given
    "ZED,Zed Ray,no\n"  # new
    "DJT,Dev Thakkar,yes\n"  # unchanged
)


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_update_dry_run_shows_each_row_and_changes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path, "participants.csv", PARTICIPANTS_UPDATE)
    before = _table(demo_engine, Participant), _table(demo_engine, CatalogueChange)
    plan = update_from_file(by(demo_engine, "Jo"), "participants", path, dry_run=True)
    assert plan.report() == (
        "line 2: participant AMO: name 'Amara Osei' -> 'Amara Osei-Bonsu'\n"
        "line 3: participant KBL: consent no -> yes\n"
        "line 4: ZED is new: added\n"
        "participants: would add 1, would change 2, would leave 1 unchanged. Nothing was changed (dry run)."
    )
    assert (_table(demo_engine, Participant), _table(demo_engine, CatalogueChange)) == before

    done = update_from_file(by(demo_engine, "Jo"), "participants", path)
    assert done.report().endswith("participants: added 1, changed 2, left 1 unchanged.")
    with read_session(demo_engine) as session:
        amo = session.scalars(select(Participant).where(Participant.code == "AMO")).one()
        assert amo.display_name == "Amara Osei-Bonsu"
        assert amo.story.startswith("Screen-prints")  # no story column: the story stays
    assert [(e.change.key, e.change.field, e.change.old, e.change.new, e.source) for e in change_log(demo_engine)] == [
        ("AMO", "name", "Amara Osei", "Amara Osei-Bonsu", "import participants participants.csv --update"),
        ("KBL", "consent", "no", "yes", "import participants participants.csv --update"),
    ]


def test_products_update_changes_prices_and_adds_skus_and_refuses_what_it_cannot_do(
    demo_engine: Engine, tmp_path: Path
) -> None:
    header = "sku,design,designers,price,size,colour\n"
    good = _write(tmp_path, "products.csv", header
                  + "NBH-BLA-M,Night Bus Hoodie,AMO,58.00,M,Black\n"
                  + "NBH-BLA-S,Night Bus Hoodie,AMO,55,S,Jet Black\n"
                  + "NBH-RED-M,Night Bus Hoodie,AMO,60,M,Red\n")
    dry = update_from_file(by(demo_engine, "Jo"), "products", good, dry_run=True)
    assert [str(difference) for difference in dry.differences] == [
        "line 2: sku NBH-BLA-M: price £55.00 -> £58.00",
        "line 3: sku NBH-BLA-S: colour 'Black' -> 'Jet Black'",
        "line 4: NBH-RED-M is new: added",
    ]
    with read_session(demo_engine) as session:
        assert session.scalar(select(func.count()).select_from(Variant).where(Variant.sku == "NBH-RED-M")) == 0
    update_from_file(by(demo_engine, "Jo"), "products", good)
    assert look_up_code(demo_engine, "NBH-BLA-M").price_pence == 5800
    assert look_up_code(demo_engine, "NBH-RED-M").price_pence == 6000

    bad = _write(tmp_path, "bad.csv", header
                 + "NBH-BLA-M,Night Bus Hoodie,AMO,70,M,Black\n"
                 + "NBH-BLA-L,Collab Coach Jacket,AMO,55,L,Black\n"
                 + "NBH-BLA-XL,Night Bus Hoodie,KBL,55,XL,Black\n")
    before = _table(demo_engine, Variant), _table(demo_engine, Product), _table(demo_engine, CatalogueChange)
    with pytest.raises(InvalidImport) as refused:
        update_from_file(by(demo_engine, "Jo"), "products", bad)
    assert [str(problem) for problem in refused.value.problems] == [
        "line 3: sku NBH-BLA-L is in design 'Night Bus Hoodie', not 'Collab Coach Jacket'; an import does not move "
        "a SKU (rename a design with `pos products edit SKU --name`)",
        "line 4: design 'Night Bus Hoodie' has other designers or VAT rate in the catalogue; an import does not "
        "change them",
    ]
    assert (_table(demo_engine, Variant), _table(demo_engine, Product), _table(demo_engine, CatalogueChange)) == before
