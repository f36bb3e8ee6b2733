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
    transition_key_arns: Sequence[str] = ()
    """The other key of a key change in progress in this region (transition_kms_key_arns),
    granted as key_arn is."""


def statement_suffix(region: str) -> str:
    """'eu-west-1' -> 'EuWest1', for per-region statement ids."""
    return "".join(part.capitalize() for part in region.split("-"))


# Each replica's key is conditioned on the REPLICA's own ARN in the encryption context, not the
# primary's. What AWS documents (Secrets Manager User Guide): "Secrets Manager encryption
# context ... SecretARN - The first name-value pair identifies the secret. The key is SecretARN.
# The value is the Amazon Resource Name (ARN) of the secret." ("Secret encryption and
# decryption"); "The ARN for a replicated secret is the same as the primary secret except for
# the Region" ("Replicate an AWS Secrets Manager secret to other AWS Regions"); a replica is
# encrypted under its own region's key (API ReplicaRegionType.KmsKeyId: "The ARN, key ID, or
# alias of the KMS key to encrypt the secret"). No page found says in so many words which ARN
# the Decrypt of a replica carries: that it is the replica's (the secret in the key's region)
# is inferred from these, not stated. If AWS used the primary's ARN, reads of a replica under
# a customer managed key would be refused (a visible failure, never a broader grant); listing
# both ARNs of the same secret in the condition would cover either reading and stay exact to
# one secret. tests/components/test_replica_encryption_context.py pins the current choice.
def replica_key_statements(
    replicas: Sequence[SecretLocation], actions: Sequence[str], sid_prefix: str
) -> list[Statement]:
    """Per replica region, '<sid_prefix><Region>': the actions on that region's key (and on the
    other key of a key change in progress there), through Secrets Manager there, for that
    region's copy of the secret only (its own ARN in the encryption context: see the note
    above)."""
    return [
        statement(
            f"{sid_prefix}{statement_suffix(str(replica.region))}",
            actions,
            [replica.key_arn, *replica.transition_key_arns],
            condition=SECRETS_MANAGER.for_resource(replica.secret_arn, replica.region),
        )
        for replica in replicas
    ]
