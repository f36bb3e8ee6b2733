"""AWS's limits (components/limits.py): the table agrees with its sources and docs/limits.md,
every derived string fits at the longest input each component accepts, and each input AWS
would refuse is refused first, naming the argument, the value and the rule."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import botocore
import pulumi
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    RotatingSecret,
    RotationFunction,
    SecureParameter,
    limits,
    validation,
)
from secretkit.components.kms_key import key_policy_within_limit
from secretkit.components.parameters.notifications import rule_description
from secretkit.components.parameters.parameter_rotation import schedule_description
from secretkit.components.rotation.function_settings import environment_size
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
REPO = Path(__file__).resolve().parents[2]
MASTER_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db/master-AbCdEf"
LONGEST_PARAMETER = "/" + "p" * 960  # 961: the longest SecureParameter accepts (longest region)

# --- the table and its sources ------------------------------------------------------------------

#: Limits taken from botocore's API models: (service, shape, field) whose value is the maximum.
BOTOCORE_SOURCES = {
    limits.EVENT_RULE_DESCRIPTION: ("events", "RuleDescription", "max"),
    limits.SCHEDULE_EXPRESSION: ("events", "ScheduleExpression", "max"),
    limits.LAMBDA_HANDLER: ("lambda", "Handler", "max"),
    limits.LAMBDA_DESCRIPTION: ("lambda", "Description", "max"),
    limits.LAMBDA_SUBNETS: ("lambda", "SubnetIds", "max"),
    limits.LAMBDA_SECURITY_GROUPS: ("lambda", "SecurityGroupIds", "max"),
    limits.LOG_GROUP_NAME: ("logs", "LogGroupName", "max"),
    limits.IAM_ROLE_NAME: ("iam", "roleNameType", "max"),
    limits.IAM_ROLE_DESCRIPTION: ("iam", "roleDescriptionType", "max"),
    limits.IAM_POLICY_NAME: ("iam", "policyNameType", "max"),
    limits.IAM_ARN: ("iam", "arnType", "max"),
    limits.TAG_KEY: ("iam", "tagKeyType", "max"),
    limits.TAG_VALUE: ("iam", "tagValueType", "max"),
    limits.TAGS_PER_RESOURCE: ("iam", "tagListType", "max"),
    limits.SECRET_NAME: ("secretsmanager", "NameType", "max"),
    limits.SECRET_DESCRIPTION: ("secretsmanager", "DescriptionType", "max"),
    limits.SECRET_VALUE: ("secretsmanager", "SecretStringType", "max"),
    limits.ROTATION_DURATION: ("secretsmanager", "DurationType", "max"),
    limits.SECRET_RESOURCE_POLICY: ("secretsmanager", "NonEmptyResourcePolicyType", "max"),
    limits.KMS_KEY_DESCRIPTION: ("kms", "DescriptionType", "max"),
    limits.APPCONFIG_NAME: ("appconfig", "Name", "max"),
    limits.APPCONFIG_PROFILE_NAME: ("appconfig", "LongName", "max"),
    limits.APPCONFIG_DESCRIPTION: ("appconfig", "Description", "max"),
    limits.APPCONFIG_VALIDATOR: ("appconfig", "StringWithLengthBetween0And32768", "max"),
    limits.APPCONFIG_MONITORS: ("appconfig", "MonitorList", "max"),
    limits.ALARM_NAME: ("cloudwatch", "AlarmName", "max"),
    limits.ALARM_DESCRIPTION: ("cloudwatch", "AlarmDescription", "max"),
}


def botocore_shape(service: str, shape: str) -> dict[str, Any]:
    """A shape of the service's newest API model as the installed botocore ships it."""
    root = Path(botocore.__file__).parent / "data" / service
    model = sorted(root.glob("*/service-2.json*"))[-1]
    raw = model.read_bytes()
    if model.suffix == ".gz":
        raw = gzip.decompress(raw)
    found: dict[str, Any] = json.loads(raw)["shapes"][shape]
    return found


@pytest.mark.parametrize("limit", list(BOTOCORE_SOURCES), ids=lambda limit: limit.what)
def test_limits_from_botocore_agree_with_the_model(limit: limits.Limit) -> None:
    service, shape, field = BOTOCORE_SOURCES[limit]
    assert botocore_shape(service, shape)[field] == limit.maximum
    assert f"{service} {shape}" in limit.source


