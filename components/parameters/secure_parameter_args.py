"""SecureParameter's arguments: the TypedDict users write and the pure check that reads them."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Required, TypedDict

import pulumi

from secretkit.components import limits, parameter_policies, validation
from secretkit.components.errors import Redacted
from secretkit.components.iam.foreign_readers import ReaderRef, parse_readers
from secretkit.components.key_args import given_key_arn, key_administrators, parse_policy_editing
from secretkit.components.rotation.function_settings import (
    FunctionSettings,
    PasswordPolicyArgs,
    check_environment,
    parse_function_settings,
)

#: The AWS managed key Parameter Store uses when no CMK is named; free, and its key policy
#: already lets principals in the account decrypt through SSM.
AWS_MANAGED_SSM_KEY = "alias/aws/ssm"


class ParameterRotationArgs(TypedDict, total=False):
    """Scheduled rotation of the parameter: EventBridge invokes a function that writes a new
    value with Overwrite (the previous value stays readable as the previous version)."""

    schedule_expression: Required[str]
    """EventBridge schedule: 'rate(30 days)', 'rate(1 hour)', 'cron(0 3 1 * ? *)'."""
    handler_module: str
    """Your module (importable by the program) whose lambda_handler =
    parameter_store.handler_for(YourRotation()); default: a new password each time."""
    environment: Mapping[str, pulumi.Input[str]]
    """Extra environment variables for the function (not for secrets: a Pulumi secret is
    refused, since Lambda environment variables are plaintext configuration)."""
    password_policy: PasswordPolicyArgs
    """Length and excluded characters of the generated passwords."""
    lambda_runtime: str
    """python3.11 or newer (default python3.13)."""
    architecture: str
    """'arm64' (default) or 'x86_64'."""
    timeout: int
    """Seconds, 1-900 (default 30)."""
    memory_size: int
    """MB, 128-10240 (default 128)."""
    log_retention_days: int
    """Retention of the function's log group (default 30)."""
    permissions_boundary_arn: str
    """Permissions boundary for the function's role."""


class SecureParameterArgs(TypedDict, total=False):
    """Arguments of SecureParameter."""

    parameter_name: Required[str]
    """Parameter name, e.g. '/team/app/api-key' (at most 15 levels; no 'aws'/'ssm' prefix)."""
    value: Required[pulumi.Input[str]]
    """The value, ideally a Pulumi secret (config.require_secret)."""
    description: str
    """Description stored with the parameter (up to 1024 characters)."""
    tier: str
    """'auto' (default): Standard (free) when the value fits 4 KB and no policies are set,
    else Advanced ($0.05/month). Or force 'Standard' / 'Advanced'."""
    kms_key_arn: pulumi.Input[str]
    """Existing CMK to encrypt with, in the parameter's region. Default: the free AWS managed
    key alias/aws/ssm."""
    create_kms_key: bool
    """Create a CMK for this parameter ($1/month) instead of using alias/aws/ssm."""
    key_administrators: Sequence[pulumi.Input[str]]
    """Role or user ARNs that may administer the created key (needs create_kms_key); an ARN may
    be another resource's output (checked once known)."""
    key_administrators_can_edit_policy: bool
    """Let key_administrators also edit the created key's policy (kms:PutKeyPolicy), and so
    grant anyone, themselves included, use of the key. Default False: they manage the key but
    can neither use it nor change who may."""
    write_only: bool
    """True (default): the value is sent as a write-only input and never stored in state;
    changes are applied when value_version changes. False: stored in state, encrypted as a
    Pulumi secret, and every change to the value is applied."""
    value_version: int
    """With write_only, bump to write a new value (default 1)."""
    expires_at: str
    """Expiration policy: Parameter Store deletes the parameter at this time, ISO 8601 with a
    time zone (e.g. '2027-06-30T00:00:00Z'). An aware datetime is accepted at run time too; the
    annotation, and so the package schema other languages use, says string only."""
    notify_before_expiry: str
    """ExpirationNotification, e.g. '15 days' or '12 hours' before expires_at (1 hour to 10
    years, and after now)."""
    notify_if_unchanged_for: str
    """NoChangeNotification, e.g. '90 days' without a new value (1 hour to 10 years, and
    shorter than the time left before expires_at)."""
    notification_topic_arn: str
    """SNS topic for policy events; default: a topic the component creates."""
    readers: Sequence[pulumi.Input[str]]
    """Who may read the parameter, exactly: IAM role names or role ARNs of the deploying account
    (an inline read policy each, as before), and role ARNs of other accounts or 12-digit
    account ids: the parameter is then shared with those accounts through an AWS RAM resource
    share, which needs the Advanced tier ($0.05/month) and a customer managed key (created
    unless kms_key_arn is given) whose policy lets exactly those principals decrypt through
    Parameter Store for this parameter; the reader's own account must also allow it
    (components.parameter_reader_identity_policy). Also role ARNs as outputs of other resources
    (from any language), and in Python aws.iam.Role resources."""
    key_policy_allows_foreign_readers: bool
    """kms_key_arn was given and its owner added the Decrypt statement for the readers in other
    accounts that the component prints when this is False (the default, which refuses such
    readers)."""
    rotation: ParameterRotationArgs
    """Rotate the value on a schedule (the cheap alternative to a RotatingSecret)."""
    tags: Mapping[str, str]
    """Tags on the parameter and every taggable resource the component creates."""


