"""RotationFunction: one rotation Lambda, role and permission shared by many RotatingSecrets."""

from dataclasses import dataclass
from typing import Any, Unpack, overload

import pulumi
import pulumi_aws as aws

from secretkit.components import physical_names, validation
from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import lookup_aws_context
from secretkit.components.component import Component
from secretkit.components.iam.documents import Statement, document
from secretkit.components.iam.rotation_role import function_statements
from secretkit.components.iam.shared_function import (
    member_key_statement,
    member_resource_policy,
    member_statement,
    member_statement_on,
)
from secretkit.components.input_gate import InputGate
from secretkit.components.key_choice import KeyChoice, choose_key
from secretkit.components.rotation.alarm_args import check_topic_region
from secretkit.components.rotation.alarms import (
    RotationAlarms,
    check_alarm_names,
    register_rotation_alarms,
)
from secretkit.components.rotation.artifact import HandlerArtifact
from secretkit.components.rotation.code_args import check_master_region
from secretkit.components.rotation.function_code import (
    code_environment,
    code_environment_bounds,
    function_warnings,
    master_secret,
    strategy_artifact,
    tls_warnings,
)
from secretkit.components.rotation.function_settings import (
    check_environment_later,
    refuse_secret_values,
)
from secretkit.components.rotation.lambda_function import (
    FunctionSite,
    FunctionSpec,
    Invoker,
    create_rotation_function,
    register_log_group,
)
from secretkit.components.rotation.rotation_function_args import (
    RotationFunctionArgs,
    SharedFunctionSettings,
    parse_rotation_function_args,
)

TYPE_TOKEN = "secretkit:index:RotationFunction"


class RotationFunction(Component):
    """A rotation function for many secrets of one strategy, with one role and one permission.

    RotatingSecrets join with ``rotation={"function": this, ...}``; each member then adds only
    its secret (whose resource policy lets this function's role rotate it while its rotation
    points here), initial version and rotation schedule. The role's own policy grants no secret
    and does not grow as members join: a secret that did not join is out of its reach. With
    alarms on (the default) it also has a CloudWatch alarm on its Errors and an SNS topic, which
    each member's rule on its own rotation events publishes to.
    """

    function_arn: pulumi.Output[str]
    """ARN of the shared rotation Lambda."""
    function_name: pulumi.Output[str]
    """Name of that Lambda."""
    role_arn: pulumi.Output[str]
    """ARN of its execution role."""
    role_name: pulumi.Output[str]
    """Name of that role."""
    kms_key_arn: pulumi.Output[str]
    """The key every member secret is encrypted with (created or given)."""
    artifact_size: pulumi.Output[int]
    """Bytes of the function's zipped code (drivers included)."""
    alarm_topic_arn: pulumi.Output[str | None]
    """The SNS topic its alarm and its members' rules publish to (None when alarms are off)."""

    @overload
    def __init__(
        self,
        name: str,
        args: RotationFunctionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[RotationFunctionArgs],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        args: RotationFunctionArgs = NO_ARGS,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, args, opts)`` with the arguments as a dict, or ``Cls(name, key=value, ...,
        opts=opts)`` with them as keywords (docs/arguments.md)."""
        plan, region = self._begin(
            TYPE_TOKEN,
            name,
            opts,
            (args, kwargs, RotationFunctionArgs),
            lambda where, given, region: plan_rotation_function(where, name, given, region),
        )
        settings, where = plan.settings, plan.where
        self.shared_settings: SharedFunctionSettings = settings
        for warning in [
            *function_warnings(settings.strategy, settings.function),
            *tls_warnings(settings.strategy, settings.tls, settings.ca_bundle_path),
        ]:
            pulumi.log.warn(warning, resource=self)
        context = lookup_aws_context(self)
        gate = _gate(plan, context.region, region)

        key = choose_key(
            plan.key,
            self,
            context,
            gate,
            encrypts=f"the secrets rotated by {where}",
            tags=settings.tags,
        )
        self.kms_key: aws.kms.Key | None = key.created
        self.alarms: RotationAlarms | None = None

        scope = self._scope = context.scope()
        master = master_secret(settings)
        environment = code_environment(settings)
        vpc = settings.function.vpc
        site = FunctionSite(name, settings.function, settings.tags, self, gate.depends_on())
        log_group = register_log_group(site)
        self.resources = create_rotation_function(
            site,
            FunctionSpec(
                artifact=plan.artifact,
                # Nothing here names a member: each member's resource policy grants the role its
                # secret, so this document stays the same size however many secrets join.
                policy=document(
                    member_key_statement(key.arn, scope),
                    *function_statements(log_group.arn, scope, vpc=vpc, master=master),
                ),
                # Any secret of this account may invoke it (AWS's advice for a function shared
                # by several secrets); the members' resource policies decide what it can touch.
                invoker=Invoker("secretsmanager.amazonaws.com", context.account_id, None),
                description=f"Rotates the member secrets of {where}",
                environment=environment,
            ),
            log_group,
        )
        self.alarms = (
            register_rotation_alarms(
                self,
                name,
                settings.alarms,
                secret_arns=[],
                function_name=self.resources.function.name,
                where=where,
                tags=settings.tags,
                depends_on=gate.depends_on(),
                admit_members=True,
            )
            if settings.alarms is not None
            else None
        )
        role = self.resources.role
        self.function_arn = self.resources.function.arn
        self.function_name = self.resources.function.name
        self.role_arn = role.arn
        self.role_name = role.name
        self.kms_key_arn = pulumi.Output.from_input(key.arn)
        self.artifact_size = pulumi.Output.from_input(plan.artifact.zipped_size())
        self.alarm_topic_arn = (
            self.alarms.topic_arn if self.alarms is not None else pulumi.Output.from_input(None)
        )
        self.register_outputs(
            {
                "function_arn": self.function_arn,
                "function_name": self.function_name,
                "role_arn": self.role_arn,
                "role_name": self.role_name,
                "kms_key_arn": self.kms_key_arn,
                "artifact_size": self.artifact_size,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )

    def grants(self) -> list[pulumi.Resource]:
        """What must exist before a member rotates: the role's policy (its key, its logs) and
        the permission for Secrets Manager to invoke the function."""
        return [self.resources.role_policy, self.resources.permission]

    def member_policy(self, secret_name: str) -> pulumi.Output[str]:
        """The resource policy of member ``secret_name`` (JSON): the role may rotate it while
        its rotation is configured with this function."""
        return pulumi.Output.json_dumps(
            member_resource_policy(secret_name, self.role_arn, self.function_arn, self._scope)
        )

    def member_statement(self, secret_name: str) -> Statement:
        """member_policy's statement, for a member whose resource policy holds more."""
        return member_statement(secret_name, self.role_arn, self.function_arn, self._scope)

    def member_statement_on(self, secret_arn: pulumi.Input[str]) -> Statement:
        """member_statement for the secret ``secret_arn`` (complete), created elsewhere."""
        return member_statement_on(secret_arn, self.role_arn, self.function_arn)


