"""Rotation-function arguments shared by the components (runtime, size, VPC, password policy,
environment), with their defaults and the pure check that reads them."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

import pulumi
from pulumi_aws.lambda_ import Runtime

from rotation_handlers.database import TLS_MODE_VARIABLE
from rotation_handlers.password_generator import DEFAULT_EXCLUDE_CHARACTERS, DEFAULT_LENGTH
from secretkit.components import limits, validation
from secretkit.components.errors import Redacted
from secretkit.components.iam.vpc import VpcScope
from secretkit.components.input_gate import InputGate

DEFAULT_RUNTIME = "python3.13"
DEFAULT_ARCHITECTURE = "arm64"
DEFAULT_TIMEOUT = 30
DEFAULT_MEMORY = 128
DEFAULT_LOG_RETENTION_DAYS = 30
#: Environment variables secretkit sets itself, and the ones Lambda reserves (besides AWS_*).
RESERVED_VARIABLES = frozenset(
    {"PASSWORD_LENGTH", "EXCLUDE_CHARACTERS", "PARAMETER_NAME", "KEY_ID", "TIER", "DESCRIPTION"}
    | {TLS_MODE_VARIABLE}
    | {"LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"}
)
#: Lambda's limit on the total size of a function's environment variables.
ENVIRONMENT_MAX_BYTES = limits.LAMBDA_ENVIRONMENT.maximum
_VARIABLE_RE = re.compile(limits.VARIABLE_NAME_PATTERN)


class VpcConfigArgs(TypedDict):
    """Subnets and security groups for a rotation function that must reach a private database."""

    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets with a route to Secrets Manager (VPC endpoint or NAT)."""
    security_group_ids: Sequence[pulumi.Input[str]]
    """Security groups allowed to reach the database."""


class PasswordPolicyArgs(TypedDict, total=False):
    """How generated passwords look (initial value and every rotation)."""

    length: int
    """8-4096 characters (default 32)."""
    exclude_characters: str
    """Characters never used (default '/@"\\'\\\\', as AWS's rotation functions)."""


class FunctionArgs(TypedDict, total=False):
    """How the rotation function runs: the arguments RotatingSecret, CrossRegionReplicatedSecret
    and RotationFunction take from here."""

    lambda_runtime: str
    """Rotation function runtime, python3.11 or newer (default python3.13)."""
    architecture: str
    """'arm64' (default, cheaper) or 'x86_64'."""
    timeout: int
    """Rotation function timeout in seconds, 1-900 (default 30)."""
    memory_size: int
    """Rotation function memory in MB, 128-10240 (default 128)."""
    vpc_config: VpcConfigArgs
    """Attach the rotation function to a VPC (database strategies)."""
    permissions_boundary_arn: str
    """Permissions boundary for the rotation role, where your organisation requires one."""
    password_policy: PasswordPolicyArgs
    """Length and excluded characters of generated passwords."""
    log_retention_days: int
    """Retention of the rotation function's log group (default 30)."""


#: The argument names parse_function_settings reads (besides ``environment``).
FUNCTION_ARGUMENTS = (
    "lambda_runtime",
    "architecture",
    "timeout",
    "memory_size",
    "log_retention_days",
    "permissions_boundary_arn",
    "password_policy",
    "vpc_config",
)


@dataclass(frozen=True)
class FunctionSettings:
    """How a rotation function runs."""

    runtime: str = DEFAULT_RUNTIME
    architecture: str = DEFAULT_ARCHITECTURE
    timeout: int = DEFAULT_TIMEOUT
    memory_size: int = DEFAULT_MEMORY
    log_retention_days: int = DEFAULT_LOG_RETENTION_DAYS
    password_length: int = DEFAULT_LENGTH
    exclude_characters: str = DEFAULT_EXCLUDE_CHARACTERS
    vpc: VpcScope | None = None
    permissions_boundary_arn: str | None = None
    environment: dict[str, pulumi.Input[str]] = field(default_factory=dict)


