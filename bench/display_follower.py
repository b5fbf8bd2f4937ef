"""A customer display's reading side, in its own process, following one till (bench: scan_to_basket_p95_display).

    python -m bench.display_follower LEDGER TILL

LEDGER is a SQLite file or a ledger URL (postgresql+psycopg://…: the follower then wakes on NOTIFY).

Waits for each new version the till publishes and reads the whole display state, as `pos display`
does; prints each version it read, one a line, with the moment it had read it (`time.perf_counter`,
the machine's monotonic clock, which the till's probe uses too), its status and its number of lines:
`VERSION SECONDS STATUS LINES`, until it is terminated.
"""

from __future__ import annotations

import sys
import time

from pos.display.read import ChangeWatch, display_state
from pos.ledger import open_ledger


def main() -> None:
    ledger = sys.argv[1]
    engine = open_ledger(ledger if "://" in ledger else f"sqlite:///{ledger}")
    till = sys.argv[2]
    version = 0
    print("ready", flush=True)
    with ChangeWatch(engine, till) as watch:
        while True:
            if watch.wait(version, 1.0) > version:
                state = display_state(engine, till)
                version = state.version
                print(f"{version} {time.perf_counter():.6f} {state.status} {len(state.lines)}", flush=True)


if __name__ == "__main__":
    main()
