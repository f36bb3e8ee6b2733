"""A rotation function's role: exactly what rotating one secret (or one parameter) needs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from secretkit.components.iam.arns import AccountScope, concat
from secretkit.components.iam.documents import Statement, document, statement
from secretkit.components.iam.kms import SECRETS_MANAGER, SSM
from secretkit.components.iam.master_secret import MasterSecret, master_secret_statements
from secretkit.components.iam.replicas import (
    REPLICA_ENCRYPT_ACTIONS,
    SecretLocation,
    replica_key_statements,
)
from secretkit.components.iam.vpc import VpcScope, eni_statements

#: The calls the rotation protocol makes on the secret it rotates. No GetRandomPassword: the
#: handlers generate passwords locally, so nothing needs Resource "*". ListSecretVersionIds
#: (read-only, no values) finds the deprecated versions a single-user rotation falls back to
#: when an abandoned rotation left the database on a password no labelled version holds.
ROTATION_SECRET_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:ListSecretVersionIds",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
)
#: Read the current value (Decrypt) and write the pending one (GenerateDataKey).
ROTATION_KMS_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")


def rotation_role_policy(
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    log_group_arn: pulumi.Input[str],
    scope: AccountScope,
    *,
    vpc: VpcScope | None = None,
    master: MasterSecret | None = None,
    replicas: Sequence[SecretLocation] = (),
    transition_key_arns: Sequence[str] = (),
) -> dict[str, Any]:
    """The inline policy of a rotation function's role.

    With a master secret (alternating users) the role may also read that secret, and decrypt
    it through Secrets Manager when it is under a customer managed key; a master secret under
    the AWS managed key aws/secretsmanager needs no KMS statement. With replicas, each new
    version is re-encrypted into every replica region under the caller's identity, so the role
    may encrypt with each replica's key for that replica only. While the secret changes key,
    the other key of the change (``transition_key_arns``, and each replica's) is granted as the
    key is: before the switch the role must already write with the new key, after it still read
    versions under the old one (docs/key-replacement.md). ``key_arn`` None: the secret (one
    created elsewhere) uses the AWS managed key aws/secretsmanager, whose key policy lets
    principals of the account use it through Secrets Manager: no KMS statement.
    """
    statements = [statement("RotateThisSecret", ROTATION_SECRET_ACTIONS, [secret_arn])]
    if key_arn is not None:
        statements.append(
            statement(
                "UseKeyForThisSecret",
                ROTATION_KMS_ACTIONS,
                [key_arn, *transition_key_arns],
                condition=SECRETS_MANAGER.for_resource(secret_arn, scope.region),
            )
        )
    statements.extend(replica_key_statements(replicas, REPLICA_ENCRYPT_ACTIONS, "EncryptReplica"))
    statements.extend(function_statements(log_group_arn, scope, vpc=vpc, master=master))
    return document(*statements)


def function_statements(
    log_group_arn: pulumi.Input[str],
    scope: AccountScope,
    *,
    vpc: VpcScope | None = None,
    master: MasterSecret | None = None,
) -> list[Statement]:
    """What a rotation function needs besides the secrets it rotates: the master secret (and
    its key, when a CMK), its own log group, and its network interfaces in a VPC."""
    statements: list[Statement] = []
    if master is not None:
        statements.extend(master_secret_statements(master, scope.region))
    statements.append(own_logs_statement(log_group_arn))
    if vpc is not None:
        statements.extend(eni_statements(scope, vpc))
    return statements


def own_logs_statement(log_group_arn: pulumi.Input[str]) -> Statement:
    """Write to the function's own log group, nothing else in CloudWatch Logs."""
    return statement("WriteOwnLogs", LOG_ACTIONS, [concat(log_group_arn, ":*")])


#: Read the current value, write the next one.
PARAMETER_ROTATION_ACTIONS = ("ssm:GetParameter", "ssm:PutParameter")
#: Standard-tier SecureStrings are encrypted by KMS directly (Encrypt/Decrypt), Advanced ones
#: with envelope encryption (GenerateDataKey/Decrypt).
PARAMETER_KMS_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")


def parameter_rotation_policy(
    parameter_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    log_group_arn: pulumi.Input[str],
    region: pulumi.Input[str],
) -> dict[str, Any]:
    """The inline policy of a scheduled parameter-rotation function: this parameter only.

    With the AWS managed key aws/ssm no KMS statement is needed: its key policy lets principals
    of the account use it through SSM.
    """
    statements = [statement("RotateThisParameter", PARAMETER_ROTATION_ACTIONS, [parameter_arn])]
    if key_arn is not None:
        statements.append(
            statement(
                "UseKeyForThisParameter",
                PARAMETER_KMS_ACTIONS,
                [key_arn],
                condition=SSM.for_resource(parameter_arn, region),
            )
        )
    statements.append(own_logs_statement(log_group_arn))
    return document(*statements)