def test_patterns_agree_with_the_model() -> None:
    assert botocore_shape("lambda", "EnvironmentVariableName")["pattern"] == (
        limits.VARIABLE_NAME_PATTERN
    )
    assert botocore_shape("iam", "tagKeyType")["pattern"] == limits.TAG_PATTERN + "+"
    assert (
        botocore_shape("secretsmanager", "DurationType")["min"] == limits.ROTATION_DURATION.minimum
    )


def test_every_limit_has_a_source_and_a_row_in_the_docs() -> None:
    page = (REPO / "docs" / "limits.md").read_text()
    for limit in limits.TABLE:
        assert limit.source
        row = next((line for line in page.splitlines() if line.startswith(f"| {limit.what} |")), "")
        assert row, f"docs/limits.md has no row for {limit.what}"
        assert f"{limit.maximum:,}" in row or str(limit.maximum) in row, row


def test_sizes_are_measured_as_aws_measures_them() -> None:
    assert limits.size(limits.SECRET_VALUE, "é") == 2  # bytes
    assert limits.size(limits.SECRET_NAME, "é") == 1  # characters
    document = {"Version": "2012-10-17", "Statement": []}
    # IAM does not count whitespace; json.dumps puts a space after ':' and ','.
    assert limits.size(limits.IAM_MANAGED_POLICY, document) == len(json.dumps(document)) - 3
    assert limits.size(limits.KMS_KEY_POLICY, document) == len(json.dumps(document))


# --- shortening ---------------------------------------------------------------------------------


def test_a_description_that_fits_is_never_changed() -> None:
    name = "/" + "p" * 466  # the longest whose description fits: 45 + 467 = 512
    assert rule_description(name) == f"Parameter Store policy events of {name} (secretkit)"
    assert len(rule_description(name)) == 512
    assert (
        schedule_description("/team/app/key") == "Rotates SSM parameter /team/app/key (secretkit)"
    )


def test_a_description_over_the_limit_is_cut_stably_and_distinctly() -> None:
    first, second = "/" + "p" * 960, "/" + "p" * 959 + "q"
    for describe in (rule_description, schedule_description):
        shortened = describe(first)
        assert len(shortened) == limits.EVENT_RULE_DESCRIPTION.maximum
        assert shortened == describe(first)
        assert shortened != describe(second)
        assert shortened.endswith(" (secretkit)")
        assert re.search(r"p\.\.\.[0-9a-f]{8} \(secretkit\)$", shortened)


# --- derived strings at the longest inputs ------------------------------------------------------

#: The longest custom handler module: '<module>.lambda_handler' is then 128 characters.
LONGEST_MODULE = "m" * validation.HANDLER_MODULE_MAX


