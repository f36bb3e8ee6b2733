"""The sizes of the IAM policies secretkit writes, counted as IAM counts them: all inline policies
of one role (user, group) together across the program, a managed policy, a role's trust policy.

IAM User Guide, "IAM and AWS STS quotas": "You can add as many inline policies as you want to
an IAM user, role, or group. But the total aggregate policy size (the sum size of all inline
policies) per entity cannot exceed the following limits: User policy size cannot exceed 2,048
characters. Role policy size cannot exceed 10,240 characters. Group policy size cannot exceed
5,120 characters. Note: IAM does not count white space when calculating the size of a policy
against these limitations." Neither pulumi-aws nor moto checks these: a real PutRolePolicy
fails with LimitExceeded half-way through ``pulumi up``.

An inline policy holds Outputs (ARNs), so it is measured once known: each one secretkit puts on
an identity goes through :func:`inline_policy`, which records it in a ledger of the running
program keyed by the identity (grants.role_identity: a role's IAM name regardless of case, or
the aws.iam.Role resource) and returns the same serialized document, failing once known (after
the program code has returned, so that every grant_read is counted) when the identity's
policies together are over the limit. The RolePolicy taking it is then not registered, nor
anything that depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from secretkit.components import limits, program_body
from secretkit.components.errors import InvalidArgumentError
from secretkit.components.iam import stand_ins
from secretkit.components.program_ledger import ProgramLedger

#: The limit of each kind of identity's inline policies together.
INLINE_LIMITS = {
    "role": limits.IAM_INLINE_POLICIES,
    "user": limits.IAM_USER_INLINE_POLICIES,
    "group": limits.IAM_GROUP_INLINE_POLICIES,
}


@dataclass
class _Identity:
    """The inline policies secretkit puts on one identity in one program."""

    kind: str
    documents: list[pulumi.Output[str]] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    reserved: int = 0
    """The characters of the policies other than consolidated grants, estimated with stand-ins
    for their ARNs: what the grants packed into the inline policy leave room for."""


#: Each running program's identities -> their policies.
_LEDGER: ProgramLedger[dict[str, _Identity]] = ProgramLedger(dict)


def inline_policy(
    document: pulumi.Output[str],
    *,
    kind: str,
    identity: str,
    shown: str,
    resource: str,
    argument: str,
    where: str,
    estimate: Mapping[str, Any] | None = None,
) -> pulumi.Output[str]:
    """``document`` (an inline policy of the ``kind`` ('role', 'user', 'group') ``identity``,
    ``shown`` as the program named it, registered as ``resource``), the same Output (same value,
    same dependencies) except that it fails once known when every inline policy secretkit puts
    on ``identity`` in this program is over IAM's limit together. The error is for
    ``argument`` of the component ``where``. ``estimate``: the document (values may be Outputs)
    of a policy that is no consolidated grant, whose stand-in size the grants leave room for
    (reserved)."""
    entry = _LEDGER.get().setdefault(identity, _Identity(kind))
    if estimate is not None:
        entry.reserved += limits.size(INLINE_LIMITS[kind], stand_ins.of_document(estimate))
    entry.documents.append(document)
    entry.resources.append(resource)
    # Documents of later grant_read calls join until the program code has returned.
    done = program_body.after(program_body.program_frame())
    peers = entry.documents

    async def checked(text: str) -> str:
        await done.future()
        # Each peer's value, without taking its dependencies; one unknown (in a preview)
        # counts as nothing: the check then runs again at deploy with every value known.
        texts = [await _value(peer) for peer in list(peers)]
        found = sum(limits.size(INLINE_LIMITS[kind], t) for t in texts if isinstance(t, str))
        raise_if_over(kind, shown, found, len(texts), argument=argument, where=where)
        return text

    return document.apply(checked)


def reserved(identity: str) -> int:
    """The characters the identity's inline policies other than grants take (estimated)."""
    entry = _LEDGER.get().get(identity)
    return 0 if entry is None else entry.reserved


async def _value(document: pulumi.Output[str]) -> str | None:
    """A peer document's value; None when unknown or failed (its own error is reported)."""
    try:
        return await document.future()
    except Exception:  # the failing resource reports its own error
        return None


def raise_if_over(
    kind: str, shown: str, found: int, count: int, *, argument: str, where: str = ""
) -> None:
    """Refuse ``argument`` = ``shown`` when the ``count`` inline policies of the ``kind`` are
    ``found`` characters (whitespace not counted), over IAM's limit."""
    limit = INLINE_LIMITS[kind]
    if found <= limit.maximum:
        return
    error = InvalidArgumentError(
        argument,
        shown,
        f"the {count} inline policies secretkit puts on the {kind} {shown} are {found:,} "
        f"characters together (whitespace not counted); IAM allows at most "
        f"{limit.maximum:,} per {kind} ({limit.what}; source: {limit.source}). Grant this "
        f"{kind} fewer secrets, or split its readers over several {kind}s",
    )
    raise error.located(where) if where else error


def managed_policy_within_limit(policy: str, resource: str, argument: str, where: str = "") -> str:
    """The serialized managed ``policy`` of the aws.iam.Policy ``resource``, refused when over
    IAM's 6,144 characters (whitespace not counted)."""
    return _within(
        limits.IAM_MANAGED_POLICY, policy, f"the managed policy '{resource}'", argument, where
    )


def trust_policy_within_limit(policy: str, role: str, argument: str, where: str = "") -> str:
    """The serialized trust ``policy`` of the role ``role``, refused when over IAM's default
    2,048 characters (whitespace not counted)."""
    return _within(
        limits.IAM_TRUST_POLICY, policy, f"the trust policy of the role '{role}'", argument, where
    )


def topic_policy_within_limit(policy: str, topic: str, argument: str, where: str = "") -> str:
    """The serialized ``policy`` of the SNS topic ``topic``, refused when over SNS's 30 KB."""
    return _within(
        limits.SNS_TOPIC_POLICY, policy, f"the policy of the SNS topic '{topic}'", argument, where
    )


def _within(limit: limits.Limit, policy: str, what: str, argument: str, where: str) -> str:
    found = limits.size(limit, policy)
    if found > limit.maximum:
        error = limits.refuse(argument, f"<{what}, {found:,} {limit.unit}>", limit, found, what)
        raise error.located(where) if where else error
    return policy