@dataclass(frozen=True)
class ParameterRotationSettings:
    """The validated rotation block."""

    schedule_expression: str
    handler_module: str | None
    function: FunctionSettings


@dataclass(frozen=True)
class SecureParameterSettings:
    """SecureParameterArgs after every check, with defaults filled in."""

    parameter_name: str
    value: pulumi.Input[str]
    value_size: int | None
    description: str | None
    requested_tier: str
    tier: str | None
    kms_key_arn: pulumi.Input[str] | None
    create_kms_key: bool
    key_administrators: list[pulumi.Input[str]]
    write_only: bool
    value_version: int
    policies: list[dict[str, Any]]
    notify: bool
    notification_topic_arn: str | None
    readers: list[ReaderRef]
    rotation: ParameterRotationSettings | None = None
    tags: dict[str, str] = field(default_factory=dict)
    key_administrators_can_edit_policy: bool = False
    key_policy_allows_foreign_readers: bool = False

    @property
    def policies_json(self) -> str:
        """Canonical JSON of the parameter policies (empty list when none)."""
        return parameter_policies.canonical(self.policies)


ARGUMENTS = tuple(SecureParameterArgs.__annotations__)
ROTATION_ARGUMENTS = tuple(ParameterRotationArgs.__annotations__)


def parse_parameter_rotation(value: Any, write_only: bool) -> ParameterRotationSettings:
    """Check the rotation block (function settings as RotatingSecret's, minus VPC)."""
    rotation = validation.require_mapping("rotation", value)
    validation.reject_unknown_keys("rotation", rotation, ROTATION_ARGUMENTS)
    if "schedule_expression" not in rotation:
        raise validation.fail("rotation.schedule_expression", None, "is required")
    if not write_only:
        raise validation.fail(
            "write_only",
            False,
            "must stay True with rotation: with the value in Pulumi state, the next update or "
            "refresh would put the old value back over the rotated one",
        )
    module = rotation.get("handler_module")
    if module is not None:
        validation.handler_module("rotation.handler_module", module)
    return ParameterRotationSettings(
        schedule_expression=validation.eventbridge_schedule(
            "rotation.schedule_expression", rotation["schedule_expression"]
        ),
        handler_module=module,
        function=parse_function_settings(
            rotation, prefix="rotation.", environment=rotation.get("environment")
        ),
    )


def rotation_environment_bounds(
    parameter_name: str, description: str | None, kms_key_arn: Any, create_key: bool
) -> dict[str, str | int]:
    """The variables the parameter's rotation function gets besides the function settings'
    (parameter_rotation.py), a value known only at deploy counted as the longest it can be."""
    if isinstance(kms_key_arn, str):
        key: str | int = kms_key_arn
    elif kms_key_arn is None and not create_key:
        key = AWS_MANAGED_SSM_KEY
    else:
        key = limits.KEY_ARN_LONGEST
    bounds: dict[str, str | int] = {
        "PARAMETER_NAME": parameter_name,
        "KEY_ID": key,
        "TIER": len("Advanced"),
    }
    if description:
        bounds["DESCRIPTION"] = description
    return bounds


