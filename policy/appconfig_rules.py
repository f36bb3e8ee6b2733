"""The policy pack's AppConfig rule: an identity policy lets a role read configurations it names
exactly (what DynamicParameter's grants do), never every configuration of the account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from secretkit.components.iam.appconfig_reader import CONFIGURATION_READ_ACTIONS
from secretkit.components.iam.least_privilege import iam_pattern

#: A `configuration` ARN naming one application, environment and profile: no wildcard.
_ONE_CONFIGURATION = iam_pattern(
    "arn:*:appconfig:*:*:application/*/environment/*/configuration/*", ignore_case=False
)


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def configuration_reads(statement: Mapping[str, Any]) -> list[str]:
    """The AppConfig read actions an Allow statement grants, by name or pattern."""
    if "NotAction" in statement:
        excluded = [iam_pattern(a.strip()) for a in _strings(statement["NotAction"])]
        return [a for a in CONFIGURATION_READ_ACTIONS if not any(p.fullmatch(a) for p in excluded)]
    patterns = [iam_pattern(a.strip()) for a in _strings(statement.get("Action", []))]
    return [a for a in CONFIGURATION_READ_ACTIONS if any(p.fullmatch(a) for p in patterns)]


def configuration_read_findings(document: Mapping[str, Any]) -> list[str]:
    """Identity-policy statements granting StartConfigurationSession or GetLatestConfiguration
    on anything but named configurations (application/<id>/environment/<id>/configuration/<id>):
    ``Resource: "*"``, a wildcard in the ids, or NotResource."""
    found: list[str] = []
    statements = document.get("Statement", [])
    for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        reads = configuration_reads(statement)
        if not reads:
            continue
        label = str(statement.get("Sid") or f"statement {index}")
        if "NotResource" in statement:
            found.append(f"{label}: NotResource grants {', '.join(reads)} on every other resource")
            continue
        for resource in _strings(statement.get("Resource", [])):
            ids = resource.split(":", 5)[-1] if resource.count(":") >= 5 else resource
            if not _ONE_CONFIGURATION.fullmatch(resource) or "*" in ids or "?" in ids:
                found.append(
                    f"{label}: {', '.join(reads)} on {resource!r}; name the configuration "
                    "(application/<id>/environment/<id>/configuration/<profile id>), as "
                    "DynamicParameter's grant_read does"
                )
    return found
