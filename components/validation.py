"""Pure checks of component arguments against AWS's limits; each raises InvalidArgumentError."""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from rotation_handlers.password_generator import DEFAULT_EXCLUDE_CHARACTERS, DEFAULT_LENGTH
from secretkit.components import cron, limits, strategies
from secretkit.components.errors import InvalidArgumentError, Redacted, UnknownArgumentError

# --- AWS limits, in one place -------------------------------------------------------------------

SECRET_NAME_MAX = limits.SECRET_NAME.maximum
SECRET_VALUE_MAX_BYTES = limits.SECRET_VALUE.maximum
PARAMETER_ARN_MAX = 1011
PARAMETER_LEVELS_MAX = 15
STANDARD_PARAMETER_MAX_BYTES = 4_096
ADVANCED_PARAMETER_MAX_BYTES = 8_192
ROTATION_MIN_HOURS = 4
ROTATION_MAX_DAYS = 1000
LAMBDA_TIMEOUT_MAX = 900
LAMBDA_MEMORY_MIN = 128
LAMBDA_MEMORY_MAX = 10_240
PASSWORD_LENGTH_MIN = 8
PASSWORD_LENGTH_MAX = 4_096
#: Lambda's Python runtimes the handlers are written for (newer minors are accepted too).
PYTHON_RUNTIME_MIN_MINOR = 11
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
PARAMETER_TIERS = ("auto", "Standard", "Advanced")
#: The longest region name AWS has; used when the deployment region is not known yet.
LONGEST_REGION = "ap-southeast-7"
#: Regions Secrets Manager runs in, by partition (secrets replicate only within a partition).
AWS_REGIONS = {
    "aws": frozenset(
        {
            "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2",
            "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
            "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
            "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
            "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
            "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
            "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        }
    ),
    "aws-us-gov": frozenset({"us-gov-east-1", "us-gov-west-1"}),
    "aws-cn": frozenset({"cn-north-1", "cn-northwest-1"}),
}  # fmt: skip

_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
_ACCOUNT = r"\d{12}"
# re.ASCII: IAM's \w is [A-Za-z0-9_], not every Unicode letter. Patterns are used with fullmatch
# (a '$' alone would let a trailing newline through).
_SECRET_NAME_RE = re.compile(r"^[A-Za-z0-9/_+=.@-]+$")
_PARAMETER_CHARS_RE = re.compile(r"^[A-Za-z0-9_./-]+$")
_KMS_KEY_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:kms:{_REGION}:{_ACCOUNT}:key/"
    r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
)
_ROLE_NAME_RE = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
_ROLE_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:iam::{_ACCOUNT}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{{1,64}}$", re.ASCII
)
_PRINCIPAL_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:iam::{_ACCOUNT}:(?:role|user)/(?:[\w+=,.@-]+/)*[\w+=,.@-]{{1,64}}$",
    re.ASCII,
)
# IAM user names are at most 64 characters, group names at most 128 (IAM quotas).
_USER_OR_GROUP_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:iam::{_ACCOUNT}:(user|group)/(?:[\w+=,.@-]+/)*[\w+=,.@-]{{1,128}}$",
    re.ASCII,
)
_POLICY_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:iam::(?:{_ACCOUNT}|aws):policy/[\w+=,.@/-]+$", re.ASCII
)
# Secrets Manager "constructs the last part of the secret ARN by appending a dash and six random
# alphanumeric characters at the end of the secret name" (Secrets Manager user guide,
# "Permissions reference"): a complete ARN names one secret, a partial one may match others.
# A secret another AWS service manages has a '!' after the service's name, which a name given
# to CreateSecret cannot have: RDS names its master user secrets 'rds!db-<uuid>'.
_SECRET_ARN_RE = re.compile(
    rf"^arn:{_PARTITION}:secretsmanager:{_REGION}:{_ACCOUNT}:secret:"
    r"(?:[a-z][a-z0-9-]*!)?[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}$"
)
_TOPIC_ARN_RE = re.compile(rf"^arn:{_PARTITION}:sns:{_REGION}:{_ACCOUNT}:[\w-]{{1,256}}$", re.ASCII)
_SUBNET_RE = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_SECURITY_GROUP_RE = re.compile(r"^sg-[0-9a-f]{8,17}$")
_RATE_RE = re.compile(r"^rate\((\d+) (hour|hours|day|days)\)$")
_DURATION_RE = re.compile(r"^(\d+)h$")
_PERIOD_RE = re.compile(r"^(\d+) ?(hour|hours|day|days)$", re.ASCII)


def partition_of(region: str) -> str | None:
    """The partition a known region belongs to."""
    for partition, regions in AWS_REGIONS.items():
        if region in regions:
            return partition
    return None


