"""Have a widget's change painted in its screen's next update, not one update later."""

from __future__ import annotations

from textual.messages import Update
from textual.widget import Widget


def paint_in_next_update(widget: Widget) -> None:
    """Tell `widget`'s screen now that the widget needs painting (after changing what it shows).

    Textual tells the screen of a widget's refresh only when that widget's own message loop next
    goes idle. On a scan, the scan field (cleared as its Enter is handled) was told first, the screen
    painted its next update without the basket, and the new line came in the update after: ~17-30 ms
    later at 60 updates a second (bench: scan to basket p95). This is what Textual's own idle check
    sends (Widget._check_refresh: a displayed widget needing a repaint), sent at once; the later one
    from the widget itself finds nothing left to paint but what changed since.
    """
    if widget.is_attached and widget.display:
        widget.screen.post_message(Update(widget))
