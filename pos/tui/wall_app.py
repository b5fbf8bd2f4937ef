"""The story wall (`pos wall`): a big screen in the store showing the makers who consented, one after
another with their story and a QR code of their profile, the garments just sold ("Night Bus Hoodie,
designed by Amara Osei") and the store's totals for today and the event.

It reads through two callables (the face imports no database code): `source` answers what was sold
since it last asked and the totals now (a WallUpdate), `makers` the makers who consented to be shown.
A worker thread asks `source` every POLL_S seconds, so a slow or lost ledger never freezes the wall.
The feed shows the newest `feed_size` moments. Its rows and the one story card are made once and
updated in place: a new widget for every sale would each be remembered by Textual's style cache (up
to a thousand of them), so the wall's memory stays flat however long it runs.

Consent: a designer who did not consent is "one of our designers", with no name, story or code; no
person's own figures appear, and the makers come in name order, never ranked.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from itertools import zip_longest

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Label, Static

from common.clock import local_time
from common.money import format_pence
from pos.display.qr import qr_half_blocks, qr_matrix
from pos.display.state import DisplayMaker
from pos.display.wall_state import Moment, Totals, WallUpdate
from pos.tui.following import FollowingApp

POLL_S = 1.0  # how often the wall looks for sales: a moment shows within about a second
ROTATE_S = 12.0  # how long each maker's story stays up
FEED_SIZE = 6  # the newest moments shown on the wall
LOST = "The store's ledger cannot be reached: reconnecting…"
NOBODY = "Every garment here was designed by a maker on our programme."
WAITING = "The first sale of the day will show here."
BIG_SCREEN = (150, 48)  # columns and rows from which the QR code is drawn twice the size, for a phone further away
_FULL_BLOCKS = {False: "  ", True: "██"}


def qr_text(url: str, double: bool) -> str:
    """`url`'s QR code as terminal text: half blocks (one module a column, two a row), or with `double`
    full blocks twice the size (two columns and one row a module)."""
    if not double:
        return "\n".join(qr_half_blocks(url))
    return "\n".join("".join(_FULL_BLOCKS[dark] for dark in row) for row in qr_matrix(url))


def totals_text(totals: Totals) -> str:
    """"12 garments sold · £540.00"."""
    garments = "1 garment" if totals.units == 1 else f"{totals.units:,} garments"
    return f"{garments} sold · {format_pence(totals.takings_pence)}"


class StoryCard(Vertical):
    """The maker on show: their name, a line of their story and their profile's QR code; only someone who
    consented is ever shown (anyone else: a line about the makers, no one named). Updated in place."""

    def __init__(self) -> None:
        super().__init__(id="story-card")
        self.maker: DisplayMaker | None = None
        self.double = False  # the code drawn twice the size (a big screen)
        self._nobody = Label(NOBODY, classes="nobody")
        self._name = Label("", classes="story-name", markup=False)
        self._story = Label("", classes="story-line", markup=False)
        self._qr = Static("", classes="story-qr", markup=False)
        self._code = Center(self._qr, classes="story-code")
        self._scan = Label("Scan to connect", classes="story-scan")

    def compose(self) -> ComposeResult:
        yield from (self._nobody, self._name, self._story, self._code, self._scan)

    def show(self, maker: DisplayMaker | None) -> None:
        shown = maker if maker is not None and maker.consented else None
        self.maker = shown
        self._name.update(str(shown.name) if shown else "")
        self._story.update(shown.story if shown else "")
        self._qr.update(qr_text(shown.profile_url, self.double) if shown and shown.profile_url else "")
        self._nobody.display = shown is None
        self._name.display = shown is not None
        self._story.display = bool(shown and shown.story)
        self._code.display = self._scan.display = bool(shown and shown.profile_url)


class MomentRow(Static):
    """A place in the feed for a garment just sold: the local time it sold, its design and its designers."""

    def __init__(self, newest: bool = False) -> None:
        super().__init__("", classes="moment newest" if newest else "moment")
        self.moment: Moment | None = None
        self.display = False

    def show(self, moment: Moment | None) -> None:
        self.moment = moment
        self.display = moment is not None
        if moment is not None:
            sold = local_time(moment.sold_at).strftime("%H:%M")
            self.update(Text.assemble((f"{sold}  ", "dim"), moment.text))


class WallApp(FollowingApp[WallUpdate]):
    """The store's story wall: makers' stories with their codes, garments just sold, the store's totals."""

    CSS_PATH = "wall.tcss"

    def __init__(
        self,
        source: Callable[[], WallUpdate],
        makers: Callable[[], list[DisplayMaker]],
        *,
        title: str = "Makers' Till",
        poll_s: float = POLL_S,
        rotate_s: float = ROTATE_S,
        feed_size: int = FEED_SIZE,
    ) -> None:
        super().__init__(source, makers, title=title, poll_s=poll_s, lost=LOST)
        self._rotate_s = rotate_s
        self._feed_size = feed_size
        self._updates = 0
        self._maker_turn = -1
        self._recent: deque[Moment] = deque(maxlen=feed_size)  # newest first
        # Made once and updated in place (never looked up: a timer may still fire while the app closes).
        self._card = StoryCard()
        self._rows = [MomentRow(newest=place == 0) for place in range(feed_size)]
        self._waiting = Label(WAITING, id="feed-waiting")
        self._today = Label("", id="today-totals")
        self._event = Label("", id="event-totals")

    def compose(self) -> ComposeResult:
        with Vertical(id="story"):
            yield Label("Meet the makers", id="story-title")
            yield self._card
        with Vertical(id="side"):
            yield Label(self.title, id="wall-title", markup=False)
            yield self._connection
            yield Label("Just sold", id="feed-title")
            with Vertical(id="feed"):
                yield self._waiting
                yield from self._rows
            with Vertical(id="totals"):
                yield Label("Today", classes="totals-label")
                yield self._today
                yield Label("The event so far", classes="totals-label")
                yield self._event

    def on_mount(self) -> None:
        self._fit(self.size.width, self.size.height)
        self._card.show(None)
        super().on_mount()
        self.set_interval(self._rotate_s, self._next_maker)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        """On a big screen the story side is wider and the code twice the size; else as at 80x24."""
        big = width >= BIG_SCREEN[0] and height >= BIG_SCREEN[1]
        if big != self._card.double:
            self._card.double = big
            self.screen.set_class(big, "-big")
            self._card.show(self._card.maker)

    @property
    def updates(self) -> int:
        """How many answers from the ledger the wall has shown (0 before the first)."""
        return self._updates

    def _show(self, update: WallUpdate, makers: list[DisplayMaker] | None) -> None:
        if makers is not None:
            self._makers = makers
            if self._card.maker not in makers:  # the first card, or its maker withdrew
                self._next_maker()
        self._add_moments(update.moments)
        self._today.update(totals_text(update.today))
        self._event.update(totals_text(update.event))
        self._updates += 1

    def _add_moments(self, moments: Sequence[Moment]) -> None:
        """The newest moments at the top of the feed, feed_size of them at most."""
        if not moments:
            return
        self._waiting.display = False
        self._recent.extendleft(moments)
        for row, moment in zip_longest(self._rows, self._recent):
            row.show(moment)
        maker = next((maker for maker in moments[-1].makers if maker.consented), None)
        if maker is not None:  # the maker of the garment just sold steps up until the next turn
            self._card.show(maker)

    def _next_maker(self) -> None:
        if self._makers:
            self._maker_turn = (self._maker_turn + 1) % len(self._makers)
            self._card.show(self._makers[self._maker_turn])
        else:
            self._card.show(None)
