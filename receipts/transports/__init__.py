"""One module per way of reaching a printer, as python-escpos has one class per transport.

Each module offers the same four names:

- `NEEDS`: the settings that must be given for it (the configuration check names them when missing);
- `ANSWERS_STATUS`: whether the printer can answer status queries through it (a file or CUPS cannot);
- `WRITE_IS_PRINT`: whether a whole write is itself the print (a file), when there is no answer to ask for;
- `open_printer(settings, name)`: an opened python-escpos printer; `name` names the document (the file
  transport writes one file per document); raises PrinterError with what to check;
- `where(settings, name)`: where the document goes, in words ("192.168.1.50:9100").

`transport(kind)` loads the module for a kind only when it is used, so python-escpos and its USB and
serial libraries stay out of the till's start-up.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from receipts.profiles import use_capabilities_cache

KINDS = ("usb", "network", "serial", "file", "cups", "none")


def transport(kind: str) -> ModuleType:
    """The module for printer kind `kind` (one of KINDS)."""
    if kind not in KINDS:
        raise ValueError(f"unknown printer kind {kind!r}")
    use_capabilities_cache()  # before the transport imports python-escpos
    return importlib.import_module(f"receipts.transports.{kind}_transport")
