"""Training mode in the till core: practice sales are priced and printed as TRAINING but touch nothing
in the ledger (stock, takings, attribution, receipt numbers, reports); switching needs a manager."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from escpos.printer import Dummy
from sqlalchemy import Engine, text

from common.values import Actor
from pos.sales.till_core import Event, ManagerActionDone, Problem, SaleCompleted, TillCore, TrainingChanged
from pos.staff.audit import audit_trail
from receipts.escpos_receipt import render_receipt
from receipts.model import StoreHeader
from receipts.printers import PrinterSettings
from ledger_helpers import staffed

HOODIE_M = "2000000000039"  # Night Bus Hoodie, M, Black, £55
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))


def _ledger_counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as connection:
        return tuple(
            connection.execute(text(sql)).scalar_one()
            for sql in (
                "SELECT COUNT(*) FROM sales", "SELECT COUNT(*) FROM sale_lines", "SELECT COUNT(*) FROM payments",
                "SELECT COUNT(*) FROM line_attributions", "SELECT COUNT(*) FROM stock_movements",
                "SELECT last_receipt_no FROM tills WHERE name = 'till-1'",
            )
        )


def _core(engine: Engine, tmp_path: Path, events: list[Event]) -> tuple[TillCore, dict]:  # type: ignore[type-arg]
    people = staffed(engine, *PEOPLE)
    core = TillCore(
        Actor.signed_in(people["AMA"], "till-1", lambda: NOW), StoreHeader(),
        PrinterSettings(kind="file", directory=tmp_path / "receipts"), listener=events.append,
    )
    core.open(lambda: engine)
    return core, people


def test_a_training_sale_touches_nothing_and_its_slip_says_training(demo_engine: Engine, tmp_path: Path) -> None:
    events: list[Event] = []
    core, people = _core(demo_engine, tmp_path, events)
    core.set_training(True, people["MGR"])
    assert core.training and isinstance(events[-1], TrainingChanged) and events[-1].on
    before = _ledger_counts(demo_engine)

    core.enter(HOODIE_M)
    core.pay(core.cash(6000))
    [completed] = [event for event in events if isinstance(event, SaleCompleted)]
    receipt = completed.sale.receipt
    assert receipt.training and completed.sale.change_pence == 500 and receipt.vat_pence == 917
    assert _ledger_counts(demo_engine) == before  # no sale, line, payment, attribution, movement or receipt number
    printer = Dummy()
    render_receipt(printer, receipt)
    assert printer.output.count(b"TRAINING - NOT A RECEIPT") == 2  # headed and footed
    [slip] = (tmp_path / "receipts").glob("*.bin")
    assert slip.name.startswith("training-") and b"TRAINING - NOT A RECEIPT" in slip.read_bytes()

    core.set_training(False, people["MGR"])
    core.enter(HOODIE_M)
    core.pay(core.card())
    assert _ledger_counts(demo_engine)[0] == before[0] + 1  # real again
    actions = [(entry.action, entry.staff, entry.approved_by) for entry in audit_trail(demo_engine)]
    assert ("training_on", "AMA", "MGR") in actions and ("training_off", "AMA", "MGR") in actions
    # the one trace a training sale leaves: an audit entry the shift's X and Z count (no approval needed)
    [practice] = [entry for entry in audit_trail(demo_engine) if entry.action == "training_sale"]
    assert (practice.till, practice.staff, practice.approved_by) == ("till-1", "AMA", "")
    assert practice.detail == "training sale 1: £55.00 (practice, not in the takings)"


def test_the_shift_report_counts_training_sales_and_leaves_them_out_of_every_figure(
    demo_engine: Engine, tmp_path: Path,
) -> None:
    from pos.reports.shift import x_report

    from datetime import timedelta

    from pos.shifts.services import close_shift, open_shift
    from ledger_helpers import as_staff

    events: list[Event] = []
    core, people = _core(demo_engine, tmp_path, events)
    # A shift opened on the core's clock (the fixture's opened on the real one), so its window holds NOW.
    close_shift(as_staff(demo_engine, people["MGR"], now=NOW - timedelta(hours=2)), people["MGR"], counted_pence=0)
    open_shift(as_staff(demo_engine, people["MGR"], now=NOW - timedelta(hours=1)), 0)
    core.set_training(True, people["MGR"])
    for _ in range(3):
        core.enter(HOODIE_M)
        core.pay(core.cash(6000))
    core.set_training(False, people["MGR"])
    core.enter(HOODIE_M)
    core.pay(core.card())
    report = x_report(demo_engine, "till-1")
    assert report.training_sales == 3
    assert (report.sales_count, report.net_pence, report.by_tender, report.cash.cash_sales_pence) == \
        (1, 5500, {"card": 5500}, 0)


def test_a_cashier_cannot_switch_training_on(demo_engine: Engine, tmp_path: Path) -> None:
    events: list[Event] = []
    core, people = _core(demo_engine, tmp_path, events)
    core.set_training(True, people["AMA"])
    assert not core.training
    assert isinstance(events[-1], Problem) and "Ama is not a manager" in events[-1].message


def test_no_sale_is_audited_and_kicks_the_drawer_through_the_printer(demo_engine: Engine, tmp_path: Path) -> None:
    events: list[Event] = []
    core, people = _core(demo_engine, tmp_path, events)
    core.no_sale(people["MGR"])
    assert isinstance(events[-1], ManagerActionDone) and "drawer is open" in events[-1].message
    [pulse] = (tmp_path / "receipts").glob("drawer-*.bin")
    printed = pulse.read_bytes()
    assert printed.startswith(b"\x1bp\x0022")  # ESC p: the drawer pulse on pin 2, first
    assert b"NO SALE" in printed and b"Drawer opened by Sam" in printed  # then the no-sale slip
    assert [(e.action, e.approved_by) for e in audit_trail(demo_engine) if e.action == "no_sale"] == [("no_sale", "MGR")]


def test_no_sale_without_a_printer_is_still_recorded(demo_engine: Engine, tmp_path: Path) -> None:
    events: list[Event] = []
    core, people = _core(demo_engine, tmp_path, events)
    core.printer = PrinterSettings(kind="none")
    core.no_sale(people["MGR"])
    assert isinstance(events[-1], ManagerActionDone) and "use the drawer key" in events[-1].message
    assert [e.action for e in audit_trail(demo_engine)].count("no_sale") == 1


def test_cancelling_a_basket_empties_it_and_records_its_lines(demo_engine: Engine, tmp_path: Path) -> None:
    events: list[Event] = []
    core, people = _core(demo_engine, tmp_path, events)
    core.enter(HOODIE_M)
    core.enter(HOODIE_M)
    core.cancel_basket(people["AMA"])  # a cashier's own approval is refused; the basket stays
    assert core.basket.units == 2
    core.cancel_basket(people["MGR"])
    assert core.basket.is_empty()
    [entry] = [e for e in audit_trail(demo_engine) if e.action == "basket_cancelled"]
    assert entry.detail == "2 x Night Bus Hoodie (M Black) NBH-BLA-M (£110.00)"
    assert (entry.staff, entry.approved_by) == ("AMA", "MGR")


def test_in_training_the_customer_display_stays_idle_and_follows_the_till_again_after(
    demo_engine: Engine, tmp_path: Path,
) -> None:
    """A customer at the counter is never shown a practice basket, its total or a thank-you for it."""
    from pos.display.read import display_state

    events: list[Event] = []
    core, people = _core(demo_engine, tmp_path, events)
    core.set_training(True, people["MGR"])
    idle = display_state(demo_engine, "till-1")
    assert (idle.status, idle.lines, idle.total_pence) == ("idle", (), 0)
    core.enter(HOODIE_M)
    core.pay(core.cash(6000))
    assert display_state(demo_engine, "till-1") == idle  # nothing published for the practice sale

    core.set_training(False, people["MGR"])
    core.enter(HOODIE_M)
    real = display_state(demo_engine, "till-1")
    assert real.status == "basket" and real.total_pence == 5500 and real.version > idle.version
