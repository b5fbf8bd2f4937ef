"""The story wall (pos wall) as the store sees it: on a real ledger (the suite's: SQLite, or PostgreSQL with
POS_TEST_DATABASE_URL) as sales complete, and driven by a source the test controls for its feed and a lost
ledger. What the wall shows is read from the screen as drawn."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from common.clock import today
from pos.display.read import consented_makers
from pos.display.state import DisplayMaker
from pos.display.wall import WallSource
from pos.display.wall_state import Moment, Totals, WallUpdate
from pos.reports.designers import trading_span
from pos.reports.sales import sales_report
from pos.sales.refunds import refund_sale
from pos.tui.wall_app import LOST, MomentRow, StoryCard, WallApp, totals_text
from ledger_helpers import as_staff, staffed
from terminal_qr import decode_half_blocks
from test_display_app import screen_lines, screen_text, until
from wall_helpers import HIDDEN, sell

WIDE = (160, 45)  # a big screen: a moment fits on one line
SMALL = (80, 24)
BIG = (200, 56)  # a television's terminal
AMARA_URL = "https://www.linkedin.com/in/amara-osei-designs"
RHEA_URL = "https://www.linkedin.com/in/rhea-nvarro"
CONSENTED = {"Amara Osei", "Dev Thakkar", "Rhea Nvarro", "Tobi Sanusi"}  # data/participants.csv


def _wall(engine: Engine, rotate_s: float = 30.0) -> WallApp:
    return WallApp(WallSource(engine), lambda: consented_makers(engine), poll_s=0.05, rotate_s=rotate_s)


def card_code(app: WallApp, tmp_path: Path) -> list[str] | None:
    """What the story card's QR code decodes to, cut out of the screen as drawn ([] if there is none;
    None while a new card is not laid out yet)."""
    maker = app.query_one(StoryCard).maker
    if maker is None or not maker.profile_url:
        return []
    region = app.query_one(".story-qr").region
    if not region.area:
        return None
    lines = [row[region.x:region.right] for row in screen_lines(app)[region.y:region.bottom]]
    return decode_half_blocks(lines, tmp_path / "qr.pbm")


def card_name(app: WallApp) -> str | None:
    maker = app.query_one(StoryCard).maker
    return str(maker.name) if maker else None


async def test_a_garment_shows_with_its_designer_as_it_sells(demo_engine: Engine, tmp_path: Path) -> None:
    app = _wall(demo_engine)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.updates > 0)
        sell(demo_engine, "DSH-SAN-M")
        await until(pilot, lambda: "Drop Shoulder Hoodie, designed by one of our designers" in screen_text(app))
        sell(demo_engine, "NBH-BLA-M")
        await until(pilot, lambda: "Night Bus Hoodie, designed by Amara Osei" in screen_text(app))
        await pilot.pause()
        rows = [row.moment.design for row in app.query(MomentRow) if row.moment]
        assert rows == ["Night Bus Hoodie", "Drop Shoulder Hoodie"]  # the newest at the top
        assert card_name(app) == "Amara Osei"  # the maker of the garment just sold steps up
        assert card_code(app, tmp_path) == [AMARA_URL]


async def test_no_one_who_did_not_consent_is_named_quoted_or_linked_anywhere_on_the_wall(
    demo_engine: Engine, tmp_path: Path,
) -> None:
    for skus in (("CCJ-BLA-L",), ("DSH-SAN-M", "RLT-WHI-M"), ("MT-NAT-OS",)):
        sell(demo_engine, *skus)
    app = _wall(demo_engine, rotate_s=0.2)
    names: set[str] = set()
    codes: set[str] = set()
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: "Market Tote, designed by Dev Thakkar and Tobi Sanusi" in screen_text(app))
        text = screen_text(app)
        assert "Collab Coach Jacket, designed by Amara Osei, Rhea Nvarro and one of our designers" in text
        assert "Recycled Logo Tee, designed by one of our designers" in text
        for _ in range(60):  # every maker's turn, several times over
            await pilot.pause(0.05)
            text = screen_text(app)
            assert not [word for word in HIDDEN if word in text]
            name = card_name(app)
            if name is None or name in names:
                continue
            await pilot.pause()  # the new card drawn
            code = card_code(app, tmp_path)
            if card_name(app) == name and code is not None:
                names.add(name)
                codes.update(code)
            if names == CONSENTED:
                break
    assert names == CONSENTED
    assert codes == {AMARA_URL, RHEA_URL}  # Dev and Tobi have no profile on file; Lu Wen's is never drawn


async def test_the_totals_are_the_sales_reports_for_today_and_the_event(demo_engine: Engine) -> None:
    people = staffed(demo_engine, ("MGR", "Sam", "manager", "2468"))
    bought = sell(demo_engine, "CCJ-BLA-L", "SC-BLA-OS")
    sell(demo_engine, "NBH-BLA-M")
    refund_sale(as_staff(demo_engine, people["MGR"]), bought, [("SC-BLA-OS", 1, False)], approved_by=people["MGR"])
    app = _wall(demo_engine)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.updates > 0)
        await pilot.pause()
        day = sales_report(demo_engine, today())
        span = trading_span(demo_engine)
        assert span is not None
        event = sales_report(demo_engine, *span)
        text = screen_text(app)
        assert totals_text(Totals(day.sales_count, day.units, day.gross_pence)) == "2 garments sold · £140.00"
        assert "Today" in text and "The event so far" in text
        assert text.count("2 garments sold · £140.00") == 2  # today is the whole event here
        assert (event.units, event.gross_pence) == (day.units, day.gross_pence)


async def test_at_80_by_24_the_code_the_newest_sale_and_the_totals_are_all_in_view(
    demo_engine: Engine, tmp_path: Path,
) -> None:
    for sku in ("DSH-SAN-M", "CCJ-BLA-L", "PC-NAV-M", "SC-BLA-OS", "TTT-GRE-M", "NBH-BLA-M"):
        sell(demo_engine, sku)
    app = _wall(demo_engine)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: app.updates > 0 and card_name(app) == "Amara Osei")
        await pilot.pause()
        text = screen_text(app)
        assert card_code(app, tmp_path) == [AMARA_URL]
        assert "Night Bus Hoodie," in text  # the newest sale, at the top of the feed
        assert "6 garments sold · £335.00" in text
        qr = app.screen.query_one(".story-qr").region
        assert qr.bottom <= SMALL[1] and qr.right <= SMALL[0]


async def test_on_a_big_screen_the_code_is_drawn_twice_the_size_and_still_reads(demo_engine: Engine, tmp_path: Path) -> None:
    app = _wall(demo_engine)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: card_name(app) == "Amara Osei" and card_code(app, tmp_path) is not None)
        assert app.query_one(".story-qr").region.width == 37  # one column a module
        await pilot.resize_terminal(*BIG)
        await until(pilot, lambda: app.query_one(".story-qr").region.width == 74)  # two columns a module
        await pilot.pause()
        assert card_code(app, tmp_path) == [AMARA_URL]
        assert "Scan to connect" in screen_text(app)


class Sales:
    """A source the test controls: `per_call` new moments on each call (none while `quiet`), or a lost
    ledger when `fail` is set."""

    def __init__(self, per_call: int = 3) -> None:
        self.per_call = per_call
        self.sold = 0
        self.fail = False
        self.quiet = False

    def __call__(self) -> WallUpdate:
        if self.fail:
            raise ConnectionError("server closed the connection unexpectedly")
        moments = []
        for _ in range(0 if self.quiet else self.per_call):
            self.sold += 1
            maker = DisplayMaker(f"Maker {self.sold % 7}", "Prints by hand.", f"https://example.org/m{self.sold % 7}")
            moments.append(Moment(self.sold, self.sold, f"Design {self.sold}", 1, (maker,), datetime(2026, 11, 26, 12, tzinfo=UTC)))
        totals = Totals(self.sold, self.sold, 1_000 * self.sold)
        return WallUpdate(tuple(moments), totals, totals, date(2026, 11, 26))


async def test_the_feed_keeps_the_newest_moments_and_the_wall_does_not_grow() -> None:
    sales = Sales()
    app = WallApp(sales, list, poll_s=0.01, feed_size=5)

    async def widgets_once_quiet() -> int:
        """The widgets on the wall once the sales pause and the last changes have been drawn."""
        sales.quiet = True
        polled = app.updates
        await until(pilot, lambda: app.updates > polled + 2)
        await pilot.pause()
        return len(list(app.screen.walk_children()))

    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: app.updates >= 10)
        widgets_early = await widgets_once_quiet()
        sales.quiet = False
        await until(pilot, lambda: app.updates >= 200, timeout_s=60)
        widgets_late = await widgets_once_quiet()
        shown = [row.moment.sale_id for row in app.query(MomentRow) if row.moment]
        assert shown == list(range(sales.sold, sales.sold - 5, -1))  # the newest five, the newest at the top
        text = screen_text(app)
        assert f"Design {sales.sold}," in text and f"Design {sales.sold - 5}," not in text
        assert widgets_late == widgets_early
        assert sales.sold >= 250  # fifty times what the feed keeps


async def test_a_lost_ledger_says_so_keeps_the_wall_and_recovers() -> None:
    sales = Sales(per_call=1)
    app = WallApp(sales, list, poll_s=0.05)
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: "Design 1" in screen_text(app))
        sales.fail = True
        await until(pilot, lambda: LOST in screen_text(app))
        assert "Design 1" in screen_text(app)  # what was up stays up meanwhile
        sales.fail = False
        await until(pilot, lambda: LOST not in screen_text(app))
        await until(pilot, lambda: f"Design {sales.sold}" in screen_text(app))


async def test_with_no_consented_makers_the_wall_names_no_one() -> None:
    app = WallApp(Sales(per_call=0), lambda: [DisplayMaker(None)], poll_s=0.05)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: app.updates > 0)
        await pilot.pause()
        assert app.query_one(StoryCard).maker is None and not app.query_one(".story-name").display
        assert "Every garment here was designed by a maker" in screen_text(app)


async def test_a_visitor_at_the_keyboard_finds_no_command_palette() -> None:
    """Served to a browser (--serve), the page takes keys: Ctrl+P must not open Textual's palette of commands."""
    app = WallApp(Sales(per_call=0), list, poll_s=0.05)
    async with app.run_test(size=SMALL) as pilot:
        await until(pilot, lambda: app.updates > 0)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert len(app.screen_stack) == 1
