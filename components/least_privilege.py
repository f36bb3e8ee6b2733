"""Measures a policy document against the house rules for least privilege; returns violations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Actions AWS offers no resource-level permission for: Resource "*" is the only choice.
NO_RESOURCE_LEVEL_ACTIONS = frozenset({"ec2:describenetworkinterfaces", "ec2:describesubnets"})
#: KMS actions that must be limited by kms:ViaService in identity policies.
KMS_PREFIX = "kms:"


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def violations(document: Mapping[str, Any], *, key_policy: bool = False) -> list[str]:
    """Every broken rule, as text. Empty means the document passes.

    Rules: no "*" action or service wildcard (``kms:*``) or partial wildcard (``ssm:Get*``); no
    ``Resource: "*"`` except for actions without resource-level permissions (in a key policy
    "*" means the key itself and is allowed); every KMS grant in an identity policy is scoped by
    ``kms:ViaService``; only Allow statements.
    """
    found: list[str] = []
    for index, stmt in enumerate(_as_list(document.get("Statement", []))):
        label = stmt.get("Sid") or f"statement {index}"
        if stmt.get("Effect") != "Allow":
            continue
        if "NotAction" in stmt or "NotResource" in stmt:
            found.append(f"{label}: NotAction/NotResource grant everything else")
        actions = [str(a) for a in _as_list(stmt.get("Action", []))]
        for action in actions:
            if "*" in action or "?" in action:
                found.append(f"{label}: wildcard action {action!r}")
        resources = [r for r in _as_list(stmt.get("Resource", [])) if isinstance(r, str)]
        if "*" in resources and not key_policy:
            broad = [a for a in actions if a.lower() not in NO_RESOURCE_LEVEL_ACTIONS]
            if broad:
                found.append(f"{label}: Resource '*' for {', '.join(sorted(broad))}")
        # IAM matches action names case-insensitively.
        kms = [a for a in actions if a.lower().startswith(KMS_PREFIX)]
        if kms and not key_policy:
            conditions = stmt.get("Condition", {})
            scoped = any("kms:ViaService" in values for values in conditions.values())
            if not scoped:
                found.append(f"{label}: {', '.join(kms)} without a kms:ViaService condition")
    return found
