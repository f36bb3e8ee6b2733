"""Calls on a Parameter Store parameter of another account in the embedded AWS: routed to the
account that owns it and decided as IAM decides a call on a parameter shared through AWS RAM.

moto keeps each account's parameters apart (a parameter ARN of account A, called with
credentials of account B, is looked up in B and not found) and knows neither RAM's grants nor
KMS key policies (it never calls KMS for a SecureString). With authorization on
(``moto_fidelity.resource_level_authorization``), a call whose Name (or first of Names) is a
parameter ARN of another account reaches that account's parameter, and is allowed exactly when

- the caller's identity policies (in its own account) allow the action on the parameter's ARN,
- an active RAM share of the owner holds the parameter and names the caller's account (or the
  caller) with a permission that includes the action (``ram.shared_resource_policy``), and no
  applicable statement of either denies it, and
- for a SecureString read WithDecryption, the parameter is under a customer managed key whose
  key policy allows kms:Decrypt to the caller and the caller's identity policies allow it on the
  key's ARN, with the condition keys of the Decrypt Parameter Store makes on the caller's behalf
  (kms:ViaService, kms:CallerAccount, kms:EncryptionContext:PARAMETER_ARN). The key policy is
  evaluated here as a document with ``iam_evaluation``. A parameter under the AWS managed key
  (aws/ssm) is never decrypted for another account, as on AWS.

AWS Systems Manager User Guide, "Working with shared parameters in Parameter Store": "You must
specify the full parameter ARN as the --name in order to retrieve the parameter from another
account." "AWS KMS encryption for Parameter Store SecureString parameters": "Parameter Store uses
the following encryption context in its cryptographic operations: Key: PARAMETER_ARN, Value: The
Amazon Resource Name (ARN) of the parameter that is being encrypted."
"""

from __future__ import annotations

import json
from typing import Any

from secretkit.embedded import ram
from secretkit.embedded.cross_account import principal_context
from secretkit.embedded.iam_evaluation import Request, is_allowed_across_accounts

#: What moto records as a SecureString's key when none was given: the AWS managed key.
AWS_MANAGED_KEY = "alias/aws/ssm"


def parameter_arn_parts(name: Any) -> tuple[str, str] | None:
    """(region, account) of a parameter ARN, or None for a name."""
    parts = str(name).split(":", 5) if name else []
    if (
        len(parts) == 6
        and parts[0] == "arn"
        and parts[2] == "ssm"
        and parts[5].startswith("parameter/")
    ):
        return parts[3], parts[4]
    return None


def named_parameter(response: Any) -> Any:
    """The Name of the call, or the first of its Names (GetParameters)."""
    return response._get_param("Name") or next(iter(response._get_param("Names") or []), None)


def owner_of(name: Any, caller_account: str) -> str:
    """The account whose parameter a Name designates: an ARN's account, else the caller's."""
    parts = parameter_arn_parts(name)
    return parts[1] if parts else caller_account


def _parameter_at(arn: str) -> Any:
    """moto's parameter with this ARN (a version or label selector after it included), in its
    owner's backend, or None. moto keeps a parameter under the name it was created with, with
    or without its leading '/', both of which the ARN writes as 'parameter/<name>'."""
    from moto.ssm.models import ssm_backends  # noqa: PLC0415

    parts = parameter_arn_parts(arn)
    if parts is None:
        return None
    region, account = parts
    backend = ssm_backends[account][region]
    name = arn.split(":", 5)[5].removeprefix("parameter/")
    return backend.get_parameter(f"/{name}") or backend.get_parameter(name)


def _key_arn(parameter: Any, account: str, region: str) -> str | None:
    """The ARN of the customer managed key a SecureString is under, or None (the AWS managed
    key, or a key moto does not know)."""
    from moto.kms import models as kms_models  # noqa: PLC0415

    key_id = str(getattr(parameter, "keyid", "") or "")
    if not key_id or key_id.endswith(AWS_MANAGED_KEY):
        return None
    backend = kms_models.kms_backends[account][region]
    try:
        return str(backend.keys[backend.any_id_to_key_id(key_id)].arn)
    except KeyError:
        return None


def _decrypt_allowed(
    arn: str, parameter: Any, principal_arns: list[str], caller_account: str, identity: list[Any]
) -> bool:
    from moto.kms import models as kms_models  # noqa: PLC0415

    region, account = parameter_arn_parts(arn) or ("", "")
    key_arn = _key_arn(parameter, account, region)
    if key_arn is None:
        return False  # the AWS managed key's policy admits its own account only
    backend = kms_models.kms_backends[account][region]
    key = backend.keys[backend.any_id_to_key_id(key_arn)]
    context = {
        **principal_context(caller_account, principal_arns[-1]),
        "kms:ViaService": f"ssm.{region}.amazonaws.com",
        "kms:CallerAccount": caller_account,
        "kms:EncryptionContext:PARAMETER_ARN": arn,
    }
    decrypt = Request(
        principal_arns=principal_arns,
        action="kms:Decrypt",
        resource=key_arn,
        context=context,
        absent=frozenset({"aws:PrincipalOrgID"} - set(context)),
    )
    key_policy = [json.loads(key.policy)] if key.policy else []
    return is_allowed_across_accounts(decrypt, identity, key_policy, caller_account=caller_account)


def foreign_parameter_call_allowed(
    arn: str,
    action: str,
    principal_arns: list[str],
    caller_account: str,
    identity: list[Any],
    *,
    with_decryption: bool,
) -> bool:
    """IAM's decision on a call by a principal of ``caller_account`` on the parameter ``arn``
    of another account (identity policy, the owner's RAM shares and, for a decrypted
    SecureString, the key policy)."""
    parameter = _parameter_at(arn)
    if parameter is None:
        return False  # nothing shared under that ARN
    region, owner = parameter_arn_parts(arn) or ("", "")
    # A share names the parameter by its ARN, without a version or label selector.
    plain_arn = ":".join(arn.split(":")[:6])
    context = principal_context(caller_account, principal_arns[-1])
    request = Request(
        principal_arns=principal_arns,
        action=action,
        resource=plain_arn,
        context=context,
        absent=frozenset({"aws:PrincipalOrgID"} - set(context)),
    )
    share_policy = ram.shared_resource_policy(owner, region, plain_arn)
    if not is_allowed_across_accounts(
        request, identity, share_policy, caller_account=caller_account
    ):
        return False
    if not with_decryption or parameter.parameter_type != "SecureString":
        return True
    return _decrypt_allowed(plain_arn, parameter, principal_arns, caller_account, identity)


def owner_ssm_backend(response: Any) -> Any:
    """The Parameter Store backend a call reaches: the owner's account when the call names a
    parameter of another account by its ARN (only while moto authorizes calls, so that such a
    call is always decided by ``foreign_parameter_call_allowed``), the caller's otherwise."""
    from moto import settings  # noqa: PLC0415
    from moto.core.authorization import ActionAuthenticatorMixin  # noqa: PLC0415
    from moto.ssm.models import ssm_backends  # noqa: PLC0415

    account = response.current_account
    authorizing = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
    if authorizing:
        account = owner_of(named_parameter(response), account)
    return ssm_backends[account][response.region]
