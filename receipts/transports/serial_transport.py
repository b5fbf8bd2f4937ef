"""A printer on a serial line (RS-232, or a paired Bluetooth printer's /dev/rfcomm0), through python-escpos's Serial printer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from receipts.printers import PrinterNotReady

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from receipts.printers import PrinterSettings

NEEDS = ("device",)
ANSWERS_STATUS = True
WRITE_IS_PRINT = False  # only the printer's answer to a status query says a receipt printed


def open_printer(settings: PrinterSettings, name: str) -> Escpos:
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Serial

    printer = Serial(devfile=settings.device, baudrate=settings.baudrate, timeout=settings.timeout_s,
                     profile=settings.profile)
    try:
        printer.open()
    except (DeviceNotFoundError, OSError) as error:
        raise PrinterNotReady(
            f"The serial printer on {settings.device} could not be opened. Check it is paired or plugged in and "
            "switched on, and that this user may open the device (the dialout group)."
        ) from error
    return printer


def where(settings: PrinterSettings, name: str) -> str:
    return f"{settings.device} at {settings.baudrate} baud"
