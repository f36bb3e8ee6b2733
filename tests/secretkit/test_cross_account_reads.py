"""A reader in another account reads a secret of account A in the embedded AWS exactly when IAM
would let it: its identity policy in its own account, the secret's resource policy and the key
policy of the secret's customer managed key must all allow it.

moto enforces none of the cross-account part (secretkit.embedded.cross_account decides it; the
key policy is evaluated as a document, since moto never calls KMS for a secret). The documents
come from the components' own builders (secretkit.components.iam.cross_account): the SecretPolicy
statement naming the foreign principal exactly, the key statement conditioned on kms:ViaService
and the secret's ARN in the encryption context, and the reader's own identity policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import enable_iam_authentication

from secretkit.components.iam.arns import AccountScope, secret_arn_pattern
from secretkit.components.iam.cross_account import (
    foreign_decrypt_statement,
    foreign_read_statement,
    organization_decrypt_statement,
    organization_read_statement,
    reader_identity_policy,
)
from secretkit.components.iam.documents import document
from secretkit.components.iam.key_policy import key_policy
from secretkit.components.iam.replicas import SecretLocation
from secretkit.embedded import mocks
from secretkit.embedded.accounts import account_root, reader_in
from secretkit.embedded.moto_fidelity import (
    aws_like_versions,
    is_access_denied,
    resource_level_authorization,
)

OWNER = mocks.ACCOUNT_ID
READER_ACCOUNT = "222222222222"
THIRD_ACCOUNT = "333333333333"
PRIMARY = mocks.REGION
REPLICA = "eu-west-1"
NAME = "prod/shared/api-token"
VALUE = "api-token-VALUE"
READ_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]


@pytest.fixture
def accounts(aws_env: None) -> Iterator[None]:
    """moto with several accounts (authorization off until a test turns it on)."""
    with mock_aws(), aws_like_versions():
        yield


@contextmanager
def authorized() -> Iterator[None]:
    with enable_iam_authentication(), resource_level_authorization():
        yield


# --- the documents, from the components' own builders ---------------------------------------


def secret_statement(principal: str, secret_arns: list[Any]) -> dict[str, Any]:
    """The SecretPolicy statement granting a foreign principal the read."""
    return foreign_read_statement([principal], secret_arns)


def key_statement(principal: str, region: str, secret_arn: str) -> dict[str, Any]:
    """The key-policy statement letting a foreign principal decrypt this secret only, only
    through Secrets Manager in the secret's region (an exact ARN is its own pattern)."""
    return foreign_decrypt_statement([principal], secret_arn, region)


def owner_key_policy(*grants: dict[str, Any]) -> str:
    """The secretkit key policy of account A (root delegation to its IAM), with ``grants``."""
    return json.dumps(key_policy("aws", OWNER, extra=grants))


def reader_policy(
    locations: list[tuple[str, str, str]], *, key: bool = True, secret: bool = True
) -> dict[str, Any]:
    """The reader's own identity policy in its account (reader_identity_policy) for each
    (region, secret ARN, key ARN), the first the primary; ``key``/``secret`` False leave out
    its Decrypt or its read statements."""
    (region, arn, key_arn), *replicas = locations
    policy = reader_identity_policy(
        arn, key_arn, region, [SecretLocation(*location) for location in replicas]
    )
    policy["Statement"] = [
        stmt
        for stmt in policy["Statement"]
        if (key if stmt["Action"] == ["kms:Decrypt"] else secret)
    ]
    return policy


# --- account A's secret -------------------------------------------------------------------------


