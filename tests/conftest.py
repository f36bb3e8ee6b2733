"""Shared fixtures: Pulumi mocks that record registrations, and a fresh moto account."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from secretkit.embedded import mocks
from secretkit.embedded.moto_fidelity import aws_like_versions


@pytest.fixture
def monitor(monkeypatch: pytest.MonkeyPatch) -> mocks.RecordingMonitor:
    """Pulumi runtime pointed at recording AWS mocks (set before any resource is built)."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    return mocks.install()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials so boto3 never reaches a real account."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", mocks.REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def sm(aws_env: None) -> Iterator[Any]:
    """A Secrets Manager client on moto, with AWS's refusal to change a version's value."""
    with mock_aws(), aws_like_versions():
        yield boto3.client("secretsmanager", region_name=mocks.REGION)


@pytest.fixture
def unique_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:
    """Unique importable module names under tmp_path; forgotten from sys.modules afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    names: list[str] = []

    def unique() -> str:
        names.append(f"sk_{uuid.uuid4().hex[:10]}")
        return names[-1]

    yield unique
    for loaded in [m for m in sys.modules if m.split(".")[0] in names]:
        del sys.modules[loaded]
