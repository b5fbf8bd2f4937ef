"""Catalogue changes as use cases: a participant's details and consent, a price, a SKU's details,
retiring a SKU, and imports with --update.

Once the ledger has a manager, every change needs one (`by`: a manager who approved with their code
and PIN); before that, the acting name is recorded. The changes themselves, and their log, are the
catalogue layer's (inventory.changes); each use case here commits once or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from common.values import StaffMember
from inventory import changes as catalogue
from inventory.changes import Change
from inventory.db import UnitOfWork
from inventory.imports import UpdatePlan, plan_update
from pos.staff.services import require_manager_once_staffed

WHAT = "Changing the catalogue"


def _change(uow: UnitOfWork, by: StaffMember | None, work: Callable[[str], list[Change]]) -> list[Change]:
    with uow:
        approver = require_manager_once_staffed(uow, by, WHAT)
        made = work(approver.code if approver else "")
        uow.commit()
    return made


def edit_participant(
    uow: UnitOfWork, code: str, *, name: str | None = None, story: str | None = None, linkedin_url: str | None = None,
    by: StaffMember | None = None,
) -> list[Change]:
    """Correct a participant's name, story or LinkedIn address."""
    catalogue.check_participant_fields(name, story, linkedin_url)
    return _change(uow, by, lambda approved_by: catalogue.edit_participant(
        uow, code, name=name, story=story, linkedin_url=linkedin_url, approved_by=approved_by,
        source="pos participants edit"))


def set_consent(uow: UnitOfWork, code: str, consent: bool, *, by: StaffMember | None = None) -> list[Change]:
    """Give or withdraw consent to show the participant's name, story and profile; it holds from now on
    on every receipt, reprint, preview, look-up and report (they read it live)."""
    return _change(uow, by, lambda approved_by: catalogue.edit_participant(
        uow, code, consent=consent, approved_by=approved_by, source="pos participants consent"))


def change_price(uow: UnitOfWork, sku: str, price_pence: int, *, by: StaffMember | None = None) -> list[Change]:
    """The SKU's price for every sale from now on; past sales keep theirs."""
    catalogue.check_price(price_pence)
    return _change(uow, by, lambda approved_by: catalogue.set_price(
        uow, sku, price_pence, approved_by=approved_by, source="pos products price"))


def edit_product(
    uow: UnitOfWork, sku: str, *, name: str | None = None, category: str | None = None, size: str | None = None,
    colour: str | None = None, by: StaffMember | None = None,
) -> list[Change]:
    """Correct a SKU's size or colour, or its design's name or category."""
    return _change(uow, by, lambda approved_by: catalogue.edit_product(
        uow, sku, name=name, category=category, size=size, colour=colour, approved_by=approved_by,
        source="pos products edit"))


def retire_product(uow: UnitOfWork, sku: str, *, by: StaffMember | None = None) -> list[Change]:
    """The SKU no longer sells; its sales, refunds and stock movements stay."""
    return _change(uow, by, lambda approved_by: catalogue.retire_sku(
        uow, sku, approved_by=approved_by, source="pos products retire"))


def update_from_file(
    uow: UnitOfWork, kind: str, path: Path, *, by: StaffMember | None = None, dry_run: bool = False
) -> UpdatePlan:
    """Import participants or products with --update: new rows are added, rows already in the catalogue
    are changed where they differ (each difference logged). A dry run changes nothing."""
    with uow:
        approver = require_manager_once_staffed(uow, by, WHAT)
        plan = plan_update(uow, kind, path, approved_by=approver.code if approver else "")
        if not dry_run:
            uow.commit()
    return plan if not dry_run else plan.as_dry_run()
