"""`pos wall --serve` in a real headless browser (Debian's chromium), as the store's big screen shows it, while a
till core in another process sells on the suite's ledger (SQLite, or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from served_page import browser, need_chromium, served
from test_cli import base_env
from till_process import Till

JACKET_L = "2000000000527"  # Collab Coach Jacket, by Amara Osei, Rhea Nvarro (consented) and Kai Blake (did not)
AMARA = "https://www.linkedin.com/in/amara-osei-designs"  # the jacket's first consenting designer (40%)
KAI = ("Kai Blake", "drop shoulder")  # his name and a phrase of his story, which he did not consent to publish


def test_the_wall_in_a_browser_shows_a_sale_as_it_happens_with_consent(
    demo_engine: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    need_chromium()
    till = Till(ledger_url)
    try:
        with served(["wall", "--db", ledger_url], cwd=tmp_path, env=base_env(), log=tmp_path / "serve.log") as serving, \
                browser(serving.url, tmp_path / "profile") as page:
            page.wait_for("The event so far")
            serving.check_started(["wall"], hiding=ledger_url)  # `ps` shows no password

            till.do(f"scan {JACKET_L}")
            till.do("card")
            screen = page.wait_for("Collab Coach Jacket, designed by")
            flowing = " ".join(screen.split())
            assert "Collab Coach Jacket, designed by Amara Osei, Rhea Nvarro and one of our designers" in flowing
            assert "1 garment sold · £85.00" in flowing
            # A sale brings up its first consenting designer's story card, with her code.
            assert page.codes(tmp_path / "wall.png", [AMARA]) == [AMARA]
        sent = page.received.decode("utf-8", "replace")
        assert "Collab Coach Jacket" in sent and not any(word in sent for word in KAI)
    finally:
        till.close()
