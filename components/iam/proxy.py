"""The policy for reading a Secrets Manager secret through Parameter Store's reference path."""

from __future__ import annotations

from typing import Any

import pulumi

from secretkit.components.iam.arns import AccountScope, concat, regional_arn, secret_arn_pattern
from secretkit.components.iam.documents import document, statement
from secretkit.components.iam.kms import SECRETS_MANAGER

#: GetParameter on this prefix + a secret's name returns the secret's value (WithDecryption).
PROXY_PREFIX = "/aws/reference/secretsmanager/"
#: Only these two Parameter Store actions work on the reference path.
PROXY_ACTIONS = ("ssm:GetParameter", "ssm:GetParameters")


def proxy_parameter_path(secret_name: pulumi.Input[str]) -> pulumi.Input[str]:
    """The name to pass to GetParameter: /aws/reference/secretsmanager/<secret-name>."""
    return concat(PROXY_PREFIX, secret_name)


def proxy_parameter_arn(
    partition: pulumi.Input[str],
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
    secret_name: pulumi.Input[str],
) -> pulumi.Input[str]:
    """arn:aws:ssm:<region>:<account>:parameter/aws/reference/secretsmanager/<secret-name>."""
    scope = AccountScope(partition, region, account_id)
    return regional_arn("ssm", scope, "parameter", PROXY_PREFIX, secret_name)


def proxy_policy(
    partition: pulumi.Input[str],
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
    secret_name: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
) -> dict[str, Any]:
    """GetParameter(s) on the reference path, GetSecretValue on the secret, and, for a customer
    managed key, Decrypt on it through Secrets Manager for that secret. Nothing else.

    Parameter Store fetches the value from Secrets Manager with the caller's identity, so the
    caller needs all three. Without ``key_arn`` the secret uses the AWS managed key
    aws/secretsmanager, whose key policy already lets principals of the account decrypt through
    Secrets Manager: no KMS statement is needed, and none could name that key in advance.
    """
    secret = secret_arn_pattern(AccountScope(partition, region, account_id), secret_name)
    statements = [
        statement(
            "ReadThroughParameterStore",
            PROXY_ACTIONS,
            [proxy_parameter_arn(partition, region, account_id, secret_name)],
        ),
        statement("ReadSecret", ("secretsmanager:GetSecretValue",), [secret]),
    ]
    if key_arn is not None:
        statements.append(
            statement(
                "DecryptSecret",
                ("kms:Decrypt",),
                [key_arn],
                condition=SECRETS_MANAGER.for_matching(secret, region),
            )
        )
    return document(*statements)


def ecs_secret_entry(name: str, parameter_arn: pulumi.Input[str]) -> dict[str, Any]:
    """An ECS container definition ``secrets`` entry reading the secret through the proxy path.

    The task *execution* role (which fetches secrets at launch) needs the proxy policy.
    """
    return {"name": name, "valueFrom": parameter_arn}
