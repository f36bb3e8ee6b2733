"""IAM roles, users and groups, their inline policies, managed policies and policy attachments
in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import (
    Account,
    Create,
    Delete,
    Record,
    ResourceType,
    Update,
    given,
    tagged,
)


def _create_role(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {
        "RoleName": autoname(name, p),
        "AssumeRolePolicyDocument": p["assumeRolePolicy"],
        "Path": p.get("path") or "/",
        **given(p, {"description": "Description", "permissionsBoundary": "PermissionsBoundary"}),
        **tagged(p),
    }
    role = aws.client("iam").create_role(**request)["Role"]
    return role["RoleName"], {
        "name": role["RoleName"],
        "arn": role["Arn"],
        "uniqueId": role["RoleId"],
    }


def _update_role(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    iam = aws.client("iam")
    iam.update_assume_role_policy(RoleName=old.id, PolicyDocument=p["assumeRolePolicy"])
    if p.get("description") is not None:
        iam.update_role(RoleName=old.id, Description=p["description"])
    if p.get("permissionsBoundary"):
        iam.put_role_permissions_boundary(
            RoleName=old.id, PermissionsBoundary=p["permissionsBoundary"]
        )
    return {}


def _delete_role(aws: Account, record: Record) -> None:
    aws.client("iam").delete_role(RoleName=record.id)


def _create_role_policy(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    policy_name = autoname(name, p)
    aws.client("iam").put_role_policy(
        RoleName=p["role"], PolicyName=policy_name, PolicyDocument=p["policy"]
    )
    return f"{p['role']}:{policy_name}", {"name": policy_name}


def _update_role_policy(
    aws: Account, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    aws.client("iam").put_role_policy(
        RoleName=p["role"], PolicyName=old.outputs["name"], PolicyDocument=p["policy"]
    )
    return {}


def _delete_role_policy(aws: Account, record: Record) -> None:
    aws.client("iam").delete_role_policy(
        RoleName=record.inputs["role"], PolicyName=record.outputs["name"]
    )


def _create_identity(kind: str) -> Create:
    """Create an IAM user or group (``kind``): its name and ARN, as pulumi-aws records them."""

    def create(
        aws: Account, name: str, p: dict[str, Any], region: str
    ) -> tuple[str, dict[str, Any]]:
        identity_name = autoname(name, p)
        path = {"Path": p.get("path") or "/"}
        iam = aws.client("iam")
        if kind == "user":
            created = iam.create_user(UserName=identity_name, **path, **tagged(p))["User"]
        else:
            created = iam.create_group(GroupName=identity_name, **path)["Group"]
        return identity_name, {"name": identity_name, "arn": created["Arn"]}

    return create


def _delete_user(aws: Account, record: Record) -> None:
    aws.client("iam").delete_user(UserName=record.id)


def _delete_group(aws: Account, record: Record) -> None:
    aws.client("iam").delete_group(GroupName=record.id)


#: The inline policy of a user or of a group: (input naming the identity, IAM parameter name,
#: put call, delete call).
_INLINE = {
    "user": ("user", "UserName", "put_user_policy", "delete_user_policy"),
    "group": ("group", "GroupName", "put_group_policy", "delete_group_policy"),
}


def _create_inline(kind: str) -> Create:
    field, parameter, put, _ = _INLINE[kind]

    def create(
        aws: Account, name: str, p: dict[str, Any], region: str
    ) -> tuple[str, dict[str, Any]]:
        policy_name = autoname(name, p)
        getattr(aws.client("iam"), put)(
            **{parameter: p[field]}, PolicyName=policy_name, PolicyDocument=p["policy"]
        )
        return f"{p[field]}:{policy_name}", {"name": policy_name}

    return create


def _update_inline(kind: str) -> Update:
    field, parameter, put, _ = _INLINE[kind]

    def update(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
        getattr(aws.client("iam"), put)(
            **{parameter: p[field]}, PolicyName=old.outputs["name"], PolicyDocument=p["policy"]
        )
        return {}

    return update


def _delete_inline(kind: str) -> Delete:
    field, parameter, _, delete = _INLINE[kind]

    def remove(aws: Account, record: Record) -> None:
        getattr(aws.client("iam"), delete)(
            **{parameter: record.inputs[field]}, PolicyName=record.outputs["name"]
        )

    return remove


def _create_policy(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {
        "PolicyName": autoname(name, p),
        "PolicyDocument": p["policy"],
        **given(p, {"description": "Description"}),
    }
    policy = aws.client("iam").create_policy(**request)["Policy"]
    return policy["Arn"], {"arn": policy["Arn"], "name": policy["PolicyName"]}


def _update_policy(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    iam = aws.client("iam")
    versions = iam.list_policy_versions(PolicyArn=old.id)["Versions"]
    for version in sorted(versions, key=lambda v: v["CreateDate"])[: max(0, len(versions) - 4)]:
        if not version["IsDefaultVersion"]:
            iam.delete_policy_version(PolicyArn=old.id, VersionId=version["VersionId"])
    iam.create_policy_version(PolicyArn=old.id, PolicyDocument=p["policy"], SetAsDefault=True)
    return {}


def _delete_policy(aws: Account, record: Record) -> None:
    aws.client("iam").delete_policy(PolicyArn=record.id)


def _create_attachment(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    aws.client("iam").attach_role_policy(RoleName=p["role"], PolicyArn=p["policyArn"])
    return f"{p['role']}-{name}", {}


def _delete_attachment(aws: Account, record: Record) -> None:
    aws.client("iam").detach_role_policy(
        RoleName=record.inputs["role"], PolicyArn=record.inputs["policyArn"]
    )


TYPES = (
    ResourceType(
        "aws:iam/role:Role",
        create=_create_role,
        update=_update_role,
        replace_on=frozenset({"name", "namePrefix", "path"}),
        delete=_delete_role,
    ),
    ResourceType(
        "aws:iam/rolePolicy:RolePolicy",
        create=_create_role_policy,
        update=_update_role_policy,
        replace_on=frozenset({"role", "name", "namePrefix"}),
        delete=_delete_role_policy,
    ),
    ResourceType(
        "aws:iam/user:User",
        create=_create_identity("user"),
        replace_on=frozenset({"name", "path"}),
        delete=_delete_user,
    ),
    ResourceType(
        "aws:iam/group:Group",
        create=_create_identity("group"),
        replace_on=frozenset({"name", "path"}),
        delete=_delete_group,
    ),
    ResourceType(
        "aws:iam/userPolicy:UserPolicy",
        create=_create_inline("user"),
        update=_update_inline("user"),
        replace_on=frozenset({"user", "name", "namePrefix"}),
        delete=_delete_inline("user"),
    ),
    ResourceType(
        "aws:iam/groupPolicy:GroupPolicy",
        create=_create_inline("group"),
        update=_update_inline("group"),
        replace_on=frozenset({"group", "name", "namePrefix"}),
        delete=_delete_inline("group"),
    ),
    ResourceType(
        "aws:iam/policy:Policy",
        create=_create_policy,
        update=_update_policy,
        replace_on=frozenset({"name", "namePrefix", "path", "description"}),
        delete=_delete_policy,
    ),
    ResourceType(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        create=_create_attachment,
        delete=_delete_attachment,
    ),
)
