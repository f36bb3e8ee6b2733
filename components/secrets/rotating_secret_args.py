"""RotatingSecret's arguments: the TypedDicts users write and the pure check that reads them."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Required, TypedDict

import pulumi

from secretkit.components import limits, validation
from secretkit.components.errors import Redacted
from secretkit.components.iam.documents import Statement
from secretkit.components.iam.foreign_readers import (
    ReaderOrganization,
    ReaderRef,
    parse_reader_organization,
    parse_readers,
)
from secretkit.components.key_args import (
    TRANSITION_KEYS,
    given_or_created_key,
    parse_policy_editing,
    transition_key_arns,
)
from secretkit.components.rotation.alarm_args import (
    AlarmArgs,
    AlarmSettings,
    check_topic_region,
    parse_alarms,
)
from secretkit.components.rotation.code_args import (
    check_master_region,
    parse_code,
    parse_master,
    parse_tls,
)
from secretkit.components.rotation.function_code import code_environment_bounds
from secretkit.components.rotation.function_settings import (
    FunctionArgs,
    FunctionSettings,
    check_environment,
    parse_function_settings,
)
from secretkit.components.rotation.rotation_function_args import (
    FUNCTION_OWNED_ARGUMENTS,
    FUNCTION_OWNED_ROTATION_KEYS,
    SharedFunctionSettings,
)
from secretkit.components.secrets import resource_policy

DEFAULT_RECOVERY_WINDOW_DAYS = 30


class RotationArgs(TypedDict, total=False):
    """When and how the secret rotates."""

    strategy: Required[str]
    """'password', 'postgres-single-user', 'postgres-multi-user', 'mysql-single-user' or
    'mysql-multi-user'. Selects the handler module deployed as the rotation function (with
    function: must be the function's; Python may leave it out)."""
    function: Any
    """A RotationFunction shared by many secrets (Python only): the secret joins it instead of
    getting a function, role and permission of its own. It is encrypted with the function's key,
    and its resource policy lets the function's role rotate it (if the function lists
    secret_names, its name must be one of them)."""
    schedule_expression: str
    """'rate(N hours|days)' (4 hours to 1000 days) or 'cron(0 hour dom month dow *)': AWS's
    cron grammar, on the hour, at least 4 hours between runs. Give this or
    automatically_after_days."""
    automatically_after_days: int
    """Rotate every N days (1-1000). Give this or schedule_expression."""
    duration: str
    """Rotation window such as '3h' (1h-24h), shorter than the time between rotations and
    ending by midnight UTC; Secrets Manager rotates within it."""
    rotate_immediately: bool
    """Rotate as soon as rotation is configured (default True, as AWS does)."""
    master_secret_arn: str
    """Alternating-users strategies: full ARN of the secret holding the admin credentials
    (the rotation role may read it; its JSON is in AWS's database secret shape)."""
    master_secret_kms_key_arn: str
    """The CMK encrypting the master secret, if not the AWS managed aws/secretsmanager key."""
    ca_bundle_path: str
    """Database strategies: a local PEM file of CAs (e.g. the RDS bundle) shipped with the
    function and used to verify the server when the secret asks for TLS."""
    tls: str
    """Database strategies (and 'custom'): how much TLS the rotation function insists on,
    whatever the secret says; the secret's 'ssl' key can make it stricter, never weaker.
    'require' (default): TLS on every connection, never a plaintext retry; the server's
    certificate and host name are verified when ca_bundle_path is given. 'verify': TLS with the
    certificate chain and host name verified against ca_bundle_path, else Lambda's system CAs
    (which do not include RDS's CAs: give the RDS bundle). 'from-secret': the secret's 'ssl' key
    decides, as in AWS's rotation functions ('ssl': false allows plaintext)."""
    handler_module: str
    """With strategy 'custom': your module (e.g. 'my_rotators.api_key', importable by the
    program) whose lambda_handler = handler_for(YourStrategy()); it ships in the artifact."""
    environment: Mapping[str, pulumi.Input[str]]
    """Extra environment variables for the rotation function (e.g. a custom strategy's
    service URL). Not for secrets: Lambda environment variables are readable configuration."""


class _SecretResourceArgs(TypedDict, total=False):
    """The secret itself: its name, key, first value, readers and recovery window (SecretArgs'
    first fields, in a class of their own because a TypedDict lists inherited fields first)."""

    secret_name: Required[str]
    """The secret's name in Secrets Manager, e.g. 'prod/billing/api-key'."""
    description: str
    """Description stored with the secret."""
    kms_key_arn: pulumi.Input[str]
    """Existing CMK to encrypt with, in the secret's region; when absent the component creates
    one ($1/month)."""
    transition_kms_key_arns: Sequence[str]
    """While the secret changes key: the other key of the change, granted wherever kms_key_arn
    is (readers' and the rotation role's policies, through Secrets Manager, for this secret).
    Deploy first with the new key here, then with kms_key_arn the new key and the old one here
    until `secretkit key-usage` reports it unused, then with none (docs/key-replacement.md).
    For CrossRegionReplicatedSecret a key covers the copy in its own region (the primary's or a
    replica's)."""
    key_administrators: Sequence[pulumi.Input[str]]
    """Role or user ARNs that may administer (never use) the created key; an ARN may be another
    resource's output (checked once known)."""
    key_administrators_can_edit_policy: bool
    """Let key_administrators also edit the created key's policy (kms:PutKeyPolicy), and so
    grant anyone, themselves included, use of the key. Default False: they manage the key but
    can neither use it nor change who may."""
    secret_string: pulumi.Input[str]
    """Initial value (a Pulumi secret), 1 byte to 64 KB. Written once; rotation owns the value
    afterwards."""
    secret_template: Mapping[str, Any]
    """Initial JSON object (e.g. {'username': 'app'}) completed with a generated 'password'."""
    secret_string_version: int
    """Bump to write secret_string/secret_template again (default 1)."""
    readers: Sequence[pulumi.Input[str]]
    """Who may read the secret (GetSecretValue, DescribeSecret, Decrypt), exactly: IAM role names
    or role ARNs of the deploying account (an inline read policy each), role ARNs of other
    accounts or 12-digit account ids (named in the secret's resource policy and in the created
    key's policy, Decrypt only through Secrets Manager for this secret; the reader's own account
    must also allow it: components.reader_identity_policy), role ARNs as outputs of other
    resources (from any language; granted through the resource and key policies), and in Python
    aws.iam.Role resources. A reader in another account needs a key the component creates, or
    key_policy_allows_foreign_readers."""
    reader_organization_id: str
    """An AWS Organization ('o-...') whose principals may read the secret (aws:PrincipalOrgID in
    the resource policy and in the created keys' policies, Decrypt only through Secrets Manager
    for this secret). Each reader's own account must still allow it (reader_identity_policy)."""
    reader_organization_paths: Sequence[str]
    """With reader_organization_id: only principals under these organizational unit paths
    ('o-.../r-.../ou-.../', '*' allowed at the end; aws:PrincipalOrgPaths)."""
    resource_policy_statements: Sequence[Mapping[str, Any]]
    """Statements of your own for the secret's resource policy (merged with secretkit's, one
    policy per secret, public policies blocked): each with a unique Sid of letters and digits,
    Effect, named actions (no wildcards), a Principal ('*' only with a Condition); the whole
    policy at most 20,480 characters."""
    key_policy_allows_foreign_readers: bool
    """The key was given (kms_key_arn, a replica's, or a shared RotationFunction's) and its owner
    added the Decrypt statement for the readers in other accounts that the component prints
    when this is False (the default, which refuses such readers)."""
    recovery_window_in_days: int
    """Days a deleted secret can be restored: 0 or 7-30 (default 30)."""


class SecretArgs(_SecretResourceArgs, FunctionArgs, total=False):
    """The arguments RotatingSecret and CrossRegionReplicatedSecret share, each written once.

    The package schema describes an inherited field with the docstring where it is written
    (provider/__main__.py reads the TypedDict's bases; pulumi reads only the class's own body).
    """

    tags: Mapping[str, str]
    """Tags on every taggable resource the component creates."""


class RotatingSecretArgs(SecretArgs, total=False):
    """Arguments of RotatingSecret."""

    rotation: Required[RotationArgs]
    """Strategy and schedule; see RotationArgs."""
    alarms: AlarmArgs
    """Rotation alarms, on by default: an EventBridge rule on the secret's RotationFailed and
    RotationAbandoned events and a CloudWatch alarm on its rotation function's Errors, publishing
    to an SNS topic the component creates (a member of a shared RotationFunction publishes to the
    function's, whose alarm watches the function). {'topic_arn': ...} publishes to your topic;
    {'enabled': False} creates none (in Python, False does too). See AlarmArgs."""


@dataclass(frozen=True)
class RotationSettings:
    """The validated rotation block."""

    strategy: str
    schedule_expression: str | None
    automatically_after_days: int | None
    duration: str | None
    rotate_immediately: bool
    master_secret_arn: str | None
    handler_module: str | None = None
    master_secret_kms_key_arn: str | None = None
    ca_bundle_path: str | None = None
    function: Any = None
    """The shared RotationFunction the secret joins, if any."""
    shared: SharedFunctionSettings | None = None
    """That function's settings."""
    tls: str | None = None
    """The TLS_MODE the function is given (always set for the database strategies)."""


@dataclass(frozen=True)
class RotatingSecretSettings:
    """RotatingSecretArgs after every check, with defaults filled in."""

    secret_name: str
    rotation: RotationSettings | None
    description: str | None
    kms_key_arn: pulumi.Input[str] | None
    key_administrators: list[pulumi.Input[str]]
    secret_string: pulumi.Input[str] | None
    secret_template: dict[str, Any] | None
    secret_string_version: int
    readers: list[ReaderRef]
    recovery_window_in_days: int
    function: FunctionSettings
    tags: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    key_administrators_can_edit_policy: bool = False
    resource_policy_statements: list[Statement] = field(default_factory=list)
    key_policy_allows_foreign_readers: bool = False
    reader_organization: ReaderOrganization | None = None
    transition_kms_key_arns: tuple[str, ...] = ()
    """The other keys of key changes in progress (each in one of the secret's regions)."""
    replica_regions: tuple[str, ...] = ()
    """CrossRegionReplicatedSecret's replica regions (where transition keys may also be)."""
    alarms: AlarmSettings | None = None
    """Rotation alarms (None: none)."""


ARGUMENTS = tuple(RotatingSecretArgs.__annotations__)
ROTATION_ARGUMENTS = tuple(RotationArgs.__annotations__)


def _parse_schedule(rotation: Mapping[str, Any]) -> tuple[str | None, int | None, str | None]:
    """(schedule_expression, automatically_after_days, duration)."""
    expression = rotation.get("schedule_expression")
    days = rotation.get("automatically_after_days")
    if (expression is None) == (days is None):
        raise validation.fail(
            "rotation",
            {k: rotation.get(k) for k in ("schedule_expression", "automatically_after_days")},
            "give exactly one of schedule_expression and automatically_after_days",
        )
    windows: validation.RotationWindows
    if expression is not None:
        windows = validation.rotation_schedule("rotation.schedule_expression", expression)
    else:
        days = validation.require_int(
            "rotation.automatically_after_days", days, 1, validation.ROTATION_MAX_DAYS, "days"
        )
        windows = validation.RotationWindows(days * 24, 0)
    duration = rotation.get("duration")
    if duration is not None:
        validation.rotation_duration(
            "rotation.duration", duration, windows.interval_hours, windows.latest_start_hour
        )
    return expression, days, duration


def _shared_function(rotation: Mapping[str, Any]) -> SharedFunctionSettings:
    """The settings of the RotationFunction in rotation.function, after checking the rotation
    block leaves the function's own settings to it."""
    function = rotation["function"]
    shared = getattr(function, "shared_settings", None)
    if not isinstance(function, pulumi.ComponentResource) or not isinstance(
        shared, SharedFunctionSettings
    ):
        raise validation.fail(
            "rotation.function", type(function).__name__, "must be a RotationFunction"
        )
    where = f"RotationFunction '{function.pulumi_resource_name}'"
    for key in FUNCTION_OWNED_ROTATION_KEYS:
        if key in rotation:
            raise validation.fail(
                f"rotation.{key}", rotation[key], f"belongs to the shared {where}: set it there"
            )
    if "strategy" in rotation:
        strategy = validation.strategy("rotation.strategy", rotation["strategy"])
        if strategy != shared.strategy:
            raise validation.fail(
                "rotation.strategy",
                strategy,
                f"differs from the shared {where}'s strategy {shared.strategy!r}",
            )
    return shared


def parse_rotation(value: Any) -> RotationSettings:
    """Check the rotation block."""
    rotation = validation.require_mapping("rotation", value)
    validation.reject_unknown_keys("rotation", rotation, ROTATION_ARGUMENTS)
    expression, days, duration = _parse_schedule(rotation)
    rotate_immediately = validation.require_bool(
        "rotation.rotate_immediately", rotation.get("rotate_immediately", True)
    )
    if rotation.get("function") is not None:
        shared = _shared_function(rotation)
        return RotationSettings(
            strategy=shared.strategy,
            schedule_expression=expression,
            automatically_after_days=days,
            duration=duration,
            rotate_immediately=rotate_immediately,
            master_secret_arn=shared.master_secret_arn,
            handler_module=shared.handler_module,
            master_secret_kms_key_arn=shared.master_secret_kms_key_arn,
            ca_bundle_path=shared.ca_bundle_path,
            tls=shared.tls,
            function=rotation["function"],
            shared=shared,
        )
    if "strategy" not in rotation:
        raise validation.fail("rotation.strategy", None, "is required (or rotation.function)")
    strategy = validation.strategy("rotation.strategy", rotation["strategy"])
    master, master_key = parse_master(strategy, rotation, "rotation.")
    module, ca_bundle = parse_code(strategy, rotation, "rotation.")
    tls = parse_tls(strategy, rotation, "rotation.")
    return RotationSettings(
        strategy=strategy,
        schedule_expression=expression,
        automatically_after_days=days,
        duration=duration,
        rotate_immediately=rotate_immediately,
        master_secret_arn=master,
        handler_module=module,
        master_secret_kms_key_arn=master_key,
        ca_bundle_path=ca_bundle,
        tls=tls,
    )


def _function_settings(
    given: Mapping[str, Any], rotation: RotationSettings | None
) -> FunctionSettings:
    """The rotation function's settings: the shared function's, or read from ``given``."""
    if rotation is not None and rotation.shared is not None:
        return rotation.shared.function
    return parse_function_settings(
        given,
        environment=(
            validation.require_mapping("rotation", given["rotation"]).get("environment")
            if rotation is not None
            else None
        ),
        environment_argument="rotation.environment",
    )


def _check_membership(given: Mapping[str, Any], name: str, rotation: RotationSettings) -> None:
    """A secret joining a shared function leaves the function's settings to it (and is listed,
    when the function lists its members)."""
    shared = rotation.shared
    assert shared is not None
    where = f"RotationFunction '{rotation.function.pulumi_resource_name}'"
    for key in FUNCTION_OWNED_ARGUMENTS:
        if key in given:
            raise validation.fail(
                key, given[key], f"belongs to the shared {where}: set it there, not on a member"
            )
    if given.get(TRANSITION_KEYS):
        raise validation.fail(
            TRANSITION_KEYS,
            given[TRANSITION_KEYS],
            f"does not apply to a member of the shared {where}: the member is encrypted with the "
            "function's key, whose grants the function holds",
        )
    if shared.secret_names is not None and name not in shared.secret_names:
        raise validation.fail(
            "secret_name",
            name,
            f"is not one of {where}'s secret_names: list it there, or leave secret_names out "
            "to let any RotatingSecret join",
        )


def check_region(settings: RotatingSecretSettings, region: str) -> None:
    """What must be in the secret's region ``region``: a given key, and the master secret the
    rotation function reads (a shared RotationFunction checks its own); a transition key in
    that region or a replica's."""
    if isinstance(settings.kms_key_arn, str):
        validation.in_region("kms_key_arn", settings.kms_key_arn, region, "the secret")
    regions = [region, *settings.replica_regions]
    for index, arn in enumerate(settings.transition_kms_key_arns):
        if validation.arn_region(arn) not in regions:
            raise validation.fail(
                f"{TRANSITION_KEYS}[{index}]",
                arn,
                f"is in {validation.arn_region(arn)}, but the secret's copies are in "
                f"{', '.join(regions)}: {validation.KEY_REGION_RULE}",
            )
    rotation = settings.rotation
    if rotation is not None and rotation.shared is None:
        check_master_region("rotation.", rotation.master_secret_arn, region)
    if settings.alarms is not None and settings.alarms.topic_arn is not None:
        check_topic_region(settings.alarms.topic_arn, region)


def transition_keys_of(
    settings: RotatingSecretSettings, replica_region: str | None = None
) -> tuple[str, ...]:
    """The transition keys of one copy of the secret: a replica region's (those in that region),
    or with None the primary's (those in none of the replica regions; check_region checks that
    they are in the primary's)."""
    if replica_region is not None:
        return tuple(
            arn for arn in settings.transition_kms_key_arns
            if validation.arn_region(arn) == replica_region
        )  # fmt: skip
    return tuple(
        arn for arn in settings.transition_kms_key_arns
        if validation.arn_region(arn) not in settings.replica_regions
    )  # fmt: skip


def depends_on_region(settings: RotatingSecretSettings) -> bool:
    """Whether check_region has anything to check."""
    rotation = settings.rotation
    master = rotation.master_secret_arn if rotation and rotation.shared is None else None
    topic = settings.alarms.topic_arn if settings.alarms is not None else None
    return (
        isinstance(settings.kms_key_arn, str)
        or master is not None
        or bool(settings.transition_kms_key_arns)
        or topic is not None
    )


def parse_rotating_secret_args(
    args: Any,
    *,
    rotation_required: bool = True,
    extra_arguments: tuple[str, ...] = (),
    region: str | None = None,
    replica_regions: Sequence[str] = (),
    alarms: bool = True,
) -> RotatingSecretSettings:
    """Every check RotatingSecret makes before registering anything.

    CrossRegionReplicatedSecret reuses it with rotation optional and its own extra arguments
    (which it checks itself). ``region``: the secret's region, when known before deployment
    (else the component checks what depends on it once the provider's region is known);
    ``replica_regions``: the replicas' regions, where transition keys may also be;
    ``alarms``: whether the component takes the ``alarms`` argument (RotatingSecret does).
    """
    given = validation.require_mapping("args", args)
    allowed = ARGUMENTS if alarms else tuple(a for a in ARGUMENTS if a != "alarms")
    validation.reject_unknown_keys("", given, (*allowed, *extra_arguments))
    if "secret_name" not in given:
        raise validation.fail("secret_name", None, "is required")
    name = validation.secret_name("secret_name", given["secret_name"])
    if given.get("rotation") is None and rotation_required:
        raise validation.fail(
            "rotation",
            None,
            "is required: a RotatingSecret without rotation costs $0.40/month for what "
            "SecureParameter stores for free",
        )
    rotation = parse_rotation(given["rotation"]) if given.get("rotation") is not None else None
    if rotation is not None and rotation.shared is not None:
        _check_membership(given, name, rotation)

    kms_key_arn, administrators = given_or_created_key(given, "component")

    secret_string = given.get("secret_string")
    template = given.get("secret_template")
    if secret_string is not None and template is not None:
        raise validation.fail(
            "secret_template", template, "give secret_string or secret_template, not both"
        )
    if isinstance(secret_string, str):
        validation.secret_value("secret_string", secret_string)
    elif secret_string is not None and not isinstance(secret_string, pulumi.Output):
        raise validation.fail(
            "secret_string", Redacted(), "must be a string or a pulumi Output of a string"
        )
    if template is not None:
        template = validation.secret_template("secret_template", template)

    function = _function_settings(given, rotation)
    if rotation is not None and rotation.shared is None:
        check_environment("rotation.environment", function, code_environment_bounds(rotation))
    if template is not None:
        # The generated value must fit too: the template plus the longest password the policy
        # can generate once JSON-escaped, plus the master secret's ARN when initial_value adds it.
        worst = validation.longest_password(function.password_length, function.exclude_characters)
        probe_document: dict[str, Any] = {**template, "password": worst}
        master = rotation.master_secret_arn if rotation is not None else None
        if master is not None and "masterarn" not in template:
            probe_document["masterarn"] = (
                master if isinstance(master, str) else "x" * limits.SECRET_ARN_LONGEST
            )
        validation.secret_value_size("secret_template", json.dumps(probe_document))

    readers = parse_readers("readers", given.get("readers", []))
    statements = resource_policy.parse_statements(given.get(resource_policy.ARGUMENT, []))
    description = given.get("description")
    if description is not None:
        validation.description("description", description, 2048)

    settings = RotatingSecretSettings(
        secret_name=name,
        rotation=rotation,
        description=description,
        kms_key_arn=kms_key_arn,
        key_administrators=administrators,
        secret_string=secret_string,
        secret_template=template,
        secret_string_version=validation.value_version(
            "secret_string_version", given.get("secret_string_version", 1)
        ),
        readers=readers,
        recovery_window_in_days=validation.recovery_window_in_days(
            "recovery_window_in_days",
            given.get("recovery_window_in_days", DEFAULT_RECOVERY_WINDOW_DAYS),
        ),
        function=function,
        # The secret also carries secretkit:strategy when it rotates (secret_component.py);
        # its own rotation function's role, function and log group enforce the tag characters.
        tags=validation.tags(
            "tags",
            given.get("tags", {}),
            own_tags=1 if rotation else 0,
            characters_checked=rotation is not None and rotation.shared is None,
        ),
        warnings=validation.secret_name_warnings(name),
        key_administrators_can_edit_policy=parse_policy_editing(given, administrators),
        resource_policy_statements=statements,
        reader_organization=parse_reader_organization(given),
        key_policy_allows_foreign_readers=validation.require_bool(
            "key_policy_allows_foreign_readers",
            given.get("key_policy_allows_foreign_readers", False),
        ),
        transition_kms_key_arns=transition_key_arns(given, kms_key_arn),
        replica_regions=tuple(replica_regions),
        alarms=parse_alarms(given.get("alarms"), region) if alarms and rotation else None,
    )
    if region is not None:
        check_region(settings, region)
    return settings
