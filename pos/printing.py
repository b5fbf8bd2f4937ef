"""Printing after the commit: a till's print queue worked through in order, and what happened, in words.

`print_waiting` is the worker: it takes the till's queued jobs oldest first, renders each (from the
document in memory when the till just made it, else rebuilt from the ledger), sends it, and marks
it printed only when the printer confirms. It stops at the first job the printer refuses, so
receipts come out in order once it answers again; that job stays queued with its error. It never
raises for a printer fault: the sale is already safe in the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from common.errors import PosError
from receipts.model import Receipt, StoreHeader
from receipts.printers import PrinterError, PrinterSettings, print_receipt, print_refund_slip
from receipts.refund_slip import RefundSlip

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pos.sales.print_queue import PrintJobInfo

@dataclass(frozen=True)
class ExchangeDocument:
    """An exchange's slip: the refund of the goods returned and the new sale, printed as one."""

    refund: RefundSlip
    sale: Receipt


Document = Receipt | RefundSlip | ExchangeDocument


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    message: str


@dataclass(frozen=True)
class QueueRun:
    """What one pass of the worker did, and the queue it left."""

    printed: tuple[str, ...] = ()  # "Receipt till-1/000012 printed (127.0.0.1:9100)."
    problem: str = ""  # the printer refused: the first job left queued, and why
    fault: str = ""  # the printer's part of that: what it did, and what to check
    unconfirmed: tuple[str, ...] = ()  # sent but not confirmed
    waiting: int = 0  # jobs still queued after this pass
    unconfirmed_waiting: int = 0  # unconfirmed jobs for a person to check
    warning: str = ""  # printed, but the printer needs seeing to ("the paper is running low")

    @property
    def ok(self) -> bool:
        return not self.problem and not self.unconfirmed_waiting

    def message(self, retry: str = "pos printer retry", *, brief: bool = False) -> str:
        """What happened, in words; `retry` is how to ask for a retry where it is shown. `brief` leaves out
        which document a refusing printer held back (the till's two message lines, beside its header's count)."""
        if self.problem:
            waiting = f"{self.waiting} document{'s' if self.waiting != 1 else ''} waiting"
            return f"{self.fault if brief else self.problem} {waiting}: they print when it answers ({retry}: try now)."
        if self.unconfirmed:
            return f"{self.unconfirmed[-1]} If it did not come out, print it again ({retry})."
        if self.unconfirmed_waiting:
            return (f"{self.unconfirmed_waiting} document{'s' if self.unconfirmed_waiting != 1 else ''} not confirmed "
                    f"by the printer: {retry} prints {'them' if self.unconfirmed_waiting != 1 else 'it'} again.")
        done = self.printed[-1] if self.printed else "Printer ready."
        return f"{done} Note: {self.warning}." if self.warning else done


def _file_name(job: PrintJobInfo) -> str:
    """The file a file printer writes the job to: as printing it outside the queue names it."""
    stem = job.reference.replace("/", "-")
    suffix = {"receipt": "", "copy": "-copy", "gift": "-gift", "refund": "", "exchange": ""}[job.document]
    return f"{stem}{suffix}.bin"


def rebuild_document(engine: Engine, job: PrintJobInfo, store: StoreHeader) -> Document:
    """A queued job's document, rebuilt from the ledger alone (after a restart, or on a retry)."""
    from pos.sales.history import receipt_for, refund_receipt_for
    from pos.sales.references import parse_reference

    ref = parse_reference(job.reference)
    if job.document in ("refund", "exchange"):
        slip = refund_receipt_for(engine, ref, store).slip
        if job.document == "refund" or slip.exchange_sale is None:
            return slip
        return ExchangeDocument(slip, receipt_for(engine, slip.exchange_sale, store).receipt)
    receipt = receipt_for(engine, ref, store).receipt
    return replace(receipt, copy=job.document == "copy", gift=job.document == "gift")


