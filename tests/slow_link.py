"""A slow network link on loopback: a TCP proxy that holds every reply for a while, like store Wi-Fi to the server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

CHUNK = 65536


def _pump(source: socket.socket, target: socket.socket, delay_s: float) -> None:
    try:
        while data := source.recv(CHUNK):
            if delay_s:
                time.sleep(delay_s)
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@contextmanager
def slow_link(host: str, port: int, delay_s: float) -> Iterator[int]:
    """Yields a local port that forwards to host:port, each reply held `delay_s` (one round trip per query)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server = socket.create_connection((host, port))
            for source, target, delay in ((client, server, 0.0), (server, client, delay_s)):
                threading.Thread(target=_pump, args=(source, target, delay), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stopping.set()
        acceptor.join(timeout=2)
        listener.close()
