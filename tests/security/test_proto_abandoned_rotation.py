"""Issue 12, item 6: a single-user rotation abandoned after setSecret is recoverable, and an
older password only ever goes to the endpoint its own version names.

Real servers: a private PostgreSQL cluster with scram-sha-256 (the shared one trusts every
login) and the shared MariaDB; Secrets Manager is moto made AWS-like (deprecated versions
included). A cancelled rotation leaves the database on a password only a deprecated version
holds: before the fix the next rotation failed for ever with "cannot log in ...".
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import enable_iam_authentication

from rotation_handlers.database import SingleUserStrategy
from rotation_handlers.mysql import MySqlEngine
from rotation_handlers.postgres import PostgresEngine
from rotation_handlers.protocol import CURRENT, PREVIOUS, STEPS
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.rotation_role import ROTATION_SECRET_ACTIONS, rotation_role_policy
from secretkit.embedded.moto_fidelity import resource_level_authorization
from secretkit.embedded.rotation_emulator import PendingPlaceholder, RotationFailed
from tests.rotation_handlers import test_mysql as mysql_tests
from tests.rotation_handlers import test_postgres as pg_tests
from tests.rotation_handlers.conftest import count_calls, rotate, runner, stages
from tests.rotation_handlers.postgres_cluster import Cluster
from tests.rotation_handlers.test_mysql import Sandbox
from tests.rotation_handlers.test_mysql import can_login as mysql_can_login
from tests.rotation_handlers.test_postgres import INITIAL, can_login
from tests.security.proto_support import (
    CapturingPostgres,
    abandon_after_set,
    db_secret,
    password_of,
    step,
)

PG = SingleUserStrategy(PostgresEngine())
MY = SingleUserStrategy(MySqlEngine())

# Database fixtures of tests/rotation_handlers: the private PostgreSQL cluster
# (scram-sha-256) and sandboxes on the shared MariaDB.
sandbox = mysql_tests.sandbox
server = mysql_tests.server
admin = pg_tests.admin
cluster = pg_tests.cluster
make_user = pg_tests.make_user


@pytest.fixture(autouse=True)
def tls_from_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local servers without TLS: the secrets opt out of it (ssl: false), which the function
    honours only in from-secret mode."""
    monkeypatch.setenv("TLS_MODE", "from-secret")


def pg_secret(sm: Any, cluster: Cluster, user: str, password: str = INITIAL) -> str:
    return db_secret(sm, cluster.host, cluster.port, user, password, dbname="postgres")


# --- moto answers as AWS for deprecated versions ------------------------------------------------


def test_moto_shows_deprecated_versions_only_when_asked(sm: Any) -> None:
    arn = db_secret(sm, "db.example", 5432, "app", INITIAL)
    abandoned = str(uuid.uuid4())
    sm.put_secret_value(
        SecretId=arn, ClientRequestToken=abandoned, SecretString="{}", VersionStages=["AWSPENDING"]
    )
    sm.update_secret_version_stage(
        SecretId=arn, VersionStage="AWSPENDING", RemoveFromVersionId=abandoned
    )
    assert abandoned not in stages(sm, arn)  # DescribeSecret: labelled versions only
    listed = sm.list_secret_version_ids(SecretId=arn)["Versions"]
    assert abandoned not in [v["VersionId"] for v in listed]
    everything = sm.list_secret_version_ids(SecretId=arn, IncludeDeprecated=True)["Versions"]
    by_id = {v["VersionId"]: v for v in everything}
    assert by_id[abandoned].get("VersionStages", []) == []
    current = next(v for v, s in stages(sm, arn).items() if CURRENT in s)
    assert by_id[abandoned]["CreatedDate"] > by_id[current]["CreatedDate"]
    assert sm.get_secret_value(SecretId=arn, VersionId=abandoned)["SecretString"] == "{}"


# --- recovery on real databases -----------------------------------------------------------------


