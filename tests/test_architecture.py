"""The dependency arrows: pos uses inventory and receipts; they never import pos; screens never touch SQL."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _imported_modules(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(REPO))] = names
    return found


@pytest.mark.parametrize("package", ["inventory", "receipts"])
def test_base_packages_never_import_pos(package: str) -> None:
    offenders = {
        path: sorted(name for name in names if name == "pos" or name.startswith("pos."))
        for path, names in _imported_modules(REPO / package).items()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_receipts_know_no_database() -> None:
    offenders = {
        path: sorted(name for name in names if name.split(".")[0] in {"sqlalchemy", "inventory", "sqlite3"})
        for path, names in _imported_modules(REPO / "receipts").items()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_screens_never_import_sqlalchemy() -> None:
    tui = REPO / "pos" / "tui"
    offenders = {
        path: sorted(name for name in names if name.split(".")[0] in {"sqlalchemy", "sqlite3"})
        for path, names in _imported_modules(tui).items()
    }
    assert {path: names for path, names in offenders.items() if names} == {}


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
