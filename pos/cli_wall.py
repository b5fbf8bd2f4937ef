"""`pos wall`: the story wall (issue 12), a big screen in the store showing the consented makers' stories
with their codes, the garments just sold and the store's totals for today and the event.

The face (pos.tui.wall_app) takes two callables; here they are wired to the read services
pos.display.wall (WallSource) and pos.display.read (consented_makers), which only read the ledger.
"""

from __future__ import annotations

import click

from common.errors import PosError
from pos.cli_display import refuse_serve_options_alone, serve_options, serve_or_fail

_DB_HELP = "Ledger URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."


@click.command(name="wall")
@click.option("--db", help=_DB_HELP)
@click.option("--demo", is_flag=True, help="Show the demo ledger, data/demo.sqlite, as `pos demo` sells on it.")
@serve_options
def wall_command(db: str | None, demo: bool, serve: bool, port: int | None, host: str | None) -> None:
    """Open the story wall: the makers' stories and codes, garments as they sell, today's and the event's totals."""
    from pos.cli import _fail, _open
    from pos.demo import DEMO_LEDGER

    if demo and db:
        _fail(PosError("--demo shows the demo ledger: give --db or --demo, not both."))
    if demo and not DEMO_LEDGER.is_file():
        _fail(PosError(f"There is no demo ledger at {DEMO_LEDGER} yet: start `pos demo` first, then `pos wall --demo`."))
    refuse_serve_options_alone(serve, port, host)
    engine = _open(f"sqlite:///{DEMO_LEDGER}" if demo else db)
    title = f"Makers' Till{' (demo)' if demo else ''}"
    if serve:
        engine.dispose()
        serve_or_fail(["wall", "--demo"] if demo else ["wall"], db, host=host, port=port, title=f"{title}: story wall")
        return
    from pos.display.read import consented_makers
    from pos.display.wall import WallSource
    from pos.tui.wall_app import WallApp

    WallApp(WallSource(engine), lambda: consented_makers(engine), title=title).run()
