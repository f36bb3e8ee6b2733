"""What a DynamicParameter will create, decided from its parsed arguments alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pulumi_aws as aws

from secretkit.components import limits, physical_names
from secretkit.components.appconfig.dynamic_parameter_args import (
    DynamicParameterSettings,
    parse_dynamic_parameter_args,
)
from secretkit.components.iam import grants
from secretkit.components.iam.appconfig_rollback import rollback_alarms_policy

#: An auto-named deployment strategy: '<component>-strategy-<7 hex>', within AppConfig's 64
#: characters (botocore appconfig Name has no pattern: any character).
APPCONFIG_STRATEGY = physical_names.NameRule(
    "AppConfig deployment strategy name",
    limits.APPCONFIG_NAME.maximum,
    re.compile(r".", re.DOTALL),
    "any characters",
)
#: The rollback role and its inline policy, both '<component>-rollback-<7 hex>'.
ROLLBACK_ROLE = (("-rollback", physical_names.IAM_ROLE), ("-rollback", physical_names.IAM_POLICY))


@dataclass(frozen=True)
class DynamicParameterPlan:
    """What a DynamicParameter will create, decided from its parsed arguments alone."""

    where: str
    """The component, as errors name it: "DynamicParameter 'flags'"."""
    settings: DynamicParameterSettings
    rollback_policy: dict[str, Any] | None
    """The rollback role's policy, when rollback alarms are given."""


def plan_dynamic_parameter(where: str, name: str, args: Any) -> DynamicParameterPlan:
    """The plan of DynamicParameter ``name``; raises InvalidArgumentError for bad input."""
    settings = parse_dynamic_parameter_args(args)
    derived: list[tuple[str, physical_names.NameRule]] = []
    if settings.strategy is not None:
        derived.append(("-strategy", APPCONFIG_STRATEGY))
    rollback_policy = None
    if settings.rollback_alarm_arns:
        derived.extend(ROLLBACK_ROLE)
        rollback_policy = rollback_alarms_policy(settings.rollback_alarm_arns)
        limits.check(
            "rollback_alarm_arns",
            list(settings.rollback_alarm_arns),
            limits.IAM_INLINE_POLICIES,
            rollback_policy,
            "the rollback role's policy",
        )
    physical_names.check(name, derived)
    for index, reader in enumerate(settings.readers):
        if isinstance(reader, str | aws.iam.Role):
            grants.grant_name(name, reader, f"readers[{index}]")
    return DynamicParameterPlan(where, settings, rollback_policy)
