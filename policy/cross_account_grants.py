"""The cross-account grant rule on plain policy documents: what another account (or anyone) is
allowed must be named exactly, narrowed by conditions, and, for a KMS key, usable only through
the service and for the resource it was granted for."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

#: Condition keys that pin an anonymous ("*") principal to an organization, account or ARN.
PRINCIPAL_PINNING_KEYS: Final = frozenset(
    {"aws:principalorgid", "aws:principalaccount", "aws:principalarn"}
)
#: Condition operators that narrow (negated and ...IfExists ones admit what they do not name).
NARROWING_OPERATORS: Final = frozenset({"stringequals", "stringlike", "arnequals", "arnlike"})
VIA_SERVICE: Final = "kms:viaservice"
ENCRYPTION_CONTEXT_PREFIX: Final = "kms:encryptioncontext:"


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if item is not None]


def _allow_statements(document: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    statements = document.get("Statement", [])
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        if isinstance(statement, Mapping) and statement.get("Effect") == "Allow":
            yield str(statement.get("Sid") or f"statement {index}"), statement


def principal_names(statement: Mapping[str, Any]) -> list[str]:
    """The AWS principals a statement names ('*' for anyone)."""
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if not isinstance(principal, Mapping):
        return []
    return _strings(principal.get("AWS", []))


def account_of_principal(name: str) -> str | None:
    """The account a principal name belongs to: an account id, or an ARN's account."""
    if name.isdigit():
        return name
    parts = name.split(":")
    return parts[4] if name.startswith("arn:") and len(parts) > 4 and parts[4] else None


def foreign_principals(statement: Mapping[str, Any], own_account: str | None) -> list[str]:
    """The principals of another account, or '*'. Without the owner's account only '*' is
    surely someone else."""
    found = []
    for name in principal_names(statement):
        account = account_of_principal(name)
        if name == "*" or "*" in (account or "") or (own_account and account != own_account):
            found.append(name)
    return found


def narrowing_keys(statement: Mapping[str, Any]) -> set[str]:
    """Condition keys (lower case) the statement narrows with a non-negated operator, not
    ...IfExists, to values other than a bare '*'."""
    conditions = statement.get("Condition")
    keys: set[str] = set()
    if not isinstance(conditions, Mapping):
        return keys
    for operator, pairs in conditions.items():
        base = str(operator).lower().split(":")[-1]  # ForAnyValue:StringLike -> stringlike
        if base not in NARROWING_OPERATORS or not isinstance(pairs, Mapping):
            continue
        for key, values in pairs.items():
            if values is not None and "*" not in _strings(values):
                keys.add(str(key).lower())
    return keys


def _action_findings(label: str, statement: Mapping[str, Any]) -> list[str]:
    if "NotAction" in statement:
        return [f"{label}: NotAction grants another account every other action"]
    wild = [a for a in _strings(statement.get("Action", [])) if "*" in a or "?" in a]
    if wild:
        return [f"{label}: another account is granted wildcard actions {', '.join(wild)}"]
    return []


def statement_findings(
    label: str, statement: Mapping[str, Any], *, key_policy: bool, own_account: str | None
) -> list[str]:
    """What is wrong with one Allow statement granting another account (none if it grants
    none)."""
    if "NotPrincipal" in statement:
        return [f"{label}: Allow with NotPrincipal admits every principal it does not name"]
    foreign = foreign_principals(statement, own_account)
    if not foreign:
        return []
    found = _action_findings(label, statement)
    keys = narrowing_keys(statement)
    partial = [n for n in foreign if n != "*" and ("*" in n or "?" in n)]
    if partial:
        found.append(f"{label}: principals must be named exactly, not {', '.join(partial)}")
    if "*" in foreign and not keys & PRINCIPAL_PINNING_KEYS:
        found.append(
            f"{label}: principal '*' needs a condition on aws:PrincipalOrgID, "
            "aws:PrincipalAccount or aws:PrincipalArn"
        )
    if key_policy:
        who = ", ".join(foreign)
        if VIA_SERVICE not in keys:
            found.append(f"{label}: {who} may use the key outside the service (no kms:ViaService)")
        if not any(k.startswith(ENCRYPTION_CONTEXT_PREFIX) for k in keys):
            found.append(
                f"{label}: {who} may use the key for any resource (no "
                "kms:EncryptionContext:<key> condition naming the secret or parameter)"
            )
    return found


def grant_findings(
    document: Mapping[str, Any], *, key_policy: bool, own_account: str | None
) -> list[str]:
    """Every problem with the cross-account grants of a key policy or resource policy."""
    found: list[str] = []
    for label, statement in _allow_statements(document):
        found += statement_findings(
            label, statement, key_policy=key_policy, own_account=own_account
        )
    return found
