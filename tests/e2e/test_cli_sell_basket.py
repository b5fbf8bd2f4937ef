"""`pos sell --basket ID`: a script that retries after a crash (or runs twice at once) records the sale once
and is told it was recorded already; a busy ledger is waited out, never shown as "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ledger_helpers import hold_write_lock
from test_cli import base_env
from test_cli_sell import sell

ON_POSTGRES = bool(os.environ.get("POS_TEST_DATABASE_URL"))


def _sales(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT receipt_no, total_pence, basket_id FROM sales"))]


def test_selling_the_same_basket_twice_prints_the_first_sale_and_records_nothing_more(
    demo_engine: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    basket = str(uuid.uuid4())
    first = sell(ledger_url, tmp_path, "NBH-BLA-M", "CCJ-BLA-L", "--cash", "150", "--basket", basket)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Sale till-1/000001: total £140.00, change £10.00"

    again = sell(ledger_url, tmp_path, "NBH-BLA-M", "CCJ-BLA-L", "--cash", "150", "--basket", basket.upper())
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        f"Basket {basket} was already recorded as sale till-1/000001; nothing new was recorded, nothing more to take.",
        "Sale till-1/000001: total £140.00, change £10.00",
    ]
    as_json = sell(ledger_url, tmp_path, "NBH-BLA-M", "CCJ-BLA-L", "--cash", "150", "--basket", basket,
                   "--format", "json")
    assert json.loads(as_json.stdout) == {
        "receipt": "till-1/000001", "total_pence": 14000, "discount_pence": 0, "vat_pence": 2334,
        "change_pence": 1000, "already_recorded": True,
    }
    assert _sales(demo_engine) == [(1, 14000, basket)]


@pytest.mark.parametrize("garbage", ["123", "basket-1", "0b7e4a52-3c1d-4f5e-9a8b-2c6d7e8f9a0Z", "é" * 300])
def test_a_garbage_basket_id_is_refused_before_anything_is_asked_or_written(
    demo_engine: Engine, ledger_url: str, tmp_path: Path, garbage: str,
) -> None:
    result = sell(ledger_url, tmp_path, "NBH-BLA-M", "--card", "--basket", garbage)
    assert result.returncode == 1 and result.stdout == ""
    assert "is not a basket id: give a UUID" in result.stderr and "uuidgen" in result.stderr
    assert "Traceback" not in result.stderr
    assert _sales(demo_engine) == []


def test_two_scripts_selling_the_same_basket_at_once_record_one_sale(
    demo_engine: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    basket = str(uuid.uuid4())
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "pos", "sell", "NBH-BLA-M", "--card", "--no-print", "--basket", basket,
             "--format", "json", "--db", ledger_url],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=base_env(),
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    said = [json.loads(out) for out, _ in outputs]
    assert {answer["receipt"] for answer in said} == {"till-1/000001"}
    assert sorted(answer.get("already_recorded", False) for answer in said) == [False, True]
    assert _sales(demo_engine) == [(1, 5500, basket)]


@pytest.mark.skipif(ON_POSTGRES, reason="another process holding SQLite's write lock")
def test_a_sale_waits_out_a_lock_held_past_the_busy_timeout_and_never_says_locked(
    demo_engine: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    ledger = Path(ledger_url.removeprefix("sqlite:///"))
    with hold_write_lock(ledger, 11.0):  # an import writing for longer than the 10 s busy timeout
        result = sell(ledger_url, tmp_path, "NBH-BLA-M", "--card", "--basket", str(uuid.uuid4()))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Sale till-1/000001: total £55.00, change £0.00"
    assert "locked" not in (result.stdout + result.stderr).lower()
    assert len(_sales(demo_engine)) == 1


def test_a_sale_whose_answer_was_lost_tells_the_basket_id_to_retry_with_and_the_retry_sells_once(
    demo_engine: Engine, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ledger records the sale but its answer is lost: `pos sell` says so with the basket id it used,
    and running it again with that id shows the sale instead of selling it twice."""
    import pos.sales.services as services
    from click.testing import CliRunner

    from common.errors import LedgerUnavailable
    from pos.cli import cli

    recorded = services.complete_sale

    def answer_lost(*args: object, **kwargs: object) -> object:
        recorded(*args, **kwargs)  # type: ignore[arg-type]
        raise LedgerUnavailable("The ledger stopped answering while this was being saved, so it may or may not have "
                                "been recorded.")

    monkeypatch.setattr(services, "complete_sale", answer_lost)
    monkeypatch.chdir(tmp_path)
    lost = CliRunner().invoke(cli, ["sell", "NBH-BLA-M", "--card", "--no-print", "--db", ledger_url])
    assert lost.exit_code == 1 and "may or may not have been recorded" in lost.output
    basket = lost.output.split("--basket ")[1].split(":")[0]
    assert str(uuid.UUID(basket)) == basket and "Its items are back in the basket" not in lost.output

    monkeypatch.setattr(services, "complete_sale", recorded)
    again = sell(ledger_url, tmp_path, "NBH-BLA-M", "--card", "--basket", basket)
    assert again.returncode == 0, again.stderr
    assert f"Basket {basket} was already recorded as sale till-1/000001" in again.stdout
    assert _sales(demo_engine) == [(1, 5500, basket)]
