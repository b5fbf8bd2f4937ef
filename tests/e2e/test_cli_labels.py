"""`pos labels` and `pos cards` end to end: the PDFs read back with pdftoppm and zbarimg, and bad input
refused with a plain message and no file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pdf_codes import decode, decode_labels, page_images, text_of
from receipts.labels import A4_21, roll_layout
from test_cli import DATA, ok, pos


def _make_shop(ledger_url: str, cwd: Path) -> None:
    for args in (("init",), ("import", "participants", str(DATA / "participants.csv")),
                 ("import", "products", str(DATA / "products.csv"))):
        ok(pos(*args, "--db", ledger_url, cwd=cwd))


@pytest.fixture
def shop(ledger_made_once) -> str:  # type: ignore[no-untyped-def]
    """The demo participants and products, imported with `pos` once per worker and copied for each test."""
    return ledger_made_once("labels_shop", _make_shop)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_labels_by_sku_and_barcode_with_quantities(shop: str, tmp_path: Path) -> None:
    barcode = {row["sku"]: row["barcode"] for row in _rows("products.csv")}
    out = tmp_path / "labels.pdf"
    said = ok(pos("labels", "--sku", "NBH-BLA-M:2", barcode["CCJ-BLA-L"], "dsh-san-s:3", "--out", str(out),
                  "--db", shop, cwd=tmp_path))
    assert "6 labels on 1 page" in said
    expected = [barcode["NBH-BLA-M"]] * 2 + [barcode["CCJ-BLA-L"]] + [barcode["DSH-SAN-S"]] * 3
    assert decode_labels(out, A4_21, 6, tmp_path / "read") == [[code] for code in expected] + [[]] * 15


def test_all_labels_on_a_roll_one_a_page_each_decoding_to_its_sku(shop: str, tmp_path: Path) -> None:
    out = tmp_path / "roll.pdf"
    ok(pos("labels", "--all", "--layout", "roll", "--size", "62x29", "--out", str(out), "--db", shop, cwd=tmp_path))
    products = _rows("products.csv")
    decoded = decode_labels(out, roll_layout(62, 29), len(products), tmp_path / "read")
    assert all(len(codes) == 1 for codes in decoded)
    given = {row["barcode"] for row in products if row["barcode"]}
    found = [codes[0] for codes in decoded]
    assert given <= set(found) and len(set(found)) == len(products)  # the in-store one assigned at import too
    assert "Kai Blake" not in text_of(out) and "Lu Wen" not in text_of(out)


def test_cards_for_consenting_participants_only(shop: str, tmp_path: Path) -> None:
    out = tmp_path / "cards.pdf"
    said = ok(pos("cards", "--out", str(out), "--db", shop, cwd=tmp_path))
    people = _rows("participants.csv")
    consented = [row for row in people if row["consent"] == "yes"]
    assert f"{len(consented)} cards" in said
    pages = page_images(out, tmp_path / "pages")
    found = [data for codes in decode(pages) for _, data in codes]
    assert sorted(found) == sorted(row["linkedin_url"] for row in consented if row["linkedin_url"])
    printed = text_of(out)
    for row in people:
        assert (row["name"] in printed) == (row["consent"] == "yes")


@pytest.mark.parametrize("args, message", [
    (("--sku", "NOPE-XL:2"), "Not in the catalogue: NOPE-XL"),
    (("--sku", "NBH-BLA-M:0"), "whole number"),
    (("--sku", "NBH-BLA-M:2.5"), "whole number"),
    (("--sku", "NBH-BLA-M:-3"), "whole number"),
    (("--sku", "NBH-BLA-M", "--layout", "roll", "--size", "50by30"), "not a label size"),
    (("--sku", "NBH-BLA-M", "--layout", "roll", "--size", "20x10"), "cannot hold"),
    (("--sku", "NBH-BLA-M", "--size", "50x30"), "--layout roll"),
    (("--sku", "NBH-BLA-M", "--all"), "Give one of"),
    (("--batch", "7"), "There is no delivery 7"),
    ((), "--all"),
])
def test_bad_input_is_refused_plainly_and_writes_nothing(shop: str, tmp_path: Path, args: tuple[str, ...],
                                                         message: str) -> None:
    out = tmp_path / "labels.pdf"
    result = pos("labels", *args, "--out", str(out), "--db", shop, cwd=tmp_path)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.partial"))


def test_an_out_folder_that_does_not_exist_writes_nothing(shop: str, tmp_path: Path) -> None:
    for command in (("labels", "--all"), ("cards",)):
        result = pos(*command, "--out", str(tmp_path / "missing" / "x.pdf"), "--db", shop, cwd=tmp_path)
        assert result.returncode == 1 and "does not exist" in result.stderr
        assert not (tmp_path / "missing").exists()


def test_labels_for_what_a_delivery_received_by_scanning(shop: str, tmp_path: Path) -> None:
    """A delivery scanned in (a barcode, the quantity key, an undo), then its labels: one per item received."""
    import subprocess
    import sys

    from test_cli import base_env

    barcode = {row["sku"]: row["barcode"] for row in _rows("products.csv")}
    ok(pos("receive", "start", "--note", "Box 3", "--db", shop, cwd=tmp_path))
    ok(pos("staff", "add", "JO", "--name", "Jo", "--role", "manager", "--db", shop, cwd=tmp_path, pins=("2468", "2468")))
    typed = f"2468\n{barcode['NBH-BLA-M']}\n*2\n{barcode['CCJ-BLA-L']}\nDSH-SAN-S\nundo\n"
    scanned = subprocess.run([sys.executable, "-m", "pos", "receive", "scan", "1", "--staff", "JO", "--db", shop],
                             cwd=tmp_path, input=typed, capture_output=True, text=True, env=base_env(), timeout=60)
    assert scanned.returncode == 0, scanned.stderr
    out = tmp_path / "box3.pdf"
    assert "3 labels on 1 page" in ok(pos("labels", "--batch", "1", "--out", str(out), "--db", shop, cwd=tmp_path))
    expected = sorted([barcode["NBH-BLA-M"]] + [barcode["CCJ-BLA-L"]] * 2)
    decoded = decode_labels(out, A4_21, 3, tmp_path / "read")
    assert sorted(codes[0] for codes in decoded if codes) == expected and decoded[3:] == [[]] * 18
