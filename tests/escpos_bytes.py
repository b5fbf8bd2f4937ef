"""Read a slip back out of the ESC/POS bytes python-escpos produced: its text (through the code page the
bytes selected), its Code128 barcodes, its QR codes and images, and every command in order.

Only the commands our slips send are known; any other ESC or GS sequence fails the test, so a
printer command smuggled in through catalogue text (ESC p, GS V, ESC @) cannot pass unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from escpos.printer import Dummy

ESC, GS = 0x1B, 0x1D
_ESC_ONE_ARG = set(b"t!EaM-{d3")
_GS_ONE_ARG = set(b"hwfHbB!")


@dataclass
class Printed:
    text: str = ""
    barcodes: list[bytes] = field(default_factory=list)  # GS k 73 (CODE128) data, with its code-set prefix
    qrs: list[str] = field(default_factory=list)  # GS ( k ... 1 P 0 data: what a native QR code stores
    images: int = 0  # raster images (GS v 0), e.g. a QR code sent as a picture
    code_pages: list[int] = field(default_factory=list)  # ESC t n, in order
    cuts: int = 0

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def read_back(output: bytes, profile: str = "default") -> Printed:
    """Parse `output` as sent to a printer with python-escpos profile `profile`."""
    codecs = {int(number): name.lower().replace("_", "-") for name, number in
              Dummy(profile=profile).profile.get_code_pages().items()}
    printed = Printed()
    text = bytearray()
    codec = "cp437"
    at = 0

    def flush() -> None:
        printed.text += text.decode(codec)
        text.clear()

    while at < len(output):
        byte = output[at]
        if byte == ESC:
            command = output[at + 1]
            if command in _ESC_ONE_ARG:
                if command == ord("t"):
                    flush()
                    printed.code_pages.append(output[at + 2])
                    codec = codecs[output[at + 2]]
                at += 3
            elif command == ord("2"):
                at += 2
            else:
                raise AssertionError(f"unexpected command ESC {bytes([command])!r} at byte {at}")
        elif byte == GS:
            command = output[at + 1]
            if command in _GS_ONE_ARG:
                at += 3
            elif command == ord("V"):
                printed.cuts += 1
                at += 3 if output[at + 2] in (0, 1, 48, 49) else 4
            elif command == ord("k"):
                kind, length = output[at + 2], output[at + 3]
                if kind == 73:
                    printed.barcodes.append(output[at + 4 : at + 4 + length])
                at += 4 + length
            elif command == ord("(") and output[at + 2] in b"kL":
                length = output[at + 3] + 256 * output[at + 4]
                body = output[at + 5 : at + 5 + length]
                if output[at + 2] == ord("k") and body[:3] == b"1P0":
                    printed.qrs.append(body[3:].decode("utf-8"))
                at += 5 + length
            elif command == ord("v") and output[at + 2] == ord("0"):
                width = output[at + 4] + 256 * output[at + 5]
                height = output[at + 6] + 256 * output[at + 7]
                printed.images += 1
                at += 8 + width * height
            else:
                raise AssertionError(f"unexpected command GS {bytes([command])!r} at byte {at}")
        elif byte < 0x20 and byte != 0x0A:
            raise AssertionError(f"unexpected control byte {byte:#04x} at byte {at}")
        else:
            text.append(byte)
            at += 1
    flush()
    return printed


def rendered(render, *args, profile: str = "TM-T88V", **kwargs) -> Printed:  # type: ignore[no-untyped-def]
    """Render through a python-escpos Dummy printer with `profile` and read the bytes back."""
    printer = Dummy(profile=profile)
    render(printer, *args, **kwargs)
    return read_back(printer.output, profile)
