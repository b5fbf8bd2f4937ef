"""`pos` exports a spreadsheet opens as data and tables a terminal shows as text; `pos backup`; the store's zone.

A participant named =HYPERLINK(...) and one whose name (and a design's) holds escape sequences (put in the
ledger directly: imports refuse control characters), a sale on one day and its refund on the next, all read
back through the real `pos` command in subprocesses, on SQLite or PostgreSQL (POS_TEST_DATABASE_URL).
"""

from __future__ import annotations

import csv
import io
import sqlite3
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from common.values import ReceiptRef
from inventory.imports import import_participants, import_products, import_stock
from pos.sales.checkout import cash_tender
from pos.sales.refunds import refund_sale
from pos.sales.services import complete_sale
from ledger_helpers import as_staff, by, staffed
from refund_helpers import PEOPLE, variants
from test_cli import base_env, ok, pos

HYPERLINK = '=HYPERLINK("http://x","y")'
ESCAPED_NAME = "\x1b[31mEsc\x1b[0m Tester\x1b]0;owned\x07"  # red text, then a window title
ESCAPED_DESIGN = "\x1b[2JClear Cap"  # clears the screen
SALE_DAY, REFUND_DAY = date(2026, 3, 28), date(2026, 3, 30)


@pytest.fixture
def shop(engine: Engine, tmp_path: Path, ledger_url: str) -> str:
    """The ledger: the two participants, a design by each, a sale of both on SALE_DAY and a refund on REFUND_DAY."""
    (tmp_path / "participants.csv").write_text(
        'code,name,consent\nHYP,"=HYPERLINK(""http://x"",""y"")",yes\nESC,Plain Name,yes\n', encoding="utf-8")
    (tmp_path / "products.csv").write_text(
        "sku,design,designers,size,colour,price\nFT-M,Formula Tee,HYP,M,Black,25\n"
        "CC-OS,Plain Cap,ESC,OS,Red,10\nAT-M,@home Tee,HYP,M,White,20\n", encoding="utf-8")
    (tmp_path / "stock.csv").write_text("sku,quantity\nFT-M,5\nCC-OS,5\nAT-M,5\n", encoding="utf-8")
    import_participants(by(engine), tmp_path / "participants.csv")
    import_products(by(engine), tmp_path / "products.csv")
    import_stock(by(engine), tmp_path / "stock.csv")
    with engine.begin() as connection:  # what an import would refuse, written into the ledger directly
        connection.execute(text("UPDATE participants SET display_name = :name WHERE code = 'ESC'"), {"name": ESCAPED_NAME})
        connection.execute(text("UPDATE products SET name = :name WHERE name = 'Plain Cap'"), {"name": ESCAPED_DESIGN})
    people = staffed(engine, *PEOPLE)
    known = variants(engine)
    at_noon = datetime(SALE_DAY.year, SALE_DAY.month, SALE_DAY.day, 12, tzinfo=UTC)
    sale = complete_sale(as_staff(engine, people["AMA"], now=at_noon),
                         [(known[sku][0], 1) for sku in ("FT-M", "CC-OS", "AT-M")], [cash_tender(5500)])
    assert sale.reference == ReceiptRef("till-1", 1)
    refund_sale(as_staff(engine, people["AMA"], now=datetime(2026, 3, 30, 12, tzinfo=UTC)), sale.reference,
                [("FT-M", 1, False)], approved_by=people["MGR"], to="cash")
    return ledger_url


def _csv(output: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(output)))


def _controls(output: str) -> list[str]:
    return [f"U+{ord(char):04X}" for char in output if char != "\n" and unicodedata.category(char) in ("Cc", "Cf")]


def test_the_sales_report_csv_neutralises_a_formula_name_and_keeps_numbers(shop: str, tmp_path: Path) -> None:
    rows = _csv(ok(pos("report", "sales", "--date", SALE_DAY.isoformat(), "--format", "csv", "--db", shop, cwd=tmp_path)))
    participants = {row[1]: row for row in rows if row[0] == "participant"}
    assert participants["HYP"][2] == "'" + HYPERLINK  # shown as text in a spreadsheet, never a live link
    assert participants["HYP"][3:5] == ["2", "4500"]
    assert participants["ESC"][2] == "Esc Tester"  # no escape sequence, even printed to a terminal
    products = {row[1]: row[2] for row in rows if row[0] == "product"}
    assert products["AT-M"] == "'@home Tee M White"
    assert products["CC-OS"] == "Clear Cap OS Red"
    assert not _controls("".join(cell for row in rows for cell in row))

    refunded = _csv(ok(pos("report", "sales", "--date", REFUND_DAY.isoformat(), "--format", "csv", "--db", shop, cwd=tmp_path)))
    by_key = {(row[0], row[1]): row for row in refunded}
    # The refund's day: negative figures stay numbers, written as they are (no quote in front).
    assert by_key[("total", REFUND_DAY.isoformat())][3:7] == ["-1", "-2500", "-417", "-2083"]
    assert by_key[("tender", "cash")][4] == "-2500"
    assert by_key[("participant", "HYP")][2:7] == ["'" + HYPERLINK, "-1", "-2500", "-417", "-2083"]
    assert int(by_key[("participant", "HYP")][4]) == -2500


