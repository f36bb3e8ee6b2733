"""Fake PostgreSQL and MySQL servers on 127.0.0.1 that record every byte they receive.

Each speaks just enough of its protocol to play an attacker (or a broken server): answer 'N' to
PostgreSQL's SSLRequest, offer no TLS to MySQL, ask for the password in cleartext, or accept the
connection and then stay silent. Tests assert on what arrived (a password must never).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Any

HOST = "127.0.0.1"


class PeerClosed(Exception):
    """The client closed the connection."""


class Peer:
    """One accepted connection, seen from the fake server."""

    def __init__(self, connection: socket.socket, server: FakeServer) -> None:
        self.connection = connection
        self.server = server

    def receive(self, size: int) -> bytes:
        """Exactly ``size`` bytes (recorded), or PeerClosed."""
        data = bytearray()
        while len(data) < size:
            block = self.connection.recv(size - len(data))
            if not block:
                raise PeerClosed
            self.server.record(block)
            data.extend(block)
        return bytes(data)

    def send(self, data: bytes) -> None:
        self.connection.sendall(data)

    def stay_silent(self) -> None:
        """Answer nothing; record whatever arrives until the client (or the test) hangs up."""
        while True:
            block = self.connection.recv(4096)
            if not block:
                return
            self.server.record(block)


Script = Callable[[Peer], None]


class FakeServer:
    """Listens on a free port of 127.0.0.1 and runs ``script`` for every connection."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.received = bytearray()
        self.connections = 0
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._stopping = threading.Event()
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.05)  # so the accept loop notices close()
        self.port = int(self._listener.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def record(self, data: bytes) -> None:
        with self._lock:
            self.received.extend(data)

    def got(self, secret: str) -> bool:
        """Whether ``secret`` arrived, in any packet of any connection."""
        with self._lock:
            return secret.encode() in self.received

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            with self._lock:
                self.connections += 1
                self._open.append(connection)
            threading.Thread(target=self._run, args=(connection,), daemon=True).start()

    def _run(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError, PeerClosed, struct.error):
            self.script(Peer(connection, self))
        with contextlib.suppress(OSError):
            connection.close()

    def close(self) -> None:
        """Stop listening and hang up on every client (which unblocks one stuck reading)."""
        self._stopping.set()
        self._listener.close()
        with self._lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    connection.close()
        self._thread.join(timeout=5)


@contextlib.contextmanager
def fake_server(script: Script) -> Iterator[FakeServer]:
    server = FakeServer(script)
    try:
        yield server
    finally:
        server.close()


def run_bounded(call: Callable[[], Any], limit: float = 20.0) -> dict[str, Any]:
    """Run ``call`` in a thread for at most ``limit`` seconds (a bound on the harness, not a
    timing assertion): {"hung": True} if it has not returned by then, else {"hung": False,
    "result": ...} or {"hung": False, "error": exception}."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = call()
        except BaseException as error:  # handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    outcome["hung"] = thread.is_alive()
    return outcome


# --- PostgreSQL (protocol 3.0) ------------------------------------------------------------------

SSL_REQUEST = 80877103
AUTH_OK = 0
AUTH_CLEARTEXT = 3


def pg_startup(peer: Peer) -> None:
    """Read the startup message; an SSLRequest before it is answered 'N' (no TLS here)."""
    length, code = struct.unpack("!ii", peer.receive(8))
    if length == 8 and code == SSL_REQUEST:
        peer.send(b"N")
        length, code = struct.unpack("!ii", peer.receive(8))
    peer.receive(length - 8)


def pg_message(peer: Peer) -> tuple[bytes, bytes]:
    """One frontend message: (type byte, body)."""
    kind = peer.receive(1)
    (length,) = struct.unpack("!i", peer.receive(4))
    return kind, peer.receive(length - 4)


def pg_authentication(code: int) -> bytes:
    return b"R" + struct.pack("!ii", 8, code)


def pg_asks_cleartext(peer: Peer) -> None:
    """No TLS, then AuthenticationCleartextPassword: records the password if the client sends
    it (a PasswordMessage), then hangs up."""
    pg_startup(peer)
    peer.send(pg_authentication(AUTH_CLEARTEXT))
    pg_message(peer)


def pg_logs_in_then_silent(peer: Peer) -> None:
    """No TLS, any login accepted (trust), ready for queries; then never answers."""
    pg_startup(peer)
    peer.send(pg_authentication(AUTH_OK) + b"Z" + struct.pack("!i", 5) + b"I")
    peer.stay_silent()


def silent(peer: Peer) -> None:
    """Accept the TCP connection, then say nothing at all."""
    peer.stay_silent()


# --- MySQL / MariaDB (protocol 10) --------------------------------------------------------------

CLIENT_LONG_PASSWORD = 0x1
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SSL = 0x800
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000
CAPABILITIES = (
    CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH
)
STATUS_AUTOCOMMIT = 0x2


def mysql_packet(sequence: int, payload: bytes) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([sequence]) + payload


def mysql_read(peer: Peer) -> tuple[int, bytes]:
    """One client packet: (sequence id, payload)."""
    header = peer.receive(4)
    return header[3], peer.receive(int.from_bytes(header[:3], "little"))


def mysql_greeting() -> bytes:
    """A MariaDB-like greeting offering mysql_native_password and no TLS (no CLIENT_SSL)."""
    salt = b"abcdefgh" + b"ijklmnopqrst"
    payload = (
        b"\x0a"
        + b"5.5.5-10.11.0-MariaDB-fake\x00"
        + struct.pack("<I", 7)
        + salt[:8]
        + b"\x00"
        + struct.pack("<H", CAPABILITIES & 0xFFFF)
        + bytes([45])  # utf8mb4_general_ci
        + struct.pack("<H", STATUS_AUTOCOMMIT)
        + struct.pack("<H", CAPABILITIES >> 16)
        + bytes([len(salt) + 1])
        + b"\x00" * 10
        + salt[8:]
        + b"\x00"
        + b"mysql_native_password\x00"
    )
    return mysql_packet(0, payload)


def mysql_ok(sequence: int) -> bytes:
    return mysql_packet(sequence, b"\x00\x00\x00" + struct.pack("<HH", STATUS_AUTOCOMMIT, 0))


def mysql_asks_cleartext(peer: Peer) -> None:
    """No TLS offered; after the client's login, switch it to mysql_clear_password and record
    the answer (the password and a NUL, if the client complies)."""
    peer.send(mysql_greeting())
    sequence, _ = mysql_read(peer)
    peer.send(mysql_packet(sequence + 1, b"\xfemysql_clear_password\x00"))
    mysql_read(peer)


def mysql_logs_in(answered: int) -> Script:
    """No TLS offered; any login accepted; the first ``answered`` commands get OK (PyMySQL
    sends SET NAMES while it connects); then silence."""

    def script(peer: Peer) -> None:
        peer.send(mysql_greeting())
        sequence, _ = mysql_read(peer)
        peer.send(mysql_ok(sequence + 1))
        for _ in range(answered):
            sequence, _ = mysql_read(peer)
            peer.send(mysql_ok(sequence + 1))
        peer.stay_silent()

    return script
