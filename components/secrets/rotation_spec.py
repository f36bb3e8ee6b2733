"""A RotatingSecret's own rotation function: its artifact, the advice about it, and what it is
made of (code, rights for exactly this secret, environment, invoker)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from secretkit.components.aws_context import AwsContext
from secretkit.components.iam.replicas import SecretLocation
from secretkit.components.iam.rotation_role import rotation_role_policy
from secretkit.components.rotation.artifact import HandlerArtifact
from secretkit.components.rotation.function_code import (
    code_environment,
    function_warnings,
    master_secret,
    strategy_artifact,
    tls_warnings,
)
from secretkit.components.rotation.function_settings import FunctionSettings
from secretkit.components.rotation.lambda_function import FunctionSpec, Invoker
from secretkit.components.secrets.rotating_secret_args import RotationSettings


def secret_rotation_artifact(rotation: RotationSettings) -> HandlerArtifact:
    """The strategy's handlers (and driver), plus the CA bundle when one is given.

    Raises InvalidArgumentError when the strategy's code or driver is missing.
    """
    return strategy_artifact(rotation.strategy, rotation.handler_module, rotation.ca_bundle_path)


def rotation_warnings(rotation: RotationSettings | None, function: FunctionSettings) -> list[str]:
    """Advice about the rotation that is not an error (a shared function gives its own)."""
    if rotation is None or rotation.shared is not None:
        return []
    return [
        *function_warnings(rotation.strategy, function),
        *tls_warnings(rotation.strategy, rotation.tls, rotation.ca_bundle_path),
    ]


def secret_rotation_spec(
    rotation: RotationSettings,
    function: FunctionSettings,
    artifact: HandlerArtifact,
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    *,
    context: AwsContext,
    log_group_arn: pulumi.Output[str],
    replicas: Sequence[SecretLocation] = (),
    transition_key_arns: Sequence[str] = (),
) -> FunctionSpec:
    """Rights for exactly this secret (its replicas' keys, the other key of a key change in
    progress, and the master secret for alternating users) and its function's log group, the
    environment the handler reads, and Secrets Manager as the only invoker for this secret.
    ``key_arn`` None: the AWS managed key aws/secretsmanager (rotation_role_policy)."""
    master = master_secret(rotation)
    vpc = function.vpc
    return FunctionSpec(
        artifact=artifact,
        policy=rotation_role_policy(
            secret_arn,
            key_arn,
            log_group_arn,
            context.scope(),
            vpc=vpc,
            master=master,
            replicas=replicas,
            transition_key_arns=transition_key_arns,
        ),
        # One function per secret, so it may be invoked for this secret only.
        invoker=Invoker("secretsmanager.amazonaws.com", context.account_id, secret_arn),
        description="Rotates one Secrets Manager secret",
        environment=code_environment(rotation),
    )
