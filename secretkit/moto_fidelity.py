"""Patches moto where it differs from AWS in ways secretkit's guarantees depend on.

- moto lets PutSecretValue overwrite a version that carries AWSPENDING with a different value;
  AWS refuses (ResourceExistsException: a version's value never changes). Handlers rely on that
  refusal for idempotency.
- moto's IAM checks see every Secrets Manager and SSM call as acting on '*', and mistranslate
  the '?' wildcard; least-privilege tests need resource-level evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.secretsmanager import models
from moto.secretsmanager import models as sm_models
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


def _iam_pattern(pattern: str) -> re.Pattern[str]:
    """IAM's wildcards: '*' any run of characters, '?' exactly one; everything else literal."""
    return re.compile(
        "^"
        + "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        + "$"
    )


def _secret_resource(response: Any) -> str:
    secret_id = response._get_param("SecretId")
    if not secret_id:
        return "*"
    backend = sm_models.secretsmanager_backends[response.current_account][response.region]
    if secret_id in backend.secrets:
        return str(backend.secrets[secret_id].arn)
    if str(secret_id).startswith("arn:"):
        return str(secret_id)
    return f"arn:aws:secretsmanager:{response.region}:{response.current_account}:secret:{secret_id}"


def _parameter_resource(response: Any) -> str:
    name = response._get_param("Name") or next(iter(response._get_param("Names") or []), None)
    if not name:
        return "*"
    name = str(name)
    if name.startswith("arn:"):
        return name
    name = name.split(":", 1)[0]  # a version or label selector is not part of the resource
    return f"arn:aws:ssm:{response.region}:{response.current_account}:parameter/{name.lstrip('/')}"


def _log_resource(response: Any) -> str:
    group = response._get_param("logGroupName")
    if not group:
        return "*"
    arn = f"arn:aws:logs:{response.region}:{response.current_account}:log-group:{group}"
    stream = response._get_param("logStreamName")
    return f"{arn}:log-stream:{stream}" if stream else arn


def is_access_denied(error: BaseException) -> bool:
    """Whether a botocore error is an authorization refusal (moto answers SSM and Secrets
    Manager refusals with an XML body botocore reads as code '403')."""
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code.startswith("AccessDenied") or code == "403" or status == 403


@contextmanager
def resource_level_authorization() -> Iterator[None]:
    """Within the block, moto's IAM checks evaluate Secrets Manager, SSM and CloudWatch Logs
    calls against the secret's, parameter's or log group/stream's ARN (moto otherwise checks
    them against '*', so no policy scoped to a resource can pass) and read IAM's '?' wildcard
    as one character (moto crashes on 'secret:name-??????'). Use with
    moto.core.enable_iam_authentication()."""
    from moto.iam.access_control import IAMPolicyStatement  # noqa: PLC0415
    from moto.logs.responses import LogsResponse  # noqa: PLC0415
    from moto.secretsmanager.responses import SecretsManagerResponse  # noqa: PLC0415
    from moto.ssm.responses import SimpleSystemManagerResponse  # noqa: PLC0415

    original_match = IAMPolicyStatement.__dict__["_match"]
    IAMPolicyStatement._match = staticmethod(  # type: ignore[method-assign]
        lambda pattern, string: _iam_pattern(pattern).match(string)
    )
    SecretsManagerResponse._determine_resource = _secret_resource  # type: ignore[attr-defined]
    SimpleSystemManagerResponse._determine_resource = _parameter_resource  # type: ignore[attr-defined]
    LogsResponse._determine_resource = _log_resource  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del LogsResponse._determine_resource  # type: ignore[attr-defined]
        IAMPolicyStatement._match = original_match  # type: ignore[method-assign]
        del SecretsManagerResponse._determine_resource  # type: ignore[attr-defined]
        del SimpleSystemManagerResponse._determine_resource  # type: ignore[attr-defined]
