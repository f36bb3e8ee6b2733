"""AWS RAM resource shares and their resource and principal associations in the embedded AWS.

moto creates, updates and deletes the share itself; joining a resource or a principal to it
(AssociateResourceShare, which moto lacks) and the share's managed permission are emulated by
``secretkit.embedded.ram``, which says what it checks and what it does not.
"""

from __future__ import annotations

from typing import Any

from secretkit.embedded import ram
from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import Account, Record, ResourceType


def _create_share(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    permissions = ram.permission_names(p.get("permissionArns"))
    request: dict[str, Any] = {
        "name": autoname(name, p),
        "allowExternalPrincipals": bool(p.get("allowExternalPrincipals", True)),
    }
    if p.get("tags"):
        request["tags"] = [{"key": k, "value": v} for k, v in p["tags"].items()]
    share = aws.client("ram", region).create_resource_share(**request)["resourceShare"]
    arn = str(share["resourceShareArn"])
    ram.set_permissions(arn, permissions)
    return arn, {"arn": arn, "name": share["name"]}


def _update_share(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    share = aws.client("ram", region).update_resource_share(
        resourceShareArn=old.id,
        name=autoname(old.name, p),
        allowExternalPrincipals=bool(p.get("allowExternalPrincipals", True)),
    )["resourceShare"]
    return {"name": share["name"]}


def _delete_share(aws: Account, record: Record) -> None:
    aws.client("ram", record.region).delete_resource_share(resourceShareArn=record.id)


def _associate_resource(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    share, resource = str(p["resourceShareArn"]), str(p["resourceArn"])
    ram.associate_resource(share, resource)
    return f"{share},{resource}", {}


def _disassociate_resource(aws: Account, record: Record) -> None:
    share, resource = record.id.split(",", 1)
    ram.disassociate_resource(share, resource)


def _associate_principal(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    share, principal = str(p["resourceShareArn"]), str(p["principal"])
    ram.associate_principal(share, principal)
    return f"{share},{principal}", {}


def _disassociate_principal(aws: Account, record: Record) -> None:
    share, principal = record.id.split(",", 1)
    ram.disassociate_principal(share, principal)


TYPES = (
    ResourceType(
        "aws:ram/resourceShare:ResourceShare",
        create=_create_share,
        update=_update_share,
        replace_on=frozenset({"permissionArns", "region"}),
        delete=_delete_share,
    ),
    # Every input of an association forces a new one (pulumi-aws has no update for them).
    ResourceType(
        "aws:ram/resourceAssociation:ResourceAssociation",
        create=_associate_resource,
        delete=_disassociate_resource,
    ),
    ResourceType(
        "aws:ram/principalAssociation:PrincipalAssociation",
        create=_associate_principal,
        delete=_disassociate_principal,
    ),
)