def document_bytes(settings: PrinterSettings, document: Document, kick: bool) -> bytes:
    """The ESC/POS bytes of a document, with the drawer pulse first when this print opens the drawer."""
    from receipts.printers import drawer_pulse, receipt_bytes, refund_slip_bytes, render_bytes

    if isinstance(document, ExchangeDocument):
        from receipts.slips import render_exchange_slip

        body = render_bytes(settings, lambda printer: render_exchange_slip(
            printer, document.refund, document.sale, settings.width, code_page=settings.code_page or None))
    elif isinstance(document, RefundSlip):
        body = refund_slip_bytes(settings, document)
    else:
        body = receipt_bytes(settings, document)
    return drawer_pulse(settings) + body if kick else body


def print_waiting(
    engine: Engine, till: str, settings: PrinterSettings, store: StoreHeader,
    ready: Mapping[tuple[str, str], Document] | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> QueueRun:
    """Print the till's queued jobs in order; `ready` holds documents already in memory, by (document, reference)."""
    from pos.sales.print_queue import claim, finish, next_queued, waiting_counts
    from receipts.printers import PrintUnconfirmed, deliver

    printed: list[str] = []
    unconfirmed: list[str] = []
    problem = fault = warning = ""
    while (job := next_queued(engine, till)) is not None:
        if not claim(engine, job):
            continue
        try:
            document = (ready or {}).get((job.document, job.reference)) or rebuild_document(engine, job, store)
            # The drawer opens with the first attempt only: a receipt retried later never pops it open.
            kick = job.open_drawer and job.attempts == 0 and settings.drawer_on_cash
            delivered = deliver(settings, document_bytes(settings, document, kick), _file_name(job))
        except PrintUnconfirmed as error:
            finish(engine, job, "unconfirmed", str(error))
            unconfirmed.append(f"{job.label} was sent but not confirmed: {error}")
            break
        except (PrinterError, PosError) as error:
            finish(engine, job, "queued", str(error))
            problem, fault = f"{job.label} did not print: {error}", str(error)
            break
        finish(engine, job, "printed" if delivered.confirmed else "sent", delivered.warning)
        line = f"{job.label} printed ({delivered.where})." if delivered.confirmed else (
            f"{job.label} sent to {delivered.where} (this printer cannot confirm it printed)."
        )
        printed.append(line)
        warning = delivered.warning or warning
        progress(line)
    counts = waiting_counts(engine, till)
    return QueueRun(tuple(printed), problem, fault, tuple(unconfirmed), counts.get("queued", 0),
                    counts.get("unconfirmed", 0), warning)


# --- printing now, outside the queue: training slips, and tills with no ledger queue ------------


def print_sale_receipt(settings: PrinterSettings, receipt: Receipt) -> PrintOutcome:
    """Print and say what happened, in words for the cashier. Never raises for a printer fault."""
    return _outcome(settings, _what(receipt), lambda: print_receipt(settings, receipt))


def _what(receipt: Receipt) -> str:
    """`Receipt till-1/000012`, or which kind of reprint of it."""
    if receipt.gift:
        return f"Gift receipt for {receipt.reference}"
    return f"{'Copy of receipt' if receipt.copy else 'Receipt'} {receipt.reference}"


def print_refund(settings: PrinterSettings, slip: RefundSlip) -> PrintOutcome:
    """Print a refund slip after its refund committed and say what happened; never raises for a printer fault."""
    return _outcome(settings, f"Refund slip {slip.reference}", lambda: print_refund_slip(settings, slip))


def _outcome(settings: PrinterSettings, what: str, send: Callable[[], str]) -> PrintOutcome:
    if settings.kind == "none":
        return PrintOutcome(False, f"{what} not printed: no receipt printer is set up.")
    try:
        where = send()
    except PrinterError as error:
        return PrintOutcome(False, f"{what} did not print: {error}")
    return PrintOutcome(True, f"{what} printed ({where}).")
