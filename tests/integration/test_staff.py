"""Staff, PINs, sign-in, lock-out and manager approval: the rules live in the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from common.errors import InvalidImport, NotAllowed
from common.values import Actor
from inventory.db import UnitOfWork
from pos.sales.checkout import card_tender
from pos.sales.services import complete_sale
from pos.staff.audit import audit_trail
from pos.staff.services import (
    MAX_WRONG_PINS, PinNotSet, SignInRefused, add_staff, approve, disable_staff, import_staff, list_staff, set_first_pin,
    set_pin, sign_in,
)
from ledger_helpers import SettableClock, as_staff, by, staffed

START = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))


def test_the_first_manager_needs_nobody_then_adding_staff_needs_a_manager(engine: Engine) -> None:
    with pytest.raises(NotAllowed, match="needs a manager's approval"):
        add_staff(by(engine), "AMA", "Ama", "cashier")  # the first person must be a manager
    add_staff(by(engine), "MGR", "Sam", "manager")
    with pytest.raises(NotAllowed, match="needs a manager's approval"):
        add_staff(by(engine), "MGR2", "Jo", "manager")  # now there is a manager, nobody else adds
    assert [person.code for person in list_staff(engine)] == ["MGR"]


def test_a_cashier_cannot_add_staff_set_pins_or_disable(engine: Engine) -> None:
    people = staffed(engine, *PEOPLE)
    cashier = people["AMA"]
    for attempt in (
        lambda: add_staff(by(engine), "BEN", "Ben", "cashier", by=cashier),
        lambda: set_pin(by(engine), "MGR", "9999", by=cashier),
        lambda: disable_staff(by(engine), "MGR", by=cashier),
    ):
        with pytest.raises(NotAllowed, match="Ama is not a manager"):
            attempt()
    assert sign_in(by(engine), "MGR", "2468").code == "MGR"  # the manager's PIN did not change


def test_first_sign_in_chooses_a_pin_then_signs_in_with_it(engine: Engine) -> None:
    manager = staffed(engine, PEOPLE[0])["MGR"]
    add_staff(by(engine), "AMA", "Ama", "cashier", by=manager)
    with pytest.raises(PinNotSet):
        sign_in(by(engine), "AMA", "")
    with pytest.raises(NotAllowed, match="4 to 8 digits"):
        set_first_pin(by(engine), "AMA", "12ab")
    set_first_pin(by(engine), "AMA", "1357")
    with pytest.raises(NotAllowed, match="has a PIN already"):
        set_first_pin(by(engine), "AMA", "0000")
    member = sign_in(by(engine), "AMA", "1357")
    assert (member.code, member.name, member.role) == ("AMA", "Ama", "cashier")


def test_pins_are_stored_only_as_a_salted_slow_hash(engine: Engine) -> None:
    staffed(engine, *PEOPLE)
    with engine.connect() as connection:
        hashes = connection.execute(text("SELECT pin_hash FROM staff ORDER BY code")).scalars().all()
        everything = " ".join(str(row) for table in ("staff", "audit_events")
                              for row in connection.execute(text(f"SELECT * FROM {table}")))
    assert all(stored.startswith("scrypt$16384$") for stored in hashes)
    assert "2468" not in everything and "1357" not in everything


def test_five_wrong_pins_lock_that_person_for_a_minute(engine: Engine) -> None:
    staffed(engine, *PEOPLE)
    clock = SettableClock(START)
    at_till = UnitOfWork(engine, Actor("", "till-1", clock))
    for attempt in range(1, MAX_WRONG_PINS):
        with pytest.raises(SignInRefused, match=f"{MAX_WRONG_PINS - attempt} tr"):
            sign_in(at_till, "AMA", "0000")
    with pytest.raises(SignInRefused, match="locked for a minute"):
        sign_in(at_till, "AMA", "0000")
    with pytest.raises(SignInRefused, match="locked after 5 wrong PINs"):
        sign_in(at_till, "AMA", "1357")  # even the right PIN waits
    assert sign_in(at_till, "MGR", "2468").code == "MGR"  # only that person is locked
    clock.now += timedelta(seconds=61)
    assert sign_in(at_till, "AMA", "1357").code == "AMA"
    actions = [(entry.action, entry.staff, entry.till) for entry in audit_trail(engine)]
    assert actions.count(("failed_sign_in", "AMA", "till-1")) == MAX_WRONG_PINS
    assert ("lockout", "AMA", "till-1") in actions


def test_an_unknown_code_is_refused_and_recorded(engine: Engine) -> None:
    staffed(engine, *PEOPLE)
    with pytest.raises(SignInRefused, match="There is no staff code 'ZED'"):
        sign_in(by(engine), "ZED", "1234")
    assert audit_trail(engine)[-1].detail == "unknown staff code 'ZED'"


def test_only_a_manager_approves(engine: Engine) -> None:
    staffed(engine, *PEOPLE)
    with pytest.raises(SignInRefused, match="Ama is not a manager"):
        approve(by(engine), "AMA", "1357", "A refund")
    with pytest.raises(SignInRefused, match="Wrong PIN"):
        approve(by(engine), "MGR", "1111", "A refund")
    assert approve(by(engine), "MGR", "2468", "A refund").is_manager


def test_a_disabled_person_cannot_sign_in_and_the_last_manager_stays(engine: Engine) -> None:
    people = staffed(engine, *PEOPLE)
    manager = people["MGR"]
    with pytest.raises(NotAllowed, match="only manager left"):
        disable_staff(by(engine), "MGR", by=manager)
    disable_staff(by(engine), "AMA", by=manager)
    with pytest.raises(SignInRefused, match="cannot sign in any more"):
        sign_in(by(engine), "AMA", "1357")
    assert [(p.code, p.active) for p in list_staff(engine)] == [("AMA", False), ("MGR", True)]


def test_a_manager_resets_a_pin_and_lifts_a_lock(engine: Engine) -> None:
    people = staffed(engine, *PEOPLE)
    for _ in range(MAX_WRONG_PINS):
        with pytest.raises(SignInRefused):
            sign_in(by(engine), "AMA", "0000")
    set_pin(by(engine), "AMA", "8642", by=people["MGR"])
    assert sign_in(by(engine), "AMA", "8642").code == "AMA"


def test_a_sale_records_who_served_it(demo_engine: Engine) -> None:
    cashier = staffed(demo_engine, *PEOPLE)["AMA"]
    with demo_engine.connect() as connection:
        price = connection.execute(text("SELECT price_pence FROM variants WHERE id = 1")).scalar_one()
    complete_sale(as_staff(demo_engine, cashier), [(1, 1)], [card_tender(price)])
    with demo_engine.connect() as connection:
        staff_id, name = connection.execute(text("SELECT staff_id, staff FROM sales")).one()
    assert (staff_id, name) == (cashier.id, "Ama")


def test_importing_staff_is_all_or_nothing_with_every_bad_line(engine: Engine, tmp_path: Path) -> None:
    manager = staffed(engine, PEOPLE[0])["MGR"]
    bad = tmp_path / "staff.csv"
    bad.write_text("code,name,role\nAMA,Ama,cashier\nB N,Ben,cashier\nCAL,Cal,boss\nAMA,Again,cashier\n")
    with pytest.raises(InvalidImport) as refused:
        import_staff(by(engine), bad, by=manager)
    assert [problem.line for problem in refused.value.problems] == [3, 4, 5]
    assert [p.code for p in list_staff(engine)] == ["MGR"]
    good = tmp_path / "good.csv"
    good.write_text("code,name,role,participant\nAMA,Ama,cashier,\nBEN,Ben,manager,\n")
    with pytest.raises(NotAllowed, match="needs a manager's approval"):
        import_staff(by(engine), good)
    assert import_staff(by(engine), good, by=manager) == 2
    assert [(p.code, p.role, p.has_pin) for p in list_staff(engine)] == [
        ("AMA", "cashier", False), ("BEN", "manager", False), ("MGR", "manager", True),
    ]
