"""A shared rotation function's member policies: each member secret named by ARN, split into
managed policies that fit IAM's size limit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi

from components.arns import concat, via_service
from components.iam_documents import document, statement
from components.rotation_role_policy import (
    ROTATION_KMS_ACTIONS,
    ROTATION_SECRET_ACTIONS,
    AccountScope,
)
from components.validation import AWS_REGIONS

#: IAM counts a managed policy's characters without whitespace; 6,144 is the most it allows.
MANAGED_POLICY_MAX_CHARS = 6144
#: Managed policies attached to one role: 10 by default, 20 after a quota increase.
DEFAULT_MAX_MANAGED_POLICIES = 10
MAX_MANAGED_POLICIES = 20

#: The longest partition, region and key ARN a document can hold, to size documents before the
#: deployment's own values are known (so the split is the same in preview and up).
WORST_CASE_SCOPE = AccountScope(
    partition=max(AWS_REGIONS, key=len),
    region=max(set().union(*AWS_REGIONS.values()), key=len),
    account_id="0" * 12,
)
WORST_CASE_KEY_ARN = (
    f"arn:{WORST_CASE_SCOPE.partition}:kms:{WORST_CASE_SCOPE.region}:{'0' * 12}:key/mrk-" + "0" * 32
)


def member_secret_arn(scope: AccountScope, name: str) -> pulumi.Input[str]:
    """The ARN of secret ``name`` whatever its random suffix: '<name>-??????' (IAM's ``?``
    matches one character; Secrets Manager appends a hyphen and six characters)."""
    return concat(
        "arn:",
        scope.partition,
        ":secretsmanager:",
        scope.region,
        ":",
        scope.account_id,
        ":secret:",
        name,
        "-??????",
    )


def member_policy(
    names: Sequence[str], key_arn: pulumi.Input[str], scope: AccountScope
) -> dict[str, Any]:
    """The rotation protocol's calls on exactly these secrets, and their key only through
    Secrets Manager in this region, only for these secrets (encryption context)."""
    arns = [member_secret_arn(scope, name) for name in names]
    return document(
        statement("RotateMemberSecrets", ROTATION_SECRET_ACTIONS, arns),
        statement(
            "UseKeyForMemberSecrets",
            ROTATION_KMS_ACTIONS,
            [key_arn],
            condition={
                "StringEquals": {"kms:ViaService": via_service("secretsmanager", scope.region)},
                # StringLike: the ARNs end in the '??????' suffix pattern.
                "StringLike": {"kms:EncryptionContext:SecretARN": arns},
            },
        ),
    )


def policy_chars(policy: dict[str, Any]) -> int:
    """The size IAM checks against its limit: the document without whitespace."""
    return len(json.dumps(policy, separators=(",", ":")))


def split_members(
    names: Sequence[str],
    key_arn: pulumi.Input[str] | None,
    limit: int = MANAGED_POLICY_MAX_CHARS,
) -> list[list[str]]:
    """``names`` in order, cut into groups whose member_policy stays within ``limit`` characters
    for any partition, region and account (and key, unless ``key_arn`` is a known string)."""
    key = key_arn if isinstance(key_arn, str) else WORST_CASE_KEY_ARN
    empty = policy_chars(member_policy([], key, WORST_CASE_SCOPE))
    groups: list[list[str]] = []
    size = limit + 1
    for name in names:
        arn = member_secret_arn(WORST_CASE_SCOPE, name)
        # The ARN goes into two lists (resources, encryption context), each with a comma.
        grows = 2 * (len(json.dumps(arn)) + 1)
        if size + grows > limit:
            groups.append([])
            size = empty - 2  # the first entry of each list has no comma
        groups[-1].append(name)
        size += grows
    return groups
