"""A stock count at the till (command palette: Stock count): scan a rail into the newest open count.

The count is blind: the screen shows what was counted, never what was expected.
"""

from __future__ import annotations

from typing import Any

from pos.tui.screens.scanning import ScanningScreen


class CountScreen(ScanningScreen):
    TITLE = "Stock count"
    DONE = "Counted"

    def find_session(self) -> tuple[int, str] | None:
        from pos.stock.counts import list_counts

        counts = list_counts(self.core.engine)
        if not counts:
            return None
        newest = counts[0]
        return newest.count_id, f"Count {newest.count_id}: {newest.scope}"

    def write_scan(self, session_id: int, code: str, quantity: int) -> Any:
        from pos.stock.counts import scan_into_count

        return scan_into_count(self.unit_of_work(), session_id, code, quantity)

    def write_undo(self, session_id: int) -> Any:
        from pos.stock.counts import undo_last_scan

        return undo_last_scan(self.unit_of_work(), session_id)

    def no_session(self) -> str:
        return "No stock count is open. A manager starts one (pos count start); Esc goes back."
