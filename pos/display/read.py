"""What a customer display shows, read from the ledger: a display only reads, never writes.

A maker is named, quoted and linked only if they consented to publish (Participant.consent_to_publish);
anyone else is DisplayMaker(None), and nothing of theirs leaves this module.
"""

from __future__ import annotations

import json
import time
from datetime import UTC

import psycopg
from sqlalchemy import Engine, select

from inventory.db import is_sqlite, read_session
from inventory.models import DesignerShare, Participant, Product, Variant
from pos.display.models import TillDisplay
from pos.display.publish import CHANNEL
from pos.display.state import DisplayLine, DisplayMaker, DisplayState, ScannedItem

STORY_LINE_MAX = 120  # a story's one line: up to its first full stop, cut to this many characters
POLL_S = 0.1  # how often a display on SQLite reads the version


def display_state(engine: Engine, till: str) -> DisplayState:
    """Till `till`'s basket as last published; idle at version 0 if it never published."""
    with read_session(engine) as session:
        row = session.get(TillDisplay, till)
        if row is None:
            return DisplayState(till, 0, "idle")
        basket = json.loads(row.basket)
        scanned = basket.get("last_scanned_variant_id")
        return DisplayState(
            till=till, version=row.version, status=row.status,  # type: ignore[arg-type]
            lines=tuple(DisplayLine(str(d), str(s), str(c), int(q), int(t)) for d, s, c, q, t in basket["lines"]),
            total_pence=int(basket["total_pence"]),
            last_scanned=_scanned(session, int(scanned)) if scanned is not None else None,
            change_pence=row.change_pence, updated_at=row.updated_at.replace(tzinfo=UTC),
        )


def consented_makers(engine: Engine) -> list[DisplayMaker]:
    """The makers who consented to publish, by name, for the idle screen and the wall."""
    with read_session(engine) as session:
        people = session.scalars(
            select(Participant).where(Participant.consent_to_publish.is_(True)).order_by(Participant.display_name)
        )
        return [_maker(person) for person in people]


def one_line(story: str) -> str:
    """A story up to its first full stop (or ! or ?), at most STORY_LINE_MAX characters (cut at a word, with an ellipsis)."""
    text = " ".join(story.split())
    for end in (". ", "! ", "? "):
        if end in text:
            text = text[: text.index(end) + 1]
    if len(text) <= STORY_LINE_MAX:
        return text
    return text[: STORY_LINE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def display_maker(consented: bool, name: str, story: str, profile_url: str) -> DisplayMaker:
    """A designer as a display or the wall may show them: named, quoted and linked only with consent."""
    if not consented:
        return DisplayMaker(None)
    return DisplayMaker(name, one_line(story), profile_url.strip())


def _maker(person: Participant) -> DisplayMaker:
    return display_maker(person.consent_to_publish, person.display_name, person.story, person.linkedin_url)


def _scanned(session, variant_id: int) -> ScannedItem | None:  # type: ignore[no-untyped-def]
    """The design of variant `variant_id` and its makers (largest share first), consent applied."""
    design = session.scalar(select(Product.name).join(Variant, Variant.product_id == Product.id).where(Variant.id == variant_id))
    if design is None:
        return None
    people = session.scalars(
        select(Participant).join(DesignerShare, DesignerShare.participant_id == Participant.id)
        .join(Variant, Variant.product_id == DesignerShare.product_id).where(Variant.id == variant_id)
        .order_by(DesignerShare.share_bp.desc(), Participant.id)
    )
    return ScannedItem(design, tuple(_maker(person) for person in people))


def published_version(engine: Engine, till: str) -> int:
    """Only the version of till `till`'s display (0 if it never published): a cheap read for polling."""
    with engine.connect() as connection:
        return connection.execute(select(TillDisplay.version).where(TillDisplay.till == till)).scalar() or 0


class ChangeWatch:
    """Waits for till `till` to publish a new version: LISTEN pos_display on PostgreSQL (its own connection,
    kept between waits), else a light poll of the version every POLL_S. Close it when done."""

    def __init__(self, engine: Engine, till: str) -> None:
        self.engine, self.till = engine, till
        self._listener: psycopg.Connection | None = None
        if not is_sqlite(engine):
            url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._listener = psycopg.connect(url, autocommit=True)
            self._listener.execute(f"LISTEN {CHANNEL}")

    def wait(self, after_version: int, timeout_s: float) -> int:
        """The published version once it is past `after_version`, or the current one after `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        version = published_version(self.engine, self.till)  # listening already: a publish from now on is heard
        while version <= after_version:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if self._listener is None:
                time.sleep(min(POLL_S, left))
            else:
                for _ in self._listener.notifies(timeout=left, stop_after=1):
                    pass
            version = published_version(self.engine, self.till)
        return version

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> ChangeWatch:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Follower:
    """A display's source: each call returns till `till`'s state once it has published a version the display
    has not seen (at most `wait_s` later), woken by NOTIFY on PostgreSQL, a light poll on SQLite.

    A lost ledger raises from the call (the display says so); the next call connects again.
    """

    def __init__(self, engine: Engine, till: str, wait_s: float = 1.0) -> None:
        self.engine, self.till, self.wait_s = engine, till, wait_s
        self._watch: ChangeWatch | None = None
        self._seen = -1  # the first call answers at once

    def __call__(self) -> DisplayState:
        try:
            if self._watch is None:
                self._watch = ChangeWatch(self.engine, self.till)
            self._watch.wait(self._seen, self.wait_s)
            state = display_state(self.engine, self.till)
        except Exception:
            self.close()
            raise
        self._seen = state.version
        return state

    def close(self) -> None:
        if self._watch is not None:
            try:
                self._watch.close()
            except psycopg.Error:
                pass  # the connection is gone already
            self._watch = None


def wait_for_change(engine: Engine, till: str, after_version: int, timeout_s: float) -> int:
    """Wait (at most `timeout_s`) for till `till` to publish a version after `after_version`; returns the version
    then (or the current one on timeout). A display that waits again and again keeps one ChangeWatch instead."""
    with ChangeWatch(engine, till) as watch:
        return watch.wait(after_version, timeout_s)