@pytest.fixture
def longest_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """LONGEST_MODULE, importable by the program (a custom module must be)."""
    (tmp_path / f"{LONGEST_MODULE}.py").write_text(
        "def lambda_handler(event, context):\n    return None\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return LONGEST_MODULE


def check_registrations(monitor: RecordingMonitor) -> int:
    """Assert every derived string and document registered fits its limit; return how many
    values were checked (so a test cannot pass by checking nothing)."""
    checked = 0

    def within(limit: limits.Limit, value: Any) -> None:
        nonlocal checked
        checked += 1
        assert limits.fits(limit, value), f"{limit.what}: {limits.size(limit, value)}"

    for reg in monitor.registrations:
        inputs = reg.plain_inputs
        tags = inputs.get("tags") or {}
        within(limits.TAGS_PER_RESOURCE, tags)
        for key, value in tags.items():
            within(limits.TAG_KEY, key)
            within(limits.TAG_VALUE, value)
            assert all(limits.tag_character_allowed(c) for c in key + value), (key, value)
        if reg.type == "aws:cloudwatch/eventRule:EventRule":
            within(limits.EVENT_RULE_DESCRIPTION, inputs.get("description", ""))
            within(limits.SCHEDULE_EXPRESSION, inputs.get("scheduleExpression", ""))
        elif reg.type == "aws:lambda/function:Function":
            within(limits.LAMBDA_DESCRIPTION, inputs["description"])
            within(limits.LAMBDA_HANDLER, inputs["handler"])
            variables = inputs["environment"]["variables"]
            checked += 1
            assert environment_size(variables) <= limits.LAMBDA_ENVIRONMENT.maximum
            for name in variables:
                assert re.fullmatch(limits.VARIABLE_NAME_PATTERN, name), name
        elif reg.type == "aws:iam/role:Role":
            within(limits.IAM_ROLE_DESCRIPTION, inputs["description"])
            within(limits.IAM_TRUST_POLICY, json.loads(inputs["assumeRolePolicy"]))
        elif reg.type == "aws:kms/key:Key":
            within(limits.KMS_KEY_DESCRIPTION, inputs["description"])
            within(limits.KMS_KEY_POLICY, inputs["policy"])
        elif reg.type == "aws:secretsmanager/secret:Secret":
            within(limits.SECRET_NAME, inputs["name"])
        elif reg.type == "aws:secretsmanager/secretRotation:SecretRotation":
            rules = inputs["rotationRules"]
            if "duration" in rules:
                within(limits.ROTATION_DURATION, rules["duration"])
            if "scheduleExpression" in rules:
                within(limits.SCHEDULE_EXPRESSION, rules["scheduleExpression"])
    return checked


def test_secure_parameter_at_its_longest_inputs(
    monitor: RecordingMonitor, longest_module: str
) -> None:
    """The longest name (961), description (1024) and 50 tags with the longest keys and values
    of every allowed kind of character, rotating and notifying: everything fits."""
    tags = {f"k{i:02d} é:/=+-@_." + "k" * 114: "v é:/=+-@_." + "v" * 245 for i in range(50)}
    args = {
        "parameter_name": LONGEST_PARAMETER,
        "value": "v",
        "description": "d" * 1024,
        "expires_at": "2099-01-01T00:00:00Z",
        "notify_before_expiry": "15 days",
        "create_kms_key": True,
        "key_administrators": [f"arn:aws:iam::{ACCOUNT}:role/{'a' * 64}"],
        "tags": tags,
        "rotation": {"schedule_expression": "rate(30 days)", "handler_module": longest_module},
    }
    mocks.run(lambda: SecureParameter("p", args).parameter_arn)  # type: ignore[call-overload]
    assert check_registrations(monitor) > 50 * 2 * 5
    rules = {r.name: r.plain_inputs for r in monitor.by_type("aws:cloudwatch/eventRule:EventRule")}
    assert rules["p-policy-events"]["description"] == rule_description(LONGEST_PARAMETER)
    assert rules["p-rotation-schedule"]["description"] == schedule_description(LONGEST_PARAMETER)
    function = monitor.by_type("aws:lambda/function:Function")[0].plain_inputs
    assert function["handler"] == longest_module + ".lambda_handler"
    assert len(function["handler"]) == limits.LAMBDA_HANDLER.maximum


def test_rotating_secret_at_its_longest_inputs(
    monitor: RecordingMonitor, longest_module: str
) -> None:
    """A 512-character name and description 2048, 49 tags (the 50th is secretkit:strategy), a
    custom module of 113 characters (handler 128; tag value 'custom:<module>' 120), a
    template as large as a 64 KB value allows with the longest escaped password."""
    template = {"blob": "b" * (65_536 - 160)}
    args = {
        "secret_name": "s" * 512,
        "description": "d" * 2048,
        "tags": {f"k{i:02d}" + "k" * 125: "v" * 256 for i in range(49)},
        "secret_template": template,
        "password_policy": {"length": 64, "exclude_characters": ""},
        "rotation": {
            "strategy": "custom",
            "handler_module": longest_module,
            "schedule_expression": "cron(0 4 ? * MON *)",
            "duration": "3h",
        },
    }
    mocks.run(lambda: RotatingSecret("s", args).secret_arn)  # type: ignore[call-overload]
    assert check_registrations(monitor) > 49 * 2 * 3
    secret = monitor.by_type("aws:secretsmanager/secret:Secret")[0].plain_inputs
    assert secret["tags"]["secretkit:strategy"] == "custom:" + longest_module
    assert len(secret["tags"]) == limits.TAGS_PER_RESOURCE.maximum


def test_rotation_function_at_its_longest_inputs(monitor: RecordingMonitor) -> None:
    """A multi-user function with 16 subnets, 5 security groups, a master secret, its
    description naming the component, and an environment close to 4 KB."""
    args = {
        "strategy": "postgres-multi-user",
        "master_secret_arn": MASTER_ARN,
        "vpc_config": {
            "subnet_ids": [f"subnet-{i:017x}" for i in range(16)],
            "security_group_ids": [f"sg-{i:017x}" for i in range(5)],
        },
        "environment": {"EXTRA": "e" * 3000},
        "permissions_boundary_arn": f"arn:aws:iam::{ACCOUNT}:policy/{'b' * 2000}",
        "tls": "require",
    }
    mocks.run(lambda: RotationFunction("f" * 47, args).function_arn)  # type: ignore[call-overload]
    assert check_registrations(monitor) >= 5


# --- refusals -----------------------------------------------------------------------------------


def secret_args(**extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "secret_name": "prod/app/api",
        "rotation": {"strategy": "password", "schedule_expression": "rate(30 days)"},
    }
    args.update(extra)
    return args


def rotation(**extra: Any) -> dict[str, Any]:
    return {"strategy": "password", "schedule_expression": "rate(30 days)", **extra}


def parameter_args(**extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"parameter_name": "/team/app/key", "value": "v"}
    args.update(extra)
    return args


def function_args(**extra: Any) -> dict[str, Any]:
    return {"strategy": "password", **extra}


LONG_ADMINS = [f"arn:aws:iam::{ACCOUNT}:role/{'p' * 600}/admin-{i:02d}" for i in range(60)]
CUSTOM = {"strategy": "custom", "schedule_expression": "rate(30 days)"}
NEAR_64_KB = {"blob": "b" * (65_536 - 60)}

REFUSED: list[tuple[Any, dict[str, Any], str, str]] = [
    # (component, args, argument, a phrase of the rule)
    (
        RotatingSecret,
        secret_args(rotation={**CUSTOM, "handler_module": "m" * 114}),
        "rotation.handler_module",
        "makes the Lambda handler '<module>.lambda_handler' 129 characters",
    ),
    (
        RotatingSecret,
        secret_args(rotation=rotation(schedule_expression="cron(0 " + "1," * 130 + "2 * * ? *)")),
        "rotation.schedule_expression",
        "AWS allows at most 256",
    ),
    (
        RotatingSecret,
        secret_args(rotation=rotation(schedule_expression="rate(030 days)")),
        "rotation.schedule_expression",
        "without leading zeros",
    ),
    (
        SecureParameter,
        parameter_args(rotation={"schedule_expression": "rate(05 minutes)"}),
        "rotation.schedule_expression",
        "without leading zeros",
    ),
    (
        RotatingSecret,
        secret_args(lambda_runtime="python3.15"),
        "lambda_runtime",
        "pulumi-aws knows",
    ),
    (
        RotatingSecret,
        secret_args(tags={f"k{i}": "v" for i in range(50)}),
        "tags",
        "at most 49 here, since secretkit adds 1 of its own",
    ),
    (SecureParameter, parameter_args(tags={f"k{i}": "v" for i in range(51)}), "tags", "at most 50"),
    (RotatingSecret, secret_args(tags={"owner#": "me"}), "tags.owner#", "contains '#'"),
    (
        RotatingSecret,
        secret_args(tags={"team": "Payments & Billing"}),
        "tags.team",
        "the tag value contains '&'",
    ),
    (SecureParameter, parameter_args(tags={"env(stage)": "x"}), "tags.env(stage)", "'()'"),
    (
        SecureParameter,
        parameter_args(
            parameter_name=LONGEST_PARAMETER,
            description="d" * 1024,
            rotation={
                "schedule_expression": "rate(1 day)",
                "password_policy": {"length": 8, "exclude_characters": "!" * 2200},
            },
        ),
        "rotation.environment",
        "the rotation function's environment",
    ),
    (
        RotationFunction,
        function_args(environment={"X": "1"}),
        "environment.X",
        "[a-zA-Z]([a-zA-Z0-9_])+",
    ),
    (
        RotationFunction,
        function_args(
            strategy="postgres-multi-user",
            master_secret_arn=MASTER_ARN,
            environment={"EXTRA": "e" * 3500},
            password_policy={"exclude_characters": "!" * 500},
        ),
        "environment",
        "AWS allows at most 4096",
    ),
    (
        RotatingSecret,
        secret_args(secret_template=NEAR_64_KB, password_policy={"exclude_characters": ""}),
        "secret_template",
        "limited to 65536 bytes",
    ),
    (
        RotatingSecret,
        secret_args(rotation=rotation(schedule_expression="rate(7 days)", duration="00000000024h")),
        "rotation.duration",
        "2 or 3 characters",
    ),
    (
        RotatingSecret,
        secret_args(
            vpc_config={
                "subnet_ids": [f"subnet-{i:08x}" for i in range(17)],
                "security_group_ids": ["sg-01234567"],
            }
        ),
        "vpc_config.subnet_ids",
        "at most 16",
    ),
    (
        RotationFunction,
        function_args(
            vpc_config={
                "subnet_ids": ["subnet-01234567"],
                "security_group_ids": [f"sg-{i:08x}" for i in range(6)],
            }
        ),
        "vpc_config.security_group_ids",
        "at most 5",
    ),
    (
        RotatingSecret,
        secret_args(permissions_boundary_arn=f"arn:aws:iam::{ACCOUNT}:policy/{'b' * 2030}"),
        "permissions_boundary_arn",
        "AWS allows at most 2048",
    ),
    (
        RotatingSecret,
        secret_args(key_administrators=LONG_ADMINS),
        "key_administrators",
        "AWS allows at most 32768",
    ),
    (
        SecureParameter,
        parameter_args(create_kms_key=True, key_administrators=LONG_ADMINS),
        "key_administrators",
        "the created key's policy",
    ),
]


@pytest.mark.parametrize(
    ("component", "args", "argument", "rule"),
    REFUSED,
    ids=[f"{c.__name__}-{a}-{i}" for i, (c, _, a, _) in enumerate(REFUSED)],
)
def test_what_aws_would_refuse_is_refused_before_registration(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], argument: str, rule: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: component("bad", args))
    error = caught.value
    assert error.argument == argument
    assert rule in error.rule, error.rule
    assert str(error).startswith(f"{component.__name__} 'bad': argument '{argument}'")
    assert monitor.registrations == []


