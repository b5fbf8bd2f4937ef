"""The customer display: a second Textual app, on a screen facing the customer, following one till.

It reads through two callables (the face imports no database code): `source` answers the till's
basket as published (a DisplayState), `makers` the makers who consented to be shown. A worker
thread asks `source` every POLL_S seconds, so a slow or lost ledger never freezes the screen; the
screen is redrawn only when the state's version changes. A maker who did not consent is shown as
"made by one of our designers", with no name, story or code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher, Digits, Label, Static

from common.money import format_pence
from pos.display.qr import qr_half_blocks
from pos.display.state import DisplayLine, DisplayMaker, DisplayState
from pos.tui.following import FollowingApp

POLL_S = 0.2  # how often the till's published basket is read: a scan shows well within half a second
ROTATE_S = 8.0  # how long each maker's story stays up while the till is idle
CODE_TURN_S = 5.0  # how long each maker's code stays up when the garment just scanned has several
LOST = "The till's ledger cannot be reached: reconnecting…"
ANONYMOUS = "made by one of our designers"
THANK_YOU = "Thank you for shopping with the makers!"
WELCOME = "Welcome to the makers' store"


def _line_text(line: DisplayLine) -> str:
    quantity = f"{line.quantity} × " if line.quantity != 1 else ""
    return f"{quantity}{line.description} · {line.size} · {line.colour}"


class MakerCard(Vertical):
    """One maker of a garment: name, a line of their story and their profile's QR code, if they consented
    (`with_code=False`: without the code, which is then shown elsewhere)."""

    def __init__(self, maker: DisplayMaker, *, with_code: bool = True, **kwargs: object) -> None:
        super().__init__(classes="maker-card", **kwargs)  # type: ignore[arg-type]
        self.maker = maker
        self.with_code = with_code

    def compose(self) -> ComposeResult:
        maker = self.maker
        if not maker.consented:
            yield Label(ANONYMOUS, classes="maker-anonymous")
            return
        yield Label(f"Made by {maker.name}", classes="maker-name", markup=False)
        if maker.story:
            yield Label(maker.story, classes="maker-story", markup=False)
        if maker.profile_url and self.with_code:
            with Center():
                yield qr_code(maker.profile_url)


def qr_code(url: str) -> Static:
    """A profile address as a QR code a phone can scan off the screen."""
    return Static("\n".join(qr_half_blocks(url)), classes="maker-qr", markup=False)


class MakerCodes(Vertical):
    """The codes of a garment's several makers with a profile, one at a time (a screen holds one QR code
    under the makers' names, not two): each maker's code in turn, named above it."""

    def __init__(self, makers: Sequence[DisplayMaker], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.makers = tuple(makers)
        self.turn = 0

    def compose(self) -> ComposeResult:
        yield Label(self._caption(), classes="code-caption", markup=False)
        with Center():
            yield qr_code(self.makers[0].profile_url)

    def _caption(self) -> str:
        return f"Scan to meet {self.makers[self.turn].name} ({self.turn + 1} of {len(self.makers)})"

    def next_maker(self) -> None:
        self.turn = (self.turn + 1) % len(self.makers)
        self.query_one(".code-caption", Label).update(self._caption())
        self.query_one(".maker-qr", Static).update("\n".join(qr_half_blocks(self.makers[self.turn].profile_url)))


class BasketView(Horizontal):
    """The basket being scanned (each line, the total) and the garment just scanned with its makers."""

    def compose(self) -> ComposeResult:
        with Vertical(id="basket-side"):
            yield Label("Your basket", classes="view-title")
            yield VerticalScroll(id="basket-lines", can_focus=False)
            yield Label("", id="basket-total")
        with VerticalScroll(id="scanned", can_focus=False):
            yield Label("", id="scanned-design", markup=False)
            yield Vertical(id="scanned-makers")

    def show(self, state: DisplayState) -> None:
        lines = self.query_one("#basket-lines", VerticalScroll)
        lines.remove_children()
        lines.mount_all(
            Horizontal(
                Label(_line_text(line), classes="line-text", markup=False),
                Label(format_pence(line.line_total_pence), classes="line-total"),
                classes="basket-line",
            )
            for line in state.lines
        )
        lines.call_after_refresh(lines.scroll_end, animate=False)  # the newest line in view, once mounted
        self.query_one("#basket-total", Label).update(f"Total {format_pence(state.total_pence)}")
        scanned = state.last_scanned
        self.query_one("#scanned-design", Label).update(scanned.design if scanned else "")
        makers = self.query_one("#scanned-makers", Vertical)
        makers.remove_children()
        if scanned:
            linked = [maker for maker in scanned.makers if maker.consented and maker.profile_url]
            several = len(linked) > 1
            makers.mount_all(MakerCard(maker, with_code=not several) for maker in scanned.makers)
            if several:
                makers.mount(MakerCodes(linked))

    def next_code(self) -> None:
        """Show the next maker's code, where the garment just scanned has several makers with one."""
        for codes in self.query(MakerCodes):
            codes.next_maker()


