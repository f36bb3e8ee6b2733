"""Attaching a component's read policy to a role given by name, ARN or aws.iam.Role."""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_aws as aws

from components import validation

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
