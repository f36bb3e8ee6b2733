"""Key policy for the CMKs secretkit creates: account-root delegation to IAM, optional admins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from secretkit.components.iam.arns import account_root_arn
from secretkit.components.iam.documents import Statement, document, statement

#: What key administrators get: manage the key, never use it for cryptography, and nothing that
#: leads to use. Left out on purpose: kms:PutKeyPolicy (an administrator could write themselves a
#: Decrypt statement; see POLICY_EDIT_ACTIONS), kms:CreateGrant (a grant is use by delegation),
#: kms:ReplicateKey and kms:UpdatePrimaryRegion (a replica key comes with a key policy of the
#: caller's choosing and decrypts the primary's ciphertext). Pulumi does not need any of these
#: here: it manages the key through the account's IAM (DelegateToAccountIam).
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
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
#: What key_administrators_can_edit_policy=True adds: rewriting the key policy, which is also
#: the power to grant anyone (the administrators included) any use of the key.
POLICY_EDIT_ACTIONS = ("kms:PutKeyPolicy",)
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
    *POLICY_EDIT_ACTIONS,
)

# In a key policy, "Resource": "*" means "this key" and is the only value AWS accepts.
THIS_KEY = "*"


def key_policy(
    partition: pulumi.Input[str],
    account_id: pulumi.Input[str],
    administrators: Sequence[pulumi.Input[str]] = (),
    *,
    administrators_can_edit_policy: bool = False,
    extra: Sequence[Statement] = (),
) -> dict[str, Any]:
    """The key policy document: root delegation, plus an admin statement when admins are named.

    The administrators may manage the key but neither use it nor change who may use it, unless
    ``administrators_can_edit_policy`` (then they may rewrite this policy, and so grant
    themselves anything). ``extra``: statements of principals of other accounts (cross_account),
    appended. The root statement lets the account's IAM policies decide everything
    else, key policy changes included: that is how Pulumi updates this document, and why a
    principal whose own IAM policy allows kms:PutKeyPolicy is not bounded by this choice.
    """
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
        actions = (*ADMIN_ACTIONS, *(POLICY_EDIT_ACTIONS if administrators_can_edit_policy else ()))
        statements.append(
            statement(
                "KeyAdministrators",
                actions,
                THIS_KEY,
                principal={"AWS": list(administrators)},
            )
        )
    return document(*statements, *extra)