def test_the_secret_template_is_sized_with_the_password_the_policy_allows(
    monitor: RecordingMonitor,
) -> None:
    """The default policy excludes '"' and '\\': the same template that is refused when they
    may appear (each doubling in JSON) is accepted."""
    mocks.run(lambda: RotatingSecret("ok", secret_args(secret_template=NEAR_64_KB)).secret_arn)  # type: ignore[call-overload]
    assert len(validation.longest_password(32, "")) == 32
    assert len(json.dumps(validation.longest_password(32, ""))) == 2 + 64
    assert json.dumps(validation.longest_password(32, '"\\')) == '"' + "x" * 32 + '"'


def test_a_replicated_secret_without_rotation_takes_50_tags(monitor: RecordingMonitor) -> None:
    """And at its longest name, its keys' descriptions ("Encrypts the <region> replica of
    Secrets Manager secret <name> (secretkit)") fit too."""
    args = {
        "secret_name": "s" * 512,
        "description": "d" * 2048,
        "replica_regions": ["eu-west-1", "ap-southeast-2"],
        "tags": {f"k{i}": "v" for i in range(50)},
    }
    mocks.run(lambda: CrossRegionReplicatedSecret("rep", args).secret_arn)  # type: ignore[call-overload]
    assert check_registrations(monitor) > 50 * 2 * 3
    keys = monitor.by_type("aws:kms/key:Key")
    assert len(keys) == 3


