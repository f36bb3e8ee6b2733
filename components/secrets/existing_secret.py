"""ExistingSecret: readers, a resource policy and rotation for a secret created elsewhere."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Unpack, overload

import pulumi

from secretkit.components import program_body, validation
from secretkit.components.arguments import NO_ARGS
from secretkit.components.aws_context import AwsContext, lookup_aws_context
from secretkit.components.errors import InvalidArgumentError, located_at
from secretkit.components.iam import grants
from secretkit.components.iam.cross_account import foreign_decrypt_statement
from secretkit.components.iam.documents import Statement
from secretkit.components.iam.foreign_readers import (
    AccountOf,
    ReaderSplit,
    principal_text,
    split_readers,
)
from secretkit.components.iam.late_readers import LateReaders
from secretkit.components.input_gate import InputGate
from secretkit.components.kms_key import checked_key_arn
from secretkit.components.rotation.artifact import HandlerArtifact
from secretkit.components.rotation.function_code import code_environment_bounds
from secretkit.components.rotation.function_settings import (
    check_environment_later,
    refuse_secret_values,
)
from secretkit.components.rotation.lambda_function import FunctionResources
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.components.secrets.existing_secret_args import (
    POLICY_REPLACED,
    SECRET_REGION_RULE,
    ExistingSecretArgs,
    ExistingSecretSettings,
    check_region,
    parse_existing_secret_args,
    secret_name_of,
)
from secretkit.components.secrets.rotation_spec import (
    rotation_warnings,
    secret_rotation_artifact,
)
from secretkit.components.secrets.secret_component import (
    ReadAccess,
    SecretComponent,
    secret_policy_statements,
)
from secretkit.components.secrets.secret_plan import check_derived_names
from secretkit.components.secrets.secret_rotation import (
    OwnFunction,
    register_own_function,
    register_schedule,
)

TYPE_TOKEN = "secretkit:index:ExistingSecret"
#: The AWS managed key a secret uses when it was created without a KmsKeyId.
AWS_MANAGED_SECRETS_KEY = "alias/aws/secretsmanager"
#: Why a secret under the AWS managed key serves its own account only.
MANAGED_KEY_RULE = (
    "the secret uses the AWS managed key aws/secretsmanager, whose key policy nobody can change: "
    "it lets principals of the secret's own account decrypt, never another account's. "
    "Re-encrypt the secret with a customer managed key (UpdateSecret KmsKeyId) and give it as "
    "kms_key_arn"
)


@dataclass(frozen=True)
class ExistingSecretPlan:
    """What an ExistingSecret will register, decided from its parsed arguments alone."""

    where: str
    """The component, as errors name it: "ExistingSecret 'db'"."""
    settings: ExistingSecretSettings
    shared: RotationFunction | None
    """The shared RotationFunction that rotates the secret, if any."""
    artifact: HandlerArtifact | None
    """The code of the secret's own rotation function (None: no rotation, or a shared one)."""


