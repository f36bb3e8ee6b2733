"""The policies secretkit builds, evaluated by moto's IAM with authorization switched on.

Setup (secrets, roles, their inline policies, sts:AssumeRole) runs with the fake credentials of
``aws_env`` before authorization is on; the calls under test use the assumed role's
credentials inside ``authorized()``. moto evaluates only actions and resources: it never calls
KMS for a secret and ignores conditions, so the kms statements (ViaService, encryption context)
are not exercised here; the mocks tests check their exact shape. Nor does moto make Parameter
Store's read of the secret under the caller's identity: a role with only the ssm statement of
the proxy policy reads the value on moto, where AWS also requires GetSecretValue and Decrypt.
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

from secretkit.components.iam.proxy import proxy_policy
from secretkit.components.iam.reader import secret_read_policy
from secretkit.components.iam.replicas import SecretLocation
from secretkit.embedded import mocks
from secretkit.embedded.moto_fidelity import resource_level_authorization

ACCOUNT = mocks.ACCOUNT_ID
PRIMARY = mocks.REGION
REPLICAS = ("eu-west-1", "ap-southeast-2")
NAME = "prod/agi/unleash"
VALUE = "unleash-api-token-VALUE"
PROXY_PATH = f"/aws/reference/secretsmanager/{NAME}"


@pytest.fixture
def account(aws_env: None) -> Iterator[None]:
    """A fresh moto account (authorization off until a test turns it on)."""
    with mock_aws():
        yield


@contextmanager
def authorized() -> Iterator[None]:
    """moto's IAM checks on, evaluated against each secret's and parameter's own ARN."""
    with enable_iam_authentication(), resource_level_authorization():
        yield


def role_session(name: str, policy: dict[str, Any]) -> boto3.Session:
    """A role trusted by the account root, holding exactly ``policy``, assumed now."""
    iam = boto3.client("iam", region_name=PRIMARY)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(
        RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(policy)
    )
    sts = boto3.client("sts", region_name=PRIMARY)
    credentials = sts.assume_role(RoleArn=role["Arn"], RoleSessionName=f"{name}-test")[
        "Credentials"
    ]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def assert_denied(error: pytest.ExceptionInfo[ClientError], action: str) -> None:
    """moto answers JSON-protocol services with an XML AccessDenied body, which botocore cannot
    parse: the code arrives as '403' and the real code sits in the message."""
    response = error.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "AccessDenied" in str(error.value)
    assert f"not authorized to perform: {action}" in str(error.value)


def create_key(region: str) -> str:
    return str(boto3.client("kms", region_name=region).create_key()["KeyMetadata"]["Arn"])


# --- (a) reading through Parameter Store's reference path ---------------------------------------


def test_the_proxy_policy_reads_exactly_its_secret_through_parameter_store(
    account: None,
) -> None:
    sm = boto3.client("secretsmanager", region_name=PRIMARY)
    mine = sm.create_secret(Name=NAME, SecretString=VALUE)["ARN"]
    other = sm.create_secret(Name="prod/agi/other", SecretString="other-VALUE")["ARN"]
    boto3.client("ssm", region_name=PRIMARY).put_parameter(
        Name="/prod/agi/plain", Value="plain-VALUE", Type="SecureString"
    )
    session = role_session("proxy-reader", proxy_policy("aws", PRIMARY, ACCOUNT, NAME, None))

    with authorized():
        ssm = session.client("ssm", region_name=PRIMARY)
        parameter = ssm.get_parameter(Name=PROXY_PATH, WithDecryption=True)["Parameter"]
        assert parameter["Value"] == VALUE
        assert parameter["Type"] == "SecureString"
        # GetParameters works on the reference path too.
        found = ssm.get_parameters(Names=[PROXY_PATH], WithDecryption=True)
        assert [p["Value"] for p in found["Parameters"]] == [VALUE]

        with pytest.raises(ClientError) as denied:
            ssm.get_parameter(
                Name="/aws/reference/secretsmanager/prod/agi/other", WithDecryption=True
            )
        assert_denied(denied, "ssm:GetParameter")
        with pytest.raises(ClientError) as denied:
            ssm.get_parameter(Name="/prod/agi/plain", WithDecryption=True)
        assert_denied(denied, "ssm:GetParameter")

        # The ReadSecret statement's '-??????' pattern matches this secret's ARN only.
        sm_as_role = session.client("secretsmanager", region_name=PRIMARY)
        assert sm_as_role.get_secret_value(SecretId=mine)["SecretString"] == VALUE
        with pytest.raises(ClientError) as denied:
            sm_as_role.get_secret_value(SecretId=other)
        assert_denied(denied, "secretsmanager:GetSecretValue")
        with pytest.raises(ClientError) as denied:
            sm_as_role.describe_secret(SecretId=mine)
        assert_denied(denied, "secretsmanager:DescribeSecret")


