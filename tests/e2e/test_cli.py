"""The `pos` command end to end, in subprocesses, on SQLite or on PostgreSQL (POS_TEST_DATABASE_URL).

One module-scoped shop is prepared once (init, import the demo CSVs, sell a hoodie and a
collaboration jacket) and the report tests read it; tests that need an empty ledger get their own.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from inventory.db import read_session
from inventory.ean import ean13_check_digit
from inventory.models import DesignerShare, Participant, Product, StockMovement, Variant
from common.clock import today
from pos.ledger import SCHEMA_HEAD, current_revision, open_ledger
from pos.sales.models import Payment, Sale, SaleLine

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
POSTGRES_URL = os.environ.get("POS_TEST_DATABASE_URL", "")
CONSOLE_SCRIPT = Path(sys.executable).parent / "pos"

HOODIE_SKU = "NBH-BLA-M"  # Night Bus Hoodie, £55, AMO
JACKET_SKU = "CCJ-BLA-M"  # Collab Coach Jacket, £85, AMO:40;KBL:30;RNV:30


def _demo_products() -> dict[str, dict[str, str]]:
    with (DATA / "products.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["sku"]: row for row in csv.DictReader(handle)}


def _data_rows(name: str) -> int:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def base_env(**extra: str) -> dict[str, str]:
    """The environment for a `pos` subprocess: no ledger or config chosen for it, UTF-8 output."""
    env = {key: value for key, value in os.environ.items() if key not in ("POS_DATABASE_URL", "POS_CONFIG")}
    env["PYTHONUTF8"] = "1"
    env.update(extra)
    return env


def pos(
    *args: str, cwd: Path, env: dict[str, str] | None = None, script: bool = False, pins: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run `python -m pos ARGS` (or the installed `pos` console script) and return what it did.

    `pins` are piped on standard input, one per line, as a script gives the PINs a command asks for.
    """
    command: Sequence[str] = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "pos"]
    return subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
        env=env if env is not None else base_env(), timeout=60, input="".join(f"{pin}\n" for pin in pins),
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def count(engine: Engine, model: type) -> int:
    with read_session(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def catalogue_counts(engine: Engine) -> dict[str, int]:
    return {
        model.__tablename__: count(engine, model)
        for model in (Participant, Product, Variant, DesignerShare, StockMovement)
    }


@dataclass(frozen=True)
class Shop:
    """The shared ledger: the demo catalogue imported and one sale made, all through `pos`."""

    cwd: Path
    url: str
    engine: Engine
    day: date
    outputs: dict[str, subprocess.CompletedProcess[str]]

    def pos(self, *args: str) -> subprocess.CompletedProcess[str]:
        return pos(*args, "--db", self.url, cwd=self.cwd)

    def report(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.pos("report", "sales", *args)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory, postgres_database) -> Iterator[Shop]:  # type: ignore[no-untyped-def]
    cwd = tmp_path_factory.mktemp("shop")
    if POSTGRES_URL:
        url = postgres_database("e2e_shop")
    else:
        url = f"sqlite:///{cwd / 'shop.sqlite'}"
    products = _demo_products()
    outputs = {
        "init": pos("init", "--db", url, cwd=cwd),
        # the installed console script, as a manager would type it
        "participants": pos("import", "participants", str(DATA / "participants.csv"), "--db", url, cwd=cwd, script=True),
        "products": pos("import", "products", str(DATA / "products.csv"), "--db", url, cwd=cwd, script=True),
        "stock": pos("import", "stock", str(DATA / "stock.csv"), "--db", url, cwd=cwd, script=True),
        "shift": pos("shift", "open", "--float", "100", "--db", url, cwd=cwd),
    }
    for result in outputs.values():
        ok(result)
    day = today()
    outputs["sell"] = pos(
        "sell", products[HOODIE_SKU]["barcode"], products[JACKET_SKU]["barcode"], "--cash", "200",
        "--db", url, cwd=cwd,
    )
    ok(outputs["sell"])
    engine = open_ledger(url)
    yield Shop(cwd=cwd, url=url, engine=engine, day=day, outputs=outputs)
    engine.dispose()


@pytest.fixture
def sale_day(shop: Shop) -> date:
    """The trading day of the shop's sale, which must still be today for the default-date reports."""
    if today() != shop.day:
        pytest.skip("the trading day changed (midnight in London) since the sale was made")
    return shop.day


# --- the shared shop ---------------------------------------------------------------------------


def test_init_import_and_sell_say_what_they_did(shop: Shop) -> None:
    out = shop.outputs
    assert "Ledger ready" in out["init"].stdout
    assert out["participants"].stdout.strip() == f"participants: imported {_data_rows('participants.csv')} row(s)."
    blanks = sum(1 for row in _demo_products().values() if not row["barcode"])
    assert out["products"].stdout.strip() == (
        f"products: imported {_data_rows('products.csv')} row(s), {blanks} in-store barcode(s) assigned."
    )
    assert out["stock"].stdout.strip() == (f"stock: imported {_data_rows('stock.csv')} row(s), as delivery 1 "
                                           "(its labels: pos labels --batch 1).")
    assert "Sale till-1/000001: total £140.00, change £60.00" in out["sell"].stdout
    assert "Receipt till-1/000001 printed" in out["sell"].stdout
    for result in out.values():
        assert "Traceback" not in result.stderr


def test_sale_is_in_the_ledger_and_took_stock(shop: Shop) -> None:
    with read_session(shop.engine) as session:
        sale = session.execute(select(Sale.total_pence, Sale.vat_pence, Sale.trading_date)).one()
        payment = session.execute(select(Payment.tender, Payment.amount_pence, Payment.change_pence)).one()
        skus = set(session.scalars(select(SaleLine.sku)))
        sold = session.execute(
            select(Variant.sku, StockMovement.quantity)
            .join(Variant, Variant.id == StockMovement.variant_id)
            .where(StockMovement.kind == "sold")
        ).all()
    assert tuple(sale) == (14000, 2334, shop.day)
    assert tuple(payment) == ("cash", 14000, 6000)
    assert skus == {HOODIE_SKU, JACKET_SKU}
    assert sorted(sold) == [(JACKET_SKU, -1), (HOODIE_SKU, -1)]


def test_receipt_file_is_written_under_data_receipts(shop: Shop) -> None:
    receipt = shop.cwd / "data" / "receipts" / "till-1-000001.bin"
    assert receipt.is_file(), sorted(p.name for p in (shop.cwd / "data").rglob("*"))
    content = receipt.read_bytes()
    assert b"Night Bus Hoodie" in content
    assert b"Collab Coach Jacket" in content
    assert b"140.00" in content
    assert content.startswith(b"\x1b") and b"\x1dV" in content  # ESC/POS commands, ending with a paper cut


def test_sales_report_json(shop: Shop, sale_day: date) -> None:
    report = json.loads(ok(shop.report("--format", "json")))
    assert report["date"] == sale_day.isoformat()
    assert report["from"] == report["to"] == sale_day.isoformat()
    assert report["sales_count"] == 1
    assert report["units"] == 2
    assert report["gross_pence"] == 14000
    # VAT is taken from each line's gross at 20% and summed: 5500 -> 917, 8500 -> 1417
    assert report["vat_pence"] == 917 + 1417 == 2334
    assert report["ex_vat_pence"] == 14000 - 2334
    assert report["by_tender"] == {"cash": 14000}

    participants = {row["code"]: row for row in report["by_participant"]}
    assert set(participants) == {"AMO", "KBL", "RNV"}
    assert [row["code"] for row in report["by_participant"]] == ["AMO", "KBL", "RNV"]  # biggest takings first
    assert {code: row["units"] for code, row in participants.items()} == {"AMO": 2, "KBL": 1, "RNV": 1}
    assert sum(row["gross_pence"] for row in participants.values()) == 14000
    assert sum(row["vat_pence"] for row in participants.values()) == 2334
    assert sum(row["ex_vat_pence"] for row in participants.values()) == 14000 - 2334
    for row in participants.values():
        assert row["ex_vat_pence"] == row["gross_pence"] - row["vat_pence"]
    # AMO: the whole hoodie (5500, VAT 917) and 40% of the jacket (3400; VAT 1417 split 567/425/425)
    assert (participants["AMO"]["gross_pence"], participants["AMO"]["vat_pence"]) == (8900, 1484)
    assert (participants["KBL"]["gross_pence"], participants["KBL"]["vat_pence"]) == (2550, 425)
    assert (participants["RNV"]["gross_pence"], participants["RNV"]["vat_pence"]) == (2550, 425)
    # names only with consent (KBL said no)
    assert participants["AMO"]["name"] == "Amara Osei"
    assert participants["RNV"]["name"] == "Rhea Nvarro"
    assert participants["KBL"]["name"] == "KBL"

    assert report["by_product"] == [
        {"sku": JACKET_SKU, "name": "Collab Coach Jacket", "size": "M", "colour": "Black", "units": 1, "gross_pence": 8500},
        {"sku": HOODIE_SKU, "name": "Night Bus Hoodie", "size": "M", "colour": "Black", "units": 1, "gross_pence": 5500},
    ]


def test_sales_report_csv(shop: Shop) -> None:
    day = shop.day.isoformat()
    rows = list(csv.reader(io.StringIO(ok(shop.report("--date", day, "--format", "csv")))))
    assert rows[0] == ["section", "key", "name", "units", "gross_pence", "vat_pence", "ex_vat_pence"]
    by_section: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_section.setdefault(row[0], []).append(row)
    assert by_section["total"] == [["total", day, "", "2", "14000", "2334", "11666"]]
    assert by_section["sales_count"] == [["sales_count", day, "", "1", "", "", ""]]
    assert by_section["tender"] == [["tender", "cash", "Cash", "", "14000", "", ""]]
    assert [row[1] for row in by_section["participant"]] == ["AMO", "KBL", "RNV"]
    assert sum(int(row[6]) for row in by_section["participant"]) == 11666
    assert by_section["participant"][0] == ["participant", "AMO", "Amara Osei", "2", "8900", "1484", "7416"]
    assert {row[1]: row[4] for row in by_section["product"]} == {JACKET_SKU: "8500", HOODIE_SKU: "5500"}


def test_sales_report_table_is_the_default(shop: Shop, sale_day: date) -> None:
    table = ok(shop.report())
    assert f"Sales report {sale_day.isoformat()}" in table
    assert "Sales: 1" in table and "Units: 2" in table
    assert "Takings: £140.00" in table
    assert "VAT included: £23.34" in table
    assert "Excluding VAT: £116.66" in table
    assert "Cash" in table and "£140.00" in table
    for text_ in ("Amara Osei", "KBL", "Rhea Nvarro", "£89.00", "£74.16", JACKET_SKU, HOODIE_SKU, "£85.00", "£55.00"):
        assert text_ in table, text_
    assert "Kai Blake" not in table  # no consent to be named


def test_sales_report_for_a_range(shop: Shop) -> None:
    first, last = shop.day - timedelta(days=3), shop.day + timedelta(days=1)
    report = json.loads(ok(shop.report("--from", first.isoformat(), "--to", last.isoformat(), "--format", "json")))
    assert report["date"] is None
    assert (report["from"], report["to"]) == (first.isoformat(), last.isoformat())
    assert (report["sales_count"], report["gross_pence"], report["vat_pence"]) == (1, 14000, 2334)
    table = ok(shop.report("--from", first.isoformat(), "--to", last.isoformat()))
    assert f"Sales report {first.isoformat()} to {last.isoformat()}" in table
    # --from alone is one day
    only = json.loads(ok(shop.report("--from", shop.day.isoformat(), "--format", "json")))
    assert (only["date"], only["sales_count"]) == (shop.day.isoformat(), 1)
    # a range that ends before the sale holds nothing
    before = json.loads(ok(shop.report(
        "--from", (shop.day - timedelta(days=9)).isoformat(), "--to", (shop.day - timedelta(days=1)).isoformat(),
        "--format", "json",
    )))
    assert (before["sales_count"], before["gross_pence"]) == (0, 0)


def test_sales_report_for_a_day_without_sales_is_zeros(shop: Shop) -> None:
    quiet = (shop.day - timedelta(days=1)).isoformat()
    report = json.loads(ok(shop.report("--date", quiet, "--format", "json")))
    assert report == {
        "date": quiet, "from": quiet, "to": quiet, "sales_count": 0, "refunds_count": 0, "refunds_pence": 0,
        "units": 0, "gross_pence": 0,
        "vat_pence": 0, "ex_vat_pence": 0, "by_tender": {}, "by_participant": [], "by_product": [],
        "discount_pence": 0,
    }
    rows = list(csv.reader(io.StringIO(ok(shop.report("--date", quiet, "--format", "csv")))))
    assert ["total", quiet, "", "0", "0", "0", "0"] in rows
    assert "Takings: £0.00" in ok(shop.report("--date", quiet))


def test_sales_report_refuses_contradictory_dates(shop: Shop) -> None:
    backwards = shop.report("--from", "2025-06-10", "--to", "2025-06-09")
    assert backwards.returncode == 1
    assert "before" in backwards.stderr and "Traceback" not in backwards.stderr
    both = shop.report("--date", "2025-06-10", "--from", "2025-06-09")
    assert both.returncode == 1
    assert "not both" in both.stderr
    not_a_date = shop.report("--date", "10/06/2025")
    assert not_a_date.returncode != 0
    assert "Traceback" not in not_a_date.stderr


def test_selling_an_unknown_barcode_fails_and_writes_nothing(shop: Shop) -> None:
    unknown = "999999999999" + ean13_check_digit("999999999999")  # a valid EAN-13 that is not ours
    receipts = sorted((shop.cwd / "data" / "receipts").iterdir())
    before = {model.__tablename__: count(shop.engine, model) for model in (Sale, SaleLine, Payment, StockMovement)}
    for code in (unknown, "9999999999999"):
        result = shop.pos("sell", code, "--cash", "100")
        assert result.returncode == 1, result
        assert f"Barcode {code} is not in the catalogue" in result.stderr
        assert "Traceback" not in result.stderr
        assert "Sale " not in result.stdout
    # one good item with an unknown one: still no sale
    hoodie = _demo_products()[HOODIE_SKU]["barcode"]
    mixed = shop.pos("sell", hoodie, unknown)
    assert mixed.returncode == 1 and unknown in mixed.stderr
    after = {model.__tablename__: count(shop.engine, model) for model in (Sale, SaleLine, Payment, StockMovement)}
    assert after == before
    assert sorted((shop.cwd / "data" / "receipts").iterdir()) == receipts


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--cash", ""), "--cash needs the amount handed over, such as --cash 50"),
        (("--cash", "  "), "--cash needs the amount handed over"),
        (("--cash", "５５"), "'５５' is not an amount in pounds"),
        (("--cash", "٥٥"), "is not an amount in pounds"),
        (("--cash", "55", "--staff", "S" * 81), "The staff name is 81 characters long; the most is 80"),
        (("--card", "--cash", ""), "Choose --cash or --card, not both"),
    ],
)
def test_sell_refuses_empty_or_non_ascii_cash_and_a_long_staff_name(shop: Shop, args: tuple[str, ...], says: str) -> None:
    hoodie = _demo_products()[HOODIE_SKU]["barcode"]
    before = {model.__tablename__: count(shop.engine, model) for model in (Sale, SaleLine, Payment, StockMovement)}
    result = shop.pos("sell", hoodie, *args)
    assert result.returncode == 1, result
    assert says in result.stderr and "Traceback" not in result.stderr
    assert "Sale " not in result.stdout
    after = {model.__tablename__: count(shop.engine, model) for model in (Sale, SaleLine, Payment, StockMovement)}
    assert after == before