def aws_region(argument: str, value: Any) -> str:
    """A region secretkit knows (typos like 'us-east1' would otherwise fail mid-deployment)."""
    region = require_string(argument, value)
    if partition_of(region) is None:
        close = difflib.get_close_matches(region, sorted(set().union(*AWS_REGIONS.values())), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise fail(argument, value, f"is not an AWS region Secrets Manager runs in{hint}")
    return region


def fail(argument: str, value: Any, rule: str) -> InvalidArgumentError:
    """Build the error for ``argument`` (raise it at the call site so tracebacks point there)."""
    return InvalidArgumentError(argument, value, rule)


# --- generic shapes -----------------------------------------------------------------------------


def reject_unknown_keys(argument: str, given: Iterable[str], allowed: Collection[str]) -> None:
    """Refuse keys that are not arguments, suggesting the closest known one (typos are common)."""
    for key in given:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), list(allowed), n=1)
        where = f"{argument}.{key}" if argument else str(key)
        raise UnknownArgumentError(where, argument, list(allowed), close[0] if close else None)


def require_mapping(argument: str, value: Any) -> Mapping[str, Any]:
    """The argument must be a dict (TypedDicts are dicts at run time)."""
    if not isinstance(value, Mapping):
        raise fail(argument, value, f"must be a dict, not {type(value).__name__}")
    return value


def require_string(argument: str, value: Any) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value:
        raise fail(argument, value, "must be a non-empty string")
    return value


def require_bool(argument: str, value: Any) -> bool:
    """A real bool (not 0/1 or 'true')."""
    if not isinstance(value, bool):
        raise fail(argument, value, "must be True or False")
    return value


def whole_number(value: Any) -> Any:
    """``value`` as an int when it is a float with no fractional part, else unchanged.

    JSON, YAML and Pulumi's wire format have one number type, so a program in another language
    sends 30 as 30.0, and pulumi's component provider (3.272) passes it on as a float.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def require_int(argument: str, value: Any, low: int, high: int, unit: str = "") -> int:
    """An int (not a bool; a whole float such as 30.0 counts) within [low, high]."""
    suffix = f" {unit}" if unit else ""
    value = whole_number(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(argument, value, f"must be a whole number between {low} and {high}{suffix}")
    if not low <= value <= high:
        raise fail(argument, value, f"must be between {low} and {high}{suffix}")
    return value


def value_version(argument: str, value: Any) -> int:
    """The version of a value written once, bumped to write it again: 1 to 2**31 - 1."""
    return require_int(argument, value, 1, 2**31 - 1)


def require_string_list(argument: str, value: Any, *, allow_empty: bool = True) -> list[str]:
    """A list (or tuple) of non-empty strings, without duplicates."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise fail(argument, value, "must be a list of strings")
    if not value and not allow_empty:
        raise fail(argument, value, "must not be empty")
    for index, item in enumerate(value):
        require_string(f"{argument}[{index}]", item)
    duplicates = sorted({item for item in value if value.count(item) > 1})
    if duplicates:
        raise fail(argument, value, f"lists {duplicates[0]!r} more than once")
    return list(value)


def description(argument: str, value: Any, max_length: int) -> str:
    """Free text AWS stores alongside the resource."""
    if not isinstance(value, str):
        raise fail(argument, value, "must be a string")
    if len(value) > max_length:
        raise fail(argument, value, f"must be at most {max_length} characters, got {len(value)}")
    return value


def tags(
    argument: str, value: Any, own_tags: int = 0, *, characters_checked: bool = True
) -> dict[str, str]:
    """AWS resource tags: keys of 1 to 128 and values up to 256 characters, no 'aws:' keys, and
    at most 50 on a resource together with the ``own_tags`` the component adds itself
    (limits.TAG_KEY, TAG_VALUE, TAGS_PER_RESOURCE).

    With ``characters_checked`` (the component tags a resource whose API enforces
    limits.TAG_PATTERN: IAM, Lambda, CloudWatch Logs and Parameter Store do, per their botocore
    models; Secrets Manager, KMS, EventBridge and SNS do not), keys and values are made of
    letters, digits, spaces and _ . : / = + - @ only. A secret without a rotation function of
    its own keeps accepting what Secrets Manager and KMS accept."""
    mapping = require_mapping(argument, value)
    room = limits.TAGS_PER_RESOURCE.maximum - own_tags
    if len(mapping) > room:
        mine = f", since secretkit adds {own_tags} of its own" if own_tags else ""
        raise fail(
            argument,
            f"<{len(mapping)} tags>",
            f"AWS allows {limits.TAGS_PER_RESOURCE.maximum} tags on a resource, so at most "
            f"{room} here{mine}",
        )
    for key, tag_value in mapping.items():
        if not isinstance(key, str) or not 1 <= len(key) <= limits.TAG_KEY.maximum:
            raise fail(f"{argument}.{key}", key, "tag keys are strings of 1 to 128 characters")
        if key.lower().startswith("aws:"):
            raise fail(
                f"{argument}.{key}", key, "tag keys starting with 'aws:' are reserved by AWS"
            )
        if not isinstance(tag_value, str) or len(tag_value) > limits.TAG_VALUE.maximum:
            raise fail(f"{argument}.{key}", tag_value, "tag values are strings up to 256 chars")
        if characters_checked:
            tag_characters(f"{argument}.{key}", key, "key")
            tag_characters(f"{argument}.{key}", tag_value, "value")
    return dict(mapping)