def test_a_role_without_the_proxy_policy_is_refused(account: None) -> None:
    boto3.client("secretsmanager", region_name=PRIMARY).create_secret(Name=NAME, SecretString=VALUE)
    other = proxy_policy("aws", PRIMARY, ACCOUNT, "prod/agi/other", None)
    session = role_session("other-reader", other)
    with authorized():
        ssm = session.client("ssm", region_name=PRIMARY)
        with pytest.raises(ClientError) as denied:
            ssm.get_parameter(Name=PROXY_PATH, WithDecryption=True)
        assert_denied(denied, "ssm:GetParameter")


# --- (b) reading a replicated secret in every region ---------------------------------------------


def replicated_secret() -> tuple[str, str, list[SecretLocation]]:
    """A secret in PRIMARY replicated to REPLICAS, each copy under a key of its region.

    moto keeps the replicas but not their keys: it reports alias/aws/secretsmanager in
    ReplicationStatus and the primary's key in each replica's DescribeSecret.
    """
    key = create_key(PRIMARY)
    replica_keys = {region: create_key(region) for region in REPLICAS}
    created = boto3.client("secretsmanager", region_name=PRIMARY).create_secret(
        Name=NAME,
        SecretString=VALUE,
        KmsKeyId=key,
        AddReplicaRegions=[
            {"Region": region, "KmsKeyId": replica_key}
            for region, replica_key in replica_keys.items()
        ],
    )
    primary = created["ARN"]
    assert [s["Region"] for s in created["ReplicationStatus"]] == list(REPLICAS)
    locations = [
        SecretLocation(region, primary.replace(f":{PRIMARY}:", f":{region}:"), replica_keys[region])
        for region in REPLICAS
    ]
    return primary, key, locations


def test_replicas_have_the_primarys_name_and_suffix_in_their_region(account: None) -> None:
    primary, _, locations = replicated_secret()
    for location in locations:
        client = boto3.client("secretsmanager", region_name=str(location.region))
        described = client.describe_secret(SecretId=NAME)
        assert described["ARN"] == location.secret_arn
        assert described["PrimaryRegion"] == PRIMARY
        assert described["ARN"].rsplit(":", 1)[-1] == primary.rsplit(":", 1)[-1]


def test_a_reader_of_every_region_reads_the_secret_in_every_region(account: None) -> None:
    primary, key, locations = replicated_secret()
    policy = secret_read_policy(primary, key, PRIMARY, locations)
    session = role_session("replica-reader", policy)
    with authorized():
        for region, arn in [(PRIMARY, primary), *((r.region, r.secret_arn) for r in locations)]:
            client = session.client("secretsmanager", region_name=str(region))
            assert client.get_secret_value(SecretId=arn)["SecretString"] == VALUE, region
            assert client.describe_secret(SecretId=arn)["ARN"] == arn


def test_a_primary_only_reader_is_refused_in_the_replica_regions(account: None) -> None:
    """What CDK's grantRead gives: the stack's region only."""
    primary, key, locations = replicated_secret()
    session = role_session("primary-reader", secret_read_policy(primary, key, PRIMARY))
    with authorized():
        client = session.client("secretsmanager", region_name=PRIMARY)
        assert client.get_secret_value(SecretId=primary)["SecretString"] == VALUE
        for location in locations:
            client = session.client("secretsmanager", region_name=str(location.region))
            with pytest.raises(ClientError) as denied:
                client.get_secret_value(SecretId=location.secret_arn)
            assert_denied(denied, "secretsmanager:GetSecretValue")


def test_a_reader_of_one_replica_is_refused_in_the_other(account: None) -> None:
    primary, key, locations = replicated_secret()
    europe, sydney = locations
    session = role_session("europe-reader", secret_read_policy(primary, key, PRIMARY, [europe]))
    with authorized():
        client = session.client("secretsmanager", region_name=str(europe.region))
        assert client.get_secret_value(SecretId=europe.secret_arn)["SecretString"] == VALUE
        client = session.client("secretsmanager", region_name=str(sydney.region))
        with pytest.raises(ClientError) as denied:
            client.get_secret_value(SecretId=sydney.secret_arn)
        assert_denied(denied, "secretsmanager:GetSecretValue")


# --- (c) a new key keeps the secret -------------------------------------------------------------


def test_changing_the_key_keeps_the_arn_and_the_value(account: None) -> None:
    sm = boto3.client("secretsmanager", region_name=PRIMARY)
    old_key, new_key = create_key(PRIMARY), create_key(PRIMARY)
    created = sm.create_secret(Name=NAME, SecretString=VALUE, KmsKeyId=old_key)
    current = sm.get_secret_value(SecretId=created["ARN"])

    updated = sm.update_secret(SecretId=created["ARN"], KmsKeyId=new_key)

    assert updated["ARN"] == created["ARN"]
    after = sm.get_secret_value(SecretId=created["ARN"], VersionStage="AWSCURRENT")
    assert after["SecretString"] == VALUE
    assert after["VersionId"] == current["VersionId"]
    described = sm.describe_secret(SecretId=NAME)
    assert described["ARN"] == created["ARN"]
    assert described["KmsKeyId"] == new_key
    assert described["VersionIdsToStages"][current["VersionId"]] == ["AWSCURRENT"]
