"""`pos display` as a customer sees it, following a till that another process drives, on the ledger of the
suite (SQLite, or PostgreSQL with POS_TEST_DATABASE_URL): each scan shows with its designers, consent
applied, and the sale's thanks when it is paid."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from pos.display.read import Follower, consented_makers
from pos.tui.display_app import ANONYMOUS, THANK_YOU, DisplayApp
from terminal_qr import decode_half_blocks
from till_process import Till
from test_display_app import SIZE, screen_lines, screen_text, until

HOODIE_M = "2000000000039"  # Night Bus Hoodie, by Amara Osei (consented)
JACKET_L = "2000000000527"  # Collab Coach Jacket, by Amara Osei, Rhea Nvarro and Kai Blake (did not consent)


async def test_the_display_follows_a_till_in_another_process(demo_engine: Engine, ledger_url: str, tmp_path: Path) -> None:
    follower = Follower(demo_engine, "till-1", wait_s=0.5)
    app = DisplayApp(follower, lambda: consented_makers(demo_engine), poll_s=0.05)
    till = Till(ledger_url)
    try:
        async with app.run_test(size=SIZE) as pilot:
            till.do(f"scan {HOODIE_M}")
            # the basket line, not the maker's name: the idle screen may be showing Amara Osei's story already
            await until(pilot, lambda: "Night Bus Hoodie · M · Black" in screen_text(app))
            await pilot.pause()  # the code is laid out after the name
            assert "Made by Amara Osei" in screen_text(app)
            assert decode_half_blocks(_scanned_makers_code(app), tmp_path / "qr.pbm") == [
                "https://www.linkedin.com/in/amara-osei-designs"]

            till.do(f"scan {JACKET_L}")
            await until(pilot, lambda: "Made by Rhea Nvarro" in screen_text(app))
            text = screen_text(app)
            assert "Made by Rhea Nvarro" in text and ANONYMOUS in text  # Kai Blake is one of our designers
            assert "Kai Blake" not in text and "kai-blake" not in text.lower()

            till.do("card")
            await until(pilot, lambda: THANK_YOU in screen_text(app))
            assert "£140.00" in screen_text(app)
    finally:
        till.close()
        follower.close()


def _scanned_makers_code(app: DisplayApp) -> list[str]:
    """The rows where the scanned garment's (first) maker's code is drawn, cut out of the screen as drawn."""
    region = app.screen.query("#scanned-makers .maker-qr").first().region
    return [row[region.x:region.right] for row in screen_lines(app)[region.y:region.bottom]]
