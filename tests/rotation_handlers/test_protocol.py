"""The rotation protocol against moto reproducing AWS: convergence, idempotency, hygiene."""

from __future__ import annotations

import json
import logging
import string
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from rotation_handlers.password import PasswordStrategy
from rotation_handlers.protocol import (
    CURRENT,
    PENDING,
    PREVIOUS,
    STEPS,
    RotationContext,
    RotationError,
    Strategy,
    StrategyError,
    parse_event,
    run_step,
)
from secretkit.embedded.rotation_emulator import PendingPlaceholder, RotationFailed
from tests.rotation_handlers.aws_generic_template import template_step
from tests.rotation_handlers.conftest import (
    count_calls,
    json_value,
    make_secret,
    rotate,
    runner,
    stages,
    value_at,
)

OLD = json.dumps({"username": "app", "password": "old-Password-1!", "host": "db"})


def current_version(sm: Any, arn: str) -> str:
    return next(v for v, s in stages(sm, arn).items() if CURRENT in s)


def assert_converged(sm: Any, arn: str, old_version: str, token: str) -> None:
    """Exactly one new AWSCURRENT (the token), the old value as AWSPREVIOUS, nothing else."""
    versions = stages(sm, arn)
    assert set(versions) == {old_version, token}
    assert CURRENT in versions[token]
    assert versions[old_version] == [PREVIOUS]
    assert value_at(sm, arn, PREVIOUS) == OLD
    new = json_value(sm, arn, CURRENT)
    assert new["username"] == "app"
    assert new["host"] == "db"
    assert new["password"] != "old-Password-1!"
    assert len(new["password"]) == 32


def test_full_rotation(sm: Any) -> None:
    arn = make_secret(sm, OLD)
    old_version = current_version(sm, arn)
    rotation = rotate(sm, arn)
    assert rotation.succeeded
    assert [a.step for a in rotation.attempts] == list(STEPS)
    assert_converged(sm, arn, old_version, rotation.token)


def test_plain_string_secret_gets_a_plain_password(sm: Any) -> None:
    arn = make_secret(sm, "just-a-password")
    rotate(sm, arn)
    new = value_at(sm, arn, CURRENT)
    assert new != "just-a-password"
    assert len(new) == 32
    for characters in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        assert set(new) & set(characters)
    assert not set(new) & set("/@\"'\\")


def test_password_policy_comes_from_the_environment(
    sm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSWORD_LENGTH", "50")
    monkeypatch.setenv("EXCLUDE_CHARACTERS", string.punctuation)
    arn = make_secret(sm, OLD)
    rotate(sm, arn)
    password = json_value(sm, arn, CURRENT)["password"]
    assert len(password) == 50
    assert password.isalnum()


def test_two_rotations_keep_only_current_and_previous(sm: Any) -> None:
    arn = make_secret(sm, OLD)
    first = rotate(sm, arn)
    first_value = value_at(sm, arn, CURRENT)
    second = rotate(sm, arn)
    versions = stages(sm, arn)
    assert CURRENT in versions[second.token]
    assert versions[first.token] == [PREVIOUS]
    assert value_at(sm, arn, PREVIOUS) == first_value


def test_each_step_run_twice(sm: Any) -> None:
    arn = make_secret(sm, OLD)
    old_version = current_version(sm, arn)
    token = str(uuid.uuid4())
    run = runner()
    with PendingPlaceholder(sm, arn, "app/password", token):
        for step in STEPS:
            event = {"SecretId": arn, "ClientRequestToken": token, "Step": step}
            run(event, sm)
            if step == "createSecret":
                created = value_at(sm, arn, PENDING)
            run(event, sm)
            if step == "createSecret":
                assert value_at(sm, arn, PENDING) == created  # no second value for the token
    assert_converged(sm, arn, old_version, token)


def test_full_replay_after_success_changes_nothing(sm: Any) -> None:
    arn = make_secret(sm, OLD)
    old_version = current_version(sm, arn)
    rotation = rotate(sm, arn)
    new_value = value_at(sm, arn, CURRENT)
    rotate(sm, arn, token=rotation.token)
    assert value_at(sm, arn, CURRENT) == new_value
    assert_converged(sm, arn, old_version, rotation.token)


@pytest.mark.parametrize("crash_after", range(len(STEPS)))
def test_crash_between_steps_then_retry_converges(sm: Any, crash_after: int) -> None:
    """The function dies after step N; Secrets Manager retries with the same token."""
    arn = make_secret(sm, OLD)
    old_version = current_version(sm, arn)
    token = str(uuid.uuid4())
    run = runner()
    with PendingPlaceholder(sm, arn, "app/password", token):
        for step in STEPS[: crash_after + 1]:
            run({"SecretId": arn, "ClientRequestToken": token, "Step": step}, sm)
    rotate(sm, arn, token=token)
    assert_converged(sm, arn, old_version, token)


class CallFault:
    """Fails the Nth Secrets Manager call made by the handler, once, before or after AWS acts."""

    def __init__(self, index: int, when: str) -> None:
        self.index = index
        self.when = when
        self.calls = 0
        self.fired = False

    def install(self, client: Any) -> None:
        client.meta.events.register(f"{self.when}-call.secrets-manager.*", self)

    def __call__(self, model: Any, **kwargs: Any) -> None:
        self.calls += 1
        if self.calls == self.index + 1 and not self.fired:
            self.fired = True
            raise ClientError(
                {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}},
                model.name,
            )


