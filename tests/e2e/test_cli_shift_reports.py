"""`pos report x` and `pos report z` in subprocesses, in every format, on SQLite or PostgreSQL.

The day (tests/shift_day.py) is made through the services; the reports are read back as a back
office would: JSON figures, CSV rows in pence, the table, a PDF under data/reports/ or at --out,
and the summary printed on the till's (file) printer; an unplugged printer is a plain message.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import Engine

from pdf_codes import text_of
from pos.reports.shift import x_report
from shift_day import COUNTED, EXPECTED, NET, NOTE, TILL, close_short, run_the_day_until_the_x, set_up_day
from test_cli import ok, pos


def _run(ledger_url: str, cwd: Path, *args: str):  # type: ignore[no-untyped-def]
    return pos("report", *args, "--db", ledger_url, cwd=cwd)


def _config(tmp_path: Path, printer: str) -> Path:
    config = tmp_path / "pos.toml"
    config.write_text(f'[store]\nname = "Makers\' Pop-up"\n\n[printer]\n{printer}\n', encoding="utf-8")
    return config


def test_x_then_z_in_every_format(demo_engine: Engine, ledger_url: str, tmp_path: Path) -> None:
    day = set_up_day(demo_engine, tmp_path)
    run_the_day_until_the_x(demo_engine, day["people"], day["ids"])
    shift_id = x_report(demo_engine, TILL).shift.id
    work = tmp_path / "shop"
    work.mkdir()

    x = json.loads(ok(_run(ledger_url, work, "x", "--till", TILL, "--format", "json")))
    assert (x["report"], x["shift"], x["till"], x["closed_at"], x["counted_cash_pence"]) == ("X", shift_id, TILL,
                                                                                             None, None)
    assert (x["expected_cash_pence"], x["net_pence"], x["training_sales"]) == (EXPECTED, NET, 2)
    table = ok(_run(ledger_url, work, "x", "--till", TILL))
    assert f"X report: {TILL}, shift {shift_id}" in table and "£208.70" in table and "at the Z" in table
    assert not (work / "data").exists()  # a table writes no file

    close_short(demo_engine, day["people"])
    z = json.loads(ok(_run(ledger_url, work, "z", "--till", TILL, "--format", "json")))
    assert (z["report"], z["shift"], z["expected_cash_pence"], z["counted_cash_pence"], z["variance_pence"]) == \
        ("Z", shift_id, EXPECTED, COUNTED, -120)
    assert z["note"] == NOTE and z["by_tender"] == {"cash": 7370, "card": 13_500}
    assert sum(row["net_pence"] for row in z["by_participant"]) == z["net_pence"] == NET
    assert json.loads(ok(_run(ledger_url, work, "z", str(shift_id), "--format", "json"))) | {"generated_at": ""} == \
        z | {"generated_at": ""}

    rows = list(csv.reader(io.StringIO(ok(_run(ledger_url, work, "z", str(shift_id), "--format", "csv")))))
    found = {(row[0], row[1]): row for row in rows[1:]}
    assert found[("cash", "variance_pence")][5] == "-120" and found[("total", "net_pence")][5] == str(NET)

    table = ok(_run(ledger_url, work, "z", "--till", TILL))
    assert "-£1.20 (short)" in table and "£181.20" in table and "Kai Blake" not in table

    said = ok(_run(ledger_url, work, "z", "--till", TILL, "--format", "pdf"))
    saved = work / "data" / "reports" / f"z-{TILL}-shift-{shift_id}-2026-06-13.pdf"
    assert said.strip() == f"Z report of shift {shift_id} ({TILL}) written to data/reports/{saved.name}."
    assert "£181.20" in text_of(saved) and "-£1.20 (short)" in text_of(saved)
    out = tmp_path / "chosen.pdf"
    ok(_run(ledger_url, work, "z", str(shift_id), "--format", "pdf", "--out", str(out)))
    assert out.read_bytes().startswith(b"%PDF-") and "Page 3 of 3" in text_of(out)
    csv_out = tmp_path / "z.csv"
    done = _run(ledger_url, work, "z", str(shift_id), "--format", "csv", "--out", str(csv_out))
    assert ok(done) == "" and "written to" in done.stderr and csv_out.read_text(encoding="utf-8").startswith("section,")


def test_print_sends_the_summary_to_the_tills_printer_and_saves_the_pdf(
    demo_engine: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    day = set_up_day(demo_engine, tmp_path)
    run_the_day_until_the_x(demo_engine, day["people"], day["ids"])
    shift_id = x_report(demo_engine, TILL).shift.id
    close_short(demo_engine, day["people"])
    work = tmp_path / "shop"
    work.mkdir()
    paper = tmp_path / "paper"
    config = _config(tmp_path, f'kind = "file"\ndirectory = "{paper}"\nwidth = 32')
    done = _run(ledger_url, work, "z", "--till", TILL, "--print", "--config", str(config))
    assert ok(done).startswith(f"Z report: {TILL}")
    assert f"The Z report of shift {shift_id} printed ({paper / f'z-{TILL}-shift-{shift_id}.bin'})." in done.stderr
    printed = (paper / f"z-{TILL}-shift-{shift_id}.bin").read_bytes()
    assert b"Z REPORT" in printed and b"Makers' Pop-up" in printed
    assert (work / "data" / "reports" / f"z-{TILL}-shift-{shift_id}-2026-06-13.pdf").exists()

    # a network printer that does not answer: a plain message, exit 0, and the report is still saved
    unplugged = _config(tmp_path, 'kind = "network"\nhost = "127.0.0.1"\nport = 9\ntimeout_seconds = 0.5')
    done = _run(ledger_url, work, "z", str(shift_id), "--format", "json", "--print", "--config", str(unplugged))
    assert json.loads(ok(done))["variance_pence"] == -120
    assert f"The Z report of shift {shift_id} did not print: The printer at 127.0.0.1:9 did not answer" in done.stderr
    assert "Saved: data/reports/" in done.stderr and "Traceback" not in done.stderr


def test_mistakes_are_refused_plainly_and_write_nothing(demo_engine: Engine, ledger_url: str, tmp_path: Path) -> None:
    set_up_day(demo_engine, tmp_path)
    work = tmp_path / "shop"
    work.mkdir()
    cases = [
        (("x", "--till", TILL), f"Till {TILL} has no shift open, so there is no X report"),
        (("x", "--till", "till-9"), "There is no till called 'till-9'"),
        (("z", "--till", TILL), f"Till {TILL} has no closed shift yet"),
        (("z",), "Name the shift (pos report z 12) or the till"),
        (("z", "999"), "There is no shift 999"),
        (("z", "--till", TILL, "--format", "pdf", "--out", str(tmp_path / "missing" / "z.pdf")),
         f"The folder {tmp_path / 'missing'} does not exist"),
        (("x", "--till", "till-1", "--format", "xml"), "Invalid value for '--format'"),
    ]
    for args, message in cases:
        done = _run(ledger_url, work, *args)
        assert done.returncode != 0, args
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert not (work / "data").exists()
