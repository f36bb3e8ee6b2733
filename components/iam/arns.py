"""ARNs and service names built from their parts: plain strings in, plain string out; Outputs
in, Output out (so the policy builders stay pure functions testable without Pulumi)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import overload

import pulumi
from pulumi.runtime.settings import get_root_resource


@overload
def concat(*parts: str) -> str: ...
@overload
def concat(*parts: pulumi.Input[str]) -> pulumi.Input[str]: ...
def concat(*parts: pulumi.Input[str]) -> pulumi.Input[str]:
    """Join parts; stays a plain str unless a part is an Output or awaitable.

    Plain strings and Outputs are joined in one apply over the Outputs alone, which Pulumi
    resolves the same way as Output.concat (known, secret and dependencies combined from the
    Outputs) for a fraction of the Outputs: Output.concat lifts every part, strings too, to an
    Output twice, about 29 Outputs for an 8-part ARN against 8 (1 with a single Output part).
    """
    if all(isinstance(part, str) for part in parts):
        return "".join(parts)  # type: ignore[arg-type]
    outputs = [part for part in parts if isinstance(part, pulumi.Output)]
    if len(outputs) + sum(isinstance(part, str) for part in parts) < len(parts):
        return pulumi.Output.concat(*parts)  # an awaitable among them
    if len(outputs) == 1:
        return outputs[0].apply(lambda value: _join(parts, [value]))
    return pulumi.Output.all(*outputs).apply(lambda values: _join(parts, values))


def _join(parts: tuple[pulumi.Input[str], ...], values: list[str]) -> str:
    """The parts with each Output replaced, in order, by its resolved value."""
    resolved = iter(values)
    return "".join(
        next(resolved) if isinstance(part, pulumi.Output) else str(part) for part in parts
    )


#: Per program (its root stack resource): strings built from the same parts, see shared_concat.
_SHARED: weakref.WeakKeyDictionary[
    pulumi.Resource, dict[tuple[pulumi.Input[str], ...], pulumi.Input[str]]
] = weakref.WeakKeyDictionary()


def shared_concat(*parts: pulumi.Input[str]) -> pulumi.Input[str]:
    """concat, built once per program for the same parts (Outputs compared by identity).

    For strings made only of an AwsContext's partition, region and account (the account root,
    kms:ViaService values, the aws/ssm alias), which every component would otherwise build
    again: under Pulumi mocks a stack's evaluation time is mostly the Outputs it creates. Not
    for parts that differ per component (the memo would only grow).
    """
    root = get_root_resource()
    if root is None or all(isinstance(part, str) for part in parts):
        return concat(*parts)
    built = _SHARED.setdefault(root, {})
    found = built.get(parts)
    if found is None:
        found = built[parts] = concat(*parts)
    return found


@dataclass(frozen=True)
class AccountScope:
    """Where a principal or resource lives: the parts every regional ARN needs."""

    partition: pulumi.Input[str]
    region: pulumi.Input[str]
    account_id: pulumi.Input[str]


def regional_arn(
    service: str, scope: AccountScope, *resource: pulumi.Input[str]
) -> pulumi.Input[str]:
    """arn:<partition>:<service>:<region>:<account>:<resource>, the resource given in parts."""
    return concat(
        "arn:", scope.partition, ":", service, ":", scope.region, ":", scope.account_id, ":",
        *resource,
    )  # fmt: skip


def parameter_arn(
    partition: pulumi.Input[str],
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
    name: str,
) -> pulumi.Input[str]:
    """arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>."""
    scope = AccountScope(partition, region, account_id)
    return regional_arn("ssm", scope, "parameter/", name.lstrip("/"))


def secret_arn(scope: AccountScope, *pattern: pulumi.Input[str]) -> pulumi.Input[str]:
    """arn:<partition>:secretsmanager:<region>:<account>:secret:<pattern>, where the pattern may
    hold IAM wildcards ('*' for every secret of the account and region)."""
    return regional_arn("secretsmanager", scope, "secret:", *pattern)


def secret_arn_pattern(scope: AccountScope, secret_name: pulumi.Input[str]) -> pulumi.Input[str]:
    """The ARN of secret ``secret_name`` whatever its random suffix: ...:secret:<name>-??????
    (IAM's ``?`` matches one character; Secrets Manager appends a hyphen and six characters)."""
    return secret_arn(scope, secret_name, "-??????")


def account_root_arn(
    partition: pulumi.Input[str], account_id: pulumi.Input[str]
) -> pulumi.Input[str]:
    """arn:aws:iam::<account>:root, the principal that delegates key access to IAM."""
    return shared_concat("arn:", partition, ":iam::", account_id, ":root")


def via_service(service: str, region: pulumi.Input[str]) -> pulumi.Input[str]:
    """The kms:ViaService value for a service in a region: secretsmanager.<region>.amazonaws.com."""
    return shared_concat(service, ".", region, ".amazonaws.com")
