"""End to end: grant_read, called after the constructor, names a reader in another account as
readers does. Account A deploys a RotatingSecret and a CrossRegionReplicatedSecret into the
embedded AWS and grants a role of account B with grant_read (after synchronous invokes in the
program); that role reads the secret (and the replica in its region) under its own
credentials, holding the component's reader_identity_policy(); another role of B, a role of a
third account, and B's role for a secret that granted it nothing are refused.

The embedded AWS decides the calls with the reader's identity policy, the component's
SecretPolicy and the policy of the key it created (secretkit.embedded.cross_account)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pulumi
import pulumi_aws as aws
import pytest
from moto import mock_aws

from secretkit.components import CrossRegionReplicatedSecret, RotatingSecret, RotationArgs
from secretkit.embedded import mocks
from secretkit.embedded.accounts import reader_in
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions
from tests.secretkit.test_cross_account_components import (
    PRIMARY,
    READER_ACCOUNT,
    REPLICA,
    ROLE,
    ROLE_ARN,
    THIRD_ACCOUNT,
    reads,
)


def program() -> pulumi.Output[Any]:
    rotation: RotationArgs = {"strategy": "password", "automatically_after_days": 30}
    granted = RotatingSecret("granted", {"secret_name": "prod/late/granted", "rotation": rotation})
    untouched = RotatingSecret(
        "untouched", {"secret_name": "prod/late/untouched", "rotation": rotation}
    )
    replicated = CrossRegionReplicatedSecret(
        "replicated",
        {
            "secret_name": "prod/late/replicated",
            "secret_template": {"client": "partner"},
            "replica_regions": [REPLICA],
        },
    )
    # Synchronous invokes run Output callbacks inside the program; the grants still count.
    for _ in range(5):
        aws.get_caller_identity()
    granted.grant_read(ROLE_ARN)
    replicated.grant_read(ROLE_ARN)
    return pulumi.Output.all(
        granted.secret_arn,
        granted.reader_identity_policy(),
        untouched.secret_arn,
        untouched.reader_identity_policy(),
        replicated.secret_arn,
        replicated.replica_secret_arns,
        replicated.reader_identity_policy(),
    )


@pytest.fixture
def deployed(aws_env: None) -> Iterator[list[Any]]:
    with mock_aws(), aws_like_versions():
        mocks.install(EmbeddedAws(region=PRIMARY))
        yield list(mocks.run(program))


def test_a_role_granted_later_reads_the_secret(deployed: list[Any]) -> None:
    arn, policy = deployed[0], json.loads(deployed[1])
    _, session = reader_in(READER_ACCOUNT, ROLE, policy, PRIMARY)
    assert reads(session, arn)
    _, other = reader_in(READER_ACCOUNT, "other", policy, PRIMARY)
    assert not reads(other, arn)


def test_a_role_granted_later_reads_the_replicated_secret_in_both_regions(
    deployed: list[Any],
) -> None:
    arn, replicas, policy = deployed[4], deployed[5], json.loads(deployed[6])
    _, session = reader_in(READER_ACCOUNT, ROLE, policy, PRIMARY)
    assert reads(session, arn)
    assert reads(session, replicas[REPLICA], REPLICA)


def test_refused_where_nothing_was_granted_and_from_a_third_account(deployed: list[Any]) -> None:
    untouched, untouched_policy = deployed[2], json.loads(deployed[3])
    _, session = reader_in(READER_ACCOUNT, ROLE, untouched_policy, PRIMARY)
    assert not reads(session, untouched)
    _, intruder = reader_in(THIRD_ACCOUNT, ROLE, json.loads(deployed[1]), PRIMARY)
    assert not reads(intruder, deployed[0])


def test_users_and_groups_get_their_inline_policy_in_the_embedded_aws(aws_env: None) -> None:
    """grant_read(aws.iam.User / aws.iam.Group) deploys an inline user / group policy holding
    the document a role reader gets."""

    def users_and_groups() -> pulumi.Output[Any]:
        rotation: RotationArgs = {"strategy": "password", "automatically_after_days": 30}
        role = aws.iam.Role("app", name="app", assume_role_policy=json.dumps(ASSUME))
        secret = RotatingSecret(  # type: ignore[call-overload]
            "s", {"secret_name": "prod/users", "rotation": rotation, "readers": [role]}
        )
        secret.grant_read(aws.iam.User("alice", name="alice"))
        secret.grant_read(aws.iam.Group("ops", name="ops"))
        arn: pulumi.Output[Any] = secret.secret_arn
        return arn

    with mock_aws(), aws_like_versions():
        mocks.install(EmbeddedAws(region=PRIMARY))
        arn = mocks.run(users_and_groups)
        iam = boto3.client("iam", region_name=PRIMARY)
        role_policy = only_inline(iam.list_role_policies(RoleName="app")["PolicyNames"])
        expected = iam.get_role_policy(RoleName="app", PolicyName=role_policy)["PolicyDocument"]
        user_policy = only_inline(iam.list_user_policies(UserName="alice")["PolicyNames"])
        group_policy = only_inline(iam.list_group_policies(GroupName="ops")["PolicyNames"])
        assert user_policy.startswith("s-read-user-alice")
        assert group_policy.startswith("s-read-group-ops")
        got_user = iam.get_user_policy(UserName="alice", PolicyName=user_policy)
        got_group = iam.get_group_policy(GroupName="ops", PolicyName=group_policy)
        assert got_user["PolicyDocument"] == got_group["PolicyDocument"] == expected
        assert arn in json.dumps(expected)


ASSUME = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def only_inline(names: list[str]) -> str:
    assert len(names) == 1, names
    return names[0]
