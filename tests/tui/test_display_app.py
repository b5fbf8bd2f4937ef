"""The customer display (pos display) driven by a source the test controls: a list of published states
stepped through, as the till would publish them. What the customer sees is read from the screen as drawn.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from pos.display.state import DisplayLine, DisplayMaker, DisplayState, ScannedItem
from pos.tui.display_app import ANONYMOUS, LOST, THANK_YOU, DisplayApp
from terminal_qr import decode_half_blocks

SIZE = (100, 32)
AMARA = DisplayMaker("Amara Osei", "Paints the night buses of Peckham.", "https://www.linkedin.com/in/amara-osei")
KOFI = DisplayMaker("Kofi Mensah", "Turns street signs into prints.", "https://www.linkedin.com/in/kofi-mensah")
HIDDEN = DisplayMaker(None)  # did not consent: all the display knows is that someone made it
# What a non-consenting maker's details would be if they ever leaked into the values shown.
HIDDEN_WORDS = ("Jordan Hale", "Grew up", "linkedin.com/in/jordan-hale")
HOODIE = DisplayLine("Night Bus Hoodie", "M", "Black", 1, 4_500)
TEE = DisplayLine("Street Sign Tee", "L", "White", 2, 3_600)


def _state(version: int, status: str = "basket", **fields: Any) -> DisplayState:
    return DisplayState(till="T1", version=version, status=status, **fields)  # type: ignore[arg-type]


BASKET = _state(2, lines=(HOODIE, TEE), total_pence=8_100,
                last_scanned=ScannedItem("Night Bus Hoodie", (AMARA,)))
HIDDEN_SCAN = _state(3, lines=(HOODIE, TEE), total_pence=8_100,
                     last_scanned=ScannedItem("Street Sign Tee", (HIDDEN,)))
PAID = _state(4, "paid", lines=(HOODIE, TEE), total_pence=8_100, change_pence=1_900)
IDLE = _state(1, "idle")


class Steps:
    """The till's published state, stepped by the test; `fail` makes the next reads raise, as a lost ledger does."""

    def __init__(self, *states: DisplayState) -> None:
        self.states = list(states)
        self.at = 0
        self.fail = False

    def step(self) -> None:
        self.at += 1

    def __call__(self) -> DisplayState:
        if self.fail:
            raise ConnectionError("server closed the connection unexpectedly")
        return self.states[self.at]


def _display(steps: Steps, makers: list[DisplayMaker] | None = None, rotate_s: float = 8.0) -> DisplayApp:
    return DisplayApp(steps, lambda: list(makers or []), poll_s=0.05, rotate_s=rotate_s)


def screen_lines(app: DisplayApp) -> list[str]:
    """The screen as drawn, one string a row (the compositor's own strips: what a terminal would show)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: DisplayApp) -> str:
    return "\n".join(screen_lines(app))


async def until(pilot: Pilot[Any], shown: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Wait for the display to catch up (it polls on a timer), failing if it does not within timeout_s."""
    deadline = time.monotonic() + timeout_s
    while not shown():
        assert time.monotonic() < deadline, "the display did not catch up:\n" + screen_text(pilot.app)  # type: ignore[arg-type]
        await pilot.pause(0.05)


async def _on(pilot: Pilot[Any], version: int) -> None:
    await until(pilot, lambda: pilot.app.version == version)  # type: ignore[attr-defined]
    await pilot.pause()


def qr_lines(app: DisplayApp) -> list[str]:
    """The rows of the screen where the (first) QR code is drawn, cut out of the screen as drawn."""
    region = app.screen.query(".maker-qr").first().region
    return [row[region.x:region.right] for row in screen_lines(app)[region.y:region.bottom]]


async def test_basket_lines_and_total_are_shown() -> None:
    app = _display(Steps(BASKET))
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        text = screen_text(app)
        assert "Night Bus Hoodie · M · Black" in text and "£45.00" in text
        assert "2 × Street Sign Tee · L · White" in text and "£36.00" in text
        assert "Total £81.00" in text


async def test_the_scanned_garment_shows_its_consenting_maker_story_and_code(tmp_path: Path) -> None:
    app = _display(Steps(BASKET))
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        text = screen_text(app)
        assert "Made by Amara Osei" in text and AMARA.story in text
        assert ANONYMOUS not in text
        assert decode_half_blocks(qr_lines(app), tmp_path / "qr.pbm") == [AMARA.profile_url]


async def test_a_maker_who_did_not_consent_is_only_one_of_our_designers() -> None:
    steps = Steps(BASKET, HIDDEN_SCAN)
    app = _display(steps, makers=[AMARA])
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        steps.step()
        await _on(pilot, 3)
        text = screen_text(app)
        assert "Street Sign Tee" in text and ANONYMOUS in text
        assert not app.screen.query(".maker-qr") and not app.screen.query(".maker-name")
        for word in (*HIDDEN_WORDS, "Amara Osei", AMARA.story, "▀▀▀▀▀▀▀"):  # nor the last garment's maker or code
            assert word not in text


async def test_paid_shows_the_change_and_a_thank_you() -> None:
    steps = Steps(BASKET, PAID)
    app = _display(steps)
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        steps.step()
        await _on(pilot, 4)
        text = screen_text(app)
        assert THANK_YOU in text and "Your change" in text and "Total £81.00" in text
        assert str(app.query_one("#change").value) == "£19.00"  # type: ignore[attr-defined]
        assert "Night Bus Hoodie" not in text


