"""AWS's documented limits on the strings and documents secretkit derives, with their sources.

Each :class:`Limit` names where the figure comes from: the service's API model as botocore ships
it (``botocore/data/<service>/<version>/service-2.json``, the shape named), a page of AWS's
documentation, or the validation pulumi-aws runs at plan. docs/limits.md is the same table for
users; ``tests/components/test_limits.py`` checks the two agree.

The checks here are pure: :func:`size` measures a value as AWS does for that limit,
:func:`shorten` makes a derived free-text string fit with a stable, documented scheme, and
:func:`refuse` builds the project's error (argument, value, rule with the size and the limit).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from secretkit.components.errors import InvalidArgumentError

CHARACTERS = "characters"
BYTES = "bytes"
#: IAM counts a policy's characters without whitespace ("IAM and AWS STS quotas").
NON_WHITESPACE = "characters, whitespace not counted"
ITEMS = "items"


@dataclass(frozen=True)
class Limit:
    """One documented limit: what it bounds, the maximum, its unit and where it is written."""

    what: str
    maximum: int
    unit: str
    source: str
    minimum: int = 0


_BOTOCORE = "botocore API model"
_IAM_QUOTAS = "IAM User Guide, 'IAM and AWS STS quotas'"
_TAGGING = (
    "botocore API model, iam tagKeyType (max 128), iam tagValueType (max 256), iam tagListType "
    "(max 50); 'Tag restrictions' in the services' user guides: 50 user tags per resource"
)

EVENT_RULE_DESCRIPTION = Limit(
    "EventBridge rule description",
    512,
    CHARACTERS,
    f"{_BOTOCORE}, events RuleDescription (max 512); pulumi-aws: 'expected length of "
    "description to be in the range (0 - 512)'",
)
SCHEDULE_EXPRESSION = Limit(
    "schedule expression",
    256,
    CHARACTERS,
    f"{_BOTOCORE}, events ScheduleExpression and secretsmanager ScheduleExpressionType "
    "(max 256); pulumi-aws: 'expected length of schedule_expression to be in the range "
    "(0 - 256)'",
)
LAMBDA_HANDLER = Limit(
    "Lambda handler",
    128,
    CHARACTERS,
    f"{_BOTOCORE}, lambda Handler (max 128, pattern [^\\s]+); pulumi-aws: 'expected length "
    "of handler to be in the range (1 - 128)'",
    minimum=1,
)
LAMBDA_DESCRIPTION = Limit(
    "Lambda function description", 256, CHARACTERS, f"{_BOTOCORE}, lambda Description (max 256)"
)
LAMBDA_ENVIRONMENT = Limit(
    "Lambda environment",
    4096,
    BYTES,
    "Lambda Developer Guide, 'Lambda quotas': environment variables 4 KB, all variables "
    "together (the sum of the names and values)",
)
LAMBDA_SUBNETS = Limit(
    "subnets of a Lambda function", 16, ITEMS, f"{_BOTOCORE}, lambda SubnetIds (max 16)"
)
LAMBDA_SECURITY_GROUPS = Limit(
    "security groups of a Lambda function",
    5,
    ITEMS,
    f"{_BOTOCORE}, lambda SecurityGroupIds (max 5)",
)
LAMBDA_FUNCTION_NAME = Limit(
    "Lambda function name",
    64,
    CHARACTERS,
    "Lambda API reference, CreateFunction FunctionName: 'The length constraint applies only "
    "to the full ARN. If you specify only the function name, it is limited to 64 characters'",
)
LOG_GROUP_NAME = Limit(
    "CloudWatch log group name", 512, CHARACTERS, f"{_BOTOCORE}, logs LogGroupName (max 512)"
)
IAM_ROLE_NAME = Limit("IAM role name", 64, CHARACTERS, f"{_BOTOCORE}, iam roleNameType (max 64)")
IAM_ROLE_DESCRIPTION = Limit(
    "IAM role description", 1000, CHARACTERS, f"{_BOTOCORE}, iam roleDescriptionType (max 1000)"
)
IAM_POLICY_NAME = Limit(
    "IAM policy name", 128, CHARACTERS, f"{_BOTOCORE}, iam policyNameType (max 128)"
)
IAM_ARN = Limit(
    "IAM ARN (permissions boundary)",
    2048,
    CHARACTERS,
    f"{_BOTOCORE}, iam arnType (min 20, max 2048), the type of PermissionsBoundary",
    minimum=20,
)
IAM_INLINE_POLICIES = Limit(
    "inline policies of one IAM role, together", 10_240, NON_WHITESPACE, _IAM_QUOTAS
)
IAM_USER_INLINE_POLICIES = Limit(
    "inline policies of one IAM user, together", 2_048, NON_WHITESPACE, _IAM_QUOTAS
)
IAM_GROUP_INLINE_POLICIES = Limit(
    "inline policies of one IAM group, together", 5_120, NON_WHITESPACE, _IAM_QUOTAS
)
IAM_MANAGED_POLICY = Limit("IAM managed policy", 6_144, NON_WHITESPACE, _IAM_QUOTAS)
IAM_MANAGED_POLICIES_PER_ROLE = Limit(
    "managed policies attached to one IAM role (or user)",
    10,
    ITEMS,
    f"{_IAM_QUOTAS} (default; adjustable up to 20)",
)
#: What Service Quotas can raise the managed policies per role (and per user) to.
IAM_MANAGED_POLICIES_RAISED = 20
IAM_MANAGED_POLICIES_PER_GROUP = Limit(
    "managed policies attached to one IAM group", 10, ITEMS, _IAM_QUOTAS
)
IAM_TRUST_POLICY = Limit(
    "IAM role trust policy", 2_048, NON_WHITESPACE, f"{_IAM_QUOTAS} (default, adjustable)"
)
TAG_KEY = Limit("tag key", 128, CHARACTERS, _TAGGING, minimum=1)
TAG_VALUE = Limit("tag value", 256, CHARACTERS, _TAGGING)
TAGS_PER_RESOURCE = Limit("tags on one resource", 50, ITEMS, _TAGGING)
SECRET_NAME = Limit(
    "Secrets Manager secret name", 512, CHARACTERS, f"{_BOTOCORE}, secretsmanager NameType"
)
SECRET_DESCRIPTION = Limit(
    "Secrets Manager secret description",
    2048,
    CHARACTERS,
    f"{_BOTOCORE}, secretsmanager DescriptionType (max 2048)",
)
SECRET_VALUE = Limit(
    "Secrets Manager secret value",
    65_536,
    BYTES,
    f"{_BOTOCORE}, secretsmanager SecretStringType (min 1, max 65536); Secrets Manager quotas: "
    "64 KB",
    minimum=1,
)
ROTATION_DURATION = Limit(
    "rotation window (Duration)",
    3,
    CHARACTERS,
    f"{_BOTOCORE}, secretsmanager DurationType (min 2, max 3, pattern [0-9]+h)",
    minimum=2,
)
SECRET_RESOURCE_POLICY = Limit(
    "Secrets Manager resource policy",
    20_480,
    CHARACTERS,
    f"{_BOTOCORE}, secretsmanager NonEmptyResourcePolicyType (max 20480)",
)
KMS_KEY_POLICY = Limit(
    "KMS key policy",
    32_768,
    BYTES,
    "KMS Developer Guide, 'Key policy format': 'Up to 32 kilobytes (32,768 bytes)'",
)
KMS_KEY_DESCRIPTION = Limit(
    "KMS key description", 8_192, CHARACTERS, f"{_BOTOCORE}, kms DescriptionType (max 8192)"
)
SNS_TOPIC_POLICY = Limit(
    "SNS topic policy",
    30_720,
    BYTES,
    "SNS Developer Guide, 'Amazon SNS API permissions: Actions and resources reference', "
    "Policy quotas: Bytes 30 kb",
)
APPCONFIG_NAME = Limit(
    "AppConfig application, environment or deployment strategy name",
    64,
    CHARACTERS,
    f"{_BOTOCORE}, appconfig Name (min 1, max 64); pulumi-aws: 'Must be between 1 and 64 "
    "characters in length'",
    minimum=1,
)
APPCONFIG_PROFILE_NAME = Limit(
    "AppConfig configuration profile name",
    128,
    CHARACTERS,
    f"{_BOTOCORE}, appconfig LongName (min 1, max 128), the Name of "
    "CreateConfigurationProfileRequest",
    minimum=1,
)
APPCONFIG_DESCRIPTION = Limit(
    "AppConfig description",
    1024,
    CHARACTERS,
    f"{_BOTOCORE}, appconfig Description (max 1024)",
)
APPCONFIG_VALIDATOR = Limit(
    "AppConfig validator content (JSON Schema or Lambda ARN)",
    32_768,
    CHARACTERS,
    f"{_BOTOCORE}, appconfig StringWithLengthBetween0And32768, the Content of a Validator",
)
APPCONFIG_MONITORS = Limit(
    "CloudWatch alarms an AppConfig environment monitors",
    5,
    ITEMS,
    f"{_BOTOCORE}, appconfig MonitorList (max 5); pulumi-aws: 'Maximum of 5'",
)
APPCONFIG_HOSTED_CONTENT = Limit(
    "AppConfig hosted configuration",
    1_048_576,
    BYTES,
    "CloudFormation Template Reference, AWS::AppConfig::HostedConfigurationVersion: "
    "'Configurations must be 1 MB or smaller'",
)
ALARM_NAME = Limit(
    "CloudWatch alarm name", 255, CHARACTERS, f"{_BOTOCORE}, cloudwatch AlarmName (max 255)"
)
ALARM_DESCRIPTION = Limit(
    "CloudWatch alarm description",
    1_024,
    CHARACTERS,
    f"{_BOTOCORE}, cloudwatch AlarmDescription (max 1024)",
)
SNS_TOPIC_NAME = Limit(
    "SNS topic name",
    256,
    CHARACTERS,
    "SNS API Reference, CreateTopic, Name: 'Topic names must be made up of only uppercase and "
    "lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 "
    "characters long'",
)

#: Every limit above, in the order docs/limits.md lists them.
TABLE = (
    EVENT_RULE_DESCRIPTION,
    SCHEDULE_EXPRESSION,
    LAMBDA_HANDLER,
    LAMBDA_DESCRIPTION,
    LAMBDA_ENVIRONMENT,
    LAMBDA_SUBNETS,
    LAMBDA_SECURITY_GROUPS,
    LAMBDA_FUNCTION_NAME,
    LOG_GROUP_NAME,
    IAM_ROLE_NAME,
    IAM_ROLE_DESCRIPTION,
    IAM_POLICY_NAME,
    IAM_ARN,
    IAM_INLINE_POLICIES,
    IAM_USER_INLINE_POLICIES,
    IAM_GROUP_INLINE_POLICIES,
    IAM_MANAGED_POLICY,
    IAM_MANAGED_POLICIES_PER_ROLE,
    IAM_MANAGED_POLICIES_PER_GROUP,
    IAM_TRUST_POLICY,
    TAG_KEY,
    TAG_VALUE,
    TAGS_PER_RESOURCE,
    SECRET_NAME,
    SECRET_DESCRIPTION,
    SECRET_VALUE,
    ROTATION_DURATION,
    SECRET_RESOURCE_POLICY,
    KMS_KEY_POLICY,
    KMS_KEY_DESCRIPTION,
    SNS_TOPIC_POLICY,
    APPCONFIG_NAME,
    APPCONFIG_PROFILE_NAME,
    APPCONFIG_DESCRIPTION,
    APPCONFIG_VALIDATOR,
    APPCONFIG_MONITORS,
    APPCONFIG_HOSTED_CONTENT,
    ALARM_NAME,
    ALARM_DESCRIPTION,
    SNS_TOPIC_NAME,
)

#: The longest partition and region secretkit accepts, to bound ARNs known only at deploy time.
_LONGEST_ARN_PREFIX = "arn:aws-us-gov:{service}:ap-southeast-7:123456789012:"
#: The longest secret ARN: prefix, 'secret:', a 512-character name, '-' and 6 characters.
SECRET_ARN_LONGEST = (
    len(_LONGEST_ARN_PREFIX.format(service="secretsmanager")) + len("secret:") + 512 + 7
)
#: The longest KMS key ARN: a multi-Region key's id, 'mrk-' and 32 hex characters.
KEY_ARN_LONGEST = len(_LONGEST_ARN_PREFIX.format(service="kms")) + len("key/mrk-") + 32

#: Lambda's environment variable names (botocore lambda EnvironmentVariableName): a letter,
#: then at least one letter, digit or underscore.
VARIABLE_NAME_PATTERN = r"[a-zA-Z]([a-zA-Z0-9_])+"
#: The characters of a tag key or value, as IAM's model writes them (tagKeyType).
TAG_PATTERN = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]"
_TAG_SYMBOLS = frozenset("_.:/=+-@")


def tag_character_allowed(character: str) -> bool:
    """Whether ``character`` matches TAG_PATTERN: a Unicode letter (L*), separator (Z*) or
    number (N*), or one of _ . : / = + - @ (Python's re has no \\p{...} classes)."""
    return character in _TAG_SYMBOLS or unicodedata.category(character)[0] in "LZN"


def size(limit: Limit, value: Any) -> int:
    """``value`` measured as AWS measures it for ``limit``: a string in characters or UTF-8
    bytes, a policy document (a dict) serialized as pulumi.Output.json_dumps does (the
    default json.dumps), a collection by its number of items."""
    if limit.unit == ITEMS:
        return len(value)
    text = value if isinstance(value, str) else json.dumps(value)
    if limit.unit == BYTES:
        return len(text.encode("utf-8"))
    if limit.unit == NON_WHITESPACE:
        return sum(1 for character in text if not character.isspace())
    return len(text)


def fits(limit: Limit, value: Any) -> bool:
    """Whether ``value`` is within ``limit``."""
    return limit.minimum <= size(limit, value) <= limit.maximum


#: Length of the digest :func:`shorten` appends (hex characters of the SHA-256).
DIGEST_LENGTH = 8
ELISION = "..."


def shorten(limit: Limit, prefix: str, variable: str, suffix: str = "") -> str:
    """``prefix + variable + suffix``, or, only when that is over ``limit``, the same with
    ``variable`` cut to fit and followed by '...' and the first 8 hex characters of the SHA-256
    of the whole ``variable``.

    Stable (the same input always gives the same string) and distinct for different variables
    with the same beginning. A string that fits is never changed: only what AWS would refuse
    anyway is shortened, so no deployed resource sees a new input.
    """
    whole = f"{prefix}{variable}{suffix}"
    if size(limit, whole) <= limit.maximum:
        return whole
    digest = hashlib.sha256(variable.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]
    room = limit.maximum - len(prefix) - len(suffix) - len(ELISION) - DIGEST_LENGTH
    if room < 0:
        raise ValueError(f"{limit.what}: no room for any of the variable part")
    return f"{prefix}{variable[:room]}{ELISION}{digest}{suffix}"


def refuse(argument: str, value: Any, limit: Limit, found: int, what: str) -> InvalidArgumentError:
    """The error for an argument that makes ``what`` (e.g. "the rotation function's
    environment") ``found`` units long, over ``limit``; raise it at the call site."""
    return InvalidArgumentError(
        argument,
        value,
        f"makes {what} {found} {limit.unit}; AWS allows at most {limit.maximum} "
        f"({limit.what}; source: {limit.source})",
    )


def check(argument: str, value: Any, limit: Limit, measured: Any, what: str) -> None:
    """Refuse ``argument`` = ``value`` when ``measured`` (the derived string or document) is
    over ``limit``."""
    found = size(limit, measured)
    if found > limit.maximum:
        raise refuse(argument, value, limit, found, what)
