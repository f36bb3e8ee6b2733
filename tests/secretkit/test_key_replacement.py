"""Live key replacement, proved in the embedded AWS with IAM and key policies enforced: a deployed
secret moves to a new key in the documented steps (grant the new key; switch, the old key still
granted; wait for `secretkit key-usage`; drop the old key's grant and schedule its deletion)
while its reader (and replica reader) and its rotation role keep working at every resource
operation of each redeploy. Without a transition grant a read fails, so the test can go wrong:
a version the key change does not re-encrypt needs the old key, and a replica, replicated
again under its new key by the same update, needs the new key before the switch."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws

from secretkit import demo
from secretkit.cli import main as cli
from secretkit.components import CrossRegionReplicatedSecret, RotatingSecret
from secretkit.embedded import mocks
from secretkit.embedded.accounts import account_root, assume
from secretkit.embedded.embedded_aws import Created, EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions, is_access_denied

REGION = "us-east-1"
REPLICA = "eu-west-1"
NAME = "prod/app/api-key"
#: A label of the application's own (a version it pins): AWS re-encrypts only AWSCURRENT,
#: AWSPENDING and AWSPREVIOUS when the key changes, so this version stays under the old key.
PINNED = "PINNED"


@pytest.fixture
def account(aws_env: None) -> Iterator[EmbeddedAws]:
    with mock_aws(), aws_like_versions():
        yield EmbeddedAws(region=REGION)


def new_key(region: str = REGION) -> str:
    return str(boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"])


def reader_role(name: str = "app-reader") -> str:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": account_root(mocks.ACCOUNT_ID)},
             "Action": "sts:AssumeRole"}
        ],
    }  # fmt: skip
    boto3.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    return name


def up(
    account: EmbeddedAws,
    program: Callable[[], Any],
    during: Callable[[Created], None] | None = None,
) -> mocks.RecordingMonitor:
    account.begin()
    account.on_create = during
    try:
        monitor = mocks.install(account)
        mocks.run(program)
        account.finish()
    finally:
        account.on_create = None
    return monitor


def rotating(key: str, transition: list[str]) -> Callable[[], Any]:
    def program() -> None:
        RotatingSecret(
            "app",
            {
                "secret_name": NAME,
                "kms_key_arn": key,
                "transition_kms_key_arns": transition,
                "secret_string": pulumi.Output.secret("first-value"),
                "readers": ["app-reader"],
                "rotation": {"strategy": "password", "automatically_after_days": 30},
            },
        )

    return program


def read(stage: str = "AWSCURRENT", arn: str = NAME, region: str = REGION) -> str:
    """GetSecretValue as the reader, IAM and key policies enforced; the error code if refused."""
    session = assume(f"arn:aws:iam::{mocks.ACCOUNT_ID}:role/app-reader", "reader", region)
    with demo.authorization_on():
        try:
            value = session.client("secretsmanager", region_name=region).get_secret_value(
                SecretId=arn, VersionStage=stage
            )
        except Exception as error:
            return "AccessDenied" if is_access_denied(error) else type(error).__name__
    return "ok" if value["SecretString"] else "empty"


def rotate(monitor: mocks.RecordingMonitor, arn: str) -> demo.Check:
    (function,) = monitor.by_type("aws:lambda/function:Function")
    return demo.rotate_one(
        "app",
        arn,
        str(function.state["name"]),
        REGION,
        lambda _message: None,
        log_group=function.plain_inputs["loggingConfig"]["logGroup"],
    )


def key_usage(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    code = cli(["key-usage", NAME, "--json", "--region", REGION, *args], out)
    return code, json.loads(out.getvalue())


def pin_a_version() -> str:
    """A version the application reads by a label of its own, written before the key change."""
    sm = boto3.client("secretsmanager", region_name=REGION)
    put = sm.put_secret_value(SecretId=NAME, SecretString="pinned-value", VersionStages=[PINNED])
    return str(put["VersionId"])


def key_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def test_a_new_key_with_its_transition_grant_keeps_reader_and_rotation_working(
    account: EmbeddedAws,
) -> None:
    old, new = new_key(), new_key()
    reader_role()
    monitor = up(account, rotating(old, []))
    arn = str(monitor.by_type("aws:secretsmanager/secret:Secret")[0].state["arn"])
    assert rotate(monitor, arn).ok
    pinned = pin_a_version()
    assert read() == read(PINNED) == "ok"

    # 1) the new key granted beside the old one; 2) the switch, the old key still granted: at
    # every resource operation both the current version and the pinned one (under the old key
    # alone) stay readable.
    seen: list[tuple[str, str, str, str]] = []

    def during(change: Created) -> None:
        seen.append((change.type, change.operation, read(), read(PINNED)))

    up(account, rotating(old, [new]), during)
    monitor = up(account, rotating(new, [old]), during)
    assert {(t, op) for t, op, *_ in seen} >= {
        ("aws:secretsmanager/secret:Secret", "update"),
        ("aws:iam/rolePolicy:RolePolicy", "update"),
    }
    assert all((current, pin) == ("ok", "ok") for *_, current, pin in seen)

    # 2) AWS re-encrypted the labelled versions (they open with either key); the pinned one
    # opens with the old key only, so key-usage says the old key is still needed.
    code, report = key_usage("--retiring", old)
    assert code == 3
    (primary,) = report["copies"]
    keys = {v["id"]: [key_id(k) for k in v["kms_key_ids"]] for v in primary["versions"]}
    assert keys[pinned] == [key_id(old)]
    labelled = [v for v in primary["versions"] if {"AWSCURRENT", "AWSPREVIOUS"} & set(v["stages"])]
    assert len(labelled) == 2
    assert all(keys[v["id"]] == [key_id(old), key_id(new)] for v in labelled)
    (verdict,) = report["retiring"]
    assert [entry["version"] for entry in verdict["needed_by"]] == [pinned]

    # Rotation under the new key: the new version is under the new key alone.
    assert rotate(monitor, arn).ok
    assert read() == "ok"
    code, report = key_usage()
    assert code == 3  # found without --retiring: the pinned version still needs the old key
    current = next(v for v in report["copies"][0]["versions"] if "AWSCURRENT" in v["stages"])
    assert [key_id(k) for k in current["kms_key_ids"]] == [key_id(new)]

    # The application moves its label to the current version: nothing labelled needs the old
    # key any more (the deprecated version is a warning, not a blocker).
    sm = boto3.client("secretsmanager", region_name=REGION)
    sm.update_secret_version_stage(
        SecretId=NAME, VersionStage=PINNED, MoveToVersionId=current["id"],
        RemoveFromVersionId=pinned,
    )  # fmt: skip
    code, report = key_usage("--retiring", old)
    assert code == 0, report
    assert [v["version"] for v in report["retiring"][0]["deprecated_versions_only_under_it"]] == [
        pinned
    ]

    # 3) the old key's grant removed, 4) the old key scheduled for deletion: reads and
    # rotation go on.
    monitor = up(account, rotating(new, []))
    iam = boto3.client("iam")
    (policy_name,) = iam.list_role_policies(RoleName="app-reader")["PolicyNames"]
    policy = json.dumps(
        iam.get_role_policy(RoleName="app-reader", PolicyName=policy_name)["PolicyDocument"]
    )
    assert old not in policy
    assert new in policy
    boto3.client("kms", region_name=REGION).schedule_key_deletion(
        KeyId=key_id(old), PendingWindowInDays=7
    )
    assert read() == read(PINNED) == "ok"
    assert rotate(monitor, arn).ok
    assert read() == "ok"


def test_without_the_transition_grant_the_version_under_the_old_key_is_refused(
    account: EmbeddedAws,
) -> None:
    old, new = new_key(), new_key()
    reader_role()
    up(account, rotating(old, []))
    pin_a_version()
    up(account, rotating(new, []))
    assert read() == "ok"  # re-encrypted: opens with the new key
    assert read(PINNED) == "AccessDenied"  # under the old key alone, no longer granted
    up(account, rotating(new, [old]))
    assert read(PINNED) == "ok"


def test_a_rotation_role_without_the_new_key_cannot_write_the_next_version(
    account: EmbeddedAws,
) -> None:
    """The embedded AWS decides PutSecretValue with the secret's key: a role granted only the
    old key fails the rotation (what a rotation mid-redeploy would meet)."""
    old, new = new_key(), new_key()
    reader_role()
    monitor = up(account, rotating(old, []))
    arn = str(monitor.by_type("aws:secretsmanager/secret:Secret")[0].state["arn"])
    boto3.client("secretsmanager", region_name=REGION).update_secret(SecretId=NAME, KmsKeyId=new)
    failed = rotate(monitor, arn)
    assert not failed.ok
    assert "AccessDenied" in failed.detail
    up(account, rotating(new, [old]))
    assert rotate(monitor, arn).ok


def replicated(key: str, replica_key: str, transition: list[str]) -> Callable[[], Any]:
    def program() -> None:
        CrossRegionReplicatedSecret(
            "app",
            {
                "secret_name": NAME,
                "kms_key_arn": key,
                "replica_regions": [{"region": REPLICA, "kms_key_arn": replica_key}],
                "transition_kms_key_arns": transition,
                "secret_string": pulumi.Output.secret("first-value"),
                "readers": ["app-reader"],
                "rotation": {"strategy": "password", "automatically_after_days": 30},
            },
        )

    return program


def test_a_replicated_secret_moves_both_keys(account: EmbeddedAws) -> None:
    old, new = new_key(), new_key()
    old_replica, new_replica = new_key(REPLICA), new_key(REPLICA)
    reader_role()
    monitor = up(account, replicated(old, old_replica, []))
    arn = str(monitor.by_type("aws:secretsmanager/secret:Secret")[0].state["arn"])
    replica_arn = arn.replace(f":{REGION}:", f":{REPLICA}:")
    assert rotate(monitor, arn).ok
    assert read() == read(arn=replica_arn, region=REPLICA) == "ok"

    reads: list[tuple[str, str]] = []

    def during(_change: Created) -> None:
        reads.append((read(), read(arn=replica_arn, region=REPLICA)))

    up(account, replicated(old, old_replica, [new, new_replica]), during)
    monitor = up(account, replicated(new, new_replica, [old, old_replica]), during)
    secret_changes = [c for c in account.created if c.type.endswith("secret:Secret")]
    assert [c.operation for c in secret_changes] == ["update"]  # in place, same ARNs
    assert reads
    assert all(pair == ("ok", "ok") for pair in reads)

    # The replica was replicated again under its new key (pulumi-aws removes and re-adds it);
    # the primary's labelled versions were re-encrypted: neither old key is needed.
    code, report = key_usage("--retiring", old, "--retiring", old_replica)
    assert code == 0, report
    replica = next(c for c in report["copies"] if c["replica"])
    assert replica["region"] == REPLICA
    assert key_id(replica["key"]) == key_id(new_replica)
    assert {key_id(k) for v in replica["versions"] for k in v["kms_key_ids"]} == {
        key_id(new_replica)
    }
    assert rotate(monitor, arn).ok

    up(account, replicated(new, new_replica, []))
    for key, region in ((old, REGION), (old_replica, REPLICA)):
        boto3.client("kms", region_name=region).schedule_key_deletion(
            KeyId=key_id(key), PendingWindowInDays=7
        )
    assert read() == read(arn=replica_arn, region=REPLICA) == "ok"
    assert rotate(monitor, arn).ok


def test_switching_a_replica_key_without_granting_it_first_breaks_its_readers(
    account: EmbeddedAws,
) -> None:
    """pulumi-aws changes a replica's key by removing the replica and replicating it again under
    the new key, inside the Secret's update: a reader whose policy does not name the new key
    yet is refused until its own policy updates. Step 1 (the new key granted first) is what
    prevents it."""
    old, new = new_key(), new_key()
    old_replica, new_replica = new_key(REPLICA), new_key(REPLICA)
    reader_role()
    monitor = up(account, replicated(old, old_replica, []))
    arn = str(monitor.by_type("aws:secretsmanager/secret:Secret")[0].state["arn"])
    replica_arn = arn.replace(f":{REGION}:", f":{REPLICA}:")
    after_secret_update: list[str] = []

    def during(change: Created) -> None:
        if change.type.endswith("secret:Secret"):
            after_secret_update.append(read(arn=replica_arn, region=REPLICA))

    up(account, replicated(new, new_replica, [old, old_replica]), during)
    assert after_secret_update == ["AccessDenied"]
    assert read(arn=replica_arn, region=REPLICA) == "ok"  # once the reader's policy updated
