"""An Ethernet printer on its raw port (9100), through python-escpos's Network printer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from receipts.printers import PrinterNotReady

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from receipts.printers import PrinterSettings

NEEDS = ("host",)
ANSWERS_STATUS = True
WRITE_IS_PRINT = False  # only the printer's answer to a status query says a receipt printed


def open_printer(settings: PrinterSettings, name: str) -> Escpos:
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Network

    printer = Network(host=settings.host, port=settings.port, timeout=settings.timeout_s, profile=settings.profile)
    try:
        printer.open()
    except (DeviceNotFoundError, OSError) as error:
        raise PrinterNotReady(
            f"The printer at {where(settings, name)} did not answer: check it is on and on the network."
        ) from error
    return printer


def where(settings: PrinterSettings, name: str) -> str:
    return f"{settings.host}:{settings.port}"