def test_postgres_rotation_after_an_abandoned_one_finds_the_password_in_force(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = pg_secret(sm, cluster, user)
    abandoned = abandon_after_set(PG, sm, arn)
    in_force = password_of(sm, arn, version=abandoned)
    assert can_login(cluster, user, in_force)
    assert not can_login(cluster, user, INITIAL)  # AWSCURRENT no longer logs in

    rotation = rotate(sm, arn, PG, max_attempts=1)

    assert rotation.succeeded
    new = password_of(sm, arn)
    assert can_login(cluster, user, new)
    assert not can_login(cluster, user, in_force)


def test_mariadb_rotation_after_an_abandoned_one_finds_the_password_in_force(
    sm: Any, sandbox: Sandbox
) -> None:
    user = sandbox.user()
    arn = db_secret(sm, "127.0.0.1", 3306, user, "Initial-Pass-1!", engine="mariadb")
    abandoned = abandon_after_set(MY, sm, arn)
    in_force = password_of(sm, arn, version=abandoned)
    assert mysql_can_login(user, in_force)
    assert not mysql_can_login(user, "Initial-Pass-1!")

    assert rotate(sm, arn, MY, max_attempts=1).succeeded

    assert mysql_can_login(user, password_of(sm, arn))
    assert not mysql_can_login(user, in_force)


def test_the_newest_deprecated_version_is_tried_first_and_only_a_few(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = pg_secret(sm, cluster, user)
    for _ in range(4):  # four abandoned rotations: the last one's password is in force
        newest = abandon_after_set(PG, sm, arn)
    reads: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        if params.get("VersionId") and not params.get("VersionStage"):
            reads.append(params["VersionId"])

    sm.meta.events.register("provide-client-params.secrets-manager.GetSecretValue", record)
    calls = count_calls(sm, arn, runner(PG))
    assert reads == [newest]
    assert calls.count("ListSecretVersionIds") == 1
    assert can_login(cluster, user, password_of(sm, arn))


def test_deprecated_versions_are_tried_at_most_three_times(
    sm: Any, cluster: Cluster, admin: Any, make_user: Callable[..., str]
) -> None:
    user = make_user()
    arn = pg_secret(sm, cluster, user)
    abandoned = [abandon_after_set(PG, sm, arn) for _ in range(4)]
    # The oldest abandoned password is in force: beyond the three newest, so not tried.
    oldest = password_of(sm, arn, version=abandoned[0])
    admin.run(f"ALTER ROLE \"{user}\" PASSWORD '{oldest}'")
    with pytest.raises(RotationFailed, match="or a deprecated password"):
        rotate(sm, arn, PG, max_attempts=1)
    assert can_login(cluster, user, oldest)


def test_an_unreadable_deprecated_version_is_skipped(
    sm: Any, cluster: Cluster, admin: Any, make_user: Callable[..., str]
) -> None:
    """A deprecated version may be encrypted under a key the function cannot use any more."""
    user = make_user()
    arn = pg_secret(sm, cluster, user)
    older, newest = abandon_after_set(PG, sm, arn), abandon_after_set(PG, sm, arn)
    in_force = password_of(sm, arn, version=older)
    admin.run(f"ALTER ROLE \"{user}\" PASSWORD '{in_force}'")

    def undecryptable(params: dict[str, Any], **_: Any) -> None:
        if params.get("VersionId") == newest:
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "kms:Decrypt"}},
                "GetSecretValue",
            )

    sm.meta.events.register("before-call.secrets-manager.GetSecretValue", undecryptable)
    assert rotate(sm, arn, PG, max_attempts=1).succeeded
    assert can_login(cluster, user, password_of(sm, arn))


def test_a_normal_rotation_never_lists_versions(
    sm: Any, cluster: Cluster, make_user: Callable[..., str]
) -> None:
    calls = count_calls(sm, pg_secret(sm, cluster, make_user()), runner(PG))
    assert "ListSecretVersionIds" not in calls
    assert len(calls) == 10


