"""Many read grants to one identity merged into one document: one statement per action set
listing every resource, one KMS statement per key listing the encryption-context values (or,
past a threshold, one statement for the keys with the account and region's ARN prefix)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from secretkit.components import limits
from secretkit.components.iam.kms import CONTEXT_KEYS
from secretkit.components.limits import Limit

#: A document names a key's encryption-context values one by one while its statement for that
#: service and region would list at most this many; past it, the statement names the account
#: and region's prefix (``arn:<partition>:secretsmanager:<region>:<account>:secret:*``) and
#: lists every key instead. Why that is no wider in effect: docs/grants.md#large-grants.
EXACT_CONTEXT_VALUES = 10
#: The suffix of a statement id repeated in one document (a second key's statement): the
#: merged statement keeps its first grant's Sid, later ones get '<Sid>Part<n>'.
PART = "Part"


def context_condition(stmt: Mapping[str, Any]) -> tuple[str, str] | None:
    """(condition key, value) of the single encryption-context value a grant's KMS statement
    names with StringEquals (``kms:EncryptionContext:SecretARN`` = the secret), else None."""
    equals = stmt.get("Condition", {}).get("StringEquals", {})
    for key in CONTEXT_KEYS:
        value = equals.get(key)
        if isinstance(value, str):
            return key, value
    return None


def context_prefix(context_key: str, value: str) -> str | None:
    """The account and region's prefix of an encryption-context ARN ('arn:aws:secretsmanager:
    us-east-1:123456789012:secret:*'), or None when the key has no such prefix."""
    marker = CONTEXT_KEYS[context_key]
    head, found, _ = value.partition(marker)
    return f"{head}{marker}*" if found else None


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _ordered_add(into: list[Any], values: Iterable[Any]) -> None:
    for value in values:
        if value not in into:
            into.append(value)


@dataclass
class _Plain:
    """Statements alike but for their resources (same effect, actions, condition)."""

    first: Mapping[str, Any]
    resources: list[Any] = field(default_factory=list)


@dataclass
class _Keyed:
    """KMS statements alike but for their key and encryption-context value: per key, the
    values."""

    first: Mapping[str, Any]
    context_key: str
    prefix: str | None
    values: dict[str, list[str]] = field(default_factory=dict)

    def count(self) -> int:
        return len({value for values in self.values.values() for value in values})


def _shape(stmt: Mapping[str, Any], *, without: str | None = None) -> str:
    """What makes two statements mergeable: all but their resources (and ``without``, a
    condition key)."""
    condition = {
        operator: {k: v for k, v in values.items() if k != without}
        for operator, values in stmt.get("Condition", {}).items()
    }
    parts = [stmt.get("Effect"), sorted(_as_list(stmt.get("Action", []))), condition]
    parts.append(stmt.get("Principal"))
    return json.dumps(parts, sort_keys=True)