def tag_characters(argument: str, text: str, part: str) -> str:
    """A tag key or value made of the characters AWS allows (limits.TAG_PATTERN)."""
    bad = sorted({c for c in text if not limits.tag_character_allowed(c)})
    if bad:
        raise fail(
            argument,
            text,
            f"the tag {part} contains {''.join(bad)!r}; tags are made of letters, digits, "
            f"spaces and _ . : / = + - @ (AWS's pattern {limits.TAG_PATTERN}+)",
        )
    return text


# --- names and ARNs -----------------------------------------------------------------------------


def secret_name(argument: str, value: Any) -> str:
    """Secrets Manager name: 1-512 characters from A-Z a-z 0-9 / _ + = . @ -."""
    name = require_string(argument, value)
    if len(name) > SECRET_NAME_MAX:
        raise fail(
            argument, value, f"must be at most {SECRET_NAME_MAX} characters, got {len(name)}"
        )
    if not _SECRET_NAME_RE.fullmatch(name):
        bad = sorted({c for c in name if not _SECRET_NAME_RE.fullmatch(c)})
        raise fail(
            argument,
            value,
            f"may only contain letters, digits and / _ + = . @ - (found {''.join(bad)!r})",
        )
    return name


def secret_name_warnings(name: str) -> list[str]:
    """Advice AWS gives that is not a hard rule: a '-' and six characters at the end look like
    the random suffix Secrets Manager appends to ARNs, which confuses partial-ARN lookups."""
    if re.search(r"-[A-Za-z0-9]{6}$", name):
        return [
            f"secret name {name!r} ends with a hyphen and six characters, like the suffix Secrets "
            "Manager adds to ARNs; lookups by partial ARN may match the wrong secret"
        ]
    return []


def parameter_name(argument: str, value: Any, region: str | None = None) -> str:
    """SSM parameter name rules, including the 1011-character limit on the full ARN."""
    name = require_string(argument, value)
    if not _PARAMETER_CHARS_RE.fullmatch(name):
        bad = sorted({c for c in name if not _PARAMETER_CHARS_RE.fullmatch(c)})
        raise fail(
            argument, value, f"may only contain a-z A-Z 0-9 _ . - / (found {''.join(bad)!r})"
        )
    if "/" in name and not name.startswith("/"):
        raise fail(argument, value, "a hierarchical name must start with '/' (e.g. /team/app/key)")
    relative = name[1:] if name.startswith("/") else name
    segments = relative.split("/")
    if any(segment == "" for segment in segments):
        raise fail(argument, value, "must not contain empty levels ('//') or end with '/'")
    if len(segments) > PARAMETER_LEVELS_MAX:
        raise fail(
            argument,
            value,
            f"has {len(segments)} levels; Parameter Store allows at most {PARAMETER_LEVELS_MAX}",
        )
    if segments[0].lower().startswith(("aws", "ssm")):
        raise fail(
            argument, value, "must not begin with 'aws' or 'ssm' (any case); AWS reserves them"
        )
    prefix = f"arn:aws:ssm:{region or LONGEST_REGION}:123456789012:parameter/"
    if len(prefix) + len(relative) > PARAMETER_ARN_MAX:
        limit = PARAMETER_ARN_MAX - len(prefix)
        raise fail(
            argument,
            value,
            f"is {len(relative)} characters; with its ARN prefix ({len(prefix)} characters in "
            f"{region or 'the longest region'}) the name may be at most {limit}, since the full "
            f"ARN is limited to {PARAMETER_ARN_MAX}",
        )
    return name


#: IAM's wildcards: in a policy's Resource, '*' matches any run of characters and '?' one.
IAM_WILDCARDS = ("*", "?")


