"""Attaching a component's read policy to a role, user or group of the deploying account: given
by name, ARN, resource (aws.iam.Role, aws.iam.User, aws.iam.Group) or Output of a role's name or
ARN."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pulumi
import pulumi_aws as aws

from secretkit.components import physical_names, validation
from secretkit.components.errors import InvalidArgumentError
from secretkit.components.iam import role_grants
from secretkit.components.input_gate import InputGate

#: A role of the deploying account, as `readers=[...]` names it: a role name or ARN, or the role.
RoleRef = str | aws.iam.Role
#: What `grant_read(...)` grants by an inline policy: a role (RoleRef), an IAM user or group (the
#: resource, or its ARN), or an Output of a role's name or ARN (checked once known).
GranteeRef = str | aws.iam.Role | aws.iam.User | aws.iam.Group | pulumi.Output[str]
#: The policy holding a grant: the inline policy of a role, user or group, or a managed policy
#: attached to it once the inline one is full.
Grant = role_grants.Held
#: Named by their Pulumi name in resource names and messages.
_RESOURCES = (aws.iam.Role, aws.iam.User, aws.iam.Group)

_UNSAFE = re.compile(r"[^A-Za-z0-9-]")
#: Characters of the hash that tells apart names sanitised to the same text.
LABEL_HASH_LENGTH = 8


def _raw_name(role: RoleRef | aws.iam.User | aws.iam.Group) -> str:
    """The role's (user's, group's) IAM name, or the Pulumi name of the resource."""
    if isinstance(role, _RESOURCES):
        return role.pulumi_resource_name
    return validation.role_name_from_reference(role)


def legacy_label(role: RoleRef | aws.iam.User | aws.iam.Group) -> str:
    """The label secretkit used before labels were collision-free: the name with every character
    outside [A-Za-z0-9-] replaced by '-' (so 'a.b' and 'a_b' were both 'a-b')."""
    return _UNSAFE.sub("-", _raw_name(role))


def role_label(role: RoleRef | aws.iam.User | aws.iam.Group, max_length: int | None = None) -> str:
    """A stable, collision-free piece of a resource name for the role.

    A name of letters, digits and '-' is its own label (so existing stacks keep their resource
    names). Any other name is sanitised and given '_' and a hash of the full name: 'a.b' ->
    'a-b_<hash>', 'a_b' -> 'a-b_<other hash>'. No unchanged name contains '_', so the two kinds
    never meet. ``max_length`` shortens the sanitised part of a hashed label to fit.
    """
    raw = _raw_name(role)
    label = legacy_label(role)
    if label == raw:
        return raw
    digest = hashlib.sha256(raw.encode()).hexdigest()[:LABEL_HASH_LENGTH]
    keep = len(label) if max_length is None else max(1, max_length - LABEL_HASH_LENGTH - 1)
    return f"{label[:keep]}_{digest}"


def role_identity(role: RoleRef) -> str:
    """Which role a reference means: IAM role names are unique regardless of case; an
    aws.iam.Role is itself."""
    if isinstance(role, aws.iam.Role):
        return f"resource:{role.pulumi_resource_name}"
    return f"role:{validation.role_name_from_reference(role).lower()}"


def check_role(argument: str, role: Any) -> RoleRef:
    """A role name, role ARN or aws.iam.Role resource."""
    if isinstance(role, aws.iam.Role):
        return role
    return validation.role_reference(argument, role)


def check_distinct(argument: str, roles: Sequence[RoleRef | pulumi.Output[str]]) -> None:
    """Each role once, and no two with the same label (a role resource and a role name can
    meet: aws.iam.Role('app') and 'app'). A role given as an Output is not known yet: skipped,
    the others keep their positions in the messages."""
    identities: dict[str, int] = {}
    labels: dict[str, int] = {}
    for index, role in enumerate(roles):
        if isinstance(role, pulumi.Output):
            continue
        identity = role_identity(role)
        if identity in identities:
            raise validation.fail(
                argument,
                _shown(role),
                f"names the role of {argument}[{identities[identity]}] again",
            )
        identities[identity] = index
        label = role_label(role)
        if label in labels:
            raise validation.fail(
                f"{argument}[{index}]",
                _shown(role),
                f"would get the same resource name ('{label}') as {argument}[{labels[label]}]; "
                "rename the aws.iam.Role resource",
            )
        labels[label] = index


