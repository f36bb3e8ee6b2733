"""Shared fixtures: Pulumi mocks that record registrations, and a fresh moto account."""

from __future__ import annotations

import pytest

from secretkit import mocks


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
