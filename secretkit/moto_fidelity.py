"""Patches moto where its Secrets Manager differs from AWS in ways rotation depends on.

moto lets PutSecretValue overwrite a version that carries AWSPENDING with a different value;
AWS refuses (ResourceExistsException: a version's value never changes). Handlers rely on that
refusal for idempotency, so tests and the local demo run moto with this patch applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.secretsmanager import models
from moto.secretsmanager.exceptions import ResourceExistsException


@contextmanager
def aws_like_versions() -> Iterator[None]:
    """Within the block, moto refuses to change the value of an existing version, as AWS does."""
    original = models.SecretsManagerBackend._check_with_existing_secrets_and_versions

    def check(  # noqa: PLR0917 - moto's signature
        self: Any,
        secret_name: str,
        client_request_token: str | None,
        secret_string: str | None,
        secret_binary: str | None,
        on_create: bool = False,
    ) -> Any:
        # SecretsStore matches names and ARNs in `in` and [], not in .get()
        secret: Any = self.secrets[secret_name] if secret_name in self.secrets else None  # noqa: SIM401
        version: Any = None
        if secret is not None and client_request_token:
            version = secret.versions.get(client_request_token)
        has_value = version is not None and (
            "secret_string" in version or "secret_binary" in version
        )
        if has_value and (
            version.get("secret_string") != secret_string
            or version.get("secret_binary") != secret_binary
        ):
            raise ResourceExistsException(
                f"You can't use ClientRequestToken {client_request_token} because that value is "
                f"already in use for a version of secret {secret.arn}."
            )
        return original(
            self, secret_name, client_request_token, secret_string, secret_binary, on_create
        )

    models.SecretsManagerBackend._check_with_existing_secrets_and_versions = check  # type: ignore[method-assign]
    try:
        yield
    finally:
        models.SecretsManagerBackend._check_with_existing_secrets_and_versions = original  # type: ignore[method-assign]


def enable_rotation(
    secret_id: str,
    lambda_arn: str,
    *,
    days: int = 30,
    account_id: str = "123456789012",
    region: str = "us-east-1",
) -> None:
    """Mark a moto secret as configured for rotation, as RotateSecret does on AWS, without
    moto's side effects (it would invoke the function, or move AWSCURRENT itself)."""
    secret: Any = models.secretsmanager_backends[account_id][region].secrets[secret_id]
    secret.rotation_requested = True  # moto only reports rotation fields once this is set
    secret.rotation_enabled = True
    secret.rotation_lambda_arn = lambda_arn
    secret.auto_rotate_after_days = days
