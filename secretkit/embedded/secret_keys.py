"""Which KMS keys encrypt each version of a secret in the embedded AWS, and whether a caller may
use them through Secrets Manager.

moto keeps one ``kms_key_id`` per secret: UpdateSecret with a new KmsKeyId simply replaces it,
ListSecretVersionIds reports no ``KmsKeyIds``, and no call ever consults a key. AWS does more
(Secrets Manager User Guide, "Change the encryption key for an AWS Secrets Manager secret"):

    "When you change the encryption key, Secrets Manager re-encrypts AWSCURRENT, AWSPENDING,
    and AWSPREVIOUS versions with the new key. To avoid locking you out of the secret, Secrets
    Manager keeps all existing versions encrypted with the previous key. That means you can
    decrypt AWSCURRENT, AWSPENDING, and AWSPREVIOUS versions with the previous key or the new
    key. [...] If you deactivate the previous encryption key, you will not be able to decrypt
    any secret versions except AWSCURRENT, AWSPENDING, and AWSPREVIOUS."

and the API reference (UpdateSecret, KmsKeyId): "the KMS key that Secrets Manager uses to
encrypt new secret versions as well as any existing versions with the staging labels
AWSCURRENT, AWSPENDING, or AWSPREVIOUS"; ListSecretVersionIds returns each version's
``KmsKeyIds`` ("The KMS keys used to encrypt the secret version").

So, within ``moto_fidelity.aws_like_versions``, each version records the keys it is encrypted
under (the secret's key when it was written); UpdateSecret with another key adds the new key to
the versions carrying those three labels and leaves every other version under its old keys
alone; ListSecretVersionIds reports them as KmsKeyIds. A replica's versions are encrypted
under the replica's key: changing it removes the replica and replicates it again
(pulumi-aws does exactly that, see resource_types/secretsmanager.py), re-encrypting every
version under the new key. The emulation re-encrypts on every UpdateSecret: AWS skips it when
the caller may not decrypt with the old key or encrypt with the new one, which a deployment
here (authorization off) always may.

Within ``moto_fidelity.resource_level_authorization``, GetSecretValue on a secret of the
caller's account needs kms:Decrypt on one of the requested version's keys, and PutSecretValue
kms:GenerateDataKey on the secret's key (and on each replica's key, for that replica), decided
with the key policy and the caller's identity policies (``iam_evaluation.is_key_use_allowed``)
with the condition keys Secrets Manager's call carries: kms:ViaService,
kms:EncryptionContext:SecretARN (the copy's own ARN), kms:CallerAccount. A disabled key, or one
pending deletion, decrypts nothing. The AWS managed key aws/secretsmanager admits every
principal of the account through Secrets Manager, so it is not evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.kms import models as kms_models
from moto.secretsmanager import models as sm_models

from secretkit.embedded.cross_account import AWS_MANAGED_KEY, secret_decrypt_context
from secretkit.embedded.iam_evaluation import Request, is_key_use_allowed

#: Where a version keeps the keys it is encrypted under.
VERSION_KEYS = "secretkit_kms_key_ids"
#: The labels UpdateSecret re-encrypts under a new key.
REENCRYPTED_LABELS = frozenset({"AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"})


def secret_key(secret: Any) -> str:
    """The key a secret (or a replica, in its region) encrypts new versions with."""
    if isinstance(secret, sm_models.ReplicaSecret):
        return str(secret.config.get("KmsKeyId") or AWS_MANAGED_KEY)
    return str(getattr(secret, "kms_key_id", None) or AWS_MANAGED_KEY)


def version_keys(secret: Any, version_id: str) -> list[str]:
    """The keys one version of the secret (or of a replica) is encrypted under."""
    if isinstance(secret, sm_models.ReplicaSecret):
        return [secret_key(secret)]
    version = secret.versions.get(version_id, {})
    return list(version.get(VERSION_KEYS) or [secret_key(secret)])


def record_new_versions(backend: Any) -> None:
    """A version not seen yet is encrypted under its secret's key (the key when it was
    written: this runs after every call that adds versions)."""
    for secret in dict.values(backend.secrets):
        if isinstance(secret, sm_models.ReplicaSecret):
            continue
        for version in secret.versions.values():
            version.setdefault(VERSION_KEYS, [secret_key(secret)])


def _reencrypt(secret: Any, new_key: str) -> None:
    """UpdateSecret's re-encryption: the versions labelled AWSCURRENT, AWSPENDING or AWSPREVIOUS
    are now encrypted under ``new_key`` too (and still under their old keys)."""
    for version in secret.versions.values():
        keys = version.setdefault(VERSION_KEYS, [secret_key(secret)])
        if REENCRYPTED_LABELS & set(version.get("version_stages") or ()) and new_key not in keys:
            keys.append(new_key)


@contextmanager
def keys_per_version() -> Iterator[None]:
    """Within the block, versions record their keys, UpdateSecret re-encrypts the labelled ones
    as AWS does, and ListSecretVersionIds reports each version's KmsKeyIds."""
    from moto.secretsmanager.responses import SecretsManagerResponse  # noqa: PLC0415

    backend_class = sm_models.SecretsManagerBackend
    original_update = backend_class.update_secret
    original_list = SecretsManagerResponse.list_secret_version_ids

    def update_secret(self: Any, secret_id: str, *args: Any, **kwargs: Any) -> Any:
        new_key = kwargs.get("kms_key_id")
        if secret_id in self.secrets:
            record_new_versions(self)
            secret = self.secrets[secret_id]
            if new_key and new_key != secret_key(secret) and not secret.is_deleted():
                _reencrypt(secret, str(new_key))
        try:
            return original_update(self, secret_id, *args, **kwargs)
        finally:
            record_new_versions(self)

    def list_versions(self: Any) -> str:
        body = json.loads(original_list(self))
        secret = self.backend.secrets[self._get_param("SecretId")]
        for entry in body.get("Versions", []):
            entry["KmsKeyIds"] = version_keys(secret, entry["VersionId"])
        return json.dumps(body)

    backend_class.update_secret = update_secret  # type: ignore[method-assign]
    SecretsManagerResponse.list_secret_version_ids = list_versions  # type: ignore[method-assign]
    try:
        yield
    finally:
        backend_class.update_secret = original_update  # type: ignore[method-assign]
        SecretsManagerResponse.list_secret_version_ids = original_list  # type: ignore[method-assign]


