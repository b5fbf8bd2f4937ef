"""Receiving a delivery at the till (command palette: Receive stock): each scan adds stock at once.

Scans go into the newest open delivery, or a new one; F9 closes it and says what it received; F10
makes its barcode labels (an A4 sheet PDF under data/labels/, one label per item received).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.binding import Binding

from pos.tui.screens.scanning import ScanningScreen


class ReceiveScreen(ScanningScreen):
    TITLE = "Receive stock"
    DONE = "Received"
    BINDINGS = [*ScanningScreen.BINDINGS, Binding("f9", "close_delivery", "Close"), Binding("f10", "labels", "Labels")]
    LABELS_DIR = Path("data/labels")
    last_delivery: int | None = None  # the delivery scanned into here, open or just closed: F10 labels it

    def find_session(self) -> tuple[int, str] | None:
        from pos.stock.receiving import list_deliveries, start_delivery

        open_ones = list_deliveries(self.core.engine)
        if open_ones:
            newest = open_ones[0]
            return newest.delivery_id, f"Delivery {newest.delivery_id}" + (f": {newest.note}" if newest.note else "")
        delivery = start_delivery(self.unit_of_work(), f"received at {self.core.till}")
        return delivery, f"Delivery {delivery} (new)"

    def write_scan(self, session_id: int, code: str, quantity: int) -> Any:
        from pos.stock.receiving import receive_scan

        return receive_scan(self.unit_of_work(), session_id, code, quantity)

    def write_undo(self, session_id: int) -> Any:
        from pos.stock.receiving import undo_last_receipt

        return undo_last_receipt(self.unit_of_work(), session_id)

    def no_session(self) -> str:
        return "The delivery could not be opened. Esc goes back and try again."

    def opened(self, session_id: int) -> None:
        self.last_delivery = session_id

    def action_close_delivery(self) -> None:
        if self.session_id is None:
            return
        session = self.session_id

        def close() -> Any:
            from pos.stock.receiving import close_delivery

            return close_delivery(self.unit_of_work(), session)

        def closed(result: Any) -> None:
            if isinstance(result, Exception):
                self.say(str(result), error=True)
                return
            units = sum(line.quantity for line in result)
            self.last_delivery, self.session_id = session, None
            self.say(f"Delivery {session} closed: {units} item{'s' if units != 1 else ''} of {len(result)} SKUs "
                     f"received. Esc goes back.")

        self.core.lanes.sales.submit(close, closed)

    def action_labels(self) -> None:
        """F10: barcode labels for every item the delivery received, as an A4 sheet PDF."""
        delivery = self.session_id or self.last_delivery
        if delivery is None:
            self.say("Scan a delivery in first: its labels are made from what it received.", error=True)
            return
        engine, out = self.core.engine, self.LABELS_DIR / f"delivery-{delivery}.pdf"

        def make() -> int:
            from inventory.labels import label_items
            from pos.stock.receiving import delivery_lines
            from receipts.labels import A4_21, labels_pdf

            items = label_items(engine, [(line.sku, line.quantity) for line in delivery_lines(engine, delivery)])
            if items:
                from common.files import private_dir, write_private

                private_dir(out.parent)
                write_private(out, labels_pdf(items, A4_21))
            return len(items)

        def made(result: int | Exception) -> None:
            if isinstance(result, Exception):
                self.say(f"The labels were not made: {result}", error=True)
            elif not result:
                self.say(f"Delivery {delivery} has received nothing yet: no labels to make.", error=True)
            else:
                self.say(f"{result} label{'s' if result != 1 else ''} for delivery {delivery}: {out} "
                         "(print it on A4 sheets of 21 labels).")

        self.say("Making the labels...")
        self.core.lanes.printing.submit(make, made)
