"""`pos report designers`, `pos report event`, `pos statement` and `pos close-out` end to end, in
subprocesses, on the three-day event of tests/event_helpers.py (SQLite, or PostgreSQL with
POS_TEST_DATABASE_URL). PDFs are read back with pdftotext."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inventory.models import StockMovement
from pos.reports.designers import designers_report
from pos.reports.sales import sales_report
from pos.reports.statement import statement
from event_helpers import DAYS, NEVER, NOT_CONSENTED, PINS, pdf_pages, staff_event
from test_cli import ok, pos


@pytest.fixture
def event(ledger_url: str):  # type: ignore[no-untyped-def]
    made = staff_event(ledger_url)
    yield made
    made.engine.dispose()


def _movements(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(StockMovement)).scalar_one()


def test_report_designers_in_every_format(event, ledger_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def run(*args: str) -> str:
        return ok(pos("report", "designers", *args, "--db", ledger_url, cwd=tmp_path))

    report = designers_report(event.engine, DAYS[0], DAYS[-1])
    as_json = json.loads(run("--format", "json"))  # the whole event by default
    assert (as_json["from"], as_json["to"]) == (DAYS[0].isoformat(), DAYS[-1].isoformat())
    assert as_json == report.as_json()
    assert as_json["ex_vat_pence"] == sales_report(event.engine, DAYS[0], DAYS[-1]).ex_vat_pence
    rows = list(csv.DictReader(io.StringIO(run("--from", "2026-11-21", "--to", "2026-11-21", "--format", "csv"))))
    assert {row["code"]: int(row["ex_vat_pence"]) for row in rows} == {
        row.code: row.ex_vat_pence for row in designers_report(event.engine, DAYS[1], DAYS[1]).designers}
    assert sum(int(row["ex_vat_pence"]) for row in rows) == sales_report(event.engine, DAYS[1]).ex_vat_pence
    table = run()
    assert "Amara Osei   AMO" in table and "Kai Blake" not in table
    out = tmp_path / "designers.pdf"
    assert str(out) in run("--format", "pdf", "--out", str(out))
    flat = " ".join(" ".join(pdf_pages(out)).split())
    assert "Designers" in flat and "Amara Osei 3 5 £254.00 £211.66" in flat and "Kai Blake" not in flat

    refused = pos("report", "designers", "--from", "2026-11-22", "--to", "2026-11-20", "--db", ledger_url, cwd=tmp_path)
    assert refused.returncode == 1 and "before --from" in refused.stderr
    no_out = pos("report", "designers", "--format", "pdf", "--db", ledger_url, cwd=tmp_path)
    assert no_out.returncode == 1 and "--out" in no_out.stderr


def test_statement_command(event, ledger_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "kai.pdf"
    said = ok(pos("statement", "kbl", "--out", str(out), "--db", ledger_url, cwd=tmp_path))
    assert "KBL, 2026-11-20 to 2026-11-22" in said
    pages = pdf_pages(out)
    flat = " ".join(" ".join(pages).split())
    assert "Sales statement for Kai Blake" in flat  # their own statement, with their own name
    assert "With Amara Osei and Rhea Nvarro 30% 1 £25.50" in flat
    assert "Till shifts you worked 2" in flat and "Customers you served 2" in flat
    assert "Lu Wen" not in flat and all(word not in flat.lower() for word in NEVER)
    one_day = tmp_path / "amo-day1.pdf"
    ok(pos("statement", "AMO", "--from", "2026-11-20", "--to", "2026-11-20", "--out", str(one_day), "--db", ledger_url,
           cwd=tmp_path))
    assert "Amara Osei: sales statement, 20 November 2026" in " ".join(pdf_pages(one_day)[0].split())

    missing = tmp_path / "nobody.pdf"
    refused = pos("statement", "ZZZ", "--out", str(missing), "--db", ledger_url, cwd=tmp_path)
    assert refused.returncode == 1 and "no participant with code 'ZZZ'" in refused.stderr and not missing.exists()
    no_folder = pos("statement", "AMO", "--out", str(tmp_path / "nope" / "a.pdf"), "--db", ledger_url, cwd=tmp_path)
    assert no_folder.returncode == 1 and "does not exist" in no_folder.stderr

    as_json = json.loads(ok(pos("statement", "kbl", "--format", "json", "--db", ledger_url, cwd=tmp_path)))
    assert as_json == statement(event.engine, "KBL", DAYS[0], DAYS[-1]).as_json()
    assert (as_json["code"], as_json["name"], len(as_json["shifts"]), as_json["customers_served"]) == ("KBL", "Kai Blake", 2, 2)
    assert "Lu Wen" not in json.dumps(as_json)  # a collaborator who did not consent is not named here either
    no_out = pos("statement", "AMO", "--db", ledger_url, cwd=tmp_path)
    assert no_out.returncode == 1 and "--format pdf writes a file: give it with --out" in no_out.stderr


def test_report_event_as_json_table_and_pdf(event, ledger_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    summary = json.loads(ok(pos("report", "event", "--format", "json", "--db", ledger_url, cwd=tmp_path)))
    for key in ("from", "to", "days", "tills", "sales_count", "units", "gross_pence", "vat_pence", "ex_vat_pence",
                "discount_pence", "refunds_count", "refunds_pence", "average_basket_pence", "average_items_hundredths",
                "received", "sell_through_bp", "by_day", "by_till", "by_designer", "by_design", "by_hour",
                "busiest_hours", "close_out"):
        assert key in summary, key
    assert summary["ex_vat_pence"] == sales_report(event.engine, DAYS[0], DAYS[-1]).ex_vat_pence
    assert summary["close_out"] is None and (summary["days"], summary["tills"]) == (3, 2)
    assert all(isinstance(row["gross_pence"], int) for row in summary["by_day"])
    table = ok(pos("report", "event", "--db", ledger_url, cwd=tmp_path))
    assert "Sales: 7   Items: 9   Takings: £466.25" in table
    out = tmp_path / "event.pdf"
    ok(pos("report", "event", "--format", "pdf", "--out", str(out), "--db", ledger_url, cwd=tmp_path))
    pages = pdf_pages(out)
    assert len(pages) == 3 and "Event summary" in pages[0]


def test_close_out_refuses_then_returns_stock_once_and_writes_every_document(ledger_url: str, tmp_path: Path) -> None:
    event = staff_event(ledger_url, close_last_shift=False)
    engine = event.engine
    folder = tmp_path / "close-out"

    def close_out(pin: str = PINS["MGR"], staff: str = "MGR", out: Path = folder):  # type: ignore[no-untyped-def]
        return pos("close-out", "--out", str(out), "--staff", staff, "--db", ledger_url, cwd=tmp_path, pins=(pin,))

    before = _movements(engine)
    refused = close_out()
    assert refused.returncode == 1 and "Till till-1 still has a shift open" in refused.stderr
    assert "Nothing was changed" in refused.stderr and not folder.exists() and _movements(engine) == before

    from event_helpers import _close, at

    _close(event, "till-1", at(3, 17, 30))
    cashier = close_out(PINS["AMA"], "AMA")
    assert cashier.returncode == 1 and "not a manager" in cashier.stderr and _movements(engine) == before
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    not_a_folder = close_out(out=a_file)
    assert not_a_folder.returncode == 1 and "is a file" in not_a_folder.stderr and _movements(engine) == before

    said = ok(close_out())
    assert "Returned to the programme:" in said and "1 damaged item," in said
    moved = _movements(engine) - before
    assert moved > 0
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["event-summary.json", "event-summary.pdf", *(f"statement-{code}.pdf" for code in
                                                                  ("AMO", "DJT", "KBL", "LUW", "RNV", "TSA"))]
    summary = json.loads((folder / "event-summary.json").read_text())
    assert summary["close_out"]["by"] == "Sam" and summary["close_out"]["damaged"] == 1
    assert sum(row["returned_saleable"] for row in summary["by_design"]) == summary["close_out"]["saleable"]
    event_pages = pdf_pages(folder / "event-summary.pdf")
    flat = " ".join(" ".join(event_pages).split())
    assert "Close-out: stock returned to the programme" in flat and "Final count" in flat
    assert f"Saleable items returned {summary['close_out']['saleable']:,}" in flat
    for code in ("AMO", "KBL", "LUW"):
        text = " ".join(" ".join(pdf_pages(folder / f"statement-{code}.pdf")).split())
        for other, name in NOT_CONSENTED.items():
            assert (name in text) == (other == code), (code, name)

    again = ok(close_out())
    assert "already returned to the programme" in again and "nothing more was moved" in again
    assert _movements(engine) - before == moved
    engine.dispose()
