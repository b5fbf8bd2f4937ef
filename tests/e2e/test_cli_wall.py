"""`pos wall` refuses what it cannot show, in plain words, before any screen opens."""

from __future__ import annotations

from pathlib import Path

from test_cli import base_env, pos


def test_the_demo_wall_waits_for_the_demo_ledger_and_creates_nothing(tmp_path: Path) -> None:
    result = pos("wall", "--demo", cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr == (
        "Error: There is no demo ledger at data/demo.sqlite yet: start `pos demo` first, then `pos wall --demo`.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_demo_and_db_together_are_refused(tmp_path: Path) -> None:
    result = pos("wall", "--demo", "--db", "sqlite:///elsewhere.sqlite", cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr == "Error: --demo shows the demo ledger: give --db or --demo, not both.\n"


def test_a_ledger_that_is_not_there_is_refused_without_making_one(tmp_path: Path) -> None:
    result = pos("wall", "--db", f"sqlite:///{tmp_path / 'missing.sqlite'}", cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
