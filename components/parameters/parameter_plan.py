"""What a SecureParameter will create, decided from its parsed arguments alone."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_aws as aws

from secretkit.components import physical_names
from secretkit.components.iam import grants
from secretkit.components.iam.foreign_readers import is_account_id
from secretkit.components.key_choice import KeyChoice
from secretkit.components.parameters.secure_parameter_args import (
    SecureParameterArgs,
    SecureParameterSettings,
    parse_secure_parameter_args,
)
from secretkit.components.rotation.artifact import HandlerArtifact, rotation_artifact
from secretkit.components.strategies import PARAMETER_STORE


@dataclass(frozen=True)
class ParameterPlan:
    """What a SecureParameter will create, decided from its parsed arguments alone."""

    where: str
    """The component, as errors name it: "SecureParameter 'db'"."""
    settings: SecureParameterSettings
    key: KeyChoice | None
    """The customer managed key: given, or to create; None for the AWS managed aws/ssm key."""
    artifact: HandlerArtifact | None
    """The rotation function's code, when the parameter rotates."""


def plan_secure_parameter(
    where: str, name: str, args: SecureParameterArgs, region: str | None
) -> ParameterPlan:
    """The plan of SecureParameter ``name``; raises InvalidArgumentError for bad input."""
    settings = parse_secure_parameter_args(args, region=region)
    check_names(name, settings)
    artifact = None
    if settings.rotation is not None:
        module = settings.rotation.handler_module
        artifact = rotation_artifact(PARAMETER_STORE.name, module, custom=module is not None)
    key = None
    if settings.create_kms_key or settings.kms_key_arn is not None:
        key = KeyChoice.of(settings)
    return ParameterPlan(where, settings, key, artifact)


def check_names(name: str, settings: SecureParameterSettings) -> None:
    """The AWS names derived from the component's name: the notification rule and topic, the
    rotation schedule and function, the readers' inline policies."""
    derived: list[tuple[str, physical_names.NameRule]] = []
    if settings.notify:
        derived.append(("-policy-events", physical_names.EVENT_RULE))
        if settings.notification_topic_arn is None:
            derived.append(("-notifications", physical_names.SNS_TOPIC))
    if settings.rotation is not None:
        derived.append(("-rotation-schedule", physical_names.EVENT_RULE))
        derived.extend(physical_names.ROTATION_FUNCTION)
    physical_names.check(name, derived)
    for index, reader in enumerate(settings.readers):
        # An account id or an Output is never granted by an inline policy.
        if isinstance(reader, str | aws.iam.Role) and not is_account_id(reader):
            grants.grant_name(name, reader, f"readers[{index}]")
