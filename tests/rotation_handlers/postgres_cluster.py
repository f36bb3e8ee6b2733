"""A private PostgreSQL cluster with scram-sha-256 authentication (and TLS) for password tests.

The shared server on 127.0.0.1:5432 trusts every login, so it cannot show that an old password
stops working. This starts a throwaway cluster from the installed binaries on a free port,
owned by the `postgres` system user when the tests run as root (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.rotation_handlers.tls_certificates import write_certificates

SUPERUSER = "postgres"
SUPERUSER_PASSWORD = "cluster-Admin-Secret-1"


def unavailable(message: str) -> None:
    """Fail under CI (a missing server is a broken environment), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class Cluster:
    host: str
    port: int
    superuser: str
    password: str
    ca_file: Path
    directory: Path


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *command]
    return command


def start_cluster() -> Cluster:
    binaries = _binaries()
    if binaries is None:
        unavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
            "apt-get install postgresql"
        )
    assert binaries is not None
    root = Path(tempfile.mkdtemp(prefix="secretkit-pg-"))
    data = root / "data"
    certificates = root / "tls"
    certificates.mkdir()
    ca_file = write_certificates(certificates)
    password_file = root / "pwfile"
    password_file.write_text(SUPERUSER_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(root, SUPERUSER)
        for path in [certificates, *certificates.iterdir(), password_file]:
            shutil.chown(path, SUPERUSER)
    (certificates / "server.key").chmod(0o600)
    port = _free_port()
    subprocess.run(  # noqa: S603 - fixed arguments
        _as_owner(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                f"--pwfile={password_file}",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{root}'\nssl = on\n"
            f"ssl_cert_file = '{certificates / 'server.crt'}'\n"
            f"ssl_key_file = '{certificates / 'server.key'}'\n"
            "password_encryption = 'scram-sha-256'\nfsync = off\n"
        )
    subprocess.run(  # noqa: S603
        _as_owner(
            [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    return Cluster("127.0.0.1", port, SUPERUSER, SUPERUSER_PASSWORD, ca_file, root)


def stop_cluster(cluster: Cluster) -> None:
    binaries = _binaries()
    if binaries is not None:
        subprocess.run(  # noqa: S603
            _as_owner(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(cluster.directory / "data"),
                    "-m",
                    "immediate",
                    "stop",
                ]
            ),
            check=False,
            capture_output=True,
        )
    shutil.rmtree(cluster.directory, ignore_errors=True)
