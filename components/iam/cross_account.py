"""The two halves of a grant to readers in other accounts: the statements naming them in the
secret's resource policy and in its key's policy, and the identity policy their own account must
give them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from secretkit.components.iam.documents import Statement, statement
from secretkit.components.iam.key_policy import THIS_KEY
from secretkit.components.iam.kms import SECRETS_MANAGER
from secretkit.components.iam.reader import SECRET_READ_ACTIONS, secret_read_policy
from secretkit.components.iam.replicas import SecretLocation


def foreign_read_statement(
    principals: Sequence[pulumi.Input[str]], secret_arns: Sequence[pulumi.Input[str]]
) -> Statement:
    """The secret's resource policy: GetSecretValue and DescribeSecret on this secret (and its
    replicas, to which the policy is replicated) for exactly these principals (role ARNs or
    account roots of other accounts)."""
    return statement(
        "ReadFromOtherAccounts",
        SECRET_READ_ACTIONS,
        list(secret_arns),
        principal={"AWS": list(principals)},
    )


def foreign_decrypt_statement(
    principals: Sequence[pulumi.Input[str]],
    secret_arn_pattern: pulumi.Input[str],
    region: pulumi.Input[str],
) -> Statement:
    """A key policy statement: kms:Decrypt for these principals, only through Secrets Manager in
    ``region`` and only for the secret whose ARN matches ``secret_arn_pattern`` (the key is
    created before the secret, so its ARN's random suffix is matched by '-??????'). A replica
    region's key gets the pattern of the replica's ARN in that region: the encryption context
    is assumed to name the replica's own ARN (sources and status: components/iam/replicas.py)."""
    return statement(
        "DecryptForOtherAccounts",
        ("kms:Decrypt",),
        THIS_KEY,
        condition=SECRETS_MANAGER.for_matching(secret_arn_pattern, region),
        principal={"AWS": list(principals)},
    )


def reader_identity_policy(
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    region: pulumi.Input[str],
    replicas: Sequence[SecretLocation] = (),
    transition_key_arns: Sequence[str] = (),
) -> dict[str, Any]:
    """The identity policy a reader's role must hold in ITS account (the other half of a
    cross-account grant): GetSecretValue and DescribeSecret on the secret (and its replicas),
    kms:Decrypt on each region's key (and the other key of a key change) through Secrets Manager
    there, for that copy alone. It is the document a reader in the deploying account gets as
    its inline policy."""
    return secret_read_policy(secret_arn, key_arn, region, replicas, transition_key_arns)


def _organization_condition(
    organization_id: str, paths: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Principals of the organization, and with ``paths`` only of those organizational units."""
    condition: dict[str, dict[str, Any]] = {"StringEquals": {"aws:PrincipalOrgID": organization_id}}
    if paths:
        condition["ForAnyValue:StringLike"] = {"aws:PrincipalOrgPaths": list(paths)}
    return condition


def organization_read_statement(
    organization_id: str, paths: Sequence[str], secret_arns: Sequence[pulumi.Input[str]]
) -> Statement:
    """The secret's resource policy: GetSecretValue and DescribeSecret on this secret (and its
    replicas) for principals of the organization (``aws:PrincipalOrgID``), optionally only those
    under the organizational unit ``paths`` (``aws:PrincipalOrgPaths``). The principal is '*'
    only together with that condition (block_public_policy accepts it as not public)."""
    return statement(
        "ReadFromOrganization",
        SECRET_READ_ACTIONS,
        list(secret_arns),
        condition=_organization_condition(organization_id, paths),
        principal={"AWS": "*"},
    )


def organization_decrypt_statement(
    organization_id: str,
    paths: Sequence[str],
    secret_arn_pattern: pulumi.Input[str],
    region: pulumi.Input[str],
) -> Statement:
    """A key policy statement: kms:Decrypt for principals of the organization (and ``paths``),
    only through Secrets Manager in ``region``, only for the secret ``secret_arn_pattern``."""
    via = SECRETS_MANAGER.for_matching(secret_arn_pattern, region)
    organization = _organization_condition(organization_id, paths)
    condition = {
        **via,
        **organization,
        "StringEquals": {**via["StringEquals"], **organization["StringEquals"]},
    }
    return statement(
        "DecryptForOrganization",
        ("kms:Decrypt",),
        THIS_KEY,
        condition=condition,
        principal={"AWS": "*"},
    )
