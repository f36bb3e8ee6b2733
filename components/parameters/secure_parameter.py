"""SecureParameter: an SSM SecureString with its tier, key, policies, notifications and readers."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from dataclasses import dataclass
from typing import Any, Unpack, overload

import pulumi
import pulumi_aws as aws

from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import AwsContext, lookup_aws_context
from secretkit.components.component import Component
from secretkit.components.iam import grants, stand_ins
from secretkit.components.iam.reader import parameter_read_policy
from secretkit.components.iam.shared_parameter import parameter_reader_identity_policy
from secretkit.components.key_choice import choose_key
from secretkit.components.parameter_policy_provider import ParameterPolicies
from secretkit.components.parameters.notifications import create_notifications
from secretkit.components.parameters.parameter_inputs import CheckedInputs, check_inputs
from secretkit.components.parameters.parameter_plan import ParameterPlan, plan_secure_parameter
from secretkit.components.parameters.parameter_rotation import register_parameter_rotation
from secretkit.components.parameters.parameter_share import (
    key_statements,
    register_share,
    shared_plan,
    sort_parameter_readers,
)
from secretkit.components.parameters.secure_parameter_args import (
    AWS_MANAGED_SSM_KEY,
    SecureParameterArgs,
)

TYPE_TOKEN = "secretkit:index:SecureParameter"
#: What grant_read says of another account's role: its grant is the share, made with the component.
FOREIGN_GRANT_REMEDY = (
    "a reader in another account gets the parameter through the component's AWS RAM share and "
    "key policy: give it in readers (secretkit will not grant the role of the same name in this "
    "account instead)"
)


class SecureParameter(Component):
    """A Parameter Store SecureString: free for static secrets, with exact read grants.

    Creates: the parameter (value write-only by default), a CMK only when asked, the parameter
    policies (a dynamic resource, since pulumi-aws has no ``policies`` input), an EventBridge
    rule and SNS topic for notification policies, and one inline read policy per reader of the
    deploying account. Readers in other accounts: the Advanced tier, a CMK (unless given) whose
    policy lets them decrypt this parameter through SSM, and an AWS RAM share with their
    accounts.
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

    @overload
    def __init__(
        self,
        name: str,
        args: SecureParameterArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[SecureParameterArgs],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        args: SecureParameterArgs = NO_ARGS,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, args, opts)`` with the arguments as a dict, or ``Cls(name, key=value, ...,
        opts=opts)`` with them as keywords (docs/arguments.md)."""
        plan, region = self._begin(
            TYPE_TOKEN,
            name,
            opts,
            (args, kwargs, SecureParameterArgs),
            lambda where, given, region: plan_secure_parameter(where, name, given, region),
        )
        context = lookup_aws_context(self)
        split = sort_parameter_readers(self, plan, context)
        plan = shared_plan(plan, split, region)
        settings = plan.settings
        checked = check_inputs(plan, context, region, split.local)
        gate = checked.gate
        chosen = None
        if plan.key is not None:
            encrypts = f"SSM parameter {settings.parameter_name}"
            chosen = choose_key(
                plan.key,
                self,
                context,
                gate,
                encrypts=encrypts,
                tags=settings.tags,
                extra_statements=key_statements(plan, split, context),
            )
        self.kms_key: aws.kms.Key | None = chosen.created if chosen else None
        # The parameter takes the checked key (a created one needs no check); rotation, reads
        # and the output name the key as it was given.
        key_id = chosen.arn if chosen and chosen.created else checked.key
        key_arn = chosen.arn if chosen else None
        self.parameter = register_parameter(self, name, plan, checked, key_id)
        self.policies = register_policies(self, name, plan, self.parameter, context)
        self.resource_share = None
        if split.foreign:
            self.resource_share = register_share(
                self,
                name,
                self.parameter,
                split,
                context,
                tags=settings.tags,
                gate=gate,
            )
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
        self.rotation_function = register_parameter_rotation(
            self,
            name,
            plan,
            parameter=self.parameter,
            key_arn=key_arn,
            tier=checked.tier,
            context=context,
            gate=gate.depends_on(),
        )
        self.context = context
        self._read = ParameterReadAccess(self.parameter.arn, key_arn, context.region)
        self._parameter_name = settings.parameter_name
        self._grants = grants.Grants(
            self,
            plan.where,
            "parameter",
            account=context.account_id,
            readers=split.local,
            foreign_remedy=FOREIGN_GRANT_REMEDY,
        )
        for reader in split.local:
            self.grant_read(reader)

        none: pulumi.Output[None] = pulumi.Output.from_input(None)
        self.parameter_arn = self.parameter.arn
        self.parameter_name = self.parameter.name
        self.tier = _as_output(checked.tier)
        self.kms_key_arn = _as_output(
            key_arn if key_arn is not None else context.kms_alias_arn(AWS_MANAGED_SSM_KEY)
        )
        self.notification_topic_arn = self.notifications.topic_arn if self.notifications else none
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

    def grant_read(self, role: grants.GranteeRef) -> grants.Grant:
        """Let ``role`` of the deploying account read this parameter and nothing else: a role
        (its name, ARN, aws.iam.Role, or an Output of its name or ARN), or an IAM user or group
        (the aws.iam.User / aws.iam.Group, or its ARN). Granting it again returns the first
        grant.

        ssm:GetParameter and ssm:GetParameters on this parameter; with a CMK also kms:Decrypt,
        only through SSM in this region and only for this parameter's encryption context.

        The role must be in the deploying account: a role ARN, or an aws.iam.Role whose ARN
        names another account, is refused here (a reader in another account is shared the
        parameter through AWS RAM, registered with the component: give it in readers). The
        tier, the key and the share are chosen when the component is built (a reader in
        another account needs the Advanced tier and a customer managed key), so a later grant
        cannot change them.
        """
        read = self._read
        return self._grants.grant(
            role,
            lambda: parameter_read_policy(read.parameter_arn, read.key_arn, read.region),
            estimate=self._read_estimate,
        )

    def _read_estimate(self) -> dict[str, Any]:
        """The reader's grant with stand-in ARNs as long as the real ones (stand_ins)."""
        read = self._read
        region = stand_ins.region(self.known_region)
        key = read.key_arn
        return parameter_read_policy(
            stand_ins.parameter_arn(region, self._parameter_name),
            None if key is None else stand_ins.key_arn(region, key, self.pulumi_resource_name),
            region,
        )

    def reader_identity_policy(self) -> pulumi.Output[str]:
        """The identity policy (JSON) a reader's role needs in its own account to read this
        parameter once it is shared with that account (the other half of the grant)."""
        read = self._read
        if read.key_arn is None:
            return pulumi.Output.json_dumps(
                parameter_read_policy(read.parameter_arn, None, read.region)
            )
        return pulumi.Output.json_dumps(
            parameter_reader_identity_policy(read.parameter_arn, read.key_arn, read.region)
        )