def parse_vpc_config(argument: str, value: Any) -> VpcScope:
    """Check subnet and security group ids (Outputs are accepted as they are)."""
    vpc = validation.require_mapping(argument, value)
    validation.reject_unknown_keys(argument, vpc, ("subnet_ids", "security_group_ids"))
    scopes: dict[str, list[pulumi.Input[str]]] = {}
    checks = {
        "subnet_ids": validation.subnet_id,
        "security_group_ids": validation.security_group_id,
    }
    for key, check in checks.items():
        items = vpc.get(key)
        if not isinstance(items, list | tuple) or not items:
            raise validation.fail(f"{argument}.{key}", items, "must be a non-empty list of ids")
        limit = limits.LAMBDA_SUBNETS if key == "subnet_ids" else limits.LAMBDA_SECURITY_GROUPS
        if len(items) > limit.maximum:
            raise validation.fail(
                f"{argument}.{key}",
                items,
                f"lists {len(items)}; Lambda takes at most {limit.maximum} {limit.what} "
                f"({limit.source})",
            )
        for index, item in enumerate(items):
            if not isinstance(item, pulumi.Output):
                check(f"{argument}.{key}[{index}]", item)
        scopes[key] = list(items)
    return VpcScope(
        subnet_ids=scopes["subnet_ids"], security_group_ids=scopes["security_group_ids"]
    )


def parse_environment(argument: str, value: Any) -> dict[str, pulumi.Input[str]]:
    """Extra variables for the function: names like API_BASE_URL, string (or Output) values."""
    variables = validation.require_mapping(argument, value)
    for name, item in variables.items():
        where = f"{argument}.{name}"
        if not isinstance(name, str) or not _VARIABLE_RE.fullmatch(name):
            raise validation.fail(
                where,
                name,
                "names are a letter and at least one more letter, digit or _ (Lambda's "
                f"pattern {limits.VARIABLE_NAME_PATTERN})",
            )
        if name.startswith("AWS_") or name in RESERVED_VARIABLES:
            raise validation.fail(
                where, name, "is reserved (AWS_* by Lambda, the others set by secretkit)"
            )
        if not isinstance(item, str | pulumi.Output):
            raise validation.fail(where, item, "values must be strings (or Outputs of strings)")
    known = sum(
        len(name) + len(item.encode()) for name, item in variables.items() if isinstance(item, str)
    )
    if known > ENVIRONMENT_MAX_BYTES - 512:  # room for the variables secretkit sets
        raise validation.fail(
            argument,
            f"<{known} bytes>",
            f"Lambda allows {ENVIRONMENT_MAX_BYTES} bytes of environment in all; keep yours "
            f"under {ENVIRONMENT_MAX_BYTES - 512}",
        )
    return dict(variables)


def refuse_secret_values(
    gate: InputGate, argument: str, variables: Mapping[str, pulumi.Input[str]]
) -> None:
    """Refuse, through ``gate``, a Pulumi secret among the variables' values.

    Lambda keeps environment variables in the function's configuration, readable by anyone
    allowed lambda:GetFunctionConfiguration, and pulumi-aws keeps them in plaintext in the
    state: a secret there stops being one. Whether an Output is secret is only known once it
    resolves, so the check is deferred; the function's first resources wait for it.
    """
    for name, value in variables.items():
        if isinstance(value, pulumi.Output):
            secrecy: pulumi.Output[bool] = pulumi.Output.from_input(value.is_secret())
            gate.check(secrecy, _not_secret(f"{argument}.{name}"))


def _not_secret(argument: str) -> Callable[[bool], None]:
    def check(secret: bool) -> None:
        if secret:
            raise validation.fail(
                argument,
                Redacted(),
                "is a Pulumi secret, and Lambda environment variables are plaintext in the "
                "function's configuration and in Pulumi state: store the value in Secrets "
                "Manager or Parameter Store (RotatingSecret, SecureParameter) and pass its "
                "name or ARN instead, granting the function read access",
            )

    return check


def lambda_runtime(argument: str, value: Any) -> str:
    """A Python runtime the handlers support (python3.11 or newer) that pulumi-aws knows: its
    ``aws.lambda_.Runtime`` enum is what the provider checks at plan ('expected runtime to be
    one of [...]')."""
    runtime = validation.lambda_runtime(argument, value)
    known = sorted(
        (r.value for r in Runtime if r.value.startswith("python3.")),
        key=lambda name: int(name.rsplit(".", 1)[1]),
    )
    if runtime not in known:
        supported = [
            r for r in known if int(r.rsplit(".", 1)[1]) >= validation.PYTHON_RUNTIME_MIN_MINOR
        ]
        raise validation.fail(
            argument,
            value,
            "is not a Lambda runtime pulumi-aws knows (its aws.lambda_.Runtime enum); use one "
            f"of {', '.join(supported)}",
        )
    return runtime


def environment_size(variables: Mapping[str, str]) -> int:
    """The size Lambda counts against its 4 KB: the UTF-8 bytes of every name and value."""
    return sum(len(name.encode()) + len(value.encode()) for name, value in variables.items())


