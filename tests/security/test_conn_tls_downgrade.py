"""Issue 12, item 2: TLS fails closed, and no password is ever sent in cleartext.

Fake servers on 127.0.0.1 play a man in the middle (or a misconfigured server): PostgreSQL
answers 'N' to SSLRequest, MySQL offers no TLS capability, and both then ask for the password in
cleartext (AuthenticationCleartextPassword; the mysql_clear_password auth switch). They record
every byte they receive: the password must never be among them.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from rotation_handlers.database import DbSecret, Engine, SingleUserStrategy
from rotation_handlers.mysql import MySqlEngine
from rotation_handlers.postgres import PostgresEngine
from rotation_handlers.protocol import PENDING, StrategyError
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.rotation_emulator import RotationFailed
from tests.rotation_handlers.conftest import LAMBDA_ARN, rotate, value_at
from tests.security.conn_fakes import (
    HOST,
    Script,
    fake_server,
    mysql_asks_cleartext,
    pg_asks_cleartext,
)

PASSWORD = "Cleartext-Never-Sent-4"

ENGINES: dict[str, tuple[Callable[[], Engine], Script]] = {
    "postgres": (PostgresEngine, pg_asks_cleartext),
    "mysql": (MySqlEngine, mysql_asks_cleartext),
}


@pytest.fixture(autouse=True)
def _function_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The function as deployed without rotation.tls or a CA bundle."""
    monkeypatch.delenv("TLS_MODE", raising=False)
    monkeypatch.delenv("SSL_CA_BUNDLE", raising=False)


def db_secret(port: int, **extra: Any) -> DbSecret:
    value = {"host": HOST, "port": port, "username": "app", "password": PASSWORD, **extra}
    return DbSecret.parse(json.dumps(value), "test secret", port)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("tls_mode", [None, "require", "verify"])
def test_a_server_without_tls_gets_no_plaintext_retry(
    engine: str, tls_mode: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS's secret shape (no ssl key): TLS only. Before the fix the handler retried in
    plaintext and answered the cleartext password request."""
    if tls_mode is not None:
        monkeypatch.setenv("TLS_MODE", tls_mode)
    make_engine, script = ENGINES[engine]
    with fake_server(script) as server, pytest.raises(StrategyError) as caught:
        make_engine().connect(db_secret(server.port))
    assert not server.got(PASSWORD)
    assert server.connections == 1  # no second, plaintext attempt
    assert "does not offer TLS" in str(caught.value)
    assert f"{HOST}:{server.port}" in str(caught.value)
    assert "never falls back to plaintext" in str(caught.value)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("ssl", [False, "false", "FALSE"])
def test_ssl_false_in_the_secret_cannot_weaken_rotation_tls(
    engine: str, ssl: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Whoever writes the secret cannot opt out of TLS: ssl false is overridden (logged), and
    the error says how to allow plaintext on purpose."""
    caplog.set_level(logging.DEBUG)
    make_engine, script = ENGINES[engine]
    with fake_server(script) as server, pytest.raises(StrategyError) as caught:
        make_engine().connect(db_secret(server.port, ssl=ssl))
    assert not server.got(PASSWORD)
    message = str(caught.value)
    assert "the secret asks for plaintext (ssl: false), but rotation.tls" in message
    assert 'set rotation.tls to "from-secret"' in message
    overridden = [r for r in caplog.records if "asks for plaintext" in r.getMessage()]
    assert [r.levelno for r in overridden] == [logging.INFO]
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_cleartext_password_request_over_plaintext_is_refused(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plaintext on purpose (rotation.tls from-secret, ssl false): still, a server asking for
    the password itself gets nothing (pg8000 and PyMySQL would send it)."""
    monkeypatch.setenv("TLS_MODE", "from-secret")
    make_engine, script = ENGINES[engine]
    with fake_server(script) as server, pytest.raises(StrategyError) as caught:
        make_engine().connect(db_secret(server.port, ssl=False))
    assert not server.got(PASSWORD)
    assert server.connections == 1
    assert "asked for the password in cleartext" in str(caught.value)
    assert f"{HOST}:{server.port}" in str(caught.value)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_single_user_rotation_sends_neither_the_pending_nor_the_current_password(
    sm: Any, engine: str
) -> None:
    """The whole rotation against a server without TLS: before the fix, setSecret tried the
    pending password, then the current one, both in cleartext."""
    make_engine, script = ENGINES[engine]
    with fake_server(script) as server:
        value = {"engine": engine, "host": HOST, "port": server.port, "username": "app"}
        arn: str = sm.create_secret(
            Name=f"db/{uuid.uuid4().hex[:8]}",
            SecretString=json.dumps({**value, "password": PASSWORD}),
        )["ARN"]
        enable_rotation(arn, LAMBDA_ARN)
        with pytest.raises(RotationFailed) as caught:
            rotate(sm, arn, SingleUserStrategy(make_engine()), max_attempts=1)
        pending = json.loads(value_at(sm, arn, PENDING))["password"]
    assert not server.got(pending)
    assert not server.got(PASSWORD)
    assert "does not offer TLS" in str(caught.value)
