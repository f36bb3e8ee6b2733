"""The advisory policy ``rotation-without-alarm``: a secret that rotates with no EventBridge rule
watching its RotationFailed events fails its rotation silently (secretkit's components create
one unless ``alarms`` turns it off)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs

from secretkit.components.rotation.rotation_events import FAILED, SOURCE
from secretkit.resources import EVENT_RULE, SECRET_ROTATION, policy_document

#: secretkit_policies.plain (the engine's properties as plain data, unknowns as None), passed
#: in so that this module and that one do not import each other.
Plain = Callable[[Any], Any]


def watches_failures(pattern: dict[str, Any]) -> list[str] | None:
    """The secret ARNs whose RotationFailed events ``pattern`` matches (an empty list: every
    secret's); None when it matches no RotationFailed event."""
    detail = pattern.get("detail")
    if SOURCE not in (pattern.get("source") or []) or not isinstance(detail, dict):
        return None
    names = detail.get("eventName")
    if names is not None and FAILED not in names:
        return None
    secret_ids = (detail.get("additionalEventData") or {}).get("SecretId")
    return [str(arn) for arn in secret_ids] if isinstance(secret_ids, list) else []


def unwatched_rotations(resources: Sequence[PolicyResource], plain: Plain) -> list[PolicyResource]:
    """The SecretRotations whose secret no rule of the stack watches. During a preview a rule's
    pattern may be unknown: a rule whose pattern depends on the secret counts as watching it."""
    watched_arns: set[str] = set()
    watched_urns: set[str] = set()
    everything = False
    for rule in resources:
        if rule.resource_type != EVENT_RULE:
            continue
        depends = {d.urn for d in rule.property_dependencies.get("eventPattern", [])}
        pattern = policy_document(plain(rule.props).get("eventPattern"))
        if pattern is None:
            watched_urns |= depends
            continue
        arns = watches_failures(pattern)
        if arns is None:
            continue
        everything = everything or not arns
        watched_arns.update(arns)
        watched_urns |= depends
    if everything:
        return []
    return [
        rotation
        for rotation in resources
        if rotation.resource_type == SECRET_ROTATION
        and plain(rotation.props).get("secretId") not in watched_arns
        and not {d.urn for d in rotation.property_dependencies.get("secretId", [])} & watched_urns
    ]


def validate_rotation_alarms(
    args: StackValidationArgs, report_violation: ReportViolation, plain: Plain
) -> None:
    for rotation in unwatched_rotations(args.resources, plain):
        report_violation(
            f"{rotation.name} rotates a secret that no EventBridge rule watches for "
            "RotationFailed: a failed rotation goes unnoticed until something fails to log in. "
            "Keep secretkit's alarms on (the alarms argument) or add a rule on the secret's "
            "rotation events (docs/rotation.md#alarms)",
            rotation.urn,
        )
