"""The embedded deployment: a Pulumi program's resources created for real in moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pulumi
import pulumi_aws as aws
import pytest
from moto import mock_aws

from secretkit.components import RotatingSecret, SecureParameter
from secretkit.embedded import mocks
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions
from secretkit.program import PROJECT_DIR, load_stack_config, run_program

REGION = "us-east-1"


@pytest.fixture
def account(aws_env: None) -> Iterator[EmbeddedAws]:
    with mock_aws(), aws_like_versions():
        yield EmbeddedAws(region=REGION)


def deploy(embedded: EmbeddedAws, program: Any) -> mocks.RecordingMonitor:
    monitor = mocks.install(embedded)
    mocks.run(program)
    return monitor


def test_rotating_secret_is_created_for_real(account: EmbeddedAws) -> None:
    def program() -> pulumi.Output[str]:
        secret = RotatingSecret(
            "app",
            {
                "secret_name": "prod/app/password",
                "secret_template": {"username": "app"},
                "rotation": {"strategy": "password", "automatically_after_days": 7},
                "readers": ["reader-role"],
                "tags": {"team": "a"},
            },
        )
        return secret.secret_arn

    aws_iam = boto3.client("iam")
    aws_iam.create_role(RoleName="reader-role", AssumeRolePolicyDocument="{}")
    monitor = deploy(account, program)

    sm = boto3.client("secretsmanager", region_name=REGION)
    secret = monitor.by_type("aws:secretsmanager/secret:Secret")[0]
    described = sm.describe_secret(SecretId=secret.state["arn"])
    key = monitor.by_type("aws:kms/key:Key")[0]
    assert described["KmsKeyId"] == key.state["arn"]
    assert {"Key": "team", "Value": "a"} in described["Tags"]
    assert described["RotationEnabled"] is True
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 7}
    value = json.loads(sm.get_secret_value(SecretId=secret.state["arn"])["SecretString"])
    assert value["username"] == "app"
    assert len(value["password"]) == 32
    # The write-only value is not kept in the resource's state.
    version = monitor.by_type("aws:secretsmanager/secretVersion:SecretVersion")[0]
    assert "secretStringWo" not in version.state
    assert version.state["versionId"] in described["VersionIdsToStages"]

    kms = boto3.client("kms", region_name=REGION)
    assert kms.get_key_rotation_status(KeyId=key.state["keyId"])["KeyRotationEnabled"] is True
    policy = json.loads(
        kms.get_key_policy(KeyId=key.state["keyId"], PolicyName="default")["Policy"]
    )
    assert policy["Statement"][0]["Sid"] == "DelegateToAccountIam"

    function = monitor.by_type("aws:lambda/function:Function")[0]
    config = boto3.client("lambda", region_name=REGION).get_function_configuration(
        FunctionName=function.state["name"]
    )
    role = monitor.by_type("aws:iam/role:Role")[0]
    assert config["Role"] == role.state["arn"]
    assert config["Handler"] == "rotation_handlers.password.lambda_handler"
    assert config["Environment"]["Variables"]["PASSWORD_LENGTH"] == "32"
    lambda_policy = json.loads(
        boto3.client("lambda", region_name=REGION).get_policy(FunctionName=function.state["name"])[
            "Policy"
        ]
    )
    statement = lambda_policy["Statement"][0]
    assert statement["Principal"] == {"Service": "secretsmanager.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == secret.state["arn"]

    rotation_policy = next(
        r for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy") if r.name == "app-rotation"
    )
    inline = boto3.client("iam").get_role_policy(
        RoleName=role.state["name"], PolicyName=rotation_policy.state["name"]
    )["PolicyDocument"]
    assert {s["Sid"] for s in inline["Statement"]} >= {"RotateThisSecret", "UseKeyForThisSecret"}
    reader = aws_iam.list_role_policies(RoleName="reader-role")["PolicyNames"]
    assert len(reader) == 1


def test_secure_parameter_with_policies_and_notifications(account: EmbeddedAws) -> None:
    def program() -> pulumi.Output[str]:
        parameter = SecureParameter(
            "cfg",
            {
                "parameter_name": "/team/cfg",
                "value": pulumi.Output.secret("the-value"),
                "notify_if_unchanged_for": "30 days",
            },
        )
        return parameter.parameter_arn

    monitor = deploy(account, program)
    ssm = boto3.client("ssm", region_name=REGION)
    assert ssm.get_parameter(Name="/team/cfg", WithDecryption=True)["Parameter"]["Value"] == (
        "the-value"
    )
    described = ssm.describe_parameters()["Parameters"][0]
    assert described["Tier"] == "Advanced"
    assert "NoChangeNotification" in str(described["Policies"])
    topic = monitor.by_type("aws:sns/topic:Topic")[0].state["arn"]
    policy = json.loads(
        boto3.client("sns", region_name=REGION).get_topic_attributes(TopicArn=topic)["Attributes"][
            "Policy"
        ]
    )
    assert policy["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    rule = monitor.by_type("aws:cloudwatch/eventRule:EventRule")[0].state["name"]
    targets = boto3.client("events", region_name=REGION).list_targets_by_rule(Rule=rule)
    assert [t["Arn"] for t in targets["Targets"]] == [topic]
    assert {c.type for c in account.created} >= {
        "aws:ssm/parameter:Parameter",
        "pulumi-python:dynamic/secretkit:ParameterPolicies",
    }


def test_outputs_come_from_aws_not_from_a_template(account: EmbeddedAws) -> None:
    config = load_stack_config(PROJECT_DIR, "dev", secret_overrides={"parameterValue": "v"})
    run = run_program(PROJECT_DIR / "__main__.py", config, aws_mocks=account)
    arn = run.outputs["secretArn"].value
    sm = boto3.client("secretsmanager", region_name=REGION)
    assert sm.describe_secret(SecretId=arn)["ARN"] == arn
    replicas = run.outputs["replicatedSecretArns"].value
    replica = boto3.client("secretsmanager", region_name="eu-west-1").describe_secret(
        SecretId=replicas["eu-west-1"]
    )
    assert replica["ARN"] == replicas["eu-west-1"]
    assert len(account.created) == len([r for r in run.registrations if r.custom])


def test_an_unsupported_resource_type_stops_the_deployment(account: EmbeddedAws) -> None:
    with pytest.raises(Exception, match=r"cannot create aws:s3/bucketV2:BucketV2 \(resource 'b'\)"):
        deploy(account, lambda: aws.s3.BucketV2("b"))
    assert account.created == []


def test_dependencies_are_created_before_their_dependents(account: EmbeddedAws) -> None:
    order: list[str] = []
    account.on_create = lambda created: order.append(created.type)

    def program() -> pulumi.Output[str]:
        return RotatingSecret(
            "app",
            {
                "secret_name": "prod/order",
                "rotation": {"strategy": "password", "automatically_after_days": 7},
            },
        ).secret_arn

    deploy(account, program)
    position = {kind: order.index(kind) for kind in order}
    assert position["aws:kms/key:Key"] < position["aws:secretsmanager/secret:Secret"]
    assert (
        position["aws:secretsmanager/secret:Secret"]
        < position["aws:secretsmanager/secretVersion:SecretVersion"]
    )
    assert position["aws:iam/rolePolicy:RolePolicy"] < position["aws:lambda/function:Function"]
    assert (
        position["aws:lambda/permission:Permission"]
        < position["aws:secretsmanager/secretRotation:SecretRotation"]
    )
