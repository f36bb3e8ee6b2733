"""Attaching a component's read policy to a role given by name, ARN or aws.iam.Role."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws

from components import validation
from components.errors import InvalidArgumentError

#: What `readers=[...]` and `grant_read(...)` accept.
RoleRef = str | aws.iam.Role


def role_label(role: RoleRef) -> str:
    """A stable piece of a resource name for the role (its IAM name or Pulumi name)."""
    if isinstance(role, aws.iam.Role):
        raw = role.pulumi_resource_name
    else:
        raw = validation.role_name_from_reference(role)
    return re.sub(r"[^A-Za-z0-9-]", "-", raw)


def role_name_input(role: RoleRef) -> pulumi.Input[str]:
    """The role's IAM name, as RolePolicy wants it."""
    if isinstance(role, aws.iam.Role):
        return role.name
    return validation.role_name_from_reference(role)


def check_role(argument: str, role: Any) -> RoleRef:
    """A role name, role ARN or aws.iam.Role resource."""
    if isinstance(role, aws.iam.Role):
        return role
    return validation.role_reference(argument, role)


def attach_policy(
    resource_name: str,
    role: RoleRef,
    policy: dict[str, Any],
    parent: pulumi.Resource,
) -> aws.iam.RolePolicy:
    """An inline policy on the role, parented to the component that grants it."""
    return aws.iam.RolePolicy(
        resource_name,
        role=role_name_input(role),
        policy=pulumi.Output.json_dumps(policy),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def grant_once(
    parent: pulumi.Resource,
    *,
    where: str,
    granted: set[str],
    role: Any,
    what: str,
    policy: Callable[[], dict[str, Any]],
) -> aws.iam.RolePolicy:
    """Check ``role``, refuse a second grant to the same role, and attach ``policy()`` as
    ``<component>-read-<role>`` (what each component's grant_read does)."""
    try:
        role = check_role("role", role)
    except InvalidArgumentError as error:
        raise error.located(where) from None
    label = role_label(role)
    if label in granted:
        raise InvalidArgumentError("role", label, f"already has read access to this {what}", where)
    granted.add(label)
    return attach_policy(
        f"{parent.pulumi_resource_name}-read-{label}", role, policy(), parent=parent
    )
