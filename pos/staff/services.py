"""Staff: adding, PINs, disabling, signing in, and a manager's approval.

Role checks live here, not in the faces: a service that needs authority calls `require_manager`
with the approver the face obtained through `approve` (a manager's code and PIN). A PIN is
checked outside any write transaction (scrypt takes ~50 ms); only the outcome is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, func, insert, select, update

from common.clock import utc_naive
from common.errors import ImportProblem, InvalidImport, NotAllowed, PosError
from common.limits import STAFF_NAME_MAX
from common.values import Actor, StaffMember
from inventory.csvfile import read_csv
from inventory.db import UnitOfWork
from inventory.models import Participant
from pos.staff.audit import record
from pos.staff.models import Staff
from pos.staff.pins import check_pin_format, hash_pin, pin_matches

ROLES = ("cashier", "manager")
STAFF_CODE_MAX = 16
MAX_WRONG_PINS = 5
LOCKOUT = timedelta(minutes=1)
STAFF_COLUMNS = ("code", "name", "role")
STAFF_OPTIONAL = ("participant",)

_CODE = re.compile(rf"[A-Za-z0-9_-]{{1,{STAFF_CODE_MAX}}}", re.ASCII)
_STAFF = Staff.__table__


class SignInRefused(NotAllowed):
    """A sign-in or approval that did not go through: wrong code, wrong PIN, locked or disabled."""


class PinNotSet(PosError):
    """The person has no PIN yet: they choose one now (first sign-in)."""

    def __init__(self, member: StaffMember) -> None:
        self.member = member
        super().__init__(f"{member.name} has no PIN yet: choose one of 4 to 8 digits.")


@dataclass(frozen=True)
class StaffInfo:
    """A staff row as `pos staff list` shows it: never the PIN or its hash."""

    code: str
    name: str
    role: str
    participant: str  # the participant code, or ""
    active: bool
    has_pin: bool


def unit_of_work(engine: Engine, actor: Actor) -> UnitOfWork:
    """A unit of work for a face to hand to these services (the faces import no database module)."""
    return UnitOfWork(engine, actor)


def check_staff_code(code: str) -> str:
    if not _CODE.fullmatch(code):
        raise NotAllowed(
            f"'{code}' cannot be a staff code: use 1 to {STAFF_CODE_MAX} letters, digits, '-' or '_' (like AMA or MGR1)."
        )
    return code


def _check_display_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > STAFF_NAME_MAX or not name.isprintable():
        raise NotAllowed(f"The name to show on receipts needs 1 to {STAFF_NAME_MAX} printable characters.")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise NotAllowed(f"'{role}' is not a role: use cashier or manager.")
    return role


def _member(row: Row[Any]) -> StaffMember:
    return StaffMember(row.id, row.code, row.display_name, row.role)


def _row_by_code(connection: Connection, code: str) -> Row[Any] | None:
    return connection.execute(select(_STAFF).where(_STAFF.c.code == code)).first()


def _existing(connection: Connection, code: str) -> Row[Any]:
    row = _row_by_code(connection, code)
    if row is None:
        raise NotAllowed(f"There is no staff member with code '{code}'. `pos staff list` shows them.")
    return row


def _has_manager(connection: Connection) -> bool:
    found = connection.execute(
        select(_STAFF.c.id).where(_STAFF.c.role == "manager", _STAFF.c.active.is_(True)).limit(1)
    ).first()
    return found is not None


_ROLE_OF = select(_STAFF.c.role, _STAFF.c.active).where(_STAFF.c.id == bindparam("staff_id"))  # built once: every approval reads it


def require_manager(uow: UnitOfWork, approver: StaffMember | None, what: str) -> StaffMember:
    """The approver of `what`, checked in the ledger to be an active manager; else NotAllowed.

    Called inside the caller's `with uow:` by every service that needs authority.
    """
    if approver is None:
        raise NotAllowed(f"{what} needs a manager's approval: ask a manager to approve it with their code and PIN.")
    row = uow.connection.execute(_ROLE_OF, {"staff_id": approver.id}).first()
    if row is None or not row.active or row.role != "manager":
        raise NotAllowed(f"{approver.name} is not a manager, so cannot approve {what}. Ask a manager.")
    return approver


def require_manager_once_staffed(uow: UnitOfWork, approver: StaffMember | None, what: str) -> StaffMember | None:
    """`require_manager` once the ledger has a manager; before that (setting up), anyone named may act."""
    if not _has_manager(uow.connection):
        return approver
    return require_manager(uow, approver, what)


def _require_staff_manager(uow: UnitOfWork, by: StaffMember | None, what: str, *, first_manager: bool) -> None:
    """Changing staff needs a manager, except adding the very first manager of a new ledger."""
    if first_manager and not _has_manager(uow.connection):
        return
    require_manager(uow, by, what)


def _participant_id(connection: Connection, code: str | None) -> int | None:
    if not code:
        return None
    found = connection.execute(select(Participant.id).where(Participant.code == code)).scalar()
    if found is None:
        raise NotAllowed(f"There is no participant with code '{code}'. Check the code in the participants file.")
    return int(found)


def _insert_staff(uow: UnitOfWork, code: str, name: str, role: str, participant: str | None) -> None:
    connection = uow.connection
    if _row_by_code(connection, code) is not None:
        raise NotAllowed(f"Staff code '{code}' is taken already. Choose another.")
    connection.execute(
        insert(_STAFF),
        {
            "code": code, "display_name": name, "role": role, "participant_id": _participant_id(connection, participant),
            "active": True, "failed_pins": 0, "created_at": utc_naive(uow.now),
        },
    )


def add_staff(
    uow: UnitOfWork, code: str, name: str, role: str, *, participant: str | None = None, by: StaffMember | None = None,
) -> StaffInfo:
    """Add someone who signs in at the till; they choose their PIN at their first sign-in.

    Needs a manager (`by`), except for the first manager of a ledger that has none.
    """
    check_staff_code(code)
    name = _check_display_name(name)
    _check_role(role)
    with uow:
        _require_staff_manager(uow, by, "Adding staff", first_manager=role == "manager")
        _insert_staff(uow, code, name, role, participant)
        record(uow, "staff_added", f"{code} ({name}) as {role}", approved_by_id=by.id if by else None)
        uow.commit()
    return StaffInfo(code, name, role, participant or "", True, False)


def import_staff(uow: UnitOfWork, path: Path, *, by: StaffMember | None = None, dry_run: bool = False) -> int:
    """Add every person in a CSV (code,name,role[,participant]; no PINs), all or nothing. Needs a manager."""
    rows = read_csv(path, STAFF_COLUMNS, STAFF_OPTIONAL)
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    checked: list[tuple[str, str, str, str]] = []
    for row in rows:
        code, name, role, participant = row.get("code"), row.get("name"), row.get("role").lower(), row.get("participant")
        try:
            check_staff_code(code)
            _check_display_name(name)
            _check_role(role)
        except NotAllowed as error:
            problems.append(ImportProblem(row.line, str(error)))
            continue
        if code in seen:
            problems.append(ImportProblem(row.line, f"staff code '{code}' appears twice in the file"))
        seen.add(code)
        checked.append((code, name.strip(), role, participant))
    if problems:
        raise InvalidImport(str(path), problems)
    with uow:
        require_manager(uow, by, "Importing staff")
        for line, (code, name, role, participant) in zip((row.line for row in rows), checked, strict=True):
            try:
                _insert_staff(uow, code, name, role, participant or None)
            except NotAllowed as error:
                problems.append(ImportProblem(line, str(error)))
        if problems:
            raise InvalidImport(str(path), problems)
        record(uow, "staff_imported", f"{len(checked)} from {path.name}", approved_by_id=by.id if by else None)
        if not dry_run:
            uow.commit()
    return len(checked)


def list_staff(engine: Engine) -> list[StaffInfo]:
    query = (
        select(_STAFF.c.code, _STAFF.c.display_name, _STAFF.c.role, Participant.code, _STAFF.c.active, _STAFF.c.pin_hash)
        .outerjoin(Participant, Participant.id == _STAFF.c.participant_id)
        .order_by(_STAFF.c.code)
    )
    with engine.connect() as connection:
        return [
            StaffInfo(code, name, role, participant or "", bool(active), pin_hash is not None)
            for code, name, role, participant, active, pin_hash in connection.execute(query)
        ]


def set_pin(uow: UnitOfWork, code: str, pin: str, *, by: StaffMember | None) -> None:
    """A manager sets (or resets) someone's PIN; it also lifts a lock-out."""
    check_pin_format(pin)
    stored = hash_pin(pin)
    with uow:
        row = _existing(uow.connection, code)
        require_manager(uow, by, "Setting a PIN")
        _store_pin(uow, row.id, stored)
        record(uow, "pin_set", f"PIN set for {code}", approved_by_id=by.id if by else None)
        uow.commit()


