"""The benchmarks' AWS: secretkit's throwaway moto account, with the clients and function
environment the rotation benchmarks use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from secretkit.embedded import mocks
from secretkit.embedded.account import throwaway_account

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
def moto_account() -> Iterator[Clients]:
    """Secrets Manager and SSM clients on a throwaway moto account (which refuses to change a
    version's value, as AWS does: the handlers' idempotency relies on it), with
    FUNCTION_ENVIRONMENT and mocks.REGION as the default region."""
    import boto3  # noqa: PLC0415 - only the rotation sections need boto3 and moto

    with throwaway_account({"AWS_DEFAULT_REGION": mocks.REGION, **FUNCTION_ENVIRONMENT}):
        yield Clients(
            secretsmanager=boto3.client("secretsmanager", region_name=mocks.REGION),
            ssm=boto3.client("ssm", region_name=mocks.REGION),
        )