# --- older passwords never follow a rewritten endpoint ------------------------------------------


@pytest.fixture
def listener() -> Iterator[CapturingPostgres]:
    fake = CapturingPostgres()
    yield fake
    fake.close()


def attacker_value(user: str, port: int) -> str:
    return json.dumps(
        {
            "engine": "postgres",
            "host": "127.0.0.1",
            "port": port,
            "username": user,
            "password": "attacker-Chosen-1",
            "dbname": "postgres",
            "ssl": False,
        }
    )


def test_the_previous_password_is_not_sent_where_a_rewritten_current_points(
    sm: Any,
    cluster: Cluster,
    make_user: Callable[..., str],
    listener: CapturingPostgres,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Someone who may write the secret makes AWSCURRENT name their listener: the real, still
    valid password is now AWSPREVIOUS, which the old handler sent to the pending version's
    (the listener's) endpoint."""
    user = make_user()
    arn = pg_secret(sm, cluster, user)
    assert rotate(sm, arn, PG).succeeded
    real = password_of(sm, arn)
    sm.put_secret_value(SecretId=arn, SecretString=attacker_value(user, listener.port))
    assert password_of(sm, arn, stage=PREVIOUS) == real

    with pytest.raises(RotationFailed):
        rotate(sm, arn, PG, max_attempts=1)

    assert listener.proofs  # the pending login went there and was refused
    assert not listener.received(user, real)
    assert can_login(cluster, user, real)  # nothing changed on the real server
    assert f"names {cluster.host}:{cluster.port} or another user" in caplog.text
    assert real not in caplog.text


def test_the_current_password_is_not_sent_where_a_planted_pending_value_points(
    sm: Any, cluster: Cluster, make_user: Callable[..., str], listener: CapturingPostgres
) -> None:
    """The pending version is written before createSecret runs (PutSecretValue under the
    rotation's token): createSecret keeps it, and the old handler sent the current password
    to its endpoint."""
    user = make_user()
    arn = pg_secret(sm, cluster, user)
    token = str(uuid.uuid4())
    with PendingPlaceholder(sm, arn, arn, token):
        sm.put_secret_value(
            SecretId=arn,
            ClientRequestToken=token,
            SecretString=attacker_value(user, listener.port),
            VersionStages=["AWSPENDING"],
        )
        step(PG, sm, arn, token, STEPS[0])
        with pytest.raises(Exception, match="cannot log in"):
            step(PG, sm, arn, token, STEPS[1])

    assert listener.proofs
    assert not listener.received(user, INITIAL)
    assert can_login(cluster, user, INITIAL)


# --- the rotation role may list the versions ----------------------------------------------------


def test_the_rotation_role_policy_suffices_for_the_recovery(
    sm: Any, cluster: Cluster, make_user: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    """The recovery runs as a role holding exactly the generated rotation policy, with moto's
    IAM enforced per resource."""
    caplog.set_level(logging.INFO)
    assert "secretsmanager:ListSecretVersionIds" in ROTATION_SECRET_ACTIONS
    user = make_user()
    arn = pg_secret(sm, cluster, user)
    abandon_after_set(PG, sm, arn)
    scope = AccountScope("aws", "us-east-1", "123456789012")
    key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/rotator"
    policy = rotation_role_policy(arn, key, group, scope)
    iam = boto3.client("iam", region_name="us-east-1")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName="rotator", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="rotator", PolicyName="rotate", PolicyDocument=json.dumps(policy))
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=role["Role"]["Arn"], RoleSessionName="recovery"
    )["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )
    as_role = session.client("secretsmanager")
    with enable_iam_authentication(), resource_level_authorization():
        rotation = rotate(as_role, arn, PG, max_attempts=1)
    assert rotation.succeeded
    assert "using the deprecated version" in caplog.text
    assert can_login(cluster, user, password_of(sm, arn))