def shown_grantee(role: RoleRef | aws.iam.User | aws.iam.Group) -> str:
    """A role, user or group as messages name it."""
    return _shown(role)


def _shown(role: RoleRef | aws.iam.User | aws.iam.Group) -> str:
    if isinstance(role, _RESOURCES):
        return f"aws.iam.{type(role).__name__}('{role.pulumi_resource_name}')"
    return role


#: What a refusal of another account's role says to do, where the component cannot grant it.
UNSUPPORTED = (
    "cross-account readers are not supported yet (secretkit will not grant the role of the "
    "same name in this account instead)"
)


def _same_account(
    argument: str,
    shown: str,
    arn: str,
    account: str,
    *,
    seen: str = "",
    remedy: str = UNSUPPORTED,
    kind: str = "role",
) -> None:
    """Refuse the role ``arn`` (``shown`` as given) when its account is not ``account``, the
    deploying one.

    An inline policy or attachment names its role by name, in the account of the provider that
    creates it: granting 'arn:aws:iam::999999999999:role/x' that way would grant the role 'x'
    of the deploying account instead.
    """
    other = validation.arn_account(arn)
    if other != account:
        raise validation.fail(
            argument,
            shown,
            f"is a {kind} in account {other}{seen}, but this component deploys into account "
            f"{account}: {remedy}",
        )


def foreign_role(argument: str, role: str, account: str, remedy: str = UNSUPPORTED) -> None:
    """Refuse a role ARN of another account than ``account``, the deploying one (a role name
    is always the deploying account's), saying ``remedy``."""
    if role.startswith("arn:"):
        _same_account(argument, role, role, account, remedy=remedy)


def check_accounts(
    argument: str, roles: Sequence[RoleRef | pulumi.Output[str]], account: str
) -> None:
    """foreign_role for each role given as an ARN in ``argument``."""
    for index, role in enumerate(roles):
        if isinstance(role, str):
            foreign_role(f"{argument}[{index}]", role, account)


def check_accounts_later(
    gate: InputGate,
    argument: str,
    roles: Sequence[RoleRef | pulumi.Output[str]],
    account: pulumi.Output[str],
) -> None:
    """check_accounts through ``gate`` once the deploying ``account`` is known, when any role
    is given as an ARN (a role name has nothing to check)."""
    if any(isinstance(role, str) and role.startswith("arn:") for role in roles):
        gate.check(account, lambda known: check_accounts(argument, roles, known))


def local_role_name(
    argument: str,
    role: RoleRef | pulumi.Output[str],
    account: pulumi.Output[str] | None,
    where: str,
    remedy: str = UNSUPPORTED,
) -> pulumi.Input[str]:
    """The role's IAM name for RolePolicy or RolePolicyAttachment, once it is known to be a role
    of the deploying account (``account``): a role ARN is checked against it, an aws.iam.Role
    by its ARN (it may come from a provider for another account), an Output of a role's name
    or ARN once it is known. The returned Output fails, and with it the resource taking it,
    when the check does (``where`` names the component)."""
    if isinstance(role, pulumi.Output):
        assert account is not None
        return pulumi.Output.all(role, account).apply(
            lambda known: _located(where, _output_role_name, argument, known[0], known[1], remedy)
        )
    if isinstance(role, aws.iam.Role):
        if account is None:
            return role.name
        return pulumi.Output.all(role.arn, role.name, account).apply(
            lambda parts: _located(
                where, partial(_checked_resource, remedy=remedy), argument, role, *parts
            )
        )
    name = validation.role_name_from_reference(role)
    if account is None or not role.startswith("arn:"):
        return name
    return account.apply(
        lambda known: _located(where, _checked_name, argument, role, name, known, remedy)
    )


