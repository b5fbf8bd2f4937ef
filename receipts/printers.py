"""Sending ESC/POS bytes to the configured printer, and asking it whether they printed.

The document is rendered to bytes first (python-escpos's Dummy), so a layout problem never leaves
half a receipt on paper; then one transport module (receipts/transports) carries the bytes.

Where the printer answers status queries, it is asked before the bytes go (online? paper?) and
after them with GS r 1, which it answers only once everything sent before has been processed: that
answer is the only thing that says "printed". A write the operating system accepted proves nothing
(a printer that never reads, never accepts, or resets mid-job looks the same).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from receipts.escpos_receipt import DEFAULT_WIDTH, render_receipt
from receipts.model import Receipt
from receipts.profiles import use_capabilities_cache
from receipts.refund_slip import RefundSlip, render_refund_slip

if TYPE_CHECKING:
    from escpos.escpos import Escpos

Render = Callable[["Escpos"], None]

PRINTER_KINDS = ("usb", "network", "serial", "file", "cups", "none")
WIDTHS = (32, 42, 48)  # 58 mm paper; 80 mm paper in font A on an Epson TM-T88 (42) or TM-T20 (48)

_ONLINE = b"\x10\x04\x01"  # DLE EOT 1: answered at once; bit 3 set = offline
_PAPER_NOW = b"\x10\x04\x04"  # DLE EOT 4: answered at once; bits 5-6 = paper out
_PAPER_AFTER = b"\x1d\x72\x01"  # GS r 1: answered after all before it is processed; bits 2-3 = out, 0-1 = low


class PrinterError(Exception):
    """The document did not print. The sale it belongs to is already safe in the ledger."""


class PrinterNotReady(PrinterError):
    """The printer did not answer, or said it cannot print now: nothing of the document was sent."""


class PrintUnconfirmed(PrinterError):
    """The document was sent but the printer did not confirm it: it may or may not be on paper."""


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "file"
    directory: Path = Path("data/receipts")  # file: one .bin file of ESC/POS bytes per document
    host: str = ""  # network
    port: int = 9100
    vendor_id: int | None = None  # usb
    product_id: int | None = None
    device: str = ""  # serial: /dev/ttyUSB0, or /dev/rfcomm0 for a paired Bluetooth printer
    baudrate: int = 9600
    cups_printer: str = ""  # cups: the queue's name
    timeout_s: float = 3.0  # each connect, write and status answer
    profile: str = "TM-T88V"  # python-escpos printer profile
    width: int = DEFAULT_WIDTH  # characters per line: 32, 42 or 48
    code_page: str = ""  # "": CP858 (has £ and €) where the profile has it, else python-escpos's choice per character
    status_queries: bool = True  # the printer answers DLE EOT / GS r (Epson TM and most ESC/POS printers do)
    drawer_on_cash: bool = True  # a cash sale or cash refund opens the drawer wired to the printer
    drawer_pin: int = 2  # the kick connector's pin: 2 or 5
    drawer_pulse_ms: int = 100  # how long the drawer's solenoid is driven

    @property
    def prints(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class Delivered:
    where: str
    confirmed: bool  # the printer said it printed (or a file was written whole)
    warning: str = ""  # printed, but something needs seeing to soon ("paper is running low")


def receipt_file_name(receipt: Receipt) -> str:
    """`till-1-000012.bin`; a reprint, gift receipt or training slip gets its own file beside the original's."""
    kind = "-gift" if receipt.gift else ""
    kind += "-copy" if receipt.copy else ""
    return f"{'training-' if receipt.training else ''}{receipt.reference.file_stem}{kind}.bin"


def render_bytes(settings: PrinterSettings, render: Render) -> bytes:
    """What `render` prints, as the bytes the configured printer profile takes."""
    use_capabilities_cache()
    from escpos.printer import Dummy

    dummy = Dummy(profile=settings.profile)
    render(dummy)
    return bytes(dummy.output)


def receipt_bytes(settings: PrinterSettings, receipt: Receipt) -> bytes:
    return render_bytes(settings, lambda printer: render_receipt(printer, receipt, settings.width,
                                                                 code_page=settings.code_page or None))


def refund_slip_bytes(settings: PrinterSettings, slip: RefundSlip) -> bytes:
    return render_bytes(settings, lambda printer: render_refund_slip(printer, slip, settings.width,
                                                                     code_page=settings.code_page or None))