@dataclass(frozen=True)
class RotationFunctionPlan:
    """What a RotationFunction will create, decided from its parsed arguments alone."""

    where: str
    """The component, as errors name it: "RotationFunction 'db'"."""
    settings: SharedFunctionSettings
    key: KeyChoice
    """The key of every member secret: the one given, or one to create."""
    artifact: HandlerArtifact
    """The function's code (the strategy's handlers, driver and CA bundle)."""


def plan_rotation_function(
    where: str, name: str, args: RotationFunctionArgs, region: str | None
) -> RotationFunctionPlan:
    """The plan of RotationFunction ``name``; raises InvalidArgumentError for bad input."""
    settings = parse_rotation_function_args(args)
    if region is not None:
        check_function_region(settings, region)
    physical_names.check(name, physical_names.ROTATION_FUNCTION)
    check_alarm_names(name, settings.alarms, rule=False, metric=True, topic=True)
    artifact = strategy_artifact(
        settings.strategy, settings.handler_module, settings.ca_bundle_path
    )
    return RotationFunctionPlan(where, settings, KeyChoice.of(settings), artifact)


def check_function_region(settings: SharedFunctionSettings, region: str) -> None:
    """A given key and the master secret in the function's region (its members' too)."""
    if isinstance(settings.kms_key_arn, str):
        validation.in_region("kms_key_arn", settings.kms_key_arn, region, "the function")
    check_master_region("", settings.master_secret_arn, region)
    if settings.alarms is not None and settings.alarms.topic_arn is not None:
        check_topic_region(settings.alarms.topic_arn, region)


def _gate(
    plan: RotationFunctionPlan,
    region: pulumi.Output[str],
    known: str | None,
) -> InputGate:
    """Checks that wait for an Output or the provider's region: a key given as an Output (its
    form and region), the region checks when the region was not known while parsing, and no
    Pulumi secret in the function's environment."""
    settings = plan.settings
    gate = InputGate(plan.where)
    plan.key.checked_later(gate, region, "the function")
    key = settings.kms_key_arn
    topic = settings.alarms.topic_arn if settings.alarms is not None else None
    if known is None and (
        isinstance(key, str) or settings.master_secret_arn is not None or topic is not None
    ):
        gate.check(region, lambda resolved: check_function_region(settings, resolved))
    refuse_secret_values(gate, "environment", settings.function.environment)
    check_environment_later(
        gate, "environment", settings.function, code_environment_bounds(settings)
    )
    return gate
