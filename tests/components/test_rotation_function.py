"""RotationFunction under Pulumi mocks: one function, role and permission for many secrets; each
member's resource policy names the role, the function and that secret only; the role's policy
names no secret and stays the same size as members join; members add three resources each; every
misuse is refused before anything is registered."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    RotatingSecret,
    RotationFunction,
)
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.least_privilege import violations
from secretkit.components.iam.shared_function import member_key_statement, member_resource_policy
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, Registration
from tests.components.helpers import policy_of, statements_by_sid

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NAMES = ("prod/app/db", "prod/app/api", "prod/billing/token")
SECRET_TYPES = {
    "secretkit:index:RotatingSecret",
    "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:secretsmanager/secretRotation:SecretRotation",
}
ROTATION_ACTIONS = [
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:ListSecretVersionIds",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
]


def member_args(name: str, **rotation: Any) -> dict[str, Any]:
    return {
        "secret_name": name,
        "rotation": {"automatically_after_days": 30, **rotation},
    }


def build_shared(
    names: tuple[str, ...] = NAMES, members: tuple[str, ...] | None = None, **extra: Any
) -> RotationFunction:
    built: list[RotationFunction] = []

    def program() -> object:
        shared = RotationFunction(  # type: ignore[call-overload]
            "shared",
            {"strategy": "password", "secret_names": names, **extra},
        )
        built.append(shared)
        for index, name in enumerate(names if members is None else members):
            RotatingSecret(f"member-{index}", member_args(name, function=shared))  # type: ignore[call-overload]
        return shared.function_arn

    mocks.run(program)
    return built[0]


def of_type(monitor: RecordingMonitor, type_: str) -> list[Registration]:
    return monitor.by_type(type_)


def test_one_function_role_permission_and_key_for_all_members(monitor: RecordingMonitor) -> None:
    build_shared()
    counts = Counter(r.type for r in monitor.registrations)
    assert counts == {
        "secretkit:index:RotationFunction": 1,
        "aws:kms/key:Key": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:lambda/function:Function": 1,
        "aws:lambda/permission:Permission": 1,
        # One alarm on the function's Errors, one topic for it and every member's rule.
        "aws:cloudwatch/metricAlarm:MetricAlarm": 1,
        "aws:sns/topic:Topic": 1,
        "aws:sns/topicPolicy:TopicPolicy": 1,
        # Five resources per member: its secret, initial version, rotation schedule, and the
        # rule on its rotation events with its target (the function's topic).
        "secretkit:index:RotatingSecret": 3,
        "aws:secretsmanager/secret:Secret": 3,
        "aws:secretsmanager/secretVersion:SecretVersion": 3,
        "aws:secretsmanager/secretRotation:SecretRotation": 3,
        "aws:cloudwatch/eventRule:EventRule": 3,
        "aws:cloudwatch/eventTarget:EventTarget": 3,
    }
    key = str(of_type(monitor, "aws:kms/key:Key")[0].state["arn"])
    function = str(of_type(monitor, "aws:lambda/function:Function")[0].state["arn"])
    for secret in of_type(monitor, "aws:secretsmanager/secret:Secret"):
        assert secret.plain_inputs["kmsKeyId"] == key
    for rotation in of_type(monitor, "aws:secretsmanager/secretRotation:SecretRotation"):
        assert rotation.plain_inputs["rotationLambdaArn"] == function


def test_each_member_policy_names_the_role_the_function_and_that_secret(
    monitor: RecordingMonitor,
) -> None:
    build_shared()
    (role,) = of_type(monitor, "aws:iam/role:Role")
    (function,) = of_type(monitor, "aws:lambda/function:Function")
    secrets = of_type(monitor, "aws:secretsmanager/secret:Secret")
    assert sorted(s.plain_inputs["name"] for s in secrets) == sorted(NAMES)
    for secret in secrets:
        name = secret.plain_inputs["name"]
        document = policy_of(secret)
        assert violations(document) == []
        assert document == {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "RotatedBySharedFunction",
                    "Effect": "Allow",
                    "Principal": {"AWS": role.state["arn"]},
                    "Action": ROTATION_ACTIONS,
                    # The name plus Secrets Manager's suffix: never another secret's.
                    "Resource": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-??????",
                    "Condition": {
                        "StringEquals": {
                            "secretsmanager:resource/AllowRotationLambdaArn": function.state["arn"]
                        }
                    },
                }
            ],
        }
        # The policy is part of the secret: no extra resource per member.
        assert role.urn in secret.dependencies or function.urn in secret.dependencies


def test_role_policy_names_no_secret_only_the_key_through_secrets_manager(
    monitor: RecordingMonitor,
) -> None:
    build_shared()
    (inline,) = of_type(monitor, "aws:iam/rolePolicy:RolePolicy")
    document = policy_of(inline)
    assert violations(document) == []
    statements = statements_by_sid(document)
    assert list(statements) == ["UseKeyForMemberSecrets", "WriteOwnLogs"]
    granted = [a for s in document["Statement"] for a in s["Action"]]
    assert not [a for a in granted if a.startswith("secretsmanager:")]
    kms = statements["UseKeyForMemberSecrets"]
    assert kms["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert kms["Resource"] == [str(of_type(monitor, "aws:kms/key:Key")[0].state["arn"])]
    assert kms["Condition"] == {
        "StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"},
        "StringLike": {
            "kms:EncryptionContext:SecretARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:*"
        },
    }


def test_the_role_and_its_policy_do_not_grow_as_secrets_join() -> None:
    few = mocks.install()
    build_shared()
    many = mocks.install()
    names = tuple(f"platform/service-{i:04d}/database-credentials" for i in range(600))
    build_shared(names)
    for monitor in (few, many):
        assert len(of_type(monitor, "aws:iam/role:Role")) == 1
        assert len(of_type(monitor, "aws:iam/rolePolicy:RolePolicy")) == 1
        assert of_type(monitor, "aws:iam/policy:Policy") == []
    (small,) = of_type(few, "aws:iam/rolePolicy:RolePolicy")
    (large,) = of_type(many, "aws:iam/rolePolicy:RolePolicy")
    assert policy_of(small) == policy_of(large)
    assert len(of_type(many, "aws:secretsmanager/secretRotation:SecretRotation")) == 600


def test_invoke_permission_is_for_secrets_manager_in_this_account(
    monitor: RecordingMonitor,
) -> None:
    build_shared()
    (permission,) = of_type(monitor, "aws:lambda/permission:Permission")
    inputs = permission.plain_inputs
    assert inputs["principal"] == "secretsmanager.amazonaws.com"
    assert inputs["sourceAccount"] == ACCOUNT
    assert "sourceArn" not in inputs


def test_each_schedule_waits_for_its_secret_the_role_policy_and_the_permission(
    monitor: RecordingMonitor,
) -> None:
    build_shared()
    (inline,) = of_type(monitor, "aws:iam/rolePolicy:RolePolicy")
    (permission,) = of_type(monitor, "aws:lambda/permission:Permission")
    secrets = {r.parent: r for r in of_type(monitor, "aws:secretsmanager/secret:Secret")}
    versions = {
        r.parent: r for r in of_type(monitor, "aws:secretsmanager/secretVersion:SecretVersion")
    }
    for schedule in of_type(monitor, "aws:secretsmanager/secretRotation:SecretRotation"):
        assert secrets[schedule.parent].urn in schedule.dependencies
        assert versions[schedule.parent].urn in schedule.dependencies
        assert inline.urn in schedule.dependencies
        assert permission.urn in schedule.dependencies


def test_any_rotating_secret_may_join_when_no_names_are_listed(monitor: RecordingMonitor) -> None:
    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password"})
        for index, name in enumerate(NAMES):
            RotatingSecret(f"member-{index}", member_args(name, function=shared))  # type: ignore[call-overload]
        return shared.function_arn

    mocks.run(program)
    secrets = of_type(monitor, "aws:secretsmanager/secret:Secret")
    assert len(secrets) == 3
    assert all(policy_of(s)["Statement"][0]["Sid"] == "RotatedBySharedFunction" for s in secrets)


def test_a_secret_of_its_own_function_has_no_resource_policy(monitor: RecordingMonitor) -> None:
    mocks.run(
        lambda: RotatingSecret(
            "alone", {"secret_name": "app/alone", "rotation": {"strategy": "password",
                                                               "automatically_after_days": 30}}
        ).secret_arn
    )  # fmt: skip
    (secret,) = of_type(monitor, "aws:secretsmanager/secret:Secret")
    assert "policy" not in secret.plain_inputs


def test_given_key_is_used_and_no_key_created(monitor: RecordingMonitor) -> None:
    build_shared(kms_key_arn=KEY_ARN)
    assert of_type(monitor, "aws:kms/key:Key") == []
    for secret in of_type(monitor, "aws:secretsmanager/secret:Secret"):
        assert secret.plain_inputs["kmsKeyId"] == KEY_ARN
    (inline,) = of_type(monitor, "aws:iam/rolePolicy:RolePolicy")
    assert statements_by_sid(policy_of(inline))["UseKeyForMemberSecrets"]["Resource"] == [KEY_ARN]


def test_master_secret_goes_to_the_function(monitor: RecordingMonitor) -> None:
    master = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:admin-AbCdEf"
    built: list[RotationFunction] = []

    def program() -> object:
        shared = RotationFunction(
            "shared",
            {
                "strategy": "postgres-multi-user",
                "secret_names": ["app/db"],
                "master_secret_arn": master,
                "vpc_config": {
                    "subnet_ids": ["subnet-0123456789abcdef0"],
                    "security_group_ids": ["sg-0123456789abcdef0"],
                },
            },
        )
        built.append(shared)
        RotatingSecret(
            "db",
            {
                "secret_name": "app/db",
                "secret_template": {"engine": "postgres", "host": "db", "username": "app"},
                "rotation": {
                    "strategy": "postgres-multi-user",
                    "function": shared,
                    "automatically_after_days": 30,
                },
            },
        )
        return shared.function_arn

    mocks.run(program)
    (function,) = of_type(monitor, "aws:lambda/function:Function")
    assert function.plain_inputs["environment"]["variables"]["MASTER_SECRET_ARN"] == master
    (inline,) = of_type(monitor, "aws:iam/rolePolicy:RolePolicy")
    assert statements_by_sid(policy_of(inline))["ReadMasterSecret"]["Resource"] == [master]
    (version,) = of_type(monitor, "aws:secretsmanager/secretVersion:SecretVersion")
    initial = json.loads(version.plain_inputs["secretStringWo"])
    assert initial["masterarn"] == master
    (secret,) = of_type(monitor, "aws:secretsmanager/secret:Secret")
    assert secret.plain_inputs["tags"]["secretkit:strategy"] == "postgres-multi-user"


# --- the pure builders -----------------------------------------------------------------------


def test_member_resource_policy_in_another_partition_and_region() -> None:
    scope = AccountScope("aws-cn", "cn-north-1", "210987654321")
    role = "arn:aws-cn:iam::210987654321:role/shared-rotation-1a2b3c4"
    function = "arn:aws-cn:lambda:cn-north-1:210987654321:function:shared-rotation-1a2b3c4"
    (only,) = member_resource_policy("team/app", role, function, scope)["Statement"]
    assert (
        only["Resource"]
        == "arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:team/app-??????"
    )
    assert only["Principal"] == {"AWS": role}
    assert only["Condition"]["StringEquals"] == {
        "secretsmanager:resource/AllowRotationLambdaArn": function
    }
    key = member_key_statement("arn:aws-cn:kms:cn-north-1:210987654321:key/k", scope)
    secrets = "arn:aws-cn:secretsmanager:cn-north-1:210987654321:secret:*"
    assert key["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.cn-north-1.amazonaws.com"},
        "StringLike": {"kms:EncryptionContext:SecretARN": secrets},
    }


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "argument", "rule"),
    [
        ({"strategy": "password", "secret_names": []}, "secret_names", "non-empty list"),
        (
            {"strategy": "password", "secret_names": ["a", "b", "a"]},
            "secret_names[2]",
            "listed twice",
        ),
        ({"strategy": "pasword", "secret_names": ["a"]}, "strategy", "must be one of password"),
        (
            {"strategy": "password", "max_managed_policies": 20},
            "max_managed_policies",
            "is not an argument of RotationFunction",
        ),
        (
            {"strategy": "postgres-multi-user", "secret_names": ["a"]},
            "master_secret_arn",
            "is required",
        ),
        (
            {"strategy": "password", "secret_names": ["a"], "kms_key_arn": KEY_ARN,
             "key_administrators": [f"arn:aws:iam::{ACCOUNT}:role/admin"]},
            "key_administrators",
            "existing key",
        ),
    ],
)  # fmt: skip
def test_function_arguments_are_checked_before_registering(
    monitor: RecordingMonitor, args: dict[str, Any], argument: str, rule: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotationFunction("shared", args))  # type: ignore[call-overload]
    assert f"argument '{argument}'" in str(caught.value)
    assert rule in str(caught.value)
    assert monitor.registrations == []


def member_error(monitor: RecordingMonitor, args: dict[str, Any]) -> str:
    """The error a member with ``args`` gets; it registers nothing (the function does)."""
    errors: list[InvalidArgumentError] = []

    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password", "secret_names": list(NAMES)})
        try:
            member = {**args, "rotation": {**args["rotation"], "function": shared}}
            RotatingSecret("member", member)  # type: ignore[call-overload]
        except InvalidArgumentError as error:
            errors.append(error)
        return shared.function_arn

    mocks.run(program)
    assert [r for r in monitor.registrations if r.type in SECRET_TYPES] == []
    (error,) = errors
    return str(error)


def test_a_secret_not_listed_cannot_join(monitor: RecordingMonitor) -> None:
    message = member_error(monitor, member_args("prod/app/other"))
    assert "argument 'secret_name' = 'prod/app/other'" in message
    assert "is not one of RotationFunction 'shared''s secret_names" in message


@pytest.mark.parametrize(
    ("extra", "argument"),
    [
        ({"lambda_runtime": "python3.12"}, "lambda_runtime"),
        ({"memory_size": 256}, "memory_size"),
        ({"kms_key_arn": KEY_ARN}, "kms_key_arn"),
        ({"password_policy": {"length": 40}}, "password_policy"),
    ],
)
def test_function_settings_on_a_member_are_refused(
    monitor: RecordingMonitor, extra: dict[str, Any], argument: str
) -> None:
    message = member_error(monitor, {**member_args(NAMES[0]), **extra})
    assert f"argument '{argument}'" in message
    assert "belongs to the shared RotationFunction 'shared': set it there" in message


@pytest.mark.parametrize(
    ("rotation", "argument", "rule"),
    [
        ({"strategy": "mysql-single-user"}, "rotation.strategy", "differs from the shared"),
        (
            {"environment": {"API_URL": "https://x"}},
            "rotation.environment",
            "belongs to the shared",
        ),
        ({"handler_module": "mine.api"}, "rotation.handler_module", "belongs to the shared"),
    ],
)
def test_rotation_settings_owned_by_the_function_are_refused(
    monitor: RecordingMonitor, rotation: dict[str, Any], argument: str, rule: str
) -> None:
    message = member_error(monitor, member_args(NAMES[0], **rotation))
    assert f"argument '{argument}'" in message
    assert rule in message


def test_the_same_strategy_may_be_repeated(monitor: RecordingMonitor) -> None:
    build_shared(members=NAMES[:1])
    assert len(of_type(monitor, "aws:secretsmanager/secretRotation:SecretRotation")) == 1


def test_rotation_function_must_be_a_rotation_function(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotatingSecret("m", member_args(NAMES[0], function="shared")))  # type: ignore[call-overload]
    assert "argument 'rotation.function' = 'str' is invalid: must be a RotationFunction" in str(
        caught.value
    )
    assert monitor.registrations == []


def test_replicated_secrets_keep_their_own_function(monitor: RecordingMonitor) -> None:
    errors: list[InvalidArgumentError] = []

    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password", "secret_names": list(NAMES)})
        try:
            CrossRegionReplicatedSecret(
                "replicated",
                {
                    "secret_name": NAMES[0],
                    "replica_regions": ["eu-west-1"],
                    "rotation": {
                        "strategy": "password",
                        "function": shared,
                        "automatically_after_days": 30,
                    },
                },
            )
        except InvalidArgumentError as error:
            errors.append(error)
        return shared.function_arn

    mocks.run(program)
    (error,) = errors
    assert "argument 'rotation.function'" in str(error)
    assert "single-region secrets" in str(error)
    assert not [r for r in monitor.registrations if r.type in SECRET_TYPES]
