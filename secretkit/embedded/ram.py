"""AWS RAM in the embedded AWS: what moto's RAM lacks to share a Parameter Store parameter, and
the resource-based policy a share amounts to when another account reads the parameter.

moto (5.x) creates, updates, lists and deletes resource shares, but it has no
AssociateResourceShare / DisassociateResourceShare (a resource or a principal cannot join an
existing share, which is how pulumi-aws's ResourceAssociation and PrincipalAssociation work),
refuses SSM parameters as shareable resources, ignores a share's ``permissionArns``, and grants
nothing to anyone. Here, on moto's own share objects:

- a principal joins with moto's own validation (``ResourceShare.add_principals``); a parameter
  joins after the checks AWS documents (below); any other resource goes through moto's
  ``add_resources``;
- the share's managed permission is kept on the share, and only the two Parameter Store
  permissions are known (another one stops the deployment rather than granting a guess);
- invitations are not emulated: a principal is associated at once, as inside an AWS
  Organization with RAM sharing enabled (an account outside it accepts an invitation first);
- ``shared_resource_policy`` turns the active shares that hold a resource into the resource
  policy IAM evaluates for a caller of another account: the permission's actions, on that
  resource, for the share's accounts (a named account admits each of its principals whose own
  identity policy allows the call).

AWS Systems Manager User Guide, "Working with shared parameters in Parameter Store": "To share a
parameter, it must be in the advanced parameter tier"; "To share a SecureString parameter, it
must be encrypted with a customer managed key ... AWS managed keys cannot be shared";
"AWSRAMDefaultPermissionSSMParameterReadOnly  Allowed actions: DescribeParameters, GetParameter,
GetParameters"; "AWSRAMPermissionSSMParameterReadOnlyWithHistory  Allowed actions:
DescribeParameters, GetParameter, GetParameters, GetParameterHistory"; "When you stop sharing a
shared parameter, the consumer account can no longer access the parameter."
"""

from __future__ import annotations

import re
from typing import Any

#: The AWS managed permissions for Parameter Store parameters, by name, and what each allows.
PARAMETER_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "AWSRAMDefaultPermissionSSMParameterReadOnly": (
        "ssm:DescribeParameters",
        "ssm:GetParameter",
        "ssm:GetParameters",
    ),
    "AWSRAMPermissionSSMParameterReadOnlyWithHistory": (
        "ssm:DescribeParameters",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParameterHistory",
    ),
}
#: What RAM attaches to a parameter share created without permissionArns.
DEFAULT_PARAMETER_PERMISSION = "AWSRAMDefaultPermissionSSMParameterReadOnly"
#: Where the emulation keeps a share's permission names on moto's share object.
_PERMISSIONS = "secretkit_permissions"
_PARAMETER_ARN = re.compile(r"^arn:[a-z-]+:ssm:([a-z0-9-]+):(\d{12}):parameter/(.+)$")
_AWS_MANAGED_SSM_KEY = "alias/aws/ssm"
_ACCOUNT_ID = re.compile(r"^\d{12}$")


class ShareRefused(Exception):
    """RAM refuses the association (the message says why, as AWS's documentation does)."""


def _backend(account: str, region: str) -> Any:
    from moto.ram.models import ram_backends  # noqa: PLC0415

    return ram_backends[account][region]


def find_share(share_arn: str) -> Any:
    """moto's share with this ARN (in the account and region the ARN names)."""
    _, _, _, region, account, _ = share_arn.split(":", 5)
    for share in _backend(account, region).resource_shares:
        if share.arn == share_arn:
            return share
    raise ShareRefused(f"resource share {share_arn} does not exist")


def permission_name(permission_arn: str) -> str:
    """arn:<partition>:ram::aws:permission/<name> -> <name>."""
    return permission_arn.rsplit("/", 1)[-1]


def permission_names(permission_arns: list[str] | None) -> list[str]:
    """The managed permissions a share is created with: only the Parameter Store permissions
    are known, and none given means the default one (checked before the share is created)."""
    names = [permission_name(arn) for arn in permission_arns or []] or [
        DEFAULT_PARAMETER_PERMISSION
    ]
    unknown = [name for name in names if name not in PARAMETER_PERMISSIONS]
    if unknown:
        raise ShareRefused(
            f"the embedded AWS knows only the Parameter Store RAM permissions "
            f"({', '.join(sorted(PARAMETER_PERMISSIONS))}), not {', '.join(unknown)}"
        )
    return names


