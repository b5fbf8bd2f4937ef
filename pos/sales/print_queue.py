"""The print queue in the ledger: documents waiting for a till's printer, and what became of each.

A sale, refund or reprint queues its document with `queue_document` inside its own transaction.
A worker (pos.printing.print_waiting) takes the till's queued jobs in order: `claim` moves one to
"printing" in a transaction of its own, so two workers never print the same job; `finish` records
the outcome. A job left "printing" by a till that crashed mid-print is not known to be on paper or
not: `recover_interrupted` marks it unconfirmed at the next start, and only a person's retry prints
it again. A job once printed is never printed again from the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, func, insert, select, update

from common.clock import local_time, utc_naive
from common.values import Actor
from inventory.db import UnitOfWork
from pos.sales.models import PrintJob

WAITING = ("queued", "printing", "unconfirmed")  # not yet known to be on paper
_ERROR_MAX = 300


@dataclass(frozen=True)
class PrintJobInfo:
    id: int
    till: str
    document: str  # receipt | copy | gift | refund | exchange (queued by the refund's reference)
    reference: str
    open_drawer: bool
    state: str
    attempts: int
    last_error: str
    created_at: datetime  # the store's local time

    @property
    def label(self) -> str:
        """`Receipt till-1/000012`, `Refund slip till-1/000013`, `Copy of receipt ...`, `Gift receipt for ...`."""
        return {
            "receipt": "Receipt", "copy": "Copy of receipt", "gift": "Gift receipt for", "refund": "Refund slip",
            "exchange": "Exchange slip",
        }[self.document] + f" {self.reference}"


_INSERT_JOB = insert(PrintJob)  # built once: a sale's commit queues its receipt with it


def queue_document(
    connection: Connection, till: str, document: str, reference: str, now: datetime, *, open_drawer: bool = False
) -> None:
    """Queue a document for till `till`'s printer, inside the caller's transaction."""
    stored = utc_naive(now)
    connection.execute(_INSERT_JOB, {
        "till": till, "document": document, "reference": reference, "open_drawer": open_drawer, "state": "queued",
        "attempts": 0, "last_error": "", "created_at": stored, "updated_at": stored,
    })


_COLUMNS = (
    PrintJob.id, PrintJob.till, PrintJob.document, PrintJob.reference, PrintJob.open_drawer, PrintJob.state,
    PrintJob.attempts, PrintJob.last_error, PrintJob.created_at,
)


def _info(row: tuple) -> PrintJobInfo:  # type: ignore[type-arg]
    *head, created_at = row
    return PrintJobInfo(*head, created_at=local_time(created_at))


def next_queued(engine: Engine, till: str) -> PrintJobInfo | None:
    """The till's oldest queued job, or None when nothing waits."""
    with engine.connect() as connection:
        row = connection.execute(
            select(*_COLUMNS).where(PrintJob.till == till, PrintJob.state == "queued").order_by(PrintJob.id).limit(1)
        ).first()
    return None if row is None else _info(tuple(row))


def waiting_jobs(engine: Engine, till: str | None = None) -> list[PrintJobInfo]:
    """Every job not yet known to be on paper (queued, printing, unconfirmed), oldest first; all tills by default."""
    query = select(*_COLUMNS).where(PrintJob.state.in_(WAITING)).order_by(PrintJob.id)
    if till is not None:
        query = query.where(PrintJob.till == till)
    with engine.connect() as connection:
        return [_info(tuple(row)) for row in connection.execute(query)]


def document_state(engine: Engine, till: str, document: str, reference: str) -> str | None:
    """The state of the till's newest print job for that document (printed, queued, ...), or None if none was queued."""
    with engine.connect() as connection:
        return connection.execute(
            select(PrintJob.state)
            .where(PrintJob.till == till, PrintJob.document == document, PrintJob.reference == reference)
            .order_by(PrintJob.id.desc()).limit(1)
        ).scalar()


def waiting_counts(engine: Engine, till: str) -> dict[str, int]:
    """How many of the till's jobs are in each waiting state."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(PrintJob.state, func.count()).where(PrintJob.till == till, PrintJob.state.in_(WAITING))
            .group_by(PrintJob.state)
        )
        return {state: count for state, count in rows}


def _uow(engine: Engine, till: str) -> UnitOfWork:
    return UnitOfWork(engine, Actor("print queue", till))


def claim(engine: Engine, job: PrintJobInfo) -> bool:
    """Take a queued job to print it (one more attempt); False if another worker took it first."""
    uow = _uow(engine, job.till)
    with uow:
        taken = uow.connection.execute(
            update(PrintJob).where(PrintJob.id == job.id, PrintJob.state == "queued")
            .values(state="printing", attempts=PrintJob.attempts + 1, updated_at=utc_naive(uow.now))
        ).rowcount
        uow.commit()
    return taken == 1


def finish(engine: Engine, job: PrintJobInfo, state: str, message: str = "") -> None:
    """Record what became of a claimed job: printed, sent, unconfirmed, or queued again (with the error)."""
    uow = _uow(engine, job.till)
    with uow:
        moment = utc_naive(uow.now)
        uow.connection.execute(
            update(PrintJob).where(PrintJob.id == job.id, PrintJob.state == "printing").values(
                state=state, last_error=message[:_ERROR_MAX], updated_at=moment,
                printed_at=moment if state in ("printed", "sent") else None,
            )
        )
        uow.commit()


def requeue_unconfirmed(engine: Engine, till: str) -> int:
    """A person asked to print the till's unconfirmed jobs again: queue them; returns how many."""
    uow = _uow(engine, till)
    with uow:
        count = uow.connection.execute(
            update(PrintJob).where(PrintJob.till == till, PrintJob.state == "unconfirmed")
            .values(state="queued", updated_at=utc_naive(uow.now))
        ).rowcount
        uow.commit()
    return int(count)


def recover_interrupted(engine: Engine, till: str) -> int:
    """At a till's start: jobs it left mid-print when it stopped are unconfirmed (maybe on paper, maybe not)."""
    uow = _uow(engine, till)
    with uow:
        count = uow.connection.execute(
            update(PrintJob).where(PrintJob.till == till, PrintJob.state == "printing").values(
                state="unconfirmed", updated_at=utc_naive(uow.now),
                last_error="The till stopped while printing this; check whether it came out.",
            )
        ).rowcount
        uow.commit()
    return int(count)