def set_first_pin(uow: UnitOfWork, code: str, pin: str) -> StaffMember:
    """Someone with no PIN yet chooses theirs at their first sign-in, and is signed in."""
    check_pin_format(pin)
    stored = hash_pin(pin)
    with uow:
        row = _existing(uow.connection, code)
        if row.pin_hash is not None:
            raise NotAllowed(f"{row.display_name} has a PIN already. A manager can reset it.")
        if not row.active:
            raise SignInRefused(f"{row.display_name} cannot sign in any more. Ask a manager.")
        _store_pin(uow, row.id, stored)
        record(uow, "pin_set", f"first PIN chosen by {code}", staff_id=row.id)
        uow.commit()
    return _member(row)


def _store_pin(uow: UnitOfWork, staff_id: int, stored: str) -> None:
    uow.connection.execute(
        update(_STAFF).where(_STAFF.c.id == staff_id).values(pin_hash=stored, failed_pins=0, locked_until=None)
    )


def disable_staff(uow: UnitOfWork, code: str, *, by: StaffMember | None) -> None:
    """They can no longer sign in; their sales keep their name. The last manager cannot be disabled."""
    with uow:
        row = _existing(uow.connection, code)
        require_manager(uow, by, "Disabling staff")
        if row.role == "manager":
            others = uow.connection.execute(
                select(func.count()).where(_STAFF.c.role == "manager", _STAFF.c.active.is_(True), _STAFF.c.id != row.id)
            ).scalar_one()
            if not others:
                raise NotAllowed(f"{code} is the only manager left; add another manager before disabling them.")
        uow.connection.execute(update(_STAFF).where(_STAFF.c.id == row.id).values(active=False))
        record(uow, "staff_disabled", f"{code} ({row.display_name})", approved_by_id=by.id if by else None)
        uow.commit()