def one_resource(argument: str, value: Any) -> str:
    """A string naming one resource: no IAM wildcard, which would grant every resource it
    matches once the value lands in a policy's Resource."""
    text = require_string(argument, value)
    found = [c for c in IAM_WILDCARDS if c in text]
    if found:
        raise fail(
            argument,
            value,
            f"must name exactly one resource, but {' and '.join(repr(c) for c in found)} "
            f"{'is a wildcard' if len(found) == 1 else 'are wildcards'} in IAM policies: the "
            "grant would cover every resource the pattern matches",
        )
    return text


def arn_region(arn: str) -> str:
    """The region in an ARN (empty for global services such as IAM)."""
    return arn.split(":")[3]


def arn_account(arn: str) -> str:
    """The account in an ARN."""
    return arn.split(":")[4]


def kms_key_arn(argument: str, value: Any) -> str:
    """A KMS key ARN (not an alias: IAM policies cannot name a key by its alias)."""
    arn = one_resource(argument, value)
    if ":alias/" in arn or arn.startswith("alias/"):
        raise fail(
            argument,
            value,
            "must be a key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), not an alias: "
            "IAM policies can only scope kms:Decrypt to a key ARN",
        )
    if not _KMS_KEY_ARN_RE.fullmatch(arn):
        raise fail(
            argument, value, "must be a key ARN: arn:aws:kms:<region>:<account>:key/<key-id>"
        )
    return arn


#: Why a key must be in the region of what it encrypts.
KEY_REGION_RULE = (
    "KMS keys are regional: Secrets Manager and Parameter Store encrypt only with a key in the "
    "resource's own region, and the grants' kms:ViaService names that region"
)


def in_region(argument: str, arn: str, region: str, what: str, why: str = KEY_REGION_RULE) -> str:
    """An ARN of a regional resource in ``region``, where ``what`` (e.g. 'the secret') is."""
    found = arn_region(arn)
    if found != region:
        raise fail(argument, arn, f"is in {found}, but {what} is in {region}: {why}")
    return arn


def key_in_region(argument: str, value: Any, region: str, what: str) -> str:
    """A key ARN (form checked) in ``region``, where ``what`` (e.g. 'the secret') is."""
    return in_region(argument, kms_key_arn(argument, value), region, what)


def role_reference(argument: str, value: Any) -> str:
    """An IAM role name (1-64 of letters, digits, + = , . @ _ -) or a role ARN."""
    ref = one_resource(argument, value)
    if ref.startswith("arn:"):
        if not _ROLE_ARN_RE.fullmatch(ref):
            raise fail(
                argument, value, "must be an IAM role ARN: arn:aws:iam::<account>:role/<name>"
            )
        return ref
    if not _ROLE_NAME_RE.fullmatch(ref):
        raise fail(
            argument,
            value,
            "must be an IAM role name (1-64 of letters, digits, + = , . @ _ -) or a role ARN",
        )
    return ref


def user_or_group_kind(value: Any) -> str | None:
    """'user' or 'group' for a string that is an IAM user or group ARN (checked by
    user_or_group_arn), else None."""
    if isinstance(value, str) and value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith(("user/", "group/")):
            return parts[5].split("/", 1)[0]
    return None


def user_or_group_arn(argument: str, value: Any) -> str:
    """An IAM user ARN (arn:aws:iam::<account>:user/<name>) or group ARN (:group/<name>)."""
    arn = one_resource(argument, value)
    if not _USER_OR_GROUP_ARN_RE.fullmatch(arn):
        raise fail(
            argument,
            value,
            "must be an IAM user or group ARN: arn:aws:iam::<account>:user/<name> or :group/<name>",
        )
    return arn


def role_name_from_reference(ref: str) -> str:
    """The role name in a role name or ARN (a path in the ARN is not part of the name)."""
    return ref.rsplit("/", 1)[-1] if ref.startswith("arn:") else ref