def test_sell_refuses_a_code_pasted_twice_without_repeating_it(shop: Shop) -> None:
    hoodie = _demo_products()[HOODIE_SKU]["barcode"]
    result = shop.pos("sell", hoodie * 2000, "--cash", "100")
    assert result.returncode == 1
    assert "26,000 digits; a barcode has 13" in result.stderr and hoodie * 2 not in result.stderr


def test_stock_command_shows_on_hand_after_the_sale(shop: Shop) -> None:
    lines = ok(shop.pos("stock")).splitlines()
    rows = {line.split()[0]: line.split()[-1] for line in lines[2:]}
    assert len(rows) == _data_rows("products.csv")
    delivered = {row["sku"]: int(row["quantity"]) for row in csv.DictReader((DATA / "stock.csv").open(encoding="utf-8"))}
    assert rows[HOODIE_SKU] == str(delivered[HOODIE_SKU] - 1)
    assert rows[JACKET_SKU] == str(delivered[JACKET_SKU] - 1)
    assert rows["NBH-BLA-S"] == str(delivered["NBH-BLA-S"])


# --- fresh ledgers -------------------------------------------------------------------------------


def test_a_bad_import_exits_1_lists_every_problem_and_imports_nothing(ledger_url: str, tmp_path: Path) -> None:
    ok(pos("init", "--db", ledger_url, cwd=tmp_path))
    ok(pos("import", "participants", str(DATA / "participants.csv"), "--db", ledger_url, cwd=tmp_path))
    good = next(iter(_demo_products().values()))["barcode"]
    bad_products = tmp_path / "products.csv"
    bad_products.write_text(
        "sku,design,category,vat_rate,designers,size,colour,price,barcode\n"
        "T-1,Logo Tee,T-shirts,20,AMO,S,White,25.00,\n"  # 2 good
        f"T-2,Logo Tee,T-shirts,20,AMO,M,White,25.00,{good[:12]}{(int(good[12]) + 1) % 10}\n"  # 3 check digit
        "T-3,Logo Tee,T-shirts,20,AMO,L,White,-4,\n"  # 4 negative price
        "C-1,Collab Cap,Accessories,20,AMO:50;KBL:40,OS,Black,22,\n"  # 5 shares 90%
        "C-2,Other Cap,Accessories,20,NOBODY,OS,Black,22,\n"  # 6 unknown designer
        "T-1,Logo Tee,T-shirts,20,AMO,XL,White,25.00,\n",  # 7 duplicate SKU
        encoding="utf-8",
    )
    engine = open_ledger(ledger_url)
    try:
        before = catalogue_counts(engine)
        result = pos("import", "products", str(bad_products), "--db", ledger_url, cwd=tmp_path)
        assert result.returncode == 1
        assert "nothing was imported" in result.stderr
        assert "Traceback" not in result.stderr
        for line, words in {3: "check digit", 4: "negative", 5: "90%", 6: "NOBODY", 7: "twice"}.items():
            [reported] = [text_ for text_ in result.stderr.splitlines() if f"line {line}:" in text_]
            assert words in reported, reported
        assert "line 2:" not in result.stderr
        assert result.stdout == ""

        stock_lines = ok(pos("stock", "--db", ledger_url, cwd=tmp_path)).splitlines()
        assert len(stock_lines) == 2, stock_lines  # the header and its rule: no SKUs at all
        empty = json.loads(ok(pos("report", "sales", "--format", "json", "--db", ledger_url, cwd=tmp_path)))
        assert empty["sales_count"] == 0 and empty["by_product"] == []

        bad_participants = tmp_path / "participants.csv"
        bad_participants.write_bytes("code,name,consent\nZOE,Zoë,yes\nAMO,Again,yes\n".encode("cp1252"))
        refused = pos("import", "participants", str(bad_participants), "--db", ledger_url, cwd=tmp_path)
        assert refused.returncode == 1
        assert "line 2:" in refused.stderr and "UTF-8" in refused.stderr
        assert catalogue_counts(engine) == before
    finally:
        engine.dispose()