class SharedSecret:
    """A secret in account A (replicated to REPLICA) under customer managed keys."""

    def __init__(self, *, managed_key: bool = False) -> None:
        self.primary_key = "" if managed_key else self._key(PRIMARY)
        self.replica_key = "" if managed_key else self._key(REPLICA)
        request: dict[str, Any] = {"Name": NAME, "SecretString": VALUE}
        if not managed_key:
            request["KmsKeyId"] = self.primary_key
            request["AddReplicaRegions"] = [{"Region": REPLICA, "KmsKeyId": self.replica_key}]
        self.arn = self._client(PRIMARY).create_secret(**request)["ARN"]
        self.replica_arn = self.arn.replace(f":{PRIMARY}:", f":{REPLICA}:")

    @staticmethod
    def _client(region: str) -> Any:
        return boto3.client("secretsmanager", region_name=region)

    @staticmethod
    def _key(region: str) -> str:
        return str(boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"])

    def locations(self) -> list[tuple[str, str, str]]:
        return [
            (PRIMARY, self.arn, self.primary_key),
            (REPLICA, self.replica_arn, self.replica_key),
        ]

    def grant(self, principal: str, *, secret: bool = True, key: bool = True) -> None:
        """Account A's half: the resource policy and the key policies (each part optional)."""
        statements = [secret_statement(principal, [self.arn, self.replica_arn])] if secret else []
        self._client(PRIMARY).put_resource_policy(
            SecretId=self.arn,
            ResourcePolicy=json.dumps(document(*statements)),
            BlockPublicPolicy=True,
        )
        for region, arn, key_arn in self.locations():
            grants = [key_statement(principal, region, arn)] if key else []
            boto3.client("kms", region_name=region).put_key_policy(
                KeyId=key_arn, PolicyName="default", Policy=owner_key_policy(*grants)
            )


def read_or_refused(
    session: boto3.session.Session, arn: str, region: str = PRIMARY
) -> dict[str, Any] | None:
    """GetSecretValue's answer under authorization, or None when refused (AccessDenied)."""
    with authorized():
        try:
            value: dict[str, Any] = session.client(
                "secretsmanager", region_name=region
            ).get_secret_value(SecretId=arn)
        except ClientError as error:
            if not is_access_denied(error):
                raise
            return None
    assert value["ARN"] == arn
    return value


def reads(session: boto3.session.Session, arn: str, region: str = PRIMARY) -> bool:
    """Whether the session reads the value (True) or is refused (False), under authorization."""
    value = read_or_refused(session, arn, region)
    if value is None:
        return False
    assert value["SecretString"] == VALUE
    return True


def test_a_role_of_another_account_reads_with_all_three_documents(accounts: None) -> None:
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role)
    assert reads(session, secret.arn)
    with authorized():
        described = session.client("secretsmanager").describe_secret(SecretId=secret.arn)
    assert described["ARN"] == secret.arn


def test_the_replica_is_read_in_its_region_under_the_replica_key(accounts: None) -> None:
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role)
    assert reads(session, secret.replica_arn, REPLICA)


def test_refused_without_the_resource_policy_statement(accounts: None) -> None:
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role, secret=False)
    assert not reads(session, secret.arn)
    assert not reads(session, secret.replica_arn, REPLICA)
    with authorized(), pytest.raises(ClientError) as refused:
        session.client("secretsmanager").describe_secret(SecretId=secret.arn)
    assert is_access_denied(refused.value)


def test_refused_without_the_key_statement(accounts: None) -> None:
    """DescribeSecret needs no key; GetSecretValue does."""
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role, key=False)
    assert not reads(session, secret.arn)
    assert not reads(session, secret.replica_arn, REPLICA)
    with authorized():
        described = session.client("secretsmanager").describe_secret(SecretId=secret.arn)
    assert described["ARN"] == secret.arn


def test_refused_without_the_readers_identity_policy(accounts: None) -> None:
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", None, PRIMARY)
    secret.grant(role)
    assert not reads(session, secret.arn)


def test_refused_when_the_readers_identity_policy_lacks_the_key(accounts: None) -> None:
    secret = SharedSecret()
    policy = reader_policy(secret.locations(), key=False)
    role, session = reader_in(READER_ACCOUNT, "reader", policy, PRIMARY)
    secret.grant(role)
    assert not reads(session, secret.arn)


def test_refused_from_a_third_account(accounts: None) -> None:
    secret = SharedSecret()
    role, _ = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role)
    _, intruder = reader_in(THIRD_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    assert not reads(intruder, secret.arn)
    assert not reads(intruder, secret.replica_arn, REPLICA)


def test_naming_the_account_admits_its_roles_whose_own_policy_allows(accounts: None) -> None:
    secret = SharedSecret()
    secret.grant(account_root(READER_ACCOUNT))
    _, allowed = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    _, unprivileged = reader_in(READER_ACCOUNT, "bystander", None, PRIMARY)
    assert reads(allowed, secret.arn)
    assert not reads(unprivileged, secret.arn)


def test_the_key_statement_holds_only_through_secrets_manager_for_this_secret(
    accounts: None,
) -> None:
    """A key statement conditioned on another secret's ARN, or another region's Secrets
    Manager, lets nothing through."""
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role, key=False)
    other_secret = secret.arn.replace(NAME, "prod/shared/other")
    for wrong in (
        key_statement(role, PRIMARY, other_secret),
        key_statement(role, REPLICA, secret.arn),
    ):
        boto3.client("kms", region_name=PRIMARY).put_key_policy(
            KeyId=secret.primary_key,
            PolicyName="default",
            Policy=owner_key_policy(wrong),
        )
        assert not reads(session, secret.arn)


def test_the_aws_managed_key_is_never_readable_from_another_account(accounts: None) -> None:
    secret = SharedSecret(managed_key=True)
    policy = document(
        {"Effect": "Allow", "Action": [*READ_ACTIONS, "kms:Decrypt"], "Resource": "*"}
    )
    role, session = reader_in(READER_ACCOUNT, "reader", policy, PRIMARY)
    boto3.client("secretsmanager", region_name=PRIMARY).put_resource_policy(
        SecretId=secret.arn,
        ResourcePolicy=json.dumps(document(secret_statement(role, [secret.arn]))),
    )
    assert not reads(session, secret.arn)


