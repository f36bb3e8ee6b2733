"""SecureParameter: an SSM SecureString with its tier, key, policies, notifications and readers."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import pulumi
import pulumi_aws as aws

from components import grants, parameter_policies, validation
from components.arns import concat
from components.aws_context import configured_region, lookup_aws_context
from components.errors import InvalidArgumentError, Redacted
from components.input_gate import InputGate
from components.kms_key import create_kms_key
from components.lambda_artifact import HandlerArtifact, rotation_artifact
from components.parameter_notifications import create_notifications
from components.parameter_policy_provider import ParameterPolicies
from components.read_policies import parameter_read_policy
from components.rotation_function import (
    FunctionResources,
    FunctionSpec,
    Invoker,
    create_rotation_function,
)
from components.rotation_role_policy import parameter_rotation_policy
from components.secure_parameter_args import (
    AWS_MANAGED_SSM_KEY,
    ParameterRotationSettings,
    SecureParameterArgs,
    SecureParameterSettings,
    parse_secure_parameter_args,
)

TYPE_TOKEN = "secretkit:index:SecureParameter"


class SecureParameter(pulumi.ComponentResource):
    """A Parameter Store SecureString: free for static secrets, with exact read grants.

    Creates: the parameter (value write-only by default), a CMK only when asked, the parameter
    policies (a dynamic resource, since pulumi-aws has no ``policies`` input), an EventBridge
    rule and SNS topic for notification policies, and one inline read policy per reader.
    """

    parameter_arn: pulumi.Output[str]
    """ARN of the parameter (the value of kms:EncryptionContext:PARAMETER_ARN)."""
    parameter_name: pulumi.Output[str]
    """Name of the parameter."""
    tier: pulumi.Output[str]
    """'Standard' or 'Advanced', as resolved from the tier argument."""
    kms_key_arn: pulumi.Output[str]
    """The key ARN, or the ARN of the alias aws/ssm when the AWS managed key is used."""
    notification_topic_arn: pulumi.Output[str | None]
    """SNS topic receiving policy events, when notifications are configured."""
    rotation_function_arn: pulumi.Output[str | None]
    """The scheduled rotation function, when rotation is configured."""
    rotation_role_name: pulumi.Output[str | None]
    """Its execution role (read and write this parameter, use its key; nothing else)."""

    def __init__(
        self,
        name: str,
        args: SecureParameterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        where = f"SecureParameter '{name}'"
        try:
            settings = parse_secure_parameter_args(args, region=configured_region())
            artifact = None
            if settings.rotation is not None:
                module = settings.rotation.handler_module
                artifact = rotation_artifact("parameter_store", module, custom=module is not None)
        except InvalidArgumentError as error:
            raise error.located(where) from None
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._granted: set[str] = set()

        tier, gate = _tier_and_gate(settings, where)
        depends_on = gate.depends_on()
        gated = pulumi.ResourceOptions(parent=self, depends_on=depends_on)

        self.context = lookup_aws_context(self)
        self.kms_key: aws.kms.Key | None = None
        key_arn: pulumi.Input[str] | None = settings.kms_key_arn
        if settings.create_kms_key:
            self.kms_key = create_kms_key(
                f"{name}-key",
                description=f"Encrypts SSM parameter {settings.parameter_name} (secretkit)",
                context=self.context,
                administrators=settings.key_administrators,
                tags=settings.tags,
                opts=gated,
            )
            key_arn = self.kms_key.arn
        self._key_arn = key_arn

        value = pulumi.Output.secret(settings.value)
        value_inputs: dict[str, pulumi.Input[str] | int] = (
            {"value_wo": value, "value_wo_version": settings.value_version}
            if settings.write_only
            else {"value": value}
        )
        self.parameter = aws.ssm.Parameter(
            f"{name}-parameter",
            name=settings.parameter_name,
            type="SecureString",
            tier=tier,
            key_id=key_arn if key_arn is not None else AWS_MANAGED_SSM_KEY,
            description=settings.description,
            tags=settings.tags or None,
            opts=gated,
            **value_inputs,  # type: ignore[arg-type]
        )

        self.policies = self._attach_policies(name, settings) if settings.policies else None

        topic_arn: pulumi.Output[str | None] = pulumi.Output.from_input(None)
        self.notifications = None
        if settings.notify:
            self.notifications = create_notifications(
                name,
                parameter_name=settings.parameter_name,
                topic_arn=settings.notification_topic_arn,
                tags=settings.tags,
                parent=self,
                gate=depends_on,
            )
            topic_arn = self.notifications.topic_arn

        self.rotation_function: FunctionResources | None = None
        if settings.rotation is not None and artifact is not None:
            self.rotation_function = self._rotate(
                name,
                settings=settings,
                rotation=settings.rotation,
                tier=tier,
                artifact=artifact,
                gate=depends_on,
            )

        for reader in settings.readers:
            self.grant_read(reader)

        self.parameter_arn = self.parameter.arn
        self.parameter_name = self.parameter.name
        self.tier = pulumi.Output.from_input(tier)
        self.kms_key_arn = pulumi.Output.from_input(
            key_arn if key_arn is not None else self._managed_key_alias_arn()
        )
        self.notification_topic_arn = topic_arn
        function = self.rotation_function
        self.rotation_function_arn = (
            function.function.arn if function else pulumi.Output.from_input(None)
        )
        self.rotation_role_name = function.role.name if function else pulumi.Output.from_input(None)
        self.register_outputs(
            {
                "parameter_arn": self.parameter_arn,
                "parameter_name": self.parameter_name,
                "tier": self.tier,
                "kms_key_arn": self.kms_key_arn,
                "notification_topic_arn": self.notification_topic_arn,
                "rotation_function_arn": self.rotation_function_arn,
                "rotation_role_name": self.rotation_role_name,
            }
        )

    def _attach_policies(self, name: str, settings: SecureParameterSettings) -> ParameterPolicies:
        """The parameter policies, via the dynamic resource (pulumi-aws has no input for them)."""
        return ParameterPolicies(
            f"{name}-policies",
            parameter_name=self.parameter.name,
            policies=settings.policies_json,
            region=self.context.region,
            profile=pulumi.Config("aws").get("profile"),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.parameter],
                # A new parameter starts without policies: attach them again.
                replace_with=[self.parameter],
                # Deleting the parameter removes its policies with it.
                deleted_with=self.parameter,
            ),
        )

    def _rotate(
        self,
        name: str,
        *,
        settings: SecureParameterSettings,
        rotation: ParameterRotationSettings,
        tier: pulumi.Input[str],
        artifact: HandlerArtifact,
        gate: pulumi.Input[list[pulumi.Resource]] | None,
    ) -> FunctionResources:
        """Schedule rule -> function (role limited to this parameter) -> PutParameter."""
        rule = aws.cloudwatch.EventRule(
            f"{name}-rotation-schedule",
            description=f"Rotates SSM parameter {settings.parameter_name} (secretkit)",
            schedule_expression=rotation.schedule_expression,
            tags=settings.tags or None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=gate),
        )
        parameter_arn = self.parameter.arn
        key_arn = self._key_arn
        region = self.context.region
        environment: dict[str, pulumi.Input[str]] = {
            "PARAMETER_NAME": settings.parameter_name,
            "KEY_ID": key_arn if key_arn is not None else AWS_MANAGED_SSM_KEY,
            "TIER": tier,
        }
        if settings.description:
            environment["DESCRIPTION"] = settings.description
        function = create_rotation_function(
            name,
            spec=FunctionSpec(
                artifact=artifact,
                policy=lambda log_group_arn: parameter_rotation_policy(
                    parameter_arn, key_arn, log_group_arn, region
                ),
                invoker=Invoker("events.amazonaws.com", self.context.account_id, rule.arn),
                description="Rotates one SSM parameter on a schedule",
                environment=environment,
            ),
            settings=rotation.function,
            tags=settings.tags,
            parent=self,
            gate=gate,
        )
        aws.cloudwatch.EventTarget(
            f"{name}-rotation-schedule",
            rule=rule.name,
            arn=function.function.arn,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[function.permission, self.parameter]
            ),
        )
        return function

    def _managed_key_alias_arn(self) -> pulumi.Input[str]:
        c = self.context
        return concat(
            "arn:", c.partition, ":kms:", c.region, ":", c.account_id, ":", AWS_MANAGED_SSM_KEY
        )

    def grant_read(self, role: grants.RoleRef) -> aws.iam.RolePolicy:
        """Let ``role`` (name, ARN or aws.iam.Role) read this parameter and nothing else.

        ssm:GetParameter and ssm:GetParameters on this parameter; with a CMK also kms:Decrypt,
        only through SSM in this region and only for this parameter's encryption context.
        """
        return grants.grant_once(
            self,
            where=f"SecureParameter '{self.pulumi_resource_name}'",
            granted=self._granted,
            role=role,
            what="parameter",
            policy=lambda: parameter_read_policy(
                self.parameter.arn, self._key_arn, self.context.region
            ),
        )


def _tier_and_gate(
    settings: SecureParameterSettings, where: str
) -> tuple[pulumi.Input[str], InputGate]:
    """The tier to register and the checks that must pass before any child is created."""
    gate = InputGate(where)
    if isinstance(settings.kms_key_arn, pulumi.Output):
        gate.check(settings.kms_key_arn, lambda arn: validation.kms_key_arn("kms_key_arn", arn))
    tier: pulumi.Input[str]
    if settings.tier is not None:
        tier = settings.tier
    else:
        # 'auto' with a value known only at deployment: decide when it resolves. The tier only
        # reveals whether the value exceeds 4 KB, so it need not stay a secret.
        tier = pulumi.Output.unsecret(pulumi.Output.from_input(settings.value).apply(_auto_tier))
    if isinstance(settings.value, pulumi.Output):
        gate.check(
            pulumi.Output.all(settings.value, tier), lambda pair: _check_value(pair[0], pair[1])
        )
    return tier, gate


def _auto_tier(value: str) -> str:
    return parameter_policies.resolve_tier("auto", validation.utf8_size(value), False)


def _check_value(value: str, tier: str) -> None:
    if not value:
        raise validation.fail("value", Redacted(0), "must not be empty")
    validation.parameter_value_size("value", value, tier)
