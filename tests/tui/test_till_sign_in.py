"""Signing in at the till, wrong PINs, and locking (Ctrl+L and idle): who served each sale is in the ledger."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label

from common.values import Actor
from pos.demo import DEMO_CASHIER, DEMO_MANAGER
from pos.staff.services import add_staff, staff_member, unit_of_work
from pos.tui.app import TillApp
from pos.tui.screens.sign_in import SignInScreen
from tui_helpers import TEE_WHITE_M, basket_lines, query, sale_screen, scan, settle, type_in


async def opened(pilot: Pilot[Any]) -> None:
    """Wait until the till has opened its ledger behind the sign-in screen."""
    for _ in range(2000):
        if pilot.app.core.is_open:
            break
        await pilot.pause(0.01)
    await settle(pilot)


async def sign_in(pilot: Pilot[Any], code: str, pin: str) -> None:
    await type_in(pilot, "#sign-in-code", code)
    await type_in(pilot, "#sign-in-pin", pin)


def sign_in_error(app: TillApp) -> str:
    return str(app.screen.query_one("#sign-in-error", Label).content)


def staff_of_sales(ledger_path: Path) -> list[str]:
    return [code for (code,) in query(ledger_path, "SELECT s.code FROM sales JOIN staff s ON s.id = sales.staff_id ORDER BY sales.id")]


async def test_the_till_opens_on_sign_in_and_sales_record_who_signed_in(
    make_app: Callable[..., TillApp], ledger_path: Path
) -> None:
    app = make_app(signed_in=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        assert isinstance(app.screen, SignInScreen)
        code, name, _role, pin = DEMO_CASHIER
        await sign_in(pilot, code, pin)
        screen = sale_screen(app)
        assert name in str(screen.query_one("#till-name", Label).content)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6", "enter")
        await settle(pilot)
    assert staff_of_sales(ledger_path) == [code]


async def test_five_wrong_pins_lock_that_person_for_a_minute(make_app: Callable[..., TillApp]) -> None:
    app = make_app(signed_in=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await type_in(pilot, "#sign-in-code", DEMO_CASHIER[0])
        for tries_left in (4, 3, 2, 1):
            await type_in(pilot, "#sign-in-pin", "0000")
            assert f"{tries_left} {'try' if tries_left == 1 else 'tries'} left" in sign_in_error(app)
        await type_in(pilot, "#sign-in-pin", "0000")
        assert "locked for a minute" in sign_in_error(app)
        await type_in(pilot, "#sign-in-pin", DEMO_CASHIER[3])  # the right PIN, but locked now
        assert "locked" in sign_in_error(app) and "Try again in" in sign_in_error(app)
        assert isinstance(app.screen, SignInScreen)


async def test_someone_with_no_pin_chooses_it_at_their_first_sign_in(
    make_app: Callable[..., TillApp], ledger: Any
) -> None:
    manager = staff_member(ledger, DEMO_MANAGER[0])
    add_staff(unit_of_work(ledger, Actor("test")), "NEW1", "Kai New", "cashier", by=manager)
    app = make_app(signed_in=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await sign_in(pilot, "NEW1", "0000")  # whatever is typed, the till finds there is no PIN yet
        assert "has no PIN yet" in str(app.screen.query_one("#sign-in-prompt", Label).content)
        await type_in(pilot, "#sign-in-pin", "4826")
        await type_in(pilot, "#sign-in-pin", "4862")  # a different confirmation starts again
        assert "differ" in sign_in_error(app)
        await type_in(pilot, "#sign-in-pin", "4826")
        await type_in(pilot, "#sign-in-pin", "4826")
        assert "Kai New" in str(sale_screen(app).query_one("#till-name", Label).content)
    assert query_pin_is_hashed(ledger, "NEW1")


def query_pin_is_hashed(ledger: Any, code: str) -> bool:
    from pos.staff.services import list_staff

    return next(person for person in list_staff(ledger) if person.code == code).has_pin


async def test_ctrl_l_locks_and_the_next_person_finds_the_basket_kept(
    make_app: Callable[..., TillApp], ledger_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, SignInScreen)
        assert "The basket is kept: 1 item, £25.00." in str(app.screen.query_one("#sign-in-kept", Label).content)
        await pilot.press("f6")  # nothing at the till works while it is locked
        assert isinstance(app.screen, SignInScreen)
        code, name, _role, pin = DEMO_MANAGER
        await sign_in(pilot, code, pin)
        assert basket_lines(app) == [("RLT-WHI-M", 1)]
        assert name in str(sale_screen(app).query_one("#till-name", Label).content)
        await pilot.press("f6", "enter")
        await settle(pilot)
    assert staff_of_sales(ledger_path) == [code]


async def test_a_sale_saving_when_the_till_locks_keeps_who_served_it(
    make_app: Callable[..., TillApp], ledger_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await scan(pilot, TEE_WHITE_M)
        await pilot.press("f6", "enter", "ctrl+l")  # paid, and locked before the sale is saved
        await sign_in(pilot, DEMO_MANAGER[0], DEMO_MANAGER[3])
        await settle(pilot)
    assert staff_of_sales(ledger_path) == [DEMO_CASHIER[0]]


async def test_the_till_locks_itself_after_the_idle_time(make_app: Callable[..., TillApp]) -> None:
    app = make_app(signed_in=None, lock_after_s=1.5)  # the idle time is injectable; the default is 5 minutes
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await sign_in(pilot, DEMO_CASHIER[0], DEMO_CASHIER[3])  # the idle time counts from here
        await scan(pilot, TEE_WHITE_M)
        for _ in range(8):  # keys keep it open
            await pilot.pause(0.25)
            await pilot.press("escape")
        assert not isinstance(app.screen, SignInScreen)
        await pilot.pause(2.5)
        assert isinstance(app.screen, SignInScreen)
        assert app.core.serving is None
        await sign_in(pilot, DEMO_CASHIER[0], DEMO_CASHIER[3])
        assert basket_lines(app) == [("RLT-WHI-M", 1)]


async def test_the_demo_help_and_readme_give_the_demo_managers_code_and_pin(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import html

    from pos.demo import demo_till

    code, _name, _role, pin = DEMO_MANAGER
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"code `{code}`, PIN `{pin}`" in readme
    monkeypatch.chdir(tmp_path)
    app = demo_till()
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        assert app.core.serving is not None and app.core.serving.code == DEMO_CASHIER[0]  # no sign-in in the demo
        await pilot.press("f1")
        await pilot.pause()
        shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert f"code {code}, PIN {pin}" in shown


async def test_code_enter_pin_enter_typed_without_a_pause_signs_in_and_never_shows_the_pin(
    make_app: Callable[..., TillApp], ledger_path: Path
) -> None:
    """A cashier who knows their code types straight on: the PIN must reach the PIN field, not the code's."""
    from tui_helpers import post_burst

    app = make_app(signed_in=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        code, name, _role, pin = DEMO_CASHIER
        post_burst(app, f"{code}\r{pin}")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#sign-in-code", Input).value == code  # the PIN is not in plain sight
        assert app.screen.query_one("#sign-in-pin", Input).value == pin, sign_in_error(app)
        post_burst(app, "\r")
        await settle(pilot, ("lookups",))
        await pilot.pause()
        assert name in str(sale_screen(app).query_one("#till-name", Label).content)
