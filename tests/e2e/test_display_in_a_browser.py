"""`pos display --serve` in a real headless browser (Debian's chromium), as a tablet at the counter shows it,
following a till core driven from another process, on the suite's ledger (SQLite, or PostgreSQL)."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

from sqlalchemy import Engine

from pos.tui.display_app import ANONYMOUS
from served_page import browser, need_chromium, served
from test_cli import base_env, pos
from till_process import Till

HOODIE_M = "2000000000039"  # Night Bus Hoodie, by Amara Osei (consented)
JACKET_L = "2000000000527"  # Collab Coach Jacket, by Amara Osei, Rhea Nvarro (consented) and Kai Blake (did not)
AMARA = "https://www.linkedin.com/in/amara-osei-designs"
RHEA = "https://www.linkedin.com/in/rhea-nvarro"
KAI = ("Kai Blake", "drop shoulder")  # his name and a phrase of his story, which he did not consent to publish


def test_a_tablet_browser_shows_the_scan_its_maker_and_a_code_that_reads(
    demo_engine: Engine, ledger_url: str, tmp_path: Path,
) -> None:
    need_chromium()
    till = Till(ledger_url)
    try:
        with served(["display", "--till", "till-1", "--db", ledger_url], cwd=tmp_path, env=base_env(),
                    log=tmp_path / "serve.log") as serving, browser(serving.url, tmp_path / "profile") as page:
            page.wait_for("Meet the makers")  # connected, the till idle
            serving.check_started(["display", "--till", "till-1"], hiding=ledger_url)  # `ps` shows no password

            till.do(f"scan {HOODIE_M}")
            screen = page.wait_for("Night Bus Hoodie · M · Black")
            assert "Made by Amara Osei" in screen
            assert page.codes(tmp_path / "hoodie.png", [AMARA]) == [AMARA]

            till.do(f"scan {JACKET_L}")
            screen = page.wait_for("Scan to meet Amara Osei (1 of 2)")  # several makers: their codes take turns
            assert "Collab Coach Jacket" in screen and "Made by Rhea Nvarro" in screen and ANONYMOUS in screen
            assert page.codes(tmp_path / "jacket-1.png", [AMARA]) == [AMARA]
            page.wait_for("Scan to meet Rhea Nvarro (2 of 2)")
            assert page.codes(tmp_path / "jacket-2.png", [RHEA]) == [RHEA]
        sent = page.received.decode("utf-8", "replace")
        assert "Rhea Nvarro" in sent  # what the server sent the page is readable text...
        assert not any(word in sent for word in KAI)  # ...and holds nothing of the designer who did not consent
    finally:
        till.close()


def test_a_port_already_taken_is_refused_in_plain_words_before_serving(demo_engine: Engine, ledger_url: str,
                                                                        tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = pos("display", "--till", "till-1", "--db", ledger_url, "--serve", "--host", "127.0.0.1", "--port", port,
                     cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr == (f"Error: Port {port} is already in use on this machine (another `pos ... --serve`?): "
                             "stop that, or give another port with --port N.\n")
    assert "Serving" not in result.stdout


def test_where_to_serve_is_refused_without_serve(tmp_path: Path) -> None:
    result = pos("display", "--till", "till-1", "--port", "8000", cwd=tmp_path, env=base_env())
    assert result.returncode == 1
    assert result.stderr == "Error: --port and --host say where to serve the page: give them with --serve.\n"


def test_the_page_connects_back_to_the_address_the_tablet_opened(demo_engine: Engine, ledger_url: str,
                                                                 tmp_path: Path) -> None:
    """Served on every address, the page must not tell the tablet to connect to 0.0.0.0 (or to 127.0.0.1)."""
    with served(["display", "--till", "till-1"], cwd=tmp_path, env=base_env(POS_DATABASE_URL=ledger_url),
                log=tmp_path / "serve.log") as serving:
        port = serving.url.rsplit(":", 1)[1].rstrip("/")
        request = urllib.request.Request(serving.url, headers={"Host": f"192.168.1.20:{port}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            page = response.read().decode()
    assert f'data-session-websocket-url="ws://192.168.1.20:{port}/ws"' in page
