"""Calls on a secret of another account in the embedded AWS: routed to the account that owns the
secret and decided as IAM decides a cross-account request.

moto keeps each account's resources apart (a secret ARN of account A, called with credentials of
account B, is looked up in B and not found) and enforces neither a secret's resource policy nor
a KMS key policy. With authorization on (``moto_fidelity.resource_level_authorization``), a call
whose SecretId is an ARN of another account reaches that account's secret, and is allowed
exactly when

- the caller's identity policies (in its own account) allow the action on the secret's ARN,
- the secret's resource policy allows it to the caller (by its role ARN, or by its account's
  id or root ARN), and no applicable statement of either denies it, and
- for GetSecretValue, the secret is under a customer managed key whose key policy allows
  kms:Decrypt to the caller and the caller's identity policies allow it on the key's ARN, with
  the condition keys of the Decrypt Secrets Manager makes on the caller's behalf
  (kms:ViaService, kms:CallerAccount, kms:EncryptionContext:SecretARN). moto never calls KMS
  for a secret, so the key policy document is evaluated here with ``iam_evaluation`` instead.
  A secret under the AWS managed key (aws/secretsmanager) is never readable from another
  account, as on AWS.

A replica (the secret's ARN in a replica region) is decided with the primary's resource policy
(Secrets Manager replicates it) and the replica's own key in its region, the encryption context
naming the replica's ARN.
"""

from __future__ import annotations

import json
from typing import Any

from moto.kms import models as kms_models
from moto.secretsmanager import models as sm_models

from secretkit.components.iam.shared_function import ROTATION_LAMBDA_KEY
from secretkit.embedded.iam_evaluation import Request, is_allowed_across_accounts

#: What moto records as a secret's key when none was given: the AWS managed key.
AWS_MANAGED_KEY = "alias/aws/secretsmanager"
#: Actions whose answer carries the decrypted value, so the key's policy decides too.
DECRYPTING_ACTIONS = frozenset({"secretsmanager:GetSecretValue"})


def owner_of(secret_id: Any, caller_account: str) -> str:
    """The account whose secret a SecretId designates: an ARN's account, else the caller's."""
    parts = str(secret_id).split(":") if secret_id else []
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "secretsmanager" and parts[4]:
        return parts[4]
    return caller_account


def organization_of(account: str) -> str | None:
    """The id of the moto organization holding the account, if any (aws:PrincipalOrgID)."""
    from moto.organizations.models import organizations_backends  # noqa: PLC0415

    for by_partition in list(organizations_backends.values()):
        for backend in list(by_partition.values()):
            org = getattr(backend, "org", None)
            if org is None:
                continue
            members = {str(a.id) for a in getattr(backend, "accounts", [])}
            if account == str(org.master_account_id) or account in members:
                return str(org.id)
    return None


def principal_context(caller_account: str, principal_arn: str) -> dict[str, str]:
    """The global condition keys IAM sets for this caller."""
    context = {"aws:PrincipalAccount": caller_account, "aws:PrincipalArn": principal_arn}
    org = organization_of(caller_account)
    if org is not None:
        context["aws:PrincipalOrgID"] = org
    return context


def secret_decrypt_context(
    caller_account: str, principal_arn: str, region: str, secret_arn: str
) -> dict[str, str]:
    """The condition keys of the Decrypt Secrets Manager makes for this caller on the secret's
    key: the caller's global keys, the service, the calling account and the encryption context
    (the copy's own ARN)."""
    return {
        **principal_context(caller_account, principal_arn),
        "kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
        "kms:CallerAccount": caller_account,
        "kms:EncryptionContext:SecretARN": secret_arn,
    }


def _absent(context: dict[str, str], *keys: str) -> frozenset[str]:
    return frozenset(k for k in keys if k not in context)


def _resource_policy(secret: Any) -> list[dict[str, Any]]:
    """The secret's resource policy; a replica's is its primary's."""
    policy = getattr(getattr(secret, "source", secret), "policy", None)
    return [json.loads(policy)] if policy else []


def _key_of(secret: Any) -> Any:
    """The moto KMS key the secret (or replica) is encrypted under, or None for the AWS managed
    key."""
    if hasattr(secret, "source"):  # a replica: its key in its region, kept by moto_fidelity
        key_id = secret.config.get("KmsKeyId")
    else:
        key_id = getattr(secret, "kms_key_id", None)
    if not key_id or str(key_id).endswith(AWS_MANAGED_KEY):
        return None
    account, region = str(secret.arn).split(":")[4], str(secret.region)
    backend = kms_models.kms_backends[account][region]
    return backend.keys[backend.any_id_to_key_id(str(key_id))]


def _decrypt_allowed(
    secret: Any, principal_arns: list[str], caller_account: str, identity: list[Any]
) -> bool:
    """Whether the Decrypt Secrets Manager makes for this caller passes the key policy and the
    caller's identity policies (the caller's own account must allow the key too)."""
    key = _key_of(secret)
    if key is None:
        return False  # the AWS managed key's policy admits its own account only
    context = secret_decrypt_context(
        caller_account, principal_arns[-1], str(secret.region), str(secret.arn)
    )
    decrypt = Request(
        principal_arns=principal_arns,
        action="kms:Decrypt",
        resource=str(key.arn),
        context=context,
        absent=_absent(context, "aws:PrincipalOrgID"),
    )
    key_policy = [json.loads(key.policy)] if key.policy else []
    return is_allowed_across_accounts(decrypt, identity, key_policy, caller_account=caller_account)


def foreign_call_allowed(
    secret: Any, action: str, principal_arns: list[str], caller_account: str, identity: list[Any]
) -> bool:
    """IAM's decision on a call by a principal of ``caller_account`` on a secret of another
    account (identity policy, resource policy and, for a read, the key policy)."""
    lambda_arn = getattr(getattr(secret, "source", secret), "rotation_lambda_arn", None)
    context = principal_context(caller_account, principal_arns[-1])
    if lambda_arn:
        context[ROTATION_LAMBDA_KEY] = lambda_arn
    request = Request(
        principal_arns=principal_arns,
        action=action,
        resource=str(secret.arn),
        context=context,
        absent=_absent(context, ROTATION_LAMBDA_KEY, "aws:PrincipalOrgID"),
    )
    if not is_allowed_across_accounts(
        request, identity, _resource_policy(secret), caller_account=caller_account
    ):
        return False
    return action not in DECRYPTING_ACTIONS or _decrypt_allowed(
        secret, principal_arns, caller_account, identity
    )


def owner_backend(response: Any) -> Any:
    """The Secrets Manager backend a call reaches: the owner's account when SecretId is an ARN
    of another account (only while moto authorizes calls, so that such a call is always
    decided by ``foreign_call_allowed``), the caller's otherwise."""
    from moto import settings  # noqa: PLC0415
    from moto.core.authorization import ActionAuthenticatorMixin  # noqa: PLC0415

    account = response.current_account
    authorizing = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
    if authorizing:
        account = owner_of(response._get_param("SecretId"), account)
    return sm_models.secretsmanager_backends[account][response.region]
