"""The print queue: every receipt is queued with its sale, printed in order, never lost and never doubled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from common.values import ReceiptRef
from inventory.catalog import look_up_code
from pos.printing import print_waiting
from pos.sales.checkout import card_tender, cash_tender
from pos.sales.history import reprint_receipt
from pos.sales.models import PrintJob
from pos.sales.print_queue import recover_interrupted, requeue_unconfirmed, waiting_jobs
from pos.sales.services import complete_sale
from pos.staff.services import staff_member
from receipts.model import StoreHeader
from receipts.printers import PrinterSettings
from fake_printer import FakePrinter
from ledger_helpers import as_staff, staffed

STORE = StoreHeader(name="Makers' Store")
HOODIE_M = "2000000000039"  # Night Bus Hoodie, £55
TEE_S = "2000000000329"  # Recycled Logo Tee, £25
PEOPLE = (("MGR", "Sam", "manager", "2468"), ("AMA", "Ama", "cashier", "1357"))
KICK = b"\x1bp\x00"


@pytest.fixture
def people(demo_engine: Engine) -> dict:  # type: ignore[type-arg]
    return staffed(demo_engine, *PEOPLE)


def _sell(engine: Engine, people: dict, cash: bool = True, queue: bool = True) -> ReceiptRef:  # type: ignore[type-arg]
    item = look_up_code(engine, HOODIE_M).variant_id
    tender = cash_tender(5500, 6000) if cash else card_tender(5500)
    return complete_sale(as_staff(engine, people["AMA"]), [(item, 1)], [tender], store=STORE, queue_receipt=queue).reference


def _network(printer: FakePrinter) -> PrinterSettings:
    return PrinterSettings(kind="network", host="127.0.0.1", port=printer.port, timeout_s=0.5)


def _states(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(PrintJob.reference, PrintJob.state).order_by(PrintJob.id))]


def test_a_sale_queues_its_receipt_in_the_same_transaction(demo_engine: Engine, people: dict) -> None:  # type: ignore[type-arg]
    sold = _sell(demo_engine, people)
    [job] = waiting_jobs(demo_engine, "till-1")
    assert (job.document, job.reference, job.state, job.open_drawer) == ("receipt", str(sold), "queued", True)
    _sell(demo_engine, people, queue=False)  # `pos sell --no-print`, a till with no printer: nothing queued
    assert len(waiting_jobs(demo_engine)) == 1


def test_the_worker_prints_whole_receipts_to_a_network_printer_and_marks_them(demo_engine: Engine, people: dict) -> None:  # type: ignore[type-arg]
    first, second = _sell(demo_engine, people), _sell(demo_engine, people, cash=False)
    with FakePrinter() as printer:
        run = print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert printer.wait_for(2)
    assert run.printed == (f"Receipt {first} printed (127.0.0.1:{printer.port}).",
                           f"Receipt {second} printed (127.0.0.1:{printer.port}).")
    assert _states(demo_engine) == [(str(first), "printed"), (str(second), "printed")]
    one, two = printer.documents()
    assert b"Night Bus Hoodie" in one and str(first).encode() in one and str(second).encode() in two


def test_the_drawer_opens_on_a_cash_sale_and_not_on_a_card_sale(demo_engine: Engine, people: dict) -> None:  # type: ignore[type-arg]
    _sell(demo_engine, people, cash=True)
    _sell(demo_engine, people, cash=False)
    with FakePrinter() as printer:
        print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert printer.wait_for(2)
    cash, card = printer.documents()
    assert KICK in cash and KICK not in card


@pytest.mark.parametrize("fault", ["refuse", "silent", "no_accept", "reset", "paper_out"])
def test_a_faulty_printer_leaves_the_sales_committed_and_queued_then_prints_each_once(
    demo_engine: Engine, people: dict, fault: str  # type: ignore[type-arg]
) -> None:
    with FakePrinter(fault) as printer:
        sold = [_sell(demo_engine, people), _sell(demo_engine, people)]
        run = print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert run.problem.startswith(f"Receipt {sold[0]} did not print:") and run.waiting == 2
        assert [state for _, state in _states(demo_engine)] == ["queued", "queued"]
        assert printer.receipts == 0
        printer.restart("printer")
        again = print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert printer.wait_for(2) and again.ok and again.waiting == 0
        print_waiting(demo_engine, "till-1", _network(printer), STORE)  # a retry with nothing queued prints nothing
    assert printer.receipts == 2
    assert [state for _, state in _states(demo_engine)] == ["printed", "printed"]
    assert KICK not in printer.documents()[0]  # printed later: the drawer is not popped open then


def test_a_receipt_the_printer_did_not_confirm_waits_for_a_person_to_retry(demo_engine: Engine, people: dict) -> None:  # type: ignore[type-arg]
    sold = _sell(demo_engine, people)
    with FakePrinter("no_confirm") as printer:
        run = print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert run.unconfirmed and run.unconfirmed_waiting == 1 and not run.ok
        assert "was sent but not confirmed" in run.message()
        print_waiting(demo_engine, "till-1", _network(printer), STORE)  # not printed again by itself
        assert printer.receipts == 1
        printer.restart("printer")
        assert requeue_unconfirmed(demo_engine, "till-1") == 1
        print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert printer.wait_for(1)
    assert _states(demo_engine) == [(str(sold), "printed")]


def test_a_till_that_stopped_mid_print_finds_the_job_unconfirmed(demo_engine: Engine, people: dict) -> None:  # type: ignore[type-arg]
    _sell(demo_engine, people)
    with demo_engine.begin() as connection:
        connection.execute(update(PrintJob).values(state="printing", attempts=1))
    assert recover_interrupted(demo_engine, "till-1") == 1
    [job] = waiting_jobs(demo_engine, "till-1")
    assert job.state == "unconfirmed" and "check whether it came out" in job.last_error


def test_reprints_and_gift_receipts_go_through_the_queue(demo_engine: Engine, people: dict, tmp_path: Path) -> None:  # type: ignore[type-arg]
    sold = _sell(demo_engine, people, queue=False)
    member = staff_member(demo_engine, "AMA")
    reprint_receipt(as_staff(demo_engine, member), sold, STORE, queue=True)
    reprint_receipt(as_staff(demo_engine, member), sold, STORE, gift=True, queue=True)
    run = print_waiting(demo_engine, "till-1", PrinterSettings(kind="file", directory=tmp_path), STORE)
    assert run.printed == (f"Copy of receipt {sold} printed ({tmp_path / 'till-1-000001-copy.bin'}).",
                           f"Gift receipt for {sold} printed ({tmp_path / 'till-1-000001-gift.bin'}).")
    assert b"COPY" in (tmp_path / "till-1-000001-copy.bin").read_bytes()
    assert b"\xa355.00" not in (tmp_path / "till-1-000001-gift.bin").read_bytes()  # no prices (CP858 £)


KILLED_TILL = """
import os, sys
from sqlalchemy import event
from inventory.db import make_engine
from inventory.catalog import look_up_code
from pos.sales.checkout import cash_tender
from pos.sales.services import complete_sale
from pos.staff.services import staff_member
from ledger_helpers import as_staff

