"""The master secret an alternating-users rotation logs in with, and the statements reading it."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from secretkit.components.iam.documents import Statement, statement
from secretkit.components.iam.kms import SECRETS_MANAGER


@dataclass(frozen=True)
class MasterSecret:
    """The secret an alternating-users rotation logs in with, and the key encrypting it."""

    arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str] | None = None


def master_secret_statements(master: MasterSecret, region: pulumi.Input[str]) -> list[Statement]:
    """GetSecretValue on the master secret and, when it is under a customer managed key,
    Decrypt on that key through Secrets Manager for that secret; a master secret under the AWS
    managed key aws/secretsmanager needs no KMS statement."""
    statements = [statement("ReadMasterSecret", ("secretsmanager:GetSecretValue",), [master.arn])]
    if master.kms_key_arn is not None:
        statements.append(
            statement(
                "DecryptMasterSecret",
                ("kms:Decrypt",),
                [master.kms_key_arn],
                condition=SECRETS_MANAGER.for_resource(master.arn, region),
            )
        )
    return statements
