"""Every read grant of one role, user or group across the program, in as few policies as fit:
its inline policy first, then managed policies attached to it (consolidated.Packing decides,
in the order granted, from stand-in ARNs known while the program runs). Each policy's document
merges its grants once the program code has returned, so later grant_read calls join it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from secretkit.components import limits, program_body
from secretkit.components.errors import InvalidArgumentError
from secretkit.components.iam import policy_sizes, stand_ins
from secretkit.components.iam.consolidated import Packing, PackingFull, merged
from secretkit.components.program_ledger import ProgramLedger

#: The program-wide setting of how many managed policies secretkit may attach to one role (or
#: user): ``secretkit:managedPoliciesPerRole`` in the stack's configuration.
CONFIG_NAMESPACE = "secretkit"
QUOTA_KEY = "managedPoliciesPerRole"

#: (name, IAM name, document, options) -> the inline policy; (name, IAM name, policy ARN,
#: options) -> the attachment.
_Inline = Callable[[str, pulumi.Input[str], pulumi.Output[str], pulumi.ResourceOptions], Any]
_Attach = Callable[[str, pulumi.Input[str], pulumi.Output[str], pulumi.ResourceOptions], Any]


@dataclass(frozen=True)
class _Kind:
    """What one kind of identity gets: its inline limit, its managed-policy quota's ceiling,
    and the resources that attach a policy to it."""

    inline_limit: limits.Limit
    most_managed: int
    inline: _Inline
    attach: _Attach


KINDS = {
    "role": _Kind(
        limits.IAM_INLINE_POLICIES,
        limits.IAM_MANAGED_POLICIES_RAISED,
        lambda name, who, doc, opts: aws.iam.RolePolicy(name, role=who, policy=doc, opts=opts),
        lambda name, who, arn, opts: aws.iam.RolePolicyAttachment(
            name, role=who, policy_arn=arn, opts=opts
        ),
    ),
    "user": _Kind(
        limits.IAM_USER_INLINE_POLICIES,
        limits.IAM_MANAGED_POLICIES_RAISED,
        lambda name, who, doc, opts: aws.iam.UserPolicy(name, user=who, policy=doc, opts=opts),
        lambda name, who, arn, opts: aws.iam.UserPolicyAttachment(
            name, user=who, policy_arn=arn, opts=opts
        ),
    ),
    "group": _Kind(
        limits.IAM_GROUP_INLINE_POLICIES,
        limits.IAM_MANAGED_POLICIES_PER_GROUP.maximum,
        lambda name, who, doc, opts: aws.iam.GroupPolicy(name, group=who, policy=doc, opts=opts),
        lambda name, who, arn, opts: aws.iam.GroupPolicyAttachment(
            name, group=who, policy_arn=arn, opts=opts
        ),
    ),
}


def managed_quota(kind: str) -> int:
    """How many managed policies secretkit may attach to one identity of ``kind``: IAM's
    default 10, or ``secretkit:managedPoliciesPerRole`` (0 to 20: what Service Quotas can raise
    it to; a group stays at 10)."""
    setting = f"{CONFIG_NAMESPACE}:{QUOTA_KEY}"
    try:
        given = pulumi.Config(CONFIG_NAMESPACE).get_int(QUOTA_KEY)
    except pulumi.ConfigTypeError:
        raw = pulumi.Config(CONFIG_NAMESPACE).get(QUOTA_KEY)
        raise InvalidArgumentError(setting, raw, "must be a whole number from 0 to 20") from None
    if given is None:
        given = limits.IAM_MANAGED_POLICIES_PER_ROLE.maximum
    if not 0 <= given <= limits.IAM_MANAGED_POLICIES_RAISED:
        raise InvalidArgumentError(
            setting,
            given,
            f"must be from 0 to {limits.IAM_MANAGED_POLICIES_RAISED} (IAM's default quota of "
            f"managed policies per role is {limits.IAM_MANAGED_POLICIES_PER_ROLE.maximum}, "
            f"adjustable up to {limits.IAM_MANAGED_POLICIES_RAISED}; source: "
            f"{limits.IAM_MANAGED_POLICIES_PER_ROLE.source})",
        )
    return min(given, KINDS[kind].most_managed)


@dataclass(frozen=True)
class Grantee:
    """Who a grant is for, and the names it is registered under if it opens a policy."""

    kind: str
    identity: str
    """Which identity (grants.role_identity, with the AWS provider): its grants are packed
    together."""
    shown: str
    iam_name: pulumi.Input[str]
    name: str
    """The granting component's resource name for it, '<component>-read-<label>'."""
    parent: pulumi.Resource
    aliases: list[pulumi.Input[pulumi.Alias]] | None
    argument: str
    where: str


@dataclass
class _Policy:
    """One policy of an identity: its resource and the documents of the grants it holds."""

    resource: Held
    documents: list[pulumi.Output[Any]] = field(default_factory=list)


