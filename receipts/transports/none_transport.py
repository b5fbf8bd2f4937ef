"""No printer at this till: nothing is sent, and the till says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from receipts.printers import PrinterNotReady

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from receipts.printers import PrinterSettings

NEEDS: tuple[str, ...] = ()
ANSWERS_STATUS = False
WRITE_IS_PRINT = False


def open_printer(settings: PrinterSettings, name: str) -> Escpos:
    raise PrinterNotReady("No receipt printer is set up at this till.")


def where(settings: PrinterSettings, name: str) -> str:
    return "no printer"
