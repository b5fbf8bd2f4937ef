"""`pos display`: the customer display (issue 12), a second screen that follows one till live.

The face (pos.tui.display_app) takes two callables; here they are wired to the read service
pos.display.read (display_state, consented_makers), which only reads the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from common.errors import PosError
from pos.serve import ALL_ADDRESSES, DEFAULT_PORT

_DB_HELP = "Ledger URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."
_Command = TypeVar("_Command", bound=Callable[..., None])


def serve_options(command: _Command) -> _Command:
    """--serve, --port and --host, as `pos display` and `pos wall` take them."""
    command = click.option(
        "--host", help=f"With --serve: the address to serve on (default {ALL_ADDRESSES}: every address of this machine, "
                       "so a browser on the store network reaches it; 127.0.0.1 keeps it to this machine).")(command)
    command = click.option("--port", type=int, help=f"With --serve: the port to serve on (default {DEFAULT_PORT}).")(command)
    return click.option(
        "--serve", is_flag=True, help="Serve it as a web page instead, for a browser on the store network to open.")(command)


def refuse_serve_options_alone(serve: bool, port: int | None, host: str | None) -> None:
    from pos.cli import _fail

    if not serve and (port is not None or host is not None):
        _fail(PosError("--port and --host say where to serve the page: give them with --serve."))


def serve_or_fail(argv: list[str], db: str | None, *, host: str | None, port: int | None, title: str) -> None:
    """Serve `pos ARGV` as a web page, one process per browser that opens it; its ledger URL travels in the
    environment, never on a command line."""
    from pos.cli import _fail
    from pos.serve import serve_in_browser

    try:
        serve_in_browser(argv, host=ALL_ADDRESSES if host is None else host, port=DEFAULT_PORT if port is None else port,
                         title=title, env={"POS_DATABASE_URL": db} if db else None)
    except PosError as error:
        _fail(error)


@click.command(name="display")
@click.option("--till", "till_name", help="The till to follow (with --demo: the demo till, `demo`).")
@click.option("--db", help=_DB_HELP)
@click.option("--demo", is_flag=True, help="Follow the demo till on the demo ledger, data/demo.sqlite, as `pos demo` runs it.")
@serve_options
def display_command(
    till_name: str | None, db: str | None, demo: bool, serve: bool, port: int | None, host: str | None,
) -> None:
    """Open the customer display for a till: its basket as scanned, the change when paid, the makers when idle."""
    from pos.cli import _fail, _open
    from pos.demo import DEMO_LEDGER, DEMO_TILL
    from pos.sales.tills import require_till

    if demo and db:
        _fail(PosError("--demo follows the demo ledger: give --db or --demo, not both."))
    if demo and not DEMO_LEDGER.is_file():
        _fail(PosError(f"There is no demo ledger at {DEMO_LEDGER} yet: start `pos demo` first, then `pos display --demo`."))
    refuse_serve_options_alone(serve, port, host)
    till = till_name or (DEMO_TILL if demo else None)
    if till is None:
        _fail(PosError("Which till should the display follow? Give --till NAME (or --demo for the demo till)."))
    engine = _open(f"sqlite:///{DEMO_LEDGER}" if demo else db)
    try:
        require_till(engine, till)
    except PosError as error:
        _fail(error)
    title = f"Makers' Till{' (demo)' if demo else ''}"
    if serve:
        engine.dispose()
        argv = ["display", "--demo"] if demo else ["display", "--till", till]
        serve_or_fail(argv, db, host=host, port=port, title=f"{title}: till {till}")
        return
    from pos.display.read import Follower, consented_makers
    from pos.tui.display_app import DisplayApp

    follower = Follower(engine, till)  # wakes on the till's NOTIFY on PostgreSQL, a light poll on SQLite
    try:
        DisplayApp(follower, lambda: consented_makers(engine), title=title).run()
    finally:
        follower.close()

