"""`pos shift` and `pos cash` end to end: PINs on standard input, plain refusals, the Z by notes and coins."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from test_cli import DATA, ok, pos


def test_open_pay_out_close_by_count_and_refuse_a_second_close(ledger_url: str, tmp_path: Path) -> None:
    def run(*args: str, pins: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        return pos(*args, "--db", ledger_url, cwd=tmp_path, pins=pins)

    ok(run("init"))
    for kind in ("participants", "products", "stock"):
        ok(run("import", kind, str(DATA / f"{kind}.csv")))
    ok(run("staff", "add", "MGR", "--name", "Sam", "--role", "manager", pins=("2468", "2468")))
    ok(run("staff", "add", "AMA", "--name", "Amara", "--role", "cashier", "--by", "MGR", pins=("2468",)))

    refused = run("sell", "NBH-BLA-M", "--staff", "AMA", "--no-print", pins=("1357", "1357"))
    assert refused.returncode == 1 and "has no shift open" in refused.stderr
    no_staff = run("shift", "open", "--float", "100")
    assert no_staff.returncode == 1 and "Add --staff" in no_staff.stderr
    assert "Shift 1 open at till-1 with a float of £100.00, by Amara." in ok(
        run("shift", "open", "--float", "100", "--staff", "AMA", pins=("1357",)))
    ok(run("sell", "NBH-BLA-M", "--staff", "AMA", "--cash", "60", "--no-print", pins=("1357",)))  # £55: £5 change

    cashier_out = run("cash", "out", "5", "--reason", "Milk", "--staff", "AMA", pins=("1357",))
    assert cashier_out.returncode == 1 and "not a manager" in cashier_out.stderr
    assert "the drawer should now hold £150.00" in ok(
        run("cash", "out", "5", "--reason", "Milk", "--staff", "MGR", pins=("2468",)))

    closed = json.loads(ok(run("shift", "close", "--count", "50:2,20:2,5:1,0.01:7", "--note", "Counted twice",
                               "--staff", "MGR", "--format", "json", pins=("2468",))))
    kept = closed.pop("kept")
    assert closed == {"shift": 1, "till": "till-1", "expected_cash_pence": 15_000, "counted_cash_pence": 14_507,
                      "variance_pence": -493, "note": "Counted twice"}
    reports = tmp_path / "reports" if ledger_url.startswith("sqlite") else tmp_path / "data" / "reports"
    [pdf] = reports.glob("z-till-1-shift-1-*.pdf")  # the Z as a PDF beside the ledger, then on paper
    assert kept[0] in (f"Z saved as {pdf}.", f"Z saved as {pdf.relative_to(tmp_path)}.")
    assert kept[1] == "The Z report of shift 1 printed (data/receipts/z-till-1-shift-1.bin)."
    text_of_pdf = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "£145.07" in text_of_pdf and "Counted twice" in text_of_pdf
    if ledger_url.startswith("sqlite"):  # and the ledger backed up with SQLite's backup API
        [backup] = (tmp_path / "backups").glob("ledger-*-till-1-shift-1.sqlite")
        assert kept[2] in (f"Ledger backed up to {backup}.", f"Ledger backed up to {backup.relative_to(tmp_path)}.")
        assert sqlite3.connect(backup).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    else:
        assert "pg_dump" in kept[2]
    again = run("shift", "close", "--counted", "145.07", "--staff", "MGR", pins=("2468",))
    assert again.returncode == 1 and "A shift is closed once" in again.stderr
    assert "Traceback" not in again.stderr
    listed = json.loads(ok(run("shift", "list", "--format", "json")))
    assert [(s["shift"], s["opened_by"], s["float_pence"], s["closed_by"]) for s in listed] == [(1, "Amara", 10_000, "Sam")]
    bad_count = run("shift", "close", "--count", "3:1", "--staff", "MGR")
    assert bad_count.returncode == 1 and "is not a note or coin" in bad_count.stderr
