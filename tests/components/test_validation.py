"""Argument validation: every rule in components/validation.py and the two pure arg parsers.

Bad input must raise InvalidArgumentError (a ValueError) naming the argument path and the rule in
words, before anything is registered; secret values must never reach an error message.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from secretkit.components import validation
from secretkit.components.errors import InvalidArgumentError, Redacted, UnknownArgumentError
from secretkit.components.iam.vpc import VpcScope
from secretkit.components.parameters.secure_parameter_args import (
    parse_policies,
    parse_secure_parameter_args,
)
from secretkit.components.rotation.function_settings import parse_vpc_config
from secretkit.components.secrets.rotating_secret_args import (
    RotationSettings,
    parse_rotating_secret_args,
    parse_rotation,
)

Args = dict[str, Any]

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/app"
OTHER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/other"
ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:role/key-admin"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MRK_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/mrk-1234abcd12ab34cd56ef1234567890ab"
MASTER_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/db/master-AbCdEf"
TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:parameter-events"
SUBNET = "subnet-0123456789abcdef0"
SUBNET_2 = "subnet-0fedcba9876543210"
GROUP = "sg-0123456789abcdef0"
#: A value that must never show up in an error message, however the check fails.
DISTINCTIVE = "hunter2-zebra-quartz-9931"
#: All the characters a generated password could draw from.
EVERY_CLASS = string.ascii_lowercase + string.ascii_uppercase + string.digits + string.punctuation


class _Drop:
    """Marks a key to remove from the base arguments."""


DROP: Any = _Drop()


def _apply(base: Args, changes: Args) -> Args:
    result = dict(base)
    for key, value in changes.items():
        if value is DROP:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def rot(**changes: Any) -> Args:
    """A valid rotation block (password, every 30 days) with changes applied."""
    return _apply({"strategy": "password", "automatically_after_days": 30}, changes)


def sched(expression: Any, **changes: Any) -> Args:
    """A rotation block driven by schedule_expression instead of automatically_after_days."""
    return rot(automatically_after_days=DROP, schedule_expression=expression, **changes)


def rs(**changes: Any) -> Args:
    """Valid RotatingSecretArgs with changes applied."""
    return _apply({"secret_name": "prod/billing/api-key", "rotation": rot()}, changes)


def sp(**changes: Any) -> Args:
    """Valid SecureParameterArgs with changes applied."""
    return _apply({"parameter_name": "/team/app/api-key", "value": "s3cr3t-value"}, changes)


def vpc(**changes: Any) -> Args:
    """A valid vpc_config with changes applied."""
    return _apply({"subnet_ids": [SUBNET], "security_group_ids": [GROUP]}, changes)


def levels(count: int) -> str:
    """A hierarchical parameter name with ``count`` levels."""
    return "/" + "/".join(f"l{index}" for index in range(count))


def assert_rejected(call: Callable[[], object], argument: str, rule: str) -> InvalidArgumentError:
    with pytest.raises(InvalidArgumentError) as caught:
        call()
    error = caught.value
    assert type(error) in (InvalidArgumentError, UnknownArgumentError)
    assert isinstance(error, ValueError)
    assert error.argument == argument
    assert rule in error.rule, error.rule
    message = str(error)
    if isinstance(error, UnknownArgumentError):
        # An argument it does not have: named, never with the value given under it.
        assert message.startswith(f"argument '{argument}' is not ")
    else:
        assert message.startswith(f"argument '{argument}' = ")
    assert rule in message
    return error


# --- RotatingSecret: bad arguments -----------------------------------------------------------

ROTATING_SECRET_BAD = [
    # shape
    pytest.param("prod/app", "args", "must be a dict, not str", id="args-not-dict"),
    pytest.param(rs(secret_name=DROP), "secret_name", "is required", id="secret-name-missing"),
    pytest.param(rs(rotation=DROP), "rotation", "is required", id="rotation-missing"),
    pytest.param(rs(rotation="rate(30 days)"), "rotation", "must be a dict", id="rotation-str"),
    # unknown arguments, with suggestions
    pytest.param(
        {**rs(), "secret_nmae": "x"},
        "secret_nmae",
        "is not an argument; did you mean 'secret_name'?",
        id="unknown-secret_nmae",
    ),
    pytest.param(
        rs(kms_key=KEY_ARN), "kms_key", "did you mean 'kms_key_arn'?", id="unknown-kms_key"
    ),
    pytest.param(rs(reader=["app"]), "reader", "did you mean 'readers'?", id="unknown-reader"),
    pytest.param(
        rs(rotation=rot(stratgy="password")),
        "rotation.stratgy",
        "did you mean 'strategy'?",
        id="unknown-rotation.stratgy",
    ),
    pytest.param(
        rs(rotation=sched("rate(10 days)", schedule_expresion="rate(10 days)")),
        "rotation.schedule_expresion",
        "did you mean 'schedule_expression'?",
        id="unknown-rotation.schedule_expresion",
    ),
    pytest.param(
        rs(password_policy={"lenght": 20}),
        "password_policy.lenght",
        "did you mean 'length'?",
        id="unknown-password_policy.lenght",
    ),
    pytest.param(
        rs(vpc_config={"subnets": [SUBNET], "security_group_ids": [GROUP]}),
        "vpc_config.subnets",
        "did you mean 'subnet_ids'?",
        id="unknown-vpc_config.subnets",
    ),
    # secret names
    pytest.param(rs(secret_name=""), "secret_name", "non-empty string", id="name-empty"),
    pytest.param(rs(secret_name=42), "secret_name", "non-empty string", id="name-int"),
    pytest.param(
        rs(secret_name="prod billing"),
        "secret_name",
        "may only contain letters, digits and / _ + = . @ - (found ' ')",
        id="name-space",
    ),
    pytest.param(
        rs(secret_name="prod#db!"),
        "secret_name",
        "may only contain letters, digits and / _ + = . @ - (found '!#')",
        id="name-hash-bang",
    ),
    pytest.param(
        rs(secret_name="a" * 513),
        "secret_name",
        "must be at most 512 characters, got 513",
        id="name-513",
    ),
    # strategy
    pytest.param(
        rs(rotation=rot(strategy=DROP)), "rotation.strategy", "is required", id="strategy-missing"
    ),
    pytest.param(
        rs(rotation=rot(strategy="Password")),
        "rotation.strategy",
        "must be one of password, postgres-single-user, postgres-multi-user, "
        "mysql-single-user, mysql-multi-user",
        id="strategy-case",
    ),
    pytest.param(
        rs(rotation=rot(strategy="postgres")),
        "rotation.strategy",
        "must be one of",
        id="strategy-unknown",
    ),
    # schedule_expression xor automatically_after_days
    pytest.param(
        rs(rotation=rot(schedule_expression="rate(10 days)")),
        "rotation",
        "give exactly one of schedule_expression and automatically_after_days",
        id="schedule-and-days",
    ),
    pytest.param(
        rs(rotation=rot(automatically_after_days=DROP)),
        "rotation",
        "give exactly one of schedule_expression and automatically_after_days",
        id="schedule-nor-days",
    ),
    # schedule expressions: rate
    pytest.param(
        rs(rotation=sched("rate(3 hours)")),
        "rotation.schedule_expression",
        "rotation interval must be between 4 hours and 1000 days",
        id="rate-3-hours",
    ),
    pytest.param(
        rs(rotation=sched("rate(0 days)")),
        "rotation.schedule_expression",
        "between 4 hours and 1000 days",
        id="rate-0-days",
    ),
    pytest.param(
        rs(rotation=sched("rate(1001 days)")),
        "rotation.schedule_expression",
        "between 4 hours and 1000 days",
        id="rate-1001-days",
    ),
    pytest.param(
        rs(rotation=sched("rate(24001 hours)")),
        "rotation.schedule_expression",
        "between 4 hours and 1000 days",
        id="rate-24001-hours",
    ),
    pytest.param(
        rs(rotation=sched("rate(30 minutes)")),
        "rotation.schedule_expression",
        "must be rate(N hours), rate(N days) or cron(",
        id="rate-minutes",
    ),
    pytest.param(
        rs(rotation=sched("rate(-1 days)")),
        "rotation.schedule_expression",
        "must be rate(N hours), rate(N days) or cron(",
        id="rate-negative",
    ),
    pytest.param(
        rs(rotation=sched("every 30 days")),
        "rotation.schedule_expression",
        "must be rate(N hours), rate(N days) or cron(",
        id="schedule-prose",
    ),
    pytest.param(
        rs(rotation=sched("")),
        "rotation.schedule_expression",
        "must be a non-empty string",
        id="schedule-empty",
    ),
    pytest.param(
        rs(rotation=sched(30)),
        "rotation.schedule_expression",
        "must be a non-empty string",
        id="schedule-int",
    ),
    # schedule expressions: cron
    pytest.param(
        rs(rotation=sched("cron(0 12 * * ?)")),
        "rotation.schedule_expression",
        "cron() takes six fields: minutes hours day-of-month month day-of-week year, got 5",
        id="cron-5-fields",
    ),
    pytest.param(
        rs(rotation=sched("cron(0 0 12 * * ? *)")),
        "rotation.schedule_expression",
        "takes six fields",
        id="cron-7-fields",
    ),
    pytest.param(
        rs(rotation=sched("cron(0 12 * * * *)")),
        "rotation.schedule_expression",
        "exactly one of day-of-month and day-of-week must be '?'",
        id="cron-no-question-mark",
    ),
    pytest.param(
        rs(rotation=sched("cron(0 12 ? * ? *)")),
        "rotation.schedule_expression",
        "exactly one of day-of-month and day-of-week must be '?'",
        id="cron-two-question-marks",
    ),
    pytest.param(
        rs(rotation=sched("cron(0 12 $ * ? *)")),
        "rotation.schedule_expression",
        "the day-of-month field '$' uses '$'; its wildcards are , - * ? / L W",
        id="cron-bad-character",
    ),
    # automatically_after_days
    pytest.param(
        rs(rotation=rot(automatically_after_days=0)),
        "rotation.automatically_after_days",
        "must be between 1 and 1000 days",
        id="days-0",
    ),
    pytest.param(
        rs(rotation=rot(automatically_after_days=1001)),
        "rotation.automatically_after_days",
        "must be between 1 and 1000 days",
        id="days-1001",
    ),
    pytest.param(
        rs(rotation=rot(automatically_after_days=True)),
        "rotation.automatically_after_days",
        "must be a whole number between 1 and 1000 days",
        id="days-bool",
    ),
    pytest.param(
        rs(rotation=rot(automatically_after_days="30")),
        "rotation.automatically_after_days",
        "must be a whole number",
        id="days-str",
    ),
    pytest.param(
        rs(rotation=rot(automatically_after_days=30.5)),
        "rotation.automatically_after_days",
        "must be a whole number",
        id="days-fraction",
    ),
    # duration
    pytest.param(
        rs(rotation=rot(duration="0h")),
        "rotation.duration",
        "must be a window of 1h to 24h, written like '3h'",
        id="duration-0h",
    ),
    pytest.param(
        rs(rotation=rot(duration="25h")),
        "rotation.duration",
        "must be a window of 1h to 24h",
        id="duration-25h",
    ),
    pytest.param(
        rs(rotation=rot(duration="3 h")),
        "rotation.duration",
        "must be a window of 1h to 24h",
        id="duration-space",
    ),
    pytest.param(
        rs(rotation=rot(duration="180m")),
        "rotation.duration",
        "must be a window of 1h to 24h",
        id="duration-minutes",
    ),
    pytest.param(
        rs(rotation=rot(duration=3)),
        "rotation.duration",
        "must be a non-empty string",
        id="duration-int",
    ),
    pytest.param(
        rs(rotation=sched("rate(4 hours)", duration="4h")),
        "rotation.duration",
        "the window must be shorter than the rotation interval (4h)",
        id="duration-equals-rate",
    ),
    pytest.param(
        rs(rotation=sched("rate(6 hours)", duration="8h")),
        "rotation.duration",
        "shorter than the rotation interval (6h)",
        id="duration-longer-than-rate",
    ),
    pytest.param(
        rs(rotation=rot(automatically_after_days=1, duration="24h")),
        "rotation.duration",
        "shorter than the rotation interval (24h)",
        id="duration-equals-one-day",
    ),
    # rotate_immediately
    pytest.param(
        rs(rotation=rot(rotate_immediately="yes")),
        "rotation.rotate_immediately",
        "must be True or False",
        id="rotate-immediately-str",
    ),
    pytest.param(
        rs(rotation=rot(rotate_immediately=1)),
        "rotation.rotate_immediately",
        "must be True or False",
        id="rotate-immediately-int",
    ),
    # master_secret_arn
    pytest.param(
        rs(rotation=rot(strategy="postgres-multi-user")),
        "rotation.master_secret_arn",
        "is required by the postgres-multi-user strategy",
        id="postgres-multi-user-without-master",
    ),
    pytest.param(
        rs(rotation=rot(strategy="mysql-multi-user")),
        "rotation.master_secret_arn",
        "is required by the mysql-multi-user strategy",
        id="mysql-multi-user-without-master",
    ),
    pytest.param(
        rs(rotation=rot(master_secret_arn=MASTER_ARN)),
        "rotation.master_secret_arn",
        "is only used by the alternating-users strategies",
        id="password-with-master",
    ),
    pytest.param(
        rs(rotation=rot(strategy="postgres-single-user", master_secret_arn=MASTER_ARN)),
        "rotation.master_secret_arn",
        "is only used by the alternating-users strategies",
        id="single-user-with-master",
    ),
    pytest.param(
        rs(rotation=rot(strategy="mysql-multi-user", master_secret_arn="prod/db/master")),
        "rotation.master_secret_arn",
        "must be a complete secret ARN",
        id="master-not-an-arn",
    ),
    # kms key
    pytest.param(
        rs(kms_key_arn="alias/billing"),
        "kms_key_arn",
        "not an alias",
        id="kms-alias-name",
    ),
    pytest.param(
        rs(kms_key_arn=f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/billing"),
        "kms_key_arn",
        "not an alias: IAM policies can only scope kms:Decrypt to a key ARN",
        id="kms-alias-arn",
    ),
    pytest.param(
        rs(kms_key_arn="1234abcd-12ab-34cd-56ef-1234567890ab"),
        "kms_key_arn",
        "must be a key ARN: arn:aws:kms:<region>:<account>:key/<key-id>",
        id="kms-bare-key-id",
    ),
    pytest.param(
        rs(kms_key_arn=f"arn:aws:kms:us-east-1:{ACCOUNT}:key/not-a-key-id"),
        "kms_key_arn",
        "must be a key ARN",
        id="kms-bad-key-id",
    ),
    pytest.param(
        rs(kms_key_arn=KEY_ARN, key_administrators=[ADMIN_ARN]),
        "key_administrators",
        "only applies to the key the component creates",
        id="admins-with-existing-key",
    ),
    pytest.param(
        rs(key_administrators=["key-admin"]),
        "key_administrators[0]",
        "must be an IAM role or user ARN",
        id="admin-by-name",
    ),
    # readers
    pytest.param(
        rs(readers=["app", "bad role"]),
        "readers[1]",
        "must be an IAM role name (1-64 of letters, digits, + = , . @ _ -) or a role ARN",
        id="reader-space",
    ),
    pytest.param(
        rs(readers=["r" * 65]), "readers[0]", "must be an IAM role name", id="reader-65-chars"
    ),
    pytest.param(
        rs(readers=[f"arn:aws:iam::{ACCOUNT}:user/bob"]),
        "readers[0]",
        "is an IAM user or group: readers takes roles and accounts; grant a user or group",
        id="reader-user-arn",
    ),
    pytest.param(
        rs(readers=["arn:aws:iam::12345:role/app"]),
        "readers[0]",
        "must be an IAM role ARN",
        id="reader-short-account",
    ),
    pytest.param(rs(readers=["app", ""]), "readers[1]", "non-empty string", id="reader-empty"),
    pytest.param(rs(readers="app"), "readers", "must be a list of strings", id="readers-str"),
    pytest.param(
        rs(readers=["app", "app"]), "readers", "lists 'app' more than once", id="reader-twice"
    ),
    pytest.param(
        rs(readers=["app", ROLE_ARN]),
        "readers",
        "names role 'app' more than once",
        id="reader-by-name-and-arn",
    ),
    pytest.param(
        rs(readers=[ROLE_ARN, f"arn:aws:iam::{ACCOUNT}:role/team/app"]),
        "readers",
        "names role 'app' more than once",
        id="reader-arn-with-path",
    ),
    # initial value
    pytest.param(
        rs(secret_string="x", secret_template={"username": "app"}),
        "secret_template",
        "give secret_string or secret_template, not both",
        id="string-and-template",
    ),
    pytest.param(
        rs(secret_template={"username": "app", "password": DISTINCTIVE}),
        "secret_template.password",
        "the template must not hold a password",
        id="template-with-password",
    ),
    pytest.param(
        rs(secret_template={"db": {"host": "x"}}),
        "secret_template.db",
        "values must be strings, numbers, booleans or None",
        id="template-nested",
    ),
    pytest.param(
        rs(secret_template=["username"]),
        "secret_template",
        "must be a dict",
        id="template-list",
    ),
    pytest.param(
        rs(secret_template={"username": "u" * 65_500}),
        "secret_template",
        "Secrets Manager values are limited to 65536 bytes (64 KB)",
        id="template-too-big-with-password",
    ),
    pytest.param(
        rs(secret_string_version=0),
        "secret_string_version",
        "must be between 1 and 2147483647",
        id="version-0",
    ),
    # password policy
    pytest.param(
        rs(password_policy="strong"), "password_policy", "must be a dict", id="policy-str"
    ),
    pytest.param(
        rs(password_policy={"length": 7}),
        "password_policy.length",
        "must be between 8 and 4096",
        id="password-7",
    ),
    pytest.param(
        rs(password_policy={"length": 4097}),
        "password_policy.length",
        "must be between 8 and 4096",
        id="password-4097",
    ),
    pytest.param(
        rs(password_policy={"length": "32"}),
        "password_policy.length",
        "must be a whole number between 8 and 4096",
        id="password-length-str",
    ),
    pytest.param(
        rs(password_policy={"exclude_characters": EVERY_CLASS}),
        "password_policy.exclude_characters",
        "excludes every usable character",
        id="exclude-everything",
    ),
    pytest.param(
        rs(password_policy={"exclude_characters": "é"}),
        "password_policy.exclude_characters",
        "must be a string of printable ASCII",
        id="exclude-non-ascii",
    ),
    pytest.param(
        rs(password_policy={"exclude_characters": ["/"]}),
        "password_policy.exclude_characters",
        "must be a string of printable ASCII",
        id="exclude-list",
    ),
    # function settings
    pytest.param(
        rs(lambda_runtime="python3.10"),
        "lambda_runtime",
        "must be a Lambda Python runtime python3.11 or newer",
        id="runtime-3.10",
    ),
    pytest.param(
        rs(lambda_runtime="python3.9"), "lambda_runtime", "python3.11 or newer", id="runtime-3.9"
    ),
    pytest.param(
        rs(lambda_runtime="nodejs20.x"), "lambda_runtime", "python3.11 or newer", id="runtime-node"
    ),
    pytest.param(
        rs(lambda_runtime="python3"), "lambda_runtime", "python3.11 or newer", id="runtime-no-minor"
    ),
    pytest.param(
        rs(architecture="x86"), "architecture", "must be 'arm64' or 'x86_64'", id="arch-x86"
    ),
    pytest.param(
        rs(architecture="ARM64"), "architecture", "must be 'arm64' or 'x86_64'", id="arch-case"
    ),
    pytest.param(rs(timeout=0), "timeout", "must be between 1 and 900 s", id="timeout-0"),
    pytest.param(rs(timeout=901), "timeout", "must be between 1 and 900 s", id="timeout-901"),
    pytest.param(rs(timeout=True), "timeout", "must be a whole number", id="timeout-bool"),
    pytest.param(
        rs(memory_size=127), "memory_size", "must be between 128 and 10240 MB", id="memory-127"
    ),
    pytest.param(
        rs(memory_size=10_241), "memory_size", "must be between 128 and 10240 MB", id="memory-big"
    ),
    pytest.param(
        rs(log_retention_days=2),
        "log_retention_days",
        "must be one of CloudWatch's retention periods: 1, 3, 5, 7, 14, 30,",
        id="retention-2",
    ),
    pytest.param(
        rs(log_retention_days=366),
        "log_retention_days",
        "CloudWatch's retention periods",
        id="retention-366",
    ),
    pytest.param(
        rs(log_retention_days=True),
        "log_retention_days",
        "CloudWatch's retention periods",
        id="retention-bool",
    ),
    pytest.param(
        rs(log_retention_days="30"),
        "log_retention_days",
        "CloudWatch's retention periods",
        id="retention-str",
    ),
    pytest.param(
        rs(recovery_window_in_days=5),
        "recovery_window_in_days",
        "must be 0 (delete immediately) or between 7 and 30 days",
        id="recovery-5",
    ),
    pytest.param(
        rs(permissions_boundary_arn="Boundary"),
        "permissions_boundary_arn",
        "must be an IAM policy ARN",
        id="boundary-name",
    ),
    pytest.param(
        rs(description="d" * 2049),
        "description",
        "must be at most 2048 characters, got 2049",
        id="description-too-long",
    ),
    # vpc_config
    pytest.param(rs(vpc_config="vpc-0abc"), "vpc_config", "must be a dict", id="vpc-str"),
    pytest.param(
        rs(vpc_config=vpc(subnet_ids=["subnet-123"])),
        "vpc_config.subnet_ids[0]",
        "must be a subnet id like subnet-0123456789abcdef0",
        id="subnet-short",
    ),
    pytest.param(
        rs(vpc_config=vpc(subnet_ids=[SUBNET, GROUP])),
        "vpc_config.subnet_ids[1]",
        "must be a subnet id",
        id="subnet-is-a-group",
    ),
    pytest.param(
        rs(vpc_config=vpc(security_group_ids=[GROUP, "sg-XYZ12345"])),
        "vpc_config.security_group_ids[1]",
        "must be a security group id like sg-0123456789abcdef0",
        id="group-uppercase",
    ),
    pytest.param(
        rs(vpc_config=vpc(subnet_ids=[])),
        "vpc_config.subnet_ids",
        "must be a non-empty list of ids",
        id="subnets-empty",
    ),
    pytest.param(
        rs(vpc_config=vpc(subnet_ids=SUBNET)),
        "vpc_config.subnet_ids",
        "must be a non-empty list of ids",
        id="subnets-str",
    ),
    pytest.param(
        rs(vpc_config=vpc(security_group_ids=DROP)),
        "vpc_config.security_group_ids",
        "must be a non-empty list of ids",
        id="groups-missing",
    ),
    # tags
    pytest.param(
        rs(tags={"aws:team": "billing"}),
        "tags.aws:team",
        "tag keys starting with 'aws:' are reserved by AWS",
        id="tag-aws-prefix",
    ),
    pytest.param(
        rs(tags={"AWS:Team": "billing"}),
        "tags.AWS:Team",
        "reserved by AWS",
        id="tag-aws-prefix-upper",
    ),
    pytest.param(
        rs(tags={"": "x"}), "tags.", "tag keys are strings of 1 to 128 characters", id="tag-empty"
    ),
    pytest.param(
        rs(tags={"k" * 129: "x"}),
        "tags." + "k" * 129,
        "tag keys are strings of 1 to 128 characters",
        id="tag-key-129",
    ),
    pytest.param(
        rs(tags={"team": "v" * 257}),
        "tags.team",
        "tag values are strings up to 256 chars",
        id="tag-value-257",
    ),
    pytest.param(rs(tags={"team": 7}), "tags.team", "tag values are strings", id="tag-value-int"),
    pytest.param(rs(tags=[("team", "x")]), "tags", "must be a dict", id="tags-list"),
]


@pytest.mark.parametrize(("args", "argument", "rule"), ROTATING_SECRET_BAD)
def test_rotating_secret_rejects(args: Any, argument: str, rule: str) -> None:
    assert_rejected(lambda: parse_rotating_secret_args(args), argument, rule)


def test_unknown_argument_without_close_match_lists_known_ones() -> None:
    error = assert_rejected(
        lambda: parse_rotating_secret_args(rs(zzzz=1)), "zzzz", "is not an argument Known:"
    )
    assert "did you mean" not in error.rule
    assert "Known: alarms, architecture, description, key_administrators" in error.rule
    assert "secret_name" in error.rule


# --- SecureParameter: bad arguments ----------------------------------------------------------

#: The ARN prefix is 45 characters in us-east-1 and 50 in ap-southeast-7, the longest region.
US_EAST_1_LIMIT = 1011 - len("arn:aws:ssm:us-east-1:123456789012:parameter/")
LONGEST_LIMIT = 1011 - len("arn:aws:ssm:ap-southeast-7:123456789012:parameter/")

SECURE_PARAMETER_BAD = [
    pytest.param(["x"], "args", "must be a dict, not list", id="args-list"),
    pytest.param(sp(parameter_name=DROP), "parameter_name", "is required", id="name-missing"),
    pytest.param(sp(value=DROP), "value", "is required", id="value-missing"),
    pytest.param(
        {**sp(), "paramter_name": "/x"},
        "paramter_name",
        "did you mean 'parameter_name'?",
        id="unknown-paramter_name",
    ),
    pytest.param(
        sp(expires="2027-01-01T00:00:00Z"),
        "expires",
        "did you mean 'expires_at'?",
        id="unknown-expires",
    ),
    pytest.param(
        sp(create_key=True),
        "create_key",
        "did you mean 'create_kms_key'?",
        id="unknown-create_key",
    ),
    # parameter names
    pytest.param(sp(parameter_name=""), "parameter_name", "non-empty string", id="name-empty"),
    pytest.param(
        sp(parameter_name="/team/app key"),
        "parameter_name",
        "may only contain a-z A-Z 0-9 _ . - / (found ' ')",
        id="name-space",
    ),
    pytest.param(
        sp(parameter_name="/team/app@key:1"),
        "parameter_name",
        "may only contain a-z A-Z 0-9 _ . - / (found ':@')",
        id="name-at-colon",
    ),
    pytest.param(
        sp(parameter_name="/team/app+key"),
        "parameter_name",
        "may only contain a-z A-Z 0-9 _ . - /",
        id="name-plus",
    ),
    pytest.param(
        sp(parameter_name="team/app/key"),
        "parameter_name",
        "a hierarchical name must start with '/'",
        id="name-hierarchy-without-slash",
    ),
    pytest.param(
        sp(parameter_name="/team//key"),
        "parameter_name",
        "must not contain empty levels ('//') or end with '/'",
        id="name-double-slash",
    ),
    pytest.param(
        sp(parameter_name="/team/app/"),
        "parameter_name",
        "must not contain empty levels ('//') or end with '/'",
        id="name-trailing-slash",
    ),
    pytest.param(
        sp(parameter_name="/"),
        "parameter_name",
        "must not contain empty levels",
        id="name-only-slash",
    ),
    pytest.param(
        sp(parameter_name=levels(16)),
        "parameter_name",
        "has 16 levels; Parameter Store allows at most 15",
        id="name-16-levels",
    ),
    pytest.param(
        sp(parameter_name="/aws/app/key"),
        "parameter_name",
        "must not begin with 'aws' or 'ssm' (any case)",
        id="name-aws",
    ),
    pytest.param(
        sp(parameter_name="/AWS/app/key"),
        "parameter_name",
        "must not begin with 'aws' or 'ssm'",
        id="name-AWS",
    ),
    pytest.param(
        sp(parameter_name="/Ssm/app"),
        "parameter_name",
        "must not begin with 'aws' or 'ssm'",
        id="name-Ssm",
    ),
    pytest.param(
        sp(parameter_name="awsTestParameter"),
        "parameter_name",
        "must not begin with 'aws' or 'ssm'",
        id="name-awsTestParameter",
    ),
    pytest.param(
        sp(parameter_name="SSM-testparameter"),
        "parameter_name",
        "must not begin with 'aws' or 'ssm'",
        id="name-SSM-testparameter",
    ),
    pytest.param(
        sp(parameter_name="/" + "a" * (US_EAST_1_LIMIT + 1)),
        "parameter_name",
        "is 967 characters; with its ARN prefix (45 characters in us-east-1) the name may be at "
        "most 966, since the full ARN is limited to 1011",
        id="name-too-long-for-us-east-1",
    ),
    pytest.param(
        sp(parameter_name="/team/" + "a" * (US_EAST_1_LIMIT - 4)),
        "parameter_name",
        "may be at most 966",
        id="name-too-long-counting-levels",
    ),
    # values and tiers
    pytest.param(sp(value=""), "value", "must not be empty", id="value-empty"),
    pytest.param(
        sp(value=42), "value", "must be a string or a pulumi Output of a string", id="value-int"
    ),
    pytest.param(
        sp(tier="standard"),
        "tier",
        "must be one of auto, Standard, Advanced",
        id="tier-lowercase",
    ),
    pytest.param(sp(tier="Intelligent-Tiering"), "tier", "must be one of", id="tier-intelligent"),
    pytest.param(
        sp(tier="Standard", value="x" * 4097),
        "value",
        "Standard parameters hold at most 4096 bytes (use tier 'Advanced' or 'auto' for up to "
        "8 KB)",
        id="standard-4097",
    ),
    pytest.param(
        sp(tier="Standard", value="é" * 2049),
        "value",
        "Standard parameters hold at most 4096 bytes",
        id="standard-counts-bytes",
    ),
    pytest.param(
        sp(value="x" * 8193),
        "value",
        "Advanced parameters hold at most 8192 bytes",
        id="auto-8193",
    ),
    pytest.param(
        sp(tier="Advanced", value="x" * 8193),
        "value",
        "Advanced parameters hold at most 8192 bytes",
        id="advanced-8193",
    ),
    pytest.param(
        sp(tier="Standard", expires_at="2027-01-01T00:00:00Z"),
        "tier",
        "parameter policies (expires_at, notify_*) need the Advanced tier",
        id="standard-with-expiration",
    ),
    pytest.param(
        sp(tier="Standard", notify_if_unchanged_for="90 days"),
        "tier",
        "need the Advanced tier",
        id="standard-with-no-change-notification",
    ),
    # expires_at
    pytest.param(
        sp(expires_at="2027-01-31T00:00:00"),
        "expires_at",
        "must include a timezone (e.g. 'Z' or '+02:00')",
        id="expires-naive",
    ),
    pytest.param(
        sp(expires_at="2027-01-31"),
        "expires_at",
        "must include a timezone",
        id="expires-date-only",
    ),
    pytest.param(
        sp(expires_at="31/01/2027"),
        "expires_at",
        "must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z",
        id="expires-not-iso",
    ),
    pytest.param(
        sp(expires_at="next tuesday"),
        "expires_at",
        "must be an ISO 8601 timestamp",
        id="expires-prose",
    ),
    pytest.param(
        sp(expires_at=1_800_000_000),
        "expires_at",
        "must be an ISO 8601 timestamp string or a datetime",
        id="expires-epoch",
    ),
    pytest.param(
        sp(expires_at="2026-06-01T11:59:59Z"),
        "expires_at",
        "must be in the future (now is 2026-06-01T12:00:00Z)",
        id="expires-past",
    ),
    pytest.param(
        sp(expires_at="2026-06-01T12:00:00Z"),
        "expires_at",
        "must be in the future",
        id="expires-now",
    ),
    pytest.param(
        sp(expires_at="2026-06-01T14:00:00+02:00"),
        "expires_at",
        "must be in the future",
        id="expires-now-in-other-timezone",
    ),
    pytest.param(
        # A naive datetime: the missing timezone is the point.
        sp(expires_at=datetime(2027, 1, 31)),
        "expires_at",
        "must include a timezone",
        id="expires-naive-datetime",
    ),
    # notifications
    pytest.param(
        sp(notify_before_expiry="15 days"),
        "notify_before_expiry",
        "needs expires_at: it notifies ahead of the expiration",
        id="notify-without-expiry",
    ),
    pytest.param(
        sp(expires_at="2026-06-11T12:00:00Z", notify_before_expiry="15 days"),
        "notify_before_expiry",
        "would fall before now: expires_at is 2026-06-11T12:00:00Z",
        id="notify-before-now",
    ),
    pytest.param(
        sp(expires_at="2026-06-11T12:00:00Z", notify_before_expiry="240 hours"),
        "notify_before_expiry",
        "would fall before now",
        id="notify-exactly-now",
    ),
    pytest.param(
        sp(expires_at="2027-01-01T00:00:00Z", notify_before_expiry="a fortnight"),
        "notify_before_expiry",
        "must be a positive number of days or hours, e.g. '15 days'",
        id="notify-prose",
    ),
    pytest.param(
        sp(expires_at="2027-01-01T00:00:00Z", notify_before_expiry="0 days"),
        "notify_before_expiry",
        "must be a positive number of days or hours",
        id="notify-zero",
    ),
    pytest.param(
        sp(expires_at="2027-01-01T00:00:00Z", notify_before_expiry=15),
        "notify_before_expiry",
        "must be a string like '15 days' or '12 hours'",
        id="notify-int",
    ),
    pytest.param(
        sp(notify_if_unchanged_for="3 months"),
        "notify_if_unchanged_for",
        "must be a positive number of days or hours",
        id="unchanged-months",
    ),
    pytest.param(
        sp(notification_topic_arn=TOPIC_ARN),
        "notification_topic_arn",
        "has nothing to deliver: set expires_at, notify_before_expiry or notify_if_unchanged_for",
        id="topic-without-policies",
    ),
    pytest.param(
        sp(notify_if_unchanged_for="90 days", notification_topic_arn="parameter-events"),
        "notification_topic_arn",
        "must be an SNS topic ARN",
        id="topic-name-not-arn",
    ),
    # keys
    pytest.param(
        sp(kms_key_arn=KEY_ARN, create_kms_key=True),
        "create_kms_key",
        "give kms_key_arn (an existing key) or create_kms_key, not both",
        id="create-key-and-key-arn",
    ),
    pytest.param(
        sp(create_kms_key="yes"), "create_kms_key", "must be True or False", id="create-key-str"
    ),
    pytest.param(
        sp(key_administrators=[ADMIN_ARN]),
        "key_administrators",
        "only applies with create_kms_key=True",
        id="admins-without-create-key",
    ),
    pytest.param(
        sp(kms_key_arn=KEY_ARN, key_administrators=[ADMIN_ARN]),
        "key_administrators",
        "only applies with create_kms_key=True",
        id="admins-with-existing-key",
    ),
    pytest.param(
        sp(create_kms_key=True, key_administrators=[ADMIN_ARN, "admin"]),
        "key_administrators[1]",
        "must be an IAM role or user ARN",
        id="admin-by-name",
    ),
    pytest.param(
        sp(kms_key_arn="alias/aws/ssm"),
        "kms_key_arn",
        "not an alias",
        id="kms-aws-managed-alias",
    ),
    # the rest
    pytest.param(
        sp(readers=[ROLE_ARN, "app"]),
        "readers",
        "names role 'app' more than once",
        id="reader-by-arn-and-name",
    ),
    pytest.param(sp(readers=["app", "team app"]), "readers[1]", "IAM role name", id="reader-space"),
    pytest.param(sp(write_only="no"), "write_only", "must be True or False", id="write-only-str"),
    pytest.param(
        sp(value_version=0), "value_version", "must be between 1 and 2147483647", id="version-0"
    ),
    pytest.param(
        sp(description="d" * 1025),
        "description",
        "must be at most 1024 characters, got 1025",
        id="description-1025",
    ),
    pytest.param(sp(tags={"aws:owner": "me"}), "tags.aws:owner", "reserved by AWS", id="tag-aws"),
]


@pytest.mark.parametrize(("args", "argument", "rule"), SECURE_PARAMETER_BAD)
def test_secure_parameter_rejects(args: Any, argument: str, rule: str) -> None:
    assert_rejected(
        lambda: parse_secure_parameter_args(args, region="us-east-1", now=NOW), argument, rule
    )


# --- the checks called directly --------------------------------------------------------------

DIRECT_BAD = [
    pytest.param(
        lambda: validation.parameter_name("parameter_name", "/" + "a" * (LONGEST_LIMIT + 1)),
        "parameter_name",
        "is 962 characters; with its ARN prefix (50 characters in the longest region) the name "
        "may be at most 961",
        id="parameter-name-unknown-region-assumes-longest",
    ),
    pytest.param(
        lambda: validation.parameter_name(
            "parameter_name", "a" * (LONGEST_LIMIT + 1), "ap-southeast-7"
        ),
        "parameter_name",
        "(50 characters in ap-southeast-7) the name may be at most 961",
        id="parameter-name-ap-southeast-7",
    ),
    pytest.param(
        lambda: parse_rotation(None), "rotation", "must be a dict, not NoneType", id="rotation-none"
    ),
    pytest.param(
        lambda: parse_rotation(sched("cron(0 12 * * ?)")),
        "rotation.schedule_expression",
        "takes six fields",
        id="parse-rotation-cron",
    ),
    pytest.param(
        lambda: parse_vpc_config("vpc_config", vpc(security_group_ids=["sg-1"])),
        "vpc_config.security_group_ids[0]",
        "must be a security group id",
        id="parse-vpc-short-group",
    ),
    pytest.param(
        lambda: parse_vpc_config("vpc_config", vpc(route_table_ids=["rtb-0123456789abcdef0"])),
        "vpc_config.route_table_ids",
        "is not a key of 'vpc_config' Known: security_group_ids, subnet_ids",
        id="parse-vpc-unknown-key",
    ),
    pytest.param(
        lambda: parse_policies({"expires_at": "2026-05-01T00:00:00Z"}, NOW),
        "expires_at",
        "must be in the future",
        id="parse-policies-past",
    ),
    pytest.param(
        lambda: validation.future_timestamp(
            "expires_at", datetime(2026, 6, 1, 13, 59, tzinfo=timezone(timedelta(hours=2))), NOW
        ),
        "expires_at",
        "must be in the future",
        id="aware-datetime-in-the-past",
    ),
    pytest.param(
        lambda: validation.period("notify_before_expiry", "15 Days"),
        "notify_before_expiry",
        "positive number of days or hours",
        id="period-capitalised",
    ),
    pytest.param(
        lambda: validation.recovery_window_in_days("recovery_window_in_days", 31),
        "recovery_window_in_days",
        "between 7 and 30 days",
        id="recovery-31",
    ),
    pytest.param(
        lambda: validation.principal_arn("key_administrators[0]", f"arn:aws:iam::{ACCOUNT}:root"),
        "key_administrators[0]",
        "must be an IAM role or user ARN",
        id="principal-root",
    ),
    pytest.param(
        lambda: validation.require_string_list("readers", [], allow_empty=False),
        "readers",
        "must not be empty",
        id="string-list-empty",
    ),
]


@pytest.mark.parametrize(("call", "argument", "rule"), DIRECT_BAD)
def test_check_rejects(call: Callable[[], object], argument: str, rule: str) -> None:
    assert_rejected(call, argument, rule)


def test_there_are_plenty_of_bad_inputs() -> None:
    assert len(ROTATING_SECRET_BAD) + len(SECURE_PARAMETER_BAD) + len(DIRECT_BAD) >= 40


# --- bugs found while writing these tests ----------------------------------------------------


def test_unhashable_strategy_is_rejected_as_invalid_argument() -> None:
    assert_rejected(
        lambda: parse_rotating_secret_args(rs(rotation=rot(strategy=["password"]))),
        "rotation.strategy",
        "must be one of",
    )


def test_non_string_argument_name_is_rejected_as_invalid_argument() -> None:
    args: dict[Any, Any] = {**sp(), 1: "x"}
    assert_rejected(
        lambda: parse_secure_parameter_args(args, region="us-east-1", now=NOW),
        "1",
        "is not an argument",
    )


# --- secret values never reach an error --------------------------------------------------------


def _secret_value(size: int) -> str:
    return (DISTINCTIVE * (size // len(DISTINCTIVE) + 1))[:size]


def assert_redacted(error: InvalidArgumentError, size: int | None) -> None:
    assert isinstance(error.value, Redacted)
    assert error.value.size_bytes == size
    for text in (str(error), repr(error), error.rule, repr(error.value), repr(error.args)):
        assert DISTINCTIVE not in text
        assert "hunter2" not in text
    expected = "<secret value>" if size is None else f"<secret value of {size} bytes>"
    assert expected in str(error)


def test_oversized_secret_string_is_reported_by_size_only() -> None:
    value = _secret_value(65_537)
    error = assert_rejected(
        lambda: parse_rotating_secret_args(rs(secret_string=value)),
        "secret_string",
        "Secrets Manager values are limited to 65536 bytes (64 KB)",
    )
    assert_redacted(error, 65_537)


def test_secret_string_limit_counts_utf8_bytes() -> None:
    value = DISTINCTIVE + "é" * 32_760  # 25 + 65520 bytes, far fewer characters
    error = assert_rejected(
        lambda: parse_rotating_secret_args(rs(secret_string=value)),
        "secret_string",
        "65536 bytes",
    )
    assert_redacted(error, 65_545)


def test_secret_string_of_exactly_64_kb_is_accepted() -> None:
    value = _secret_value(65_536)
    settings = parse_rotating_secret_args(rs(secret_string=value))
    assert settings.secret_string == value


def test_non_string_secret_string_is_redacted() -> None:
    error = assert_rejected(
        lambda: parse_rotating_secret_args(rs(secret_string=DISTINCTIVE.encode())),
        "secret_string",
        "must be a string or a pulumi Output of a string",
    )
    assert_redacted(error, None)


def test_password_in_template_is_redacted() -> None:
    error = assert_rejected(
        lambda: parse_rotating_secret_args(rs(secret_template={"password": DISTINCTIVE})),
        "secret_template.password",
        "must not hold a password",
    )
    assert_redacted(error, None)


@pytest.mark.parametrize(
    ("tier", "size", "rule"),
    [
        ("Standard", 4_097, "Standard parameters hold at most 4096 bytes"),
        ("Advanced", 8_193, "Advanced parameters hold at most 8192 bytes"),
        ("auto", 9_000, "Advanced parameters hold at most 8192 bytes"),
    ],
)
def test_oversized_parameter_value_is_reported_by_size_only(
    tier: str, size: int, rule: str
) -> None:
    value = _secret_value(size)
    error = assert_rejected(
        lambda: parse_secure_parameter_args(sp(value=value, tier=tier), now=NOW), "value", rule
    )
    assert_redacted(error, size)


def test_non_string_parameter_value_is_redacted() -> None:
    error = assert_rejected(
        lambda: parse_secure_parameter_args(sp(value=[DISTINCTIVE]), now=NOW),
        "value",
        "must be a string or a pulumi Output",
    )
    assert_redacted(error, None)


def test_located_error_keeps_argument_and_prefixes_component() -> None:
    error = InvalidArgumentError("rotation.duration", "25h", "must be a window of 1h to 24h")
    located = error.located("RotatingSecret 'db'")
    assert located.argument == "rotation.duration"
    assert located.value == "25h"
    assert str(located) == (
        "RotatingSecret 'db': argument 'rotation.duration' = '25h' is invalid: "
        "must be a window of 1h to 24h"
    )
    assert located.located("somewhere else") is located


# --- RotatingSecret: good arguments --------------------------------------------------------------


def test_minimal_rotating_secret_gets_defaults() -> None:
    settings = parse_rotating_secret_args(rs())
    assert settings.secret_name == "prod/billing/api-key"
    assert settings.rotation == RotationSettings(
        strategy="password",
        schedule_expression=None,
        automatically_after_days=30,
        duration=None,
        rotate_immediately=True,
        master_secret_arn=None,
    )
    assert settings.function.runtime == "python3.13"
    assert settings.function.architecture == "arm64"
    assert settings.function.timeout == 30
    assert settings.function.memory_size == 128
    assert settings.function.log_retention_days == 30
    assert settings.function.password_length == 32
    assert settings.function.exclude_characters == "/@\"'\\"
    assert settings.recovery_window_in_days == 30
    assert settings.secret_string_version == 1
    assert settings.kms_key_arn is None
    assert settings.key_administrators == []
    assert settings.secret_string is None
    assert settings.secret_template is None
    assert settings.readers == []
    assert settings.function.vpc is None
    assert settings.function.permissions_boundary_arn is None
    assert settings.description is None
    assert settings.tags == {}
    assert settings.warnings == []


def test_every_rotating_secret_argument_is_carried_through() -> None:
    settings = parse_rotating_secret_args(
        rs(
            rotation=sched("cron(0 16 1,15 * ? *)", duration="3h", rotate_immediately=False),
            description="Billing API key",
            kms_key_arn=MRK_ARN,
            secret_template={"username": "billing", "port": 5432, "ssl": True, "host": None},
            secret_string_version=3,
            readers=["app", OTHER_ROLE_ARN],
            recovery_window_in_days=0,
            lambda_runtime="python3.11",
            architecture="x86_64",
            timeout=900,
            memory_size=10_240,
            vpc_config=vpc(subnet_ids=(SUBNET, SUBNET_2)),
            permissions_boundary_arn=f"arn:aws:iam::{ACCOUNT}:policy/boundaries/Standard",
            password_policy={"length": 64, "exclude_characters": "abc"},
            log_retention_days=3653,
            tags={"team": "billing", "cost-center": ""},
        )
    )
    assert settings.rotation == RotationSettings(
        strategy="password",
        schedule_expression="cron(0 16 1,15 * ? *)",
        automatically_after_days=None,
        duration="3h",
        rotate_immediately=False,
        master_secret_arn=None,
    )
    assert settings.description == "Billing API key"
    assert settings.kms_key_arn == MRK_ARN
    assert settings.secret_template == {
        "username": "billing",
        "port": 5432,
        "ssl": True,
        "host": None,
    }
    assert settings.secret_string_version == 3
    assert settings.readers == ["app", OTHER_ROLE_ARN]
    assert settings.recovery_window_in_days == 0
    assert (settings.function.runtime, settings.function.architecture) == ("python3.11", "x86_64")
    assert (settings.function.timeout, settings.function.memory_size) == (900, 10_240)
    assert settings.function.vpc == VpcScope(
        subnet_ids=[SUBNET, SUBNET_2], security_group_ids=[GROUP]
    )
    assert (
        settings.function.permissions_boundary_arn
        == f"arn:aws:iam::{ACCOUNT}:policy/boundaries/Standard"
    )
    assert (settings.function.password_length, settings.function.exclude_characters) == (64, "abc")
    assert settings.function.log_retention_days == 3653
    assert settings.tags == {"team": "billing", "cost-center": ""}


def test_key_administrators_for_the_created_key() -> None:
    user = f"arn:aws:iam::{ACCOUNT}:user/ops/alice"
    settings = parse_rotating_secret_args(rs(key_administrators=[ADMIN_ARN, user]))
    assert settings.key_administrators == [ADMIN_ARN, user]
    assert settings.kms_key_arn is None


@pytest.mark.parametrize("strategy", ["postgres-multi-user", "mysql-multi-user"])
def test_multi_user_strategy_with_master_secret(strategy: str) -> None:
    rotation = parse_rotation(rot(strategy=strategy, master_secret_arn=MASTER_ARN))
    assert rotation.strategy == strategy
    assert rotation.master_secret_arn == MASTER_ARN


@pytest.mark.parametrize("strategy", ["password", "postgres-single-user", "mysql-single-user"])
def test_single_user_strategies_need_no_master_secret(strategy: str) -> None:
    assert parse_rotation(rot(strategy=strategy)).master_secret_arn is None


@pytest.mark.parametrize(
    "expression",
    [
        "rate(4 hours)",
        "rate(1 day)",
        "rate(10 days)",
        "rate(1000 days)",
        "rate(24000 hours)",
        "cron(0 16 1,15 * ? *)",
        "cron(0 8 ? * MON-FRI *)",
        "cron(0 0 L * ? *)",
        "cron(0 10 ? * 6#3 *)",
        "cron(0 */6 * * ? *)",
        "cron(0 4/12 * * ? *)",
        "cron(0 22-2/4 ? * SAT-MON *)",
    ],
)
def test_valid_schedule_expressions(expression: str) -> None:
    rotation = parse_rotation(sched(expression))
    assert rotation.schedule_expression == expression
    assert rotation.automatically_after_days is None


@pytest.mark.parametrize(
    ("expression", "hours"),
    [
        ("rate(4 hours)", 4),
        ("rate(1 day)", 24),
        ("rate(10 days)", 240),
        ("cron(0 16 1,15 * ? *)", None),
    ],
)
def test_rate_interval_hours(expression: str, hours: int | None) -> None:
    assert validation.rate_interval_hours(expression) == hours


@pytest.mark.parametrize(
    ("rotation", "duration"),
    [
        (sched("rate(4 hours)", duration="3h"), "3h"),
        (sched("rate(1 day)", duration="23h"), "23h"),
        (rot(automatically_after_days=2, duration="24h"), "24h"),
        (rot(automatically_after_days=1, duration="1h"), "1h"),
        # cron(): shorter than the closest runs, ending by midnight UTC
        (sched("cron(0 0 * * ? *)", duration="23h"), "23h"),
        (sched("cron(0 4/12 * * ? *)", duration="8h"), "8h"),
    ],
)
def test_valid_durations(rotation: Args, duration: str) -> None:
    assert parse_rotation(rotation).duration == duration


@pytest.mark.parametrize("days", [1, 1000])
def test_automatically_after_days_bounds(days: int) -> None:
    assert parse_rotation(rot(automatically_after_days=days)).automatically_after_days == days


def test_parse_vpc_config_accepts_tuples_and_returns_lists() -> None:
    scope = parse_vpc_config(
        "vpc_config", {"subnet_ids": (SUBNET, "subnet-01234567"), "security_group_ids": [GROUP]}
    )
    assert scope == VpcScope(subnet_ids=[SUBNET, "subnet-01234567"], security_group_ids=[GROUP])


@pytest.mark.parametrize(
    "name", ["a", "prod/billing/api-key", "a/b_c+d=e.f@g-h", "A" * 512, "/leading/slash"]
)
def test_valid_secret_names(name: str) -> None:
    assert parse_rotating_secret_args(rs(secret_name=name)).secret_name == name


@pytest.mark.parametrize(
    ("name", "warns"),
    [
        ("prod/db-AbC123", True),
        ("prod/db-abcdef", True),
        ("prod/db-123456", True),
        ("prod/db-abcde", False),
        ("prod/db-password", False),
        ("prod/db_AbC123", False),
        ("prod/db-AbC12_", False),
        ("prod/billing/api-key", False),
    ],
)
def test_secret_name_warnings(name: str, warns: bool) -> None:
    warnings = validation.secret_name_warnings(name)
    assert parse_rotating_secret_args(rs(secret_name=name)).warnings == warnings
    if warns:
        assert len(warnings) == 1
        assert repr(name) in warnings[0]
        assert "six characters" in warnings[0]
    else:
        assert warnings == []


@pytest.mark.parametrize("runtime", ["python3.11", "python3.12", "python3.13", "python3.14"])
def test_valid_runtimes(runtime: str) -> None:
    assert parse_rotating_secret_args(rs(lambda_runtime=runtime)).function.runtime == runtime


@pytest.mark.parametrize("days", validation.LOG_RETENTION_DAYS)
def test_every_cloudwatch_retention_period_is_accepted(days: int) -> None:
    assert (
        parse_rotating_secret_args(rs(log_retention_days=days)).function.log_retention_days == days
    )


@pytest.mark.parametrize(
    ("policy", "length", "excluded"),
    [
        ({"length": 8}, 8, "/@\"'\\"),
        ({"length": 4096}, 4096, "/@\"'\\"),
        ({"exclude_characters": ""}, 32, ""),
        # only digits remain: still a usable alphabet
        ({"exclude_characters": EVERY_CLASS.replace(string.digits, "")}, 32, None),
    ],
)
def test_valid_password_policies(policy: Args, length: int, excluded: str | None) -> None:
    settings = parse_rotating_secret_args(rs(password_policy=policy))
    assert settings.function.password_length == length
    assert settings.function.exclude_characters == (
        excluded if excluded is not None else policy["exclude_characters"]
    )


@pytest.mark.parametrize("window", [0, 7, 30])
def test_valid_recovery_windows(window: int) -> None:
    settings = parse_rotating_secret_args(rs(recovery_window_in_days=window))
    assert settings.recovery_window_in_days == window


def test_whole_floats_are_whole_numbers() -> None:
    """JSON, YAML and Pulumi's wire format send 30 as 30.0 (a program in another language, through
    the package in provider/); the settings carry ints."""
    settings = parse_rotating_secret_args(
        rs(
            rotation=rot(automatically_after_days=30.0),
            recovery_window_in_days=7.0,
            secret_string_version=2.0,
            timeout=60.0,
            memory_size=256.0,
            log_retention_days=14.0,
            password_policy={"length": 40.0},
        )
    )
    values = (
        settings.rotation.automatically_after_days if settings.rotation else None,
        settings.recovery_window_in_days,
        settings.secret_string_version,
        settings.function.timeout,
        settings.function.memory_size,
        settings.function.log_retention_days,
        settings.function.password_length,
    )
    assert values == (30, 7, 2, 60, 256, 14, 40)
    assert all(type(value) is int for value in values)


@pytest.mark.parametrize(
    "role",
    [
        "app",
        "a" * 64,
        "svc+role=x,y.z@team_1-2",
        ROLE_ARN,
        f"arn:aws:iam::{ACCOUNT}:role/service-role/team/app",
        f"arn:aws-us-gov:iam::{ACCOUNT}:role/app",
    ],
)
def test_valid_role_references(role: str) -> None:
    assert parse_rotating_secret_args(rs(readers=[role])).readers == [role]


@pytest.mark.parametrize(
    ("ref", "name"),
    [
        ("app", "app"),
        (ROLE_ARN, "app"),
        (f"arn:aws:iam::{ACCOUNT}:role/service-role/team/app", "app"),
    ],
)
def test_role_name_from_reference(ref: str, name: str) -> None:
    assert validation.role_name_from_reference(ref) == name


@pytest.mark.parametrize(
    "arn", [KEY_ARN, MRK_ARN, f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:key/{KEY_ARN[-36:]}"]
)
def test_valid_kms_key_arns(arn: str) -> None:
    assert validation.kms_key_arn("kms_key_arn", arn) == arn


# --- SecureParameter: good arguments -------------------------------------------------------------


def test_minimal_secure_parameter_gets_defaults() -> None:
    settings = parse_secure_parameter_args(sp(), region="us-east-1", now=NOW)
    assert settings.parameter_name == "/team/app/api-key"
    assert settings.value == "s3cr3t-value"
    assert settings.value_size == 12
    assert settings.requested_tier == "auto"
    assert settings.tier == "Standard"
    assert settings.kms_key_arn is None
    assert settings.create_kms_key is False
    assert settings.key_administrators == []
    assert settings.write_only is True
    assert settings.value_version == 1
    assert settings.policies == []
    assert settings.policies_json == "[]"
    assert settings.notify is False
    assert settings.notification_topic_arn is None
    assert settings.readers == []
    assert settings.description is None
    assert settings.tags == {}


@pytest.mark.parametrize(
    ("changes", "tier"),
    [
        ({"value": "x" * 4096}, "Standard"),
        ({"value": "x" * 4097}, "Advanced"),
        ({"value": "é" * 2048}, "Standard"),
        ({"value": "é" * 2049}, "Advanced"),
        ({"value": "x" * 8192}, "Advanced"),
        ({"expires_at": "2027-01-01T00:00:00Z"}, "Advanced"),
        ({"notify_if_unchanged_for": "90 days"}, "Advanced"),
        ({"tier": "Advanced"}, "Advanced"),
        ({"tier": "Standard", "value": "x" * 4096}, "Standard"),
    ],
)
def test_tier_resolution(changes: Args, tier: str) -> None:
    settings = parse_secure_parameter_args(sp(**changes), now=NOW)
    assert settings.tier == tier
    assert settings.requested_tier == changes.get("tier", "auto")


def test_value_size_is_counted_in_bytes() -> None:
    assert parse_secure_parameter_args(sp(value="é" * 10), now=NOW).value_size == 20


def test_policies_become_parameter_store_policy_documents() -> None:
    settings = parse_secure_parameter_args(
        sp(
            expires_at="2027-01-31T02:00:00+02:00",
            notify_before_expiry="15 days",
            notify_if_unchanged_for="12 hours",
        ),
        now=NOW,
    )
    assert settings.tier == "Advanced"
    assert settings.notify is True
    assert settings.notification_topic_arn is None
    assert settings.policies == [
        {
            "Type": "Expiration",
            "Version": "1.0",
            "Attributes": {"Timestamp": "2027-01-31T00:00:00.000Z"},
        },
        {
            "Type": "ExpirationNotification",
            "Version": "1.0",
            "Attributes": {"Before": "15", "Unit": "Days"},
        },
        {
            "Type": "NoChangeNotification",
            "Version": "1.0",
            "Attributes": {"After": "12", "Unit": "Hours"},
        },
    ]
    assert settings.policies_json == (
        '[{"Attributes":{"Timestamp":"2027-01-31T00:00:00.000Z"},"Type":"Expiration",'
        '"Version":"1.0"},{"Attributes":{"Before":"15","Unit":"Days"},'
        '"Type":"ExpirationNotification","Version":"1.0"},{"Attributes":{"After":"12",'
        '"Unit":"Hours"},"Type":"NoChangeNotification","Version":"1.0"}]'
    )


def test_expiration_alone_does_not_notify() -> None:
    settings = parse_secure_parameter_args(sp(expires_at="2027-01-01T00:00:00Z"), now=NOW)
    assert [p["Type"] for p in settings.policies] == ["Expiration"]
    assert settings.notify is False


def test_topic_with_policies_is_used() -> None:
    settings = parse_secure_parameter_args(
        sp(expires_at="2027-01-01T00:00:00Z", notification_topic_arn=TOPIC_ARN), now=NOW
    )
    assert settings.notify is True
    assert settings.notification_topic_arn == TOPIC_ARN


def test_parse_policies_uses_the_given_now() -> None:
    # An hour after NOW is in the future for NOW, whatever the wall clock says.
    policies = parse_policies(
        {"expires_at": "2026-06-01T13:00:00Z", "notify_before_expiry": "1 hour"},
        datetime(2026, 6, 1, 11, 59, tzinfo=UTC),
    )
    assert policies == [
        {
            "Type": "Expiration",
            "Version": "1.0",
            "Attributes": {"Timestamp": "2026-06-01T13:00:00.000Z"},
        },
        {
            "Type": "ExpirationNotification",
            "Version": "1.0",
            "Attributes": {"Before": "1", "Unit": "Hours"},
        },
    ]


def test_parse_policies_with_nothing_set() -> None:
    assert parse_policies({"expires_at": None, "notify_if_unchanged_for": None}, NOW) == []


def test_notification_just_after_now_is_accepted() -> None:
    policies = parse_policies(
        {"expires_at": "2026-06-11T12:00:01Z", "notify_before_expiry": "10 days"}, NOW
    )
    assert policies[1]["Attributes"] == {"Before": "10", "Unit": "Days"}


def test_created_key_with_administrators() -> None:
    settings = parse_secure_parameter_args(
        sp(create_kms_key=True, key_administrators=[ADMIN_ARN]), now=NOW
    )
    assert settings.create_kms_key is True
    assert settings.key_administrators == [ADMIN_ARN]
    assert settings.kms_key_arn is None


def test_existing_key_and_the_rest() -> None:
    settings = parse_secure_parameter_args(
        sp(
            kms_key_arn=KEY_ARN,
            description="API key",
            write_only=False,
            value_version=4,
            readers=["app", OTHER_ROLE_ARN],
            tags={"team": "app"},
        ),
        now=NOW,
    )
    assert settings.kms_key_arn == KEY_ARN
    assert settings.create_kms_key is False
    assert settings.description == "API key"
    assert settings.write_only is False
    assert settings.value_version == 4
    assert settings.readers == ["app", OTHER_ROLE_ARN]
    assert settings.tags == {"team": "app"}


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("api-key", None),
        ("/team/app/api-key", None),
        ("/a/b_c.d-e/F9", None),
        ("my.aws.param", None),
        ("/team/aws/ssm", None),
        ("/Team/App/Key", None),
        (levels(15), None),
        ("/" + "a" * US_EAST_1_LIMIT, "us-east-1"),
        ("a" * US_EAST_1_LIMIT, "us-east-1"),
        ("/" + "a" * LONGEST_LIMIT, None),
        ("/" + "a" * LONGEST_LIMIT, "ap-southeast-7"),
    ],
)
def test_valid_parameter_names(name: str, region: str | None) -> None:
    settings = parse_secure_parameter_args(sp(parameter_name=name), region=region, now=NOW)
    assert settings.parameter_name == name


def test_longest_name_for_us_east_1_is_too_long_when_region_is_unknown() -> None:
    name = "/" + "a" * US_EAST_1_LIMIT
    assert validation.parameter_name("parameter_name", name, "us-east-1") == name
    assert_rejected(
        lambda: validation.parameter_name("parameter_name", name),
        "parameter_name",
        "since the full ARN is limited to 1011",
    )


# --- time and periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-01-31T00:00:00Z", datetime(2027, 1, 31, tzinfo=UTC)),
        ("2027-01-31T02:00:00+02:00", datetime(2027, 1, 31, tzinfo=UTC)),
        ("2027-01-30T19:00:00-05:00", datetime(2027, 1, 31, tzinfo=UTC)),
        ("2026-06-01T14:00:01+02:00", datetime(2026, 6, 1, 12, 0, 1, tzinfo=UTC)),
        (
            datetime(2027, 1, 31, 1, tzinfo=timezone(timedelta(hours=1))),
            datetime(2027, 1, 31, tzinfo=UTC),
        ),
    ],
)
def test_future_timestamp_returns_utc(value: str | datetime, expected: datetime) -> None:
    moment = validation.future_timestamp("expires_at", value, NOW)
    assert moment == expected
    assert moment.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 days", (15, "Days")),
        ("1 day", (1, "Days")),
        ("12 hours", (12, "Hours")),
        ("1 hour", (1, "Hours")),
        ("12hours", (12, "Hours")),
        (" 30 days ", (30, "Days")),
    ],
)
def test_period(text: str, expected: tuple[int, str]) -> None:
    assert validation.period("notify_if_unchanged_for", text) == expected


def test_period_as_timedelta() -> None:
    assert validation.period_as_timedelta(15, "Days") == timedelta(days=15)
    assert validation.period_as_timedelta(12, "Hours") == timedelta(hours=12)


# --- small checks ------------------------------------------------------------------------------


def test_tags_are_copied() -> None:
    given = {"team": "billing"}
    result = validation.tags("tags", given)
    assert result == given
    assert result is not given


def test_utf8_size() -> None:
    assert validation.utf8_size("abc") == 3
    assert validation.utf8_size("é") == 2
    assert validation.utf8_size("🔑") == 4
