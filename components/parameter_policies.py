"""Parameter Store policies (Expiration, ExpirationNotification, NoChangeNotification) as JSON,
and the tier a parameter needs for its size and policies."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from secretkit.components import validation

POLICY_VERSION = "1.0"


def expiration(at: datetime) -> dict[str, Any]:
    """Delete the parameter at ``at`` (UTC)."""
    return {
        "Type": "Expiration",
        "Version": POLICY_VERSION,
        "Attributes": {"Timestamp": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")},
    }


def expiration_notification(amount: int, unit: str) -> dict[str, Any]:
    """Emit an EventBridge event ``amount`` Days/Hours before the expiration."""
    return {
        "Type": "ExpirationNotification",
        "Version": POLICY_VERSION,
        "Attributes": {"Before": str(amount), "Unit": unit},
    }


def no_change_notification(amount: int, unit: str) -> dict[str, Any]:
    """Emit an EventBridge event when the value has not changed for ``amount`` Days/Hours."""
    return {
        "Type": "NoChangeNotification",
        "Version": POLICY_VERSION,
        "Attributes": {"After": str(amount), "Unit": unit},
    }


def canonical(policies: Iterable[Mapping[str, Any]]) -> str:
    """One JSON text per set of policies, whatever their order, so diffs are meaningful."""
    ordered = sorted((dict(p) for p in policies), key=lambda p: str(p.get("Type")))
    return json.dumps(ordered, sort_keys=True, separators=(",", ":"))


def from_described(described: Iterable[Mapping[str, Any]]) -> str:
    """Canonical JSON of the policies DescribeParameters reports (PolicyText of each).

    AWS returns each PolicyText as JSON; moto returns a Python repr, which is parsed too.
    Empty placeholder policies (left by removing all policies with '[{}]') are dropped.
    """
    parsed = []
    for item in described:
        text = item.get("PolicyText")
        if isinstance(text, Mapping):
            policy: Any = dict(text)
        elif isinstance(text, str):
            try:
                policy = json.loads(text)
            except json.JSONDecodeError:
                policy = ast.literal_eval(text)
        else:
            continue
        if isinstance(policy, Mapping) and policy.get("Type"):
            parsed.append(policy)
    return canonical(parsed)


def resolve_tier(requested: str, value_size: int | None, has_policies: bool) -> str:
    """'auto' -> Standard if the value fits 4 KB and there are no policies, else Advanced.

    ``value_size`` is None when the value is not known yet; 'auto' then picks by policies only
    and the size is checked once known.
    """
    if requested != "auto":
        return requested
    if has_policies:
        return "Advanced"
    if value_size is not None and value_size > validation.STANDARD_PARAMETER_MAX_BYTES:
        return "Advanced"
    return "Standard"