PASSWORD_ROTATION_CALLS = 7


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("index", range(PASSWORD_ROTATION_CALLS + 1))  # +1: the emulator's own
def test_throttling_at_every_call_then_retry_converges(sm: Any, index: int, when: str) -> None:
    """'before': the request never reached AWS; 'after': AWS acted but the answer was lost."""
    arn = make_secret(sm, OLD)
    old_version = current_version(sm, arn)
    fault = CallFault(index, when)
    fault.install(sm)
    try:
        rotation = rotate(sm, arn)
    except ClientError:
        # Only the emulator's own DescribeSecret (call 0) is not retried: RotateSecret failed.
        assert index == 0
        return
    assert fault.fired
    assert sum(1 for a in rotation.attempts if a.error) == 1
    assert_converged(sm, arn, old_version, rotation.token)


def test_password_rotation_makes_seven_secrets_manager_calls(sm: Any) -> None:
    calls = count_calls(sm, make_secret(sm, OLD), runner())
    assert calls == [
        "DescribeSecret",
        "GetSecretValue",
        "PutSecretValue",
        "DescribeSecret",
        "DescribeSecret",
        "DescribeSecret",
        "UpdateSecretVersionStage",
    ]


def test_aws_generic_template_makes_ten_on_the_same_harness(sm: Any) -> None:
    calls = count_calls(sm, make_secret(sm, OLD), template_step)
    assert len(calls) == 10
    assert calls.count("GetRandomPassword") == 1


def test_logs_never_hold_the_old_or_new_value(sm: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    arn = make_secret(sm, OLD)
    fault = CallFault(3, "after")  # include a retried step in the logs
    fault.install(sm)
    rotate(sm, arn)
    new = json_value(sm, arn, CURRENT)["password"]
    text = caplog.text
    assert "already has its value; kept" in text  # the retried createSecret
    assert "old-Password-1!" not in text
    assert new not in text
    assert arn in text


def test_rotation_not_enabled_is_refused(sm: Any) -> None:
    arn = make_secret(sm, OLD, rotation=False)
    event = {"SecretId": arn, "ClientRequestToken": str(uuid.uuid4()), "Step": "createSecret"}
    with pytest.raises(RotationError, match="rotation is not enabled for secret"):
        run_step(PasswordStrategy(), event, client=sm)


def test_unknown_token_is_refused(sm: Any) -> None:
    arn = make_secret(sm, OLD)
    token = str(uuid.uuid4())
    event = {"SecretId": arn, "ClientRequestToken": token, "Step": "createSecret"}
    with pytest.raises(RotationError, match=f"version {token} is not a version of secret"):
        run_step(PasswordStrategy(), event, client=sm)


def test_token_not_pending_is_refused(sm: Any) -> None:
    arn = make_secret(sm, OLD)
    rotation = rotate(sm, arn)
    rotate(sm, arn)  # the first rotation's version is now AWSPREVIOUS
    event = {"SecretId": arn, "ClientRequestToken": rotation.token, "Step": "setSecret"}
    with pytest.raises(RotationError, match="is not AWSPENDING"):
        run_step(PasswordStrategy(), event, client=sm)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"SecretId": "a", "ClientRequestToken": "t", "Step": "rotateSecret"}, "unknown step"),
        ({"SecretId": "a", "Step": "createSecret"}, "lacks ClientRequestToken"),
        ({}, "lacks SecretId, ClientRequestToken, Step"),
        (["createSecret"], "must be a JSON object"),
    ],
)
def test_malformed_events_are_clear_errors(event: Any, message: str) -> None:
    with pytest.raises(RotationError, match=message):
        parse_event(event)


class LeakyStrategy(Strategy):
    """A strategy whose driver error quotes the password (as some database drivers do)."""

    def generate(self, current: str, context: RotationContext) -> str:
        return "new-Secret-Value-9!"

    def set(self, context: RotationContext) -> None:
        raise ConnectionError(f"login failed for password {context.pending_value()}")


class HonestStrategy(LeakyStrategy):
    def set(self, context: RotationContext) -> None:
        raise StrategyError("database refused the login for user app")


def test_strategy_errors_are_reported_without_values(
    sm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    arn = make_secret(sm, OLD)
    with pytest.raises(RotationFailed) as caught:
        rotate(sm, arn, LeakyStrategy(), max_attempts=2)
    assert caught.value.step == "setSecret"
    assert "new-Secret-Value-9!" not in str(caught.value)
    assert "new-Secret-Value-9!" not in caplog.text
    assert "ConnectionError" in str(caught.value)
    # A StrategyError's message is trusted and kept.
    arn2 = make_secret(sm, OLD, name="other")
    with pytest.raises(RotationFailed, match="database refused the login for user app"):
        rotate(sm, arn2, HonestStrategy(), max_attempts=1)


def test_failed_step_is_retried_with_backoff_and_gives_up(sm: Any) -> None:
    arn = make_secret(sm, OLD)
    delays: list[float] = []
    with pytest.raises(RotationFailed) as caught:
        rotate(sm, arn, HonestStrategy(), max_attempts=4, first_delay=1.5, sleep=delays.append)
    assert delays == [1.5, 3.0, 6.0]
    assert [a.step for a in caught.value.rotation.attempts] == [
        "createSecret",
        "setSecret",
        "setSecret",
        "setSecret",
        "setSecret",
    ]
    # AWSPENDING stays on the unfinished version; AWSCURRENT did not move.
    versions = stages(sm, arn)
    assert PENDING in versions[caught.value.rotation.token]
    assert value_at(sm, arn, CURRENT) == OLD
