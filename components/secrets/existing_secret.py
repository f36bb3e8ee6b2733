"""ExistingSecret: readers, a resource policy and rotation for a secret created elsewhere."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from collections.abc import Sequence
from typing import Any, Unpack, overload

import pulumi

from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import AwsContext, lookup_aws_context
from secretkit.components.iam.documents import Statement
from secretkit.components.input_gate import InputGate
from secretkit.components.kms_key import checked_key_arn
from secretkit.components.limits import SECRET_NAME
from secretkit.components.rotation.alarms import register_secret_alarms
from secretkit.components.rotation.lambda_function import FunctionResources
from secretkit.components.secrets.existing_secret_args import (
    ExistingSecretArgs,
    secret_name_of,
)
from secretkit.components.secrets.existing_secret_gate import (
    after_checks,
    checked_secret_arn,
    open_existing_gate,
)
from secretkit.components.secrets.existing_secret_plan import plan_existing_secret
from secretkit.components.secrets.existing_secret_readers import (
    foreign_refusal,
    key_policy_statements,
    sort_existing_readers,
)
from secretkit.components.secrets.secret_component import (
    ReadAccess,
    SecretComponent,
    secret_policy_statements,
)
from secretkit.components.secrets.secret_rotation import (
    OwnFunction,
    register_own_function,
    register_schedule,
)

TYPE_TOKEN = "secretkit:index:ExistingSecret"
#: The AWS managed key a secret uses when it was created without a KmsKeyId.
AWS_MANAGED_SECRETS_KEY = "alias/aws/secretsmanager"


class ExistingSecret(SecretComponent):
    """A Secrets Manager secret created elsewhere (another stack, a console, an RDS instance
    with manage_master_user_password), given what secretkit gives its own secrets: exact read
    grants, a resource policy for readers in other accounts, and rotation with a strategy's own
    function or a shared RotationFunction. The secret is neither created nor imported: deleting
    the component removes only what it added.
    """

    secret_arn: pulumi.Output[str]
    """ARN of the secret (as given, once checked)."""
    secret_name: pulumi.Output[str]
    """Name of the secret (from its ARN)."""
    kms_key_arn: pulumi.Output[str]
    """The key ARN given, or the ARN of the alias aws/secretsmanager when the AWS managed key is
    used."""
    rotation_function_arn: pulumi.Output[str | None]
    """ARN of the rotation Lambda (its own or the shared one's), when rotation is given."""
    rotation_role_arn: pulumi.Output[str | None]
    """ARN of that Lambda's execution role, when rotation is given."""
    key_policy_statements: pulumi.Output[str]
    """JSON list of the statements the key's owner must add to its key policy for the readers
    in other accounts ('[]' when there are none)."""
    alarm_topic_arn: pulumi.Output[str | None]
    """The SNS topic rotation alarms publish to (None when alarms are off)."""

    @overload
    def __init__(
        self,
        name: str,
        args: ExistingSecretArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[ExistingSecretArgs],
    ) -> None: ...

    def __init__(
        self,
        name: str,
        args: ExistingSecretArgs = NO_ARGS,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, args, opts)`` with the arguments as a dict, or ``Cls(name, key=value, ...,
        opts=opts)`` with them as keywords (docs/arguments.md)."""
        plan, region = self._begin(
            TYPE_TOKEN,
            name,
            opts,
            (args, kwargs, ExistingSecretArgs),
            lambda where, given, region: plan_existing_secret(where, name, given, region),
        )
        self._existing = plan
        settings = plan.settings
        context = lookup_aws_context(self)
        readers = sort_existing_readers(self, plan, context)
        gate = open_existing_gate(self, plan, context, region, readers)
        checked_secret_arn(gate, plan, context)
        key_arn = (
            checked_key_arn(gate, settings.kms_key_arn, context.region, "the secret")
            if isinstance(settings.kms_key_arn, pulumi.Output)
            else settings.kms_key_arn
        )
        # Every child names the secret: given its ARN once every check passed, none is created
        # for a secret, key or rotation the checks refuse.
        secret_arn = after_checks(gate, settings.secret_arn)
        self._keep_readers(
            plan.where, context, ReadAccess(secret_arn, key_arn, context.region, []), readers
        )
        if self._resource_policy_statements([]):
            self._register_resource_policy()
        function = self._register_rotation(name, secret_arn, key_arn, context, gate)
        shared = plan.shared
        self.alarms = register_secret_alarms(
            self,
            name,
            settings.alarms,
            secret_arn=secret_arn,
            function_name=function.function.name if function is not None else None,
            join=shared.alarms if shared is not None else None,
            where=plan.where,
            tags=settings.tags,
            depends_on=gate.depends_on(),
        )

        none: pulumi.Output[None] = pulumi.Output.from_input(None)
        self.secret_arn = secret_arn
        self.secret_name = secret_arn.apply(secret_name_of)
        self.kms_key_arn = pulumi.Output.from_input(
            key_arn if key_arn is not None else context.kms_alias_arn(AWS_MANAGED_SECRETS_KEY)
        )
        self.rotation_function_arn = function.function.arn if function else none
        self.rotation_role_arn = function.role.arn if function else none
        self.key_policy_statements = key_policy_statements(readers, secret_arn, context)
        self.alarm_topic_arn = self.alarms.topic_arn if self.alarms is not None else none
        self.register_outputs(
            {
                "secret_arn": self.secret_arn,
                "secret_name": self.secret_name,
                "kms_key_arn": self.kms_key_arn,
                "rotation_function_arn": self.rotation_function_arn,
                "rotation_role_arn": self.rotation_role_arn,
                "key_policy_statements": self.key_policy_statements,
                "alarm_topic_arn": self.alarm_topic_arn,
            }
        )

    def kms_key_arn_in(self, region: str | None) -> pulumi.Output[str] | None:
        """The given key; None for the AWS managed key aws/secretsmanager (a policy needs no
        statement for it, and cannot name it in advance)."""
        del region
        return self.kms_key_arn if self._existing.settings.kms_key_arn is not None else None

    def _register_rotation(
        self,
        name: str,
        secret_arn: pulumi.Output[str],
        key_arn: pulumi.Input[str] | None,
        context: AwsContext,
        gate: InputGate,
    ) -> FunctionResources | None:
        """The rotation function (its own, or the shared one) and the schedule on the secret;
        None without rotation."""
        plan = self._existing
        rotation = plan.settings.rotation
        if rotation is None:
            return None
        if plan.shared is not None:
            function = plan.shared.resources
            # The member statement in the resource policy lets the shared role rotate it.
            ready: list[pulumi.Resource] = [*plan.shared.grants()]
            if self.resource_policy is not None:
                ready.append(self.resource_policy)
        else:
            assert plan.artifact is not None
            settings = plan.settings
            function = register_own_function(
                OwnFunction(name, self, settings.function, settings.tags, plan.artifact),
                rotation,
                secret_arn,
                key_arn,
                context=context,
                gate=gate,
            )
            ready = [function.role_policy, function.permission]
        self.rotation_function = function
        self.rotation = register_schedule(
            self, name, rotation, secret_arn, function.function.arn, depends_on=ready
        )
        return function

    def _estimated_secret_name(self) -> str:
        """The name in the given ARN; for an ARN known only once deploying, the longest name
        Secrets Manager allows (a grant is never packed as smaller than it is)."""
        arn = self._existing.settings.secret_arn
        return secret_name_of(arn) if isinstance(arn, str) else "n" * SECRET_NAME.maximum

    def _resource_policy_statements(self, late: Sequence[pulumi.Input[str]]) -> list[Statement]:
        """The shared function's grant, the readers in other accounts, the user's statements;
        empty when none is needed (the secret's own policy is left alone)."""
        plan, readers = self._existing, self._readers
        principals = [*readers.foreign, *late]
        own = plan.settings.resource_policy_statements
        if not (principals or plan.shared is not None or own):
            return []
        arn = self._read.secret_arn
        member = plan.shared.member_statement_on(arn) if plan.shared is not None else None
        return secret_policy_statements(member, [arn], principals, None, own)

    def _check_foreign_grant(self, value: object, given: str) -> None:
        readers = self._readers
        everyone = [*readers.shown, *readers.late.shown, given]
        error = foreign_refusal(self._existing, "role", value, everyone)
        if error is not None:
            raise error