def _moto_key(account: str, region: str, key_id: str) -> Any:
    """The moto key a KmsKeyId designates in that account and region, or None."""
    backend = kms_models.kms_backends[account][region]
    try:
        return backend.keys[backend.any_id_to_key_id(key_id)]
    except (KeyError, ValueError, TypeError):
        return None


def key_use_allowed(
    secret: Any,
    key_id: str,
    action: str,
    principal_arns: list[str],
    identity: list[Any],
) -> bool:
    """Whether the KMS call Secrets Manager makes for this caller (of the secret's account) on
    ``key_id``, for this copy of the secret, passes the key's state, its policy and the caller's
    identity policies."""
    if key_id.endswith(AWS_MANAGED_KEY):
        return True
    account, region = str(secret.arn).split(":")[4], str(secret.region)
    key = _moto_key(account, region, key_id)
    if key is None or key.key_state != "Enabled":
        return False
    context = secret_decrypt_context(account, principal_arns[-1], region, str(secret.arn))
    request = Request(
        principal_arns=principal_arns,
        action=action,
        resource=str(key.arn),
        context=context,
        absent=frozenset(k for k in ("aws:PrincipalOrgID",) if k not in context),
    )
    key_policy = [json.loads(key.policy)] if key.policy else []
    return is_key_use_allowed(request, identity, key_policy, account=account)


def _requested_version(secret: Any, body: dict[str, Any]) -> str | None:
    """The version GetSecretValue reads: VersionId, else the one carrying VersionStage
    (AWSCURRENT by default)."""
    if body.get("VersionId"):
        return str(body["VersionId"])
    stage = body.get("VersionStage") or "AWSCURRENT"
    for version_id, version in secret.versions.items():
        if stage in (version.get("version_stages") or ()):
            return str(version_id)
    return None


def keys_decide(
    secret: Any, action: str, body: dict[str, Any], principal_arns: list[str], identity: list[Any]
) -> bool:
    """The key half of a same-account call on ``secret``: a read decrypts the requested version
    with any one of its keys; a write encrypts with the secret's key and each replica's."""
    allowed: Callable[[Any, str, str], bool] = lambda copy, key, kms_action: key_use_allowed(  # noqa: E731
        copy, key, kms_action, principal_arns, identity
    )
    if action == "secretsmanager:GetSecretValue":
        version = _requested_version(secret, body)
        if version is None:
            return True  # Secrets Manager answers ResourceNotFound before any KMS call
        return any(allowed(secret, key, "kms:Decrypt") for key in version_keys(secret, version))
    if action == "secretsmanager:PutSecretValue":
        copies = [secret, *getattr(secret, "replicas", [])]
        return all(
            allowed(copy, secret_key(copy), "kms:GenerateDataKey")
            for copy in copies
            if not isinstance(copy, sm_models.ReplicaSecret) or copy.has_replica
        )
    return True
