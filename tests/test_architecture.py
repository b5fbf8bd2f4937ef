"""The dependency arrows, checked by import-linter (contracts in pyproject.toml), and what a linter cannot see."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("common", "inventory", "receipts", "pos")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Check the contracts in cwd/pyproject.toml against the packages in cwd (not the installed ones)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_import_contracts_are_kept() -> None:
    """The layers, receipts without a database, faces without models: pyproject.toml [tool.importlinter]."""
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr


PROBES = {
    "a widget that writes a stock movement itself": (
        "pos/tui/widgets/probe.py",
        """
        from sqlalchemy import Engine
        from sqlalchemy.orm import Session

        from inventory.models import StockMovement


        def write_movement(engine: Engine) -> None:
            with Session(engine) as session:
                session.add(StockMovement(variant_id=1, quantity=-1, kind="adjusted", reason="probe", recorded_by="probe"))
                session.commit()
        """,
        ("pos.tui.widgets.probe -> inventory.models", "pos.tui.widgets.probe -> sqlalchemy"),
    ),
    "receipts reading the ledger": (
        "receipts/probe.py",
        """
        import sqlalchemy


        def receipt_count(engine: sqlalchemy.Engine) -> int:
            with engine.connect() as connection:
                return int(connection.execute(sqlalchemy.text("SELECT count(*) FROM sales")).scalar_one())
        """,
        ("receipts.probe -> sqlalchemy",),
    ),
    "inventory calling the sales services": (
        "inventory/probe.py",
        """
        from pos.sales.services import complete_sale

        SELL = complete_sale
        """,
        ("inventory.probe -> pos.sales.services",),
    ),
}


@pytest.mark.parametrize("probe", list(PROBES))
def test_import_contracts_refuse_a_probe(probe: str, tmp_path: Path) -> None:
    """The contracts bite: the same packages plus one module that breaks a rule fail lint-imports."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    path, source, broken = PROBES[probe]
    (tmp_path / path).write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")

    result = _lint_imports(tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "BROKEN" in output
    for line in broken:
        assert line in output, output


@pytest.mark.parametrize(
    ("modules", "absent"),
    [
        # the core is reachable without the user interface or the printers
        ("inventory.imports, pos.sales.services, pos.reports.sales, pos.cli", ("textual", "escpos", "reportlab", "barcode")),
        # `pos till` and `pos demo` paint before the ledger code loads (bench: start-up)
        ("pos.cli, pos.tui.app, pos.demo, pos.config", ("sqlalchemy", "alembic", "escpos", "reportlab")),
    ],
)
def test_heavy_libraries_load_only_where_needed(modules: str, absent: tuple[str, ...]) -> None:
    probe = f"import sys, {modules}; print(sorted(m for m in {absent!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == "[]"


def test_nothing_stores_or_shows_anything_about_a_past() -> None:
    words = ("prison", "offence", "offense", "sentence", "conviction", "criminal", "inmate")
    hits = []
    for folder in ("inventory", "pos", "receipts", "data"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".csv", ".tcss", ".toml"}:
                text = path.read_text(encoding="utf-8").lower()
                hits += [f"{path.relative_to(REPO)}: {word}" for word in words if word in text]
    assert hits == []