@dataclass
class _Identity:
    """Every grant of one identity in the program."""

    packing: Packing
    policies: list[_Policy] = field(default_factory=list)
    known: dict[int, tuple[Any, str]] = field(default_factory=dict)
    """The stand-ins of Outputs seen in its grants (stand_ins.of_document)."""
    grants: int = 0


#: The policy holding a grant: an inline policy, or a managed policy once that is full.
Held = aws.iam.RolePolicy | aws.iam.UserPolicy | aws.iam.GroupPolicy | aws.iam.Policy

_LEDGER: ProgramLedger[dict[str, _Identity]] = ProgramLedger(dict)


def grant(
    grantee: Grantee, document: Mapping[str, Any], estimate: Mapping[str, Any] | None
) -> Held:
    """Add ``document`` (one grant: a policy dict whose values may be Outputs) to the policies
    of ``grantee``: into its last policy when the merged document still fits (measured with
    ``estimate``, the same document with stand-in ARNs, or stand-ins for its Outputs), else into
    a new one, registered now. Returns the policy resource (an inline policy, or an
    aws.iam.Policy) holding the grant. Raises InvalidArgumentError, registering nothing, when
    the grant fits none."""
    kind = KINDS[grantee.kind]
    ledger = _LEDGER.get()
    entry = ledger.get(grantee.identity)
    if entry is None:
        quota = managed_quota(grantee.kind)
        # Room left by the identity's other inline policies (a rotation role's own).
        room = kind.inline_limit.maximum - policy_sizes.reserved(grantee.identity)
        inline = dataclasses.replace(kind.inline_limit, maximum=max(room, 0))
        entry = _Identity(Packing(inline, limits.IAM_MANAGED_POLICY, quota))
    sized = stand_ins.of_document(document, entry.known) if estimate is None else estimate
    try:
        index, new = entry.packing.place(sized)
    except PackingFull as full:
        raise _refusal(grantee, entry, full.reason) from None
    ledger[grantee.identity] = entry
    entry.grants += 1
    if new:
        entry.policies.append(_register(grantee, entry, index))
    policy = entry.policies[index]
    policy.documents.append(pulumi.Output.from_input(document))
    return policy.resource


def _register(grantee: Grantee, entry: _Identity, index: int) -> _Policy:
    """The policy ``index`` of the identity: an inline policy, or a managed policy and its
    attachment, named as the grant that opens it and parented to its component."""
    kind = KINDS[grantee.kind]
    done = program_body.after(program_body.program_frame())
    holder: list[_Policy] = []

    def build(_: None) -> Any:
        entry.packing.seal()  # a grant from now on would be in no document: it opens a new one
        return pulumi.Output.all(*holder[0].documents).apply(
            lambda documents: json.dumps(merged(documents))
        )

    document: pulumi.Output[str] = done.apply(build)
    opts = pulumi.ResourceOptions(parent=grantee.parent, aliases=grantee.aliases)
    resource: Held
    if entry.packing.inline[index]:
        checked = policy_sizes.inline_policy(
            document,
            kind=grantee.kind,
            identity=grantee.identity,
            shown=grantee.shown,
            resource=grantee.name,
            argument=grantee.argument,
            where=grantee.where,
        )
        resource = kind.inline(grantee.name, grantee.iam_name, checked, opts)
    else:
        managed = aws.iam.Policy(
            grantee.name,
            description=f"Reads granted by secretkit to the {grantee.kind} {grantee.shown}"[:1000],
            policy=document.apply(
                lambda text: policy_sizes.managed_policy_within_limit(
                    text, grantee.name, grantee.argument, grantee.where
                )
            ),
            opts=pulumi.ResourceOptions(parent=grantee.parent),
        )
        kind.attach(
            grantee.name,
            grantee.iam_name,
            managed.arn,
            pulumi.ResourceOptions(parent=grantee.parent),
        )
        resource = managed
    holder.append(_Policy(resource))
    return holder[0]


def _refusal(grantee: Grantee, entry: _Identity, reason: str) -> InvalidArgumentError:
    """The error for a grant that fits none of the identity's policies."""
    packing = entry.packing
    error = InvalidArgumentError(
        grantee.argument,
        grantee.shown,
        f"cannot be granted one more secret or parameter: the {grantee.kind} already holds "
        f"{entry.grants} grants of this program in {len(packing.policies)} policies (inline "
        f"policies, {packing.inline_limit.maximum:,} characters together, then managed ones of "
        f"{packing.managed_limit.maximum:,}, at most {packing.managed_quota}), and {reason} "
        f"(source: {limits.IAM_MANAGED_POLICIES_PER_ROLE.source}). Raise the account's quota of "
        f"managed policies per role and set {CONFIG_NAMESPACE}:{QUOTA_KEY} (at most "
        f"{limits.IAM_MANAGED_POLICIES_RAISED}), or split the readers over several "
        f"{grantee.kind}s",
    )
    return error.located(grantee.where)
