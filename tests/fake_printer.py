"""A stand-in for an Ethernet receipt printer (the tests' and the benchmark's): a real TCP listener on 127.0.0.1 that speaks ESC/POS status.

It answers DLE EOT 1 (online), DLE EOT 4 (paper) and GS r 1 (paper, after all before it) as an Epson TM
does, keeps every byte it read, and counts the receipts it received whole by their cut command.
Its `mode` picks how it misbehaves:

- "printer": a working printer;
- "silent": accepts the connection and never reads a byte;
- "no_accept": listens but never accepts (connections wait in the backlog);
- "reset": reads 16 bytes, then resets the connection (RST);
- "paper_out": answers that the paper has run out;
- "no_confirm": reads everything and answers DLE EOT, but never GS r (so never confirms a document);
- "refuse": nothing listens on the port (connections are refused).
"""

from __future__ import annotations

import socket
import struct
import threading
import time

CUT = b"\x1dV"
_ANSWERS = {b"\x10\x04\x01": 0x12, b"\x10\x04\x04": 0x12, b"\x1dr\x01": 0x00}
_NO_CONFIRM = {b"\x10\x04\x01": 0x12, b"\x10\x04\x04": 0x12}
_PAPER_OUT = {b"\x10\x04\x01": 0x1A, b"\x10\x04\x04": 0x72, b"\x1dr\x01": 0x0C}


class FakePrinter:
    def __init__(self, mode: str = "printer", port: int = 0) -> None:
        self.mode = mode
        self.received = bytearray()
        self.cut_times: list[float] = []  # time.perf_counter() as each document's cut arrived (the bench reads it)
        self.connections = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.port = port
        self.start()

    # --- what the tests read -----------------------------------------------------------------

    @property
    def receipts(self) -> int:
        """How many whole documents (ending in a cut) arrived."""
        with self._lock:
            return bytes(self.received).count(CUT)

    def documents(self) -> list[bytes]:
        with self._lock:
            data = bytes(self.received)
        parts = data.split(CUT)
        return [part for part in parts[:-1]]

    def wait_for(self, receipts: int, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.receipts >= receipts:
                return True
            time.sleep(0.02)
        return self.receipts >= receipts

    # --- life ----------------------------------------------------------------------------------

    def start(self, mode: str | None = None) -> None:
        """Listen (again, on the same port once it had one) in `mode`."""
        if mode is not None:
            self.mode = mode
        self._stop.clear()
        if self.mode == "refuse":
            if not self.port:
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", 0))
                    self.port = probe.getsockname()[1]
            return
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(8)
        server.settimeout(0.1)
        self.port = server.getsockname()[1]
        self._server = server
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for held in self._held:
            held.close()
        self._held.clear()
        if self._server is not None:
            self._server.close()
        self._server = None
        self._thread = None

    def restart(self, mode: str) -> None:
        self.stop()
        self.start(mode)

    def __enter__(self) -> FakePrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the printer ---------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            if self.mode == "no_accept":
                time.sleep(0.05)
                continue
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            if self.mode == "silent":
                self._held.append(connection)
                continue
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection: socket.socket) -> None:
        connection.settimeout(0.1)
        pending = b""
        taken = 0
        answers = {"paper_out": _PAPER_OUT, "no_confirm": _NO_CONFIRM}.get(self.mode, _ANSWERS)
        with connection:
            while not self._stop.is_set():
                try:
                    chunk = connection.recv(16 if self.mode == "reset" else 65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                if self.mode == "reset":
                    with self._lock:
                        self.received.extend(chunk[: 16 - taken])
                    taken += len(chunk)
                    if taken >= 16:
                        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        return
                    continue
                with self._lock:
                    self.received.extend(chunk)
                    if CUT in (pending[-1:] + chunk):
                        self.cut_times.append(time.perf_counter())
                pending = (pending + chunk)[-(len(chunk) + 2):]
                for _query, answer in _queries_in(pending, answers):
                    connection.sendall(bytes((answer,)))
                pending = pending[-2:]


def _queries_in(data: bytes, answers: dict[bytes, int]) -> list[tuple[bytes, int]]:
    """The status queries in `data`, in order (a query may straddle two reads: callers keep 2 bytes back)."""
    found = []
    at = 0
    while at < len(data) - 2:
        three = data[at : at + 3]
        if three in answers:
            found.append((three, answers[three]))
            at += 3
        else:
            at += 1
    return found