def _located(where: str, check: Callable[..., str], *args: Any) -> str:
    try:
        return check(*args)
    except InvalidArgumentError as error:
        raise error.located(where) from None


def _checked_name(argument: str, role: str, name: str, account: str, remedy: str) -> str:
    foreign_role(argument, role, account, remedy)
    return name


def _checked_resource(
    argument: str,
    role: aws.iam.Role | aws.iam.User | aws.iam.Group,
    arn: str,
    name: str,
    account: str,
    *,
    remedy: str,
) -> str:
    _same_account(
        argument,
        _shown(role),
        arn,
        account,
        seen=f" (its ARN is {arn})",
        remedy=remedy,
        kind=_kind_of(role),
    )
    return name


def _kind_of(grantee: aws.iam.Role | aws.iam.User | aws.iam.Group) -> str:
    return (
        "user"
        if isinstance(grantee, aws.iam.User)
        else ("group" if isinstance(grantee, aws.iam.Group) else "role")
    )


def _output_role_name(argument: str, value: Any, account: str, remedy: str) -> str:
    """The IAM name of the role an Output names once it is known: a role name, or the ARN of a
    role of the deploying ``account`` (another account's is refused with ``remedy``)."""
    ref = validation.role_reference(argument, value)
    foreign_role(argument, ref, account, remedy)
    return validation.role_name_from_reference(ref)


def _user_or_group_name(argument: str, arn: str, name: str, account: str, remedy: str) -> str:
    _same_account(
        argument, arn, arn, account, remedy=remedy, kind=validation.user_or_group_kind(arn) or ""
    )
    return name


def grant_name(component: str, role: RoleRef, argument: str = "role") -> tuple[str, str]:
    """(resource name, legacy resource name) of the inline read policy of ``role``:
    '<component>-read-<label>', which must make a valid IAM policy name once auto-named."""
    name, legacy = resource_name(f"{component}-read-", role, physical_names.IAM_POLICY, argument)
    physical_names.check_characters(component, name[len(component) :], physical_names.IAM_POLICY)
    return name, legacy


def check_grant_names(component: str, roles: Sequence[RoleRef], argument: str) -> None:
    """grant_name of each role given in ``argument``, before anything is registered."""
    for index, role in enumerate(roles):
        grant_name(component, role, f"{argument}[{index}]")


def resource_name(
    prefix: str,
    role: RoleRef | aws.iam.User | aws.iam.Group,
    rule: physical_names.NameRule | None = None,
    argument: str = "role",
) -> tuple[str, str]:
    """(resource name, legacy resource name) of the role's grant: ``prefix`` + label. With
    ``rule`` (the grant's auto-named AWS name), a hashed label is shortened to fit it, and an
    unhashed one that cannot fit is refused (raises InvalidArgumentError for ``argument``)."""
    label = role_label(role)
    if rule is not None:
        room = rule.max_length - physical_names.AUTONAME_SUFFIX - len(prefix)
        if len(label) > room:
            if label == _raw_name(role) or room <= LABEL_HASH_LENGTH + 1:
                raise validation.fail(
                    argument,
                    _shown(role),
                    f"makes the {rule.kind} '{prefix}{label}' plus Pulumi's "
                    f"{physical_names.AUTONAME_SUFFIX}-character suffix "
                    f"{len(prefix) + len(label) + physical_names.AUTONAME_SUFFIX} characters; "
                    f"{rule.kind}s are at most {rule.max_length}: shorten the component name",
                )
            label = role_label(role, room)
    return f"{prefix}{label}", f"{prefix}{legacy_label(role)}"


def aliases_for(
    name: str, legacy: str, taken: Collection[str]
) -> list[pulumi.Input[pulumi.Alias]] | None:
    """An alias to the name the grant had before labels were collision-free, so a stack
    deployed then sees no change; none when nothing changed or another grant takes that name."""
    if name == legacy or legacy in taken:
        return None
    return [pulumi.Alias(name=legacy)]


