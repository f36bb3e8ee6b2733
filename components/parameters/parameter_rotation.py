"""A SecureParameter's rotation: schedule rule, function (role limited to the parameter) and
the rule's target."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from secretkit.components import limits
from secretkit.components.aws_context import AwsContext
from secretkit.components.iam.rotation_role import parameter_rotation_policy
from secretkit.components.parameters.parameter_plan import ParameterPlan
from secretkit.components.parameters.secure_parameter_args import AWS_MANAGED_SSM_KEY
from secretkit.components.rotation.lambda_function import (
    FunctionResources,
    FunctionSite,
    FunctionSpec,
    Invoker,
    create_rotation_function,
    register_log_group,
)


def schedule_description(parameter_name: str) -> str:
    """The schedule rule's description, naming the parameter; shortened as
    notifications.rule_description is, only when over EventBridge's 512 characters."""
    return limits.shorten(
        limits.EVENT_RULE_DESCRIPTION, "Rotates SSM parameter ", parameter_name, " (secretkit)"
    )


def register_parameter_rotation(
    parent: pulumi.Resource,
    name: str,
    plan: ParameterPlan,
    *,
    parameter: aws.ssm.Parameter,
    key_arn: pulumi.Input[str] | None,
    tier: pulumi.Input[str],
    context: AwsContext,
    gate: pulumi.Input[list[pulumi.Resource]] | None,
) -> FunctionResources | None:
    """Schedule rule -> function (role limited to this parameter) -> PutParameter; None when
    the parameter does not rotate."""
    settings = plan.settings
    rotation = settings.rotation
    if rotation is None or plan.artifact is None:
        return None
    rule = aws.cloudwatch.EventRule(
        f"{name}-rotation-schedule",
        description=schedule_description(settings.parameter_name),
        schedule_expression=rotation.schedule_expression,
        tags=settings.tags or None,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=gate),
    )
    environment: dict[str, pulumi.Input[str]] = {
        "PARAMETER_NAME": settings.parameter_name,
        "KEY_ID": key_arn if key_arn is not None else AWS_MANAGED_SSM_KEY,
        "TIER": tier,
    }
    if settings.description:
        environment["DESCRIPTION"] = settings.description
    site = FunctionSite(name, rotation.function, settings.tags, parent, gate)
    log_group = register_log_group(site)
    function = create_rotation_function(
        site,
        FunctionSpec(
            artifact=plan.artifact,
            policy=parameter_rotation_policy(parameter.arn, key_arn, log_group.arn, context.region),
            invoker=Invoker("events.amazonaws.com", context.account_id, rule.arn),
            description="Rotates one SSM parameter on a schedule",
            environment=environment,
        ),
        log_group,
    )
    aws.cloudwatch.EventTarget(
        f"{name}-rotation-schedule",
        rule=rule.name,
        arn=function.function.arn,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[function.permission, parameter]),
    )
    return function