def register_parameter(
    parent: pulumi.Resource,
    name: str,
    plan: ParameterPlan,
    checked: CheckedInputs,
    key_id: pulumi.Input[str] | None,
) -> aws.ssm.Parameter:
    """The SecureString, encrypted with ``key_id`` (None: the AWS managed aws/ssm key).

    Its own inputs carry the deferred checks on the key, value and tier, so it waits for them
    without a depends_on; it waits for the other checks through the gate.
    """
    settings = plan.settings
    # No Output.secret here: pulumi-aws marks value and value_wo secret itself (their schema
    # says secret), and wrapping again would cost three Outputs per parameter. The tests
    # assert the registered input is a secret.
    value_inputs: dict[str, pulumi.Input[str] | int] = (
        {"value_wo": checked.value, "value_wo_version": settings.value_version}
        if settings.write_only
        else {"value": checked.value}
    )
    return aws.ssm.Parameter(
        f"{name}-parameter",
        name=settings.parameter_name,
        type="SecureString",
        tier=checked.tier,
        key_id=key_id if key_id is not None else AWS_MANAGED_SSM_KEY,
        description=settings.description,
        tags=settings.tags or None,
        opts=pulumi.ResourceOptions(
            parent=parent, depends_on=checked.gate.depends_on(checked.carried())
        ),
        **value_inputs,  # type: ignore[arg-type]
    )


def register_policies(
    parent: pulumi.Resource,
    name: str,
    plan: ParameterPlan,
    parameter: aws.ssm.Parameter,
    context: AwsContext,
) -> ParameterPolicies | None:
    """The parameter policies, via the dynamic resource (pulumi-aws has no input for them);
    None when there are none."""
    settings = plan.settings
    if not settings.policies:
        return None
    return ParameterPolicies(
        f"{name}-policies",
        parameter_name=parameter.name,
        policies=settings.policies_json,
        region=context.region,
        profile=pulumi.Config("aws").get("profile"),
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[parameter],
            # A new parameter starts without policies: attach them again.
            replace_with=[parameter],
            # Deleting the parameter removes its policies with it.
            deleted_with=parameter,
        ),
    )


@dataclass(frozen=True)
class ParameterReadAccess:
    """What a reader's grant names: the parameter and its customer managed key, if any."""

    parameter_arn: pulumi.Output[str]
    key_arn: pulumi.Input[str] | None
    region: pulumi.Output[str]


def _as_output(value: pulumi.Input[str]) -> pulumi.Output[str]:
    """An Output of the value, without wrapping one that already is (from_input would add two)."""
    return value if isinstance(value, pulumi.Output) else pulumi.Output.from_input(value)
