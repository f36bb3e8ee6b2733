"""Reader grants: read one secret or one parameter, decrypting only through that service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from components.iam.documents import document, statement
from components.iam.rotation_role import (
    SecretLocation,
    parameter_kms_statement,
    replica_key_statements,
    secret_kms_statement,
)

SECRET_READ_ACTIONS = ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
PARAMETER_READ_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters")


def secret_read_policy(
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    region: pulumi.Input[str],
    replicas: Sequence[SecretLocation] = (),
) -> dict[str, Any]:
    """GetSecretValue and DescribeSecret on the secret (and each replica); Decrypt on each
    region's key, through Secrets Manager in that region, for that region's copy alone."""
    return document(
        statement(
            "ReadSecret", SECRET_READ_ACTIONS, [secret_arn, *(r.secret_arn for r in replicas)]
        ),
        secret_kms_statement("DecryptSecret", ("kms:Decrypt",), key_arn, secret_arn, region),
        *replica_key_statements(replicas, ("kms:Decrypt",), "DecryptReplica"),
    )


def parameter_read_policy(
    parameter_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    region: pulumi.Input[str],
) -> dict[str, Any]:
    """GetParameter(s) on the parameter; with a CMK, Decrypt on it for this parameter alone.

    Without a CMK the parameter uses the AWS managed key aws/ssm, whose key policy already lets
    every principal in the account decrypt through SSM, so no kms statement is needed (or
    possible: a policy cannot name an AWS managed key before it exists).
    """
    statements = [statement("ReadParameter", PARAMETER_READ_ACTIONS, [parameter_arn])]
    if key_arn is not None:
        statements.append(
            parameter_kms_statement(
                "DecryptParameter", ("kms:Decrypt",), key_arn, parameter_arn, region
            )
        )
    return document(*statements)
