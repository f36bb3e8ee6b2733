"""A component's KMS key: a customer managed key with rotation on and the least-privilege
secretkit key policy, or a given key ARN checked once it is known."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, overload

import pulumi
import pulumi_aws as aws

from secretkit.components import limits, validation
from secretkit.components.aws_context import AwsContext
from secretkit.components.iam.documents import Statement
from secretkit.components.iam.key_policy import key_policy
from secretkit.components.input_gate import InputGate

#: Statements a created key's policy ends with: known now, or once an Output resolves.
ExtraStatements = Sequence[Statement] | pulumi.Output[list[Statement]]
#: Each CMK costs $1 per month (AWS KMS pricing), so components share keys where they can.
KEY_DELETION_WINDOW_DAYS = 30


def create_kms_key(
    resource_name: str,
    *,
    description: str,
    context: AwsContext,
    administrators: Sequence[pulumi.Input[str]] = (),
    administrators_can_edit_policy: bool = False,
    tags: Mapping[str, str] | None = None,
    multi_region: bool = False,
    region: str | None = None,
    extra_statements: ExtraStatements = (),
    opts: pulumi.ResourceOptions,
) -> aws.kms.Key:
    """Register the key; the caller passes opts with parent (and any gate) already set.

    ``region`` places it in another region through pulumi-aws v7's per-resource region;
    ``extra_statements`` are appended to its policy (readers in other accounts).
    """
    return aws.kms.Key(
        resource_name,
        description=description,
        enable_key_rotation=True,
        multi_region=multi_region or None,
        region=region,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        policy=key_policy_json(
            context,
            administrators,
            administrators_can_edit_policy,
            extra_statements,
            resource=resource_name,
        ),
        tags=dict(tags) if tags else None,
        opts=opts,
    )


def key_policy_json(
    context: AwsContext,
    administrators: Sequence[pulumi.Input[str]],
    administrators_can_edit_policy: bool,
    extra_statements: ExtraStatements = (),
    *,
    resource: str = "key",
) -> pulumi.Output[str]:
    """The secretkit key policy of a key the component creates (a CMK or a replica key, named
    ``resource``), refused once serialized if over KMS's 32 KB (the key, which takes it as an
    input, is then not created; administrators alone are checked before anything is
    registered). ``extra_statements`` may be known only later (readers that grant_read adds)."""
    if isinstance(extra_statements, pulumi.Output):
        return extra_statements.apply(
            lambda extra: key_policy_json(
                context, administrators, administrators_can_edit_policy, extra, resource=resource
            )
        )
    return pulumi.Output.json_dumps(
        key_policy(
            context.partition,
            context.account_id,
            list(administrators),
            administrators_can_edit_policy=administrators_can_edit_policy,
            extra=extra_statements,
        )
    ).apply(lambda policy: key_policy_within_limit(policy, resource))


def key_policy_within_limit(policy: str, resource: str = "key") -> str:
    """The serialized key ``policy`` of the key ``resource``, refused when over KMS's 32,768
    bytes."""
    limits.check(
        "key_administrators",
        f"<key policy of {limits.size(limits.KMS_KEY_POLICY, policy)} bytes>",
        limits.KMS_KEY_POLICY,
        policy,
        f"the policy of the KMS key '{resource}' (administrators and readers in other accounts)",
    )
    return policy


@overload
def checked_key_arn(
    gate: InputGate,
    key: pulumi.Input[str],
    region: pulumi.Input[str],
    what: str,
    *,
    optional: Literal[False] = False,
) -> pulumi.Output[str]: ...
@overload
def checked_key_arn(
    gate: InputGate,
    key: pulumi.Input[str | None],
    region: pulumi.Input[str],
    what: str,
    *,
    optional: Literal[True],
) -> pulumi.Output[str | None]: ...
def checked_key_arn(
    gate: InputGate,
    key: pulumi.Input[str | None],
    region: pulumi.Input[str],
    what: str,
    *,
    optional: bool = False,
) -> pulumi.Output[str | None]:
    """A given kms_key_arn once its form and its region (``what``'s, e.g. 'the secret') are
    checked through ``gate``: children that wait for the gate, or take the returned Output, are
    not created when the check fails. ``optional``: a key that resolves to None (none given)
    passes."""
    return gate.defer(
        pulumi.Output.all(key, region).apply(
            lambda known: gate.run(
                lambda arn: (
                    None
                    if optional and arn is None
                    else validation.key_in_region("kms_key_arn", arn, known[1], what)
                ),
                known[0],
            )
        )
    )
