"""A replicated secret's copies: where each one lives, and one KMS statement per replica region."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from secretkit.components.iam.documents import Statement, statement
from secretkit.components.iam.kms import SECRETS_MANAGER

#: What Secrets Manager needs, on behalf of whoever writes a new version to the primary, to
#: re-encrypt the value into a replica region (its documented replication permissions).
REPLICA_ENCRYPT_ACTIONS = ("kms:Encrypt", "kms:GenerateDataKey")


@dataclass(frozen=True)
class SecretLocation:
    """One copy of a secret: its ARN, the region it lives in and the key encrypting it there."""

    region: pulumi.Input[str]
    secret_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]


def statement_suffix(region: str) -> str:
    """'eu-west-1' -> 'EuWest1', for per-region statement ids."""
    return "".join(part.capitalize() for part in region.split("-"))


def replica_key_statements(
    replicas: Sequence[SecretLocation], actions: Sequence[str], sid_prefix: str
) -> list[Statement]:
    """Per replica region, '<sid_prefix><Region>': the actions on that region's key, through
    Secrets Manager there, for that region's copy of the secret only."""
    return [
        statement(
            f"{sid_prefix}{statement_suffix(str(replica.region))}",
            actions,
            [replica.key_arn],
            condition=SECRETS_MANAGER.for_resource(replica.secret_arn, replica.region),
        )
        for replica in replicas
    ]
