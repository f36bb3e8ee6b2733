"""What a Secrets Manager component will create, decided from its parsed arguments alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from secretkit.components import physical_names
from secretkit.components.iam import grants
from secretkit.components.iam.foreign_readers import ReaderRef, is_account_id
from secretkit.components.key_choice import KeyChoice
from secretkit.components.rotation.alarms import check_secret_alarm_names
from secretkit.components.rotation.artifact import HandlerArtifact
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.components.secrets.rotating_secret_args import RotatingSecretSettings
from secretkit.components.secrets.rotation_spec import secret_rotation_artifact


@dataclass(frozen=True)
class SecretPlan:
    """What a Secrets Manager component will create, decided from its parsed arguments alone."""

    where: str
    """The component, as errors name it: "RotatingSecret 'db'"."""
    settings: RotatingSecretSettings
    key: KeyChoice
    """The primary key: the one given, one to create, or a shared RotationFunction's."""
    shared: RotationFunction | None
    """The shared RotationFunction the secret joins, if any."""
    artifact: HandlerArtifact | None
    """The code of the secret's own rotation function (None: no rotation, or a shared one)."""
    multi_region_key: bool = False
    """Create the primary key as a multi-Region key (its replicas encrypt the replicas)."""


def plan_secret(
    where: str, name: str, settings: RotatingSecretSettings, *, multi_region_key: bool = False
) -> SecretPlan:
    """The plan for ``settings``; raises InvalidArgumentError for a derived AWS name that breaks
    a rule, or a strategy whose code or driver is missing."""
    check_names(name, settings)
    shared = shared_function(settings)
    rotation = settings.rotation if shared is None else None
    return SecretPlan(
        where=where,
        settings=settings,
        key=KeyChoice(shared.kms_key_arn) if shared is not None else KeyChoice.of(settings),
        shared=shared,
        artifact=secret_rotation_artifact(rotation) if rotation is not None else None,
        multi_region_key=multi_region_key,
    )


@dataclass(frozen=True)
class ReplicaPlan:
    """How the secret is replicated: which regions, with which keys (Outputs allowed)."""

    regions: Sequence[str]
    key_arns: dict[str, pulumi.Input[str]]
    force_overwrite: bool


def check_names(name: str, settings: RotatingSecretSettings) -> None:
    """The AWS names derived from the component's name: its rotation function's (unless it
    joins a shared one), its readers' inline policies and its rotation alarms'."""
    own_function = settings.rotation is not None and settings.rotation.shared is None
    check_derived_names(name, settings.readers, own_function=own_function)
    function = shared_function(settings)
    join = function.alarms if function is not None else None
    check_secret_alarm_names(name, settings.alarms, join, own_function=own_function)


def check_derived_names(name: str, readers: Sequence[ReaderRef], *, own_function: bool) -> None:
    """The rotation function's names (``own_function``) and each reader's inline policy's,
    derived from the component's ``name``."""
    physical_names.check(name, physical_names.ROTATION_FUNCTION if own_function else ())
    for index, reader in enumerate(readers):
        # An account id or an Output is never granted by an inline policy.
        if isinstance(reader, str | aws.iam.Role) and not is_account_id(reader):
            grants.grant_name(name, reader, f"readers[{index}]")


def shared_function(settings: RotatingSecretSettings) -> RotationFunction | None:
    """The shared RotationFunction the secret joins, if any."""
    if settings.rotation is None or settings.rotation.function is None:
        return None
    function: RotationFunction = settings.rotation.function
    return function
