"""ProxiedParameterPolicy's arguments: the TypedDict and the pure check that reads them."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import pulumi

from secretkit.components import validation
from secretkit.components.iam.grants import RoleRef, check_distinct, check_role
from secretkit.components.secrets.secret_component import SecretComponent


class ProxiedParameterPolicyArgs(TypedDict, total=False):
    """Arguments of ProxiedParameterPolicy: name the secret one way, and the roles."""

    secret_name: pulumi.Input[str]
    """The secret's name (give this or ``secret``); may be another resource's output, such as a
    RotatingSecret's secret_name."""
    secret: Any
    """A RotatingSecret, CrossRegionReplicatedSecret or ExistingSecret; its name and key are
    used. Python only (left out of the package schema): other languages give secret_name and
    kms_key_arn from the component's outputs instead."""
    kms_key_arn: pulumi.Input[str]
    """The secret's CMK, in the secret's region; omit for the AWS managed key
    aws/secretsmanager (default: the component's key when ``secret`` is given)."""
    roles: Sequence[Any]
    """IAM role names or role ARNs of the deploying account the managed policy is attached to,
    each a string or another resource's output (e.g. an autonamed role's name); Python may also
    pass aws.iam.Role resources. Each role once (an output is checked once it is known)."""
    region: str
    """Region of the secret and the reference path (default: the provider's)."""
    account_id: str
    """Account of the secret (default: the provider's)."""
    description: str
    """Description of the managed policy."""


ARGUMENTS = tuple(ProxiedParameterPolicyArgs.__annotations__)


@dataclass(frozen=True)
class ProxySettings:
    """The checked arguments."""

    secret_name: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str] | None
    roles: list[RoleRef | pulumi.Output[str]]
    region: str | None
    account_id: str | None
    description: str | None
    secret_name_unchecked: bool = False
    """secret_name was given as an Output: checked once it is known."""


def parse_roles(value: Any) -> list[RoleRef | pulumi.Output[str]]:
    """Role names, ARNs or aws.iam.Role resources, each once; an Output (a name or ARN known
    later) is kept as it is, and checked when the attachment takes it."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise validation.fail("roles", value, "must be a list of role names, ARNs or aws.iam.Role")
    roles = [
        role if isinstance(role, pulumi.Output) else check_role(f"roles[{index}]", role)
        for index, role in enumerate(value)
    ]
    check_distinct("roles", roles)
    return roles


def parse_proxy_args(args: Any) -> ProxySettings:
    """Every check ProxiedParameterPolicy makes before registering anything."""
    given = validation.require_mapping("args", args)
    validation.reject_unknown_keys("", given, ARGUMENTS)
    name = given.get("secret_name")
    component = given.get("secret")
    if (name is None) == (component is None):
        raise validation.fail(
            "secret_name", name, "give exactly one of secret_name and secret (a component)"
        )
    key = given.get("kms_key_arn")
    if key is not None and not isinstance(key, pulumi.Output):
        validation.kms_key_arn("kms_key_arn", key)
        if given.get("region") is not None:
            secret_region = validation.aws_region("region", given["region"])
            validation.in_region("kms_key_arn", key, secret_region, "the secret")
    if component is not None:
        if not isinstance(component, SecretComponent):
            raise validation.fail(
                "secret",
                type(component).__name__,
                "must be a RotatingSecret, CrossRegionReplicatedSecret or ExistingSecret",
            )
        name = component.secret_name
        if key is None:
            # A replica is encrypted with its own region's key, not the primary's.
            key = component.kms_key_arn_in(given.get("region"))
    elif not isinstance(name, pulumi.Output):
        name = validation.secret_name("secret_name", name)
    region = given.get("region")
    if region is not None:
        validation.aws_region("region", region)
    account = given.get("account_id")
    if account is not None and (
        not isinstance(account, str) or not account.isdigit() or len(account) != 12
    ):
        raise validation.fail("account_id", account, "must be a 12-digit AWS account id")
    description = given.get("description")
    if description is not None:
        validation.description("description", description, 1000)
    return ProxySettings(
        secret_name=name,
        kms_key_arn=key,
        roles=parse_roles(given.get("roles", [])),
        region=region,
        account_id=account,
        description=description,
        secret_name_unchecked=component is None and isinstance(name, pulumi.Output),
    )
