"""A rotation Lambda: role, inline policy, log group, function and the permission to invoke it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from secretkit.components.iam import grants, policy_sizes
from secretkit.components.iam.documents import service_assume_role_policy
from secretkit.components.rotation.artifact import HandlerArtifact
from secretkit.components.rotation.function_settings import FunctionSettings


@dataclass(frozen=True)
class Invoker:
    """Who may invoke the function: a service principal, from this account, for one source
    (or, for a function shared by many sources, any source in the account)."""

    principal: str
    source_account: pulumi.Input[str]
    source_arn: pulumi.Input[str] | None


@dataclass(frozen=True)
class FunctionResources:
    """The resources making up a rotation function."""

    role: aws.iam.Role
    role_policy: aws.iam.RolePolicy
    log_group: aws.cloudwatch.LogGroup
    function: aws.lambda_.Function
    permission: aws.lambda_.Permission


@dataclass(frozen=True)
class FunctionSpec:
    """What differs between rotation functions: code, rights, environment, invoker."""

    artifact: HandlerArtifact
    policy: dict[str, Any]
    """The role's policy document, built with the ARN of the function's log group
    (register_log_group's)."""
    invoker: Invoker
    description: str
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionSite:
    """Where a rotation function's resources go: children of ``parent`` named
    ``<name>-rotation``, with ``settings`` and ``tags``; ``gate`` holds back the first ones
    (log group, role) until deferred argument checks pass, and everything else depends on them."""

    name: str
    settings: FunctionSettings
    tags: Mapping[str, str] | None
    parent: pulumi.Resource
    gate: pulumi.Input[list[pulumi.Resource]] | None = None


def register_log_group(site: FunctionSite) -> aws.cloudwatch.LogGroup:
    """The function's log group: registered first, since the role's policy
    (FunctionSpec.policy) names its ARN."""
    return aws.cloudwatch.LogGroup(
        f"{site.name}-rotation",
        retention_in_days=site.settings.log_retention_days,
        tags=dict(site.tags) if site.tags else None,
        opts=pulumi.ResourceOptions(parent=site.parent, depends_on=site.gate),
    )


def create_rotation_function(
    site: FunctionSite, spec: FunctionSpec, log_group: aws.cloudwatch.LogGroup
) -> FunctionResources:
    """Register the function's other resources at ``site``, around ``log_group``
    (register_log_group's): role, inline policy, function and invoke permission."""
    name, settings, tags, parent = site.name, site.settings, site.tags, site.parent
    child = pulumi.ResourceOptions(parent=parent)
    tag_map = dict(tags) if tags else None
    where = f"{type(parent).__name__} '{parent.pulumi_resource_name}'"
    trust = json.dumps(service_assume_role_policy("lambda.amazonaws.com"))
    # A fixed document today, measured so that a longer one cannot slip through unnoticed.
    policy_sizes.trust_policy_within_limit(trust, f"{name}-rotation", "rotation", where)
    role = aws.iam.Role(
        f"{name}-rotation",
        description=f"{spec.description} (secretkit)",
        assume_role_policy=pulumi.Output.json_dumps(
            service_assume_role_policy("lambda.amazonaws.com")
        ),
        permissions_boundary=settings.permissions_boundary_arn,
        tags=tag_map,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=site.gate),
    )
    role_policy = aws.iam.RolePolicy(
        f"{name}-rotation",
        role=role.name,
        # Counted with the grants of other components on the same role (grant_read(role)).
        policy=policy_sizes.inline_policy(
            pulumi.Output.json_dumps(spec.policy),
            kind="role",
            identity=grants.role_identity(role),
            shown=f"aws.iam.Role('{role.pulumi_resource_name}')",
            resource=f"{name}-rotation",
            argument="rotation",
            where=where,
            estimate=spec.policy,
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
        description=f"{spec.description} (secretkit)",
        code=spec.artifact.archive(),
        handler=spec.artifact.handler,
        runtime=settings.runtime,
        architectures=[settings.architecture],
        timeout=settings.timeout,
        memory_size=settings.memory_size,
        role=role.arn,
        environment=aws.lambda_.FunctionEnvironmentArgs(
            variables={
                "PASSWORD_LENGTH": str(settings.password_length),
                "EXCLUDE_CHARACTERS": settings.exclude_characters,
                **settings.environment,
                **spec.environment,
            }
        ),
        logging_config=aws.lambda_.FunctionLoggingConfigArgs(
            log_format="Text", log_group=log_group.name
        ),
        vpc_config=vpc_config,
        tags=tag_map,
        # A VPC function is checked for its ENI permissions when it is created.
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[role_policy]),
    )
    permission = aws.lambda_.Permission(
        f"{name}-rotation",
        action="lambda:InvokeFunction",
        function=function.name,
        principal=spec.invoker.principal,
        source_account=spec.invoker.source_account,
        source_arn=spec.invoker.source_arn,
        opts=child,
    )
    return FunctionResources(role, role_policy, log_group, function, permission)