def test_import_that_trips_a_database_constraint_reports_a_problem_not_a_traceback(
    ledger_url: str, tmp_path: Path
) -> None:
    ok(pos("init", "--db", ledger_url, cwd=tmp_path))
    ok(pos("import", "participants", str(DATA / "participants.csv"), "--db", ledger_url, cwd=tmp_path))
    products = tmp_path / "products.csv"
    products.write_text(
        "sku,design,designers,price,barcode\nT-1,Logo Tee,AMO,25,\nT-2,Logo Tee,AMO,25,2000000000015\n",
        encoding="utf-8",
    )
    result = pos("import", "products", str(products), "--db", ledger_url, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0 or "line 3:" in result.stderr


def test_import_dry_run_exits_0_and_writes_nothing(ledger_url: str, tmp_path: Path) -> None:
    ok(pos("init", "--db", ledger_url, cwd=tmp_path))
    ok(pos("import", "participants", str(DATA / "participants.csv"), "--db", ledger_url, cwd=tmp_path))
    engine = open_ledger(ledger_url)
    try:
        before = catalogue_counts(engine)
        result = pos("import", "products", str(DATA / "products.csv"), "--dry-run", "--db", ledger_url, cwd=tmp_path)
        out = ok(result)
        assert out.startswith(f"products: would import {_data_rows('products.csv')} row(s)")
        assert catalogue_counts(engine) == before
        assert len(ok(pos("stock", "--db", ledger_url, cwd=tmp_path)).splitlines()) == 2  # header and rule only
        # a dry run checks against the ledger too: these participants are already in it
        again = pos("import", "participants", str(DATA / "participants.csv"), "--dry-run", "--db", ledger_url, cwd=tmp_path)
        assert again.returncode == 1
        assert "line 2:" in again.stderr and "already in the ledger" in again.stderr
        assert catalogue_counts(engine) == before
    finally:
        engine.dispose()


def test_help_through_the_console_script_and_python_m(tmp_path: Path) -> None:
    for script in (True, False):
        out = ok(pos("--help", cwd=tmp_path, script=script))
        assert "Makers' Till" in out
        for command in ("init", "import", "sell", "stock", "report", "till", "demo"):
            assert command in out
    assert "--dry-run" in ok(pos("import", "--help", cwd=tmp_path, script=True))
    sales_help = ok(pos("report", "sales", "-h", cwd=tmp_path))
    for option in ("--date", "--from", "--to", "--format"):
        assert option in sales_help
    assert not (tmp_path / "data").exists(), "help must not create a ledger"


def test_default_ledger_is_data_ledger_sqlite_under_the_working_directory(tmp_path: Path) -> None:
    cwd = tmp_path / "store"
    cwd.mkdir()
    out = ok(pos("init", cwd=cwd, env=base_env()))
    ledger = cwd / "data" / "ledger.sqlite"
    assert ledger.is_file()
    assert "data/ledger.sqlite" in out
    engine = open_ledger(f"sqlite:///{ledger}")
    try:
        assert current_revision(engine) == SCHEMA_HEAD
    finally:
        engine.dispose()
    # the console script with no --db imports into that same ledger
    ok(pos("import", "participants", str(DATA / "participants.csv"), cwd=cwd, env=base_env(), script=True))
    engine = open_ledger(f"sqlite:///{ledger}")
    try:
        assert count(engine, Participant) == _data_rows("participants.csv")
    finally:
        engine.dispose()


def test_pos_database_url_chooses_the_ledger_and_db_overrides_it(ledger_url: str, tmp_path: Path) -> None:
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = base_env(POS_DATABASE_URL=ledger_url)
    out = ok(pos("init", cwd=cwd, env=env))
    assert "Ledger ready" in out
    ok(pos("import", "participants", str(DATA / "participants.csv"), cwd=cwd, env=env))
    assert not (cwd / "data" / "ledger.sqlite").exists()
    engine = open_ledger(ledger_url)
    try:
        assert current_revision(engine) == SCHEMA_HEAD
        assert count(engine, Participant) == _data_rows("participants.csv")
    finally:
        engine.dispose()
    # --db wins over POS_DATABASE_URL
    other = tmp_path / "other.sqlite"
    ok(pos("init", "--db", f"sqlite:///{other}", cwd=cwd, env=env))
    assert other.is_file()


def test_the_sales_report_as_a_pdf_holds_the_days_figures(shop: Shop) -> None:
    out = shop.cwd / "sales.pdf"
    assert f"Sales report written to {out}" in ok(shop.pos("report", "sales", "--format", "pdf", "--out", str(out)))
    text_of_pdf = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Sales report" in text_of_pdf and "£140.00" in text_of_pdf  # the hoodie and the jacket, in cash
    assert "Night Bus Hoodie" in text_of_pdf and "Page 1 of 1" in text_of_pdf
    without_out = shop.pos("report", "sales", "--format", "pdf")
    assert without_out.returncode == 1 and "give it with --out" in without_out.stderr
