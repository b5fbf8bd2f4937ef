"""The demo till: its own ledger (data/demo.sqlite), filled from the demo catalogue on first run.

It never touches the real ledger, and its file printer writes beside the demo ledger.
The ledger code is imported when the demo ledger is opened, so `pos demo` paints first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pos.config import Settings
    from pos.tui.app import TillApp

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_LEDGER = Path("data/demo.sqlite")
DEMO_TILL = "demo"
# Fictional demo staff with known PINs (README, help screen): the demo opens signed in as the cashier;
# the manager approves at the till (F12: no sale, cancel basket, training).
DEMO_CASHIER = ("CASHIER", "Robin Demo", "cashier", "1111")
DEMO_MANAGER = ("MANAGER", "Morgan Demo", "manager", "9999")
DEMO_FLOAT_PENCE = 10_000  # the demo till's shift opens with £100 in the drawer


def demo_receipts_dir(ledger_path: Path) -> Path:
    return ledger_path.parent / "demo-receipts"


def demo_till(ledger_path: Path = DEMO_LEDGER, till_name: str = DEMO_TILL, settings: Settings | None = None) -> TillApp:
    """The till `pos demo` opens: on the demo ledger (opened after the first paint), receipts as files beside it,
    unless `settings` (from `pos demo --config FILE`) say where they print."""
    from pos.config import Settings as Defaults
    from pos.tui.app import TillApp

    settings = settings or Defaults().with_receipts_in(demo_receipts_dir(ledger_path))
    return TillApp(
        lambda: prepare_demo_ledger(ledger_path, till_name=till_name), till_name, settings, title="Makers' Till (demo)",
        signed_in=DEMO_CASHIER[0], demo_manager=DEMO_MANAGER,
    )


def prepare_demo_ledger(ledger_path: Path = DEMO_LEDGER, catalogue_dir: Path = DATA_DIR,
                        till_name: str = DEMO_TILL) -> Engine:
    """Create or upgrade the demo ledger, with its own `demo` till, importing the demo catalogue if it is empty,
    adding the demo cashier and manager if they are not there, and opening a shift (£100 float) if none is."""
    from sqlalchemy import func, select

    from common.values import Actor
    from inventory.db import UnitOfWork, read_session
    from inventory.imports import import_participants, import_products, import_stock
    from inventory.models import Variant
    from pos.ledger import init_ledger

    engine = init_ledger(f"sqlite:///{ledger_path}", first_till=till_name)
    with read_session(engine) as session:
        has_catalogue = session.execute(select(func.count()).select_from(Variant)).scalar_one() > 0
    if not has_catalogue:
        set_up = UnitOfWork(engine, Actor("demo set-up"))
        import_participants(set_up, catalogue_dir / "participants.csv")
        import_products(set_up, catalogue_dir / "products.csv")
        import_stock(set_up, catalogue_dir / "stock.csv")
    _add_demo_staff(engine)
    _open_demo_shift(engine, till_name)
    return engine


def _open_demo_shift(engine: Engine, till_name: str) -> None:
    """A demo shift on the demo till, opened by the demo manager, unless one is open already."""
    from common.values import Actor
    from pos.shifts.services import current_shift, open_shift
    from pos.staff.services import staff_member, unit_of_work

    if current_shift(engine, till_name) is None:
        manager = staff_member(engine, DEMO_MANAGER[0])
        open_shift(unit_of_work(engine, Actor.signed_in(manager, till_name)), DEMO_FLOAT_PENCE)


def _add_demo_staff(engine: Engine) -> None:
    from common.values import Actor
    from pos.staff.services import add_staff, list_staff, set_first_pin, staff_member, unit_of_work

    present = {person.code for person in list_staff(engine)}
    manager = None
    for code, name, role, pin in (DEMO_MANAGER, DEMO_CASHIER):
        if code not in present:
            add_staff(unit_of_work(engine, Actor("demo set-up")), code, name, role, by=manager)
            set_first_pin(unit_of_work(engine, Actor("demo set-up")), code, pin)
        if role == "manager":
            manager = staff_member(engine, code)
