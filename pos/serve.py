"""A `pos` screen as a web page (textual-serve): each browser that opens it gets its own `pos` process.

Used by `pos display --serve` (a tablet's browser on the store network as the customer screen) and
`pos wall --serve` (a big screen's browser as the story wall).
The child runs as `python -m pos ARGV` with this interpreter; what it must know that is secret (the ledger's
URL, which may hold a password) goes in its environment, never on its command line, where `ps` shows it.
"""

from __future__ import annotations

import errno
import os
import shlex
import socket
import sys
from collections.abc import Mapping
from typing import Any

from common.errors import PosError

ALL_ADDRESSES = "0.0.0.0"  # the default: a tablet on the store network must reach it
DEFAULT_PORT = 8000
_EVERYWHERE = {"0.0.0.0", "", "::"}


def serve_in_browser(
    argv: list[str], *, host: str, port: int, title: str, env: Mapping[str, str] | None = None,
) -> None:
    """Serve `pos ARGV` at http://HOST:PORT until Ctrl+C, one process per browser connection.

    `env` is added to the environment of every child (and of this process). Raises PosError, before
    serving anything, when the port cannot be had."""
    require_free_port(host, port)
    from textual_serve.server import Server

    class _Server(Server):
        """textual-serve with its page's websocket pointed at the address the browser used (a tablet
        cannot reach 0.0.0.0) and its own banner replaced by where to open it."""

        async def handle_index(self, request: Any) -> Any:
            self.public_url = f"{request.scheme}://{request.host}"  # read synchronously by the page's template
            return await super().handle_index(request)

        async def on_startup(self, app: Any) -> None:
            print(f"Serving {title} at {' or '.join(page_addresses(host, port))}", flush=True)
            print("Open that address in a browser on the store network (the tablet's, the big screen's). "
                  "Ctrl+C stops it.", flush=True)

    os.environ.update(env or {})
    command = shlex.join([sys.executable, "-m", "pos", *argv])
    _Server(command, host=host, port=port, title=title).serve()


def require_free_port(host: str, port: int) -> None:
    """Raise PosError in plain words if nothing could listen at host:port (taken, or not this machine's)."""
    if not 0 < port < 65536:
        raise PosError(f"--port {port} is not a port: give a number from 1 to 65535 (e.g. 8000).")
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise PosError(f"--host {host} is not an address of this machine or a name it can look up.") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will: a port in TIME_WAIT is free
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PosError(f"Port {port} is already in use on this machine (another `pos ... --serve`?): "
                               f"stop that, or give another port with --port N.") from None
            if error.errno == errno.EACCES:
                raise PosError(f"Port {port} needs administrator rights: give a port above 1023 with --port N.") from None
            raise PosError(f"Cannot serve on {host}:{port}: {error.strerror}. Give another --host or --port.") from None


def page_addresses(host: str, port: int) -> list[str]:
    """The web addresses to open: this machine's address on the network when serving on all of them."""
    if host not in _EVERYWHERE:
        return [f"http://{_bracketed(host)}:{port}"]
    found = _network_address()
    return [f"http://{found}:{port}"] if found else [f"http://{socket.gethostname()}:{port}", f"http://localhost:{port}"]


def _network_address() -> str | None:
    """This machine's IPv4 address on its network (the one its default route leaves from), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: a UDP connect only picks a route, sends nothing
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host
