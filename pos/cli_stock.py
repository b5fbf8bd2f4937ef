"""`pos count` and `pos receive`: stock work from any terminal a barcode scanner types into.

`pos count scan` (and `pos receive scan`) reads one barcode or SKU per line from standard input (a scanner types the digits
and Enter) until end of input or an empty line. A line `*3` (or `x3`) is the quantity key: the next
scan counts 3. A line `undo` takes back your last scan. An unknown code rings the terminal bell,
says so and counts nothing. The answers never show the expected figure: counts are blind.
"""

from __future__ import annotations

import json
import sys

import click

from common.errors import PosError
from pos.stock import quantity_key

_DB_HELP = "Ledger URL (default: POS_DATABASE_URL, else sqlite:///data/ledger.sqlite)."


@click.group()
def count() -> None:
    """Stock counts with a barcode scanner: start, scan, review, approve or cancel."""


def _actor(engine, staff_code: str | None, what: str | None = None):  # type: ignore[no-untyped-def]
    from common.values import Actor
    from pos.cli import _approval, _sign_in, _unit_of_work

    if staff_code is None:
        return _unit_of_work(engine, Actor("pos count")), None
    member = _approval(engine, staff_code, what) if what else _sign_in(engine, staff_code)
    return _unit_of_work(engine, Actor.signed_in(member)), member


@count.command(name="start")
@click.option("--category", help="Every SKU of one category (as in the products file).")
@click.option("--design", help="Every SKU of one design, by its name.")
@click.option("--sku", "skus", multiple=True, help="An SKU or barcode to count (repeat for a rail).")
@click.option("--staff", "staff_code", help="Who starts it, by staff code (their PIN is asked).")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--db", help=_DB_HELP)
def count_start(category: str | None, design: str | None, skus: tuple[str, ...], staff_code: str | None,
                output: str, db: str | None) -> None:
    """Start a count of the whole store, or of a category, a design or some SKUs; prints the count's id."""
    from pos.cli import _fail, _open
    from pos.stock.counts import review_count, start_count

    engine = _open(db)
    uow, _ = _actor(engine, staff_code)
    try:
        count_id = start_count(uow, category=category, design=design, skus=skus)
    except PosError as error:
        _fail(error)
    review = review_count(engine, count_id)
    if output == "json":
        click.echo(json.dumps({"count": count_id, "scope": review.scope, "skus": len(review.lines)}))
        return
    skus = f"{len(review.lines)} SKU{'s' if len(review.lines) != 1 else ''}"
    counted_skus = "" if review.scope[0].isdigit() else f" ({skus})"  # a list of SKUs says how many itself
    click.echo(f"Count {count_id} started: {review.scope}{counted_skus}. "
               f"Scan into it with: pos count scan {count_id} --staff CODE")


@count.command(name="scan")
@click.argument("count_id", type=int)
@click.option("--staff", "staff_code", required=True, help="Who is counting, by staff code (their PIN is asked first).")
@click.option("--db", help=_DB_HELP)
def count_scan(count_id: int, staff_code: str, db: str | None) -> None:
    """Count what is scanned, one barcode or SKU a line, until an empty line or the end of input."""
    from pos.cli import _open
    from pos.stock.counts import UnknownCount, scan_into_count, undo_last_scan

    engine = _open(db)
    uow, _ = _actor(engine, staff_code)
    scans = _scan_lines(lambda code, quantity: scan_into_count(uow, count_id, code, quantity),
                        lambda: undo_last_scan(uow, count_id), "counted", UnknownCount)
    click.echo(f"{scans} scan{'s' if scans != 1 else ''} counted into count {count_id}.")


def _scan_lines(scan, undo, done: str, fatal: type[Exception]) -> int:  # type: ignore[no-untyped-def]
    """Read the scanner's lines from standard input, answering each; how many scans were taken."""
    scans = 0
    multiplier = 1
    for raw in sys.stdin:
        line = raw.strip()
        if not line:
            break
        key = quantity_key(line)
        if key is not None:
            multiplier = key
            click.echo(f"Next scan counts {multiplier}.")
            continue
        answer, taken = _one_line(scan, undo, line, multiplier, done, fatal)
        multiplier = 1
        scans += taken
        click.echo(answer)
    return scans


