"""End to end with the components' own documents: account A deploys RotatingSecret and
CrossRegionReplicatedSecret with readers in other accounts into the embedded AWS; a role in
account B holding the secret's reader_identity_policy() reads it (and the replica in its
region) under its own credentials; a role of a third account, or B's role without that
identity policy, is refused.

The embedded AWS decides the cross-account calls with the reader's identity policy, the
component's SecretPolicy and the policy of the key it created (secretkit.embedded.cross_account;
the key policy is evaluated as a document, since moto never calls KMS for a secret).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws

from secretkit.components import CrossRegionReplicatedSecret, RotatingSecret, RotationArgs
from secretkit.embedded import mocks
from secretkit.embedded.accounts import reader_in
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions
from tests.secretkit.test_cross_account_reads import read_or_refused

PRIMARY = mocks.REGION
REPLICA = "eu-west-1"
READER_ACCOUNT = "222222222222"
ACCOUNT_READER = "444444444444"
THIRD_ACCOUNT = "333333333333"
ROLE = "reader"
ROLE_ARN = f"arn:aws:iam::{READER_ACCOUNT}:role/{ROLE}"


@dataclass
class Shared:
    """One deployed secret: its ARN, its replicas' (region -> ARN) and the reader's policy."""

    arn: str
    replicas: dict[str, str]
    identity_policy: dict[str, Any]


@dataclass
class Deployment:
    by_role: Shared
    by_account: Shared
    replicated: Shared


def rotation() -> RotationArgs:
    return {"strategy": "password", "automatically_after_days": 30}


def program() -> pulumi.Output[Any]:
    by_role = RotatingSecret(
        "by-role",
        {"secret_name": "prod/shared/by-role", "rotation": rotation(), "readers": [ROLE_ARN]},
    )
    by_account = RotatingSecret(
        "by-account",
        {
            "secret_name": "prod/shared/by-account",
            "rotation": rotation(),
            "readers": [ACCOUNT_READER],
        },
    )
    replicated = CrossRegionReplicatedSecret(
        "replicated",
        {
            "secret_name": "prod/shared/replicated",
            "secret_template": {"client": "partner"},
            "replica_regions": [REPLICA],
            "readers": [ROLE_ARN],
        },
    )
    return pulumi.Output.all(
        by_role.secret_arn,
        by_role.reader_identity_policy(),
        by_account.secret_arn,
        by_account.reader_identity_policy(),
        replicated.secret_arn,
        replicated.replica_secret_arns,
        replicated.reader_identity_policy(),
    )


@pytest.fixture
def deployed(aws_env: None) -> Iterator[Deployment]:
    with mock_aws(), aws_like_versions():
        mocks.install(EmbeddedAws(region=PRIMARY))
        role_arn, role_policy, account_arn, account_policy, arn, replicas, policy = mocks.run(
            program
        )
        yield Deployment(
            Shared(role_arn, {}, json.loads(role_policy)),
            Shared(account_arn, {}, json.loads(account_policy)),
            Shared(arn, dict(replicas), json.loads(policy)),
        )


def reads(session: boto3.session.Session, arn: str, region: str = PRIMARY) -> bool:
    """Whether the session reads a value (True) or is refused (False), IAM enforced."""
    value = read_or_refused(session, arn, region)
    return value is not None and bool(value["SecretString"])


def test_a_foreign_role_reader_reads_with_the_components_identity_policy(
    deployed: Deployment,
) -> None:
    _, session = reader_in(READER_ACCOUNT, ROLE, deployed.by_role.identity_policy, PRIMARY)
    assert reads(session, deployed.by_role.arn)


def test_a_role_of_a_reader_account_reads_with_the_components_identity_policy(
    deployed: Deployment,
) -> None:
    """The account id names the account's root: any of its roles whose own policy allows."""
    _, session = reader_in(ACCOUNT_READER, "any-role", deployed.by_account.identity_policy, PRIMARY)
    assert reads(session, deployed.by_account.arn)
    _, bystander = reader_in(ACCOUNT_READER, "bystander", None, PRIMARY)
    assert not reads(bystander, deployed.by_account.arn)


def test_the_replicated_secret_is_read_directly_and_in_the_replica_region(
    deployed: Deployment,
) -> None:
    shared = deployed.replicated
    assert set(shared.replicas) == {REPLICA}
    _, session = reader_in(READER_ACCOUNT, ROLE, shared.identity_policy, PRIMARY)
    assert reads(session, shared.arn)
    assert reads(session, shared.replicas[REPLICA], REPLICA)


def test_refused_from_a_third_account(deployed: Deployment) -> None:
    """Even a role there named as B's reader is, holding the same identity policy."""
    shared_secrets = (deployed.by_role, deployed.by_account, deployed.replicated)
    for name, shared in zip((ROLE, "reader-2", "reader-3"), shared_secrets, strict=True):
        _, intruder = reader_in(THIRD_ACCOUNT, name, shared.identity_policy, PRIMARY)
        assert not reads(intruder, shared.arn)
        for region, arn in shared.replicas.items():
            assert not reads(intruder, arn, region)


def test_refused_when_the_readers_role_lacks_the_identity_policy(deployed: Deployment) -> None:
    _, session = reader_in(READER_ACCOUNT, ROLE, None, PRIMARY)
    assert not reads(session, deployed.by_role.arn)
    assert not reads(session, deployed.replicated.arn)
    assert not reads(session, deployed.replicated.replicas[REPLICA], REPLICA)


def test_a_foreign_role_not_named_as_reader_is_refused(deployed: Deployment) -> None:
    """The account of a named role is not the account's root: another role there, holding the
    same identity policy, is refused."""
    _, other = reader_in(READER_ACCOUNT, "other", deployed.by_role.identity_policy, PRIMARY)
    assert not reads(other, deployed.by_role.arn)
