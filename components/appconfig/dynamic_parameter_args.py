"""DynamicParameter's arguments: the TypedDict users write and the pure check that reads them."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Required, TypedDict

import pulumi

from secretkit.components import limits, validation
from secretkit.components.appconfig import content as contents
from secretkit.components.errors import Redacted
from secretkit.components.iam import grants
from secretkit.components.iam.foreign_readers import is_account_id, parse_readers

#: AWS's predefined deployment strategies ("Using predefined deployment strategies", AppConfig
#: User Guide); their id is their name (botocore appconfig DeploymentStrategyId:
#: ^AppConfig\.[A-Za-z0-9]{9,40}$), which aws.appconfig.Deployment takes as
#: deployment_strategy_id ("Deployment strategy ID or name of a predefined deployment
#: strategy").
PREDEFINED_STRATEGIES = (
    "AppConfig.AllAtOnce",
    "AppConfig.Linear50PercentEvery30Seconds",
    "AppConfig.Canary10Percent20Minutes",
    "AppConfig.Linear20PercentEvery6Minutes",
)
DEFAULT_STRATEGY = "AppConfig.AllAtOnce"
GROWTH_TYPES = ("LINEAR", "EXPONENTIAL")
#: botocore appconfig MinutesBetween0And24Hours: a deployment's duration and bake time.
MAX_MINUTES = 1440
#: botocore appconfig Id: an application's id.
_APPLICATION_ID = re.compile(r"[a-z0-9]{4,7}")
_ALARM_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*|aws-eusc):cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+"
)
_LAMBDA_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*|aws-eusc):lambda:[a-z0-9-]+:\d{12}:function:"
    r"[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]+))?"
)


class DeploymentStrategyArgs(TypedDict, total=False):
    """A deployment strategy of your own (aws.appconfig.DeploymentStrategy)."""

    deployment_duration_in_minutes: Required[int]
    """Total time of a deployment, 0-1440 minutes."""
    growth_factor: Required[float]
    """Percentage of targets that receive the configuration at each interval, 1-100."""
    growth_type: str
    """'LINEAR' (default) or 'EXPONENTIAL'."""
    final_bake_time_in_minutes: int
    """Minutes AppConfig watches the rollback alarms after the deployment, 0-1440 (default 0)."""
    description: str
    """Description of the strategy (up to 1024 characters)."""


class DynamicParameterArgs(TypedDict, total=False):
    """Arguments of DynamicParameter."""

    application_name: str
    """Name of the AppConfig application to create (1-64 characters). Give this or
    application_id."""
    application_id: str
    """Id of an existing AppConfig application (4-7 lowercase letters and digits) to add the
    environment and profile to, instead of creating one."""
    environment_name: Required[str]
    """Name of the environment, e.g. 'prod' (1-64 characters)."""
    profile_name: Required[str]
    """Name of the hosted configuration profile (1-128 characters)."""
    content: Required[Any]
    """The configuration: a dict (serialized as JSON, or YAML with content_type
    'application/x-yaml'; its values may be other resources' outputs, checked once known), or a
    JSON, YAML or text string. Not for secrets: a value under a key
    that names a credential (password, token, api_key, ...) or a Pulumi secret is refused; use
    SecureParameter or RotatingSecret."""
    content_type: str
    """'application/json' (default), 'application/x-yaml' or 'text/plain'."""
    profile_type: str
    """'AWS.Freeform' (default) or 'AWS.AppConfig.FeatureFlags' (JSON in AppConfig's feature
    flag format)."""
    json_schema: Any
    """A JSON Schema (a dict or a JSON string) the content must match: AppConfig validates every
    deployment against it, and secretkit checks the content before registering anything."""
    lambda_validator_arn: str
    """ARN of a Lambda function AppConfig calls to validate each deployment."""
    deployment_strategy: Any
    """A predefined strategy's name ('AppConfig.AllAtOnce', the default;
    'AppConfig.Linear50PercentEvery30Seconds', 'AppConfig.Canary10Percent20Minutes',
    'AppConfig.Linear20PercentEvery6Minutes'), or a DeploymentStrategyArgs dict to create
    one."""
    rollback_alarm_arns: Sequence[str]
    """CloudWatch alarm ARNs (at most 5) AppConfig watches during a deployment, rolling back
    when one goes into ALARM; secretkit creates the role AppConfig uses to read them."""
    readers: Sequence[pulumi.Input[str]]
    """IAM role names or ARNs of the deploying account that may read the deployed
    configuration (appconfig:StartConfigurationSession and GetLatestConfiguration on exactly
    this application, environment and profile)."""
    description: str
    """Description of the created application, environment, profile and versions (up to 1024
    characters)."""
    tags: Mapping[str, str]
    """Tags for every taggable resource created."""


ARGUMENTS = tuple(DynamicParameterArgs.__annotations__)
STRATEGY_ARGUMENTS = tuple(DeploymentStrategyArgs.__annotations__)


@dataclass(frozen=True)
class StrategySettings:
    """A deployment strategy to create."""

    deployment_duration_in_minutes: int
    growth_factor: float
    growth_type: str
    final_bake_time_in_minutes: int
    description: str | None


@dataclass(frozen=True)
class DynamicParameterSettings:
    """DynamicParameter's arguments, checked."""

    application_name: str | None
    application_id: str | None
    environment_name: str
    profile_name: str
    profile_type: str
    content: contents.Content | None
    """The content when known now; None when given as an Output (checked once known)."""
    content_output: pulumi.Output[Any] | None
    content_type: str | None
    json_schema: dict[str, Any] | None
    json_schema_text: str | None
    lambda_validator_arn: str | None
    predefined_strategy: str | None
    strategy: StrategySettings | None
    rollback_alarm_arns: tuple[str, ...]
    readers: tuple[grants.RoleRef | pulumi.Output[str], ...]
    description: str | None
    tags: dict[str, str]