def test_a_key_policy_over_32_kb_once_known_fails_the_key(monitor: RecordingMonitor) -> None:
    """Readers in other accounts add statements known only with the key's context: the
    serialized policy is measured then, and the key is not created."""
    with pytest.raises(InvalidArgumentError, match="AWS allows at most 32768") as caught:
        key_policy_within_limit(json.dumps({"Statement": ["x" * 33_000]}), "db-key")
    assert "the policy of the KMS key 'db-key'" in caught.value.rule
    assert "33" in caught.value.rule
    assert key_policy_within_limit("{}") == "{}"


def test_an_output_is_not_needed_to_bound_the_environment() -> None:
    """Deploy-time values count at their longest: the longest ARNs the bounds stand for."""
    assert (
        len(
            "arn:aws-us-gov:secretsmanager:ap-southeast-7:123456789012:secret:"
            + "s" * 512
            + "-AbCdEf"
        )
        == limits.SECRET_ARN_LONGEST
    )
    assert (
        len("arn:aws-us-gov:kms:ap-southeast-7:123456789012:key/mrk-" + "0" * 32)
        == limits.KEY_ARN_LONGEST
    )


@pytest.mark.parametrize(
    ("component", "args", "argument"),
    [
        (
            RotatingSecret,
            secret_args(
                rotation=rotation(environment={"EXTRA": pulumi.Output.from_input("e" * 4100)})
            ),
            "rotation.environment",
        ),
        (
            SecureParameter,
            parameter_args(
                rotation={
                    "schedule_expression": "rate(1 day)",
                    # Fits alone (4,055 bytes), not with the variables secretkit sets.
                    "environment": {"EXTRA": pulumi.Output.from_input("e" * 4050)},
                }
            ),
            "rotation.environment",
        ),
        (
            RotationFunction,
            function_args(environment={"EXTRA": pulumi.Output.from_input("e" * 4100)}),
            "environment",
        ),
    ],
    ids=["RotatingSecret", "SecureParameter", "RotationFunction"],
)
def test_an_environment_value_known_at_deploy_is_measured_before_the_function(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], argument: str
) -> None:
    """An Output value counts once known: over 4 KB with the rest, no child is created."""
    output = {RotatingSecret: "secret_arn", SecureParameter: "parameter_arn"}.get(
        component, "function_arn"
    )
    with pytest.raises(ValueError, match="AWS allows at most 4096") as caught:
        mocks.run(lambda: getattr(component("late", args), output))
    assert f"argument '{argument}' = '<" in str(caught.value)
    # Only the environment's deferred check failed: nothing the function is made of exists.
    assert not [r for r in monitor.registrations if r.type.startswith("aws:lambda")]
    assert not [r for r in monitor.registrations if r.type.startswith("aws:iam/role:")]


