"""The message line under a till screen: what just happened, or what to do next, in plain words."""

from __future__ import annotations

from textual.widgets import Static


class MessageLine(Static):
    """A line of text shown as information (muted) or as an error (till.tcss: `#message.info`, `.error`).

    Its size is fixed by the stylesheet, so saying something needs no layout pass (bench: scan to basket).
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:  # noqa: A002 - Textual's own name
        super().__init__(text, id=id, classes="info", markup=False)

    def say(self, text: str, *, error: bool = False) -> None:
        self.update(text, layout=False)
        self.set_class(error, "error")
        self.set_class(not error, "info")
