"""Issue 12, item 1: the master's credentials go only where the master secret points.

The attacker can write the application secret's value (not the master's): they point its host
and port at a listener of their own and wait for an alternating-users rotation to log in there
as the master. The fake listeners below record every byte; the master password must never
arrive, and the rotation must fail naming both endpoints.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from rotation_handlers import database
from rotation_handlers.database import AlternatingUsersStrategy, DbSecret
from rotation_handlers.mysql import MySqlEngine
from rotation_handlers.postgres import PostgresEngine
from rotation_handlers.protocol import PENDING, RotationError, run_step
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.rotation_emulator import RotationFailed
from tests.rotation_handlers.conftest import LAMBDA_ARN, rotate
from tests.security.conn_fakes import (
    HOST,
    fake_server,
    mysql_asks_cleartext,
    pg_asks_cleartext,
)

MASTER_PASSWORD = "Master-Secret-Never-Leaves-1"
APP_PASSWORD = "App-Initial-Pass-2"

ENGINES = {
    "postgres": (AlternatingUsersStrategy(PostgresEngine()), pg_asks_cleartext),
    "mysql": (AlternatingUsersStrategy(MySqlEngine()), mysql_asks_cleartext),
}


def create(sm: Any, name: str, value: dict[str, Any], rotation: bool = False) -> str:
    arn: str = sm.create_secret(
        Name=f"{name}-{uuid.uuid4().hex[:8]}", SecretString=json.dumps(value)
    )["ARN"]
    if rotation:
        enable_rotation(arn, LAMBDA_ARN)
    return arn


def master_secret(sm: Any, engine: str, port: int, host: str = HOST) -> str:
    """The master secret: written by the database's administrators, not by the attacker."""
    value = {
        "engine": engine,
        "host": host,
        "port": port,
        "username": "master",
        "password": MASTER_PASSWORD,
    }
    return create(sm, "db/master", value)


def application_secret(sm: Any, engine: str, port: int, master_arn: str) -> str:
    """The application secret as the attacker left it: AWS's shape, pointing at their server."""
    value = {
        "engine": engine,
        "host": HOST,
        "port": port,
        "username": "app",
        "password": APP_PASSWORD,
        "masterarn": master_arn,
    }
    return create(sm, "db/app", value, rotation=True)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_master_password_never_reaches_the_application_secrets_server(
    sm: Any, engine: str
) -> None:
    strategy, attacker_script = ENGINES[engine]
    # The real database server the master secret names (never reached: the check comes first).
    with fake_server(attacker_script) as real, fake_server(attacker_script) as attacker:
        master_arn = master_secret(sm, engine, real.port)
        arn = application_secret(sm, engine, attacker.port, master_arn)
        with pytest.raises(RotationFailed) as caught:
            rotate(sm, arn, strategy, max_attempts=1)
    assert not attacker.got(MASTER_PASSWORD)
    assert attacker.connections == 0
    assert real.connections == 0
    message = str(caught.value)
    assert f"{HOST}:{attacker.port}" in message
    assert f"{HOST}:{real.port}" in message
    assert "master" in message
    assert MASTER_PASSWORD not in message
    assert APP_PASSWORD not in message


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_current_value_on_another_server_is_refused_too(sm: Any, engine: str) -> None:
    """The pending value agrees with the master; the current value (whose user the master
    would clone) names another server: refused before any connection."""
    strategy, attacker_script = ENGINES[engine]
    with fake_server(attacker_script) as real, fake_server(attacker_script) as attacker:
        master_arn = master_secret(sm, engine, real.port)
        arn = application_secret(sm, engine, attacker.port, master_arn)
        token = str(uuid.uuid4())
        pending = {
            "engine": engine,
            "host": HOST,
            "port": real.port,
            "username": "app_clone",
            "password": "Pending-Pass-3",
            "masterarn": master_arn,
        }
        sm.put_secret_value(
            SecretId=arn,
            ClientRequestToken=token,
            SecretString=json.dumps(pending),
            VersionStages=[PENDING],
        )
        event = {"SecretId": arn, "ClientRequestToken": token, "Step": "setSecret"}
        with pytest.raises(RotationError) as caught:
            run_step(strategy, event, sm)
    assert real.connections == 0
    assert attacker.connections == 0
    assert "current value" in str(caught.value)
    assert f"{HOST}:{attacker.port}" in str(caught.value)
    assert MASTER_PASSWORD not in str(caught.value)


def secret(host: str, port: int) -> DbSecret:
    value = {"host": host, "port": port, "username": "u", "password": "pw-unused"}
    return DbSecret.parse(json.dumps(value), "test", 5432)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        (("db.example.com", 5432), ("DB.Example.COM.", 5432), True),
        (("db.example.com.", 5432), ("db.example.com", 5432), True),
        (("db.example.com", 5432), ("db.example.com", 5433), False),
        (("db.example.com", 5432), ("db.example.com.evil.test", 5432), False),
        (("10.0.0.1", 3306), ("10.0.0.2", 3306), False),
    ],
)
def test_endpoints_compare_host_case_insensitively_without_the_trailing_dot(
    one: tuple[str, int], other: tuple[str, int], same: bool
) -> None:
    assert database.same_endpoint(secret(*one), secret(*other)) is same


def test_the_master_connects_with_its_own_database_and_tls(
    sm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same server: the master logs in with its own dbname and ssl (not the application's)."""
    seen: list[DbSecret] = []

    class Recording(PostgresEngine):
        def try_login(self, secret: DbSecret) -> Any:
            seen.append(secret)
            return None  # refused: the step stops here

    strategy = AlternatingUsersStrategy(Recording())
    master = {
        "engine": "postgres",
        "host": "DB.internal.",
        "port": 5432,
        "username": "master",
        "password": MASTER_PASSWORD,
        "dbname": "admin_db",
        "ssl": "verify",
    }
    master_arn = create(sm, "db/master", master)
    application = {
        "engine": "postgres",
        "host": "db.internal",
        "port": 5432,
        "username": "app",
        "password": APP_PASSWORD,
        "dbname": "app_db",
        "ssl": False,
        "masterarn": master_arn,
    }
    arn = create(sm, "db/app", application, rotation=True)
    with pytest.raises(
        RotationFailed, match=r"master user master is refused by DB\.internal\.:5432"
    ):
        rotate(sm, arn, strategy, max_attempts=1)
    assert [(s.host, s.dbname, s.ssl, s.username) for s in seen] == [
        ("DB.internal.", "admin_db", "verify", "master")
    ]


@pytest.fixture(autouse=True)
def _no_configured_master(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASTER_SECRET_ARN", raising=False)
