"""A replica's KMS grants name the replica's own ARN in the encryption context, not the
primary's.

The sources (AWS Secrets Manager User Guide): "SecretARN - The first name-value pair identifies
the secret. The key is SecretARN. The value is the Amazon Resource Name (ARN) of the secret."
("Secret encryption and decryption"); "The ARN for a replicated secret is the same as the primary
secret except for the Region" ("Replicate an AWS Secrets Manager secret to other AWS Regions");
and a replica is encrypted under a key of its own region (API reference, ReplicaRegionType
KmsKeyId: "The ARN, key ID, or alias of the KMS key to encrypt the secret"). No AWS page found
states outright which ARN a replica's Decrypt carries; that it is the replica's own (the secret
in the key's region) is inferred from these three, and is what these tests pin. Were it the
primary's, a read of the replica would be refused (never granted more): see the note in
components/iam/replicas.py.
"""

from __future__ import annotations

from typing import Any

from secretkit.components.iam.arns import AccountScope, secret_arn_pattern
from secretkit.components.iam.cross_account import foreign_decrypt_statement, reader_identity_policy
from secretkit.components.iam.reader import secret_read_policy
from secretkit.components.iam.replicas import SecretLocation, replica_key_statements

ACCOUNT = "111111111111"
PRIMARY = "us-east-1"
REPLICA = "eu-west-1"
NAME = "prod/app/token"
PRIMARY_ARN = f"arn:aws:secretsmanager:{PRIMARY}:{ACCOUNT}:secret:{NAME}-AbCdEf"
REPLICA_ARN = PRIMARY_ARN.replace(f":{PRIMARY}:", f":{REPLICA}:")
PRIMARY_KEY = f"arn:aws:kms:{PRIMARY}:{ACCOUNT}:key/primary"
REPLICA_KEY = f"arn:aws:kms:{REPLICA}:{ACCOUNT}:key/replica"
CONTEXT = "kms:EncryptionContext:SecretARN"


def on_key(document: dict[str, Any], key_arn: str) -> list[dict[str, Any]]:
    return [s for s in document["Statement"] if s.get("Resource") in ([key_arn], key_arn)]


def test_the_replica_key_statement_names_the_replicas_arn() -> None:
    (statement,) = replica_key_statements(
        [SecretLocation(REPLICA, REPLICA_ARN, REPLICA_KEY)], ("kms:Decrypt",), "DecryptReplica"
    )
    equals = statement["Condition"]["StringEquals"]
    assert equals[CONTEXT] == REPLICA_ARN
    assert equals[CONTEXT] != PRIMARY_ARN
    assert equals["kms:ViaService"] == f"secretsmanager.{REPLICA}.amazonaws.com"


def test_a_reader_decrypts_each_copy_under_its_own_arn() -> None:
    """The reader's policy (same account) and a foreign reader's own identity policy alike."""
    replicas = [SecretLocation(REPLICA, REPLICA_ARN, REPLICA_KEY)]
    for document in (
        secret_read_policy(PRIMARY_ARN, PRIMARY_KEY, PRIMARY, replicas),
        reader_identity_policy(PRIMARY_ARN, PRIMARY_KEY, PRIMARY, replicas),
    ):
        (primary,) = on_key(document, PRIMARY_KEY)
        (replica,) = on_key(document, REPLICA_KEY)
        assert primary["Condition"]["StringEquals"][CONTEXT] == PRIMARY_ARN
        assert replica["Condition"]["StringEquals"][CONTEXT] == REPLICA_ARN


def test_the_replica_keys_foreign_statement_matches_the_replicas_arn_only() -> None:
    """A replica region's key is created before the secret: its statement for readers in other
    accounts matches the secret's ARN in that region by pattern."""
    pattern = str(secret_arn_pattern(AccountScope("aws", REPLICA, ACCOUNT), NAME))
    statement = foreign_decrypt_statement(["111122223333"], pattern, REPLICA)
    like = statement["Condition"]["StringLike"][CONTEXT]
    assert like.startswith(f"arn:aws:secretsmanager:{REPLICA}:{ACCOUNT}:secret:{NAME}-")
    assert f":{PRIMARY}:" not in like
