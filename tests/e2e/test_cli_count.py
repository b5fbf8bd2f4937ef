"""`pos count` end to end with a scanner's typing piped in: scans, the quantity key, undo, an unknown code,
two counters at once, review as JSON, approval by a manager, and cancellation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import DATA, base_env, ok, pos

HOODIE_M = "2000000000039"  # NBH-BLA-M
HOODIE_L = "2000000000046"
TEE_S = "2000000000329"


def _pos_typing(typed: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "pos", *args], cwd=cwd, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                               env=base_env())
    assert process.stdin is not None
    process.stdin.write(typed)
    process.stdin.close()
    return process


def _finished(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.read(), process.stderr.read()
    assert process.wait(timeout=60) == 0, err
    return out


def _make_shop(ledger_url: str, cwd: Path) -> None:
    for args in (("init",), ("import", "participants", str(DATA / "participants.csv")),
                 ("import", "products", str(DATA / "products.csv")), ("import", "stock", str(DATA / "stock.csv"))):
        ok(pos(*args, "--db", ledger_url, cwd=cwd))
    ok(pos("staff", "add", "MGR", "--name", "Sam", "--role", "manager", "--db", ledger_url, cwd=cwd,
           pins=("2468", "2468")))
    for code, name in (("AMA", "Ama"), ("JO", "Jo")):
        ok(pos("staff", "add", code, "--name", name, "--role", "cashier", "--by", "MGR", "--db", ledger_url,
               cwd=cwd, pins=("2468",)))


@pytest.fixture
def shop(ledger_made_once, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """The demo catalogue and stock; manager MGR (2468), counters AMA (1357) and JO (8642); made with `pos`
    once per worker and copied for each test."""
    ledger_made_once("count_shop", _make_shop)
    return tmp_path


def _stock(ledger_url: str, cwd: Path) -> dict[str, int]:
    return {line.split()[0]: int(line.split()[-1]) for line in ok(pos("stock", "--db", ledger_url, cwd=cwd)).splitlines()
            if line.split() and line.split()[-1].lstrip("-").isdigit()}


def test_a_rail_counted_by_two_people_reviewed_and_approved(shop: Path, ledger_url: str) -> None:
    started = json.loads(ok(pos("count", "start", "--sku", HOODIE_M, "--sku", HOODIE_L, "--sku", TEE_S,
                                "--format", "json", "--db", ledger_url, cwd=shop)))
    count = str(started["count"])
    assert started["skus"] == 3
    # First the counter's PIN (chosen at this first sign-in, so typed twice), then the scanner's lines.
    ama = _pos_typing(f"1357\n1357\n{HOODIE_M}\n*3\n{TEE_S}\n5012345678900\n{HOODIE_M}\nundo\n",
                      "count", "scan", count, "--staff", "AMA", "--db", ledger_url, cwd=shop)
    jo = _pos_typing(f"8642\n8642\n{HOODIE_M}\n\n{TEE_S}\n", "count", "scan", count, "--staff", "JO",
                     "--db", ledger_url, cwd=shop)
    said_to_ama, said_to_jo = _finished(ama), _finished(jo)
    assert "3 x Recycled Logo Tee (S White)" in said_to_ama
    assert "\a5012345678900 is not in the catalogue: nothing counted." in said_to_ama
    assert "Undone: 1 x Night Bus Hoodie (M Black) NBH-BLA-M" in said_to_ama
    assert "expected" not in said_to_ama.lower()  # blind
    assert said_to_jo.endswith("1 scan counted into count 1.\n")  # the empty line ends the scanning

    review = json.loads(ok(pos("count", "review", count, "--format", "json", "--db", ledger_url, cwd=shop)))
    lines = {line["sku"]: line for line in review["lines"]}
    assert lines["NBH-BLA-M"]["counted"] == 2 and [row["sku"] for row in review["unscanned"]] == ["NBH-BLA-L"]
    assert lines["NBH-BLA-M"]["variance_pence"] == lines["NBH-BLA-M"]["variance"] * 5500

    refused = pos("count", "approve", count, "--staff", "AMA", "--db", ledger_url, cwd=shop, pins=("1357",))  # her PIN is set
    assert refused.returncode == 1 and "Ama is not a manager" in refused.stderr
    out = ok(pos("count", "approve", count, "--staff", "MGR", "--db", ledger_url, cwd=shop, pins=("2468",)))
    assert out.startswith(f"Count {count} approved: ")
    stock = _stock(ledger_url, shop)
    assert stock["NBH-BLA-M"] == 2 and stock["RLT-WHI-S"] == 3


def test_a_cancelled_count_changes_nothing(shop: Path, ledger_url: str) -> None:
    before = _stock(ledger_url, shop)
    started = ok(pos("count", "start", "--design", "Night Bus Hoodie", "--db", ledger_url, cwd=shop))
    assert started.startswith("Count 1 started: design Night Bus Hoodie (")
    _finished(_pos_typing(f"1357\n1357\n{HOODIE_M}\n", "count", "scan", "1", "--staff", "AMA", "--db", ledger_url,
                          cwd=shop))
    assert "Count 1 cancelled" in ok(pos("count", "cancel", "1", "--staff", "MGR", "--db", ledger_url, cwd=shop,
                                         pins=("2468",)))
    assert _stock(ledger_url, shop) == before
    late = pos("count", "approve", "1", "--staff", "MGR", "--db", ledger_url, cwd=shop, pins=("2468",))
    assert late.returncode == 1 and "Stock count 1 is cancelled" in late.stderr


def test_a_manager_adjusts_stock_from_the_command_line(shop: Path, ledger_url: str) -> None:
    before = _stock(ledger_url, shop)["NBH-BLA-M"]
    out = ok(pos("stock", "adjust", "NBH-BLA-M", "-2", "--reason", "lost", "--note", "after the event",
                 "--staff", "MGR", "--db", ledger_url, cwd=shop, pins=("2468",)))
    assert out == "Adjusted Night Bus Hoodie (M Black) NBH-BLA-M by -2 (lost).\n"
    assert _stock(ledger_url, shop)["NBH-BLA-M"] == before - 2
    wrong = pos("stock", "adjust", HOODIE_M, "2", "--reason", "damaged", "--staff", "MGR", "--db", ledger_url,
                cwd=shop, pins=("2468",))
    assert wrong.returncode == 1 and "An adjustment for damaged is a negative number" in wrong.stderr