def check_environment(
    argument: str,
    settings: FunctionSettings,
    own: Mapping[str, str | int],
    what: str = "the rotation function's environment",
) -> None:
    """Refuse settings whose function environment would exceed Lambda's 4 KB: the variables
    secretkit sets from the function settings, the user's ``environment`` (values known now;
    an Output counts as empty here and is checked once known, see unknown_environment) and
    ``own``, the variables the component adds, each a value or, for an Output, the longest the
    value can be. The error names ``argument`` and the largest variables."""
    sizes: dict[str, int] = {
        "PASSWORD_LENGTH": len(str(settings.password_length)),
        "EXCLUDE_CHARACTERS": len(settings.exclude_characters.encode()),
    }
    for name, given in settings.environment.items():
        sizes[name] = len(given.encode()) if isinstance(given, str) else 0
    for name, added in own.items():
        sizes[name] = added if isinstance(added, int) else len(added.encode())
    total = sum(len(name.encode()) + size for name, size in sizes.items())
    if total > ENVIRONMENT_MAX_BYTES:
        largest = sorted(sizes, key=lambda name: -sizes[name])[:3]
        shown = ", ".join(f"{name} {sizes[name]}" for name in largest)
        raise limits.refuse(
            argument,
            f"<{total} bytes of environment>",
            limits.LAMBDA_ENVIRONMENT,
            total,
            f"{what} (names and values; the largest values in bytes: {shown})",
        )


def unknown_environment(settings: FunctionSettings) -> dict[str, pulumi.Output[str]]:
    """The user's environment variables whose values are Outputs (checked once known)."""
    return {
        name: value
        for name, value in settings.environment.items()
        if isinstance(value, pulumi.Output)
    }


def check_environment_later(
    gate: InputGate,
    argument: str,
    settings: FunctionSettings,
    own: Mapping[str, str | int],
) -> None:
    """check_environment again through ``gate`` once the user's environment values given as
    Outputs are known (nothing to do when none is): the function's resources wait for it."""
    unknown = unknown_environment(settings)
    if not unknown:
        return
    names = list(unknown)

    def rule(values: list[str]) -> None:
        resolved: dict[str, pulumi.Input[str]] = {
            **settings.environment,
            **dict(zip(names, values, strict=True)),
        }
        check_environment(argument, replace(settings, environment=resolved), own)

    gate.check(pulumi.Output.all(*unknown.values()), rule)


def parse_function_settings(
    given: Mapping[str, Any],
    prefix: str = "",
    environment: Any = None,
    environment_argument: str | None = None,
) -> FunctionSettings:
    """Read the function arguments in ``given`` (named ``prefix`` + FUNCTION_ARGUMENTS), and
    the ``environment`` given as ``environment_argument`` (default: ``prefix`` + environment)."""
    policy = validation.password_policy(
        f"{prefix}password_policy", given.get("password_policy", {})
    )
    boundary = given.get("permissions_boundary_arn")
    if boundary is not None:
        validation.policy_arn(f"{prefix}permissions_boundary_arn", boundary)
    vpc = None
    if "vpc_config" in given:
        vpc = parse_vpc_config(f"{prefix}vpc_config", given["vpc_config"])
    return FunctionSettings(
        runtime=lambda_runtime(
            f"{prefix}lambda_runtime", given.get("lambda_runtime", DEFAULT_RUNTIME)
        ),
        architecture=validation.architecture(
            f"{prefix}architecture", given.get("architecture", DEFAULT_ARCHITECTURE)
        ),
        timeout=validation.require_int(
            f"{prefix}timeout",
            given.get("timeout", DEFAULT_TIMEOUT),
            1,
            validation.LAMBDA_TIMEOUT_MAX,
            "s",
        ),
        memory_size=validation.require_int(
            f"{prefix}memory_size",
            given.get("memory_size", DEFAULT_MEMORY),
            validation.LAMBDA_MEMORY_MIN,
            validation.LAMBDA_MEMORY_MAX,
            "MB",
        ),
        log_retention_days=validation.log_retention_days(
            f"{prefix}log_retention_days",
            given.get("log_retention_days", DEFAULT_LOG_RETENTION_DAYS),
        ),
        password_length=policy["length"],
        exclude_characters=policy["exclude_characters"],
        vpc=vpc,
        permissions_boundary_arn=boundary,
        environment=(
            parse_environment(environment_argument or f"{prefix}environment", environment)
            if environment is not None
            else {}
        ),
    )
