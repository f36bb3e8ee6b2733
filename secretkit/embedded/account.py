"""A throwaway AWS account in this process (moto), behaving like AWS where secretkit depends on
it, reachable only with credentials no real account accepts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from secretkit.embedded.environment import environment

#: Credentials no real account accepts, so nothing inside the block can reach one.
THROWAWAY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@contextmanager
def throwaway_account(variables: Mapping[str, str] | None = None) -> Iterator[None]:
    """moto for the length of the block, refusing to change a version's value as AWS does
    (secretkit.embedded.moto_fidelity), with THROWAWAY_CREDENTIALS, AWS_PROFILE hidden and
    ``variables`` set; the environment is restored afterwards."""
    from moto import mock_aws  # noqa: PLC0415 - the embedded AWS's dependency, not the library's

    from secretkit.embedded.moto_fidelity import aws_like_versions  # noqa: PLC0415

    values = {**THROWAWAY_CREDENTIALS, **(variables or {})}
    with environment(values, hidden=("AWS_PROFILE",)), mock_aws(), aws_like_versions():
        yield