def attach_policy(
    resource_name: str,
    role: pulumi.Input[str],
    policy: dict[str, Any] | pulumi.Output[str],
    parent: pulumi.Resource,
    aliases: list[pulumi.Input[pulumi.Alias]] | None = None,
) -> aws.iam.RolePolicy:
    """An inline policy on the role (its IAM name), parented to the component that grants it;
    ``policy``: the document, or it serialized already (policy_sizes.inline_policy's)."""
    return aws.iam.RolePolicy(
        resource_name,
        role=role,
        policy=policy if isinstance(policy, pulumi.Output) else pulumi.Output.json_dumps(policy),
        opts=pulumi.ResourceOptions(parent=parent, aliases=aliases),
    )


def output_label(rank: int) -> str:
    """The label of the ``rank``-th role given as an Output (its name is not known yet).
    'output_<n>' meets no other label: an unchanged one has no '_', a hashed one ends with '_'
    and 8 hex digits."""
    return f"output_{rank}"


@dataclass(frozen=True)
class _Grantee:
    """One grantee of grant_read, resolved: what kind of identity gets the inline policy, who
    it is (to grant each once), its resource name's label, and its IAM name once checked."""

    kind: str
    identity: str
    label_of: RoleRef | aws.iam.User | aws.iam.Group
    shown: str
    name: Callable[[pulumi.Output[str] | None, str, str], pulumi.Input[str]]
    """(deploying account, where, remedy) -> the IAM name, an Output failing for another
    account's identity."""
    label: str | None = None
    """The label as it is (no sanitising, no hash): an Output's."""


def _resolve(argument: str, grantee: Any, outputs: int) -> _Grantee:
    """``grantee`` checked and resolved; ``outputs``: how many Outputs were granted before
    (an Output's label is its rank, the only stable thing known of it before deployment)."""
    if isinstance(grantee, pulumi.Output):
        label = output_label(outputs + 1)
        return _Grantee(
            "role",
            f"output:{id(grantee)}",
            label,
            "<Output>",
            lambda account, where, remedy: local_role_name(
                argument, grantee, account, where, remedy
            ),
            label,
        )
    if isinstance(grantee, aws.iam.User | aws.iam.Group):
        kind = _kind_of(grantee)

        def resource_name(
            account: pulumi.Output[str] | None, where: str, remedy: str
        ) -> pulumi.Input[str]:
            if account is None:
                return grantee.name
            return pulumi.Output.all(grantee.arn, grantee.name, account).apply(
                lambda parts: _located(
                    where, partial(_checked_resource, remedy=remedy), argument, grantee, *parts
                )
            )

        identity = f"{kind}-resource:{grantee.pulumi_resource_name}"
        return _Grantee(kind, identity, grantee, _shown(grantee), resource_name)
    arn_kind = validation.user_or_group_kind(grantee)
    if arn_kind is not None:
        arn = validation.user_or_group_arn(argument, grantee)
        iam_name = validation.role_name_from_reference(arn)

        def arn_name(
            account: pulumi.Output[str] | None, where: str, remedy: str
        ) -> pulumi.Input[str]:
            if account is None:
                return iam_name
            return account.apply(
                lambda known: _located(
                    where, _user_or_group_name, argument, arn, iam_name, known, remedy
                )
            )

        # IAM user and group names are unique regardless of case, like role names.
        return _Grantee(arn_kind, f"{arn_kind}:{iam_name.lower()}", arn, arn, arn_name)
    role = check_role(argument, grantee)
    return _Grantee(
        "role",
        role_identity(role),
        role,
        _shown(role),
        lambda account, where, remedy: local_role_name(argument, role, account, where, remedy),
    )


#: The resource name's infix of each kind of grantee: '<component>-read-<label>' for a role (as
#: always), '-read-user-<label>' and '-read-group-<label>' for the others.
_INFIX = {"role": "read-", "user": "read-user-", "group": "read-group-"}