def test_an_environment_value_known_at_deploy_that_fits_goes_through(
    monitor: RecordingMonitor,
) -> None:
    value = pulumi.Output.from_input("e" * 2000)
    args = function_args(environment={"EXTRA": value})
    mocks.run(lambda: RotationFunction("late", args).function_arn)  # type: ignore[call-overload]
    function = monitor.by_type("aws:lambda/function:Function")[0].plain_inputs
    assert function["environment"]["variables"]["EXTRA"] == "e" * 2000


def test_a_key_policy_over_32_kb_with_readers_in_other_accounts_stops_the_key(
    monitor: RecordingMonitor,
) -> None:
    """Administrators that fit alone (checked before registration) plus statements for
    readers in other accounts (known with the deploying account) make 33 KB: the key, and all
    that uses it, is not created; the error names the key, the size and the limit."""
    admins = [f"arn:aws:iam::{ACCOUNT}:role/{'p' * 600}/admin-{i:02d}" for i in range(48)]
    readers = [f"arn:aws:iam::{210987654321 + i}:role/{'r' * 300}/reader" for i in range(3)]
    args = secret_args(
        key_administrators=admins, readers=readers, key_policy_allows_foreign_readers=True
    )
    with pytest.raises(ValueError, match="AWS allows at most 32768") as caught:
        mocks.run(lambda: RotatingSecret("big", args).secret_arn)  # type: ignore[call-overload]
    assert "the policy of the KMS key 'big-key'" in str(caught.value)
    assert not monitor.by_type("aws:kms/key:Key")
    assert not monitor.by_type("aws:secretsmanager/secret:Secret")


def test_tag_characters_are_free_where_no_api_enforces_them(monitor: RecordingMonitor) -> None:
    """Secrets Manager and KMS models give tags no pattern: a replicated secret without a
    rotation function of its own keeps the tags it could deploy before (no working stack is
    refused), while one with rotation (IAM role, Lambda, log group enforce it) is refused."""
    tags = {"owner#": "Payments & Billing"}
    args: dict[str, Any] = {
        "secret_name": "prod/app/db",
        "replica_regions": ["eu-west-1"],
        "tags": tags,
    }
    mocks.run(lambda: CrossRegionReplicatedSecret("rep", args).secret_arn)  # type: ignore[call-overload]
    secret = monitor.by_type("aws:secretsmanager/secret:Secret")[0].plain_inputs
    assert secret["tags"] == tags
    assert botocore_shape("secretsmanager", "TagKeyType").get("pattern") is None
    assert botocore_shape("kms", "TagKeyType").get("pattern") is None
    for service, shape in (("ssm", "TagKey"), ("lambda", "TagKey"), ("logs", "TagKey")):
        assert limits.TAG_PATTERN[:-1] in botocore_shape(service, shape)["pattern"]
    rotating: Any = {**args, "rotation": rotation()}
    with pytest.raises(InvalidArgumentError, match="contains '#'"):
        mocks.run(lambda: CrossRegionReplicatedSecret("rot", rotating))
