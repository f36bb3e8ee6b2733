"""DynamicParameter: non-secret configuration that changes at run time, on AWS AppConfig."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from typing import Any, Unpack, overload

import pulumi
import pulumi_aws as aws

from secretkit.components.appconfig import dynamic_parameter_args as parsing
from secretkit.components.appconfig.content import JSON
from secretkit.components.appconfig.dynamic_parameter_args import (
    FOREIGN_REMEDY,
    DynamicParameterArgs,
)
from secretkit.components.appconfig.dynamic_parameter_plan import (
    DynamicParameterPlan,
    plan_dynamic_parameter,
)
from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import AwsContext, lookup_aws_context
from secretkit.components.component import Component
from secretkit.components.iam import grants
from secretkit.components.iam.appconfig_reader import (
    configuration_arn,
    configuration_read_policy,
)
from secretkit.components.iam.appconfig_rollback import rollback_trust_policy
from secretkit.components.input_gate import InputGate

TYPE_TOKEN = "secretkit:index:DynamicParameter"
#: A hosted configuration profile's location (pulumi-aws: "For the hosted configuration store,
#: specify `hosted`").
HOSTED = "hosted"


class DynamicParameter(Component):
    """An AWS AppConfig configuration: feature flags or tunables that change without a deploy,
    validated, rolled out by a deployment strategy and rolled back on alarm.

    Creates: the application (unless application_id is given), the environment (watching the
    rollback alarms, with a role that may only describe them), a hosted configuration profile
    with its validators, the content as a hosted configuration version, a deployment strategy
    when given as a dict, and the deployment of the version. A new content is a new version
    (pulumi-aws replaces a hosted configuration version on any change), and so a new
    deployment. Readers get StartConfigurationSession and GetLatestConfiguration on exactly
    this configuration. Secrets do not belong here: use SecureParameter or RotatingSecret.
    """

    application_id: pulumi.Output[str]
    """Id of the AppConfig application (created, or the one given)."""
    environment_id: pulumi.Output[str]
    """Id of the environment."""
    configuration_profile_id: pulumi.Output[str]
    """Id of the hosted configuration profile."""
    configuration_profile_arn: pulumi.Output[str]
    """ARN of the configuration profile."""
    configuration_version: pulumi.Output[int]
    """Version number of the hosted configuration deployed."""
    deployment_number: pulumi.Output[int]
    """Number of the deployment of that version to the environment."""
    deployment_strategy_id: pulumi.Output[str]
    """Id of the deployment strategy (a predefined one's id is its name)."""
    configuration_arn: pulumi.Output[str]
    """The ARN readers are granted on (application/<id>/environment/<id>/configuration/<id>)."""
    rollback_role_arn: pulumi.Output[str | None]
    """The role AppConfig assumes to describe the rollback alarms, when there are any."""

    @overload
    def __init__(
        self,
        name: str,
        args: DynamicParameterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[DynamicParameterArgs],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        args: DynamicParameterArgs = NO_ARGS,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, args, opts)`` with the arguments as a dict, or ``Cls(name, key=value, ...,
        opts=opts)`` with them as keywords (docs/arguments.md)."""
        plan, _ = self._begin(
            TYPE_TOKEN,
            name,
            opts,
            (args, kwargs, DynamicParameterArgs),
            lambda where, given, region: plan_dynamic_parameter(where, name, given),
        )
        settings = plan.settings
        context = lookup_aws_context(self)
        gate = InputGate(plan.where)
        text = checked_content(gate, plan)
        refuse_foreign_readers(gate, plan, context)
        # Every child waits for every check; the version takes the checked content itself.
        options = pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on())
        carried = [text] if isinstance(text, pulumi.Output) else []
        version_options = pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on(carried))
        tags = settings.tags or None

        application_id: pulumi.Input[str]
        self.application: aws.appconfig.Application | None = None
        if settings.application_id is not None:
            application_id = settings.application_id
        else:
            self.application = aws.appconfig.Application(
                f"{name}-application",
                name=settings.application_name,
                description=settings.description,
                tags=tags,
                opts=options,
            )
            application_id = self.application.id
        self.rollback_role = register_rollback_role(self, name, plan, context, options)
        monitors = None
        if self.rollback_role is not None:
            role_arn = self.rollback_role.arn
            monitors = [
                aws.appconfig.EnvironmentMonitorArgs(alarm_arn=alarm, alarm_role_arn=role_arn)
                for alarm in settings.rollback_alarm_arns
            ]
        self.environment = aws.appconfig.Environment(
            f"{name}-environment",
            application_id=application_id,
            name=settings.environment_name,
            description=settings.description,
            monitors=monitors,
            tags=tags,
            opts=options,
        )
        self.profile = aws.appconfig.ConfigurationProfile(
            f"{name}-profile",
            application_id=application_id,
            name=settings.profile_name,
            location_uri=HOSTED,
            type=settings.profile_type,
            validators=validators(plan),
            description=settings.description,
            tags=tags,
            opts=options,
        )
        assert settings.content_type is not None or settings.content_output is not None
        self.version = aws.appconfig.HostedConfigurationVersion(
            f"{name}-version",
            application_id=application_id,
            configuration_profile_id=self.profile.configuration_profile_id,
            content=text,
            content_type=settings.content_type or JSON,
            description=settings.description,
            opts=version_options,
        )
        self.strategy, strategy_id = register_strategy(name, plan, options)
        self.deployment = aws.appconfig.Deployment(
            f"{name}-deployment",
            application_id=application_id,
            environment_id=self.environment.environment_id,
            configuration_profile_id=self.profile.configuration_profile_id,
            # The version's number: a new content is a new version, so a new deployment.
            configuration_version=self.version.version_number.apply(str),
            deployment_strategy_id=strategy_id,
            description=settings.description,
            tags=tags,
            opts=options,
        )

        self.context = context
        self.configuration_arn = _as_output(
            configuration_arn(
                context.scope(),
                application_id,
                self.environment.environment_id,
                self.profile.configuration_profile_id,
            )
        )
        self._grants = grants.Grants(
            self,
            plan.where,
            "configuration",
            account=context.account_id,
            readers=[r for r in settings.readers if not isinstance(r, pulumi.Output)],
            foreign_remedy=FOREIGN_REMEDY,
        )
        for index, reader in enumerate(settings.readers):
            self._grants.grant(reader, self._read_policy, f"readers[{index}]")

        self.application_id = _as_output(application_id)
        self.environment_id = self.environment.environment_id
        self.configuration_profile_id = self.profile.configuration_profile_id
        self.configuration_profile_arn = self.profile.arn
        self.configuration_version = self.version.version_number
        self.deployment_number = self.deployment.deployment_number
        self.deployment_strategy_id = _as_output(strategy_id)
        none: pulumi.Output[None] = pulumi.Output.from_input(None)
        self.rollback_role_arn = self.rollback_role.arn if self.rollback_role else none
        self.register_outputs(
            {
                "application_id": self.application_id,
                "environment_id": self.environment_id,
                "configuration_profile_id": self.configuration_profile_id,
                "configuration_profile_arn": self.configuration_profile_arn,
                "configuration_version": self.configuration_version,
                "deployment_number": self.deployment_number,
                "deployment_strategy_id": self.deployment_strategy_id,
                "configuration_arn": self.configuration_arn,
                "rollback_role_arn": self.rollback_role_arn,
            }
        )

    def _read_policy(self) -> dict[str, Any]:
        return configuration_read_policy(self.configuration_arn)

    def grant_read(self, role: grants.GranteeRef) -> grants.Grant:
        """Let ``role`` of the deploying account read the deployed configuration and nothing
        else: a role (its name, ARN, aws.iam.Role, or an Output of its name or ARN), or an IAM
        user or group (the aws.iam.User / aws.iam.Group, or its ARN). Granting it again
        returns the first grant.

        appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration on this
        application, environment and profile only. A role of another account is refused:
        AppConfig has no resource policies to share a configuration with.
        """
        return self._grants.grant(role, self._read_policy)


def checked_content(gate: InputGate, plan: DynamicParameterPlan) -> str | pulumi.Output[str]:
    """The content's text: checked already when given as a value; when given as an Output,
    refused if it is a Pulumi secret and checked like a value once known (the version takes
    the checked Output, so it waits for the checks)."""
    settings = plan.settings
    if settings.content is not None:
        return settings.content.text
    raw = settings.content_output
    assert raw is not None
    secrecy: pulumi.Output[bool] = pulumi.Output.from_input(raw.is_secret())
    gate.check(secrecy, _not_secret)

    def check(value: Any) -> str:
        return parsing.check_content(
            value, settings.content_type, settings.profile_type, settings.json_schema
        ).text

    return gate.defer(raw.apply(lambda value: gate.run(check, value)))


def refuse_foreign_readers(
    gate: InputGate, plan: DynamicParameterPlan, context: AwsContext
) -> None:
    """Refuse, once the deploying account is known, a reader given as another account's role
    ARN (AppConfig has no resource policies: FOREIGN_REMEDY)."""
    arns = [
        (index, reader)
        for index, reader in enumerate(plan.settings.readers)
        if isinstance(reader, str) and reader.startswith("arn:")
    ]
    if arns:

        def rule(account: str) -> None:
            for index, reader in arns:
                grants.foreign_role(f"readers[{index}]", reader, account, FOREIGN_REMEDY)

        gate.check(context.account_id, rule)


def _not_secret(secret: bool) -> None:
    if secret:
        parsing.refuse_secret_content()


def validators(plan: DynamicParameterPlan) -> list[aws.appconfig.ConfigurationProfileValidatorArgs]:
    """The profile's validators: the JSON Schema given inline, the Lambda function by ARN."""
    settings = plan.settings
    found = []
    if settings.json_schema_text is not None:
        found.append(
            aws.appconfig.ConfigurationProfileValidatorArgs(
                type="JSON_SCHEMA", content=settings.json_schema_text
            )
        )
    if settings.lambda_validator_arn is not None:
        found.append(
            aws.appconfig.ConfigurationProfileValidatorArgs(
                type="LAMBDA", content=settings.lambda_validator_arn
            )
        )
    return found


def register_strategy(
    name: str, plan: DynamicParameterPlan, options: pulumi.ResourceOptions
) -> tuple[aws.appconfig.DeploymentStrategy | None, pulumi.Input[str]]:
    """(the strategy created, None for a predefined one; the id the deployment names)."""
    settings = plan.settings
    own = settings.strategy
    if own is None:
        assert settings.predefined_strategy is not None
        return None, settings.predefined_strategy
    strategy = aws.appconfig.DeploymentStrategy(
        f"{name}-strategy",
        deployment_duration_in_minutes=own.deployment_duration_in_minutes,
        growth_factor=own.growth_factor,
        growth_type=own.growth_type,
        final_bake_time_in_minutes=own.final_bake_time_in_minutes,
        replicate_to="NONE",
        description=own.description,
        tags=settings.tags or None,
        opts=options,
    )
    return strategy, strategy.id


def register_rollback_role(
    parent: pulumi.Resource,
    name: str,
    plan: DynamicParameterPlan,
    context: AwsContext,
    options: pulumi.ResourceOptions,
) -> aws.iam.Role | None:
    """The role AppConfig assumes to watch the rollback alarms (AppConfig requires one per
    monitor, in the deploying account), with an inline policy describing only those alarms;
    None without alarms."""
    if plan.rollback_policy is None:
        return None
    role = aws.iam.Role(
        f"{name}-rollback",
        assume_role_policy=pulumi.Output.json_dumps(rollback_trust_policy(context.account_id)),
        tags=plan.settings.tags or None,
        opts=options,
    )
    aws.iam.RolePolicy(
        f"{name}-rollback",
        role=role.name,
        policy=pulumi.Output.json_dumps(plan.rollback_policy),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return role


def _as_output(value: pulumi.Input[str]) -> pulumi.Output[str]:
    """An Output of the value, without wrapping one that already is."""
    return value if isinstance(value, pulumi.Output) else pulumi.Output.from_input(value)
