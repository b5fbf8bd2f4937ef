"""Another OS process holding a SQLite ledger's write lock, as a long import or another till's sale would.

    python -m bench.ledger_lock LEDGER

Opens the file with plain sqlite3 (no project code), takes the write lock with BEGIN IMMEDIATE,
prints "locked" and holds it until a line arrives on stdin (or stdin closes); then commits (it
wrote nothing), prints "released" and exits. bench/tui.py drives it (scan_to_basket_p95_ledger_locked).
"""

from __future__ import annotations

import sqlite3
import sys


def main() -> None:
    connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
    connection.execute("BEGIN IMMEDIATE")  # the RESERVED lock: every other writer waits (readers do not, in WAL)
    print("locked", flush=True)
    sys.stdin.readline()
    connection.execute("COMMIT")
    connection.close()
    print("released", flush=True)


if __name__ == "__main__":
    main()