async def test_idle_shows_the_consented_makers_one_after_another_and_never_anyone_else() -> None:
    shown: list[str] = []
    app = _display(Steps(IDLE), makers=[AMARA, HIDDEN, KOFI], rotate_s=0.3)
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 1)
        deadline = time.monotonic() + 5
        while len(set(shown)) < 2 or len(shown) < 6:
            assert time.monotonic() < deadline, f"the stories did not rotate: {shown}"
            text = screen_text(app)
            assert ANONYMOUS not in text and all(word not in text for word in HIDDEN_WORDS)
            for maker in (AMARA, KOFI):
                if f"Made by {maker.name}" in text:
                    assert maker.story in text
                    shown.append(str(maker.name))
            await pilot.pause(0.1)
        assert set(shown) == {"Amara Osei", "Kofi Mensah"}


async def test_a_lost_ledger_says_so_keeps_the_screen_and_recovers() -> None:
    steps = Steps(BASKET, HIDDEN_SCAN)
    app = _display(steps)
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        steps.fail = True
        await until(pilot, lambda: LOST in screen_text(app))
        assert "Total £81.00" in screen_text(app)  # the last basket stays up meanwhile
        steps.fail = False
        steps.step()
        await _on(pilot, 3)
        await until(pilot, lambda: LOST not in screen_text(app))
        assert ANONYMOUS in screen_text(app)


async def test_a_slow_ledger_never_freezes_the_screen() -> None:
    """A read that hangs waits on its worker thread: the screen keeps drawing, and shows the answer when it comes."""
    answer = threading.Event()

    def hanging() -> DisplayState:
        answer.wait(10)
        return BASKET

    app = DisplayApp(hanging, list, poll_s=0.05)
    async with app.run_test(size=SIZE) as pilot:
        started = time.monotonic()
        await pilot.pause(0.3)
        assert time.monotonic() - started < 1.0 and app.version is None
        assert "Makers' Till" in screen_text(app)
        answer.set()
        await _on(pilot, 2)
        assert "Total £81.00" in screen_text(app)


def test_snapshot_of_the_basket_with_a_makers_code(snap_compare: Any) -> None:
    """How the customer sees a basket at 100x32, the hoodie just scanned with its maker's story and code.

    Update after an intended change with: pytest tests/tui/test_display_app.py --snapshot-update
    """

    async def scanned(pilot: Pilot[Any]) -> None:
        await _on(pilot, 2)

    assert snap_compare(_display(Steps(BASKET)), terminal_size=SIZE, run_before=scanned)


async def test_a_long_basket_keeps_its_newest_line_and_the_total_in_view() -> None:
    many = tuple(DisplayLine(f"Design {number:02}", "M", "Black", 1, 1_000) for number in range(1, 41))
    app = _display(Steps(_state(5, lines=many, total_pence=40_000, last_scanned=ScannedItem("Design 40", (HIDDEN,)))))
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 5)
        await until(pilot, lambda: "Design 40 · M · Black" in screen_text(app))
        text = screen_text(app)
        assert "Total £400.00" in text
        assert "Design 01 · M" not in text


async def test_a_long_story_line_wraps_within_the_panel_and_is_shown_whole() -> None:
    long_story = "Screen-prints bold type inspired by night buses and late shifts in south London, one colour at a time."
    maker = DisplayMaker("Amara Osei", long_story, AMARA.profile_url)
    app = _display(Steps(_state(2, lines=(HOODIE,), total_pence=4_500, last_scanned=ScannedItem("Night Bus Hoodie", (maker,)))))
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        flowing = " ".join(" ".join(line.strip(" ▏") for line in screen_text(app).splitlines()).split())
        assert long_story in flowing  # every word on screen, none cut at the panel's edge


async def test_a_garment_of_several_makers_names_each_and_shows_their_codes_in_turn_on_screen(tmp_path: Path) -> None:
    """Two codes do not fit one under the other at 100x32: every maker is named, and the consented makers'
    codes take turns in one place, each whole on the screen and named above it."""
    collab = _state(2, lines=(HOODIE,), total_pence=8_500,
                    last_scanned=ScannedItem("Collab Coach Jacket", (AMARA, HIDDEN, KOFI)))
    app = DisplayApp(Steps(collab), list, poll_s=0.05, code_turn_s=0.4)
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        text = screen_text(app)
        for maker in (AMARA, KOFI):
            assert f"Made by {maker.name}" in text and maker.story in text
        assert ANONYMOUS in text and all(word not in text for word in HIDDEN_WORDS)
        decoded: dict[str, str] = {}
        deadline = time.monotonic() + 5
        while len(decoded) < 2:
            assert time.monotonic() < deadline, f"the codes did not take turns: {decoded}"
            assert len(app.screen.query(".maker-qr")) == 1
            region = app.screen.query(".maker-qr").first().region
            assert region.bottom <= SIZE[1], "the code runs off the bottom of the screen"
            caption = next(line for line in screen_lines(app) if "Scan to meet" in line)
            (url,) = decode_half_blocks(qr_lines(app), tmp_path / "qr.pbm")
            decoded[caption.split("Scan to meet ")[1].split(" (")[0]] = url
            await pilot.pause(0.2)
        assert decoded == {"Amara Osei": AMARA.profile_url, "Kofi Mensah": KOFI.profile_url}


async def test_a_customer_at_the_keyboard_finds_no_command_palette() -> None:
    """Served to a tablet (--serve), the page takes keys: Ctrl+P must not open Textual's palette of commands."""
    app = _display(Steps(BASKET))
    async with app.run_test(size=SIZE) as pilot:
        await _on(pilot, 2)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and "Total £81.00" in screen_text(app)
