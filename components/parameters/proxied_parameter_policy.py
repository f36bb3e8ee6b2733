"""ProxiedParameterPolicy: IAM that lets roles read a secret through Parameter Store."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from functools import partial
from typing import Any, Unpack, overload

import pulumi
import pulumi_aws as aws

from secretkit.components import physical_names, validation
from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import lookup_aws_context
from secretkit.components.component import Component
from secretkit.components.errors import located_at
from secretkit.components.iam import grants, policy_sizes
from secretkit.components.iam.proxy import (
    ecs_secret_entry,
    proxy_parameter_arn,
    proxy_parameter_path,
    proxy_policy,
)
from secretkit.components.input_gate import InputGate
from secretkit.components.kms_key import checked_key_arn
from secretkit.components.parameters.proxied_parameter_policy_args import (
    ProxiedParameterPolicyArgs,
    ProxySettings,
    parse_proxy_args,
)

TYPE_TOKEN = "secretkit:index:ProxiedParameterPolicy"


class ProxiedParameterPolicy(Component):
    """A managed policy for reading a Secrets Manager secret with
    ``ssm:GetParameter(Name="/aws/reference/secretsmanager/<name>", WithDecryption=True)``,
    attached to each role. Useful where only Parameter Store is wired in: ECS and Batch
    ``secrets.valueFrom``, or code that already holds an SSM client.
    """

    policy_json: pulumi.Output[str]
    """The policy document."""
    policy_arn: pulumi.Output[str]
    """ARN of the managed policy."""
    parameter_path: pulumi.Output[str]
    """The name to pass to GetParameter."""
    parameter_arn: pulumi.Output[str]
    """ARN of the reference parameter (what ECS valueFrom takes)."""

    @overload
    def __init__(
        self,
        name: str,
        args: ProxiedParameterPolicyArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[ProxiedParameterPolicyArgs],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        args: ProxiedParameterPolicyArgs = NO_ARGS,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, args, opts)`` with the arguments as a dict, or ``Cls(name, key=value, ...,
        opts=opts)`` with them as keywords (docs/arguments.md)."""
        (where, settings, names), _ = self._begin(
            TYPE_TOKEN,
            name,
            opts,
            (args, kwargs, ProxiedParameterPolicyArgs),
            lambda where, given, _region: plan_proxy_policy(where, name, given),
        )
        gate = InputGate(where)
        context = lookup_aws_context(self)
        region = settings.region or context.region
        account = settings.account_id or context.account_id
        _deferred_checks(settings, gate, region, context.account_id)
        document = proxy_policy(
            context.partition, region, account, settings.secret_name, settings.kms_key_arn
        )
        self.policy_json = pulumi.Output.json_dumps(document)
        self.policy = aws.iam.Policy(
            f"{name}-policy",
            description=settings.description
            or "Read one Secrets Manager secret through Parameter Store (secretkit)",
            # Measured once the key's ARN is known: over 6,144 characters, no policy.
            policy=self.policy_json.apply(
                lambda text: policy_sizes.managed_policy_within_limit(
                    text, f"{name}-policy", "secret_name", where
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on()),
        )
        taken = {resource for resource, _ in names}
        self.attachments = []
        for index, (role, (resource, legacy)) in enumerate(zip(settings.roles, names, strict=True)):
            self.attachments.append(
                aws.iam.RolePolicyAttachment(
                    resource,
                    role=_role_name(f"roles[{index}]", role, context.account_id, where),
                    policy_arn=self.policy.arn,
                    # A renamed attachment would be created, then the old one deleted, which
                    # detaches the same policy from the same role: the alias keeps it one.
                    opts=pulumi.ResourceOptions(
                        parent=self, aliases=grants.aliases_for(resource, legacy, taken)
                    ),
                )
            )
            taken.add(legacy)
        self.policy_arn = self.policy.arn
        self.parameter_path = pulumi.Output.from_input(proxy_parameter_path(settings.secret_name))
        self.parameter_arn = pulumi.Output.from_input(
            proxy_parameter_arn(context.partition, region, account, settings.secret_name)
        )
        self.register_outputs(
            {
                "policy_json": self.policy_json,
                "policy_arn": self.policy_arn,
                "parameter_path": self.parameter_path,
                "parameter_arn": self.parameter_arn,
            }
        )

    def ecs_secret(self, name: str) -> pulumi.Output[dict[str, Any]]:
        """A container definition ``secrets`` entry: ``{"name": name, "valueFrom": <ARN>}``."""
        return self.parameter_arn.apply(lambda arn: ecs_secret_entry(name, arn))


def plan_proxy_policy(
    where: str, name: str, args: ProxiedParameterPolicyArgs
) -> tuple[str, ProxySettings, list[tuple[str, str]]]:
    """``where``, the settings, and each role's attachment name with its legacy alias; raises
    InvalidArgumentError for bad input."""
    settings = parse_proxy_args(args)
    physical_names.check(name, [("-policy", physical_names.IAM_POLICY)])
    names = [
        _output_role_names(name, index)
        if isinstance(role, pulumi.Output)
        else grants.resource_name(f"{name}-", role, argument=f"roles[{index}]")
        for index, role in enumerate(settings.roles)
    ]
    return where, settings, names


def _output_role_names(name: str, index: int) -> tuple[str, str]:
    """(resource name, legacy name) of the attachment to a role given as an Output, whose name
    is not known while the program runs (a preview may not know it at all): named by its
    position, '<component>-roles.<index>'. A role's own label never holds a '.', so no role
    given by name can take the same resource name."""
    resource = f"{name}-roles.{index}"
    return resource, resource


def _role_name(
    argument: str,
    role: grants.RoleRef | pulumi.Output[str],
    account: pulumi.Output[str],
    where: str,
) -> pulumi.Input[str]:
    """The IAM name the attachment takes: grants.local_role_name, after checking an Output's
    value (a role name or ARN of the deploying account) once it is known."""
    if not isinstance(role, pulumi.Output):
        return grants.local_role_name(argument, role, account, where)
    return role.apply(
        lambda known: grants.local_role_name(
            argument,
            located_at(where, lambda: validation.role_reference(argument, known)),
            account,
            where,
        )
    )


def _deferred_checks(
    settings: ProxySettings,
    gate: InputGate,
    region: pulumi.Input[str],
    deploying_account: pulumi.Output[str],
) -> None:
    """Checks that wait for an Output or the provider: the key's form and region (the secret's),
    and roles of the deploying account (each attachment checks its role again)."""
    key = settings.kms_key_arn
    if isinstance(key, pulumi.Output) or (key is not None and settings.region is None):
        checked_key_arn(gate, key, region, "the secret", optional=True)
    grants.check_accounts_later(
        gate,
        "roles",
        [role for role in settings.roles if not isinstance(role, pulumi.Output)],
        deploying_account,
    )
    for index, role in enumerate(settings.roles):
        if isinstance(role, pulumi.Output):
            gate.check(
                pulumi.Output.all(role, deploying_account),
                partial(_check_output_role, f"roles[{index}]"),
            )
    if settings.secret_name_unchecked:
        gate.check(
            settings.secret_name,
            lambda known: validation.secret_name("secret_name", known),
        )


def _check_output_role(argument: str, known: list[str]) -> None:
    """A role given as an Output, once known: a role name or ARN of the deploying account."""
    role, account = known
    grants.foreign_role(argument, validation.role_reference(argument, role), account)
