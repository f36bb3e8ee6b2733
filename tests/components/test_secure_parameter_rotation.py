"""SecureParameter with scheduled rotation under Pulumi mocks: the resources, grants, function
settings, code archive and input checks that ``rotation={...}`` adds."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from rotation_handlers.password_generator import DEFAULT_EXCLUDE_CHARACTERS
from secretkit.components import InvalidArgumentError, SecureParameter
from secretkit.components.handlers_package import handlers_directory
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from tests.components.helpers import build_component, policy_of, the

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VALUE = "parameter-VALUE-that-must-never-leak"
PARAMETER_NAME = "/team/app/api-key"
PARAMETER_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/team/app/api-key"
SCHEDULE = "rate(30 days)"

COMPONENT = "secretkit:index:SecureParameter"
PARAMETER = "aws:ssm/parameter:Parameter"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
KEY = "aws:kms/key:Key"


def base_args(rotation: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "parameter_name": PARAMETER_NAME,
        "value": VALUE,
        "rotation": {"schedule_expression": SCHEDULE, **(rotation or {})},
    }
    args.update(extra)
    return args


def build(args: dict[str, Any], name: str = "cfg") -> SecureParameter:
    return build_component(SecureParameter, name, args, "parameter_arn")


def variables(monitor: RecordingMonitor) -> dict[str, Any]:
    found: dict[str, Any] = the(monitor, FUNCTION).plain_inputs["environment"]["variables"]
    return found


def rotation_outputs(parameter: SecureParameter) -> list[Any]:
    result: list[Any] = mocks.run(
        lambda: pulumi.Output.all(parameter.rotation_function_arn, parameter.rotation_role_name)
    )
    return result


def archive_names(monitor: RecordingMonitor) -> set[str]:
    code = the(monitor, FUNCTION).inputs["code"]
    assert isinstance(code, pulumi.AssetArchive)
    return set(code.assets)


def shipped_handlers() -> set[str]:
    return {f"rotation_handlers/{p.name}" for p in handlers_directory().glob("*.py")}


# --- resources ----------------------------------------------------------------------------------


def test_rotation_adds_exactly_the_schedule_function_and_target(monitor: RecordingMonitor) -> None:
    build(base_args())
    assert sorted((r.type, r.name) for r in monitor.registrations) == sorted(
        [
            (COMPONENT, "cfg"),
            (PARAMETER, "cfg-parameter"),
            (RULE, "cfg-rotation-schedule"),
            (ROLE, "cfg-rotation"),
            (ROLE_POLICY, "cfg-rotation"),
            (LOG_GROUP, "cfg-rotation"),
            (FUNCTION, "cfg-rotation"),
            (PERMISSION, "cfg-rotation"),
            (TARGET, "cfg-rotation-schedule"),
        ]
    )
    component = the(monitor, COMPONENT)
    assert all(r.parent == component.urn for r in monitor.registrations if r is not component)


def test_schedule_rule_invokes_the_function_once_it_may_and_the_parameter_exists(
    monitor: RecordingMonitor,
) -> None:
    build(base_args())
    rule = the(monitor, RULE)
    assert rule.plain_inputs["scheduleExpression"] == SCHEDULE
    assert "eventPattern" not in rule.plain_inputs
    target = the(monitor, TARGET)
    function = the(monitor, FUNCTION)
    assert target.plain_inputs["arn"] == function.state["arn"]
    assert target.plain_inputs["rule"] == rule.state["name"]
    assert the(monitor, PERMISSION).urn in target.dependencies
    assert the(monitor, PARAMETER).urn in target.dependencies


@pytest.mark.parametrize(
    "schedule", ["rate(1 day)", "rate(1 minute)", "rate(12 hours)", "cron(0 3 1 * ? *)"]
)
def test_valid_schedules_reach_the_rule(monitor: RecordingMonitor, schedule: str) -> None:
    build(base_args({"schedule_expression": schedule}))
    assert the(monitor, RULE).plain_inputs["scheduleExpression"] == schedule


def test_without_rotation_nothing_is_added_and_outputs_are_none(monitor: RecordingMonitor) -> None:
    args = base_args()
    del args["rotation"]
    parameter = build(args)
    assert sorted(r.type for r in monitor.registrations) == sorted([COMPONENT, PARAMETER])
    assert rotation_outputs(parameter) == [None, None]


def test_outputs_name_the_function_and_its_role(monitor: RecordingMonitor) -> None:
    parameter = build(base_args())
    assert rotation_outputs(parameter) == [
        the(monitor, FUNCTION).state["arn"],
        the(monitor, ROLE).state["name"],
    ]


# --- grants -------------------------------------------------------------------------------------


def test_role_policy_with_aws_managed_key_has_no_kms_statement(monitor: RecordingMonitor) -> None:
    build(base_args())
    role_policy = the(monitor, ROLE_POLICY)
    assert role_policy.plain_inputs["role"] == the(monitor, ROLE).state["name"]
    log_group = the(monitor, LOG_GROUP).state["arn"]
    policy = policy_of(role_policy)
    assert policy["Statement"] == [
        {
            "Sid": "RotateThisParameter",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:PutParameter"],
            "Resource": [PARAMETER_ARN],
        },
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_group}:*"],
        },
    ]
    assert violations(policy) == []


@pytest.mark.parametrize("key", ["created", "given"])
def test_role_policy_with_a_cmk_uses_it_only_through_ssm_for_this_parameter(
    monitor: RecordingMonitor, key: str
) -> None:
    build(base_args(create_kms_key=True) if key == "created" else base_args(kms_key_arn=KEY_ARN))
    key_arn = the(monitor, KEY).state["arn"] if key == "created" else KEY_ARN
    if key == "given":
        assert monitor.by_type(KEY) == []
    log_group = the(monitor, LOG_GROUP).state["arn"]
    policy = policy_of(the(monitor, ROLE_POLICY))
    assert policy["Statement"] == [
        {
            "Sid": "RotateThisParameter",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:PutParameter"],
            "Resource": [PARAMETER_ARN],
        },
        {
            "Sid": "UseKeyForThisParameter",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
            "Resource": [key_arn],
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": f"ssm.{REGION}.amazonaws.com",
                    "kms:EncryptionContext:PARAMETER_ARN": PARAMETER_ARN,
                }
            },
        },
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{log_group}:*"],
        },
    ]
    assert violations(policy) == []
    assert variables(monitor)["KEY_ID"] == key_arn


def test_role_is_assumable_by_lambda_only(monitor: RecordingMonitor) -> None:
    build(base_args())
    trust = json.loads(the(monitor, ROLE).plain_inputs["assumeRolePolicy"])
    assert [(s["Principal"], s["Action"]) for s in trust["Statement"]] == [
        ({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole")
    ]
    assert the(monitor, FUNCTION).plain_inputs["role"] == the(monitor, ROLE).state["arn"]


def test_only_this_rule_in_this_account_may_invoke_the_function(
    monitor: RecordingMonitor,
) -> None:
    build(base_args())
    assert the(monitor, PERMISSION).plain_inputs == {
        "action": "lambda:InvokeFunction",
        "function": the(monitor, FUNCTION).state["name"],
        "principal": "events.amazonaws.com",
        "sourceAccount": ACCOUNT,
        "sourceArn": the(monitor, RULE).state["arn"],
    }


# --- the function -------------------------------------------------------------------------------


def test_function_defaults_handler_and_environment(monitor: RecordingMonitor) -> None:
    build(base_args())
    function = the(monitor, FUNCTION)
    inputs = function.plain_inputs
    assert inputs["handler"] == "rotation_handlers.parameter_store.lambda_handler"
    assert inputs["runtime"] == "python3.13"
    assert inputs["architectures"] == ["arm64"]
    assert (inputs["timeout"], inputs["memorySize"]) == (30, 128)
    assert inputs["environment"]["variables"] == {
        "PARAMETER_NAME": PARAMETER_NAME,
        "KEY_ID": "alias/aws/ssm",
        "TIER": "Standard",
        "PASSWORD_LENGTH": "32",
        "EXCLUDE_CHARACTERS": DEFAULT_EXCLUDE_CHARACTERS,
    }
    log_group = the(monitor, LOG_GROUP)
    assert inputs["loggingConfig"]["logGroup"] == log_group.state["name"]
    assert log_group.plain_inputs["retentionInDays"] == 30
    assert the(monitor, ROLE_POLICY).urn in function.dependencies


def test_function_environment_carries_description_tier_policy_and_user_variables(
    monitor: RecordingMonitor,
) -> None:
    build(
        base_args(
            {
                "password_policy": {"length": 48, "exclude_characters": "xyz"},
                "environment": {
                    "API_BASE_URL": "https://vendor.example/api",
                    "Mode": pulumi.Output.from_input("strict"),
                },
            },
            description="Vendor API key",
            tier="Advanced",
            kms_key_arn=KEY_ARN,
        )
    )
    assert variables(monitor) == {
        "PARAMETER_NAME": PARAMETER_NAME,
        "KEY_ID": KEY_ARN,
        "TIER": "Advanced",
        "DESCRIPTION": "Vendor API key",
        "PASSWORD_LENGTH": "48",
        "EXCLUDE_CHARACTERS": "xyz",
        "API_BASE_URL": "https://vendor.example/api",
        "Mode": "strict",
    }


def test_tier_of_a_secret_output_value_reaches_the_function_unsecret(
    monitor: RecordingMonitor,
) -> None:
    build(base_args(value=pulumi.Output.secret("y" * 5000)))
    assert variables(monitor)["TIER"] == "Advanced"
    assert the(monitor, PARAMETER).plain_inputs["tier"] == "Advanced"


def test_function_settings_are_passed_through(monitor: RecordingMonitor) -> None:
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    build(
        base_args(
            {
                "lambda_runtime": "python3.12",
                "architecture": "x86_64",
                "timeout": 120,
                "memory_size": 256,
                "log_retention_days": 90,
                "permissions_boundary_arn": boundary,
            },
            tags={"team": "billing"},
        )
    )
    inputs = the(monitor, FUNCTION).plain_inputs
    assert (inputs["runtime"], inputs["architectures"]) == ("python3.12", ["x86_64"])
    assert (inputs["timeout"], inputs["memorySize"]) == (120, 256)
    assert "vpcConfig" not in inputs
    assert the(monitor, ROLE).plain_inputs["permissionsBoundary"] == boundary
    assert the(monitor, LOG_GROUP).plain_inputs["retentionInDays"] == 90
    for type_ in (RULE, ROLE, LOG_GROUP, FUNCTION, PARAMETER):
        assert the(monitor, type_).plain_inputs["tags"] == {"team": "billing"}, type_


def test_the_value_reaches_no_rotation_resource(monitor: RecordingMonitor) -> None:
    build(base_args(create_kms_key=True, description="d"))
    for reg in monitor.registrations:
        if reg.type == PARAMETER:
            continue
        text = json.dumps(reg.plain_inputs, default=str) + json.dumps(reg.state, default=str)
        assert VALUE not in text, reg.name


def test_default_code_archive_is_the_handler_package(monitor: RecordingMonitor) -> None:
    build(base_args())
    names = archive_names(monitor)
    assert names == shipped_handlers()
    assert "rotation_handlers/parameter_store.py" in names


# --- a custom handler module --------------------------------------------------------------------


HANDLER_SOURCE = (
    "from rotation_handlers.parameter_store import ParameterRotation, handler_for\n"
    "lambda_handler = handler_for(ParameterRotation())\n"
)


def test_custom_handler_module_in_a_package_ships_the_package(
    monitor: RecordingMonitor, tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    package = unique_module()
    root = tmp_path / package
    (root / "__pycache__").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "rotator.py").write_text(HANDLER_SOURCE)
    (root / "__pycache__" / "rotator.cpython-311.pyc").write_bytes(b"\0")
    (root / "__pycache__" / "stale.py").write_text("")

    build(base_args({"handler_module": f"{package}.rotator"}))
    function = the(monitor, FUNCTION)
    assert function.plain_inputs["handler"] == f"{package}.rotator.lambda_handler"
    code = function.inputs["code"]
    assert isinstance(code, pulumi.AssetArchive)
    assert set(code.assets) == shipped_handlers() | {
        f"{package}/__init__.py",
        f"{package}/rotator.py",
    }
    assert not any("__pycache__" in name for name in code.assets)
    rotator = code.assets[f"{package}/rotator.py"]
    assert isinstance(rotator, pulumi.FileAsset)
    assert Path(rotator.path) == root / "rotator.py"
    # The generated-password settings still reach a custom handler.
    assert variables(monitor)["PARAMETER_NAME"] == PARAMETER_NAME


def test_custom_top_level_module_ships_as_its_single_file(
    monitor: RecordingMonitor, tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    module = unique_module()
    (tmp_path / f"{module}.py").write_text(HANDLER_SOURCE)
    (tmp_path / "unrelated.py").write_text("")
    build(base_args({"handler_module": module}))
    assert the(monitor, FUNCTION).plain_inputs["handler"] == f"{module}.lambda_handler"
    assert archive_names(monitor) == shipped_handlers() | {f"{module}.py"}


def test_handler_module_that_cannot_be_found_is_refused_by_name(
    monitor: RecordingMonitor,
) -> None:
    module = f"sk_missing_{uuid.uuid4().hex[:8]}.rotator"
    with pytest.raises(InvalidArgumentError) as caught:
        build(base_args({"handler_module": module}), name="bad")
    assert caught.value.argument == "rotation.handler_module"
    assert caught.value.value == module
    assert str(caught.value).startswith("SecureParameter 'bad': argument")


def test_handler_module_that_cannot_be_found_registers_nothing(
    monitor: RecordingMonitor,
) -> None:
    module = f"sk_missing_{uuid.uuid4().hex[:8]}"
    with pytest.raises(InvalidArgumentError):
        build(base_args({"handler_module": module}), name="bad")
    assert monitor.registrations == []


# --- bad input ----------------------------------------------------------------------------------


def rotation_only(**rotation: Any) -> dict[str, Any]:
    return {"parameter_name": PARAMETER_NAME, "value": VALUE, "rotation": rotation}


BAD_INPUTS: list[tuple[dict[str, Any], str]] = [
    (base_args(write_only=False), "write_only"),
    (rotation_only(), "rotation.schedule_expression"),
    (rotation_only(handler_module="x.y"), "rotation.schedule_expression"),
    (base_args({"schedule_expression": "rate(1 days)"}), "rotation.schedule_expression"),
    (base_args({"schedule_expression": "rate(5 minute)"}), "rotation.schedule_expression"),
    (base_args({"schedule_expression": "rate(0 minutes)"}), "rotation.schedule_expression"),
    (base_args({"schedule_expression": "every day"}), "rotation.schedule_expression"),
    (base_args({"schedule_expression": "cron(0 3 * * *)"}), "rotation.schedule_expression"),
    (base_args({"schedule_expression": 30}), "rotation.schedule_expression"),
    (base_args({"every": "day"}), "rotation.every"),
    (base_args({"strategy": "password"}), "rotation.strategy"),
    (
        base_args(
            {
                "vpc_config": {
                    "subnet_ids": ["subnet-0123abcd"],
                    "security_group_ids": ["sg-0123abcd"],
                }
            }
        ),
        "rotation.vpc_config",
    ),
    (base_args({"environment": {"AWS_REGION": "eu-west-1"}}), "rotation.environment.AWS_REGION"),
    (
        base_args({"environment": {"PARAMETER_NAME": "/other"}}),
        "rotation.environment.PARAMETER_NAME",
    ),
    (base_args({"environment": {"KEY_ID": "alias/x"}}), "rotation.environment.KEY_ID"),
    (base_args({"environment": {"1ST": "x"}}), "rotation.environment.1ST"),
    (base_args({"environment": {"API-URL": "x"}}), "rotation.environment.API-URL"),
    (base_args({"environment": {"PORT": 5432}}), "rotation.environment.PORT"),
    (base_args({"environment": ["API_URL=x"]}), "rotation.environment"),
    (base_args({"handler_module": "not a module"}), "rotation.handler_module"),
    (base_args({"handler_module": "mypkg..rotator"}), "rotation.handler_module"),
    (base_args({"password_policy": {"length": 4}}), "rotation.password_policy.length"),
    (base_args({"lambda_runtime": "python3.10"}), "rotation.lambda_runtime"),
    (base_args({"timeout": 0}), "rotation.timeout"),
    (base_args({"log_retention_days": 10}), "rotation.log_retention_days"),
    (base_args({"permissions_boundary_arn": "boundary"}), "rotation.permissions_boundary_arn"),
    ({**base_args(), "rotation": "rate(1 day)"}, "rotation"),
]


@pytest.mark.parametrize(("args", "argument"), BAD_INPUTS)
def test_bad_rotation_input_is_refused_before_registration(
    monitor: RecordingMonitor, args: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: SecureParameter("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert str(caught.value).startswith("SecureParameter 'bad': argument")
    assert VALUE not in str(caught.value)
    assert monitor.registrations == []


@pytest.mark.parametrize("variable", ["LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"])
def test_lambda_reserved_variables_are_refused(monitor: RecordingMonitor, variable: str) -> None:
    args = base_args({"environment": {variable: "/opt/code"}})
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: SecureParameter("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == f"rotation.environment.{variable}"
    assert monitor.registrations == []


@pytest.mark.parametrize("bad", ["value", "kms_key_arn"])
def test_a_late_failing_check_stops_the_rotation_resources(
    monitor: RecordingMonitor, bad: str
) -> None:
    def program() -> pulumi.Output[str]:
        # Known only after a moment, as a value from another stack or resource would be.
        late: dict[str, Any] = (
            {"value": pulumi.Output.secret(asyncio.sleep(0.3, result="z" * 9000))}
            if bad == "value"
            else {"kms_key_arn": pulumi.Output.from_input(asyncio.sleep(0.3, "alias/nope"))}
        )
        parameter: SecureParameter = SecureParameter("late", base_args(**late))  # type: ignore[call-overload]
        return parameter.parameter_arn

    with pytest.raises(ValueError, match=f"argument '{bad}'"):
        mocks.run(program)
    assert [r.type for r in monitor.registrations] == [COMPONENT]
