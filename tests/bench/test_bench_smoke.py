"""The benchmark suite still runs end to end (at tiny sizes), and its results carry every promised figure."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(REPO))

from bench.common import REQUIRED_FIELDS  # noqa: E402
from bench.run import EXPECTED, FULL_RUN_ONLY, NEEDS_CHROMIUM, NEEDS_TMUX  # noqa: E402
from bench.serve import have_chromium  # noqa: E402


def _postgres_reachable() -> bool:
    """Whether the bench's PostgreSQL server answers (display_engines measures it; CI always has one)."""
    import psycopg

    from bench.tills import POSTGRES_URL

    try:
        psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def _check_entries(document: dict, *, allow_skipped: set[str], promised: dict[str, tuple[str, ...]]) -> None:  # type: ignore[type-arg]
    entries = {entry["name"]: entry for entry in document["results"]}
    for section, names in promised.items():
        for name in names:
            assert name in entries, f"{name} is missing from the results"
            entry = entries[name]
            assert set(REQUIRED_FIELDS) <= entry.keys(), f"{name} lacks {set(REQUIRED_FIELDS) - entry.keys()}"
            if entry["value"] is None:
                assert section in allow_skipped, f"{name} has no value: {entry.get('detail')}"
                continue
            assert isinstance(entry["value"], int | float) and entry["unit"], name
            assert entry["baseline"] is None or isinstance(entry["baseline"], int | float), name
            if entry["target"] is not None:
                assert isinstance(entry["met"], bool), f"{name} has a target but no verdict"


def test_the_whole_suite_runs_at_tiny_sizes_and_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out), "--work", str(tmp_path / "work")],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert time.monotonic() - started < 180  # it took 60.3 s with two other test runs on the machine, 99 s with four
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["preset"] == "smoke" and not document["errors"]
    missing = (NEEDS_TMUX if shutil.which("tmux") is None else set()) | (set() if have_chromium() else NEEDS_CHROMIUM)
    if not _postgres_reachable():
        missing |= {"display_engines"}
    _check_entries(document, allow_skipped=missing, promised=EXPECTED)
    assert "| figure" in completed.stdout  # the table is printed too


def test_the_committed_results_come_from_a_full_run_with_every_figure() -> None:
    document = json.loads((REPO / "bench" / "results.json").read_text(encoding="utf-8"))
    assert document["preset"] == "full" and not document["errors"]
    _check_entries(document, allow_skipped=set(), promised={**EXPECTED, **FULL_RUN_ONLY})
    assert {"nproc", "cpu", "python", "sqlite"} <= document["machine"].keys()
