"""Fixtures for the till's face: a demo ledger on a real SQLite file per test, and a till app on it.

The demo catalogue (data/*.csv) is imported once per session into a template file that each test
copies, so a test starts from a full ledger in a few milliseconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pos.config import Settings
from common.values import Actor
from inventory.db import UnitOfWork
from pos.demo import DEMO_CASHIER, prepare_demo_ledger
from pos.staff.services import staff_member
from pos.ledger import open_ledger
from pos.sales.tills import register_till
from pos.tui.app import TillApp
from ledger_helpers import open_shift_on
from tui_helpers import FROZEN_NOW


@pytest.fixture(scope="session")
def demo_ledger_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo ledger with till T1 (the tests' till) registered beside the demo's own till."""
    path = tmp_path_factory.mktemp("template") / "demo.sqlite"
    engine = prepare_demo_ledger(path)
    register_till(UnitOfWork(engine, Actor("test set-up")), "T1")
    open_shift_on(engine, "T1")
    engine.dispose()  # closing the last connection folds the WAL into the file
    return path


@pytest.fixture
def ledger_path(tmp_path: Path, demo_ledger_template: Path) -> Path:
    """A fresh copy of the demo ledger for this test."""
    path = tmp_path / "ledger.sqlite"
    shutil.copyfile(demo_ledger_template, path)
    return path


@pytest.fixture
def ledger(ledger_path: Path) -> Iterator[Any]:
    engine = open_ledger(f"sqlite:///{ledger_path}")
    yield engine
    engine.dispose()


@pytest.fixture
def receipts_dir(tmp_path: Path) -> Path:
    return tmp_path / "receipts"


@pytest.fixture
def settings(receipts_dir: Path) -> Settings:
    """Default store header, receipts printed as files under tmp_path."""
    return Settings().with_receipts_in(receipts_dir)


@pytest.fixture
def make_app(ledger: Any, settings: Settings) -> Callable[..., TillApp]:
    """A till app named T1 on the test ledger with a frozen clock, the demo cashier signed in; keyword arguments override."""

    def make(**overrides: Any) -> TillApp:
        options: dict[str, Any] = {
            "settings": settings, "clock": lambda: FROZEN_NOW, "connect": lambda: ledger,
            "signed_in": staff_member(ledger, DEMO_CASHIER[0]),  # signed_in=None: the till opens on sign-in
        }
        options.update(overrides)
        return TillApp(options.pop("connect"), "T1", options.pop("settings"), **options)

    return make
