"""Receiving a delivery at the till (command palette: Receive stock): each scan adds stock at once.

Scans go into the newest open delivery, or a new one; F9 closes it and says what it received.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from pos.tui.screens.scanning import ScanningScreen


class ReceiveScreen(ScanningScreen):
    TITLE = "Receive stock"
    DONE = "Received"
    BINDINGS = [*ScanningScreen.BINDINGS, Binding("f9", "close_delivery", "Close delivery")]

    def find_session(self) -> tuple[int, str] | None:
        from inventory.db import UnitOfWork
        from pos.stock.receiving import list_deliveries, start_delivery

        open_ones = list_deliveries(self.core.engine)
        if open_ones:
            newest = open_ones[0]
            return newest.delivery_id, f"Delivery {newest.delivery_id}" + (f": {newest.note}" if newest.note else "")
        delivery = start_delivery(UnitOfWork(self.core.engine, self.core.actor), f"received at {self.core.till}")
        return delivery, f"Delivery {delivery} (new)"

    def write_scan(self, session_id: int, code: str, quantity: int) -> Any:
        from inventory.db import UnitOfWork
        from pos.stock.receiving import receive_scan

        return receive_scan(UnitOfWork(self.core.engine, self.core.actor), session_id, code, quantity)

    def write_undo(self, session_id: int) -> Any:
        from inventory.db import UnitOfWork
        from pos.stock.receiving import undo_last_receipt

        return undo_last_receipt(UnitOfWork(self.core.engine, self.core.actor), session_id)

    def no_session(self) -> str:
        return "The delivery could not be opened. Esc goes back and try again."

    def action_close_delivery(self) -> None:
        if self.session_id is None:
            return
        session = self.session_id

        def close() -> Any:
            from inventory.db import UnitOfWork
            from pos.stock.receiving import close_delivery

            return close_delivery(UnitOfWork(self.core.engine, self.core.actor), session)

        def closed(result: Any) -> None:
            if isinstance(result, Exception):
                self.say(str(result), error=True)
                return
            units = sum(line.quantity for line in result)
            self.session_id = None
            self.say(f"Delivery {session} closed: {units} item{'s' if units != 1 else ''} of {len(result)} SKUs "
                     f"received. Esc goes back.")

        self.core.lanes.sales.submit(close, closed)