def _one_line(scan, undo, line: str, multiplier: int, done: str, fatal: type[Exception]) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The answer to one scanned (or typed) line, and whether it was taken."""
    from common.errors import UnknownCode

    try:
        if line.lower() == "undo":
            result = undo()
            return f"Undone: {-result.quantity} x {result.label} {result.sku}; {result.total} {done}.", 0
        result = scan(line, multiplier)
    except UnknownCode:
        return f"\a{line} is not in the catalogue: nothing {done}. Put it aside for a manager.", 0
    except fatal as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    except PosError as error:
        return f"\a{error}", 0
    return f"{result.quantity} x {result.label} {result.sku}: {result.total} {done}.", 1


@count.command(name="review")
@click.argument("count_id", type=int)
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--db", help=_DB_HELP)
def count_review(count_id: int, output: str, db: str | None) -> None:
    """Per SKU: expected, counted and the variance in units and at retail value; then the SKUs nobody scanned."""
    from common.money import format_pence
    from pos.cli import _fail, _open
    from pos.reports.export import plain_cell, safe_csv_writer
    from pos.stock.counts import review_count

    try:
        review = review_count(_open(db), count_id)
    except PosError as error:
        _fail(error)
    scanned = [line for line in review.lines if line.scanned]
    if output == "json":
        click.echo(json.dumps({
            "count": review.count_id, "scope": review.scope, "status": review.status,
            "lines": [{"sku": line.sku, "expected": line.expected, "counted": line.counted, "variance": line.variance,
                       "variance_pence": line.variance_pence} for line in scanned],
            "unscanned": [{"sku": line.sku, "expected": line.expected} for line in review.unscanned],
        }, indent=2))
        return
    if output == "csv":
        writer = safe_csv_writer(sys.stdout)
        writer.writerow(["sku", "description", "expected", "counted", "variance", "variance_pence", "scanned"])
        for line in review.lines:
            writer.writerow([line.sku, line.label, line.expected, line.counted, line.variance, line.variance_pence,
                             "yes" if line.scanned else "no"])
        return
    click.echo(f"Count {review.count_id}: {plain_cell(review.scope)} ({review.status})")
    click.echo(f"{'SKU':<16} {'Item':<34} {'Expected':>8} {'Counted':>8} {'Variance':>8} {'Value':>10}")
    for line in scanned:
        click.echo(f"{plain_cell(line.sku):<16} {plain_cell(line.label)[:34]:<34} {line.expected:>8} {line.counted:>8} "
                   f"{line.variance:>+8} {format_pence(line.variance_pence):>10}")
    total = sum(line.variance_pence for line in scanned)
    click.echo(f"Variance at retail value: {format_pence(total)}")
    if review.unscanned:
        click.echo(f"Not scanned ({len(review.unscanned)}): " + ", ".join(line.sku for line in review.unscanned))
        click.echo("They are left as they are unless approved with --zero-unscanned (they are really not there).")


@count.command(name="approve")
@click.argument("count_id", type=int)
@click.option("--staff", "staff_code", required=True, help="The approving manager's code (their PIN is asked).")
@click.option("--zero-unscanned", is_flag=True, help="SKUs in scope that nobody scanned are really not there: count them as none.")
@click.option("--db", help=_DB_HELP)
def count_approve(count_id: int, staff_code: str, zero_unscanned: bool, db: str | None) -> None:
    """Post every variance as a stock adjustment, in one transaction, and close the count."""
    from common.money import format_pence
    from pos.cli import _fail, _open
    from pos.stock.counts import approve_count

    engine = _open(db)
    uow, manager = _actor(engine, staff_code, "Approving a stock count")
    try:
        review = approve_count(uow, count_id, manager, zero_unscanned=zero_unscanned)
    except PosError as error:
        _fail(error)
    changed = [line for line in review.lines if (line.scanned or zero_unscanned) and line.variance]
    value = sum(line.variance_pence for line in changed)
    click.echo(f"Count {count_id} approved: {len(changed)} SKU{'s' if len(changed) != 1 else ''} adjusted "
               f"({format_pence(value)} at retail value).")


@count.command(name="cancel")
@click.argument("count_id", type=int)
@click.option("--staff", "staff_code", required=True, help="The manager cancelling it (their PIN is asked).")
@click.option("--db", help=_DB_HELP)
def count_cancel(count_id: int, staff_code: str, db: str | None) -> None:
    """Close the count without changing any stock; its scans stay on record."""
    from pos.cli import _fail, _open
    from pos.stock.counts import cancel_count

    engine = _open(db)
    uow, manager = _actor(engine, staff_code, "Cancelling a stock count")
    try:
        cancel_count(uow, count_id, manager)
    except PosError as error:
        _fail(error)
    click.echo(f"Count {count_id} cancelled: no stock was changed.")


@count.command(name="list")
@click.option("--all", "every", is_flag=True, help="Approved and cancelled counts too.")
@click.option("--db", help=_DB_HELP)
def count_list(every: bool, db: str | None) -> None:
    """The open counts (or every count), newest first."""
    from pos.cli import _open
    from pos.reports.export import plain_cell
    from pos.stock.counts import list_counts

    counts = list_counts(_open(db), open_only=not every)
    if not counts:
        click.echo("No open counts." if not every else "No counts yet.")
    for summary in counts:
        click.echo(f"{summary.count_id:>4}  {summary.status:<9} {plain_cell(summary.scope)}  ({summary.scans} scans; "
                   f"started by {plain_cell(summary.started_by or 'pos count')})")




@click.group()
def receive() -> None:
    """Goods in by scanning: a delivery (one batch, with a note and who received it), then its scans."""


@receive.command(name="start")
@click.option("--note", default="", help="What the delivery is, e.g. \"Box 3 from the workshop\".")
@click.option("--staff", "staff_code", help="Who receives it, by staff code (their PIN is asked).")
@click.option("--db", help=_DB_HELP)
def receive_start(note: str, staff_code: str | None, db: str | None) -> None:
    """Open a delivery to scan goods into; prints its id."""
    from pos.cli import _fail, _open
    from pos.stock.receiving import start_delivery

    engine = _open(db)
    uow, _ = _actor(engine, staff_code)
    try:
        delivery = start_delivery(uow, note)
    except PosError as error:
        _fail(error)
    click.echo(f"Delivery {delivery} started. Scan into it with: pos receive scan {delivery} --staff CODE")


@receive.command(name="scan")
@click.argument("delivery_id", type=int)
@click.option("--staff", "staff_code", required=True, help="Who is receiving, by staff code (their PIN is asked first).")
@click.option("--db", help=_DB_HELP)
def receive_scan_command(delivery_id: int, staff_code: str, db: str | None) -> None:
    """Receive what is scanned, one barcode or SKU a line (*3: the next scan is 3; undo), until an empty line."""
    from pos.cli import _open
    from pos.stock.receiving import UnknownDelivery, receive_scan, undo_last_receipt

    engine = _open(db)
    uow, _ = _actor(engine, staff_code)
    scans = _scan_lines(lambda code, quantity: receive_scan(uow, delivery_id, code, quantity),
                        lambda: undo_last_receipt(uow, delivery_id), "received", UnknownDelivery)
    click.echo(f"{scans} scan{'s' if scans != 1 else ''} received into delivery {delivery_id}.")


@receive.command(name="close")
@click.argument("delivery_id", type=int)
@click.option("--db", help=_DB_HELP)
def receive_close(delivery_id: int, db: str | None) -> None:
    """Close the delivery and list what it received."""
    from common.values import Actor
    from pos.cli import _fail, _open, _unit_of_work
    from pos.stock.receiving import close_delivery

    engine = _open(db)
    try:
        lines = close_delivery(_unit_of_work(engine, Actor("pos receive")), delivery_id)
    except PosError as error:
        _fail(error)
    for line in lines:
        click.echo(f"{line.quantity:>4} x {line.label} {line.sku}")
    click.echo(f"Delivery {delivery_id} closed: {sum(line.quantity for line in lines)} items received.")
