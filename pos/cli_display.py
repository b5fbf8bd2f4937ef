"""`pos display`: the customer display (issue 12), a second screen that follows one till live.

The face (pos.tui.display_app) takes two callables; here they are wired to the read service
pos.display.read (display_state, consented_makers), which only reads the ledger.
"""

from __future__ import annotations

import click

from common.errors import PosError

_DB_HELP = "Ledger URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."


@click.command(name="display")
@click.option("--till", "till_name", help="The till to follow (with --demo: the demo till, `demo`).")
@click.option("--db", help=_DB_HELP)
@click.option("--demo", is_flag=True, help="Follow the demo till on the demo ledger, data/demo.sqlite, as `pos demo` runs it.")
def display_command(till_name: str | None, db: str | None, demo: bool) -> None:
    """Open the customer display for a till: its basket as scanned, the change when paid, the makers when idle."""
    from pos.cli import _fail, _open
    from pos.demo import DEMO_LEDGER, DEMO_TILL
    from pos.sales.tills import require_till

    if demo and db:
        _fail(PosError("--demo follows the demo ledger: give --db or --demo, not both."))
    if demo and not DEMO_LEDGER.is_file():
        _fail(PosError(f"There is no demo ledger at {DEMO_LEDGER} yet: start `pos demo` first, then `pos display --demo`."))
    till = till_name or (DEMO_TILL if demo else None)
    if till is None:
        _fail(PosError("Which till should the display follow? Give --till NAME (or --demo for the demo till)."))
    engine = _open(f"sqlite:///{DEMO_LEDGER}" if demo else db)
    try:
        require_till(engine, till)
    except PosError as error:
        _fail(error)
    from pos.display.read import Follower, consented_makers
    from pos.tui.display_app import DisplayApp

    title = f"Makers' Till{' (demo)' if demo else ''}"
    follower = Follower(engine, till)  # wakes on the till's NOTIFY on PostgreSQL, a light poll on SQLite
    try:
        DisplayApp(follower, lambda: consented_makers(engine), title=title).run()
    finally:
        follower.close()
