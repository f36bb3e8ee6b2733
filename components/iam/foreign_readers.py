"""Which of a component's readers are roles of the deploying account (an inline read policy
each) and which are principals of other accounts (named in the resource, key or share)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from secretkit.components import validation
from secretkit.components.errors import located_at
from secretkit.components.iam import grants
from secretkit.components.iam.late_readers import LateReaders
from secretkit.components.invoke_answers import CALLER_IDENTITY, required

#: What `readers=[...]` and `grant_read(...)` accept: a role name or ARN, a 12-digit account
#: id, an aws.iam.Role, or a role ARN as an Output.
ReaderRef = str | aws.iam.Role | pulumi.Output[str]

_ACCOUNT_ID = re.compile(r"\d{12}")
_ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")
_OU_PATH = re.compile(r"o-[a-z0-9]{10,32}/r-[a-z0-9]{4,32}/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}/)*\*?")


@dataclass(frozen=True)
class ReaderOrganization:
    """An organization whose principals may read (optionally only under some OU paths)."""

    organization_id: str
    paths: tuple[str, ...] = ()


def parse_reader_organization(given: Mapping[str, Any]) -> ReaderOrganization | None:
    """reader_organization_id and reader_organization_paths, checked."""
    organization = given.get("reader_organization_id")
    paths = given.get("reader_organization_paths")
    if organization is None:
        if paths is not None:
            raise validation.fail(
                "reader_organization_paths", paths, "only applies with reader_organization_id"
            )
        return None
    if not isinstance(organization, str) or not _ORGANIZATION_ID.fullmatch(organization):
        raise validation.fail(
            "reader_organization_id", organization, "must be an organization id: o-<10-32 chars>"
        )
    checked = validation.require_string_list("reader_organization_paths", paths or [])
    for index, path in enumerate(checked):
        if not _OU_PATH.fullmatch(path) or not path.startswith(f"{organization}/"):
            raise validation.fail(
                f"reader_organization_paths[{index}]",
                path,
                f"must be a path of organization {organization}: "
                f"{organization}/r-<root>/ou-<ou>/.../ (optionally ending with '*')",
            )
    return ReaderOrganization(organization, tuple(checked))


def is_account_id(value: object) -> bool:
    """A 12-digit AWS account id."""
    return isinstance(value, str) and _ACCOUNT_ID.fullmatch(value) is not None


def parse_readers(argument: str, value: Any) -> list[ReaderRef]:
    """Each reader checked, and no role or account named twice. Two role ARNs with the same
    name in different accounts are different roles; a role name and an ARN with that name are
    refused as before (the name may be that ARN's role)."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise validation.fail(argument, value, "must be a list of strings")
    for index, item in enumerate(value):
        if isinstance(item, aws.iam.User | aws.iam.Group) or validation.user_or_group_kind(item):
            raise validation.fail(
                f"{argument}[{index}]",
                grants.shown_grantee(item),
                f"is an IAM user or group: {argument} takes roles and accounts; grant a user or "
                "group of the deploying account with grant_read(...) (an inline user or group "
                "policy), or a user of another account with a secret's grant_read",
            )
    objects = [isinstance(item, pulumi.Output | aws.iam.Role) for item in value]
    strings = [item for item, is_object in zip(value, objects, strict=True) if not is_object]
    if not any(objects):
        validation.require_string_list(argument, value)
    seen: set[tuple[str, str]] = set()
    for index, (reader, is_object) in enumerate(zip(value, objects, strict=True)):
        if is_object:
            continue
        where = f"{argument}[{index}]"
        validation.require_string(where, reader)
        if is_account_id(reader):
            key = ("account", reader)
        else:
            ref = validation.role_reference(where, reader)
            account = validation.arn_account(ref) if ref.startswith("arn:") else ""
            key = (account, validation.role_name_from_reference(ref).lower())
        for account, name in seen:
            if name == key[1] and (account == key[0] or "" in (account, key[0])):
                what = "account" if account == "account" else "role"
                raise validation.fail(argument, strings, f"names {what} {name!r} more than once")
        seen.add(key)
    return list(value)


@dataclass
class ReaderSplit:
    """The readers of one secret, sorted into local roles and foreign principals."""

    local: list[grants.RoleRef] = field(default_factory=list)
    """Roles of the deploying account: an inline read policy each, as always."""
    foreign: list[pulumi.Input[str]] = field(default_factory=list)
    """Principals of other accounts (role ARNs, account roots): the resource and key policies
    name them."""
    shown: list[str] = field(default_factory=list)
    """The foreign readers as given, for messages."""
    accounts: AccountOf | None = None
    """How the deploying account was (or will be) asked."""
    late: LateReaders = field(default_factory=LateReaders)
    """The readers in other accounts grant_read adds after the constructor."""
    given_keys: list[tuple[str, str | None]] = field(default_factory=list)
    """(argument, region) of each key the component did not create, which it cannot make
    name a reader in another account."""


class AccountOf:
    """The deploying account (the account of ``parent``'s AWS provider), asked synchronously
    the first time it is needed and only then: a reader given by name never asks."""

    def __init__(self, parent: pulumi.Resource) -> None:
        self.parent = parent
        self._known: str | None = None

    def deploying(self) -> str:
        """The account the component deploys into."""
        if self._known is None:
            opts = pulumi.InvokeOptions(parent=self.parent)
            self._known = required(
                aws.get_caller_identity(opts=opts).account_id,
                CALLER_IDENTITY,
                "accountId",
                self.parent,
            )
        return self._known

    def is_foreign_role(self, role: aws.iam.Role) -> bool:
        """Whether the provider that creates ``role`` is for another account: a role with the
        component's own provider is local without asking; another provider's account is asked
        of that provider."""
        own = (getattr(self.parent, "_providers", None) or {}).get("aws")
        provider = getattr(role, "_provider", None)
        if provider is own:
            return False
        opts = pulumi.InvokeOptions(provider=provider)
        account = required(
            aws.get_caller_identity(opts=opts).account_id, CALLER_IDENTITY, "accountId", self.parent
        )
        return bool(account != self.deploying())


def shown(reader: ReaderRef) -> str:
    """A reader as messages name it."""
    if isinstance(reader, aws.iam.Role):
        return f"aws.iam.Role('{reader.pulumi_resource_name}')"
    if isinstance(reader, pulumi.Output):
        return "<Output of a role ARN>"
    return reader


def principal_text(reader: str) -> str:
    """The principal a foreign reader becomes, as a message prints it."""
    if is_account_id(reader):
        return f"arn:<partition>:iam::{reader}:root"
    return reader if reader.startswith(("arn:", "<")) else f"<ARN of {reader}>"


def principal_of(
    argument: str,
    reader: ReaderRef,
    accounts: AccountOf,
    partition: pulumi.Input[str],
    where: str = "",
) -> pulumi.Input[str] | None:
    """The IAM principal of a reader in another account (its role ARN, or the account's root),
    or None for a role of the deploying account. Raises InvalidArgumentError for the deploying
    account's own id (name its roles instead: its root would hand the secret to every
    principal IAM lets read it)."""
    if isinstance(reader, pulumi.Output):
        # Unknown until deployed: a resource-policy grant works for a role of any account.
        return reader.apply(lambda arn: located_at(where, lambda: output_principal(argument, arn)))
    if isinstance(reader, aws.iam.Role):
        return reader.arn if accounts.is_foreign_role(reader) else None
    if is_account_id(reader):
        if reader == accounts.deploying():
            raise validation.fail(
                argument,
                reader,
                "is the deploying account itself: name the roles that may read instead",
            )
        return pulumi.Output.concat("arn:", partition, ":iam::", reader, ":root")
    if reader.startswith("arn:") and validation.arn_account(reader) != accounts.deploying():
        if validation.user_or_group_kind(reader) == "group":
            raise validation.fail(
                argument,
                reader,
                "is a group of another account, and a group cannot be a principal of a resource "
                "or key policy (IAM): name its users or roles, or the account",
            )
        return reader
    return None


def output_principal(argument: str, value: object) -> str:
    """The role ARN an Output in ``readers`` resolved to: it is named as a principal of the
    resource policy (and key policy), which takes ARNs; a role name is refused."""
    if isinstance(value, str) and not value.startswith("arn:"):
        raise validation.fail(
            argument,
            value,
            "is a role name, but a reader given as an Output is named in the resource policy, "
            "which needs an ARN: give the role's ARN (e.g. role.arn), or grant a role of this "
            "account by name with grant_read",
        )
    return validation.role_reference(argument, value)


def split_readers(
    argument: str,
    readers: Sequence[ReaderRef],
    accounts: AccountOf,
    partition: pulumi.Input[str],
    where: str = "",
) -> ReaderSplit:
    """The readers sorted by principal_of (``where``: the component, as a failing Output's
    error names it)."""
    split = ReaderSplit()
    for index, reader in enumerate(readers):
        principal = principal_of(f"{argument}[{index}]", reader, accounts, partition, where)
        if principal is None:
            assert not isinstance(reader, pulumi.Output)
            split.local.append(reader)
        else:
            split.foreign.append(principal)
            split.shown.append(shown(reader))
    return split