def plan_existing_secret(
    where: str, name: str, given: Any, region: str | None
) -> ExistingSecretPlan:
    """The plan for the arguments ``given``; raises InvalidArgumentError for a bad argument, a
    derived AWS name that breaks a rule, or a strategy whose code or driver is missing."""
    settings = parse_existing_secret_args(given, region)
    rotation = settings.rotation
    own = rotation is not None and rotation.shared is None
    shared: RotationFunction | None = rotation.function if rotation is not None else None
    check_derived_names(name, settings.readers, own_function=own)
    if shared is not None and not settings.manage_resource_policy:
        raise validation.fail(
            "rotation.function",
            f"RotationFunction '{shared.pulumi_resource_name}'",
            "lets its role rotate a member through the member's resource policy, and "
            + POLICY_REPLACED,
        )
    return ExistingSecretPlan(
        where=where,
        settings=settings,
        shared=shared,
        artifact=secret_rotation_artifact(rotation) if own and rotation is not None else None,
    )


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

        none: pulumi.Output[None] = pulumi.Output.from_input(None)
        self.secret_arn = secret_arn
        self.secret_name = secret_arn.apply(secret_name_of)
        self.kms_key_arn = pulumi.Output.from_input(
            key_arn if key_arn is not None else context.kms_alias_arn(AWS_MANAGED_SECRETS_KEY)
        )
        self.rotation_function_arn = function.function.arn if function else none
        self.rotation_role_arn = function.role.arn if function else none
        self.key_policy_statements = key_policy_statements(readers, secret_arn, context)
        self.register_outputs(
            {
                "secret_arn": self.secret_arn,
                "secret_name": self.secret_name,
                "kms_key_arn": self.kms_key_arn,
                "rotation_function_arn": self.rotation_function_arn,
                "rotation_role_arn": self.rotation_role_arn,
                "key_policy_statements": self.key_policy_statements,
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


def sort_existing_readers(
    parent: pulumi.Resource, plan: ExistingSecretPlan, context: AwsContext
) -> ReaderSplit:
    """The readers sorted into roles of the deploying account and principals of others; the
    latter refused unless the resource policy is managed and the key can serve them."""
    accounts = AccountOf(parent)
    split = located_at(
        plan.where,
        lambda: split_readers(
            "readers", plan.settings.readers, accounts, context.partition, plan.where
        ),
    )
    split.accounts = accounts
    split.late = LateReaders(program_body.program_frame())
    if split.foreign:
        error = foreign_refusal(plan, "readers", split.shown, split.shown)
        if error is not None:
            raise error
    return split


def foreign_refusal(
    plan: ExistingSecretPlan, argument: str, value: object, everyone: Sequence[str]
) -> InvalidArgumentError | None:
    """Why readers in other accounts (``everyone``, as given) cannot be granted, or None: the
    resource policy is not the component's, the key is AWS managed, or the key's owner has not
    added the statement (printed)."""
    settings = plan.settings
    rule: str | None = None
    if not settings.manage_resource_policy:
        rule = "names readers in other accounts, granted in the secret's resource policy, and "
        rule += POLICY_REPLACED
    elif settings.kms_key_arn is None:
        rule = f"names readers in other accounts, but {MANAGED_KEY_RULE}"
    elif not settings.key_policy_allows_foreign_readers:
        rule = (
            "names readers in other accounts, but the key of kms_key_arn is not this "
            "component's, so it cannot add their Decrypt grant. Ask the key's owner to add to "
            f"its key policy:\n{key_statement_text(settings, everyone)}\n"
            "then set key_policy_allows_foreign_readers=True"
        )
    return None if rule is None else validation.fail(argument, value, rule).located(plan.where)


def key_statement_text(settings: ExistingSecretSettings, everyone: Sequence[str]) -> str:
    """The key policy statement the readers in other accounts need, as JSON text."""
    arn = settings.secret_arn if isinstance(settings.secret_arn, str) else "<secret_arn>"
    region = validation.arn_region(arn) if isinstance(settings.secret_arn, str) else "<region>"
    principals = [principal_text(reader) for reader in everyone]
    return json.dumps(foreign_decrypt_statement(principals, arn, region), indent=2)


def key_policy_statements(
    readers: ReaderSplit,
    secret_arn: pulumi.Output[str],
    context: AwsContext,
) -> pulumi.Output[str]:
    """The statements the key's owner adds for the readers in other accounts (those of the
    arguments and those grant_read adds), as a JSON list."""

    def build(late: list[pulumi.Input[str]]) -> pulumi.Output[str]:
        principals = [*readers.foreign, *late]
        statements = (
            [foreign_decrypt_statement(principals, secret_arn, context.region)]
            if principals
            else []
        )
        return pulumi.Output.json_dumps(statements)

    return readers.late.document(build)


def open_existing_gate(
    parent: pulumi.Resource,
    plan: ExistingSecretPlan,
    context: AwsContext,
    region: str | None,
    readers: ReaderSplit,
) -> InputGate:
    """Log the rotation's advice, and return the gate of the checks that wait for an Output
    or the provider: the readers' account, the region, the rotation function's environment, a
    shared function's key and allow-list."""
    settings = plan.settings
    for warning in rotation_warnings(settings.rotation, settings.function):
        pulumi.log.warn(warning, resource=parent)
    gate = InputGate(plan.where)
    grants.check_accounts_later(gate, "readers", readers.local, context.account_id)
    if region is None:
        gate.check(context.region, lambda known: check_region(settings, known))
    rotation = settings.rotation
    if rotation is not None and rotation.shared is None:
        refuse_secret_values(gate, "rotation.environment", settings.function.environment)
        check_environment_later(
            gate, "rotation.environment", settings.function, code_environment_bounds(rotation)
        )
    shared = plan.shared
    if shared is not None:
        if settings.kms_key_arn is not None:
            gate.check(
                pulumi.Output.all(settings.kms_key_arn, shared.kms_key_arn),
                lambda keys: same_key(shared.pulumi_resource_name, keys[0], keys[1]),
            )
        names = shared.shared_settings.secret_names
        if names is not None:
            gate.check(settings.secret_arn, lambda arn: listed(shared, names, arn))
    return gate


def same_key(function: str, given: str, functions: str) -> None:
    """A shared function's role may use its own key only (and the AWS managed key)."""
    if given != functions:
        raise validation.fail(
            "kms_key_arn",
            given,
            f"differs from RotationFunction '{function}''s key {functions}: the function's role "
            "may use only its own key (or the AWS managed key aws/secretsmanager)",
        )


def listed(function: RotationFunction, names: Sequence[str], arn: str) -> None:
    """The secret is one of the shared function's secret_names, when it lists them."""
    name = secret_name_of(validation.secret_arn("secret_arn", arn))
    if name not in names:
        raise validation.fail(
            "secret_arn",
            arn,
            f"names secret {name!r}, which is not one of RotationFunction "
            f"'{function.pulumi_resource_name}''s secret_names: list it there",
        )


def checked_secret_arn(
    gate: InputGate, plan: ExistingSecretPlan, context: AwsContext
) -> pulumi.Output[str]:
    """The secret's ARN once its form, region and account are checked (the component grants
    and rotates it with the provider of the deploying account and region)."""
    return gate.defer(
        pulumi.Output.all(plan.settings.secret_arn, context.region, context.account_id).apply(
            lambda known: gate.run(lambda values: check_secret_arn(*values), known)
        )
    )


def after_checks(gate: InputGate, value: pulumi.Input[str]) -> pulumi.Output[str]:
    """``value`` once every check of ``gate`` passed."""
    waiting = gate.depends_on()
    if waiting is None:
        return pulumi.Output.from_input(value)
    return pulumi.Output.all(value, waiting).apply(lambda known: str(known[0]))


def check_secret_arn(arn: str, region: str, account: str) -> str:
    """``arn`` if it is a complete secret ARN in ``region`` and ``account``."""
    validation.secret_arn("secret_arn", arn)
    validation.in_region("secret_arn", arn, region, "the provider", SECRET_REGION_RULE)
    found = validation.arn_account(arn)
    if found != account:
        raise validation.fail(
            "secret_arn",
            arn,
            f"is a secret of account {found}, but the provider deploys into {account}: give the "
            "component a provider of the secret's own account (its resource policy and rotation "
            "are set there; a reader of this account is granted from the secret's side)",
        )
    return arn
