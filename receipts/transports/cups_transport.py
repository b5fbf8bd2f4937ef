"""A printer shared through CUPS, by its queue name, through python-escpos's CupsPrinter (needs pycups)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from receipts.printers import PrinterNotReady

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from receipts.printers import PrinterSettings

NEEDS = ("cups_printer",)
ANSWERS_STATUS = False
WRITE_IS_PRINT = False  # CUPS spools the job; whether it printed is not known here


def is_installed() -> bool:
    """Whether pycups is installed here (python-escpos's CUPS printer needs it)."""
    from escpos.printer import CupsPrinter

    return bool(CupsPrinter.is_usable())


def open_printer(settings: PrinterSettings, name: str) -> Escpos:
    if not is_installed():
        raise PrinterNotReady("Printing through CUPS needs pycups, which is not installed on this machine "
                           "(pip install pycups, with libcups2-dev), or use kind = \"usb\" or \"network\".")
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import CupsPrinter

    printer = CupsPrinter(printer_name=settings.cups_printer, profile=settings.profile)
    try:
        printer.open()
    except (DeviceNotFoundError, OSError, RuntimeError) as error:
        raise PrinterNotReady(f"CUPS has no printer called '{settings.cups_printer}' (lpstat -p lists them).") from error
    return printer


def where(settings: PrinterSettings, name: str) -> str:
    return f"CUPS printer {settings.cups_printer}"
