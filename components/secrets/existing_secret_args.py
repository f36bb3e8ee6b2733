"""ExistingSecret's arguments: the TypedDict users write and the pure check that reads them."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Required

import pulumi

from secretkit.components import validation
from secretkit.components.errors import InvalidArgumentError
from secretkit.components.iam.documents import Statement
from secretkit.components.iam.foreign_readers import ReaderRef, parse_readers
from secretkit.components.key_args import given_key_arn
from secretkit.components.rotation.alarm_args import (
    AlarmArgs,
    AlarmSettings,
    check_topic_region,
    parse_alarms,
)
from secretkit.components.rotation.code_args import check_master_region
from secretkit.components.rotation.function_code import code_environment_bounds
from secretkit.components.rotation.function_settings import (
    FUNCTION_ARGUMENTS,
    FunctionArgs,
    FunctionSettings,
    check_environment,
    parse_function_settings,
)
from secretkit.components.secrets import resource_policy
from secretkit.components.secrets.rotating_secret_args import (
    RotationArgs,
    RotationSettings,
    parse_rotation,
)

#: What managed_by takes: the service that owns the secret, as Secrets Manager's OwningService
#: names it ('rds', 'redshift', ...).
_SERVICE_RE = re.compile(r"[a-z][a-z0-9-]{0,62}")
#: Why the secret must be in the provider's region.
SECRET_REGION_RULE = (
    "the component sets the secret's rotation and resource policy with the provider of the "
    "secret's region, and the grants' kms:ViaService names that region"
)
#: "Secrets created by AWS use the <SERVICE>! prefix" (Secrets Manager user guide, "Secrets
#: managed by other AWS services"); a name given to CreateSecret cannot hold '!'.
_OWNED_NAME_RE = re.compile(r":secret:([a-z][a-z0-9-]*)!")
#: What manage_resource_policy acknowledges.
POLICY_REPLACED = (
    "a secret has one resource policy, and registering it replaces the one the secret has: set "
    "manage_resource_policy=True to let this component own it (restate the statements you keep "
    "in resource_policy_statements)"
)


class ExistingSecretArgs(FunctionArgs, total=False):
    """Arguments of ExistingSecret: a secret created elsewhere, given readers, rotation and a
    resource policy without being created or imported. The function arguments (lambda_runtime,
    password_policy...) apply to the rotation function of ``rotation.strategy``."""

    secret_arn: Required[pulumi.Input[str]]
    """The secret's complete ARN (with the six characters Secrets Manager appends to the name),
    in the deploying account and region; may be another resource's output, such as an RDS
    instance's master_user_secrets[0].secret_arn (checked once known)."""
    kms_key_arn: pulumi.Input[str]
    """The key ARN encrypting the secret, in the secret's region (e.g. master_user_secrets[0]
    .kms_key_id). Absent: the AWS managed key aws/secretsmanager, which serves principals of the
    secret's own account only, so readers in other accounts are refused."""
    readers: Sequence[pulumi.Input[str]]
    """Who may read the secret, as RotatingSecret's readers: roles of the deploying account get
    an inline read policy; principals of other accounts are named in the secret's resource policy
    (manage_resource_policy) and need the key owner's statement (key_policy_statements)."""
    key_policy_allows_foreign_readers: bool
    """The key's owner added the statement printed in key_policy_statements for the readers in
    other accounts (default False, which refuses such readers)."""
    manage_resource_policy: bool
    """Let the component register the secret's resource policy (readers in other accounts, a
    shared RotationFunction, resource_policy_statements). A secret has ONE resource policy: this
    replaces the one it has. Default False, which refuses what needs it."""
    resource_policy_statements: Sequence[Mapping[str, Any]]
    """With manage_resource_policy: statements of your own kept in the replaced policy (same
    rules as RotatingSecret's)."""
    rotation: RotationArgs
    """Rotate the secret with one of secretkit's strategies (a function of its own) or a shared
    RotationFunction ('function', Python only); as RotatingSecret's rotation. Refused with
    managed_by: the owning service rotates the secret itself."""
    managed_by: str
    """The service that owns and rotates the secret (its OwningService, e.g. 'rds' for an RDS
    instance with manage_master_user_password): rotation is then refused. Found from the ARN
    when its name has the '<service>!' prefix AWS gives such secrets (an Output ARN once it is
    known)."""
    alarms: AlarmArgs
    """Rotation alarms, as RotatingSecret's: an EventBridge rule on the secret's RotationFailed
    and RotationAbandoned events, an alarm on its own rotation function's Errors (none for a
    secret its owning service rotates, nor for a shared function's member, whose function has
    it), and an SNS topic (created, the shared function's, or topic_arn). On by default when
    the secret rotates (rotation or managed_by); enabled=False turns them off, and given
    explicitly they watch a secret rotated by something else too."""
    tags: Mapping[str, str]
    """Tags on every taggable resource the component creates (the secret is not touched)."""


