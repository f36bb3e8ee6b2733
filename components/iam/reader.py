"""Reader grants: read one secret or one parameter, decrypting only through that service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from secretkit.components.iam.documents import document, statement
from secretkit.components.iam.kms import SECRETS_MANAGER, SSM
from secretkit.components.iam.replicas import SecretLocation, replica_key_statements

SECRET_READ_ACTIONS = ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue")
PARAMETER_READ_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters")


def secret_read_policy(
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    region: pulumi.Input[str],
    replicas: Sequence[SecretLocation] = (),
    transition_key_arns: Sequence[str] = (),
) -> dict[str, Any]:
    """GetSecretValue and DescribeSecret on the secret (and each replica); Decrypt on each
    region's key (and, while the secret changes key, on the other key of the change:
    ``transition_key_arns`` and each replica's), through Secrets Manager in that region, for
    that region's copy alone.

    ``key_arn`` None: the secret uses the AWS managed key aws/secretsmanager (a secret created
    elsewhere, components/secrets/existing_secret.py), whose key policy already lets principals
    of the account decrypt through Secrets Manager: no KMS statement is needed, and none could
    name that key in advance.
    """
    decrypt = (
        [
            statement(
                "DecryptSecret",
                ("kms:Decrypt",),
                [key_arn, *transition_key_arns],
                condition=SECRETS_MANAGER.for_resource(secret_arn, region),
            )
        ]
        if key_arn is not None
        else []
    )
    return document(
        statement(
            "ReadSecret", SECRET_READ_ACTIONS, [secret_arn, *(r.secret_arn for r in replicas)]
        ),
        *decrypt,
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
            statement(
                "DecryptParameter",
                ("kms:Decrypt",),
                [key_arn],
                condition=SSM.for_resource(parameter_arn, region),
            )
        )
    return document(*statements)
