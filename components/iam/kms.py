"""The conditions that confine a KMS grant to one service in one region, for one resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from secretkit.components.iam.arns import via_service

Condition = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class KeyUser:
    """A service that uses a KMS key on the caller's behalf (``kms:ViaService``), and the
    encryption context key in which it names the resource it encrypts."""

    service: str
    context_key: str

    def for_resource(self, arn: pulumi.Input[str], region: pulumi.Input[str]) -> Condition:
        """Only through this service in ``region``, only for the resource ``arn``."""
        return {
            "StringEquals": {
                "kms:ViaService": via_service(self.service, region),
                f"kms:EncryptionContext:{self.context_key}": arn,
            }
        }

    def for_matching(self, pattern: pulumi.Input[str], region: pulumi.Input[str]) -> Condition:
        """Only through this service in ``region``, only for resources whose ARN matches the
        IAM pattern ``pattern``."""
        return {
            "StringEquals": {"kms:ViaService": via_service(self.service, region)},
            "StringLike": {f"kms:EncryptionContext:{self.context_key}": pattern},
        }


#: Secrets Manager puts the secret's ARN in the encryption context of every KMS call it makes.
SECRETS_MANAGER = KeyUser("secretsmanager", "SecretARN")
#: Parameter Store puts the parameter's ARN there for SecureString parameters.
SSM = KeyUser("ssm", "PARAMETER_ARN")

#: Each encryption-context key secretkit conditions on, with what follows the account and
#: region in the ARNs it holds (the prefix a large grant names instead: docs/grants.md).
CONTEXT_KEYS = {
    f"kms:EncryptionContext:{SECRETS_MANAGER.context_key}": ":secret:",
    f"kms:EncryptionContext:{SSM.context_key}": ":parameter/",
}