engine = make_engine(sys.argv[1])
member = staff_member(engine, "AMA")
item = look_up_code(engine, "2000000000039").variant_id
complete_sale(as_staff(engine, member), [(item, 1)], [cash_tender(5500)], queue_receipt=True)
os.kill(os.getpid(), 9)  # the power goes, between the commit and the printer
"""


def test_a_till_killed_between_the_commit_and_the_print_prints_it_at_the_next_start(
    demo_engine: Engine, people: dict, ledger_url: str  # type: ignore[type-arg]
) -> None:
    tests = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), str(tests.parent)])}
    killed = subprocess.run([sys.executable, "-c", KILLED_TILL, ledger_url], env=env, capture_output=True, timeout=60)
    assert killed.returncode == -9, killed.stderr.decode()
    [job] = waiting_jobs(demo_engine, "till-1")
    assert job.state == "queued"
    recover_interrupted(demo_engine, "till-1")  # what the till does when it starts again
    with FakePrinter() as printer:
        run = print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert printer.wait_for(1)
    assert run.printed and printer.receipts == 1


def test_a_cash_refund_and_an_exchange_print_their_slips_through_the_queue(demo_engine: Engine, people: dict) -> None:  # type: ignore[type-arg]
    from pos.sales.refunds import exchange, refund_sale

    sold = _sell(demo_engine, people, queue=False)
    second = _sell(demo_engine, people, queue=False)
    refund = refund_sale(as_staff(demo_engine, people["AMA"]), sold, [("NBH-BLA-M", 1, False)],
                         approved_by=people["MGR"], to="cash", store=STORE, queue_slip=True)
    tee = look_up_code(demo_engine, TEE_S).variant_id
    swap = exchange(as_staff(demo_engine, people["AMA"]), second, [("NBH-BLA-M", 1, False)], [(tee, 1)],
                    approved_by=people["MGR"], to="cash", store=STORE, queue_documents=True)
    assert [(job.document, job.reference, job.open_drawer) for job in waiting_jobs(demo_engine)] == [
        ("refund", str(refund.reference), True), ("exchange", str(swap.refund.reference), True)]
    with FakePrinter() as printer:
        run = print_waiting(demo_engine, "till-1", _network(printer), STORE)
        assert printer.wait_for(2)
    assert run.printed[1].startswith(f"Exchange slip {swap.refund.reference} printed")
    slip, exchanged = printer.documents()
    assert KICK in slip and b"REFUND" in slip
    assert KICK in exchanged and b"EXCHANGE" in exchanged and str(swap.sale.reference).encode() in exchanged
