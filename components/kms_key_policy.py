"""Key policy for the CMKs secretkit creates: account-root delegation to IAM, optional admins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from components.arns import account_root_arn
from components.iam_documents import document, statement

#: What key administrators get: manage the key, never use it for cryptography. This is also
#: what Pulumi needs to manage the key.
ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
#: Everything a symmetric encryption key supports, spelled out instead of "kms:*" (the house
#: rule bans service wildcards). Delegating these to the account root means IAM policies decide
#: who may use the key; the key policy itself grants no principal anything directly.
ROOT_DELEGATED_ACTIONS = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:CreateGrant",
    "kms:ListGrants",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    *ADMIN_ACTIONS,
)

# In a key policy, "Resource": "*" means "this key" and is the only value AWS accepts.
THIS_KEY = "*"


def key_policy(
    partition: pulumi.Input[str],
    account_id: pulumi.Input[str],
    administrators: Sequence[pulumi.Input[str]] = (),
) -> dict[str, Any]:
    """The key policy document: root delegation, plus an admin statement when admins are named."""
    root = account_root_arn(partition, account_id)
    statements = [
        statement(
            "DelegateToAccountIam",
            ROOT_DELEGATED_ACTIONS,
            THIS_KEY,
            principal={"AWS": root},
        )
    ]
    if administrators:
        statements.append(
            statement(
                "KeyAdministrators",
                ADMIN_ACTIONS,
                THIS_KEY,
                principal={"AWS": list(administrators)},
            )
        )
    return document(*statements)