def test_a_foreign_arn_is_not_found_while_authorization_is_off(accounts: None) -> None:
    """Routing to the owner happens only while every such call is decided."""
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role)
    with pytest.raises(ClientError) as missing:
        session.client("secretsmanager").get_secret_value(SecretId=secret.arn)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_the_replica_reports_its_own_key(accounts: None) -> None:
    secret = SharedSecret()
    described = boto3.client("secretsmanager", region_name=PRIMARY).describe_secret(
        SecretId=secret.arn
    )
    assert [s["KmsKeyId"] for s in described["ReplicationStatus"]] == [secret.replica_key]


# --- the same through a Pulumi deployment on the embedded AWS -----------------------------------


def test_a_deployed_secret_policy_and_key_policy_admit_the_foreign_reader(
    accounts: None,
) -> None:
    """Account A deploys with the embedded AWS (aws.secretsmanager.SecretPolicy and
    aws.kms.KeyPolicy as the components emit them); the reader in account B reads it."""
    import pulumi  # noqa: PLC0415
    import pulumi_aws as aws  # noqa: PLC0415

    from secretkit.embedded.embedded_aws import EmbeddedAws  # noqa: PLC0415

    role = f"arn:aws:iam::{READER_ACCOUNT}:role/reader"

    def program() -> None:
        key = aws.kms.Key("key", description="shared")
        secret = aws.secretsmanager.Secret("secret", name=NAME, kms_key_id=key.arn)
        aws.secretsmanager.SecretVersion("value", secret_id=secret.id, secret_string=VALUE)
        aws.secretsmanager.SecretPolicy(
            "readers",
            secret_arn=secret.arn,
            policy=pulumi.Output.json_dumps(document(secret_statement(role, [secret.arn]))),
            block_public_policy=True,
        )
        aws.kms.KeyPolicy(
            "key-policy",
            key_id=key.key_id,
            policy=secret.arn.apply(
                lambda arn: owner_key_policy(key_statement(role, PRIMARY, arn))
            ),
        )
        pulumi.export("secret_arn", secret.arn)
        pulumi.export("key_arn", key.arn)

    monitor = mocks.install(EmbeddedAws(region=PRIMARY))
    mocks.run(program)
    secret_arn = str(monitor.by_type("aws:secretsmanager/secret:Secret")[0].state["arn"])
    key_arn = str(monitor.by_type("aws:kms/key:Key")[0].state["arn"])

    _, session = reader_in(
        READER_ACCOUNT, "reader", reader_policy([(PRIMARY, secret_arn, key_arn)]), PRIMARY
    )
    assert reads(session, secret_arn)
    _, intruder = reader_in(
        THIRD_ACCOUNT, "reader", reader_policy([(PRIMARY, secret_arn, key_arn)]), PRIMARY
    )
    assert not reads(intruder, secret_arn)


def test_an_organization_grant_admits_its_member_accounts_only(accounts: None) -> None:
    """Principal '*' pinned by aws:PrincipalOrgID, in both the resource and the key policy."""
    org = boto3.client("organizations", region_name=PRIMARY)
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    status = org.create_account(AccountName="readers", Email="readers@example.com")
    member = status["CreateAccountStatus"]["AccountId"]
    secret = SharedSecret()
    client = boto3.client("secretsmanager", region_name=PRIMARY)
    client.put_resource_policy(
        SecretId=secret.arn,
        ResourcePolicy=json.dumps(
            document(organization_read_statement(org_id, [], [secret.arn, secret.replica_arn]))
        ),
        BlockPublicPolicy=True,
    )
    decrypt = organization_decrypt_statement(org_id, [], secret.arn, PRIMARY)
    boto3.client("kms", region_name=PRIMARY).put_key_policy(
        KeyId=secret.primary_key, PolicyName="default", Policy=owner_key_policy(decrypt)
    )
    policy = reader_policy(secret.locations())
    _, insider = reader_in(member, "reader", policy, PRIMARY)
    _, outsider = reader_in(THIRD_ACCOUNT, "reader", policy, PRIMARY)
    assert reads(insider, secret.arn)
    assert not reads(outsider, secret.arn)


def test_a_key_statement_may_name_the_secret_by_its_name_pattern(accounts: None) -> None:
    """A key created before its secret can only name the secret's ARN by pattern
    (StringLike on '<name>-??????'); another secret's name still does not match."""
    secret = SharedSecret()
    role, session = reader_in(READER_ACCOUNT, "reader", reader_policy(secret.locations()), PRIMARY)
    secret.grant(role, key=False)
    for name, readable in ((NAME, True), ("prod/shared/other", False)):
        pattern = secret_arn_pattern(AccountScope("aws", PRIMARY, OWNER), name)
        boto3.client("kms", region_name=PRIMARY).put_key_policy(
            KeyId=secret.primary_key,
            PolicyName="default",
            Policy=owner_key_policy(key_statement(role, PRIMARY, str(pattern))),
        )
        assert reads(session, secret.arn) is readable, name