def parse_policies(given: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Expiration and notification policies from their arguments.

    A notification that can never fire is refused: one due before now, or a NoChange period at
    least as long as the time left before the parameter expires (Parameter Store deletes it
    first).
    """
    policies = []
    expires_at = None
    if given.get("expires_at") is not None:
        expires_at = validation.future_timestamp("expires_at", given["expires_at"], now)
        policies.append(parameter_policies.expiration(expires_at))
    if given.get("notify_before_expiry") is not None:
        amount, unit = validation.period("notify_before_expiry", given["notify_before_expiry"])
        if expires_at is None:
            raise validation.fail(
                "notify_before_expiry",
                given["notify_before_expiry"],
                "needs expires_at: it notifies ahead of the expiration",
            )
        if expires_at - validation.period_as_timedelta(amount, unit) <= now:
            raise validation.fail(
                "notify_before_expiry",
                given["notify_before_expiry"],
                f"would fall before now: expires_at is {expires_at:%Y-%m-%dT%H:%M:%SZ}, so the "
                "notification would never be sent",
            )
        policies.append(parameter_policies.expiration_notification(amount, unit))
    if given.get("notify_if_unchanged_for") is not None:
        amount, unit = validation.period(
            "notify_if_unchanged_for", given["notify_if_unchanged_for"]
        )
        if expires_at is not None and now + validation.period_as_timedelta(amount, unit) >= (
            expires_at
        ):
            raise validation.fail(
                "notify_if_unchanged_for",
                given["notify_if_unchanged_for"],
                f"is not shorter than the time left before expires_at "
                f"({expires_at:%Y-%m-%dT%H:%M:%SZ}): Parameter Store deletes the parameter "
                "before the notification could be sent",
            )
        policies.append(parameter_policies.no_change_notification(amount, unit))
    return policies


def _parse_value_and_tier(
    given: Mapping[str, Any], requested_tier: str, has_policies: bool
) -> tuple[int | None, str | None]:
    """(value size, tier); both None while the value is an Output and the tier is 'auto'."""
    value = given["value"]
    value_size: int | None = None
    if isinstance(value, str):
        if not value:
            raise validation.fail("value", Redacted(0), "must not be empty")
        value_size = validation.utf8_size(value)
    elif not isinstance(value, pulumi.Output):
        raise validation.fail(
            "value", Redacted(), "must be a string or a pulumi Output of a string"
        )
    if requested_tier == "Standard" and has_policies:
        raise validation.fail(
            "tier",
            "Standard",
            "parameter policies (expires_at, notify_*) need the Advanced tier; use 'auto' or "
            "'Advanced'",
        )
    if value_size is None and requested_tier == "auto" and not has_policies:
        return None, None
    tier = parameter_policies.resolve_tier(requested_tier, value_size, has_policies)
    if isinstance(value, str):
        validation.parameter_value_size("value", value, tier)
    return value_size, tier


def _parse_key(
    given: Mapping[str, Any],
) -> tuple[pulumi.Input[str] | None, bool, list[pulumi.Input[str]]]:
    """(kms_key_arn, create_kms_key, key_administrators)."""
    create_key = validation.require_bool("create_kms_key", given.get("create_kms_key", False))
    if given.get("kms_key_arn") is not None and create_key:
        raise validation.fail(
            "create_kms_key", True, "give kms_key_arn (an existing key) or create_kms_key, not both"
        )
    kms_key_arn = given_key_arn(given)
    administrators = key_administrators(given)
    if administrators and not create_key:
        raise validation.fail(
            "key_administrators", administrators, "only applies with create_kms_key=True"
        )
    return kms_key_arn, create_key, administrators


def _parse_notifications(
    given: Mapping[str, Any], policies: list[dict[str, Any]]
) -> tuple[bool, str | None]:
    """(whether to route policy events to SNS, the topic the user brings)."""
    notification_types = {"ExpirationNotification", "NoChangeNotification"}
    notify = any(p["Type"] in notification_types for p in policies)
    topic = given.get("notification_topic_arn")
    if topic is not None:
        validation.topic_arn("notification_topic_arn", topic)
        if not policies:
            raise validation.fail(
                "notification_topic_arn",
                topic,
                "has nothing to deliver: set expires_at, notify_before_expiry or "
                "notify_if_unchanged_for",
            )
        notify = True
    return notify, topic


def parse_secure_parameter_args(
    args: Any, region: str | None = None, now: datetime | None = None
) -> SecureParameterSettings:
    """Every check SecureParameter makes before registering anything.

    ``region``: the parameter's region, when known before deployment (else the component
    checks what depends on it once the provider's region is known).
    """
    now = now or datetime.now(UTC)
    given = validation.require_mapping("args", args)
    validation.reject_unknown_keys("", given, ARGUMENTS)
    for required in ("parameter_name", "value"):
        if required not in given:
            raise validation.fail(required, None, "is required")
    name = validation.parameter_name("parameter_name", given["parameter_name"], region)
    requested_tier = validation.parameter_tier("tier", given.get("tier", "auto"))
    policies = parse_policies(given, now)
    value_size, tier = _parse_value_and_tier(given, requested_tier, bool(policies))
    kms_key_arn, create_key, administrators = _parse_key(given)
    if isinstance(kms_key_arn, str) and region is not None:
        validation.in_region("kms_key_arn", kms_key_arn, region, "the parameter")
    notify, topic = _parse_notifications(given, policies)
    description = given.get("description")
    if description is not None:
        validation.description("description", description, 1024)
    write_only = validation.require_bool("write_only", given.get("write_only", True))
    rotation = None
    if given.get("rotation") is not None:
        rotation = parse_parameter_rotation(given["rotation"], write_only)
        check_environment(
            "rotation.environment",
            rotation.function,
            rotation_environment_bounds(name, description, kms_key_arn, create_key),
        )

    return SecureParameterSettings(
        parameter_name=name,
        value=given["value"],
        value_size=value_size,
        description=description,
        requested_tier=requested_tier,
        tier=tier,
        kms_key_arn=kms_key_arn,
        create_kms_key=create_key,
        key_administrators=administrators,
        write_only=write_only,
        value_version=validation.value_version("value_version", given.get("value_version", 1)),
        policies=policies,
        notify=notify,
        notification_topic_arn=topic,
        readers=parse_readers("readers", given.get("readers", [])),
        rotation=rotation,
        tags=validation.tags("tags", given.get("tags", {})),
        key_administrators_can_edit_policy=parse_policy_editing(given, administrators),
        key_policy_allows_foreign_readers=validation.require_bool(
            "key_policy_allows_foreign_readers",
            given.get("key_policy_allows_foreign_readers", False),
        ),
    )
