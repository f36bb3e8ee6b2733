"""Least privilege, measured on the embedded AWS with IAM enforced: each rotation role's policy
is sufficient (rotation succeeds under it alone) and necessary (without any one statement it
fails with AccessDenied). The embedded AWS decides Secrets Manager's use of a secret's key with
the key policy and the caller's policies (secretkit.embedded.secret_keys), so the rotation role's
KMS statement is proved necessary too; moto's SSM never calls KMS, so a parameter's KMS statement
is asserted at the mock level (tests/components)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws

from secretkit import demo
from secretkit.components import RotatingSecret, SecureParameter
from secretkit.embedded import mocks
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.lambda_runner import DeployedFunction
from secretkit.embedded.moto_fidelity import aws_like_versions

REGION = "us-east-1"


@dataclass
class Deployed:
    monitor: mocks.RecordingMonitor

    def component(self, name: str) -> mocks.Registration:
        return next(r for r in self.monitor.registrations if r.name == name and not r.custom)

    def child(self, parent: str, type_: str) -> mocks.Registration:
        owner = self.component(parent)
        return next(
            r for r in self.monitor.registrations if r.parent == owner.urn and r.type == type_
        )


@pytest.fixture
def deployed(aws_env: None) -> Iterator[Deployed]:
    with mock_aws(), aws_like_versions():
        monitor = mocks.install(EmbeddedAws(region=REGION))

        def program() -> pulumi.Output[Any]:
            secret = RotatingSecret(
                "app",
                {
                    "secret_name": "prod/app/password",
                    "secret_template": {"username": "app"},
                    "rotation": {"strategy": "password", "automatically_after_days": 7},
                },
            )
            parameter = SecureParameter(
                "token",
                {
                    "parameter_name": "/app/token",
                    "value": pulumi.Output.secret("first-token-value"),
                    "create_kms_key": True,
                    "rotation": {"schedule_expression": "rate(7 days)"},
                },
            )
            return pulumi.Output.all(secret.secret_arn, parameter.parameter_arn)

        mocks.run(program)
        yield Deployed(monitor)


def rotate_secret(deployed: Deployed) -> demo.Check:
    secret = deployed.child("app", "aws:secretsmanager/secret:Secret")
    function = deployed.child("app", "aws:lambda/function:Function")
    return demo.rotate_one(
        "app",
        str(secret.state["arn"]),
        str(function.state["name"]),
        REGION,
        lambda _message: None,
        log_group=function.plain_inputs["loggingConfig"]["logGroup"],
    )


def rotate_parameter(deployed: Deployed) -> demo.Check:
    """One scheduled run of the parameter's function, IAM enforced, as EventBridge invokes it."""
    function = deployed.child("token", "aws:lambda/function:Function")
    runner = DeployedFunction(
        str(function.state["name"]),
        REGION,
        log_group=function.plain_inputs["loggingConfig"]["logGroup"],
    )
    session = runner.role_session()
    event = {
        "source": "aws.events",
        "detail-type": "Scheduled Event",
        # The schedule fires after the deployment wrote the parameter (EventBridge times are
        # whole seconds; a time in the same second would count as already handled).
        "time": (datetime.now(UTC) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    with demo.authorization_on():
        result = runner.invoke(event, session)
    if not result.ok:
        return demo.Check("rotate token", False, str(result.error))
    if result.log_error:
        return demo.Check("rotate token", False, f"logs refused ({result.log_error})")
    return demo.Check("rotate token", True, f"version {result.result}")


ROTATIONS = {"app": rotate_secret, "token": rotate_parameter}


def role_policy(deployed: Deployed, component: str) -> tuple[str, str, dict[str, Any]]:
    reg = deployed.child(component, "aws:iam/rolePolicy:RolePolicy")
    role = str(reg.plain_inputs["role"])
    document = boto3.client("iam").get_role_policy(RoleName=role, PolicyName=reg.state["name"])[
        "PolicyDocument"
    ]
    return role, str(reg.state["name"]), document


def test_each_rotation_succeeds_under_its_role_alone(deployed: Deployed) -> None:
    secret_check = rotate_secret(deployed)
    assert secret_check.ok, secret_check.detail
    assert "7 Secrets Manager calls" in secret_check.detail
    ssm = boto3.client("ssm", region_name=REGION)
    before = ssm.get_parameter(Name="/app/token", WithDecryption=True)["Parameter"]
    parameter_check = rotate_parameter(deployed)
    assert parameter_check.ok, parameter_check.detail
    after = ssm.get_parameter(Name="/app/token", WithDecryption=True)["Parameter"]
    assert after["Version"] == before["Version"] + 1
    assert after["Value"] != "first-token-value"
    # The function's log lines reached its log group, written with its role.
    group = deployed.child("token", "aws:cloudwatch/logGroup:LogGroup").state["name"]
    events = boto3.client("logs", region_name=REGION).filter_log_events(logGroupName=group)
    assert any("rotated to version" in e["message"] for e in events["events"])
    assert not any(after["Value"] in e["message"] for e in events["events"])


@pytest.mark.parametrize("component", sorted(ROTATIONS))
def test_every_statement_is_necessary(deployed: Deployed, component: str) -> None:
    role, name, document = role_policy(deployed, component)
    iam = boto3.client("iam")
    proven, mock_level = [], []
    for statement in document["Statement"]:
        if component != "app" and all(a.startswith("kms:") for a in statement["Action"]):
            # moto's SSM never calls KMS: not provable here.
            assert "kms:ViaService" in statement["Condition"]["StringEquals"]
            mock_level.append(statement["Sid"])
            continue
        reduced = {
            **document,
            "Statement": [s for s in document["Statement"] if s is not statement],
        }
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(reduced))
        try:
            check = ROTATIONS[component](deployed)
        finally:
            iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(document))
        assert not check.ok, f"{statement['Sid']} removed, yet {component} still rotated"
        assert (
            "AccessDenied" in check.detail
            or "not authorized" in check.detail
            or ("logs refused" in check.detail)
        ), check.detail
        proven.append(statement["Sid"])
    assert "WriteOwnLogs" in proven
    assert proven[0].startswith("Rotate")
    if component == "app":
        assert "UseKeyForThisSecret" in proven
        assert mock_level == []
    else:
        assert mock_level == ["UseKeyForThisParameter"]
    # And with the whole policy back, rotation works again.
    assert ROTATIONS[component](deployed).ok