def set_permissions(share_arn: str, names: list[str]) -> None:
    """Keep the share's managed permissions on moto's share (moto ignores permissionArns)."""
    setattr(find_share(share_arn), _PERMISSIONS, list(names))


def _check_shareable_parameter(share: Any, resource_arn: str, match: re.Match[str]) -> None:
    """The prerequisites AWS documents for sharing a parameter."""
    from moto.ssm.models import ssm_backends  # noqa: PLC0415

    region, account, name = match.groups()
    if account != share.account_id or region != share.region:
        raise ShareRefused(
            f"{resource_arn} is not a parameter of the share's account and region "
            f"({share.account_id}, {share.region}): you can share only parameters you own"
        )
    parameter = ssm_backends[account][region].get_parameter(f"/{name}")
    if parameter is None:
        parameter = ssm_backends[account][region].get_parameter(name)
    if parameter is None:
        raise ShareRefused(f"parameter {resource_arn} does not exist")
    if parameter.tier != "Advanced":
        raise ShareRefused(
            f"{resource_arn} is in the {parameter.tier} tier: only advanced parameters can be "
            "shared"
        )
    if parameter.parameter_type == "SecureString" and (
        not parameter.keyid or str(parameter.keyid).endswith(_AWS_MANAGED_SSM_KEY)
    ):
        raise ShareRefused(
            f"{resource_arn} is encrypted with the AWS managed key: a shared SecureString "
            "parameter must be encrypted with a customer managed key"
        )


def associate_resource(share_arn: str, resource_arn: str) -> None:
    """AssociateResourceShare with one resource."""
    share = find_share(share_arn)
    match = _PARAMETER_ARN.match(resource_arn)
    if match is None:
        share.add_resources([resource_arn])  # moto's own checks for the types it knows
        return
    _check_shareable_parameter(share, resource_arn, match)
    if resource_arn not in share.resource_arns:
        share.resource_arns.append(resource_arn)


def disassociate_resource(share_arn: str, resource_arn: str) -> None:
    """DisassociateResourceShare of one resource (the share may already be deleted)."""
    share = find_share(share_arn)
    if resource_arn in share.resource_arns:
        share.resource_arns.remove(resource_arn)


def associate_principal(share_arn: str, principal: str) -> None:
    """AssociateResourceShare with one principal (moto validates its form)."""
    share = find_share(share_arn)
    if principal not in share.principals:
        share.add_principals([principal])


def disassociate_principal(share_arn: str, principal: str) -> None:
    """DisassociateResourceShare of one principal."""
    share = find_share(share_arn)
    if principal in share.principals:
        share.principals.remove(principal)


def _statement(share: Any, resource_arn: str) -> dict[str, Any]:
    principals = list(share.principals)
    others = [p for p in principals if not _ACCOUNT_ID.match(p) and ":iam::" not in p]
    if others:
        from secretkit.embedded.iam_evaluation import UnsupportedPolicy  # noqa: PLC0415

        raise UnsupportedPolicy(
            f"resource share {share.arn} names {', '.join(others)}: the embedded AWS decides "
            "shares with accounts and IAM principals only"
        )
    actions = sorted(
        {
            action
            for name in getattr(share, _PERMISSIONS, [DEFAULT_PARAMETER_PERMISSION])
            for action in PARAMETER_PERMISSIONS[name]
        }
    )
    return {
        "Sid": f"RamShare{share.name}",
        "Effect": "Allow",
        "Principal": {"AWS": principals},
        "Action": actions,
        "Resource": resource_arn,
    }


def shared_resource_policy(owner: str, region: str, resource_arn: str) -> list[dict[str, Any]]:
    """The resource policy the owner's active shares of ``resource_arn`` amount to (an empty
    list when no active share holds it with a principal)."""
    statements = [
        _statement(share, resource_arn)
        for share in _backend(owner, region).resource_shares
        if share.status == "ACTIVE" and resource_arn in share.resource_arns and share.principals
    ]
    return [{"Version": "2012-10-17", "Statement": statements}] if statements else []
