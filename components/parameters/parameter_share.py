"""A SecureParameter's readers in other accounts: what they need of the plan (the Advanced tier,
a customer managed key), the key statement naming them, and the AWS RAM resource share that
gives their accounts the parameter."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import pulumi
import pulumi_aws as aws

from secretkit.components import validation
from secretkit.components.aws_context import AwsContext
from secretkit.components.errors import located_at
from secretkit.components.iam.arns import concat, parameter_arn
from secretkit.components.iam.documents import Statement
from secretkit.components.iam.foreign_readers import (
    AccountOf,
    ReaderSplit,
    is_account_id,
    principal_text,
    split_readers,
)
from secretkit.components.iam.shared_parameter import shared_parameter_decrypt_statement
from secretkit.components.input_gate import InputGate
from secretkit.components.key_choice import KeyChoice
from secretkit.components.parameters.parameter_plan import ParameterPlan

#: The AWS RAM managed permission for Parameter Store parameters: read only (GetParameter,
#: GetParameters, DescribeParameters of the shared parameter).
READ_ONLY_PERMISSION = "AWSRAMDefaultPermissionSSMParameterReadOnly"


def sort_parameter_readers(
    parent: pulumi.Resource, plan: ParameterPlan, context: AwsContext
) -> ReaderSplit:
    """The readers sorted into roles of the deploying account and principals of other accounts
    (asking the provider for the deploying account only when a reader is an ARN, an account id
    or another provider's role)."""
    accounts = AccountOf(parent)
    readers = plan.settings.readers
    split = located_at(
        plan.where,
        lambda: split_readers("readers", readers, accounts, context.partition, plan.where),
    )
    split.accounts = accounts
    return split


def shared_plan(plan: ParameterPlan, split: ReaderSplit, region: str | None) -> ParameterPlan:
    """The plan for ``split``: its local readers only (the others are shared with, not granted
    inline), and with readers in other accounts the Advanced tier and a customer managed key,
    created unless kms_key_arn is given. Raises InvalidArgumentError when tier='Standard', and
    for a given key unless key_policy_allows_foreign_readers (printing the statement its owner
    must add)."""
    settings = plan.settings
    if not split.foreign:
        return plan
    if settings.requested_tier == "Standard":
        raise validation.fail(
            "tier",
            "Standard",
            "cannot hold readers in other accounts: AWS RAM shares only Advanced-tier "
            "parameters; use 'auto' or 'Advanced'",
        ).located(plan.where)
    key = plan.key
    if key is None or key.given is None:
        key = KeyChoice(
            None, settings.key_administrators, settings.key_administrators_can_edit_policy
        )
    elif not settings.key_policy_allows_foreign_readers:
        raise validation.fail(
            "readers",
            split.shown,
            "names readers in other accounts, but the key of kms_key_arn was not created by "
            "this component, so it cannot add their Decrypt grant. Ask the key's owner to add "
            f"to its key policy:\n{given_key_statement_text(plan, split, region)}\n"
            "then set key_policy_allows_foreign_readers=True (or leave out kms_key_arn: the "
            "component then creates the key)",
        ).located(plan.where)
    shared = replace(
        settings, readers=list(split.local), tier="Advanced", requested_tier="Advanced"
    )
    return replace(plan, settings=shared, key=key)


def given_key_statement_text(plan: ParameterPlan, split: ReaderSplit, region: str | None) -> str:
    """The statement a given key needs for the readers in other accounts, as JSON text."""
    where = region or "<region>"
    arn = parameter_arn("<partition>", where, "<account>", plan.settings.parameter_name)
    principals = [principal_text(reader) for reader in split.shown]
    return json.dumps(shared_parameter_decrypt_statement(principals, arn, where), indent=2)


def key_statements(plan: ParameterPlan, split: ReaderSplit, context: AwsContext) -> list[Statement]:
    """What a key the component creates adds to its policy for the readers in other accounts:
    Decrypt through Parameter Store for this parameter (none without such readers)."""
    if not split.foreign:
        return []
    arn = parameter_arn(
        context.partition, context.region, context.account_id, plan.settings.parameter_name
    )
    return [shared_parameter_decrypt_statement(split.foreign, arn, context.region)]


@dataclass(frozen=True)
class ParameterShare:
    """The AWS RAM resource share of a parameter, its resource and its principal associations."""

    share: aws.ram.ResourceShare
    resource: aws.ram.ResourceAssociation
    principals: list[aws.ram.PrincipalAssociation]


def share_accounts(split: ReaderSplit) -> list[tuple[str, pulumi.Input[str]]]:
    """(resource name suffix, account id) of each account to share with, each account once: an
    account id as given, a role ARN's account (RAM shares a parameter with accounts, not roles),
    and for a role known only when deployed, its ARN's account."""
    found: dict[str, pulumi.Input[str]] = {}
    for index, (shown, principal) in enumerate(zip(split.shown, split.foreign, strict=True)):
        if is_account_id(shown):
            found.setdefault(shown, shown)
        elif shown.startswith("arn:"):
            account = validation.arn_account(shown)
            found.setdefault(account, account)
        else:
            found[f"reader-{index}"] = pulumi.Output.from_input(principal).apply(
                validation.arn_account
            )
    return list(found.items())


def register_share(
    parent: pulumi.Resource,
    name: str,
    parameter: aws.ssm.Parameter,
    split: ReaderSplit,
    context: AwsContext,
    *,
    tags: dict[str, str],
    gate: InputGate,
) -> ParameterShare:
    """A resource share of ``parameter`` with the accounts of the readers in other accounts,
    read only (READ_ONLY_PERMISSION). External principals are allowed: a reader's account need
    not be in the deploying account's organization (an account outside it accepts the share's
    invitation; one inside, with RAM sharing enabled in the organization, gets it directly).
    The share waits for ``gate``'s deferred checks."""
    opts = pulumi.ResourceOptions(parent=parent, depends_on=gate.depends_on())
    share = aws.ram.ResourceShare(
        f"{name}-share",
        name=f"{name}-share",
        allow_external_principals=True,
        permission_arns=[
            concat("arn:", context.partition, ":ram::aws:permission/", READ_ONLY_PERMISSION)
        ],
        tags=tags or None,
        opts=opts,
    )
    inside = pulumi.ResourceOptions(parent=parent)
    resource = aws.ram.ResourceAssociation(
        f"{name}-share-parameter",
        resource_arn=parameter.arn,
        resource_share_arn=share.arn,
        opts=inside,
    )
    principals = [
        aws.ram.PrincipalAssociation(
            f"{name}-share-{suffix}",
            principal=account,
            resource_share_arn=share.arn,
            opts=inside,
        )
        for suffix, account in share_accounts(split)
    ]
    return ParameterShare(share, resource, principals)