class Grants:
    """The read grants of one component: each grantee once, each under its own resource name."""

    def __init__(
        self,
        parent: pulumi.Resource,
        where: str,
        what: str,
        *,
        account: pulumi.Output[str],
        readers: Sequence[RoleRef] = (),
        foreign_remedy: str = UNSUPPORTED,
    ) -> None:
        """``account``: the deploying account, which every grantee must be in; ``readers``: the
        roles given in the arguments, whose names no alias may claim; ``foreign_remedy``: what
        the refusal of another account's role says to do instead."""
        self.parent = parent
        self.where = where
        self.what = what
        self.account = account
        self.foreign_remedy = foreign_remedy
        self._granted: dict[str, Grant] = {}
        self._names: set[str] = set()
        #: The Outputs granted, kept so that their ids (their identities) stay theirs.
        self._outputs: list[pulumi.Output[str]] = []
        prefix = f"{parent.pulumi_resource_name}-read-"
        #: Resource names grants take or will take (the readers given in the arguments).
        self._taken: set[str] = {f"{prefix}{role_label(role)}" for role in readers}

    def grant(
        self,
        grantee: Any,
        policy: Callable[[], dict[str, Any]],
        argument: str = "role",
        *,
        estimate: Callable[[], dict[str, Any]] | None = None,
    ) -> Grant:
        """Check ``grantee`` and grant it ``policy()`` (what each component's grant_read does):
        merged with every other grant of the same identity in the program into its inline
        policy, or a managed policy once that is full (role_grants), the one opened by this
        grant named ``<component>-read-<label>``. Returns the policy holding the grant. A
        grantee granted before gets nothing new: its grant is returned (a role named by name
        and by ARN is the same role; an Output is itself). ``estimate()``: the same document
        with plain stand-in ARNs of the right lengths (stand_ins), to pack grants before
        their ARNs exist; without it each Output counts as the longest secret ARN."""
        component = self.parent.pulumi_resource_name
        try:
            resolved = _resolve(argument, grantee, len(self._outputs))
            if resolved.identity in self._granted:
                return self._granted[resolved.identity]
            prefix = f"{component}-{_INFIX[resolved.kind]}"
            if resolved.label is None:
                name, legacy = resource_name(
                    prefix, resolved.label_of, physical_names.IAM_POLICY, argument
                )
            else:
                name = legacy = f"{prefix}{resolved.label}"
                rule = physical_names.IAM_POLICY
                if len(name) + physical_names.AUTONAME_SUFFIX > rule.max_length:
                    raise validation.fail(
                        argument,
                        resolved.shown,
                        f"makes the {rule.kind} '{name}' plus Pulumi's "
                        f"{physical_names.AUTONAME_SUFFIX}-character suffix longer than "
                        f"{rule.max_length}: shorten the component name",
                    )
            physical_names.check_characters(
                component, name[len(component) :], physical_names.IAM_POLICY
            )
            if name in self._names:
                raise validation.fail(
                    argument,
                    resolved.shown,
                    f"would get the resource name '{name}' of another grant of this {self.what}; "
                    "rename the aws.iam resource",
                )
        except InvalidArgumentError as error:
            raise error.located(self.where) from None
        if isinstance(grantee, pulumi.Output):
            self._outputs.append(grantee)
        self._names.add(name)
        aliases = None
        if resolved.kind == "role":
            aliases = aliases_for(name, legacy, self._taken | self._names)
            self._taken.add(legacy)
        grantee_of = role_grants.Grantee(
            resolved.kind,
            resolved.identity + _provider_key(self.parent),
            resolved.shown,
            resolved.name(self.account, self.where, self.foreign_remedy),
            name,
            self.parent,
            aliases,
            argument,
            self.where,
        )
        # Packed with every other grant of the same identity in the program.
        attached = role_grants.grant(grantee_of, policy(), None if estimate is None else estimate())
        self._granted[resolved.identity] = attached
        return attached


def _provider_key(parent: pulumi.Resource) -> str:
    """'@' and the AWS provider the component's resources use ('' for the default one): grants
    of the same role name through different providers (accounts) are different identities."""
    provider = parent.get_provider("aws::")
    return "" if provider is None else f"@{id(provider)}"
