"""`pos sell` with staff, discounts, approval and split tender, end to end, PINs piped on standard input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from common.clock import today
from pos.staff.audit import audit_trail
from ledger_helpers import staffed
from test_cli import base_env

PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"), ("BEN", "Ben", "cashier", "1111"))
THREE = ("NBH-BLA-M", "CCJ-BLA-L", "SC-STO-OS")  # £55 + £85 + £22 = £162


def sell(ledger_url: str, cwd: Path, *args: str, pins: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pos", "sell", *args, "--no-print", "--db", ledger_url], cwd=cwd, input=pins,
        capture_output=True, text=True, encoding="utf-8", env=base_env(), timeout=60,
    )


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


@pytest.fixture
def shop(demo_engine: Engine) -> Engine:
    staffed(demo_engine, *PEOPLE)
    return demo_engine


def test_a_manager_approved_15_percent_discount_paid_half_cash_half_card(
    shop: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    result = sell(ledger_url, tmp_path, *THREE, "--staff", "AMA", "--discount", "15%", "--reason", "Loyal customer",
                  "--approved-by", "MGR", "--split", "cash:68.85,card", "--format", "json", pins="1357\n2468\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "receipt": "till-1/000001", "total_pence": 13770, "discount_pence": 2430, "vat_pence": 2295, "change_pence": 0,
    }
    assert _rows(shop, "SELECT tender, amount_pence FROM payments ORDER BY id") == [("cash", 6885), ("card", 6885)]
    assert _rows(shop, "SELECT s.code FROM sales JOIN staff s ON s.id = sales.staff_id") == [("AMA",)]
    [entry] = [entry for entry in audit_trail(shop) if entry.action == "discount"]
    assert (entry.staff, entry.approved_by, entry.reference) == ("AMA", "MGR", "till-1/000001")
    again = sell(ledger_url, tmp_path, "NBH-BLA-M", "--staff", "AMA", "--discount", "2.50", "--reason", "Damaged item",
                 "--card", pins="1357\n")
    assert again.returncode == 0, again.stderr
    day = today().isoformat()
    report = subprocess.run(
        [sys.executable, "-m", "pos", "report", "sales", "--from", day, "--to", day, "--format", "json", "--db", ledger_url],
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", env=base_env(), timeout=60,
    )
    figures = json.loads(report.stdout)
    assert (figures["discount_pence"], figures["gross_pence"]) == (2430 + 250, 13770 + 5250)
    assert figures["by_tender"] == {"card": 6885 + 5250, "cash": 6885}


def test_without_a_manager_or_with_a_cashier_as_approver_the_discount_is_refused(
    shop: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    alone = sell(ledger_url, tmp_path, *THREE, "--staff", "AMA", "--discount", "15%", "--reason", "Loyal customer",
                 "--card", pins="1357\n")
    assert alone.returncode == 1
    assert "A 15% discount needs a manager's approval: add --approved-by" in alone.stderr
    by_cashier = sell(ledger_url, tmp_path, *THREE, "--staff", "AMA", "--discount", "15%", "--reason", "Loyal customer",
                      "--approved-by", "BEN", "--card", pins="1357\n1111\n")
    assert by_cashier.returncode == 1 and "Ben is not a manager" in by_cashier.stderr
    wrong_pin = sell(ledger_url, tmp_path, *THREE, "--staff", "AMA", "--card", pins="9999\n")
    assert wrong_pin.returncode == 1 and "Wrong PIN for AMA" in wrong_pin.stderr
    assert _rows(shop, "SELECT COUNT(*) FROM sales") == [(0,)]


def test_staff_are_required_once_the_ledger_has_them_and_a_small_amount_discount_needs_nobody(
    shop: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    nobody = sell(ledger_url, tmp_path, "NBH-BLA-M", "--card")
    assert nobody.returncode == 1 and "Who served? Add --staff" in nobody.stderr
    text_out = sell(ledger_url, tmp_path, "NBH-BLA-M", "--staff", "AMA", "--discount", "5.00",
                    "--reason", "Damaged item", "--cash", "60", pins="1357\n")
    assert text_out.returncode == 0, text_out.stderr
    assert "Sale till-1/000001: total £50.00, discount £5.00, change £10.00" in text_out.stdout
    for args, says in (
        (("--discount", "15%"), "A discount needs both --discount"),
        (("--discount", "5%", "--reason", "My friend"), "not a reason for a discount"),
        (("--split", "cash:10,card:10"), "--split pays £20.00 of £55.00"),
        (("--split", "cheque"), "--split takes cash and card parts"),
        (("--split", "card:60"), "more than the £55.00 left to pay"),
        (("--card", "--split", "card"), "Choose --cash or --card, not both (--split takes part cash, part card)"),
    ):
        refused = sell(ledger_url, tmp_path, "NBH-BLA-M", "--staff", "AMA", *args, pins="1357\n")
        assert refused.returncode == 1 and says in refused.stderr, (args, refused.stderr)
    assert _rows(shop, "SELECT COUNT(*) FROM sales") == [(1,)]
