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


class CuttableLink:
    """A loopback TCP proxy to host:port that a test cuts and restores, like a kicked cable to the ledger's server.

    `cut()` drops every connection through it and refuses new ones until `restore()`.
    `drop_reply_to_next_commit()` lets the next COMMIT reach the server, swallows the server's reply
    (the commit is done) and drops that connection: the client never hears that its sale was recorded.
    """

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._up = threading.Event()
        self._up.set()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._drop_commit_reply = False
        self.replies_dropped = 0
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def cut(self) -> None:
        self._up.clear()
        with self._lock:
            ends, self._open = self._open, set()
        for end in ends:
            _close(end)

    def restore(self) -> None:
        self._up.set()

    def drop_reply_to_next_commit(self) -> None:
        self._drop_commit_reply = True

    def close(self) -> None:
        self._stopping.set()
        self.cut()
        self._acceptor.join(timeout=2)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up.is_set():
                _close(client)  # the cable is out: the client's connection attempt fails
                continue
            server = socket.create_connection(self._target)
            with self._lock:
                self._open |= {client, server}
            committing = threading.Event()
            threading.Thread(target=self._to_server, args=(client, server, committing), daemon=True).start()
            threading.Thread(target=self._to_client, args=(server, client, committing), daemon=True).start()

    def _to_server(self, client: socket.socket, server: socket.socket, committing: threading.Event) -> None:
        try:
            while data := client.recv(CHUNK):
                if self._drop_commit_reply and b"COMMIT" in data:
                    self._drop_commit_reply = False
                    committing.set()
                server.sendall(data)
        except OSError:
            pass
        finally:
            _close(client, server)

    def _to_client(self, server: socket.socket, client: socket.socket, committing: threading.Event) -> None:
        try:
            while data := server.recv(CHUNK):
                if committing.is_set():  # the server's answer to COMMIT: it committed; the client never hears
                    self.replies_dropped += 1
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            _close(server, client)


def _close(*ends: socket.socket) -> None:
    for end in ends:
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        end.close()


@contextmanager
def cuttable_link(host: str, port: int) -> Iterator[CuttableLink]:
    link = CuttableLink(host, port)
    try:
        yield link
    finally:
        link.close()
