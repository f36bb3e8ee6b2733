"""An ExistingSecret's readers: roles of the deploying account, and the readers in other accounts
that the secret's resource policy and key can serve (the key's owner adds their statement)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi

from secretkit.components import program_body, validation
from secretkit.components.aws_context import AwsContext
from secretkit.components.errors import InvalidArgumentError, located_at
from secretkit.components.iam.cross_account import foreign_decrypt_statement
from secretkit.components.iam.foreign_readers import (
    AccountOf,
    ReaderSplit,
    principal_text,
    split_readers,
)
from secretkit.components.iam.late_readers import LateReaders
from secretkit.components.secrets.existing_secret_args import (
    POLICY_REPLACED,
    ExistingSecretSettings,
)
from secretkit.components.secrets.existing_secret_plan import ExistingSecretPlan

#: Why a secret under the AWS managed key serves its own account only.
MANAGED_KEY_RULE = (
    "the secret uses the AWS managed key aws/secretsmanager, whose key policy nobody can change: "
    "it lets principals of the secret's own account decrypt, never another account's. "
    "Re-encrypt the secret with a customer managed key (UpdateSecret KmsKeyId) and give it as "
    "kms_key_arn"
)


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
