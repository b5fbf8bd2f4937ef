"""`pos refund` end to end: PINs piped on standard input, the refund in the ledger, the slip printed, the report net."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from pos.ledger import open_ledger
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.services import complete_sale
from pos.staff.services import staff_member
from ledger_helpers import as_staff
from test_cli import DATA, HOODIE_SKU, JACKET_SKU, base_env, ok

SAM, AMA = "2468", "1357"


def pos_in(cwd: Path, *args: str, pins: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m pos ARGS` with PINs piped in, one a line, as a script would."""
    return subprocess.run(
        [sys.executable, "-m", "pos", *args], cwd=cwd, input=pins, capture_output=True, text=True,
        encoding="utf-8", env=base_env(), timeout=60,
    )


def _make_shop(ledger_url: str, cwd: Path) -> None:
    db = ("--db", ledger_url)
    ok(pos_in(cwd, "init", *db))
    for kind in ("participants", "products", "stock"):
        ok(pos_in(cwd, "import", kind, str(DATA / f"{kind}.csv"), *db))
    ok(pos_in(cwd, "staff", "add", "MGR", "--name", "Sam", "--role", "manager", *db, pins=f"{SAM}\n{SAM}\n"))
    ok(pos_in(cwd, "staff", "add", "AMA", "--name", "Ama", "--role", "cashier", "--by", "MGR", *db, pins=f"{SAM}\n"))
    ok(pos_in(cwd, "shift", "open", "--float", "100", "--staff", "MGR", *db, pins=f"{SAM}\n"))


@pytest.fixture
def shop(ledger_made_once) -> Engine:  # type: ignore[no-untyped-def]
    """A ledger with the demo catalogue, a manager (Sam) and a cashier (Ama), each with their PIN, and a shift
    open at till-1, made with `pos` once per worker and copied for each test."""
    engine = open_ledger(ledger_made_once("refund_shop", _make_shop))
    yield engine
    engine.dispose()


def _sold(engine: Engine, skus: list[str], card_pence: int) -> str:
    """A sale of one of each SKU, served by Ama: `card_pence` by card, the rest in cash; its reference."""
    with engine.connect() as connection:
        prices = dict(connection.execute(text("SELECT sku, price_pence FROM variants")).all())
        ids = dict(connection.execute(text("SELECT sku, id FROM variants")).all())
    total = sum(prices[sku] for sku in skus)
    tenders = [card_tender(card_pence)] if card_pence else []
    if total - card_pence:
        tenders.append(cash_tender(total - card_pence))
    sale = complete_sale(as_staff(engine, staff_member(engine, "AMA")), [(ids[sku], 1) for sku in skus], tenders)
    return str(sale.reference)


def test_pos_refund_asks_both_pins_refunds_card_first_and_prints_the_slip(shop: Engine, tmp_path: Path) -> None:
    url = shop.url.render_as_string(hide_password=False)
    reference = _sold(shop, [HOODIE_SKU, JACKET_SKU], card_pence=7000)  # £140: £70 card, £70 cash
    result = pos_in(tmp_path, "refund", reference, "--sku", JACKET_SKU, "--staff", "AMA", "--approved-by", "MGR",
                    "--reason", "wrong size", "--format", "json", "--db", url, pins=f"{AMA}\n{AMA}\n{SAM}\n")
    refund = json.loads(ok(result))
    assert refund == {"refund": "till-1/000002", "original": reference, "refunded_pence": 8500, "vat_pence": 1417,
                      "to": {"card": 7000, "cash": 1500}, "printed": True}
    assert "Refund slip till-1/000002 printed" in result.stderr  # stdout stays JSON
    slip = (tmp_path / "data" / "receipts" / "till-1-000002.bin").read_bytes()
    assert b"REFUND" in slip and b"Collab Coach Jacket" in slip and b"till-1/000001" in slip
    assert b"\x1dk" in slip  # its reference as a barcode (GS k)

    report = json.loads(ok(pos_in(tmp_path, "report", "sales", "--format", "json", "--db", url)))
    assert (report["gross_pence"], report["refunds_pence"], report["refunds_count"]) == (5500, 8500, 1)
    assert report["by_tender"] == {"card": 0, "cash": 5500}
    assert sum(report["by_tender"].values()) == report["gross_pence"] == sum(
        row["gross_pence"] for row in report["by_participant"])
    audit = json.loads(ok(pos_in(tmp_path, "audit", "--format", "json", "--db", url)))
    [entry] = [entry for entry in audit if entry["action"] == "refund"]
    assert (entry["staff"], entry["approved_by"], entry["reference"]) == ("AMA", "MGR", "till-1/000002")
    assert "wrong size" in entry["detail"]


def test_pos_refund_in_words_with_a_chosen_tender_and_damaged_stock(shop: Engine, tmp_path: Path) -> None:
    url = shop.url.render_as_string(hide_password=False)
    reference = _sold(shop, [HOODIE_SKU], card_pence=5500)
    result = pos_in(tmp_path, "refund", reference, "--sku", HOODIE_SKU, "--damaged", "--to", "cash", "--staff", "AMA",
                    "--approved-by", "MGR", "--no-print", "--db", url, pins=f"{AMA}\n{AMA}\n{SAM}\n")
    assert ok(result) == f"Refund till-1/000002 of {reference}: £55.00 (£55.00 to cash).\n"
    stock = ok(pos_in(tmp_path, "stock", "--db", url))
    [hoodie] = [line for line in stock.splitlines() if line.startswith(HOODIE_SKU + " ")]
    assert hoodie.split()[-1] == "9"  # 10 received, 1 sold, 1 back but damaged: not on hand


def test_pos_refund_refuses_a_cashier_as_approver_a_wrong_pin_and_too_many(shop: Engine, tmp_path: Path) -> None:
    url = shop.url.render_as_string(hide_password=False)
    reference = _sold(shop, [HOODIE_SKU], card_pence=0)
    ok(pos_in(tmp_path, "staff", "set-pin", "AMA", "--by", "MGR", "--db", url, pins=f"{SAM}\n{AMA}\n{AMA}\n"))
    base = ("refund", reference, "--sku", HOODIE_SKU, "--staff", "AMA", "--db", url, "--no-print")
    cases = [
        ((*base, "--approved-by", "AMA"), f"{AMA}\n{AMA}\n", "Ama is not a manager. A refund needs a manager's code and PIN."),
        ((*base, "--approved-by", "MGR"), f"{AMA}\n0000\n", "Wrong PIN for MGR"),
        ((*base, "--approved-by", "MGR", "--quantity", "2"), f"{AMA}\n{SAM}\n", "1 sold on till-1/000001, 1 left to return"),
        ((*base, "--approved-by", "MGR", "--quantity", "0"), f"{AMA}\n{SAM}\n", "Return a quantity of at least 1."),
        (("refund", "till-1/000099", "--sku", HOODIE_SKU, "--staff", "AMA", "--approved-by", "MGR", "--db", url),
         f"{AMA}\n{SAM}\n", "There is no receipt till-1/000099"),
        (("refund", "receipt 1", "--sku", HOODIE_SKU, "--staff", "AMA", "--approved-by", "MGR", "--db", url),
         "", "'receipt 1' is not a receipt reference"),
        ((*base, "--approved-by", "MGR"), f"{AMA}\n", "standard input has no more lines"),
    ]
    for args, pins, says in cases:
        result = pos_in(tmp_path, *args, pins=pins)
        assert result.returncode == 1, (args, result.stdout)
        assert says in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    with shop.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM refunds")).scalar_one() == 0