def drawer_pulse(settings: PrinterSettings) -> bytes:
    """ESC p m t1 t2: drive the drawer on the configured pin for the configured time (units of 2 ms)."""
    units = max(1, min(255, settings.drawer_pulse_ms // 2))
    return bytes((0x1B, 0x70, 0 if settings.drawer_pin == 2 else 1, units, units))  # off time = on time, as python-escpos


def deliver(settings: PrinterSettings, data: bytes, name: str) -> Delivered:
    """Send `data` (one whole document) to the printer and find out whether it printed.

    Raises PrinterNotReady when nothing was sent, PrinterError when the printer stopped taking the
    bytes part way (nothing is known to be on paper), PrintUnconfirmed when it took them all but did
    not say it printed them.
    """
    from receipts.transports import transport

    module = transport(settings.kind)
    where = module.where(settings, name)
    printer = module.open_printer(settings, name)
    asks = module.ANSWERS_STATUS and settings.status_queries
    try:
        if asks:
            _check_ready(printer, where)
        try:
            printer._raw(data)
            if not asks:
                printer.close()
        except Exception as error:  # noqa: BLE001 - OSError, pyusb/pyserial errors, escpos DeviceNotFoundError
            raise PrinterError(f"The printer at {where} stopped taking the document ({_reason(error)}).") from error
        if not asks:
            return Delivered(where, confirmed=module.WRITE_IS_PRINT)
        return _confirm(printer, where)
    finally:
        with suppress(Exception):
            printer.close()


def _ask(printer: Escpos, query: bytes) -> int | None:
    """The printer's one-byte answer to a status query, or None if it gave none in time."""
    try:
        printer._raw(query)
        answer = printer._read()
    except Exception:  # noqa: BLE001 - a timeout, a reset, a device gone: all mean "no answer"
        return None
    return answer[-1] if answer else None


def _check_ready(printer: Escpos, where: str) -> None:
    online = _ask(printer, _ONLINE)
    if online is None:
        raise PrinterNotReady(f"The printer at {where} did not answer: check it is switched on and connected.")
    paper = _ask(printer, _PAPER_NOW)
    if paper is not None and paper & 0x60:
        raise PrinterNotReady(f"The printer at {where} is out of paper. Put in a new roll.")
    if online & 0x08:
        raise PrinterNotReady(f"The printer at {where} is offline: check its cover is shut and it has paper.")


def _confirm(printer: Escpos, where: str) -> Delivered:
    after = _ask(printer, _PAPER_AFTER)
    if after is None:
        raise PrintUnconfirmed(f"The printer at {where} took the document but did not say it printed it.")
    if after & 0x0C:
        raise PrintUnconfirmed(f"The printer at {where} ran out of paper during the document. Put in a new roll.")
    return Delivered(where, confirmed=True, warning="the paper is running low" if after & 0x03 else "")


def _reason(error: Exception) -> str:
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def printer_status(settings: PrinterSettings) -> str:
    """Ask the printer whether it could print now, in words; raises PrinterError (with advice) when it could not."""
    from receipts.transports import transport

    module = transport(settings.kind)
    where = module.where(settings, "status")
    if settings.kind == "file":
        return f"Printing to files in {settings.directory}."
    printer = module.open_printer(settings, "status")
    try:
        if not (module.ANSWERS_STATUS and settings.status_queries):
            return f"Connected to {where}; this printer does not answer status queries."
        _check_ready(printer, where)
        return f"Ready: the printer at {where} is online and has paper."
    finally:
        with suppress(Exception):
            printer.close()


def _print(settings: PrinterSettings, name: str, data: bytes) -> str:
    if not settings.prints:
        return "not printed (no printer configured)"
    delivered = deliver(settings, data, name)
    return delivered.where


def print_receipt(settings: PrinterSettings, receipt: Receipt) -> str:
    """Print one receipt now (not through the queue); returns where it went. Raises PrinterError with advice."""
    return _print(settings, receipt_file_name(receipt), receipt_bytes(settings, receipt) if settings.prints else b"")


def print_refund_slip(settings: PrinterSettings, slip: RefundSlip) -> str:
    """Print one refund slip now (a file printer names it by the refund's own reference); as print_receipt."""
    return _print(settings, f"{slip.reference.file_stem}.bin", refund_slip_bytes(settings, slip) if settings.prints else b"")


def kick_drawer(settings: PrinterSettings, slip: Render | None = None) -> str:
    """Open the cash drawer wired to the receipt printer (and print `slip` after the pulse); returns where it went.

    Not queued: a drawer must open now or not at all. Raises PrinterError when it could not be sent:
    the drawer is then opened with its key.
    """
    if not settings.prints:
        raise PrinterError("No receipt printer is set up, so the till cannot open the drawer: use the drawer key.")
    from datetime import datetime

    data = drawer_pulse(settings) + (render_bytes(settings, slip) if slip is not None else b"")
    try:
        return deliver(settings, data, f"drawer-{datetime.now():%Y%m%d-%H%M%S-%f}.bin").where
    except PrintUnconfirmed as error:
        raise PrinterError(f"{error} If the drawer did not open, use its key.") from error
    except PrinterError as error:
        raise PrinterError(f"{error} Open the drawer with its key.") from error