def role_references(argument: str, value: Any) -> list[str]:
    """A list of role names/ARNs naming each role once."""
    refs = require_string_list(argument, value)
    for index, ref in enumerate(refs):
        role_reference(f"{argument}[{index}]", ref)
    # IAM role names are unique regardless of case.
    names = [role_name_from_reference(ref).lower() for ref in refs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise fail(argument, refs, f"names role {repeated[0]!r} more than once")
    return refs


def principal_arns(argument: str, value: Any) -> list[str]:
    """A list of IAM role or user ARNs."""
    arns = require_string_list(argument, value)
    for index, arn in enumerate(arns):
        principal_arn(f"{argument}[{index}]", arn)
    return arns


def principal_arn(argument: str, value: Any) -> str:
    """An IAM role or user ARN, as a key policy principal must be."""
    return _arn_of_form(
        argument,
        value,
        _PRINCIPAL_ARN_RE,
        "must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>); key policies "
        "name principals by ARN",
    )


def policy_arn(argument: str, value: Any) -> str:
    """A managed IAM policy ARN (for permissions boundaries), at most 2048 characters."""
    if isinstance(value, str) and len(value) > limits.IAM_ARN.maximum:
        raise limits.refuse(argument, value, limits.IAM_ARN, len(value), "the policy ARN")
    return _arn_of_form(
        argument,
        value,
        _POLICY_ARN_RE,
        "must be an IAM policy ARN: arn:aws:iam::<account>:policy/<name>",
    )


def secret_arn(argument: str, value: Any) -> str:
    """A complete Secrets Manager secret ARN, with the six characters AWS appends to the name."""
    return _arn_of_form(
        argument,
        value,
        _SECRET_ARN_RE,
        "must be a complete secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:"
        "<name>-<6 characters>, ending in the hyphen and six characters Secrets Manager "
        "appends to the name (see the secret's details or DescribeSecret); a partial ARN "
        "can match another secret",
    )


def topic_arn(argument: str, value: Any) -> str:
    """An SNS topic ARN."""
    return _arn_of_form(
        argument,
        value,
        _TOPIC_ARN_RE,
        "must be an SNS topic ARN: arn:aws:sns:<region>:<account>:<name>",
    )


def _arn_of_form(argument: str, value: Any, form: re.Pattern[str], rule: str) -> str:
    """A string naming one resource (no wildcard) whose whole text matches ``form``."""
    arn = one_resource(argument, value)
    if not form.fullmatch(arn):
        raise fail(argument, value, rule)
    return arn


# --- rotation -----------------------------------------------------------------------------------


def strategy(argument: str, value: Any) -> str:
    """One of the rotation strategies secretkit ships."""
    names = [*strategies.SECRET_STRATEGIES, strategies.CUSTOM]
    if not isinstance(value, str) or value not in names:
        raise fail(argument, value, f"must be one of {', '.join(names)}")
    return str(value)


_MODULE_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def pem_file(argument: str, value: Any) -> str:
    """A readable local file holding at least one PEM certificate."""
    path = require_string(argument, value)
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            text = handle.read(1_000_000)
    except OSError as error:
        raise fail(argument, value, f"cannot be read ({error.strerror})") from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise fail(argument, value, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
    return path


#: What follows a custom handler module in the Lambda handler setting (rotation/artifact.py).
HANDLER_FUNCTION = ".lambda_handler"
#: The longest custom handler module: the Lambda handler '<module>.lambda_handler' must fit.
HANDLER_MODULE_MAX = limits.LAMBDA_HANDLER.maximum - len(HANDLER_FUNCTION)


def handler_module(argument: str, value: Any) -> str:
    """A dotted Python module name (``my_rotators.api_key``) defining lambda_handler, short
    enough for the Lambda handler '<module>.lambda_handler' (128 characters; the
    secretkit:strategy tag 'custom:<module>' then fits its 256 too)."""
    module = require_string(argument, value)
    if not _MODULE_RE.fullmatch(module):
        raise fail(argument, value, "must be a dotted Python module name like my_rotators.api_key")
    if len(module) > HANDLER_MODULE_MAX:
        raise limits.refuse(
            argument,
            value,
            limits.LAMBDA_HANDLER,
            len(module) + len(HANDLER_FUNCTION),
            f"the Lambda handler '<module>{HANDLER_FUNCTION}'",
        )
    return module


def schedule_expression(argument: str, value: Any) -> str:
    """A Secrets Manager rotation schedule: ``rate(N hours|days)`` between 4 hours and 1000
    days, or a ``cron(...)`` that fires on the hour, at most every 4 hours."""
    rotation_schedule(argument, value)
    return str(value)


def rotation_schedule(argument: str, value: Any) -> RotationWindows:
    """A rotation schedule (schedule_expression's rules), and when its windows open: a rate()'s
    at midnight, a cron()'s at each hour it fires."""
    expression = schedule_text(argument, value)
    hours = rate_interval_hours(expression)
    if hours is not None:
        if hours < ROTATION_MIN_HOURS or hours > ROTATION_MAX_DAYS * 24:
            raise fail(
                argument,
                value,
                f"rotation interval must be between {ROTATION_MIN_HOURS} hours and "
                f"{ROTATION_MAX_DAYS} days",
            )
        return RotationWindows(hours, 0)
    if expression.startswith("cron("):
        parsed = rotation_cron(argument, expression)
        return RotationWindows(parsed.min_gap_minutes() // 60, max(parsed.hours))
    raise fail(
        argument,
        value,
        "must be rate(N hours), rate(N days) or cron(minutes hours day-of-month month "
        "day-of-week year)",
    )


def schedule_text(argument: str, value: Any) -> str:
    """A schedule expression's text: at most 256 characters (limits.SCHEDULE_EXPRESSION), and
    a rate() amount written without leading zeros ('rate(04 hours)' is refused)."""
    expression = require_string(argument, value)
    limits.check(argument, value, limits.SCHEDULE_EXPRESSION, expression, "the schedule")
    if re.fullmatch(r"rate\(0\d+ .*\)", expression):
        raise fail(argument, value, "the rate() amount must be written without leading zeros")
    return expression


def parse_cron(argument: str, expression: str) -> cron.Cron:
    """A cron() expression in AWS's grammar (field ranges and wildcards), parsed."""
    try:
        return cron.parse(expression)
    except cron.CronError as error:
        raise fail(argument, expression, str(error)) from None


def rotation_cron(argument: str, expression: str) -> cron.Cron:
    """A cron() schedule Secrets Manager accepts for rotation.

    Secrets Manager's rules on top of the cron grammar ("Schedule expressions in Secrets
    Manager rotation", Secrets Manager user guide): rotation windows open on the hour, so the
    minutes field is 0; the year field is '*' (no schedules more than a year apart); and "you
    can rotate a secret as often as every four hours". The gap between runs is judged from the
    hours alone, conservatively (a day's last run and the next day's first count as
    consecutive).
    """
    parsed = parse_cron(argument, expression)
    if parsed.field("minutes") != "0":
        raise fail(
            argument,
            expression,
            "the minutes field must be 0 for rotation: Secrets Manager opens rotation windows "
            "on the hour",
        )
    if parsed.field("year") != "*":
        raise fail(
            argument,
            expression,
            "the year field must be '*' for rotation: Secrets Manager takes no schedule more "
            "than a year apart",
        )
    gap = parsed.min_gap_minutes()
    if gap < ROTATION_MIN_HOURS * 60:
        hours = sorted(parsed.hours)
        raise fail(
            argument,
            expression,
            f"fires {_gap_text(gap)} apart at its closest (hours {_hours_text(hours)}); "
            f"Secrets Manager rotates at most every {ROTATION_MIN_HOURS} hours",
        )
    return parsed


def _gap_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _hours_text(hours: list[int]) -> str:
    shown = ",".join(str(h) for h in hours[:8])
    return shown + (",..." if len(hours) > 8 else "")


_EVENTS_RATE_RE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")


def eventbridge_schedule(argument: str, value: Any) -> str:
    """An EventBridge schedule: ``rate(N minutes|hours|days)`` (singular unit for 1, plural
    otherwise, as EventBridge insists) or ``cron(...)`` in AWS's cron grammar. Secrets
    Manager's rotation rules (on the hour, every 4 hours at most) do not apply here."""
    expression = schedule_text(argument, value)
    rate = _EVENTS_RATE_RE.fullmatch(expression)
    if rate:
        amount, unit = int(rate.group(1)), rate.group(2)
        if amount < 1:
            raise fail(argument, value, "the rate must be at least 1")
        if (amount == 1) == unit.endswith("s"):
            singular = unit.rstrip("s")
            raise fail(
                argument,
                value,
                f"EventBridge wants 'rate(1 {singular})' for one and "
                f"'rate({amount} {singular}s)' for more",
            )
        return expression
    if expression.startswith("cron("):
        parse_cron(argument, expression)
        return expression
    raise fail(argument, value, "must be rate(N minutes|hours|days) or cron(...) with six fields")


def rate_interval_hours(expression: str) -> int | None:
    """Hours between rotations for a rate() expression; None for cron()."""
    rate = _RATE_RE.fullmatch(expression)
    if not rate:
        return None
    amount = int(rate.group(1))
    return amount if rate.group(2).startswith("hour") else amount * 24


@dataclass(frozen=True)
class RotationWindows:
    """When rotation windows open: the shortest time between two, and the latest hour of the
    day one opens (a window may not run into the next UTC day)."""

    interval_hours: int
    latest_start_hour: int


def rotation_duration(
    argument: str, value: Any, interval_hours: int | None, latest_start_hour: int = 0
) -> str:
    """The rotation window: ``Nh`` with N from 1 to 24, shorter than the rotation interval, and
    not running past midnight UTC from the latest hour a window opens."""
    duration = require_string(argument, value)
    match = _DURATION_RE.fullmatch(duration)
    if not match or not 1 <= int(match.group(1)) <= 24:
        raise fail(argument, value, "must be a window of 1h to 24h, written like '3h'")
    if not limits.fits(limits.ROTATION_DURATION, duration):
        raise fail(
            argument,
            value,
            "must be written in 2 or 3 characters like '3h' or '12h' (no run of leading "
            f"zeros; {limits.ROTATION_DURATION.source})",
        )
    hours = int(match.group(1))
    if interval_hours is not None and hours >= interval_hours:
        raise fail(
            argument,
            value,
            f"the window must be shorter than the rotation interval ({interval_hours}h)",
        )
    if latest_start_hour + hours > 24:
        # "The rotation window must not extend into the next UTC day" (RotationRulesType).
        raise fail(
            argument,
            value,
            f"a window opening at {latest_start_hour}:00 UTC would run into the next UTC day; "
            f"Secrets Manager requires the start hour plus the window to be at most 24 "
            f"(at most {24 - latest_start_hour}h here)",
        )
    return duration


# --- sizes and values ---------------------------------------------------------------------------


def utf8_size(value: str) -> int:
    """AWS counts value limits in bytes."""
    return len(value.encode("utf-8"))


def secret_value(argument: str, value: str) -> str:
    """A Secrets Manager value: 1 byte to 64 KB (the API's SecretString is at least 1 character
    long: botocore's model gives SecretStringType min 1, max 65536). Never shown."""
    if not value:
        raise fail(
            argument,
            Redacted(0),
            "must not be empty: Secrets Manager stores values of 1 byte to 64 KB (leave "
            "secret_string out to start from a generated value)",
        )
    return secret_value_size(argument, value)


def secret_value_size(argument: str, value: str) -> str:
    """Secrets Manager stores at most 64 KB per version; the value itself is never shown."""
    size = utf8_size(value)
    if size > SECRET_VALUE_MAX_BYTES:
        raise fail(
            argument,
            Redacted(size),
            f"Secrets Manager values are limited to {SECRET_VALUE_MAX_BYTES} bytes (64 KB)",
        )
    return value


def parameter_value_size(argument: str, value: str, tier: str) -> str:
    """Parameter Store values: 4 KB in the Standard tier, 8 KB in the Advanced tier."""
    size = utf8_size(value)
    limit = STANDARD_PARAMETER_MAX_BYTES if tier == "Standard" else ADVANCED_PARAMETER_MAX_BYTES
    if size > limit:
        hint = " (use tier 'Advanced' or 'auto' for up to 8 KB)" if tier == "Standard" else ""
        raise fail(argument, Redacted(size), f"{tier} parameters hold at most {limit} bytes{hint}")
    return value


def parameter_tier(argument: str, value: Any) -> str:
    """'auto', 'Standard' or 'Advanced'."""
    if value not in PARAMETER_TIERS:
        raise fail(argument, value, f"must be one of {', '.join(PARAMETER_TIERS)}")
    return str(value)


def secret_template(argument: str, value: Any) -> dict[str, Any]:
    """The JSON object the generated password is added to; must not carry a password itself."""
    template = require_mapping(argument, value)
    for key, item in template.items():
        if not isinstance(key, str) or not key:
            raise fail(f"{argument}", key, "keys must be non-empty strings")
        if not isinstance(item, str | int | float | bool) and item is not None:
            raise fail(
                f"{argument}.{key}", item, "values must be strings, numbers, booleans or None"
            )
    if "password" in template:
        raise fail(
            f"{argument}.password",
            Redacted(),
            "the template must not hold a password; it is generated (or use secret_string)",
        )
    return dict(template)


#: Characters JSON escapes with a backslash: each takes two bytes in the stored value.
_JSON_ESCAPED = ('"', "\\")


def longest_password(length: int, exclude_characters: str) -> str:
    """A password of ``length`` as long as any the generator can make once JSON-escaped: all
    '"' (or '\\') when exclude_characters leaves one of them in the alphabet (each becomes two
    bytes in the secret's JSON), else plain characters. The generator draws from printable
    ASCII punctuation, letters and digits only (rotation_handlers/password_generator.py)."""
    for character in _JSON_ESCAPED:
        if character not in exclude_characters:
            return character * length
    return "x" * length


def password_policy(argument: str, value: Any) -> dict[str, Any]:
    """``length`` (8-4096) and ``exclude_characters`` (printable ASCII) for generated passwords."""
    policy = require_mapping(argument, value)
    reject_unknown_keys(argument, policy, ("length", "exclude_characters"))
    length = require_int(
        f"{argument}.length",
        policy.get("length", DEFAULT_LENGTH),
        PASSWORD_LENGTH_MIN,
        PASSWORD_LENGTH_MAX,
    )
    excluded = policy.get("exclude_characters", DEFAULT_EXCLUDE_CHARACTERS)
    if not isinstance(excluded, str) or any(c not in string.printable for c in excluded):
        raise fail(
            f"{argument}.exclude_characters", excluded, "must be a string of printable ASCII"
        )
    classes = [string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation]
    remaining = [c for c in classes if set(c) - set(excluded)]
    if not remaining:
        raise fail(f"{argument}.exclude_characters", excluded, "excludes every usable character")
    if length < len(remaining):
        raise fail(
            f"{argument}.length",
            length,
            f"must be at least {len(remaining)} so every remaining character class appears",
        )
    return {"length": length, "exclude_characters": excluded}


# --- time ---------------------------------------------------------------------------------------


def future_timestamp(argument: str, value: Any, now: datetime | None = None) -> datetime:
    """An ISO 8601 timestamp with a timezone (or an aware datetime), later than now; UTC out."""
    now = now or datetime.now(UTC)
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise fail(
                argument, value, "must be an ISO 8601 timestamp, e.g. 2027-01-31T00:00:00Z"
            ) from None
    else:
        raise fail(argument, value, "must be an ISO 8601 timestamp string or a datetime")
    if moment.tzinfo is None:
        raise fail(argument, value, "must include a timezone (e.g. 'Z' or '+02:00')")
    if moment <= now:
        raise fail(argument, value, f"must be in the future (now is {now:%Y-%m-%dT%H:%M:%SZ})")
    return moment.astimezone(UTC)


#: The longest notification period secretkit accepts. Parameter Store documents none (its
#: policies take a number of Days or Hours), but a notification more than ten years away is a
#: typo, and a number past what a date can hold would only fail inside AWS.
PERIOD_MAX_DAYS = 3650


def period(argument: str, value: Any) -> tuple[int, str]:
    """A notification period such as '15 days' or '12 hours' -> (15, 'Days'): 1 hour to ten
    years."""
    if not isinstance(value, str):
        raise fail(argument, value, "must be a string like '15 days' or '12 hours'")
    match = _PERIOD_RE.fullmatch(value.strip())
    if not match or int(match.group(1)) < 1:
        raise fail(argument, value, "must be a positive number of days or hours, e.g. '15 days'")
    unit = "Hours" if match.group(2).startswith("hour") else "Days"
    amount = int(match.group(1))
    limit = PERIOD_MAX_DAYS if unit == "Days" else PERIOD_MAX_DAYS * 24
    if amount > limit:
        raise fail(
            argument,
            value,
            f"is longer than ten years ({PERIOD_MAX_DAYS} days or {PERIOD_MAX_DAYS * 24} hours), "
            "the longest notification period secretkit accepts",
        )
    return amount, unit


def period_as_timedelta(amount: int, unit: str) -> timedelta:
    """(15, 'Days') -> timedelta(days=15)."""
    return timedelta(hours=amount) if unit == "Hours" else timedelta(days=amount)


# --- Lambda -------------------------------------------------------------------------------------


def lambda_runtime(argument: str, value: Any) -> str:
    """A Lambda Python runtime, python3.11 or newer."""
    runtime = require_string(argument, value)
    match = re.match(r"^python3\.(\d+)$", runtime)
    if not match or int(match.group(1)) < PYTHON_RUNTIME_MIN_MINOR:
        raise fail(
            argument,
            value,
            f"must be a Lambda Python runtime python3.{PYTHON_RUNTIME_MIN_MINOR} or newer "
            "(e.g. python3.13)",
        )
    return runtime


def architecture(argument: str, value: Any) -> str:
    """'arm64' (cheaper) or 'x86_64'."""
    if value not in ("arm64", "x86_64"):
        raise fail(argument, value, "must be 'arm64' or 'x86_64'")
    return str(value)


def log_retention_days(argument: str, value: Any) -> int:
    """One of the retention periods CloudWatch Logs accepts."""
    if isinstance(value, bool) or value not in LOG_RETENTION_DAYS:
        raise fail(
            argument,
            value,
            "must be one of CloudWatch's retention periods: "
            + ", ".join(map(str, LOG_RETENTION_DAYS)),
        )
    return int(value)


def subnet_id(argument: str, value: Any) -> str:
    """subnet-0123abcd..."""
    if not isinstance(value, str) or not _SUBNET_RE.fullmatch(value):
        raise fail(argument, value, "must be a subnet id like subnet-0123456789abcdef0")
    return value


def security_group_id(argument: str, value: Any) -> str:
    """sg-0123abcd..."""
    if not isinstance(value, str) or not _SECURITY_GROUP_RE.fullmatch(value):
        raise fail(argument, value, "must be a security group id like sg-0123456789abcdef0")
    return value


def recovery_window_in_days(argument: str, value: Any) -> int:
    """0 (delete at once) or 7-30 days."""
    value = whole_number(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (value == 0 or 7 <= value <= 30)
    ):
        raise fail(argument, value, "must be 0 (delete immediately) or between 7 and 30 days")
    return value