def test_tables_show_no_control_characters(shop: str, tmp_path: Path) -> None:
    for args in (("report", "sales", "--date", SALE_DAY.isoformat()), ("participants", "list"), ("stock",),
                 ("stock", "show"), ("stock", "value"), ("stock", "low", "--threshold", "9")):
        shown = ok(pos(*args, "--db", shop, cwd=tmp_path))
        assert not _controls(shown), (args, _controls(shown))
    report = ok(pos("report", "sales", "--date", SALE_DAY.isoformat(), "--db", shop, cwd=tmp_path))
    assert "Esc Tester" in report and "Clear Cap" in report and HYPERLINK in report  # the text itself stays


def test_every_csv_the_command_writes_is_safe(shop: str, tmp_path: Path) -> None:
    for args in (("stock", "show"), ("stock", "low", "--threshold", "9"), ("stock", "value"), ("stock", "sell-through"),
                 ("stock", "history", "FT-M"), ("audit",)):
        output = ok(pos(*args, "--format", "csv", "--db", shop, cwd=tmp_path))
        assert not _controls(output.replace("\r", "")), args
        for row in _csv(output):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (args, cell)
                assert not cell.startswith("-") or cell[1:].isdigit(), (args, cell)
    designs = {row[2] for row in _csv(ok(pos("stock", "show", "--format", "csv", "--db", shop, cwd=tmp_path)))}
    assert {"'@home Tee", "Clear Cap", "Formula Tee"} <= designs
    history = _csv(ok(pos("stock", "history", "FT-M", "--format", "csv", "--db", shop, cwd=tmp_path)))
    # oldest first: the sale and refund are dated March 2026, the stock import now; a negative change stays a number
    assert [row[1:4] for row in history[1:]] == [["sold", "-1", "-1"], ["returned", "1", "0"], ["received", "5", "5"]]


def test_pos_backup_writes_a_copy_beside_the_ledger_or_explains_pg_dump(shop: str, tmp_path: Path, engine: Engine) -> None:
    result = pos("backup", "--db", shop, cwd=tmp_path)
    if engine.dialect.name == "postgresql":
        assert result.returncode == 1 and not result.stdout
        assert "pg_dump --host=127.0.0.1 --port=5432 --username=postgres --format=custom" in result.stderr
        assert f" {engine.url.database}\n" in result.stderr and "pg_restore" in result.stderr
        assert not (tmp_path / "backups").exists()
        return
    out = ok(result)
    backups = list((tmp_path / "backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("ledger-") and backups[0].suffix == ".sqlite"
    assert out.startswith(f"Backup of ledger.sqlite written to {backups[0]} (")
    chosen = tmp_path / "usb" / "today.sqlite"
    chosen.parent.mkdir()
    assert f"written to {chosen} (" in ok(pos("backup", "--out", str(chosen), "--db", shop, cwd=tmp_path))
    copy = sqlite3.connect(chosen)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert copy.execute("SELECT count(*) FROM sales").fetchall() == [(1,)]
        assert copy.execute("SELECT count(*) FROM refunds").fetchall() == [(1,)]
    finally:
        copy.close()
    missing = pos("backup", "--out", str(tmp_path / "nowhere" / "x.sqlite"), "--db", shop, cwd=tmp_path)
    assert missing.returncode == 1
    assert "The folder" in missing.stderr and "does not exist" in missing.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_bad_store_timezone_stops_every_command_naming_the_key(shop: str, tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text('[store]\ntimezone = "Europe/Londn"\n', encoding="utf-8")
    result = pos("report", "sales", "--db", shop, cwd=tmp_path, env=base_env(POS_CONFIG=str(config)))
    assert result.returncode == 1 and not result.stdout
    assert result.stderr.startswith(f"Error: {config}: store.timezone 'Europe/Londn' is not a time zone this computer knows")
    config.write_text('[store]\ntimezone = "Pacific/Kiritimati"\n', encoding="utf-8")  # UTC+14: a day ahead of UTC
    ok(pos("report", "sales", "--db", shop, cwd=tmp_path, env=base_env(POS_CONFIG=str(config))))
