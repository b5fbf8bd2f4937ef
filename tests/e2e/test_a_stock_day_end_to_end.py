"""Issue 9's "done when", through the `pos` command: a manager receives a box by scanning and prints its
labels (every barcode decodes to the right code); a participant scans a rail in a blind count; the
manager approves the variances; `pos stock show` reflects all of it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pdf_codes import decode_labels
from receipts.labels import A4_21
from test_cli import DATA, base_env, ok, pos

HOODIE = {"NBH-BLA-S": "2000000000022", "NBH-BLA-M": "2000000000039", "NBH-BLA-L": "2000000000046"}


def test_receive_label_count_approve_and_see_it_in_stock(ledger_url: str, tmp_path: Path) -> None:
    def run(*args: str, pins: tuple[str, ...] = ()) -> str:
        return ok(pos(*args, "--db", ledger_url, cwd=tmp_path, pins=pins))

    def scanning(typed: str, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "pos", *args, "--db", ledger_url], cwd=tmp_path, input=typed,
                              capture_output=True, text=True, env=base_env(), timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def stock() -> dict[str, int]:
        return {row["sku"]: row["on_hand"] for row in json.loads(run("stock", "show", "--format", "json"))}

    run("init")
    for kind in ("participants", "products", "stock"):
        run("import", kind, str(DATA / f"{kind}.csv"))
    run("staff", "add", "MGR", "--name", "Sam", "--role", "manager", pins=("2468", "2468"))
    run("staff", "add", "AMA", "--name", "Ama", "--role", "cashier", "--participant", "AMO", "--by", "MGR",
        pins=("2468",))
    before = stock()

    # The manager receives box 3: two hoodies in S, three in M (the quantity key), one L scanned by mistake.
    started = run("receive", "start", "--note", "Box 3 from the workshop", "--staff", "MGR", pins=("2468",))
    delivery = started.split()[1]  # "Delivery 2 started. ...": the stock file was delivery 1
    said = scanning(f"2468\n{HOODIE['NBH-BLA-S']}\n{HOODIE['NBH-BLA-S']}\n*3\n{HOODIE['NBH-BLA-M']}\n"
                    f"{HOODIE['NBH-BLA-L']}\nundo\n", "receive", "scan", delivery, "--staff", "MGR")
    assert f"4 scans received into delivery {delivery}" in said
    run("receive", "close", delivery)
    labels = tmp_path / "box3.pdf"
    run("labels", "--batch", delivery, "--out", str(labels))
    decoded = decode_labels(labels, A4_21, 5, tmp_path / "read")
    assert sorted(codes[0] for codes in decoded[:5]) == sorted([HOODIE["NBH-BLA-S"]] * 2 + [HOODIE["NBH-BLA-M"]] * 3)
    assert decoded[5:] == [[]] * 16

    # Ama counts the hoodie rail blind: S as received, one M short, L as on record.
    started = json.loads(run("count", "start", "--design", "Night Bus Hoodie", "--format", "json"))
    expected = {sku: before[sku] + {"NBH-BLA-S": 2, "NBH-BLA-M": 3}.get(sku, 0) for sku in HOODIE}
    counted = {"NBH-BLA-S": expected["NBH-BLA-S"], "NBH-BLA-M": expected["NBH-BLA-M"] - 1, "NBH-BLA-L": expected["NBH-BLA-L"]}
    typed = "1357\n1357\n" + "".join(f"*{n}\n{HOODIE[sku]}\n" for sku, n in counted.items())
    said = scanning(typed, "count", "scan", str(started["count"]), "--staff", "AMA")
    assert "expected" not in said.lower()
    review = json.loads(run("count", "review", str(started["count"]), "--format", "json"))
    variances = {line["sku"]: (line["variance"], line["variance_pence"]) for line in review["lines"]}
    assert variances == {"NBH-BLA-S": (0, 0), "NBH-BLA-M": (-1, -5500), "NBH-BLA-L": (0, 0)}
    run("count", "approve", str(started["count"]), "--staff", "MGR", pins=("2468",))

    after = stock()
    assert {sku: after[sku] for sku in HOODIE} == counted
    assert {sku: after[sku] for sku in after if sku not in HOODIE} == {
        sku: level for sku, level in before.items() if sku not in HOODIE}
