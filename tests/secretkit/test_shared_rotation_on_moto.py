"""A shared RotationFunction deployed into the embedded AWS: it rotates each member secret under
its one role, with IAM enforced (resource policies included), and is refused on a secret that did
not join, even one whose name extends a member's, and on a member whose rotation moved to
another function."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws

from secretkit import demo
from secretkit.components import RotatingSecret, RotationFunction
from secretkit.embedded import mocks
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions, enable_rotation

REGION = "us-east-1"
MEMBERS = ("prod/app/db", "prod/app/api")


@dataclass
class Deployed:
    monitor: mocks.RecordingMonitor
    outsider_arn: str

    def child(self, component: str, type_: str) -> mocks.Registration:
        owner = next(r for r in self.monitor.registrations if r.name == component and not r.custom)
        return next(
            r for r in self.monitor.registrations if r.parent == owner.urn and r.type == type_
        )

    def secret_arn(self, component: str) -> str:
        return str(self.child(component, "aws:secretsmanager/secret:Secret").state["arn"])

    @property
    def function(self) -> mocks.Registration:
        return self.child("shared", "aws:lambda/function:Function")


@pytest.fixture
def deployed(aws_env: None) -> Iterator[Deployed]:
    with mock_aws(), aws_like_versions():
        monitor = mocks.install(EmbeddedAws(region=REGION))

        def program() -> pulumi.Output[Any]:
            shared = RotationFunction("shared", {"strategy": "password", "secret_names": MEMBERS})
            for index, name in enumerate(MEMBERS):
                RotatingSecret(
                    f"member-{index}",
                    {
                        "secret_name": name,
                        "secret_template": {"username": f"user{index}"},
                        "rotation": {
                            "strategy": "password",
                            "function": shared,
                            "automatically_after_days": 30,
                        },
                    },
                )
            return shared.function_arn

        mocks.run(program)
        # A secret that did not join: same key, a name extending a member's, rotation pointed
        # at the shared function (as anyone with RotateSecret on it could do).
        key_arn = str(next(r for r in monitor.by_type("aws:kms/key:Key")).state["arn"])
        sm = boto3.client("secretsmanager", region_name=REGION)
        outsider = sm.create_secret(
            Name=f"{MEMBERS[0]}-other",
            KmsKeyId=key_arn,
            SecretString=json.dumps({"username": "outsider", "password": "unchanged-Pass-1"}),
        )["ARN"]
        function_arn = str(monitor.by_type("aws:lambda/function:Function")[0].state["arn"])
        enable_rotation(outsider, function_arn)
        yield Deployed(monitor, outsider)


def current(sm: Any, arn: str) -> dict[str, str]:
    """The AWSCURRENT value (read by stage: moto's default read lags behind stage moves)."""
    value: dict[str, str] = json.loads(
        sm.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")["SecretString"]
    )
    return value


def rotate(deployed: Deployed, label: str, secret_arn: str) -> demo.Check:
    function = deployed.function
    return demo.rotate_one(
        label,
        secret_arn,
        str(function.state["name"]),
        REGION,
        lambda _message: None,
        log_group=function.plain_inputs["loggingConfig"]["logGroup"],
    )


def test_one_function_role_and_permission_for_both_members(deployed: Deployed) -> None:
    counts = {
        type_: len(deployed.monitor.by_type(type_))
        for type_ in (
            "aws:lambda/function:Function",
            "aws:iam/role:Role",
            "aws:lambda/permission:Permission",
            "aws:kms/key:Key",
            "aws:secretsmanager/secretRotation:SecretRotation",
        )
    }
    assert counts == {
        "aws:lambda/function:Function": 1,
        "aws:iam/role:Role": 1,
        "aws:lambda/permission:Permission": 1,
        "aws:kms/key:Key": 1,
        "aws:secretsmanager/secretRotation:SecretRotation": 2,
    }
    lambda_arn = deployed.function.state["arn"]
    sm = boto3.client("secretsmanager", region_name=REGION)
    for component in ("member-0", "member-1"):
        described = sm.describe_secret(SecretId=deployed.secret_arn(component))
        assert described["RotationLambdaARN"] == lambda_arn


def test_the_shared_function_rotates_each_member_under_its_role(deployed: Deployed) -> None:
    sm = boto3.client("secretsmanager", region_name=REGION)
    for component in ("member-0", "member-1"):
        arn = deployed.secret_arn(component)
        before = current(sm, arn)
        check = rotate(deployed, component, arn)
        assert check.ok, check.detail
        after = current(sm, arn)
        assert after["username"] == before["username"]
        changed = after["password"] != before["password"]  # (values stay out of reports)
        assert changed
        previous = sm.get_secret_value(SecretId=arn, VersionStage="AWSPREVIOUS")
        assert json.loads(previous["SecretString"]) == before


def test_a_secret_that_did_not_join_cannot_be_touched(deployed: Deployed) -> None:
    sm = boto3.client("secretsmanager", region_name=REGION)
    check = rotate(deployed, "outsider", deployed.outsider_arn)
    assert not check.ok
    assert "AccessDenied" in check.detail
    assert current(sm, deployed.outsider_arn)["password"] == "unchanged-Pass-1"
    stages = sm.describe_secret(SecretId=deployed.outsider_arn)["VersionIdsToStages"]
    assert [s for s in stages.values() if "AWSPENDING" in s] == []


def test_a_member_whose_rotation_moved_to_another_function_is_out_of_reach(
    deployed: Deployed,
) -> None:
    """Its resource policy still names the role (the provider leaves a policy it no longer
    manages), but the grant holds only while the secret rotates with the shared function."""
    sm = boto3.client("secretsmanager", region_name=REGION)
    arn = deployed.secret_arn("member-0")
    assert "RotatedBySharedFunction" in sm.get_resource_policy(SecretId=arn)["ResourcePolicy"]
    elsewhere = f"arn:aws:lambda:{REGION}:123456789012:function:another-rotation-function"
    enable_rotation(arn, elsewhere)
    before = current(sm, arn)
    check = rotate(deployed, "moved", arn)
    assert not check.ok
    assert "AccessDenied" in check.detail
    assert current(sm, arn) == before


def test_the_role_itself_is_granted_no_secret(deployed: Deployed) -> None:
    """What the members get comes from their resource policies alone."""
    iam = boto3.client("iam", region_name=REGION)
    role_name = str(deployed.function.plain_inputs["role"]).rsplit("/", 1)[-1]
    documents = [
        iam.get_role_policy(RoleName=role_name, PolicyName=policy)["PolicyDocument"]
        for policy in iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    ]
    assert iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"] == []
    actions = [
        action
        for document in documents
        for statement in document["Statement"]
        for action in statement["Action"]
    ]
    assert actions
    assert not [a for a in actions if a.startswith("secretsmanager:")]