ARGUMENTS = tuple(ExistingSecretArgs.__annotations__)


@dataclass(frozen=True)
class ExistingSecretSettings:
    """ExistingSecretArgs after every check, with defaults filled in."""

    secret_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str] | None
    """None: the AWS managed key aws/secretsmanager."""
    readers: list[ReaderRef]
    rotation: RotationSettings | None
    function: FunctionSettings
    managed_by: str | None = None
    key_policy_allows_foreign_readers: bool = False
    manage_resource_policy: bool = False
    resource_policy_statements: list[Statement] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    alarms: AlarmSettings | None = None
    """Rotation alarms (None: none)."""


def parse_existing_secret_args(args: Any, region: str | None = None) -> ExistingSecretSettings:
    """Every check ExistingSecret makes before registering anything. ``region``: the deploying
    region, when known before deployment (else checked once the provider's is known)."""
    given = validation.require_mapping("args", args)
    validation.reject_unknown_keys("", given, ARGUMENTS)
    if given.get("secret_arn") is None:
        raise validation.fail("secret_arn", None, "is required")
    secret_arn = given["secret_arn"]
    if not isinstance(secret_arn, pulumi.Output):
        validation.secret_arn("secret_arn", secret_arn)
    key = given_key_arn(given)
    if isinstance(key, str) and isinstance(secret_arn, str):
        validation.in_region("kms_key_arn", key, validation.arn_region(secret_arn), "the secret")
    managed_by = parse_managed_by(given, secret_arn)
    rotation = parse_rotation(given["rotation"]) if given.get("rotation") is not None else None
    if rotation is not None and managed_by is not None:
        raise second_rotation(rotation, managed_by)
    function = parse_function(given, rotation)
    manage = validation.require_bool(
        "manage_resource_policy", given.get("manage_resource_policy", False)
    )
    statements = resource_policy.parse_statements(given.get(resource_policy.ARGUMENT, []))
    if statements and not manage:
        raise validation.fail(resource_policy.ARGUMENT, statements, POLICY_REPLACED)
    settings = ExistingSecretSettings(
        secret_arn=secret_arn,
        kms_key_arn=key,
        readers=parse_readers("readers", given.get("readers", [])),
        rotation=rotation,
        function=function,
        managed_by=managed_by,
        key_policy_allows_foreign_readers=validation.require_bool(
            "key_policy_allows_foreign_readers",
            given.get("key_policy_allows_foreign_readers", False),
        ),
        manage_resource_policy=manage,
        resource_policy_statements=statements,
        tags=validation.tags(
            "tags",
            given.get("tags", {}),
            characters_checked=rotation is not None and rotation.shared is None,
        ),
        alarms=parse_existing_alarms(given, rotates=rotation is not None or managed_by is not None),
    )
    if settings.kms_key_arn is None and any(
        isinstance(reader, pulumi.Output) for reader in settings.readers
    ):
        raise validation.fail(
            "readers",
            "<Output of a role ARN>",
            "is granted through the resource policy, as a reader of any account, but the secret "
            "uses the AWS managed key aws/secretsmanager, which serves its own account only: "
            "grant a role of this account with grant_read(output) (an inline policy)",
        )
    if region is not None:
        check_region(settings, region)
    return settings