def parse_dynamic_parameter_args(args: Any) -> DynamicParameterSettings:
    """Every check DynamicParameter makes before registering anything."""
    given = validation.require_mapping("args", args)
    validation.reject_unknown_keys("", given, ARGUMENTS)
    for required in ("environment_name", "profile_name", "content"):
        if given.get(required) is None:
            raise validation.fail(required, None, "is required")
    application_name, application_id = _parse_application(given)
    description = given.get("description")
    if description is not None:
        description = validation.description(
            "description", description, limits.APPCONFIG_DESCRIPTION.maximum
        )
        if not description.isascii():
            raise validation.fail(
                "description",
                description,
                "must be ASCII: it is also the hosted configuration version's description, "
                "sent as an HTTP header (CreateHostedConfigurationVersion: 'Due to HTTP "
                "limitations, this field only supports ASCII characters')",
            )
    profile_type = given.get("profile_type", contents.FREEFORM)
    if profile_type not in contents.PROFILE_TYPES:
        raise validation.fail(
            "profile_type", profile_type, f"must be one of {', '.join(contents.PROFILE_TYPES)}"
        )
    schema, schema_text = (None, None)
    if given.get("json_schema") is not None:
        schema, schema_text = contents.parse_schema(given["json_schema"])
    content_type = given.get("content_type")
    if content_type is not None:
        content_type = validation.require_string("content_type", content_type)
    raw = given["content"]
    if isinstance(raw, Mapping) and _holds_output(raw):
        # Another resource's output inside the document (a queue URL, a table name): the
        # whole content is known, and checked, at deployment.
        raw = pulumi.Output.from_input(raw)
    content = None
    content_output = None
    if isinstance(raw, pulumi.Output):
        content_output = raw
        if content_type is not None and content_type not in contents.CONTENT_TYPES:
            raise validation.fail(
                "content_type",
                content_type,
                f"must be one of {', '.join(contents.CONTENT_TYPES)}",
            )
    else:
        content = check_content(raw, content_type, profile_type, schema)
    predefined, strategy = _parse_strategy(given.get("deployment_strategy", DEFAULT_STRATEGY))
    lambda_validator = given.get("lambda_validator_arn")
    if lambda_validator is not None and not (
        isinstance(lambda_validator, str) and _LAMBDA_ARN.fullmatch(lambda_validator)
    ):
        raise validation.fail(
            "lambda_validator_arn",
            lambda_validator,
            "must be a Lambda function ARN: arn:aws:lambda:<region>:<account>:function:<name>",
        )
    return DynamicParameterSettings(
        application_name=application_name,
        application_id=application_id,
        environment_name=_name("environment_name", given["environment_name"]),
        profile_name=_name("profile_name", given["profile_name"], limits.APPCONFIG_PROFILE_NAME),
        profile_type=profile_type,
        content=content,
        content_output=content_output,
        content_type=content.content_type if content else content_type,
        json_schema=schema,
        json_schema_text=schema_text,
        lambda_validator_arn=lambda_validator,
        predefined_strategy=predefined,
        strategy=strategy,
        rollback_alarm_arns=_parse_alarms(given.get("rollback_alarm_arns", [])),
        readers=_parse_readers(given.get("readers", [])),
        description=description,
        tags=validation.tags("tags", given.get("tags", {})),
    )


def check_content(
    raw: Any, content_type: str | None, profile_type: str, schema: dict[str, Any] | None
) -> contents.Content:
    """The content serialized and checked: size, no credential, the feature-flag format for a
    feature-flag profile, and the JSON Schema when one is given."""
    content = contents.serialize("content", raw, content_type)
    contents.check_size("content", content)
    contents.refuse_credentials("content", content)
    if profile_type == contents.FEATURE_FLAGS:
        contents.check_feature_flags("content", content)
    if schema is not None:
        if content.parsed is None:
            raise validation.fail(
                "json_schema",
                "<schema>",
                f"applies to JSON or YAML content, and content_type is {content.content_type}",
            )
        contents.check_against_schema("content", content, schema)
    return content


