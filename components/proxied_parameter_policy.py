"""ProxiedParameterPolicy: IAM that lets roles read a secret through Parameter Store."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from typing import Any

import pulumi
import pulumi_aws as aws

from components import grants, validation
from components.aws_context import lookup_aws_context
from components.errors import InvalidArgumentError
from components.input_gate import InputGate
from components.proxied_parameter_policy_args import ProxiedParameterPolicyArgs, parse_proxy_args
from components.proxy_policy import (
    ecs_secret_entry,
    proxy_parameter_arn,
    proxy_parameter_path,
    proxy_policy,
)

TYPE_TOKEN = "secretkit:index:ProxiedParameterPolicy"


class ProxiedParameterPolicy(pulumi.ComponentResource):
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
        where = f"ProxiedParameterPolicy '{name}'"
        try:
            settings = parse_proxy_args(args)
        except InvalidArgumentError as error:
            raise error.located(where) from None
        super().__init__(TYPE_TOKEN, name, None, opts)
        gate = InputGate(where)
        if isinstance(settings.kms_key_arn, pulumi.Output):
            gate.check(
                settings.kms_key_arn,
                lambda arn: arn is None or validation.kms_key_arn("kms_key_arn", arn),
            )
        context = lookup_aws_context(self)
        region = settings.region or context.region
        account = settings.account_id or context.account_id
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
        self.attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{grants.role_label(role)}",
                role=grants.role_name_input(role),
                policy_arn=self.policy.arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for role in settings.roles
        ]
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