def sign_in(uow: UnitOfWork, code: str, pin: str) -> StaffMember:
    """The staff member behind `code` and `pin`, or SignInRefused (recorded in the audit trail).

    Five wrong PINs in a row lock that person for a minute. Someone with no PIN yet gets PinNotSet.
    """
    code = code.strip()
    with uow.engine.connect() as connection:
        row = _row_by_code(connection, code)
    now = utc_naive(uow.actor.clock())
    if row is None:
        _refuse(uow, None, f"unknown staff code '{code[:STAFF_CODE_MAX]}'",
                f"There is no staff code '{code[:STAFF_CODE_MAX]}'. Check your code and try again.")
    if not row.active:
        _refuse(uow, row.id, f"{code} is disabled", f"{row.display_name} cannot sign in any more. Ask a manager.")
    if row.locked_until is not None and row.locked_until > now:
        seconds = int((row.locked_until - now).total_seconds()) + 1
        raise SignInRefused(
            f"{row.display_name} is locked after {MAX_WRONG_PINS} wrong PINs. Try again in {seconds} seconds."
        )
    if row.pin_hash is None:
        raise PinNotSet(_member(row))
    if not pin_matches(pin, row.pin_hash):
        _wrong_pin(uow, row)
    if row.failed_pins:
        with uow:
            uow.connection.execute(update(_STAFF).where(_STAFF.c.id == row.id).values(failed_pins=0))
            uow.commit()
    return _member(row)


def approve(uow: UnitOfWork, code: str, pin: str, what: str) -> StaffMember:
    """A manager's approval of `what`, given on the spot with their code and PIN."""
    member = sign_in(uow, code, pin)
    if not member.is_manager:
        raise SignInRefused(f"{member.name} is not a manager. {what} needs a manager's code and PIN.")
    return member


def _refuse(uow: UnitOfWork, staff_id: int | None, detail: str, message: str) -> None:
    with uow:
        record(uow, "failed_sign_in", detail, staff_id=staff_id)
        uow.commit()
    raise SignInRefused(message)


def _wrong_pin(uow: UnitOfWork, row: Row[Any]) -> None:
    with uow:
        failed = uow.connection.execute(
            update(_STAFF).where(_STAFF.c.id == row.id).values(failed_pins=_STAFF.c.failed_pins + 1)
            .returning(_STAFF.c.failed_pins)
        ).scalar_one()
        record(uow, "failed_sign_in", f"wrong PIN for {row.code} ({failed} of {MAX_WRONG_PINS})", staff_id=row.id)
        if failed >= MAX_WRONG_PINS:
            until = utc_naive(uow.now + LOCKOUT)
            uow.connection.execute(update(_STAFF).where(_STAFF.c.id == row.id).values(failed_pins=0, locked_until=until))
            record(uow, "lockout", f"{row.code} locked for {int(LOCKOUT.total_seconds())} seconds", staff_id=row.id)
        uow.commit()
    if failed >= MAX_WRONG_PINS:
        raise SignInRefused(
            f"Wrong PIN. {row.display_name} is now locked for a minute after {MAX_WRONG_PINS} wrong PINs."
        )
    left = MAX_WRONG_PINS - failed
    raise SignInRefused(f"Wrong PIN for {row.code}. {left} {'try' if left == 1 else 'tries'} left before a one-minute lock.")


def staff_member(engine: Engine, code: str) -> StaffMember:
    """The staff member with `code`, without a PIN: only for the demo's signed-in cashier and for tests."""
    with engine.connect() as connection:
        row = _existing(connection, code)
    return _member(row)
