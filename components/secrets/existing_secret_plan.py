"""What an ExistingSecret will register, decided from its parsed arguments alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secretkit.components import validation
from secretkit.components.rotation.alarms import check_secret_alarm_names
from secretkit.components.rotation.artifact import HandlerArtifact
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.components.secrets.existing_secret_args import (
    POLICY_REPLACED,
    ExistingSecretSettings,
    parse_existing_secret_args,
)
from secretkit.components.secrets.rotation_spec import (
    secret_rotation_artifact,
)
from secretkit.components.secrets.secret_plan import check_derived_names


@dataclass(frozen=True)
class ExistingSecretPlan:
    """What an ExistingSecret will register, decided from its parsed arguments alone."""

    where: str
    """The component, as errors name it: "ExistingSecret 'db'"."""
    settings: ExistingSecretSettings
    shared: RotationFunction | None
    """The shared RotationFunction that rotates the secret, if any."""
    artifact: HandlerArtifact | None
    """The code of the secret's own rotation function (None: no rotation, or a shared one)."""


def plan_existing_secret(
    where: str, name: str, given: Any, region: str | None
) -> ExistingSecretPlan:
    """The plan for the arguments ``given``; raises InvalidArgumentError for a bad argument, a
    derived AWS name that breaks a rule, or a strategy whose code or driver is missing."""
    settings = parse_existing_secret_args(given, region)
    rotation = settings.rotation
    own = rotation is not None and rotation.shared is None
    shared: RotationFunction | None = rotation.function if rotation is not None else None
    check_derived_names(name, settings.readers, own_function=own)
    join = shared.alarms if shared is not None else None
    check_secret_alarm_names(name, settings.alarms, join, own_function=own)
    if shared is not None and not settings.manage_resource_policy:
        raise validation.fail(
            "rotation.function",
            f"RotationFunction '{shared.pulumi_resource_name}'",
            "lets its role rotate a member through the member's resource policy, and "
            + POLICY_REPLACED,
        )
    return ExistingSecretPlan(
        where=where,
        settings=settings,
        shared=shared,
        artifact=secret_rotation_artifact(rotation) if own and rotation is not None else None,
    )
