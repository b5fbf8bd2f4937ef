"""`pos` on the wrong ledger, on a damaged one, and with registered tills: plain messages, exit 1, nothing created."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from inventory.db import make_engine
from test_cli import DATA, HOODIE_SKU, base_env, ok, pos


@pytest.mark.parametrize(
    "command", [("stock",), ("report", "sales"), ("sell", HOODIE_SKU), ("import", "participants", str(DATA / "participants.csv")),
                ("tills", "list"), ("tills", "add", "till-2")],
)
def test_every_command_but_init_refuses_a_missing_ledger_and_creates_nothing(command: tuple[str, ...], tmp_path: Path) -> None:
    result = pos(*command, cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr == (
        "Error: No ledger at data/ledger.sqlite: run `pos init` there, or check --db / POS_DATABASE_URL.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_ledger_that_is_behind_is_refused_until_pos_init_upgrades_it(ledger_url: str, tmp_path: Path) -> None:
    from pos.ledger import SCHEMA_HEAD, upgrade_ledger

    old = make_engine(ledger_url)
    upgrade_ledger(old, "0004")
    old.dispose()
    refused = pos("stock", "--db", ledger_url, cwd=tmp_path)
    assert refused.returncode == 1
    assert f"is at schema 0004; this version needs {SCHEMA_HEAD}. Run `pos init` to upgrade it." in refused.stderr
    assert "Ledger ready" in ok(pos("init", "--db", ledger_url, cwd=tmp_path))
    ok(pos("stock", "--db", ledger_url, cwd=tmp_path))


def test_a_database_error_is_plain_words_not_a_traceback(ledger_url: str, tmp_path: Path) -> None:
    ok(pos("init", "--db", ledger_url, cwd=tmp_path))
    damaged = make_engine(ledger_url)
    with damaged.begin() as connection:  # someone broke the ledger by hand
        connection.execute(text("DROP TABLE variants" + ("" if damaged.dialect.name == "sqlite" else " CASCADE")))
    damaged.dispose()
    result = pos("stock", "--db", ledger_url, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: The ledger could not do that (") and "variants" in result.stderr
    for internal in ("Traceback", "sqlalche.me", "Background on this error", "[SQL:", "sqlalchemy"):
        assert internal not in result.stderr


def test_a_server_that_does_not_answer_is_plain_words(tmp_path: Path) -> None:
    result = pos("stock", "--db", "postgresql+psycopg://postgres:secret@127.0.0.1:1/makers", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: The ledger at 127.0.0.1/makers could not be opened (")
    assert "Traceback" not in result.stderr and "sqlalche.me" not in result.stderr and "secret" not in result.stderr


def test_tills_are_added_listed_and_a_typo_is_refused_with_the_list(ledger_url: str, tmp_path: Path) -> None:
    def run(*args: str):  # type: ignore[no-untyped-def]
        return pos(*args, "--db", ledger_url, cwd=tmp_path)

    assert "(tills: till-1)" in ok(run("init"))
    assert ok(run("tills", "add", "till-2")) == "Till till-2 registered; open it with `pos till --till till-2`.\n"
    assert ok(run("tills", "list")) == "till-1\ntill-2\n"
    again = run("tills", "add", "till-2")
    assert (again.returncode, again.stderr) == (1, "Error: Till till-2 is already registered.\n")
    bad = run("tills", "add", "the-till-by-the-front-door")
    assert bad.returncode == 1
    assert "cannot name a till: use 1 to 20 letters, digits, '-' or '_'" in bad.stderr
    ok(run("import", "participants", str(DATA / "participants.csv")))
    ok(run("import", "products", str(DATA / "products.csv")))
    typo = run("sell", HOODIE_SKU, "--card", "--till", "til-2", "--no-print")
    assert typo.returncode == 1
    assert "no till called 'til-2' in this ledger (tills: till-1, till-2)" in typo.stderr
    assert "Traceback" not in typo.stderr
    assert ok(run("tills", "list")) == "till-1\ntill-2\n"
    closed = run("sell", HOODIE_SKU, "--card", "--till", "till-2", "--no-print")
    assert closed.returncode == 1 and "Till till-2 has no shift open" in closed.stderr
    ok(run("shift", "open", "--till", "till-2", "--float", "50"))
    assert "Sale till-2/000001" in ok(run("sell", HOODIE_SKU, "--card", "--till", "till-2", "--no-print"))
