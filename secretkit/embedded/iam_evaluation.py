"""Decides one request against identity and resource policies as IAM does, for the statements
secretkit's tests meet: explicit Deny wins, then an Allow from either kind (same account), or
from both kinds (a caller of another account)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from secretkit.components.iam.least_privilege import iam_pattern

#: Condition operators evaluated here (each also with the IfExists suffix), besides Null.
_STRING_OPERATORS = {
    "StringEquals": (False, False),
    "StringNotEquals": (False, True),
    "StringLike": (True, False),
    "StringNotLike": (True, True),
    "ArnEquals": (True, False),
    "ArnLike": (True, False),
    "ArnNotEquals": (True, True),
    "ArnNotLike": (True, True),
}


class UnsupportedPolicy(Exception):
    """A statement this evaluator cannot decide faithfully (an operator or a condition key it
    does not know); refusing beats guessing."""


@dataclass(frozen=True)
class Request:
    """One call: who makes it, what it does, on what, and the condition keys it carries."""

    principal_arns: Sequence[str]
    """The caller as a resource policy may name it (a role's ARN and its session's, or a
    service principal's name such as events.amazonaws.com)."""
    action: str
    resource: str
    context: Mapping[str, str] = field(default_factory=dict)
    """Condition keys with their values in this request."""
    absent: frozenset[str] = frozenset()
    """Condition keys known to be missing from this request (negated operators match them)."""


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _matches(patterns: Any, value: str, *, ignore_case: bool = False) -> bool:
    return any(
        iam_pattern(str(p), ignore_case=ignore_case).fullmatch(value) for p in _as_list(patterns)
    )


def _concerns(statement: Mapping[str, Any], request: Request) -> bool:
    """Whether the statement's Action and Resource elements cover the request."""
    if "NotAction" in statement:
        if _matches(statement["NotAction"], request.action, ignore_case=True):
            return False
    elif not _matches(statement.get("Action", []), request.action, ignore_case=True):
        return False
    if "NotResource" in statement:
        return not _matches(statement["NotResource"], request.resource)
    return _matches(statement.get("Resource", []), request.resource)


def _names_account(named: Sequence[Any], account: str) -> bool:
    """Whether the principals name the account itself (its id or its root's ARN)."""
    return any(
        str(name) == account or str(name).endswith(f":iam::{account}:root") for name in named
    )


def _names_principal(
    statement: Mapping[str, Any], request: Request, caller_account: str | None = None
) -> bool:
    """A resource-policy statement's Principal names the caller. Within one account, an
    account's root only delegates to that account's identity policies, so it names nobody here;
    for a caller of another account (``caller_account``), naming that account names each of its
    principals, whose identity policies must then allow the call too."""
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    named = _as_list(principal.get("AWS", []))
    if "*" in named or any(arn in named for arn in request.principal_arns):
        return True
    # A service principal (events.amazonaws.com) is named by its name, never by an account.
    services = _as_list(principal.get("Service", []))
    if any(service in request.principal_arns for service in services):
        return True
    return caller_account is not None and _names_account(named, caller_account)


def _null_holds(key: str, expected: Any, request: Request) -> bool:
    """Null: "true" holds when the key is absent from the request, "false" when present."""
    if key in request.context:
        present = True
    elif key in request.absent:
        present = False
    else:
        raise UnsupportedPolicy(f"condition key {key!r} is not known for {request.action}")
    return any((str(value).lower() == "true") != present for value in _as_list(expected))


def _condition_holds(operator: str, key: str, expected: Any, request: Request) -> bool:
    if operator == "Null":
        return _null_holds(key, expected, request)
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if base not in _STRING_OPERATORS:
        raise UnsupportedPolicy(f"condition operator {operator!r} is not evaluated")
    wildcards, negated = _STRING_OPERATORS[base]
    if key not in request.context:
        if key not in request.absent:
            raise UnsupportedPolicy(f"condition key {key!r} is not known for {request.action}")
        return if_exists or negated
    actual = request.context[key]
    hit = any(
        iam_pattern(str(value), ignore_case=False).fullmatch(actual)
        if wildcards
        else str(value) == actual
        for value in _as_list(expected)
    )
    return hit != negated


def _conditions_hold(statement: Mapping[str, Any], request: Request) -> bool:
    conditions = statement.get("Condition") or {}
    return all(
        _condition_holds(operator, key, expected, request)
        for operator, pairs in conditions.items()
        for key, expected in pairs.items()
    )


def _applicable(
    documents: Sequence[Mapping[str, Any]],
    request: Request,
    *,
    resource_policy: bool,
    caller_account: str | None = None,
) -> list[Mapping[str, Any]]:
    found = []
    for document in documents:
        for statement in _as_list(document.get("Statement", [])):
            if not _concerns(statement, request):
                continue
            if resource_policy and not _names_principal(statement, request, caller_account):
                continue
            if _conditions_hold(statement, request):
                found.append(statement)
    return found


def is_allowed(
    request: Request,
    identity_policies: Sequence[Mapping[str, Any]],
    resource_policies: Sequence[Mapping[str, Any]] = (),
) -> bool:
    """IAM's decision for a caller and a resource of the same account: any applicable Deny
    refuses; otherwise an applicable Allow in either an identity or a resource policy grants."""
    statements = [
        *_applicable(identity_policies, request, resource_policy=False),
        *_applicable(resource_policies, request, resource_policy=True),
    ]
    if any(s.get("Effect") == "Deny" for s in statements):
        return False
    return any(s.get("Effect") == "Allow" for s in statements)


def is_allowed_across_accounts(
    request: Request,
    identity_policies: Sequence[Mapping[str, Any]],
    resource_policies: Sequence[Mapping[str, Any]],
    *,
    caller_account: str,
) -> bool:
    """IAM's decision for a caller of ``caller_account`` on a resource of another account (a
    secret and its resource policy, or a KMS key and its key policy): any applicable Deny
    refuses; otherwise the caller's identity policies AND the resource's policy must both allow
    it. A resource-policy statement naming the caller's account (its id or root) names the
    caller."""
    identity = _applicable(identity_policies, request, resource_policy=False)
    resource = _applicable(
        resource_policies, request, resource_policy=True, caller_account=caller_account
    )
    if any(s.get("Effect") == "Deny" for s in (*identity, *resource)):
        return False
    return any(s.get("Effect") == "Allow" for s in identity) and any(
        s.get("Effect") == "Allow" for s in resource
    )


def is_key_use_allowed(
    request: Request,
    identity_policies: Sequence[Mapping[str, Any]],
    key_policy: Sequence[Mapping[str, Any]],
    *,
    account: str,
) -> bool:
    """KMS's decision for a caller of the key's own ``account``: any applicable Deny refuses;
    otherwise the key policy must allow the caller itself, or allow the account (its root or
    id), which delegates the decision to the caller's identity policies. Unlike other services,
    an identity policy alone never opens a key whose policy does not name the account ("Key
    policies in AWS KMS", AWS KMS Developer Guide)."""
    named = _applicable(key_policy, request, resource_policy=True)
    via_account = _applicable(key_policy, request, resource_policy=True, caller_account=account)
    identity = _applicable(identity_policies, request, resource_policy=False)
    if any(s.get("Effect") == "Deny" for s in (*via_account, *identity)):
        return False
    if any(s.get("Effect") == "Allow" for s in named):
        return True
    delegated = any(s.get("Effect") == "Allow" for s in via_account)
    return delegated and any(s.get("Effect") == "Allow" for s in identity)
