"""`pos display` refuses what it cannot follow, in plain words, before any screen opens."""

from __future__ import annotations

from pathlib import Path

from test_cli import base_env, ok, pos


def test_a_display_must_be_told_which_till_to_follow(tmp_path: Path) -> None:
    result = pos("display", cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr == "Error: Which till should the display follow? Give --till NAME (or --demo for the demo till).\n"


def test_the_demo_display_waits_for_the_demo_ledger_and_creates_nothing(tmp_path: Path) -> None:
    result = pos("display", "--demo", cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr == (
        "Error: There is no demo ledger at data/demo.sqlite yet: start `pos demo` first, then `pos display --demo`.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_demo_and_db_together_are_refused(tmp_path: Path) -> None:
    result = pos("display", "--demo", "--db", "sqlite:///elsewhere.sqlite", cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert "give --db or --demo, not both" in result.stderr


def test_a_till_that_is_not_registered_is_refused_with_the_tills_there_are(ledger_url: str, tmp_path: Path) -> None:
    ok(pos("init", "--db", ledger_url, cwd=tmp_path))
    result = pos("display", "--till", "till-9", "--db", ledger_url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "till-9" in result.stderr and "till-1" in result.stderr
    assert "Traceback" not in result.stderr
