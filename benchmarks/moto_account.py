"""A fresh in-process AWS account (moto) with AWS's version semantics and fake credentials."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from secretkit.embedded import mocks

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": mocks.REGION,
}
#: What the rotation handlers see as their function's configuration: the local databases offer
#: no TLS (the shared MariaDB has none), so their secrets say ssl false and the function allows
#: plaintext (rotation.tls "from-secret"; the handlers' default requires TLS).
FUNCTION_ENVIRONMENT = {"TLS_MODE": "from-secret"}


@dataclass(frozen=True)
class Clients:
    """Clients of the moto account (one per service, reused as a warm Lambda would)."""

    secretsmanager: Any
    ssm: Any


@contextmanager
def fake_credentials() -> Iterator[None]:
    """Credentials no real account accepts (and FUNCTION_ENVIRONMENT), restored afterwards;
    AWS_PROFILE hidden."""
    saved = {
        key: os.environ.get(key)
        for key in [*FAKE_CREDENTIALS, *FUNCTION_ENVIRONMENT, "AWS_PROFILE"]
    }
    os.environ.update(FAKE_CREDENTIALS)
    os.environ.update(FUNCTION_ENVIRONMENT)
    os.environ.pop("AWS_PROFILE", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def moto_account() -> Iterator[Clients]:
    """Secrets Manager and SSM clients on moto; moto refuses to change a version's value, as
    AWS does (secretkit.embedded.moto_fidelity), which the handlers' idempotency relies on."""
    import boto3  # noqa: PLC0415 - only the rotation sections need boto3 and moto
    from moto import mock_aws  # noqa: PLC0415

    from secretkit.embedded.moto_fidelity import aws_like_versions  # noqa: PLC0415

    with fake_credentials(), mock_aws(), aws_like_versions():
        yield Clients(
            secretsmanager=boto3.client("secretsmanager", region_name=mocks.REGION),
            ssm=boto3.client("ssm", region_name=mocks.REGION),
        )
