"""A shared rotation function's grants: each member secret's resource policy lets the function's
role rotate that secret while its rotation points at the function; the role's own policy stays the
same size however many secrets join."""

from __future__ import annotations

from typing import Any

import pulumi

from secretkit.components.iam.arns import AccountScope, secret_arn, secret_arn_pattern
from secretkit.components.iam.documents import Statement, document, statement
from secretkit.components.iam.kms import SECRETS_MANAGER
from secretkit.components.iam.rotation_role import ROTATION_KMS_ACTIONS, ROTATION_SECRET_ACTIONS

#: Secrets Manager's condition key naming the Lambda a secret's rotation is configured with.
ROTATION_LAMBDA_KEY = "secretsmanager:resource/AllowRotationLambdaArn"


def member_resource_policy(
    secret_name: str,
    role_arn: pulumi.Input[str],
    function_arn: pulumi.Input[str],
    scope: AccountScope,
) -> dict[str, Any]:
    """The member secret's resource policy: member_statement alone."""
    return document(member_statement(secret_name, role_arn, function_arn, scope))


def member_statement(
    secret_name: str,
    role_arn: pulumi.Input[str],
    function_arn: pulumi.Input[str],
    scope: AccountScope,
) -> Statement:
    """The rotation protocol's calls on the member secret, for the shared function's role only,
    and only while the secret's rotation is configured with that function (a secret moved to
    another function is out of reach even with this policy)."""
    return member_statement_on(secret_arn_pattern(scope, secret_name), role_arn, function_arn)


def member_statement_on(
    secret: pulumi.Input[str], role_arn: pulumi.Input[str], function_arn: pulumi.Input[str]
) -> Statement:
    """member_statement on ``secret``: the pattern of a member's name, or the complete ARN of a
    secret created elsewhere (components/secrets/existing_secret.py)."""
    return statement(
        "RotatedBySharedFunction",
        ROTATION_SECRET_ACTIONS,
        secret,
        condition={"StringEquals": {ROTATION_LAMBDA_KEY: function_arn}},
        principal={"AWS": role_arn},
    )


def member_key_statement(key_arn: pulumi.Input[str], scope: AccountScope) -> Statement:
    """The members' key, only through Secrets Manager in this region, only for secrets of this
    account and region (their encryption context). Which secrets the role reaches is decided by
    each secret's resource policy; naming every member here would grow with each one."""
    return statement(
        "UseKeyForMemberSecrets",
        ROTATION_KMS_ACTIONS,
        [key_arn],
        condition=SECRETS_MANAGER.for_matching(secret_arn(scope, "*"), scope.region),
    )
