"""The rotation Lambda for one secret: role, inline policy, log group, function, permission."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws_context import AwsContext
from components.iam_documents import service_assume_role_policy
from components.lambda_artifact import HandlerArtifact
from components.rotation_role_policy import VpcScope, rotation_role_policy


@dataclass(frozen=True)
class FunctionSettings:
    """How the function runs; validated by the component before it gets here."""

    runtime: str
    architecture: str
    timeout: int
    memory_size: int
    log_retention_days: int
    password_length: int
    exclude_characters: str
    vpc: VpcScope | None = None
    permissions_boundary_arn: str | None = None


@dataclass(frozen=True)
class RotationFunction:
    """The resources making up a rotation function."""

    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    log_group: aws.cloudwatch.LogGroup
    function: aws.lambda_.Function
    permission: aws.lambda_.Permission


def create_rotation_function(
    name: str,
    *,
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    artifact: HandlerArtifact,
    settings: FunctionSettings,
    context: AwsContext,
    tags: Mapping[str, str] | None,
    parent: pulumi.Resource,
) -> RotationFunction:
    """Register the function's resources as children of ``parent``, named after ``name``."""
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-rotation",
        description="Rotation function role for one secret (secretkit)",
        assume_role_policy=pulumi.Output.json_dumps(
            service_assume_role_policy("lambda.amazonaws.com")
        ),
        permissions_boundary=settings.permissions_boundary_arn,
        tags=dict(tags) if tags else None,
        opts=child,
    )
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-rotation",
        retention_in_days=settings.log_retention_days,
        tags=dict(tags) if tags else None,
        opts=child,
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-rotation",
        role=role.name,
        policy=pulumi.Output.json_dumps(
            rotation_role_policy(secret_arn, key_arn, log_group.arn, context.scope(), settings.vpc)
        ),
        opts=child,
    )
    vpc_config = None
    if settings.vpc is not None:
        vpc_config = aws.lambda_.FunctionVpcConfigArgs(
            subnet_ids=list(settings.vpc.subnet_ids),
            security_group_ids=list(settings.vpc.security_group_ids),
        )
    function = aws.lambda_.Function(
        f"{name}-rotation",
        description="Rotates one Secrets Manager secret (secretkit)",
        code=artifact.archive(),
        handler=artifact.handler,
        runtime=settings.runtime,
        architectures=[settings.architecture],
        timeout=settings.timeout,
        memory_size=settings.memory_size,
        role=role.arn,
        environment=aws.lambda_.FunctionEnvironmentArgs(
            variables={
                "PASSWORD_LENGTH": str(settings.password_length),
                "EXCLUDE_CHARACTERS": settings.exclude_characters,
            }
        ),
        logging_config=aws.lambda_.FunctionLoggingConfigArgs(
            log_format="Text", log_group=log_group.name
        ),
        vpc_config=vpc_config,
        tags=dict(tags) if tags else None,
        # A VPC function is checked for its ENI permissions when it is created.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy]),
    )
    permission = aws.lambda_.Permission(
        f"{name}-rotation",
        action="lambda:InvokeFunction",
        function=function.name,
        principal="secretsmanager.amazonaws.com",
        source_account=context.account_id,
        # One function per secret, so it may be invoked for this secret only.
        source_arn=secret_arn,
        opts=child,
    )
    return RotationFunction(role, role_policy, log_group, function, permission)