def parse_existing_alarms(given: Mapping[str, Any], *, rotates: bool) -> AlarmSettings | None:
    """``alarms`` as given; absent, on when the secret rotates (``rotates``: rotation or an
    owning service), off otherwise (no rotation event would ever come). The topic's region is
    checked with the others (check_region)."""
    if "alarms" not in given:
        return AlarmSettings() if rotates else None
    return parse_alarms(given["alarms"])


def parse_managed_by(given: Mapping[str, Any], secret_arn: pulumi.Input[str]) -> str | None:
    """managed_by, else the owning service the ARN's name shows (a known ARN's)."""
    managed_by = given.get("managed_by")
    if managed_by is None:
        return owning_service(secret_arn) if isinstance(secret_arn, str) else None
    if not isinstance(managed_by, str) or not _SERVICE_RE.fullmatch(managed_by):
        raise validation.fail(
            "managed_by", managed_by, "must name the owning service, e.g. 'rds' (lowercase)"
        )
    return managed_by


def parse_function(given: Mapping[str, Any], rotation: RotationSettings | None) -> FunctionSettings:
    """The settings of the secret's own rotation function; a shared RotationFunction's member
    leaves them to the function."""
    if rotation is not None and rotation.shared is not None:
        for argument in (*FUNCTION_ARGUMENTS, "tags"):
            if argument in given:
                raise validation.fail(
                    argument,
                    given[argument],
                    "belongs to the shared RotationFunction: set it there, not on a member",
                )
    own = rotation is not None and rotation.shared is None
    function = parse_function_settings(
        given,
        environment=(
            validation.require_mapping("rotation", given["rotation"]).get("environment")
            if own
            else None
        ),
        environment_argument="rotation.environment",
    )
    if own:
        assert rotation is not None
        check_environment("rotation.environment", function, code_environment_bounds(rotation))
    return function


def check_region(settings: ExistingSecretSettings, region: str) -> None:
    """The secret, its key and the master secret its rotation reads are in ``region``, the
    deploying one (a shared RotationFunction checks its own master secret)."""
    if isinstance(settings.secret_arn, str):
        validation.in_region(
            "secret_arn", settings.secret_arn, region, "the provider", SECRET_REGION_RULE
        )
    if isinstance(settings.kms_key_arn, str):
        validation.in_region("kms_key_arn", settings.kms_key_arn, region, "the secret")
    rotation = settings.rotation
    if rotation is not None and rotation.shared is None:
        check_master_region("rotation.", rotation.master_secret_arn, region)
    if settings.alarms is not None and settings.alarms.topic_arn is not None:
        check_topic_region(settings.alarms.topic_arn, region)


def owning_service(arn: str) -> str | None:
    """The AWS service that created and manages the secret ``arn`` ('rds' for 'rds!db-...'),
    None for a secret a user created."""
    found = _OWNED_NAME_RE.search(arn)
    return found.group(1) if found else None


def second_rotation(rotation: RotationSettings, service: str) -> InvalidArgumentError:
    """The refusal of ``rotation`` on a secret ``service`` manages."""
    return validation.fail(
        "rotation",
        {"strategy": rotation.strategy},
        f"is refused: the secret is managed by {service}, which rotates it itself (a second "
        "rotation would fight the owning service's; change its schedule through that service)",
    )


def secret_name_of(arn: str) -> str:
    """The secret's name in its complete ARN (the six characters and their hyphen dropped)."""
    return arn.split(":secret:", 1)[1][:-7]
