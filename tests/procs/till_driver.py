"""A till core driven line by line from stdin, for a display to follow from another process:
`python tests/procs/till_driver.py URL TILL`, then `scan CODE` or `card`, one a line; it answers `done`
once the till has done it (and published its basket)."""

from __future__ import annotations

import sys

from common.values import Actor
from pos.ledger import open_ledger
from pos.sales.till_core import Lanes, TillCore
from receipts.model import StoreHeader


def main() -> None:
    url, till = sys.argv[1], sys.argv[2]
    engine = open_ledger(url)
    core = TillCore(Actor("Sam", till), StoreHeader(), None, lanes=Lanes.inline(), listener=lambda _event: None)
    core.open(lambda: engine)
    print("ready", flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        if command == "scan":
            core.enter(args[0])
        elif command == "card":
            core.pay(core.card())
        print("done", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