class PaidView(Vertical):
    """The sale is paid: the change due in large figures, and a thank-you."""

    def compose(self) -> ComposeResult:
        yield Label("", id="paid-total")
        yield Label("Your change", id="change-label")
        yield Digits("£0.00", id="change")
        yield Label(THANK_YOU, id="thank-you")

    def show(self, state: DisplayState) -> None:
        self.query_one("#paid-total", Label).update(f"Total {format_pence(state.total_pence)}")
        self.query_one("#change", Digits).update(format_pence(state.change_pence))


class IdleView(Vertical):
    """No basket: the consented makers' stories, one after another."""

    def compose(self) -> ComposeResult:
        yield Label(WELCOME, id="idle-title", classes="view-title")
        yield Vertical(id="idle-maker")

    def show(self, maker: DisplayMaker | None) -> None:
        card = self.query_one("#idle-maker", Vertical)
        card.remove_children()
        shown = maker is not None and maker.consented
        self.query_one("#idle-title", Label).update("Meet the makers" if shown else WELCOME)
        if shown:
            card.mount(MakerCard(maker))  # type: ignore[arg-type]


class DisplayApp(FollowingApp[DisplayState]):
    """Follows a till's published basket: the basket, the change when paid, the makers when idle."""

    CSS_PATH = "display.tcss"

    def __init__(
        self,
        source: Callable[[], DisplayState],
        makers: Callable[[], list[DisplayMaker]],
        *,
        title: str = "Makers' Till",
        poll_s: float = POLL_S,
        rotate_s: float = ROTATE_S,
        code_turn_s: float = CODE_TURN_S,
    ) -> None:
        super().__init__(source, makers, title=title, poll_s=poll_s, lost=LOST)
        self._rotate_s = rotate_s
        self._code_turn_s = code_turn_s
        self._version: int | None = None
        self._status = ""
        self._maker_turn = 0

    def compose(self) -> ComposeResult:
        yield Label(self.title, id="display-title")
        yield self._connection
        with ContentSwitcher(initial="idle-view", id="views"):
            yield IdleView(id="idle-view")
            yield BasketView(id="basket-view")
            yield PaidView(id="paid-view")

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(self._rotate_s, self._next_maker)
        self.set_interval(self._code_turn_s, self._next_code)

    @property
    def version(self) -> int | None:
        """The version of the till's state on the screen (None before the first answer)."""
        return self._version

    def _wants_makers(self, answer: DisplayState) -> bool:
        return answer.status == "idle"

    def _show(self, state: DisplayState, makers: list[DisplayMaker] | None) -> None:
        if makers is not None:
            self._makers = makers
            if state.version == self._version and state.status == "idle":
                self._show_maker()
        if state.version == self._version:
            return
        self._version = state.version
        self._status = state.status
        views = self.query_one("#views", ContentSwitcher)
        if state.status == "basket":
            self.query_one(BasketView).show(state)
        elif state.status == "paid":
            self.query_one(PaidView).show(state)
        else:
            self._show_maker()
        views.current = f"{state.status}-view"

    def _next_maker(self) -> None:
        if self._status == "idle" and len(self._makers) > 1:
            self._maker_turn += 1
            self._show_maker()

    def _next_code(self) -> None:
        if self._status == "basket":
            self.query_one(BasketView).next_code()

    def _show_maker(self) -> None:
        makers: Sequence[DisplayMaker] = self._makers
        self.query_one(IdleView).show(makers[self._maker_turn % len(makers)] if makers else None)
