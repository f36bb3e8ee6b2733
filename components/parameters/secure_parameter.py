"""SecureParameter: an SSM SecureString with its tier, key, policies, notifications and readers."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import pulumi
import pulumi_aws as aws

from components import parameter_policies, physical_names, validation
from components.aws_context import known_region, lookup_aws_context
from components.errors import InvalidArgumentError, Redacted
from components.iam import grants
from components.iam.reader import parameter_read_policy
from components.iam.rotation_role import parameter_rotation_policy
from components.input_gate import InputGate
from components.kms_key import checked_key_arn, create_kms_key
from components.parameter_policy_provider import ParameterPolicies
from components.parameters.notifications import create_notifications
from components.parameters.secure_parameter_args import (
    AWS_MANAGED_SSM_KEY,
    ParameterRotationSettings,
    SecureParameterArgs,
    SecureParameterSettings,
    parse_secure_parameter_args,
)
from components.rotation.artifact import HandlerArtifact, rotation_artifact
from components.rotation.function_settings import refuse_secret_values
from components.rotation.lambda_function import (
    FunctionResources,
    FunctionSpec,
    Invoker,
    create_rotation_function,
)
from components.strategies import PARAMETER_STORE

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
            region = known_region(opts)
            settings = parse_secure_parameter_args(args, region=region)
            check_names(name, settings)
            artifact = None
            if settings.rotation is not None:
                module = settings.rotation.handler_module
                artifact = rotation_artifact(
                    PARAMETER_STORE.name, module, custom=module is not None
                )
        except InvalidArgumentError as error:
            raise error.located(where) from None
        super().__init__(TYPE_TOKEN, name, None, opts)

        gate = InputGate(where)
        self.context = lookup_aws_context(self)
        self._grants = grants.Grants(
            self, where, "parameter", account=self.context.account_id, readers=settings.readers
        )
        self.kms_key: aws.kms.Key | None = None
        key_arn: pulumi.Input[str] | None = settings.kms_key_arn
        self._deferred_checks(settings, gate, region)
        # The parameter's own inputs carry the deferred checks (key, value, tier), so the
        # parameter waits for them without a depends_on; every other child gets gate.depends_on().
        checked_key = _checked_key(settings, gate, self.context.region)
        tier, checked_value = _checked_tier_and_value(settings, gate)
        carried = [i for i in (checked_key, tier, checked_value) if isinstance(i, pulumi.Output)]
        if settings.create_kms_key:
            self.kms_key = create_kms_key(
                f"{name}-key",
                description=f"Encrypts SSM parameter {settings.parameter_name} (secretkit)",
                context=self.context,
                administrators=settings.key_administrators,
                administrators_can_edit_policy=settings.key_administrators_can_edit_policy,
                tags=settings.tags,
                opts=pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on()),
            )
            key_arn = checked_key = self.kms_key.arn
        self._key_arn = key_arn

        # No Output.secret here: pulumi-aws marks value and value_wo secret itself (their schema
        # says secret), and wrapping again would cost three Outputs per parameter. The tests
        # assert the registered input is a secret.
        value_inputs: dict[str, pulumi.Input[str] | int] = (
            {"value_wo": checked_value, "value_wo_version": settings.value_version}
            if settings.write_only
            else {"value": checked_value}
        )
        self.parameter = aws.ssm.Parameter(
            f"{name}-parameter",
            name=settings.parameter_name,
            type="SecureString",
            tier=tier,
            key_id=checked_key if checked_key is not None else AWS_MANAGED_SSM_KEY,
            description=settings.description,
            tags=settings.tags or None,
            opts=pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on(carried)),
            **value_inputs,  # type: ignore[arg-type]
        )

        self.policies = self._attach_policies(name, settings) if settings.policies else None

        none: pulumi.Output[None] = pulumi.Output.from_input(None)
        topic_arn: pulumi.Output[str | None] = none
        self.notifications = None
        if settings.notify:
            self.notifications = create_notifications(
                name,
                parameter_name=settings.parameter_name,
                topic_arn=settings.notification_topic_arn,
                tags=settings.tags,
                parent=self,
                gate=gate.depends_on(),
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
                gate=gate.depends_on(),
            )

        for reader in settings.readers:
            self.grant_read(reader)

        self.parameter_arn = self.parameter.arn
        self.parameter_name = self.parameter.name
        self.tier = _as_output(tier)
        self.kms_key_arn = _as_output(
            key_arn if key_arn is not None else self.context.kms_alias_arn(AWS_MANAGED_SSM_KEY)
        )
        self.notification_topic_arn = topic_arn
        function = self.rotation_function
        self.rotation_function_arn = function.function.arn if function else none
        self.rotation_role_name = function.role.name if function else none
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

    def _deferred_checks(
        self, settings: SecureParameterSettings, gate: InputGate, region: str | None
    ) -> None:
        """Checks that wait for the provider (its region and account) or for an Output: a
        given key in the parameter's region, readers of this account, and no secret in the
        rotation function's environment. The key given as an Output is _checked_key's."""
        key = settings.kms_key_arn
        if region is None and isinstance(key, str):
            gate.check(
                self.context.region,
                lambda known: validation.in_region("kms_key_arn", key, known, "the parameter"),
            )
        grants.check_accounts_later(gate, "readers", settings.readers, self.context.account_id)
        if settings.rotation is not None:
            refuse_secret_values(
                gate, "rotation.environment", settings.rotation.function.environment
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

    def grant_read(self, role: grants.RoleRef) -> aws.iam.RolePolicy:
        """Let ``role`` (name, ARN or aws.iam.Role) read this parameter and nothing else.

        ssm:GetParameter and ssm:GetParameters on this parameter; with a CMK also kms:Decrypt,
        only through SSM in this region and only for this parameter's encryption context.

        The role must be in the deploying account: a role ARN, or an aws.iam.Role whose ARN
        names another account, is refused (cross-account readers are not supported yet).
        """
        return self._grants.grant(
            role,
            lambda: parameter_read_policy(self.parameter.arn, self._key_arn, self.context.region),
        )


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
    grants.check_grant_names(name, settings.readers, "readers")


def _checked_key(
    settings: SecureParameterSettings, gate: InputGate, region: pulumi.Output[str]
) -> pulumi.Input[str] | None:
    """The given key ARN; an Output of it is checked once known, with its region (a plain one
    already was, or is checked against the provider's region by the caller)."""
    key = settings.kms_key_arn
    if isinstance(key, pulumi.Output):
        return checked_key_arn(gate, key, region, "the parameter")
    return key


def _checked_tier_and_value(
    settings: SecureParameterSettings, gate: InputGate
) -> tuple[pulumi.Input[str], pulumi.Input[str]]:
    """The tier and the value to register, each an Output that fails when a deferred check
    on the value does (a plain value was checked while parsing)."""
    value = settings.value
    if not isinstance(value, pulumi.Output):
        if settings.tier is None:  # parsing leaves the tier open only for an Output value
            value = pulumi.Output.from_input(value)
        else:
            return settings.tier, value
    if settings.tier is not None:
        tier = settings.tier
        return tier, gate.check(value, lambda resolved: _check_value(resolved, tier))
    # 'auto' with a value known only at deployment: decide when it resolves, checking the value
    # in the same step. The tier only reveals whether the value exceeds 4 KB, so it need not
    # stay a secret.
    checked = value.apply(lambda resolved: gate.run(_checked_auto_tier, resolved))
    return gate.defer(pulumi.Output.unsecret(checked)), value


def _checked_auto_tier(value: str) -> str:
    tier = _auto_tier(value)
    _check_value(value, tier)
    return tier


def _as_output(value: pulumi.Input[str]) -> pulumi.Output[str]:
    """An Output of the value, without wrapping one that already is (from_input would add two)."""
    return value if isinstance(value, pulumi.Output) else pulumi.Output.from_input(value)


def _auto_tier(value: str) -> str:
    return parameter_policies.resolve_tier("auto", validation.utf8_size(value), False)


def _check_value(value: str, tier: str) -> None:
    if not value:
        raise validation.fail("value", Redacted(0), "must not be empty")
    validation.parameter_value_size("value", value, tier)
