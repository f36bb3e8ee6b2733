"""Secrets Manager secrets, their versions and their rotation configuration in the embedded
AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.resource_types.base import Account, Record, ResourceType, given, tagged


def _sets_policy(policy: Any) -> bool:
    """Whether a Secret's ``policy`` input is a document to put (the provider treats '' and
    '{}' as "no policy", and an absent input as "leave whatever is there")."""
    return isinstance(policy, str) and policy.strip() not in {"", "{}"}


def _create_secret(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {
        "Name": autoname(name, p),
        **given(p, {"description": "Description", "kmsKeyId": "KmsKeyId"}),
        **tagged(p),
    }
    if p.get("replicas"):
        request["AddReplicaRegions"] = [
            {"Region": r["region"], **({"KmsKeyId": r["kmsKeyId"]} if r.get("kmsKeyId") else {})}
            for r in p["replicas"]
        ]
        request["ForceOverwriteReplicaSecret"] = bool(p.get("forceOverwriteReplicaSecret"))
    client = aws.client("secretsmanager", region)
    created = client.create_secret(**request)
    if _sets_policy(p.get("policy")):
        client.put_resource_policy(SecretId=created["ARN"], ResourcePolicy=p["policy"])
    return created["ARN"], {"arn": created["ARN"], "name": created["Name"]}


def _replica_set(replicas: Any) -> set[tuple[str, str]]:
    """A Secret's ``replicas`` input as the provider compares it: a set of (region, key)."""
    return {(str(r["region"]), str(r.get("kmsKeyId") or "")) for r in replicas or []}


def _update_replicas(aws: Account, old: Record, p: dict[str, Any], region: str) -> None:
    """What pulumi-aws (the Terraform provider's resourceSecretUpdate) does when ``replicas``
    changes: the set's removed entries go (RemoveRegionsFromReplication), then its new ones are
    added (ReplicateSecretToRegions), so a replica whose key changes is removed and replicated
    again under the new key, in place (same primary, same ARNs)."""
    before, after = _replica_set(old.inputs.get("replicas")), _replica_set(p.get("replicas"))
    client = aws.client("secretsmanager", region)
    if before - after:
        client.remove_regions_from_replication(
            SecretId=old.id, RemoveReplicaRegions=sorted(r for r, _ in before - after)
        )
    if after - before:
        client.replicate_secret_to_regions(
            SecretId=old.id,
            AddReplicaRegions=[
                {"Region": r, **({"KmsKeyId": key} if key else {})}
                for r, key in sorted(after - before)
            ],
            ForceOverwriteReplicaSecret=bool(p.get("forceOverwriteReplicaSecret")),
        )


def _update_secret(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    _update_replicas(aws, old, p, region)
    request: dict[str, Any] = {"SecretId": old.id}
    if p.get("kmsKeyId"):
        request["KmsKeyId"] = p["kmsKeyId"]  # re-encrypts in place: same ARN, same versions
    if p.get("description") is not None:
        request["Description"] = p["description"]
    client = aws.client("secretsmanager", region)
    client.update_secret(**request)
    policy = p.get("policy")
    if policy is not None and policy != old.inputs.get("policy"):
        if _sets_policy(policy):
            client.put_resource_policy(SecretId=old.id, ResourcePolicy=policy)
        else:
            client.delete_resource_policy(SecretId=old.id)
    return {}


def _delete_secret(aws: Account, record: Record) -> None:
    client = aws.client("secretsmanager", record.region)
    replicas = [r["region"] for r in record.inputs.get("replicas") or []]
    if replicas:
        client.remove_regions_from_replication(SecretId=record.id, RemoveReplicaRegions=replicas)
    window = int(record.inputs.get("recoveryWindowInDays") or 30)
    if window == 0:
        client.delete_secret(SecretId=record.id, ForceDeleteWithoutRecovery=True)
    else:
        client.delete_secret(SecretId=record.id, RecoveryWindowInDays=window)


def _put_secret_policy(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """An aws.secretsmanager.SecretPolicy: the secret's resource policy (moto accepts
    BlockPublicPolicy without checking the document, as AWS's automated reasoning would)."""
    aws.client("secretsmanager", region).put_resource_policy(
        SecretId=p["secretArn"],
        ResourcePolicy=p["policy"],
        BlockPublicPolicy=bool(p.get("blockPublicPolicy")),
    )
    return str(p["secretArn"]), {"secretArn": p["secretArn"]}


def _update_secret_policy(
    aws: Account, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    return _put_secret_policy(aws, old.name, p, region)[1]


def _delete_secret_policy(aws: Account, record: Record) -> None:
    aws.client("secretsmanager", record.region).delete_resource_policy(SecretId=record.id)


def _create_version(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    value = p.get("secretStringWo") or p.get("secretString")
    request: dict[str, Any] = {"SecretId": p["secretId"], "SecretString": value}
    if p.get("versionStages"):
        request["VersionStages"] = p["versionStages"]
    put = aws.client("secretsmanager", region).put_secret_value(**request)
    return f"{put['ARN']}|{put['VersionId']}", {
        "arn": put["ARN"],
        "versionId": put["VersionId"],
        "versionStages": put.get("VersionStages", []),
    }


def _create_rotation(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    """RotateSecret's configuration. moto would invoke the function itself (it needs Docker for
    that) or move AWSCURRENT on its own, so the configuration is recorded as RotateSecret does
    and the first rotation is left to the caller (the demo runs it under the function's role)."""
    rules = p.get("rotationRules") or {}
    days = int(rules.get("automaticallyAfterDays") or 0) or 30
    enable_rotation(
        str(p["secretId"]), str(p["rotationLambdaArn"]), days=days,
        account_id=aws.account_id, region=region,
    )  # fmt: skip
    return str(p["secretId"]), {"rotationEnabled": True}


def _update_rotation(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    return _create_rotation(aws, old.name, p, region)[1]


def _delete_rotation(aws: Account, record: Record) -> None:
    aws.client("secretsmanager", record.region).cancel_rotate_secret(SecretId=record.id)


TYPES = (
    ResourceType(
        "aws:secretsmanager/secret:Secret",
        create=_create_secret,
        update=_update_secret,
        replace_on=frozenset({"name", "namePrefix", "region"}),
        delete=_delete_secret,
    ),
    ResourceType(
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        create=_put_secret_policy,
        update=_update_secret_policy,
        replace_on=frozenset({"secretArn", "region"}),
        delete=_delete_secret_policy,
    ),
    ResourceType("aws:secretsmanager/secretVersion:SecretVersion", create=_create_version),
    ResourceType(
        "aws:secretsmanager/secretRotation:SecretRotation",
        create=_create_rotation,
        update=_update_rotation,
        replace_on=frozenset({"secretId", "region"}),
        delete=_delete_rotation,
    ),
)
