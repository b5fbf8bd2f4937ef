"""The till publishes its basket for a customer display; the display reads it back with consent applied."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from common.values import Actor
from pos.config import ConfigError, load_settings
from pos.display.publish import publish_basket
from pos.display.read import STORY_LINE_MAX, consented_makers, display_state, one_line, wait_for_change
from pos.display.state import DisplayLine, DisplayMaker
from pos.sales.till_core import BasketChanged, InlineLane, Lanes, SaleCompleted, SaleRefused, SaleSaving, TillCore
from receipts.model import StoreHeader

NIGHT_BUS_M = "NBH-BLA-M"  # Night Bus Hoodie, M, Black, £55: Amara Osei (consented)
LOGO_TEE_S = "RLT-WHI-S"  # Recycled Logo Tee, S, White, £25: Lu Wen (did not consent; has a profile address)
COLLAB_M = "CCJ-BLA-M"  # Collab Coach Jacket, £85: Amara Osei 40%, Kai Blake 30% (did not consent), Rhea Nvarro 30%
AMARA = DisplayMaker(
    "Amara Osei", "Screen-prints bold type inspired by night buses and late shifts in south London.",
    "https://www.linkedin.com/in/amara-osei-designs",
)
RHEA = DisplayMaker("Rhea Nvarro", "Mixes workwear with football-terrace colours.", "https://www.linkedin.com/in/rhea-nvarro")
# What the demo catalogue holds of the makers who did not consent: none of it may reach a display.
WITHHELD = ("Kai Blake", "heavyweight hoodies", "Lu Wen", "recycled cotton", "lu-wen-studio")


def _till(engine: Engine, lanes: Lanes | None = None, **options: Any) -> tuple[TillCore, list[object]]:
    events: list[object] = []
    core = TillCore(Actor("Sam", "till-1"), StoreHeader(), None, lanes=lanes or Lanes.inline(),
                    listener=events.append, **options)
    core.open(lambda: engine)
    return core, events


def test_each_scan_publishes_a_new_version_with_the_lines_total_and_the_garment_just_scanned(demo_engine: Engine) -> None:
    assert display_state(demo_engine, "till-1").version == 0  # nothing published yet: idle at version 0
    core, _ = _till(demo_engine)
    opened = display_state(demo_engine, "till-1")
    assert (opened.status, opened.lines, opened.last_scanned) == ("idle", (), None)

    core.enter(NIGHT_BUS_M)
    first = display_state(demo_engine, "till-1")
    assert first.version > opened.version and first.status == "basket"
    assert first.lines == (DisplayLine("Night Bus Hoodie", "M", "Black", 1, 5500),)
    assert first.last_scanned is not None and first.last_scanned.design == "Night Bus Hoodie"
    assert first.last_scanned.makers == (AMARA,)

    core.enter(LOGO_TEE_S)
    core.enter(NIGHT_BUS_M)
    now = display_state(demo_engine, "till-1")
    assert now.version > first.version
    assert now.lines == (DisplayLine("Night Bus Hoodie", "M", "Black", 2, 11_000), DisplayLine("Recycled Logo Tee", "S", "White", 1, 2500))
    assert now.total_pence == 13_500
    assert now.last_scanned is not None and now.last_scanned.design == "Night Bus Hoodie"
    assert now.updated_at is not None

    core.remove(1)
    core.remove(0)
    emptied = display_state(demo_engine, "till-1")
    assert (emptied.status, emptied.lines, emptied.total_pence, emptied.last_scanned) == ("idle", (), 0, None)


def test_a_paid_sale_shows_paid_with_the_change_then_the_next_basket_starts(demo_engine: Engine) -> None:
    core, events = _till(demo_engine)
    core.enter(NIGHT_BUS_M)
    core.enter(LOGO_TEE_S)
    core.pay(core.cash(10_000))  # £80 paid with £100

    assert any(isinstance(event, SaleCompleted) for event in events)
    paid = display_state(demo_engine, "till-1")
    assert (paid.status, paid.change_pence, paid.total_pence, len(paid.lines)) == ("paid", 2000, 8000, 2)

    core.enter(LOGO_TEE_S)
    after = display_state(demo_engine, "till-1")
    assert (after.status, after.change_pence, after.total_pence) == ("basket", 0, 2500)
    assert after.version > paid.version


def test_a_sale_the_ledger_refuses_shows_its_items_back_not_paid(demo_engine: Engine) -> None:
    core, events = _till(demo_engine)
    core.enter(NIGHT_BUS_M)
    with demo_engine.begin() as connection:  # the price changed after the scan: the sale is refused at payment
        connection.execute(text("UPDATE variants SET price_pence = 6000 WHERE sku = :sku"), {"sku": NIGHT_BUS_M})
    core.pay(core.card())

    assert isinstance(events[-1], SaleRefused)
    shown = display_state(demo_engine, "till-1")
    assert (shown.status, shown.total_pence) == ("basket", 6000)  # back at the new price, as on the till
    assert shown.lines == (DisplayLine("Night Bus Hoodie", "M", "Black", 1, 6000),)


def test_a_designer_who_did_not_consent_is_never_named_quoted_or_linked(demo_engine: Engine) -> None:
    core, _ = _till(demo_engine)
    core.enter(COLLAB_M)
    collab = display_state(demo_engine, "till-1")
    assert collab.last_scanned is not None
    assert collab.last_scanned.makers == (AMARA, DisplayMaker(None), RHEA)  # largest share first

    core.enter(LOGO_TEE_S)
    tee = display_state(demo_engine, "till-1")
    assert tee.last_scanned is not None and tee.last_scanned.makers == (DisplayMaker(None),)
    assert not tee.last_scanned.makers[0].consented

    idle_screen = consented_makers(demo_engine)
    assert [maker.name for maker in idle_screen] == ["Amara Osei", "Dev Thakkar", "Rhea Nvarro", "Tobi Sanusi"]
    for shown in (repr(collab), repr(tee), repr(idle_screen)):
        assert not [secret for secret in WITHHELD if secret in shown]


def test_a_story_is_cut_to_its_first_full_stop_and_one_line() -> None:
    assert one_line("Prints by hand.  Has done since 2019!") == "Prints by hand."
    long = one_line("word " * 60)
    assert len(long) <= STORY_LINE_MAX and long.endswith("…")


def test_while_a_publish_runs_only_the_newest_basket_waits_for_it(demo_engine: Engine) -> None:
    held = HeldLane()
    core, _ = _till(demo_engine, Lanes(InlineLane(), InlineLane(), InlineLane(), held))
    core.enter(NIGHT_BUS_M)
    core.enter(LOGO_TEE_S)
    core.enter(COLLAB_M)
    assert len(held.jobs) == 1  # the opening's publish is running; the scans' states wait as one
    held.run_all()
    state = display_state(demo_engine, "till-1")
    assert held.ran == 2 and state.version == 2  # the idle one, then only the newest basket
    assert len(state.lines) == 3 and state.last_scanned is not None and state.last_scanned.design == "Collab Coach Jacket"


def test_a_till_that_cannot_publish_still_sells_and_only_notes_it(demo_engine: Engine) -> None:
    with demo_engine.begin() as connection:
        connection.execute(text("DROP TABLE till_displays"))
    core, events = _till(demo_engine)
    core.enter(NIGHT_BUS_M)
    sale = core.pay(core.card())

    assert [type(event) for event in events[-3:]] == [BasketChanged, SaleSaving, SaleCompleted]
    assert core.last_sale is not None and core.pending == [] and sale.total_pence == 5500
    assert "display" in core.display_problem  # a quiet note for whoever looks, never a problem on the screen
    with demo_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sales")).scalar() == 1


def test_a_till_set_not_to_publish_writes_nothing(demo_engine: Engine, tmp_path: Path) -> None:
    config = tmp_path / "pos.toml"
    config.write_text("[store]\nname = \"Makers\"\n", encoding="utf-8")
    assert load_settings(config).display_publish is True  # publishing is on unless turned off
    config.write_text("[display]\npublish = false\n", encoding="utf-8")
    settings = load_settings(config)
    assert settings.display_publish is False
    core, _ = _till(demo_engine, publishes=settings.display_publish)
    core.enter(NIGHT_BUS_M)
    assert display_state(demo_engine, "till-1").version == 0

    config.write_text('[display]\npublish = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="display.publish"):
        load_settings(config)


def test_a_display_waiting_wakes_on_a_publish_from_another_process(demo_engine: Engine) -> None:
    assert wait_for_change(demo_engine, "till-1", 0, 0.3) == 0  # nothing published: the wait times out
    url = demo_engine.url.render_as_string(hide_password=False)
    publisher = subprocess.Popen([sys.executable, "-c", _PUBLISH_LATER, url])
    try:
        started = time.monotonic()
        version = wait_for_change(demo_engine, "till-1", 0, 20.0)
        waited = time.monotonic() - started
    finally:
        assert publisher.wait(timeout=30) == 0
    assert version == 1 and waited < 15.0
    assert display_state(demo_engine, "till-1").lines == (DisplayLine("Night Bus Hoodie", "M", "Black", 1, 5500),)


_PUBLISH_LATER = """
import sys, time
from inventory.db import make_engine
from pos.display.publish import publish_basket
from pos.display.state import DisplayLine
engine = make_engine(sys.argv[1])
time.sleep(1.0)
publish_basket(engine, "till-1", "basket", [DisplayLine("Night Bus Hoodie", "M", "Black", 1, 5500)], 5500, None)
"""


class HeldLane:
    """A display lane whose jobs wait until the test runs them (a slow ledger, seen from the till)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []
        self.ran = 0

    def submit(self, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        self.jobs.append((job, then))

    def notify(self, callback: Callable[[], None]) -> None:
        callback()

    def run_all(self) -> None:
        while self.jobs:
            job, then = self.jobs.pop(0)
            self.ran += 1
            then(job())


def test_a_display_following_a_till_wakes_on_each_publish_and_reconnects_after_losing_the_ledger(
        demo_engine: Engine) -> None:
    from pos.display.read import Follower

    follower = Follower(demo_engine, "till-1", wait_s=5.0)
    try:
        assert follower().version == 0  # the first look answers at once
        started = time.monotonic()
        assert follower().version == 0 and time.monotonic() - started >= 4.5  # nothing new: it waited its time
        threading.Timer(0.3, lambda: publish_basket(
            demo_engine, "till-1", "basket", [DisplayLine("Night Bus Hoodie", "M", "Black", 1, 5500)], 5500, None)).start()
        started = time.monotonic()
        state = follower()
        assert state.version == 1 and state.total_pence == 5500
        assert time.monotonic() - started < 2.0  # woken by the publish, not by its 5 s timeout
        if demo_engine.dialect.name == "postgresql":  # the server drops the display's listening connection
            with demo_engine.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE query LIKE 'LISTEN%' AND datname = current_database()"))
            with pytest.raises(Exception):  # noqa: B017 - what the driver raises; the display shows "reconnecting"
                follower()
        publish_basket(demo_engine, "till-1", "idle", [], 0, None)
        assert follower().status == "idle"  # connected again, and following
    finally:
        follower.close()
