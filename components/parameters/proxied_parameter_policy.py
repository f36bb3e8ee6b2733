"""ProxiedParameterPolicy: IAM that lets roles read a secret through Parameter Store."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from typing import Any

import pulumi
import pulumi_aws as aws

from secretkit.components import physical_names
from secretkit.components.aws_context import lookup_aws_context
from secretkit.components.component import Component
from secretkit.components.iam import grants
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

    def __init__(
        self,
        name: str,
        args: ProxiedParameterPolicyArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        where, settings, names = self._begin(
            TYPE_TOKEN, name, opts, lambda where: plan_proxy_policy(where, name, args)
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
            policy=self.policy_json,
            opts=pulumi.ResourceOptions(parent=self, depends_on=gate.depends_on()),
        )
        taken = {resource for resource, _ in names}
        self.attachments = []
        for index, (role, (resource, legacy)) in enumerate(zip(settings.roles, names, strict=True)):
            self.attachments.append(
                aws.iam.RolePolicyAttachment(
                    resource,
                    role=grants.local_role_name(f"roles[{index}]", role, context.account_id, where),
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
    names: list[tuple[str, str]] = []
    outputs = 0
    for index, role in enumerate(settings.roles):
        if isinstance(role, pulumi.Output):
            # An Output's role is not known yet: its attachment is named by its rank.
            outputs += 1
            label = f"{name}-{grants.output_label(outputs)}"
            names.append((label, label))
        else:
            names.append(grants.resource_name(f"{name}-", role, argument=f"roles[{index}]"))
    return where, settings, names


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
    grants.check_accounts_later(gate, "roles", settings.roles, deploying_account)
