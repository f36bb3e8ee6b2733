"""The two halves of a SecureParameter shared through AWS RAM with other accounts: the
statement its key's policy holds for them, and the identity policy their own account gives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from secretkit.components.iam.documents import Statement, statement
from secretkit.components.iam.key_policy import THIS_KEY
from secretkit.components.iam.kms import SSM
from secretkit.components.iam.reader import parameter_read_policy


def shared_parameter_decrypt_statement(
    principals: Sequence[pulumi.Input[str]],
    parameter_arn: pulumi.Input[str],
    region: pulumi.Input[str],
) -> Statement:
    """A key policy statement: kms:Decrypt for these principals (role ARNs or account roots of
    other accounts), only through Parameter Store in ``region`` and only for the parameter
    ``parameter_arn`` (its encryption context)."""
    return statement(
        "DecryptSharedParameter",
        ("kms:Decrypt",),
        THIS_KEY,
        condition=SSM.for_resource(parameter_arn, region),
        principal={"AWS": list(principals)},
    )


def parameter_reader_identity_policy(
    parameter_arn: pulumi.Input[str], key_arn: pulumi.Input[str], region: pulumi.Input[str]
) -> dict[str, Any]:
    """The identity policy a reader's role must hold in ITS account to read a parameter shared
    with that account: ssm:GetParameter(s) on the parameter's ARN in the owner's account,
    kms:Decrypt on its key only through Parameter Store in ``region`` for that parameter. It is
    the document a reader in the deploying account gets as its inline policy."""
    return parameter_read_policy(parameter_arn, key_arn, region)
