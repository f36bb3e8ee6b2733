"""Helpers for the rotation-protocol attack tests (test_proto_*): steps, abandoned rotations,
fake listeners. Database fixtures come from tests/rotation_handlers."""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import threading
import uuid
from typing import Any

from rotation_handlers.protocol import CURRENT, PENDING, STEPS, Strategy, run_step
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.rotation_emulator import PendingPlaceholder
from tests.rotation_handlers.conftest import LAMBDA_ARN, value_at


def db_secret(sm: Any, host: str, port: int, user: str, password: str, **extra: Any) -> str:
    """A database secret in AWS's shape, plaintext by explicit opt-out (local servers)."""
    value = {
        "engine": extra.pop("engine", "postgres"),
        "host": host,
        "port": port,
        "username": user,
        "password": password,
        "ssl": False,
        **extra,
    }
    arn: str = sm.create_secret(Name=f"db/{uuid.uuid4().hex[:8]}", SecretString=json.dumps(value))[
        "ARN"
    ]
    enable_rotation(arn, LAMBDA_ARN)
    return arn


def step(strategy: Strategy, sm: Any, arn: str, token: str, name: str) -> None:
    run_step(strategy, {"SecretId": arn, "ClientRequestToken": token, "Step": name}, sm)


def abandon_after_set(strategy: Strategy, sm: Any, arn: str) -> str:
    """Start a rotation, run createSecret and setSecret, then cancel it as an operator would
    (CancelRotateSecret, AWSPENDING removed); rotation is turned back on afterwards, as
    RotateSecret does. Returns the abandoned token, now a deprecated version."""
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        for name in STEPS[:2]:
            step(strategy, sm, arn, token, name)
    sm.cancel_rotate_secret(SecretId=arn)
    sm.update_secret_version_stage(SecretId=arn, VersionStage=PENDING, RemoveFromVersionId=token)
    enable_rotation(arn, LAMBDA_ARN)
    return token


def password_of(sm: Any, arn: str, *, stage: str = CURRENT, version: str | None = None) -> str:
    if version is not None:
        text = sm.get_secret_value(SecretId=arn, VersionId=version)["SecretString"]
    else:
        text = value_at(sm, arn, stage)
    password: str = json.loads(text)["password"]
    return password


def _receive(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


class CapturingPostgres:
    """A listener on 127.0.0.1 speaking just enough of PostgreSQL's protocol to ask every
    client for an MD5 password proof, then refuse the login; it keeps what it received.

    MD5 rather than a cleartext request: the handlers refuse to answer a cleartext request over
    plaintext (tests/security/test_conn_tls_downgrade.py), which would stop the rotation before
    the defence these tests are about. An MD5 proof is derived from the password, so receiving
    it is still a leak (it can be brute-forced offline): ``received`` tells whether a given
    password's proof arrived.
    """

    SSL_REQUEST = 80877103
    SALT = b"\x01\x02\x03\x04"

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = int(self.listener.getsockname()[1])
        self.proofs: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                try:
                    self._handle(connection)
                except (OSError, ConnectionError):
                    continue

    def _startup(self, connection: socket.socket) -> bytes:
        length = struct.unpack("!I", _receive(connection, 4))[0]
        return _receive(connection, length - 4)

    def _handle(self, connection: socket.socket) -> None:
        connection.settimeout(10)
        body = self._startup(connection)
        if struct.unpack("!I", body[:4])[0] == self.SSL_REQUEST:
            connection.sendall(b"N")  # no TLS here
            self._startup(connection)
        connection.sendall(b"R" + struct.pack("!II", 12, 5) + self.SALT)  # AuthenticationMD5
        kind = _receive(connection, 1)
        length = struct.unpack("!I", _receive(connection, 4))[0]
        payload = _receive(connection, length - 4)
        if kind == b"p":
            self.proofs.append(payload.rstrip(b"\0").decode(errors="replace"))
        fields = b"SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed\0\0"
        connection.sendall(b"E" + struct.pack("!I", len(fields) + 4) + fields)

    def received(self, user: str, password: str) -> bool:
        """Whether a client sent the MD5 proof of ``password`` for ``user``."""
        inner = hashlib.md5((password + user).encode()).hexdigest().encode()  # noqa: S324
        return "md5" + hashlib.md5(inner + self.SALT).hexdigest() in self.proofs  # noqa: S324

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=10)
