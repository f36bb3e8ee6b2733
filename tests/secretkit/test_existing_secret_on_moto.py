"""ExistingSecret deployed into the embedded AWS, on a secret created directly with boto3 (outside
Pulumi, as another team's stack would): its reader reads it, the proxy role reads it through
Parameter Store, the password strategy's function rotates it under its own role, the reader
reads the new value, and a role that was not granted is refused, with IAM enforced."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pulumi
import pulumi_aws as aws
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from secretkit import demo
from secretkit.components import ExistingSecret, ProxiedParameterPolicy
from secretkit.components.iam.documents import service_assume_role_policy
from secretkit.embedded import mocks
from secretkit.embedded.accounts import assume
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions, is_access_denied

REGION = "us-east-1"
NAME = "team/payments-api"
FIRST = {"username": "payments", "password": "set-by-the-other-team-1"}


@dataclass
class Deployed:
    monitor: mocks.RecordingMonitor
    secret_arn: str
    account: str

    def session(self, role: str) -> Any:
        return assume(f"arn:aws:iam::{self.account}:role/{role}", f"test-{role}", REGION)

    @property
    def function(self) -> mocks.Registration:
        [function] = self.monitor.by_type("aws:lambda/function:Function")
        return function


def role(name: str) -> aws.iam.Role:
    return aws.iam.Role(
        name,
        name=name,
        assume_role_policy=pulumi.Output.json_dumps(
            service_assume_role_policy("ecs-tasks.amazonaws.com")
        ),
    )


@pytest.fixture
def deployed(aws_env: None) -> Iterator[Deployed]:
    with mock_aws(), aws_like_versions():
        # The other team's secret and key, made outside Pulumi.
        key = boto3.client("kms", region_name=REGION).create_key(Description="other team")
        key_arn = key["KeyMetadata"]["Arn"]
        secret_arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name=NAME, KmsKeyId=key_arn, SecretString=json.dumps(FIRST)
        )["ARN"]
        monitor = mocks.install(EmbeddedAws(region=REGION))

        def program() -> object:
            reader, proxied = role("payments-reader"), role("payments-task")
            role("stranger")
            secret = ExistingSecret(  # type: ignore[call-overload]
                "payments",
                {
                    "secret_arn": secret_arn,
                    "kms_key_arn": key_arn,
                    "readers": [reader],
                    "rotation": {"strategy": "password", "automatically_after_days": 30},
                },
            )
            ProxiedParameterPolicy("payments-proxy", {"secret": secret, "roles": [proxied]})
            return secret.secret_arn

        mocks.run(program)
        account = boto3.client("sts", region_name=REGION).get_caller_identity()["Account"]
        yield Deployed(monitor, secret_arn, account)


def read(deployed: Deployed, role_name: str) -> dict[str, str]:
    client = deployed.session(role_name).client("secretsmanager", region_name=REGION)
    with demo.authorization_on():
        value: dict[str, str] = json.loads(
            client.get_secret_value(SecretId=deployed.secret_arn)["SecretString"]
        )
    return value


def test_nothing_recreates_the_secret(deployed: Deployed) -> None:
    created = {r.type for r in deployed.monitor.registrations}
    assert "aws:secretsmanager/secret:Secret" not in created
    assert "aws:secretsmanager/secretVersion:SecretVersion" not in created
    assert "aws:kms/key:Key" not in created
    sm = boto3.client("secretsmanager", region_name=REGION)
    described = sm.describe_secret(SecretId=deployed.secret_arn)
    assert described["RotationLambdaARN"] == deployed.function.state["arn"]
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 30


def test_the_reader_reads_rotation_changes_the_value_and_the_reader_reads_it_again(
    deployed: Deployed,
) -> None:
    assert read(deployed, "payments-reader") == FIRST
    function = deployed.function
    check = demo.rotate_one(
        "payments",
        deployed.secret_arn,
        str(function.state["name"]),
        REGION,
        lambda _message: None,
        log_group=function.plain_inputs["loggingConfig"]["logGroup"],
    )
    assert check.ok, check.detail
    after = read(deployed, "payments-reader")
    assert after["username"] == FIRST["username"]
    assert after["password"] != FIRST["password"]
    previous = boto3.client("secretsmanager", region_name=REGION).get_secret_value(
        SecretId=deployed.secret_arn, VersionStage="AWSPREVIOUS"
    )
    assert json.loads(previous["SecretString"]) == FIRST


def test_the_proxy_role_reads_it_through_parameter_store(deployed: Deployed) -> None:
    ssm = deployed.session("payments-task").client("ssm", region_name=REGION)
    with demo.authorization_on():
        value = ssm.get_parameter(
            Name=f"/aws/reference/secretsmanager/{NAME}", WithDecryption=True
        )["Parameter"]["Value"]
    assert json.loads(value) == FIRST


def test_a_role_not_granted_is_refused(deployed: Deployed) -> None:
    with pytest.raises(ClientError) as caught:
        read(deployed, "stranger")
    assert is_access_denied(caught.value)
    ssm = deployed.session("stranger").client("ssm", region_name=REGION)
    with demo.authorization_on(), pytest.raises(ClientError) as refused:
        ssm.get_parameter(Name=f"/aws/reference/secretsmanager/{NAME}", WithDecryption=True)
    assert is_access_denied(refused.value)


def test_the_reader_cannot_write(deployed: Deployed) -> None:
    client = deployed.session("payments-reader").client("secretsmanager", region_name=REGION)
    with demo.authorization_on(), pytest.raises(ClientError) as caught:
        client.put_secret_value(SecretId=deployed.secret_arn, SecretString="not-allowed")
    assert is_access_denied(caught.value)
