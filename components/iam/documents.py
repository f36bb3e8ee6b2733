"""Helpers that assemble IAM policy documents as plain dicts (values may be Pulumi Inputs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

POLICY_VERSION = "2012-10-17"

Statement = dict[str, Any]


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[pulumi.Input[str]] | pulumi.Input[str],
    condition: Mapping[str, Mapping[str, Any]] | None = None,
    principal: Mapping[str, Any] | None = None,
) -> Statement:
    """One Allow statement; actions are sorted so documents are stable across runs."""
    result: Statement = {"Sid": sid, "Effect": "Allow"}
    if principal is not None:
        result["Principal"] = dict(principal)
    result["Action"] = sorted(actions)
    result["Resource"] = list(resources) if isinstance(resources, list | tuple) else resources
    if condition:
        result["Condition"] = {op: dict(values) for op, values in condition.items()}
    return result


def document(*statements: Statement) -> dict[str, Any]:
    """A policy document holding the given statements."""
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def service_assume_role_policy(service: str) -> dict[str, Any]:
    """Trust policy letting one AWS service principal assume a role."""
    return document(
        {
            "Sid": "AssumedBy" + service.split(".", maxsplit=1)[0].capitalize(),
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
        }
    )
