"""Issue 12, item 6 at the operator's end: `secretkit status` shows an abandoned rotation whose
password may be in force, and `secretkit cancel-rotation` does not strand a password that a
single-user rotation may already have set (refused unless --force).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from rotation_handlers import postgres_single_user
from rotation_handlers.protocol import PENDING, STEPS
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.rotation_emulator import PendingPlaceholder
from tests.rotation_handlers import test_postgres as pg_tests
from tests.rotation_handlers.conftest import LAMBDA_ARN, stages
from tests.rotation_handlers.postgres_cluster import Cluster
from tests.rotation_handlers.test_postgres import INITIAL, can_login
from tests.secretkit.test_cli import run_cli
from tests.security.proto_support import password_of, step

# The private PostgreSQL cluster's fixtures (scram-sha-256).
cluster = pg_tests.cluster
admin = pg_tests.admin
make_user = pg_tests.make_user

VALUE = {"host": "db.example", "port": 5432, "username": "app", "password": "Old-Secret-1!"}
PENDING_VALUE = {**VALUE, "password": "Pending-Secret-2!"}


def tagged_secret(sm: Any, strategy: str, value: dict[str, Any] = VALUE) -> str:
    arn: str = sm.create_secret(
        Name=f"cli/{uuid.uuid4().hex[:8]}",
        SecretString=json.dumps(value),
        Tags=[{"Key": "secretkit:strategy", "Value": strategy}],
    )["ARN"]
    enable_rotation(arn, LAMBDA_ARN)
    return arn


def start_rotation(sm: Any, arn: str) -> str:
    """A rotation that got past createSecret: its pending version has a value."""
    token = str(uuid.uuid4())
    sm.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps(PENDING_VALUE),
        VersionStages=[PENDING],
    )
    return token


def abandon(sm: Any, arn: str) -> str:
    token = start_rotation(sm, arn)
    sm.cancel_rotate_secret(SecretId=arn)
    sm.update_secret_version_stage(SecretId=arn, VersionStage=PENDING, RemoveFromVersionId=token)
    return token


def assert_no_values(text: str) -> None:
    for value in ("Old-Secret-1!", "Pending-Secret-2!", INITIAL):
        assert value not in text


# --- status -------------------------------------------------------------------------------------


def test_status_shows_an_abandoned_single_user_rotation_with_advice(sm: Any) -> None:
    arn = tagged_secret(sm, "postgres-single-user")
    token = abandon(sm, arn)

    code, out = run_cli("status", arn)

    assert code == 0
    assert f"  {token}  - (deprecated)" in out
    assert f"ABANDONED  version {token} was created after AWSCURRENT" in out
    assert "AWSCURRENT may no longer log in" in out
    assert f"secretkit rotate --aws {arn}" in out
    assert "--move-to-version-id " + token in out
    assert "State      ok" not in out
    assert_no_values(out)


def test_status_says_an_abandoned_password_rotation_is_harmless(sm: Any) -> None:
    arn = tagged_secret(sm, "password")
    token = abandon(sm, arn)
    code, out = run_cli("status", arn)
    assert code == 0
    assert f"ABANDONED  version {token}" in out
    assert "AWSCURRENT still works" in out


def test_status_of_rotated_secrets_shows_no_abandoned_version(sm: Any) -> None:
    arn = tagged_secret(sm, "password")
    for _ in range(3):  # each rotation leaves an older version deprecated
        assert run_cli("rotate", arn, "--first-delay", "0")[0] == 0
    code, out = run_cli("status", arn)
    assert code == 0
    assert "ABANDONED" not in out
    assert "State      ok" in out


# --- cancel-rotation ----------------------------------------------------------------------------


@pytest.mark.parametrize("strategy", ["postgres-single-user", "mysql-single-user"])
def test_cancelling_a_single_user_rotation_is_refused_without_force(
    sm: Any, strategy: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = tagged_secret(sm, strategy)
    token = start_rotation(sm, arn)

    code, _ = run_cli("cancel-rotation", arn)

    assert code == 1
    error = capsys.readouterr().err
    assert f"version {token} of {arn} is the pending version of a {strategy} rotation" in error
    assert "--force" in error
    assert error.count("\n") == 1
    assert_no_values(error)
    # Nothing was changed.
    assert PENDING in stages(sm, arn)[token]
    assert sm.describe_secret(SecretId=arn)["RotationEnabled"] is True


def test_cancel_with_force_keeps_the_pending_value_and_says_where(sm: Any) -> None:
    arn = tagged_secret(sm, "postgres-single-user")
    token = start_rotation(sm, arn)

    code, out = run_cli("cancel-rotation", arn, "--force")

    assert code == 0
    assert f"Removed AWSPENDING from version {token}" in out
    assert f"Version {token} keeps its value as a deprecated version" in out
    assert "automatic rotation is now DISABLED" in out
    assert sm.get_secret_value(SecretId=arn, VersionId=token)["SecretString"]
    _, status = run_cli("status", arn)
    assert f"ABANDONED  version {token}" in status
    assert_no_values(out + status)


def test_cancelling_other_strategies_needs_no_force(sm: Any) -> None:
    arn = tagged_secret(sm, "postgres-multi-user")
    token = start_rotation(sm, arn)
    code, out = run_cli("cancel-rotation", arn)
    assert code == 0
    assert f"Removed AWSPENDING from version {token}" in out


# --- end to end on a real database --------------------------------------------------------------


def test_forced_cancel_then_status_then_rotate_recovers_on_postgres(
    sm: Any,
    cluster: Cluster,
    make_user: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TLS_MODE", "from-secret")
    user = make_user()
    value = {
        "engine": "postgres",
        "host": cluster.host,
        "port": cluster.port,
        "username": user,
        "password": INITIAL,
        "dbname": "postgres",
        "ssl": False,
    }
    arn = tagged_secret(sm, "postgres-single-user", value)
    strategy = postgres_single_user.lambda_handler.strategy
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        for name in STEPS[:2]:  # the rotation stops after setSecret
            step(strategy, sm, arn, token, name)
    in_force = password_of(sm, arn, version=token)

    assert run_cli("cancel-rotation", arn)[0] == 1  # refused: the password may be in force
    code, out = run_cli("cancel-rotation", arn, "--force")
    assert code == 0
    code, out = run_cli("status", arn)
    assert f"ABANDONED  version {token}" in out
    assert not can_login(cluster, user, INITIAL)

    enable_rotation(arn, LAMBDA_ARN)  # what `secretkit rotate --aws` (RotateSecret) does first
    code, out = run_cli("rotate", arn, "--first-delay", "0", "--max-attempts", "1")

    assert code == 0, out
    assert can_login(cluster, user, password_of(sm, arn))
    assert not can_login(cluster, user, in_force)
    code, out = run_cli("status", arn)
    assert "ABANDONED" not in out
    assert "State      ok" in out
