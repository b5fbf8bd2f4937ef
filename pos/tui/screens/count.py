"""A stock count at the till (command palette: Stock count): scan a rail into the count chosen or just started.

The count is chosen (an open one joined, or one started with its scope) in pos/tui/screens/count_start.py.
The count is blind: scanning shows what was counted, never what was expected. A manager (their code
and PIN over the screen) reviews the variances with F9 and approves them with F10.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import Static

from common.money import format_pence
from pos.tui.screens.scanning import ScanningScreen

if TYPE_CHECKING:
    from common.values import StaffMember
    from pos.sales.till_core import TillCore
    from pos.stock.counts import CountReview


class CountScreen(ScanningScreen):
    TITLE = "Stock count"
    DONE = "Counted"
    BINDINGS = [*ScanningScreen.BINDINGS, Binding("f9", "review", "Review (mgr)"), Binding("f10", "approve", "Approve (mgr)")]

    def __init__(self, core: TillCore, count_id: int | None = None) -> None:
        super().__init__(core)
        self.count_id = count_id  # None: the newest open count

    def find_session(self) -> tuple[int, str] | None:
        from pos.stock.counts import list_counts

        counts = [count for count in list_counts(self.core.engine)
                  if self.count_id is None or count.count_id == self.count_id]
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
        if self.count_id is not None:
            return f"Count {self.count_id} is no longer open (approved or cancelled). Esc goes back."
        return "No stock count is open. Esc goes back; Stock count (Ctrl+P) starts one."

    # --- a manager's review and approval --------------------------------------------------------

    def _as_manager(self, what: str, then: Callable[[StaffMember], None]) -> None:
        from pos.tui.screens.approval import ApprovalModal

        if self.session_id is None:
            self.say(self.no_session(), error=True)
            return
        self.app.push_screen(ApprovalModal(self.core, what), lambda manager: then(manager) if manager else None)

    def action_review(self) -> None:
        """F9: the variances, for a manager (counters never see the expected figures)."""
        self._as_manager("Reviewing the count", lambda manager: self._run(self._read_review, self._show_review))

    def action_approve(self) -> None:
        """F10: post every variance (a manager); SKUs nobody scanned are left as they are."""
        self._as_manager("Approving the count", lambda manager: self._run(lambda: self._approve(manager), self._approved))

    def _run(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        self.core.lanes.sales.submit(job, lambda result: then(result) if self.is_attached else None)

    def _read_review(self) -> CountReview:
        from pos.stock.counts import review_count

        assert self.session_id is not None
        return review_count(self.core.engine, self.session_id)

    def _approve(self, manager: StaffMember) -> CountReview:
        from pos.stock.counts import approve_count

        assert self.session_id is not None
        return approve_count(self.unit_of_work(), self.session_id, manager)

    def _show_review(self, review: CountReview | Exception) -> None:
        if isinstance(review, Exception):
            self.say(str(review), error=True)
            return
        scanned = [line for line in review.lines if line.scanned]
        rows = [f"{line.sku:<14} expected {line.expected:>4}  counted {line.counted:>4}  "
                f"variance {line.variance:>+4}  {format_pence(line.variance_pence):>9}" for line in scanned]
        self.query_one("#scanning-log", Static).update("\n".join(rows) or "Nothing scanned yet.")
        value = sum(line.variance_pence for line in scanned)
        self.say(f"Variance at retail value {format_pence(value)}; {len(review.unscanned)} SKUs in scope not scanned "
                 "(left as they are). F10 approves.")

    def _approved(self, review: CountReview | Exception) -> None:
        if isinstance(review, Exception):
            self.say(str(review), error=True)
            return
        changed = [line for line in review.lines if line.scanned and line.variance]
        value = sum(line.variance_pence for line in changed)
        self.session_id = None
        skus = f"{len(changed)} SKU{'s' if len(changed) != 1 else ''}"
        self.say(f"Count {review.count_id} approved: {skus} adjusted ({format_pence(value)} at retail value). "
                 "Esc goes back.")
