"""Printers from settings: a file per receipt, a network printer, or none. python-escpos loads lazily."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from receipts.escpos_receipt import DEFAULT_WIDTH, render_receipt
from receipts.model import Receipt
from receipts.refund_slip import RefundSlip, render_refund_slip

if TYPE_CHECKING:
    from escpos.escpos import Escpos

Render = Callable[["Escpos"], None]

PRINTER_KINDS = ("file", "network", "none")


class PrinterError(Exception):
    """The receipt did not print. The sale it belongs to is already safe in the ledger."""


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "file"
    directory: Path = Path("data/receipts")  # file printer: one .bin file of ESC/POS bytes per receipt
    host: str = ""
    port: int = 9100
    timeout_s: float = 3.0
    profile: str = "TM-T88V"
    width: int = DEFAULT_WIDTH


def receipt_file_name(receipt: Receipt) -> str:
    """`till-1-000012.bin`; a reprint, gift receipt or training slip gets its own file beside the original's."""
    kind = "-gift" if receipt.gift else ""
    kind += "-copy" if receipt.copy else ""
    return f"{'training-' if receipt.training else ''}{receipt.reference.file_stem}{kind}.bin"


def print_receipt(settings: PrinterSettings, receipt: Receipt) -> str:
    """Print one receipt; returns where it went. Raises PrinterError with advice when it cannot."""
    return _print(settings, receipt_file_name(receipt), lambda printer: render_receipt(printer, receipt, settings.width))


def print_refund_slip(settings: PrinterSettings, slip: RefundSlip) -> str:
    """Print one refund slip (a file printer names it by the refund's own reference); as print_receipt."""
    return _print(settings, f"{slip.reference.file_stem}.bin",
                  lambda printer: render_refund_slip(printer, slip, settings.width))


def _print(settings: PrinterSettings, file_name: str, render: Render) -> str:
    if settings.kind == "none":
        return "not printed (no printer configured)"
    if settings.kind == "file":
        return _print_to_file(settings, file_name, render)
    if settings.kind == "network":
        return _print_to_network(settings, render)
    raise PrinterError(f"Unknown printer kind '{settings.kind}'. Use one of: {', '.join(PRINTER_KINDS)}.")


def _print_to_file(settings: PrinterSettings, file_name: str, render: Render) -> str:
    from escpos.printer import File

    path = settings.directory / file_name
    try:
        settings.directory.mkdir(parents=True, exist_ok=True)
        printer = File(devfile=str(path), profile=settings.profile)
        try:
            render(printer)
        finally:
            printer.close()
    except OSError as error:
        raise PrinterError(f"Could not write the receipt to {path}: {error.strerror or error}.") from error
    return str(path)


def _print_to_network(settings: PrinterSettings, render: Render) -> str:
    from escpos.printer import Dummy

    # Render to bytes first so a layout problem never leaves half a receipt on paper.
    dummy = Dummy(profile=settings.profile)
    render(dummy)
    return _send_to_network(settings, dummy.output, "then reprint the receipt.")


def _send_to_network(settings: PrinterSettings, data: bytes, then: str) -> str:
    """Send ESC/POS bytes to the network printer in one go; PrinterError (ending with `then`) if it does not answer."""
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Network

    printer = Network(host=settings.host, port=settings.port, timeout=settings.timeout_s, profile=settings.profile)
    try:
        printer.open()
        printer._raw(data)
    except (DeviceNotFoundError, OSError) as error:
        raise PrinterError(
            f"The receipt printer at {settings.host}:{settings.port} did not answer. "
            f"Check it is on, has paper and is on the network, {then}"
        ) from error
    finally:
        printer.close()
    return f"{settings.host}:{settings.port}"


def kick_drawer(settings: PrinterSettings) -> str:
    """Open the cash drawer wired to the receipt printer (ESC/POS pulse on pin 2); returns where it went.

    Raises PrinterError when there is no printer to send it through: the drawer is then opened with its key.
    """
    from escpos.printer import Dummy

    if settings.kind == "none":
        raise PrinterError("No receipt printer is set up, so the till cannot open the drawer: use the drawer key.")
    pulse = Dummy(profile=settings.profile)
    pulse.cashdraw(2)
    if settings.kind == "file":
        from datetime import datetime

        path = settings.directory / f"drawer-{datetime.now():%Y%m%d-%H%M%S-%f}.bin"
        try:
            settings.directory.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pulse.output)
        except OSError as error:
            raise PrinterError(f"Could not write the drawer pulse to {path}: {error.strerror or error}.") from error
        return str(path)
    return _send_to_network(settings, pulse.output, "or open the drawer with its key.")