def _holds_output(value: Any) -> bool:
    """Whether a dict or list holds a pulumi.Output at any depth."""
    if isinstance(value, pulumi.Output):
        return True
    if isinstance(value, Mapping):
        return any(_holds_output(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_output(item) for item in value)
    return False


def refuse_secret_content() -> None:
    """The refusal of a content given as a Pulumi secret: AppConfig is not a secret store."""
    raise validation.fail("content", Redacted(), f"is a Pulumi secret; {contents.SECRET_REMEDY}")


def _parse_application(given: Mapping[str, Any]) -> tuple[str | None, str | None]:
    name = given.get("application_name")
    application_id = given.get("application_id")
    if (name is None) == (application_id is None):
        raise validation.fail(
            "application_name",
            name,
            "give exactly one of application_name (an application to create) and "
            "application_id (an existing application)",
        )
    if application_id is not None:
        if not isinstance(application_id, str) or not _APPLICATION_ID.fullmatch(application_id):
            raise validation.fail(
                "application_id",
                application_id,
                "must be an AppConfig application id: 4-7 lowercase letters and digits "
                "(botocore appconfig Id, pattern [a-z0-9]{4,7})",
            )
        return None, application_id
    return _name("application_name", name), None


def _name(argument: str, value: Any, limit: limits.Limit = limits.APPCONFIG_NAME) -> str:
    text = validation.require_string(argument, value)
    if not limit.minimum <= len(text) <= limit.maximum:
        raise validation.fail(
            argument,
            value,
            f"must be {limit.minimum}-{limit.maximum} characters, got {len(text)} "
            f"({limit.what}; source: {limit.source})",
        )
    return text


def _parse_strategy(value: Any) -> tuple[str | None, StrategySettings | None]:
    if isinstance(value, str):
        if value not in PREDEFINED_STRATEGIES:
            raise validation.fail(
                "deployment_strategy",
                value,
                "must be one of AWS's predefined strategies "
                f"({', '.join(PREDEFINED_STRATEGIES)}) or a dict for a strategy of your own",
            )
        return value, None
    given = validation.require_mapping("deployment_strategy", value)
    validation.reject_unknown_keys("deployment_strategy", given, STRATEGY_ARGUMENTS)
    for required in ("deployment_duration_in_minutes", "growth_factor"):
        if given.get(required) is None:
            raise validation.fail(f"deployment_strategy.{required}", None, "is required")
    duration = validation.require_int(
        "deployment_strategy.deployment_duration_in_minutes",
        given["deployment_duration_in_minutes"],
        0,
        MAX_MINUTES,
        " minutes",
    )
    bake = validation.require_int(
        "deployment_strategy.final_bake_time_in_minutes",
        given.get("final_bake_time_in_minutes", 0),
        0,
        MAX_MINUTES,
        " minutes",
    )
    growth = given["growth_factor"]
    if isinstance(growth, bool) or not isinstance(growth, int | float) or not 1 <= growth <= 100:
        raise validation.fail(
            "deployment_strategy.growth_factor",
            growth,
            "must be a number from 1 to 100 (percent of targets per interval; botocore "
            "appconfig GrowthFactor)",
        )
    growth_type = given.get("growth_type", "LINEAR")
    if growth_type not in GROWTH_TYPES:
        raise validation.fail(
            "deployment_strategy.growth_type", growth_type, "must be 'LINEAR' or 'EXPONENTIAL'"
        )
    description = given.get("description")
    if description is not None:
        description = validation.description(
            "deployment_strategy.description", description, limits.APPCONFIG_DESCRIPTION.maximum
        )
    return None, StrategySettings(duration, float(growth), growth_type, bake, description)


def _parse_alarms(value: Any) -> tuple[str, ...]:
    alarms = validation.require_string_list("rollback_alarm_arns", value)
    if len(alarms) > limits.APPCONFIG_MONITORS.maximum:
        raise limits.refuse(
            "rollback_alarm_arns",
            alarms,
            limits.APPCONFIG_MONITORS,
            len(alarms),
            "the environment's monitors",
        )
    for index, alarm in enumerate(alarms):
        if not _ALARM_ARN.fullmatch(alarm):
            raise validation.fail(
                f"rollback_alarm_arns[{index}]",
                alarm,
                "must be a CloudWatch alarm ARN: arn:aws:cloudwatch:<region>:<account>:alarm:"
                "<name>",
            )
    if len(set(alarms)) != len(alarms):
        raise validation.fail("rollback_alarm_arns", alarms, "names an alarm twice")
    return tuple(alarms)


#: Why a reader in another account is refused: AppConfig has no resource policies.
FOREIGN_REMEDY = (
    "AppConfig has no resource policies, so a configuration cannot be shared with another "
    "account's role; give that account a role of this account to assume, or deploy a "
    "DynamicParameter in that account"
)


def _parse_readers(value: Any) -> tuple[grants.RoleRef | pulumi.Output[str], ...]:
    readers = parse_readers("readers", value)
    for index, reader in enumerate(readers):
        if isinstance(reader, str) and is_account_id(reader):
            raise validation.fail(
                f"readers[{index}]", reader, f"is an account id: {FOREIGN_REMEDY}"
            )
    return tuple(readers)
