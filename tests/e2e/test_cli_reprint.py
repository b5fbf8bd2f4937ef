"""`pos reprint` end to end: a COPY through the configured printer, a gift receipt without prices,
each in the audit trail; an unknown receipt or a dead printer is said plainly."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli import DATA, HOODIE_SKU, JACKET_SKU, POSTGRES_URL, base_env, ok, pos

POUND = "£".encode("cp858")


@pytest.fixture(scope="module")
def ledger_url(tmp_path_factory: pytest.TempPathFactory, postgres_database) -> str:  # type: ignore[no-untyped-def]
    if POSTGRES_URL:
        return postgres_database("e2e_reprint")
    return f"sqlite:///{tmp_path_factory.mktemp('reprint') / 'shop.sqlite'}"


@pytest.fixture(scope="module")
def shop(ledger_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger with the demo catalogue, a first manager MGR (PIN 2468) and sale till-1/000001 (£140)."""
    tmp_path = tmp_path_factory.mktemp("reprint-shop")
    for args in (("init",), ("import", "participants", str(DATA / "participants.csv")),
                 ("import", "products", str(DATA / "products.csv")), ("import", "stock", str(DATA / "stock.csv")),
                 ("shift", "open", "--float", "100"), ("sell", HOODIE_SKU, JACKET_SKU, "--cash", "200")):
        ok(pos(*args, "--db", ledger_url, cwd=tmp_path))
    ok(_pos_with_input("2468\n2468\n", "staff", "add", "MGR", "--name", "Sam", "--role", "manager",
                       "--db", ledger_url, cwd=tmp_path))
    return tmp_path


def _pos_with_input(typed: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pos", *args], cwd=cwd, input=typed, capture_output=True,
                          text=True, encoding="utf-8", env=base_env(), timeout=60)


def _reprints(ledger_url: str, cwd: Path) -> list[dict[str, str]]:
    trail = json.loads(ok(pos("audit", "--format", "json", "--db", ledger_url, cwd=cwd)))
    return [entry for entry in trail if entry["action"] in ("reprint", "gift_receipt")]


def test_reprint_prints_a_copy_and_a_gift_receipt_and_audits_both(ledger_url: str, shop: Path) -> None:
    receipts = shop / "data" / "receipts"
    out = ok(_pos_with_input("2468\n", "reprint", "till-1/000001", "--staff", "MGR", "--db", ledger_url, cwd=shop))
    assert out == "Copy of receipt till-1/000001 printed (data/receipts/till-1-000001-copy.bin).\n"
    copy = (receipts / "till-1-000001-copy.bin").read_bytes()
    assert copy.count(b"COPY") == 2 and b"Night Bus Hoodie" in copy and POUND + b"140.00" in copy
    assert b"COPY" not in (receipts / "till-1-000001.bin").read_bytes()  # the original's file is untouched

    out = ok(pos("reprint", "1", "--gift", "--db", ledger_url, cwd=shop))  # a bare number: a receipt of --till
    assert out == "Gift receipt for till-1/000001 printed (data/receipts/till-1-000001-gift.bin).\n"
    gift = (receipts / "till-1-000001-gift.bin").read_bytes()
    assert b"GIFT RECEIPT" in gift and b"Collab Coach Jacket" in gift and b"{Btill-1/000001" in gift
    assert POUND not in gift and b"TOTAL" not in gift and b"Cash" not in gift

    assert [(e["action"], e["reference"], e["staff"], e["till"]) for e in _reprints(ledger_url, shop)][-2:] == [
        ("reprint", "till-1/000001", "MGR", "till-1"), ("gift_receipt", "till-1/000001", "", "till-1"),
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("till-1/000099",), "Error: There is no receipt till-1/000099 in the ledger."),
        (("till 1/1",), "Error: 'till 1/1' is not a receipt reference."),
        (("1", "--till", "til-1"), "Error: There is no till called 'til-1'"),
    ],
)
def test_a_receipt_that_is_not_there_is_refused_and_nothing_is_recorded(
    ledger_url: str, shop: Path, args: tuple[str, ...], says: str
) -> None:
    before = _reprints(ledger_url, shop)
    result = pos("reprint", *args, "--db", ledger_url, cwd=shop)
    assert result.returncode == 1 and result.stderr.startswith(says), result.stderr
    assert "Traceback" not in result.stderr
    assert _reprints(ledger_url, shop) == before


def test_a_printer_that_does_not_answer_is_reported_plainly(ledger_url: str, shop: Path) -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = shop / "pos.toml"
    config.write_text(f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout_seconds = 1\n')
    result = pos("reprint", "till-1/000001", "--config", str(config), "--db", ledger_url, cwd=shop)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Error: Copy of receipt till-1/000001 did not print: The printer at 127.0.0.1:{port} did not answer: "
    )
    assert "Traceback" not in result.stderr
