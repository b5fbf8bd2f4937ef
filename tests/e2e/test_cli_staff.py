"""`pos staff`, `pos import staff` and `pos audit` end to end, with PINs piped on standard input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli import base_env, ok, pos


def _init(ledger_url: str, cwd: Path) -> None:
    ok(pos("init", "--db", ledger_url, cwd=cwd))


@pytest.fixture
def ledger(ledger_made_once) -> str:  # type: ignore[no-untyped-def]
    """A ledger as `pos init` made it (once per worker, copied for each test)."""
    return ledger_made_once("staff_ledger", _init)


def staff(ledger: str, cwd: Path, *args: str, pins: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    return pos("staff", *args, "--db", ledger, cwd=cwd, pins=pins)


def test_the_first_manager_chooses_a_pin_then_adds_staff_with_it(ledger: str, tmp_path: Path) -> None:
    added = ok(staff(ledger, tmp_path, "add", "MGR", "--name", "Sam", "--role", "manager", pins=("2468", "2468")))
    assert "first manager" in added
    refused = staff(ledger, tmp_path, "add", "AMA", "--name", "Ama", "--role", "cashier")
    assert refused.returncode == 1 and "needs a manager's approval" in refused.stderr
    ok(staff(ledger, tmp_path, "add", "AMA", "--name", "Ama", "--role", "cashier", "--by", "MGR", pins=("2468",)))
    wrong = staff(ledger, tmp_path, "add", "BEN", "--name", "Ben", "--role", "cashier", "--by", "MGR", pins=("1111",))
    assert wrong.returncode == 1 and "Wrong PIN for MGR" in wrong.stderr
    listing = ok(staff(ledger, tmp_path, "list"))
    assert "AMA   Ama   cashier" in listing and "not yet" in listing and "BEN" not in listing
    audit = json.loads(ok(pos("audit", "--format", "json", "--db", ledger, cwd=tmp_path)))
    assert {"at", "till", "staff", "approved_by", "action", "detail"} <= set(audit[0])
    assert [(entry["action"], entry["approved_by"]) for entry in audit] == [
        ("staff_added", ""), ("pin_set", ""), ("staff_added", "MGR"), ("failed_sign_in", ""),
    ]
    assert all("2468" not in json.dumps(entry) for entry in audit)


def test_set_pin_asks_the_manager_then_the_new_pin_twice(ledger: str, tmp_path: Path) -> None:
    ok(staff(ledger, tmp_path, "add", "MGR", "--name", "Sam", "--role", "manager", pins=("2468", "2468")))
    ok(staff(ledger, tmp_path, "add", "AMA", "--name", "Ama", "--role", "cashier", "--by", "MGR", pins=("2468",)))
    differ = staff(ledger, tmp_path, "set-pin", "AMA", "--by", "MGR", pins=("2468", "1357", "7531"))
    assert differ.returncode == 1 and "The two PINs differ" in differ.stderr
    assert "PIN set for AMA." in ok(staff(ledger, tmp_path, "set-pin", "AMA", "--by", "MGR", pins=("2468", "1357", "1357")))
    disabled = ok(staff(ledger, tmp_path, "disable", "AMA", "--by", "MGR", pins=("2468",)))
    assert "can no longer sign in" in disabled
    assert "disabled" in ok(staff(ledger, tmp_path, "list"))


def test_a_pin_is_never_an_argument_and_stdin_running_out_is_plain(ledger: str, tmp_path: Path) -> None:
    result = staff(ledger, tmp_path, "add", "MGR", "--name", "Sam", "--role", "manager", "--pin", "2468")
    assert result.returncode == 2 and "No such option '--pin'" in result.stderr
    silent = pos("staff", "add", "MGR2", "--name", "Jo", "--role", "manager", "--by", "MGR", "--db", ledger,
                 cwd=tmp_path, env=base_env())
    assert silent.returncode == 1 and "standard input has no more lines" in silent.stderr


def test_import_staff_needs_a_manager_and_takes_all_rows_or_none(ledger: str, tmp_path: Path) -> None:
    ok(staff(ledger, tmp_path, "add", "MGR", "--name", "Sam", "--role", "manager", pins=("2468", "2468")))
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,role\nAMA,Ama,cashier\nBEN,Ben,owner\n", encoding="utf-8")
    refused = pos("import", "staff", str(bad), "--by", "MGR", "--db", ledger, cwd=tmp_path, pins=("2468",))
    assert refused.returncode == 1 and "line 3:" in refused.stderr
    good = tmp_path / "staff.csv"
    good.write_text("code,name,role\nAMA,Ama,cashier\nBEN,Ben,cashier\n", encoding="utf-8")
    no_manager = pos("import", "staff", str(good), "--db", ledger, cwd=tmp_path)
    assert no_manager.returncode == 1 and "needs a manager" in no_manager.stderr
    assert "imported 2 row(s)" in ok(pos("import", "staff", str(good), "--by", "MGR", "--db", ledger, cwd=tmp_path,
                                         pins=("2468",)))
    listing = ok(staff(ledger, tmp_path, "list"))
    assert "AMA" in listing and "BEN" in listing
