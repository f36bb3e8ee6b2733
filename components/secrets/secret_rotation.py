"""A secret's rotation registered: its own rotation function, and the schedule that invokes it
(RotatingSecret, CrossRegionReplicatedSecret and ExistingSecret share them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from secretkit.components.aws_context import AwsContext
from secretkit.components.iam.replicas import SecretLocation
from secretkit.components.input_gate import InputGate
from secretkit.components.rotation.artifact import HandlerArtifact
from secretkit.components.rotation.function_settings import FunctionSettings
from secretkit.components.rotation.lambda_function import (
    FunctionResources,
    FunctionSite,
    create_rotation_function,
    register_log_group,
)
from secretkit.components.secrets.rotating_secret_args import RotationSettings
from secretkit.components.secrets.rotation_spec import secret_rotation_spec


@dataclass(frozen=True)
class OwnFunction:
    """Where a secret's own rotation function goes and what it is made of."""

    name: str
    """The component's name (the function's resources are named from it)."""
    parent: pulumi.Resource
    settings: FunctionSettings
    tags: dict[str, str]
    artifact: HandlerArtifact


def register_own_function(
    own: OwnFunction,
    rotation: RotationSettings,
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    *,
    context: AwsContext,
    gate: InputGate,
    replicas: Sequence[SecretLocation] = (),
    transition_key_arns: Sequence[str] = (),
) -> FunctionResources:
    """A rotation function of the secret's own, with its log group: rights for exactly this
    secret (secret_rotation_spec), waiting for the gate's checks. ``key_arn`` None: the AWS
    managed key aws/secretsmanager; ``transition_key_arns``: the other key of a key change."""
    site = FunctionSite(own.name, own.settings, own.tags, own.parent, gate.depends_on())
    log_group = register_log_group(site)
    spec = secret_rotation_spec(
        rotation,
        own.settings,
        own.artifact,
        secret_arn,
        key_arn,
        context=context,
        log_group_arn=log_group.arn,
        replicas=replicas,
        transition_key_arns=transition_key_arns,
    )
    return create_rotation_function(site, spec, log_group)


def register_schedule(
    parent: pulumi.Resource,
    name: str,
    rotation: RotationSettings,
    secret_id: pulumi.Input[str],
    function_arn: pulumi.Input[str],
    *,
    depends_on: Sequence[pulumi.Resource],
) -> aws.secretsmanager.SecretRotation:
    """The secret's rotation schedule, invoking ``function_arn``. Rotation starts at once, so
    the function's rights and the permission for Secrets Manager to invoke it (``depends_on``)
    must exist first."""
    return aws.secretsmanager.SecretRotation(
        f"{name}-rotation",
        secret_id=secret_id,
        rotation_lambda_arn=function_arn,
        rotation_rules=aws.secretsmanager.SecretRotationRotationRulesArgs(
            schedule_expression=rotation.schedule_expression,
            automatically_after_days=rotation.automatically_after_days,
            duration=rotation.duration,
        ),
        rotate_immediately=rotation.rotate_immediately,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on)),
    )