def merged(documents: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One document granting what ``documents`` (plain values, in the order granted) grant
    together: each group of alike statements once, with every resource (and per key every
    encryption-context value) in the order first granted. One document alone is returned
    unchanged in content."""
    groups: dict[str, _Plain | _Keyed] = {}
    for document in documents:
        for stmt in _as_list(document.get("Statement", [])):
            context = context_condition(stmt)
            resources = _as_list(stmt.get("Resource", []))
            if context is None:
                plain = groups.setdefault("plain:" + _shape(stmt), _Plain(stmt))
                assert isinstance(plain, _Plain)
                _ordered_add(plain.resources, resources)
                continue
            context_key, value = context
            prefix = context_prefix(context_key, value)
            shape = f"keyed:{prefix}:" + _shape(stmt, without=context_key)
            keyed = groups.setdefault(shape, _Keyed(stmt, context_key, prefix))
            assert isinstance(keyed, _Keyed)
            for key in resources:
                _ordered_add(keyed.values.setdefault(key, []), [value])
    statements: list[dict[str, Any]] = []
    for group in groups.values():
        if isinstance(group, _Plain):
            statements.append(_with(group.first, group.resources))
        elif group.prefix is not None and group.count() > EXACT_CONTEXT_VALUES:
            statements.append(_prefixed(group))
        else:
            statements.extend(_exact(group, key, values) for key, values in group.values.items())
    return {"Version": documents[0]["Version"], "Statement": _unique_sids(statements)}


def _with(first: Mapping[str, Any], resources: list[Any], condition: Any = None) -> dict[str, Any]:
    """``first`` with ``resources`` (and ``condition``), keys in their order."""
    result = dict(first)
    one = len(resources) == 1 and not isinstance(first.get("Resource"), list)
    result["Resource"] = resources[0] if one else resources
    if condition is not None:
        result["Condition"] = condition
    return result


def _exact(group: _Keyed, key: Any, values: list[str]) -> dict[str, Any]:
    """The key's statement naming each of its encryption-context values."""
    condition = {operator: dict(items) for operator, items in group.first["Condition"].items()}
    condition["StringEquals"][group.context_key] = values[0] if len(values) == 1 else values
    return _with(group.first, [key], condition)


def _prefixed(group: _Keyed) -> dict[str, Any]:
    """One statement for every key of the group: the same service and region (kms:ViaService
    kept), any resource of the account and region's prefix in the encryption context."""
    condition = {
        operator: {k: v for k, v in items.items() if k != group.context_key}
        for operator, items in group.first["Condition"].items()
    }
    condition = {operator: items for operator, items in condition.items() if items}
    condition.setdefault("StringLike", {})[group.context_key] = group.prefix
    return _with(group.first, list(group.values), condition)


def _unique_sids(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first statement of a Sid keeps it; the n-th gets '<Sid>Part<n>' (IAM wants a Sid
    unique in its document)."""
    seen: dict[str, int] = {}
    for stmt in statements:
        sid = stmt.get("Sid")
        if sid is None:
            continue
        seen[sid] = seen.get(sid, 0) + 1
        if seen[sid] > 1:
            stmt["Sid"] = f"{sid}{PART}{seen[sid]}"
    return statements


class PackingFull(Exception):
    """A grant fits no policy the identity may still get: ``reason`` says which limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Packing:
    """Where each grant of one identity goes, in the order granted: inline policies first (all
    together up to ``inline_limit``), then managed policies (``managed_limit`` each, at most
    ``managed_quota``). Next fit: a grant joins the last policy if the merged document still
    fits, else opens the next one. So a new grant changes one policy (the last, or a new one),
    never the ones before it. ``seal`` closes the policies built already: a grant made after
    goes into a new one, inline while the inline policies together have room (a component
    built by its own construct call, in the package for other languages, comes after the
    documents of those before it were built)."""

    inline_limit: Limit
    managed_limit: Limit
    managed_quota: int
    policies: list[list[Mapping[str, Any]]] = field(default_factory=list)
    inline: list[bool] = field(default_factory=list)
    """Whether each policy is an inline one."""
    sizes: list[int] = field(default_factory=list)
    """Each policy's merged size, as IAM counts it."""
    sealed: int = 0
    """How many policies (the first ones) take no more grants."""

    def limit_of(self, index: int) -> Limit:
        """Policy ``index``'s limit: the inline policies' together, or a managed policy's."""
        return self.inline_limit if self.inline[index] else self.managed_limit

    def size(self, index: int, extra: Sequence[Mapping[str, Any]] = ()) -> int:
        """Policy ``index``'s merged size (with ``extra`` grants), as IAM counts it."""
        documents = [*self.policies[index], *extra]
        return limits.size(self.limit_of(index), merged(documents))

    def _inline_total(self, but: int | None = None) -> int:
        return sum(size for i, size in enumerate(self.sizes) if self.inline[i] and i != but)

    def _fits(self, index: int, size: int) -> bool:
        if self.inline[index]:
            return self._inline_total(but=index) + size <= self.inline_limit.maximum
        return size <= self.managed_limit.maximum

    def place(self, document: Mapping[str, Any]) -> tuple[int, bool]:
        """(the policy ``document`` (a grant, plain values) goes into, whether it is new);
        raises PackingFull when it fits none the identity may still get."""
        last = len(self.policies) - 1
        if last >= self.sealed:
            found = self.size(last, [document])
            if self._fits(last, found):
                self.policies[last].append(document)
                self.sizes[last] = found
                return last, False
        index = len(self.policies)
        alone = limits.size(self.inline_limit, merged([document]))
        inline = all(self.inline) and (self._inline_total() + alone <= self.inline_limit.maximum)
        if not inline:
            managed = self.inline.count(False)
            if managed >= self.managed_quota:
                raise PackingFull(
                    f"its grants need a managed policy beyond the {self.managed_quota} "
                    "allowed per identity"
                )
            if alone > self.managed_limit.maximum:
                raise PackingFull(
                    f"one grant alone is {alone:,} {self.managed_limit.unit}, over IAM's "
                    f"{self.managed_limit.maximum:,} per managed policy"
                )
        self.policies.append([document])
        self.inline.append(inline)
        self.sizes.append(alone)
        return index, True

    def seal(self) -> None:
        """No more grants into the policies there are (their documents were built)."""
        self.sealed = len(self.policies)


def pack(
    documents: Sequence[Mapping[str, Any]],
    inline_limit: Limit = limits.IAM_INLINE_POLICIES,
    managed_limit: Limit = limits.IAM_MANAGED_POLICY,
    managed_quota: int = limits.IAM_MANAGED_POLICIES_PER_ROLE.maximum,
) -> list[dict[str, Any]]:
    """The merged documents ``documents`` (grants in order) are packed into (see Packing);
    raises PackingFull."""
    packing = Packing(inline_limit, managed_limit, managed_quota)
    for document in documents:
        packing.place(document)
    return [merged(policy) for policy in packing.policies]
