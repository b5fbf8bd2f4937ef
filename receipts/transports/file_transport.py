"""One file of ESC/POS bytes per document in a folder: the demo's printer, and a record to read back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.files import ensure_private, private_dir
from receipts.printers import PrinterNotReady

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from receipts.printers import PrinterSettings

NEEDS = ("directory",)
ANSWERS_STATUS = False
WRITE_IS_PRINT = True  # a file written whole is the printed record


def open_printer(settings: PrinterSettings, name: str) -> Escpos:
    from escpos.printer import File

    path = settings.directory / name
    try:
        private_dir(settings.directory)
        ensure_private(path)  # python-escpos opens it "wb": the file keeps this mode
        return File(devfile=str(path), profile=settings.profile)
    except OSError as error:
        raise PrinterNotReady(f"Could not write to {path}: {error.strerror or error}.") from error


def where(settings: PrinterSettings, name: str) -> str:
    return str(settings.directory / name)
