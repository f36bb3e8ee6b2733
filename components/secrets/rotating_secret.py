"""RotatingSecret: a Secrets Manager secret with its KMS key, rotation function and schedule."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from typing import Any, Unpack, overload

import pulumi

from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import lookup_aws_context
from secretkit.components.rotation.alarms import register_secret_alarms
from secretkit.components.secrets.rotating_secret_args import (
    RotatingSecretArgs,
    parse_rotating_secret_args,
)
from secretkit.components.secrets.secret_component import (
    SecretComponent,
    open_gate,
    owns_resource_policy,
    register_primary_key,
    register_rotation,
    register_secret,
    sort_readers,
)
from secretkit.components.secrets.secret_plan import plan_secret

TYPE_TOKEN = "secretkit:index:RotatingSecret"


class RotatingSecret(SecretComponent):
    """A secret that rotates itself, with exact IAM and KMS grants for rotation and readers.

    Creates: the secret (KMS-encrypted), its initial version (write-only: the value never lands
    in Pulumi state), a CMK unless ``kms_key_arn`` is given, the rotation Lambda with its role,
    inline policy, log group and invoke permission, the rotation schedule, one inline read
    policy per reader, and rotation alarms (an EventBridge rule, a CloudWatch alarm and an SNS
    topic, unless ``alarms`` says otherwise).
    """

    secret_arn: pulumi.Output[str]
    """ARN of the secret."""
    secret_name: pulumi.Output[str]
    """Name of the secret."""
    kms_key_arn: pulumi.Output[str]
    """ARN of the key encrypting the secret (created or given)."""
    rotation_function_arn: pulumi.Output[str]
    """ARN of the rotation Lambda."""
    rotation_role_arn: pulumi.Output[str]
    """ARN of the rotation Lambda's execution role."""
    rotation_role_name: pulumi.Output[str]
    """Name of that role, so you can attach what your own rotation code needs."""
    rotation_artifact_size: pulumi.Output[int]
    """Bytes of the rotation function's zipped code (drivers included)."""
    alarm_topic_arn: pulumi.Output[str | None]
    """The SNS topic rotation alarms publish to (None when alarms are off)."""

    @overload
    def __init__(
        self,
        name: str,
        args: RotatingSecretArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[RotatingSecretArgs],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        args: RotatingSecretArgs = NO_ARGS,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, args, opts)`` with the arguments as a dict, or ``Cls(name, key=value, ...,
        opts=opts)`` with them as keywords (docs/arguments.md)."""
        plan, region = self._begin(
            TYPE_TOKEN,
            name,
            opts,
            (args, kwargs, RotatingSecretArgs),
            lambda where, given, region: plan_secret(
                where, name, parse_rotating_secret_args(given, region=region)
            ),
        )

        context = lookup_aws_context(self)
        readers = sort_readers(self, plan, context, region)
        gate = open_gate(self, plan, context, region, readers)
        key = register_primary_key(self, plan, context, gate, readers)
        secret = register_secret(
            self,
            name,
            plan,
            key_arn=key.arn,
            gate=gate,
            owns_policy=owns_resource_policy(plan, readers),
        )
        rotation = register_rotation(
            self, name, plan, secret=secret, key_arn=key.arn, context=context, gate=gate
        )
        assert rotation is not None  # a RotatingSecret always rotates
        self.rotation_function = function = rotation.function
        self.alarms = register_secret_alarms(
            self,
            name,
            plan.settings.alarms,
            secret_arn=secret.secret.arn,
            function_name=function.function.name,
            join=plan.shared.alarms if plan.shared is not None else None,
            where=plan.where,
            tags=plan.settings.tags,
            depends_on=gate.depends_on(),
        )
        self._keep_built(plan, context, key, secret, rotation, readers=readers)

        self.secret_arn = secret.secret.arn
        self.secret_name = secret.secret.name
        self.kms_key_arn = pulumi.Output.from_input(key.arn)
        self.rotation_function_arn = function.function.arn
        self.rotation_role_arn = function.role.arn
        self.rotation_role_name = function.role.name
        self.rotation_artifact_size = (
            plan.shared.artifact_size
            if plan.shared is not None
            else pulumi.Output.from_input(plan.artifact.zipped_size() if plan.artifact else 0)
        )
        self.alarm_topic_arn = (
            self.alarms.topic_arn if self.alarms is not None else pulumi.Output.from_input(None)
        )
        self.register_outputs(
            {
                "secret_arn": self.secret_arn,
                "secret_name": self.secret_name,
                "kms_key_arn": self.kms_key_arn,
                "rotation_function_arn": self.rotation_function_arn,
                "rotation_role_arn": self.rotation_role_arn,
                "rotation_role_name": self.rotation_role_name,
                "rotation_artifact_size": self.rotation_artifact_size,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )
