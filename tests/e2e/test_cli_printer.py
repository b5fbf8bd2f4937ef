"""The printer from the command line, against a loopback network printer: sales print through the queue,
a printer that goes away leaves sales committed and queued, and bringing it back prints each exactly once;
`pos printer status|queue|retry|test`, `pos receipt show|print`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_printer import FakePrinter
from test_cli import DATA, HOODIE_SKU, JACKET_SKU, base_env, ok, pos

CODE128 = b"\x1dkI"  # GS k 73: a CODE128 barcode
QR_STORE = b"\x1d(k"  # GS ( k: the printer's own QR code


@pytest.fixture
def printer() -> FakePrinter:
    with FakePrinter() as fake:
        yield fake


def _make_shop(ledger_url: str, cwd: Path) -> None:
    for args in (("init",), ("import", "participants", str(DATA / "participants.csv")),
                 ("import", "products", str(DATA / "products.csv")), ("import", "stock", str(DATA / "stock.csv")),
                 ("shift", "open", "--float", "100")):
        ok(pos(*args, "--db", ledger_url, cwd=cwd))


@pytest.fixture
def shop(ledger_made_once, tmp_path: Path, printer: FakePrinter) -> Path:  # type: ignore[no-untyped-def]
    """The demo catalogue (made with `pos` once per worker and copied) and a configuration pointing at the
    loopback printer."""
    ledger_made_once("printer_shop", _make_shop)
    (tmp_path / "pos.toml").write_text(
        '[store]\nname = "Makers\' Store"\n\n'
        f'[printer]\nkind = "network"\nhost = "127.0.0.1"\nport = {printer.port}\ntimeout_seconds = 0.5\n',
        encoding="utf-8",
    )
    return tmp_path


def _pos(shop: Path, ledger_url: str, *args: str) -> object:
    return pos(*args, "--db", ledger_url, cwd=shop, env=base_env(POS_CONFIG=str(shop / "pos.toml")))


def test_a_sale_prints_a_receipt_with_its_code128_and_the_designers_qr(
    shop: Path, ledger_url: str, printer: FakePrinter
) -> None:
    out = ok(_pos(shop, ledger_url, "sell", JACKET_SKU, "--cash", "100"))
    assert f"Receipt till-1/000001 printed (127.0.0.1:{printer.port})." in out
    assert printer.wait_for(1)
    [receipt] = printer.documents()
    assert b"Collab Coach Jacket" in receipt and b"\x1bp\x00" in receipt  # cash: the drawer opens
    assert CODE128 in receipt and b"till-1/000001" in receipt
    assert QR_STORE in receipt and b"linkedin.com/in/amara-osei" in receipt.lower()


def test_a_printer_that_goes_away_leaves_sales_queued_and_prints_each_once_when_back(
    shop: Path, ledger_url: str, printer: FakePrinter
) -> None:
    printer.restart("refuse")
    for _ in range(2):
        out = _pos(shop, ledger_url, "sell", HOODIE_SKU, "--card")
        assert out.returncode == 0 and "did not print" in out.stdout + out.stderr  # the sale stands
    queue = json.loads(ok(_pos(shop, ledger_url, "printer", "queue", "--format", "json")))
    assert [(job["receipt"], job["state"], job["till"]) for job in queue] == [
        ("till-1/000001", "queued", "till-1"), ("till-1/000002", "queued", "till-1")]
    assert queue[0]["attempts"] >= 1 and "did not answer" in queue[0]["last_error"]
    status = _pos(shop, ledger_url, "printer", "status")
    assert status.returncode == 1 and "2 waiting" in status.stdout and "did not answer" in status.stderr

    printer.restart("printer")
    out = ok(_pos(shop, ledger_url, "printer", "retry"))
    assert "till-1/000002 printed" in out
    ok(_pos(shop, ledger_url, "printer", "retry"))  # nothing left: prints nothing more
    assert printer.wait_for(2) and printer.receipts == 2
    assert json.loads(ok(_pos(shop, ledger_url, "printer", "queue", "--format", "json"))) == []
    assert "Ready: the printer at 127.0.0.1" in ok(_pos(shop, ledger_url, "printer", "status"))


def test_receipt_show_and_print(shop: Path, ledger_url: str, printer: FakePrinter) -> None:
    ok(_pos(shop, ledger_url, "sell", HOODIE_SKU, "--card"))
    shown = ok(_pos(shop, ledger_url, "receipt", "show", "till-1/000001", "--width", "32"))
    assert "Night Bus Hoodie" in shown and "till-1/000001" in shown
    assert max(len(line) for line in shown.splitlines()) <= 32
    out = ok(_pos(shop, ledger_url, "receipt", "print", "1", "--gift"))
    assert out.startswith("Gift receipt for till-1/000001 printed")
    assert printer.wait_for(2) and b"GIFT RECEIPT" in printer.documents()[1]
    unknown = _pos(shop, ledger_url, "receipt", "show", "till-1/000099")
    assert unknown.returncode == 1 and "There is no receipt till-1/000099" in unknown.stderr


def test_the_test_page_prints_rulers_a_pound_sign_a_code128_and_a_qr(
    shop: Path, ledger_url: str, printer: FakePrinter
) -> None:
    tested = pos("printer", "test", cwd=shop, env=base_env(POS_CONFIG=str(shop / "pos.toml")))
    assert ok(tested).startswith("Test page printed (127.0.0.1:")
    assert printer.wait_for(1)
    [page] = printer.documents()
    assert b"TEST PAGE" in page and b"....+....1....+....2....+....3.." in page
    assert "£".encode("cp858") in page and CODE128 in page and QR_STORE in page


def test_a_bad_printer_configuration_is_refused_at_start_naming_the_key(shop: Path, ledger_url: str) -> None:
    (shop / "pos.toml").write_text('[printer]\nkind = "network"\nprofile = "TM-T88X"\nhost = "x"\n', encoding="utf-8")
    refused = _pos(shop, ledger_url, "sell", HOODIE_SKU, "--card")
    assert refused.returncode == 1
    assert 'printer.profile "TM-T88X" is not a python-escpos printer profile: did you mean' in refused.stderr
