"""RotatingSecret under Pulumi mocks: exact resources, statements, parenting and secrecy."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import InvalidArgumentError, RotatingSecret
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, is_secret
from tests.components.helpers import build_component, policy_of, statements_by_sid

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SECRET_VALUE = "s3cr3t-VALUE-that-must-never-leak"


def base_args(**extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "secret_name": "prod/app/api-password",
        "rotation": {"strategy": "password", "schedule_expression": "rate(30 days)"},
    }
    args.update(extra)
    return args


def build(args: dict[str, Any], name: str = "app") -> RotatingSecret:
    return build_component(RotatingSecret, name, args, "secret_arn")


def secret_arn(monitor: RecordingMonitor) -> str:
    return str(monitor.by_type("aws:secretsmanager/secret:Secret")[0].state["arn"])


def key_arn(monitor: RecordingMonitor) -> str:
    return str(monitor.by_type("aws:kms/key:Key")[0].state["arn"])


def test_registers_exactly_the_expected_resources(monitor: RecordingMonitor) -> None:
    build(base_args())
    kinds = sorted((r.type, r.name) for r in monitor.registrations)
    assert kinds == sorted(
        [
            ("secretkit:index:RotatingSecret", "app"),
            ("aws:kms/key:Key", "app-key"),
            ("aws:secretsmanager/secret:Secret", "app-secret"),
            ("aws:secretsmanager/secretVersion:SecretVersion", "app-initial"),
            ("aws:iam/role:Role", "app-rotation"),
            ("aws:iam/rolePolicy:RolePolicy", "app-rotation"),
            ("aws:cloudwatch/logGroup:LogGroup", "app-rotation"),
            ("aws:lambda/function:Function", "app-rotation"),
            ("aws:lambda/permission:Permission", "app-rotation"),
            ("aws:secretsmanager/secretRotation:SecretRotation", "app-rotation"),
            ("aws:cloudwatch/eventRule:EventRule", "app-rotation"),
            ("aws:cloudwatch/eventTarget:EventTarget", "app-rotation"),
            ("aws:cloudwatch/metricAlarm:MetricAlarm", "app-rotation-errors"),
            ("aws:sns/topic:Topic", "app-rotation-alarms"),
            ("aws:sns/topicPolicy:TopicPolicy", "app-rotation-alarms"),
        ]
    )


def test_every_child_is_parented_to_the_component(monitor: RecordingMonitor) -> None:
    build(base_args(readers=["reader-role"]))
    component = monitor.by_type("secretkit:index:RotatingSecret")[0]
    children = [r for r in monitor.registrations if r is not component]
    assert children
    assert all(r.parent == component.urn for r in children)
    assert component.type == "secretkit:index:RotatingSecret"


def test_secret_is_named_and_encrypted_with_the_created_key(monitor: RecordingMonitor) -> None:
    build(base_args(description="billing API", recovery_window_in_days=7, tags={"team": "x"}))
    secret = monitor.by_type("aws:secretsmanager/secret:Secret")[0].plain_inputs
    assert secret["name"] == "prod/app/api-password"
    assert secret["kmsKeyId"] == key_arn(monitor)
    assert secret["description"] == "billing API"
    assert secret["recoveryWindowInDays"] == 7
    assert secret["tags"] == {"team": "x", "secretkit:strategy": "password"}


def test_created_key_rotates_and_delegates_to_iam_only(monitor: RecordingMonitor) -> None:
    build(base_args())
    key = monitor.by_type("aws:kms/key:Key")[0]
    assert key.plain_inputs["enableKeyRotation"] is True
    document = policy_of(key)
    assert [s["Sid"] for s in document["Statement"]] == ["DelegateToAccountIam"]
    root = document["Statement"][0]
    assert root["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert "kms:*" not in root["Action"]
    assert violations(document, key_policy=True) == []


def test_key_administrators_get_management_but_no_decrypt(monitor: RecordingMonitor) -> None:
    admin = f"arn:aws:iam::{ACCOUNT}:role/key-admins"
    build(base_args(key_administrators=[admin]))
    admins = statements_by_sid(policy_of(monitor.by_type("aws:kms/key:Key")[0]))[
        "KeyAdministrators"
    ]
    assert admins["Principal"] == {"AWS": [admin]}
    assert "kms:ScheduleKeyDeletion" in admins["Action"]
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"} & set(admins["Action"])


def test_given_key_is_used_and_no_key_is_created(monitor: RecordingMonitor) -> None:
    secret = build(base_args(kms_key_arn=KEY_ARN))
    assert monitor.by_type("aws:kms/key:Key") == []
    assert monitor.by_type("aws:secretsmanager/secret:Secret")[0].plain_inputs["kmsKeyId"] == (
        KEY_ARN
    )
    assert mocks.run(lambda: secret.kms_key_arn) == KEY_ARN


def test_rotation_role_policy_is_exactly_the_protocol(monitor: RecordingMonitor) -> None:
    build(base_args())
    policy = policy_of(monitor.by_type("aws:iam/rolePolicy:RolePolicy")[0])
    by_sid = statements_by_sid(policy)
    assert set(by_sid) == {"RotateThisSecret", "UseKeyForThisSecret", "WriteOwnLogs"}
    assert by_sid["RotateThisSecret"]["Action"] == [
        "secretsmanager:DescribeSecret",
        "secretsmanager:GetSecretValue",
        "secretsmanager:ListSecretVersionIds",
        "secretsmanager:PutSecretValue",
        "secretsmanager:UpdateSecretVersionStage",
    ]
    assert by_sid["RotateThisSecret"]["Resource"] == [secret_arn(monitor)]
    kms = by_sid["UseKeyForThisSecret"]
    assert kms["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert kms["Resource"] == [key_arn(monitor)]
    assert kms["Condition"] == {
        "StringEquals": {
            "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
            "kms:EncryptionContext:SecretARN": secret_arn(monitor),
        }
    }
    log_group = monitor.by_type("aws:cloudwatch/logGroup:LogGroup")[0].state["arn"]
    assert by_sid["WriteOwnLogs"]["Resource"] == [f"{log_group}:*"]
    assert "secretsmanager:GetRandomPassword" not in json.dumps(policy)
    assert not any(a.startswith("ec2:") for s in policy["Statement"] for a in s["Action"])
    assert violations(policy) == []


def test_vpc_config_adds_scoped_eni_permissions(monitor: RecordingMonitor) -> None:
    vpc = {"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_ids": ["sg-0123abcd"]}
    build(base_args(vpc_config=vpc))
    by_sid = statements_by_sid(policy_of(monitor.by_type("aws:iam/rolePolicy:RolePolicy")[0]))
    create = by_sid["CreateEniInFunctionSubnets"]
    assert create["Action"] == ["ec2:CreateNetworkInterface"]
    assert create["Resource"] == [
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/*",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0123456789abcdef0",
        f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123abcd",
    ]
    assert by_sid["DescribeNetworkInterfaces"]["Resource"] == ["*"]
    function = monitor.by_type("aws:lambda/function:Function")[0].plain_inputs
    assert function["vpcConfig"] == {
        "subnetIds": ["subnet-0123456789abcdef0"],
        "securityGroupIds": ["sg-0123abcd"],
    }


def test_function_settings_and_defaults(monitor: RecordingMonitor) -> None:
    build(base_args(password_policy={"length": 40, "exclude_characters": "xyz"}))
    function = monitor.by_type("aws:lambda/function:Function")[0]
    inputs = function.plain_inputs
    assert inputs["runtime"] == "python3.13"
    assert inputs["architectures"] == ["arm64"]
    assert inputs["timeout"] == 30
    assert inputs["memorySize"] == 128
    assert inputs["handler"] == "rotation_handlers.password.lambda_handler"
    assert inputs["environment"]["variables"] == {
        "PASSWORD_LENGTH": "40",
        "EXCLUDE_CHARACTERS": "xyz",
    }
    log_group = monitor.by_type("aws:cloudwatch/logGroup:LogGroup")[0]
    assert inputs["loggingConfig"]["logGroup"] == log_group.state["name"]
    assert log_group.plain_inputs["retentionInDays"] == 30
    role = monitor.by_type("aws:iam/role:Role")[0]
    assert inputs["role"] == role.state["arn"]
    assert "vpcConfig" not in inputs
    # The function waits for its role policy (VPC functions are checked at creation).
    policy_urn = monitor.by_type("aws:iam/rolePolicy:RolePolicy")[0].urn
    assert policy_urn in function.dependencies


def test_code_archive_holds_the_handler_package(monitor: RecordingMonitor) -> None:
    build(base_args())
    code = monitor.by_type("aws:lambda/function:Function")[0].inputs["code"]
    assert isinstance(code, pulumi.AssetArchive)
    names = set(code.assets)
    assert "rotation_handlers/password.py" in names
    assert "rotation_handlers/__init__.py" in names
    assert not any("__pycache__" in n or not n.endswith(".py") for n in names)


def test_custom_runtime_architecture_and_boundary(monitor: RecordingMonitor) -> None:
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    build(
        base_args(
            lambda_runtime="python3.12",
            architecture="x86_64",
            timeout=120,
            memory_size=256,
            permissions_boundary_arn=boundary,
            log_retention_days=90,
        )
    )
    inputs = monitor.by_type("aws:lambda/function:Function")[0].plain_inputs
    assert (inputs["runtime"], inputs["architectures"]) == ("python3.12", ["x86_64"])
    assert (inputs["timeout"], inputs["memorySize"]) == (120, 256)
    role = monitor.by_type("aws:iam/role:Role")[0].plain_inputs
    assert role["permissionsBoundary"] == boundary
    trust = json.loads(role["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    log_group = monitor.by_type("aws:cloudwatch/logGroup:LogGroup")[0].plain_inputs
    assert log_group["retentionInDays"] == 90


def test_permission_is_scoped_to_account_and_secret(monitor: RecordingMonitor) -> None:
    build(base_args())
    permission = monitor.by_type("aws:lambda/permission:Permission")[0].plain_inputs
    function = monitor.by_type("aws:lambda/function:Function")[0]
    assert permission == {
        "action": "lambda:InvokeFunction",
        "function": function.state["name"],
        "principal": "secretsmanager.amazonaws.com",
        "sourceAccount": ACCOUNT,
        "sourceArn": secret_arn(monitor),
    }


@pytest.mark.parametrize(
    ("rotation", "expected_rules", "immediately"),
    [
        (
            {"strategy": "password", "schedule_expression": "rate(4 hours)", "duration": "2h"},
            {"scheduleExpression": "rate(4 hours)", "duration": "2h"},
            True,
        ),
        (
            {
                "strategy": "password",
                "automatically_after_days": 14,
                "rotate_immediately": False,
            },
            {"automaticallyAfterDays": 14},
            False,
        ),
        (
            {"strategy": "password", "schedule_expression": "cron(0 16 1,15 * ? *)"},
            {"scheduleExpression": "cron(0 16 1,15 * ? *)"},
            True,
        ),
    ],
)
def test_rotation_schedule(
    monitor: RecordingMonitor,
    rotation: dict[str, Any],
    expected_rules: dict[str, Any],
    immediately: bool,
) -> None:
    build(base_args(rotation=rotation))
    reg = monitor.by_type("aws:secretsmanager/secretRotation:SecretRotation")[0]
    inputs = reg.plain_inputs
    assert inputs["rotationRules"] == expected_rules
    assert inputs["rotateImmediately"] is immediately
    assert (
        inputs["rotationLambdaArn"]
        == (monitor.by_type("aws:lambda/function:Function")[0].state["arn"])
    )
    assert inputs["secretId"] == secret_arn(monitor)
    # Rotation may start at once: value, function rights and invoke permission come first.
    needed = {
        monitor.by_type("aws:secretsmanager/secretVersion:SecretVersion")[0].urn,
        monitor.by_type("aws:iam/rolePolicy:RolePolicy")[0].urn,
        monitor.by_type("aws:lambda/permission:Permission")[0].urn,
    }
    assert needed <= set(reg.dependencies)


def test_initial_value_is_a_write_only_secret(monitor: RecordingMonitor) -> None:
    build(base_args(secret_string=pulumi.Output.secret(SECRET_VALUE)))
    version = monitor.by_type("aws:secretsmanager/secretVersion:SecretVersion")[0]
    assert is_secret(version.inputs["secretStringWo"])
    assert version.plain_inputs["secretStringWo"] == SECRET_VALUE
    assert version.plain_inputs["secretStringWoVersion"] == 1
    assert "secretString" not in version.inputs


def test_plain_string_initial_value_is_still_sent_as_secret(monitor: RecordingMonitor) -> None:
    build(base_args(secret_string=SECRET_VALUE, secret_string_version=3))
    version = monitor.by_type("aws:secretsmanager/secretVersion:SecretVersion")[0]
    assert is_secret(version.inputs["secretStringWo"])
    assert version.plain_inputs["secretStringWoVersion"] == 3


def test_template_is_completed_with_a_generated_password(monitor: RecordingMonitor) -> None:
    build(
        base_args(
            secret_template={"username": "app", "port": 5432},
            password_policy={"length": 20, "exclude_characters": "abc"},
        )
    )
    version = monitor.by_type("aws:secretsmanager/secretVersion:SecretVersion")[0]
    assert is_secret(version.inputs["secretStringWo"])
    value = json.loads(version.plain_inputs["secretStringWo"])
    assert value["username"] == "app"
    assert value["port"] == 5432
    assert len(value["password"]) == 20
    assert not set("abc") & set(value["password"])


def test_secret_value_appears_nowhere_unmarked(monitor: RecordingMonitor) -> None:
    build(base_args(secret_string=pulumi.Output.secret(SECRET_VALUE), readers=["r"]))

    def unmarked_strings(value: Any) -> list[str]:
        if is_secret(value):
            return []
        if isinstance(value, dict):
            return [s for v in value.values() for s in unmarked_strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in unmarked_strings(v)]
        return [value] if isinstance(value, str) else []

    for reg in monitor.registrations:
        leaked = [s for s in unmarked_strings(reg.inputs) if SECRET_VALUE in s]
        assert not leaked, f"{reg.type} {reg.name} carries the value unmarked"
        assert SECRET_VALUE not in json.dumps(reg.state, default=str) or is_secret(
            reg.state.get("secretStringWo")
        )


def test_readers_get_exact_read_access(monitor: RecordingMonitor) -> None:
    build(base_args(readers=["reader-a", f"arn:aws:iam::{ACCOUNT}:role/team/reader-b"]))
    reads = [r for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy") if "-read-" in r.name]
    assert sorted((r.name, r.plain_inputs["role"]) for r in reads) == [
        ("app-read-reader-a", "reader-a"),
        ("app-read-reader-b", "reader-b"),
    ]
    for reg in reads:
        by_sid = statements_by_sid(policy_of(reg))
        assert by_sid["ReadSecret"]["Action"] == [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
        ]
        assert by_sid["ReadSecret"]["Resource"] == [secret_arn(monitor)]
        assert by_sid["DecryptSecret"]["Action"] == ["kms:Decrypt"]
        assert by_sid["DecryptSecret"]["Condition"]["StringEquals"] == {
            "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
            "kms:EncryptionContext:SecretARN": secret_arn(monitor),
        }
        assert violations(policy_of(reg)) == []


def test_grant_read_accepts_a_role_resource(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[str]:
        role = aws.iam.Role("consumer", assume_role_policy="{}")
        secret: RotatingSecret = RotatingSecret("app", base_args())  # type: ignore[call-overload]
        secret.grant_read(role)
        return secret.secret_arn

    mocks.run(program)
    grant = monitor.by_name("app-read-consumer")
    assert grant.plain_inputs["role"] == monitor.by_name("consumer").state["name"]
    assert grant.parent == monitor.by_name("app").urn


def test_granting_a_reader_again_returns_its_grant(monitor: RecordingMonitor) -> None:
    """Issue 15: the same role twice (here in readers, then by ARN) is a no-op."""
    grants = []

    def program() -> None:
        secret = RotatingSecret("app", base_args(readers=["reader"]))  # type: ignore[call-overload]
        grants.append(secret.grant_read(f"arn:aws:iam::{ACCOUNT}:role/reader"))
        grants.append(secret.grant_read("READER"))

    mocks.run(program)
    assert grants[0] is grants[1]
    assert grants[0].pulumi_resource_name == "app-read-reader"
    assert [
        r.name for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy") if "-read-" in r.name
    ] == ["app-read-reader"]


def test_outputs(monitor: RecordingMonitor) -> None:
    secret = build(base_args())
    values = mocks.run(
        lambda: pulumi.Output.all(
            secret.secret_arn,
            secret.secret_name,
            secret.kms_key_arn,
            secret.rotation_function_arn,
            secret.rotation_role_arn,
            secret.rotation_role_name,
        )
    )
    role = monitor.by_type("aws:iam/role:Role")[0].state
    assert values == [
        secret_arn(monitor),
        "prod/app/api-password",
        key_arn(monitor),
        monitor.by_type("aws:lambda/function:Function")[0].state["arn"],
        role["arn"],
        role["name"],
    ]


# --- bad input: refused before anything is registered -------------------------------------------

BAD_INPUTS: list[tuple[dict[str, Any], str]] = [
    ({"rotation": {"strategy": "password", "automatically_after_days": 1}}, "secret_name"),
    (base_args(secret_name="bad name!"), "secret_name"),
    (base_args(secret_name="x" * 513), "secret_name"),
    ({"secret_name": "a"}, "rotation"),
    (base_args(rotation={"strategy": "ldap", "automatically_after_days": 1}), "rotation.strategy"),
    (base_args(rotation={"strategy": "password"}), "rotation"),
    (
        base_args(
            rotation={
                "strategy": "password",
                "automatically_after_days": 1,
                "schedule_expression": "rate(1 day)",
            }
        ),
        "rotation",
    ),
    (
        base_args(rotation={"strategy": "password", "schedule_expression": "rate(2 hours)"}),
        "rotation.schedule_expression",
    ),
    (
        base_args(rotation={"strategy": "password", "schedule_expression": "rate(1001 days)"}),
        "rotation.schedule_expression",
    ),
    (
        base_args(rotation={"strategy": "password", "schedule_expression": "cron(0 1 * * *)"}),
        "rotation.schedule_expression",
    ),
    (
        base_args(rotation={"strategy": "password", "automatically_after_days": 0}),
        "rotation.automatically_after_days",
    ),
    (
        base_args(
            rotation={
                "strategy": "password",
                "schedule_expression": "rate(4 hours)",
                "duration": "4h",
            }
        ),
        "rotation.duration",
    ),
    (
        base_args(rotation={"strategy": "postgres-multi-user", "automatically_after_days": 1}),
        "rotation.master_secret_arn",
    ),
    (
        base_args(rotation={"strategy": "password", "automatically_after_days": 1, "every": 2}),
        "rotation.every",
    ),
    (base_args(kms_key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/mine"), "kms_key_arn"),
    (base_args(key_administrators=["admin"]), "key_administrators[0]"),
    (base_args(secret_string="x" * 70_000), "secret_string"),
    (base_args(secret_string="a", secret_template={"username": "u"}), "secret_template"),
    (base_args(secret_template={"password": "fixed"}), "secret_template.password"),
    (base_args(readers=["not a role"]), "readers[0]"),
    (base_args(readers=["r", f"arn:aws:iam::{ACCOUNT}:role/r"]), "readers"),
    (base_args(lambda_runtime="nodejs20.x"), "lambda_runtime"),
    (base_args(architecture="arm"), "architecture"),
    (base_args(timeout=901), "timeout"),
    (base_args(memory_size=64), "memory_size"),
    (base_args(log_retention_days=10), "log_retention_days"),
    (
        base_args(vpc_config={"subnet_ids": [], "security_group_ids": ["sg-0123abcd"]}),
        "vpc_config.subnet_ids",
    ),
    (base_args(permissions_boundary_arn="boundary"), "permissions_boundary_arn"),
    (base_args(password_policy={"length": 4}), "password_policy.length"),
    (base_args(recovery_window_in_days=3), "recovery_window_in_days"),
    (base_args(tags={"aws:owner": "x"}), "tags.aws:owner"),
    (base_args(secretname="typo"), "secretname"),
]


@pytest.mark.parametrize(("args", "argument"), BAD_INPUTS)
def test_bad_input_is_refused_before_registration(
    monitor: RecordingMonitor, args: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotatingSecret("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert str(caught.value).startswith("RotatingSecret 'bad': argument")
    assert monitor.registrations == []


def test_oversized_secret_value_is_not_echoed(monitor: RecordingMonitor) -> None:
    value = "LEAK" * 20_000
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotatingSecret("bad", base_args(secret_string=value)))  # type: ignore[call-overload]
    assert "LEAK" not in str(caught.value)
    assert "80000 bytes" in str(caught.value)


def test_unknown_argument_suggests_the_right_one(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError, match="did you mean 'readers'"):
        mocks.run(lambda: RotatingSecret("bad", base_args(reader=["r"])))  # type: ignore[call-overload]


def test_bad_key_arn_from_an_output_stops_every_child(monitor: RecordingMonitor) -> None:
    """A key ARN known only later is checked when it resolves, before children are created."""
    args = base_args(kms_key_arn=pulumi.Output.from_input("alias/not-a-key"))
    # Pulumi reports it from whichever waiting child it reaches first, wrapped or not.
    with pytest.raises(
        ValueError, match=r"argument 'kms_key_arn' = 'alias/not-a-key'.*not an alias"
    ):
        mocks.run(lambda: RotatingSecret("late", args))  # type: ignore[call-overload]
    created = {r.type for r in monitor.registrations}
    assert "aws:secretsmanager/secret:Secret" not in created
    assert "aws:kms/key:Key" not in created


def test_name_warning_for_arn_like_suffix(
    monitor: RecordingMonitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: messages.append(message))
    build(base_args(secret_name="db-abcdef"))
    assert any("six characters" in m for m in messages)
