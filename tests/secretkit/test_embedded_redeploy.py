"""A second deployment into the same embedded account behaves as `pulumi up` would: unchanged
resources are left alone, updatable inputs update in place, others replace, and resources the
program no longer declares are deleted (dependents first)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws

from secretkit import demo
from secretkit.components import RotatingSecret, RotationArgs, RotationFunction, SecureParameter
from secretkit.embedded import mocks
from secretkit.embedded.embedded_aws import Created, EmbeddedAws
from secretkit.embedded.moto_fidelity import aws_like_versions

REGION = "us-east-1"


@pytest.fixture
def account(aws_env: None) -> Iterator[EmbeddedAws]:
    with mock_aws(), aws_like_versions():
        yield EmbeddedAws(region=REGION)


def up(account: EmbeddedAws, program: Callable[[], Any]) -> tuple[list[Created], Any]:
    account.begin()
    monitor = mocks.install(account)
    result = mocks.run(program)
    account.finish()
    return list(account.created), (monitor, result)


def keys() -> tuple[str, str]:
    kms = boto3.client("kms", region_name=REGION)
    return kms.create_key()["KeyMetadata"]["Arn"], kms.create_key()["KeyMetadata"]["Arn"]


def secret_program(name: str, key: str, with_parameter: bool = True) -> Callable[[], Any]:
    def program() -> pulumi.Output[Any]:
        secret = RotatingSecret(
            "app",
            {
                "secret_name": name,
                "kms_key_arn": key,
                "secret_string": pulumi.Output.secret("initial"),
                "rotation": {"strategy": "password", "automatically_after_days": 7},
            },
        )
        outputs = [secret.secret_arn]
        if with_parameter:
            outputs.append(
                SecureParameter("cfg", {"parameter_name": "/app/cfg", "value": "v"}).parameter_arn
            )
        return pulumi.Output.all(*outputs)

    return program


def operations(changes: list[Created]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for change in changes:
        found.setdefault(change.operation, set()).add(change.type.split(":")[-1])
    return found


def test_an_unchanged_program_changes_nothing(account: EmbeddedAws) -> None:
    key, _ = keys()
    first, _ = up(account, secret_program("prod/app", key))
    assert {c.operation for c in first} == {"create"}
    second, (_, arns) = up(account, secret_program("prod/app", key))
    assert second == []
    assert boto3.client("secretsmanager", region_name=REGION).describe_secret(SecretId=arns[0])


def test_a_new_key_updates_the_secret_in_place(account: EmbeddedAws) -> None:
    key, other = keys()
    _, (_, before) = up(account, secret_program("prod/app", key))
    changes, (_, after) = up(account, secret_program("prod/app", other))
    assert after[0] == before[0]  # same ARN: updated, not replaced
    assert operations(changes).get("update", set()) >= {"Secret", "RolePolicy"}
    assert "replace" not in operations(changes)
    sm = boto3.client("secretsmanager", region_name=REGION)
    assert sm.describe_secret(SecretId=after[0])["KmsKeyId"] == other
    assert sm.get_secret_value(SecretId=after[0])["SecretString"] == "initial"


def test_a_new_name_replaces_the_secret(account: EmbeddedAws) -> None:
    key, _ = keys()
    _, (_, before) = up(account, secret_program("prod/app", key))
    changes, (_, after) = up(account, secret_program("prod/renamed", key))
    assert after[0] != before[0]
    assert "Secret" in operations(changes)["replace"]
    sm = boto3.client("secretsmanager", region_name=REGION)
    assert sm.describe_secret(SecretId=before[0]).get("DeletedDate") is not None
    assert sm.describe_secret(SecretId=after[0])["Name"] == "prod/renamed"


def test_what_the_program_drops_is_deleted_dependents_first(account: EmbeddedAws) -> None:
    key, _ = keys()
    up(account, secret_program("prod/app", key))
    changes, _ = up(account, secret_program("prod/app", key, with_parameter=False))
    assert [c.type for c in changes if c.operation == "delete"] == ["aws:ssm/parameter:Parameter"]
    assert boto3.client("ssm", region_name=REGION).describe_parameters()["Parameters"] == []
    third, _ = up(account, lambda: None)
    deleted = [c.type for c in third if c.operation == "delete"]
    assert deleted.index("aws:secretsmanager/secretRotation:SecretRotation") < deleted.index(
        "aws:lambda/function:Function"
    )
    assert deleted.index("aws:iam/rolePolicy:RolePolicy") < deleted.index("aws:iam/role:Role")
    assert boto3.client("iam").list_roles()["Roles"] == []
    assert boto3.client("lambda", region_name=REGION).list_functions()["Functions"] == []


def sharing_program(app_shares: bool) -> Callable[[], Any]:
    """A shared function with member 'other'; 'app' joins it or has a function of its own."""

    def program() -> pulumi.Output[Any]:
        shared = RotationFunction("shared", {"strategy": "password"})
        member: RotationArgs = {"strategy": "password", "function": shared,
                                "automatically_after_days": 30}  # fmt: skip
        own: RotationArgs = {"strategy": "password", "automatically_after_days": 30}
        RotatingSecret("other", {"secret_name": "prod/other", "rotation": member})
        app = RotatingSecret(
            "app", {"secret_name": "prod/app", "rotation": member if app_shares else own}
        )
        return pulumi.Output.all(app.secret_arn, app.rotation_function_arn, shared.function_name)

    return program


def test_a_secret_leaving_a_shared_function_is_out_of_its_reach(account: EmbeddedAws) -> None:
    """The provider leaves a resource policy it no longer manages on the secret; the grant in it
    holds only while the secret's rotation points at the shared function."""
    up(account, sharing_program(app_shares=True))
    changes, (monitor, (arn, own_arn, shared_name)) = up(account, sharing_program(app_shares=False))
    assert ("aws:secretsmanager/secret:Secret", "app-secret", "update") in {
        (c.type, c.name, c.operation) for c in changes
    }
    sm = boto3.client("secretsmanager", region_name=REGION)
    assert "RotatedBySharedFunction" in sm.get_resource_policy(SecretId=arn)["ResourcePolicy"]
    assert sm.describe_secret(SecretId=arn)["RotationLambdaARN"] == own_arn

    def rotate(function_name: str) -> demo.Check:
        (function,) = [
            r for r in monitor.by_type("aws:lambda/function:Function")
            if r.state["name"] == function_name
        ]  # fmt: skip
        log_group = function.plain_inputs["loggingConfig"]["logGroup"]
        return demo.rotate_one("app", arn, function_name, REGION, print, log_group=log_group)

    refused = rotate(shared_name)
    assert not refused.ok
    assert "AccessDenied" in refused.detail
    rotated = rotate(own_arn.rsplit(":", 1)[-1])
    assert rotated.ok, rotated.detail
