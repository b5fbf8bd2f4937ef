"""A printer on a USB cable, found by its vendor and product id, through python-escpos's Usb printer (pyusb)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from receipts.printers import PrinterNotReady

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from receipts.printers import PrinterSettings

NEEDS = ("vendor_id", "product_id")
ANSWERS_STATUS = True
WRITE_IS_PRINT = False  # only the printer's answer to a status query says a receipt printed


def open_printer(settings: PrinterSettings, name: str) -> Escpos:
    from escpos.exceptions import DeviceNotFoundError, USBNotFoundError
    from escpos.printer import Usb

    timeout_ms = int(settings.timeout_s * 1000)
    printer = Usb(settings.vendor_id, settings.product_id, timeout=timeout_ms, profile=settings.profile)
    try:
        printer.open()
    except (DeviceNotFoundError, USBNotFoundError) as error:
        raise PrinterNotReady(
            f"No USB printer {where(settings, name)} is plugged in. Check its cable and that it is switched on "
            "(`lsusb` lists what is connected)."
        ) from error
    except Exception as error:  # noqa: BLE001 - pyusb's NoBackendError, permissions: say what to install or allow
        raise PrinterNotReady(
            f"The USB printer {where(settings, name)} could not be opened ({type(error).__name__}: {error}). "
            "USB printing needs libusb (Debian: apt install libusb-1.0-0) and permission to the device "
            "(a udev rule for its vendor and product id)."
        ) from error
    return printer


def where(settings: PrinterSettings, name: str) -> str:
    return f"USB {settings.vendor_id or 0:04x}:{settings.product_id or 0:04x}"
