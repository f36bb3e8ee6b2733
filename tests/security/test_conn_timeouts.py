"""Issue 12, item 5: every network call of a rotation is bounded, and says so when it gives up.

Fake servers on 127.0.0.1 accept the TCP connection and then stay silent: at once, after the
login, or after the first statements. The handler's timeouts are made small here (a fraction
of a second); each call runs in a thread joined with a generous bound, so the old behaviour
(waiting for ever) shows as a test failure instead of a stuck suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from rotation_handlers import mysql, postgres, protocol
from rotation_handlers.database import DbSecret, Engine
from rotation_handlers.protocol import StrategyError
from tests.security.conn_fakes import (
    HOST,
    FakeServer,
    Script,
    fake_server,
    mysql_logs_in,
    pg_logs_in_then_silent,
    run_bounded,
    silent,
)

SMALL = 0.3  # seconds: the handler's connect and I/O timeouts in these tests
PASSWORD = "Timeout-Pass-6"


@pytest.fixture(autouse=True)
def _small_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (postgres, mysql):
        monkeypatch.setattr(module, "CONNECT_TIMEOUT_SECONDS", SMALL)
        # raising=False: the same test runs against the code before the fix, which had none.
        monkeypatch.setattr(module, "IO_TIMEOUT_SECONDS", SMALL, raising=False)
    monkeypatch.delenv("SSL_CA_BUNDLE", raising=False)
    monkeypatch.delenv("TLS_MODE", raising=False)


def db_secret(server: FakeServer, **extra: Any) -> DbSecret:
    value = {"host": HOST, "port": server.port, "username": "app", "password": PASSWORD, **extra}
    return DbSecret.parse(json.dumps(value), "test secret", server.port)


def connect_then_check(engine: Engine, secret: DbSecret) -> Callable[[], None]:
    def call() -> None:
        connection = engine.connect(secret)
        try:
            engine.check(connection)
        finally:
            engine.close(connection)

    return call


def gives_up_clearly(outcome: dict[str, Any], server: FakeServer, doing: str) -> None:
    assert outcome["hung"] is False, "the handler is still waiting on a silent server"
    error = outcome.get("error")
    assert isinstance(error, StrategyError), f"not a clear rotation error: {error!r}"
    message = str(error)
    assert f"{HOST}:{server.port}" in message
    assert "timed out" in message
    assert f"while {doing}" in message
    assert PASSWORD not in message


CASES: list[tuple[str, Callable[[], Engine], Script, dict[str, Any], str]] = [
    # (id, engine, server behaviour, secret's extra keys, where it stops)
    ("postgres-silent-at-once", postgres.PostgresEngine, silent, {}, "connecting"),
    (
        "postgres-silent-after-login",
        postgres.PostgresEngine,
        pg_logs_in_then_silent,
        {"ssl": False},
        "running a statement",
    ),
    ("mysql-silent-at-once", mysql.MySqlEngine, silent, {}, "connecting"),
    (
        "mysql-silent-during-login",
        mysql.MySqlEngine,
        mysql_logs_in(0),
        {"ssl": False},
        "connecting",
    ),
    (
        "mysql-silent-after-login",
        mysql.MySqlEngine,
        mysql_logs_in(1),
        {"ssl": False},
        "running a statement",
    ),
]


@pytest.mark.parametrize(
    ("make_engine", "script", "extra", "doing"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_silent_server_fails_the_step_with_a_timeout_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    make_engine: Callable[[], Engine],
    script: Script,
    extra: dict[str, Any],
    doing: str,
) -> None:
    if extra.get("ssl") is False:
        monkeypatch.setenv("TLS_MODE", "from-secret")  # plaintext, so the fake can log us in
    with fake_server(script) as server:
        outcome = run_bounded(connect_then_check(make_engine(), db_secret(server, **extra)))
        gives_up_clearly(outcome, server, doing)


def test_reads_and_writes_are_bounded_once_connected(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bounds stay on the live connection (PyMySQL: read and write timeouts; pg8000: the
    socket's timeout, lowered from the connect bound to the I/O bound)."""
    monkeypatch.setenv("TLS_MODE", "from-secret")
    monkeypatch.setattr(postgres, "IO_TIMEOUT_SECONDS", 0.7)
    with fake_server(mysql_logs_in(1)) as server:
        my = mysql.MySqlEngine()
        connection = my.connect(db_secret(server, ssl=False))
        assert (connection._read_timeout, connection._write_timeout) == (SMALL, SMALL)
        my.close(connection)
    with fake_server(pg_logs_in_then_silent) as server:
        pg = postgres.PostgresEngine()
        connection = pg.connect(db_secret(server, ssl=False))
        assert connection._usock.gettimeout() == 0.7
        pg.close(connection)


def test_aws_clients_have_bounded_timeouts_and_the_standard_retry_mode(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protocol, "_clients", {})
    for service in ("secretsmanager", "ssm"):
        config = protocol.default_client(service).meta.config
        assert config.connect_timeout <= 5
        assert config.read_timeout <= 10
        assert config.retries["mode"] == "standard"
        # botocore: max_attempts counts retries after the first attempt
        attempts = config.retries.get(
            "total_max_attempts", config.retries.get("max_attempts", 0) + 1
        )
        assert attempts <= 3
        worst_case = attempts * (config.connect_timeout + config.read_timeout)
        assert worst_case < 30 / 2  # well below the function's default timeout of 30 s
