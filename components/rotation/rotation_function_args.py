"""RotationFunction's arguments: the TypedDict users write and the pure check that reads them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Required

import pulumi

from secretkit.components import validation
from secretkit.components.key_args import POLICY_EDITING, given_or_created_key, parse_policy_editing
from secretkit.components.rotation.alarm_args import AlarmArgs, AlarmSettings, parse_alarms
from secretkit.components.rotation.code_args import parse_code, parse_master, parse_tls
from secretkit.components.rotation.function_code import code_environment_bounds
from secretkit.components.rotation.function_settings import (
    FUNCTION_ARGUMENTS,
    FunctionArgs,
    FunctionSettings,
    check_environment,
    parse_function_settings,
)


class RotationFunctionArgs(FunctionArgs, total=False):
    """Arguments of RotationFunction: one rotation Lambda for many secrets of one strategy.

    How it runs (runtime, size, VPC, role boundary, log retention, and the password policy,
    which members' initial values follow too) comes from FunctionArgs.
    """

    strategy: Required[str]
    """The rotation strategy every member secret uses ('password', 'postgres-single-user', ...)."""
    secret_names: Sequence[str]
    """Optional allow-list: when given, only RotatingSecrets with one of these names may join
    (a typo fails the program instead of creating a secret nobody meant to share the function).
    Either way the role can touch only the secrets that joined: each carries a resource policy
    naming the role."""
    kms_key_arn: pulumi.Input[str]
    """The CMK every member secret is encrypted with; when absent the function creates one
    ($1/month for all members together)."""
    key_administrators: Sequence[pulumi.Input[str]]
    """Role or user ARNs that may administer (never use) the created key; an ARN may be another
    resource's output (checked once known)."""
    key_administrators_can_edit_policy: bool
    """Let key_administrators also edit the created key's policy (kms:PutKeyPolicy), and so
    grant anyone, themselves included, use of the key. Default False: they manage the key but
    can neither use it nor change who may."""
    master_secret_arn: str
    """Alternating-users strategies: the master secret the function logs in with."""
    master_secret_kms_key_arn: str
    """The CMK encrypting the master secret, if not aws/secretsmanager."""
    ca_bundle_path: str
    """Database strategies: a PEM bundle of CAs shipped with the function."""
    tls: str
    """Database strategies (and 'custom'): the TLS mode every member's rotation insists on,
    'require' (default), 'verify' or 'from-secret'; as RotatingSecret's rotation.tls."""
    handler_module: str
    """With strategy 'custom': your handler module."""
    environment: Mapping[str, pulumi.Input[str]]
    """Extra environment variables for the function (not for secrets)."""
    tags: Mapping[str, str]
    """Tags on every taggable resource the function creates."""
    alarms: AlarmArgs
    """Rotation alarms, on by default: a CloudWatch alarm on the function's Errors publishing to
    an SNS topic the function creates, which its members' rules (on their RotationFailed and
    RotationAbandoned events) publish to as well. {'topic_arn': ...} publishes to your topic;
    {'enabled': False} creates none (in Python, False does too); members then create their own
    topic unless they opt out too. See AlarmArgs."""


@dataclass(frozen=True)
class SharedFunctionSettings:
    """RotationFunctionArgs after every check, with defaults filled in."""

    strategy: str
    secret_names: tuple[str, ...] | None
    """The allow-list of member names, or None for any RotatingSecret that joins."""
    kms_key_arn: pulumi.Input[str] | None
    key_administrators: list[pulumi.Input[str]]
    master_secret_arn: str | None
    master_secret_kms_key_arn: str | None
    ca_bundle_path: str | None
    handler_module: str | None
    function: FunctionSettings
    tags: dict[str, str] = field(default_factory=dict)
    key_administrators_can_edit_policy: bool = False
    tls: str | None = None
    """The TLS_MODE the function is given (always set for the database strategies)."""
    alarms: AlarmSettings | None = None
    """The function's rotation alarms (None: none)."""


ARGUMENTS = tuple(RotationFunctionArgs.__annotations__)


def _secret_names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not value:
        raise validation.fail("secret_names", value, "must be a non-empty list of secret names")
    names = tuple(validation.secret_name(f"secret_names[{i}]", v) for i, v in enumerate(value))
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise validation.fail(f"secret_names[{index}]", name, "is listed twice")
        seen.add(name)
    return names


def parse_rotation_function_args(args: Any) -> SharedFunctionSettings:
    """Every check RotationFunction makes before registering anything."""
    given = validation.require_mapping("args", args)
    validation.reject_unknown_keys("", given, ARGUMENTS)
    if "strategy" not in given:
        raise validation.fail("strategy", None, "is required")
    strategy = validation.strategy("strategy", given["strategy"])
    names = _secret_names(given["secret_names"]) if "secret_names" in given else None
    master, master_key = parse_master(strategy, given, "")
    module, ca_bundle = parse_code(strategy, given, "")

    kms_key_arn, administrators = given_or_created_key(given, "function")
    settings = SharedFunctionSettings(
        strategy=strategy,
        secret_names=names,
        kms_key_arn=kms_key_arn,
        key_administrators=administrators,
        master_secret_arn=master,
        master_secret_kms_key_arn=master_key,
        ca_bundle_path=ca_bundle,
        handler_module=module,
        function=parse_function_settings(given, environment=given.get("environment")),
        tags=validation.tags("tags", given.get("tags", {})),
        key_administrators_can_edit_policy=parse_policy_editing(given, administrators),
        tls=parse_tls(strategy, given, ""),
        alarms=parse_alarms(given.get("alarms")),
    )
    check_environment("environment", settings.function, code_environment_bounds(settings))
    return settings


#: Arguments of a member RotatingSecret that belong to its shared function instead.
FUNCTION_OWNED_ARGUMENTS = (
    *FUNCTION_ARGUMENTS,
    "kms_key_arn",
    "key_administrators",
    POLICY_EDITING,
)
#: Keys of a member's rotation block that belong to its shared function instead.
FUNCTION_OWNED_ROTATION_KEYS = (
    "master_secret_arn",
    "master_secret_kms_key_arn",
    "ca_bundle_path",
    "tls",
    "handler_module",
    "environment",
)
