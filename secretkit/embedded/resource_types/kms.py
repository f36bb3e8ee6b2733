"""KMS keys, multi-Region replica keys and aliases in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import (
    Account,
    Record,
    ResourceType,
    given,
    no_delete,
    tags,
)


def _create_key(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    kms = aws.client("kms", region)
    request: dict[str, Any] = {
        "Description": p.get("description", ""),
        "Tags": tags(p, "TagKey", "TagValue"),
        **given(p, {"policy": "Policy"}),
    }
    if p.get("multiRegion"):
        request["MultiRegion"] = True
    metadata = kms.create_key(**request)["KeyMetadata"]
    if p.get("enableKeyRotation"):
        kms.enable_key_rotation(KeyId=metadata["KeyId"])
    return metadata["KeyId"], {"keyId": metadata["KeyId"], "arn": metadata["Arn"], "region": region}


def _create_replica_key(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    primary = str(p["primaryKeyArn"])
    kms = aws.client("kms", primary.split(":")[3])
    request: dict[str, Any] = {
        "KeyId": primary,
        "ReplicaRegion": region,
        **given(p, {"policy": "Policy", "description": "Description"}),
    }
    metadata = kms.replicate_key(**request)["ReplicaKeyMetadata"]
    if p.get("policy"):  # moto's ReplicateKey copies the primary's policy, ignoring Policy
        aws.client("kms", region).put_key_policy(
            KeyId=metadata["KeyId"], PolicyName="default", Policy=p["policy"]
        )
    return metadata["KeyId"], {"keyId": metadata["KeyId"], "arn": metadata["Arn"]}


def _delete_key(aws: Account, record: Record) -> None:
    aws.client("kms", record.region).schedule_key_deletion(KeyId=record.id, PendingWindowInDays=7)


def _put_key_policy(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """An aws.kms.KeyPolicy: the key's whole policy, set after the key exists (so that it can
    name what was made with the key, such as a secret's ARN)."""
    aws.client("kms", region).put_key_policy(
        KeyId=p["keyId"], PolicyName="default", Policy=p["policy"]
    )
    return str(p["keyId"]), {"keyId": p["keyId"]}


def _update_key_policy(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    return _put_key_policy(aws, old.name, p, region)[1]


def _create_alias(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    alias = autoname(name, p)
    aws.client("kms", region).create_alias(AliasName=alias, TargetKeyId=p["targetKeyId"])
    arn = f"arn:{aws.partition}:kms:{region}:{aws.account_id}:{alias}"
    return alias, {"name": alias, "arn": arn}


def _delete_alias(aws: Account, record: Record) -> None:
    aws.client("kms", record.region).delete_alias(AliasName=record.id)


TYPES = (
    ResourceType("aws:kms/key:Key", create=_create_key, delete=_delete_key),
    ResourceType("aws:kms/replicaKey:ReplicaKey", create=_create_replica_key, delete=_delete_key),
    ResourceType(
        "aws:kms/keyPolicy:KeyPolicy",
        create=_put_key_policy,
        update=_update_key_policy,
        replace_on=frozenset({"keyId", "region"}),
        delete=no_delete,  # the key keeps its last policy in the embedded AWS
    ),
    ResourceType("aws:kms/alias:Alias", create=_create_alias, delete=_delete_alias),
)
