"""rotation_handlers.parameter_store against moto: scheduled rotation of one SecureString.

moto stamps LastModifiedDate with its own clock; the ``clock`` fixture drives that clock so the
duplicate-delivery check sees the same ordering AWS would (schedule time, then the write).
"""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
import moto.ssm.models as moto_ssm_models
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from rotation_handlers import parameter_store
from rotation_handlers.parameter_store import (
    ParameterRotation,
    ParameterRotationError,
    handler_for,
    run,
)
from rotation_handlers.password_generator import DEFAULT_EXCLUDE_CHARACTERS, DEFAULT_LENGTH

NAME = "/team/app/api-key"
OLD = "old-VALUE-that-must-never-leak-7f3a"
OLD_PASSWORD = "old-Password-that-must-never-leak-1!"
KEY_ID = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DESCRIPTION = "API key of the app (rotated by secretkit)"
CREATED = "2026-01-01T00:00:00Z"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Clock:
    """moto's SSM clock (naive UTC, as moto keeps it)."""

    def __init__(self) -> None:
        self.now = at(CREATED).replace(tzinfo=None)

    def set(self, text: str) -> None:
        self.now = at(text).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moto_clock = Clock()
    monkeypatch.setattr(moto_ssm_models, "utcnow", lambda: moto_clock.now)
    return moto_clock


@pytest.fixture
def ssm(aws_env: None, clock: Clock) -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("ssm", region_name="us-east-1")


@dataclass
class Recorder:
    """Every SSM operation a client makes, and the PutParameter requests as sent."""

    operations: list[str] = field(default_factory=list)
    put_requests: list[dict[str, Any]] = field(default_factory=list)

    def install(self, client: Any) -> Recorder:
        client.meta.events.register("before-call.ssm", self._call)
        client.meta.events.register("before-parameter-build.ssm.PutParameter", self._put)
        return self

    def _call(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def _put(self, params: dict[str, Any], **_: Any) -> None:
        self.put_requests.append(dict(params))


def create(ssm: Any, value: str = OLD, **extra: Any) -> None:
    ssm.put_parameter(Name=NAME, Value=value, Type="SecureString", KeyId=KEY_ID, **extra)


def environment(**overrides: str) -> dict[str, str]:
    env = {
        "PARAMETER_NAME": NAME,
        "KEY_ID": KEY_ID,
        "TIER": "Standard",
        "DESCRIPTION": DESCRIPTION,
    }
    env.update(overrides)
    return env


def scheduled(time: str) -> dict[str, Any]:
    """An EventBridge scheduled event, as delivered to the function."""
    return {
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": time,
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/cfg-rotation-schedule"],
        "detail": {},
    }


def current(ssm: Any) -> dict[str, Any]:
    parameter: dict[str, Any] = ssm.get_parameter(Name=NAME, WithDecryption=True)["Parameter"]
    return parameter


def value_of(ssm: Any, selector: str = "") -> str:
    text: str = ssm.get_parameter(Name=f"{NAME}{selector}", WithDecryption=True)["Parameter"][
        "Value"
    ]
    return text


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record, formatted, with any exception text."""
    parts = [record.getMessage() for record in caplog.records]
    parts += [record.exc_text or "" for record in caplog.records]
    return "\n".join([caplog.text, *parts])


def exception_texts(error: BaseException) -> str:
    """The messages of an exception and everything chained to it."""
    texts = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(texts)


@pytest.fixture(autouse=True)
def no_policy_in_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process environment says nothing unless a test sets it (as Lambda would)."""
    for variable in ("PASSWORD_LENGTH", "EXCLUDE_CHARACTERS", "PARAMETER_NAME"):
        monkeypatch.delenv(variable, raising=False)


# --- a rotation ---------------------------------------------------------------------------------


def test_rotation_writes_a_new_password_and_keeps_the_previous_version(ssm: Any) -> None:
    create(ssm)
    version = run(ParameterRotation(), scheduled("2026-01-02T03:00:00Z"), ssm, environment())
    assert version == 2
    new = value_of(ssm)
    assert new != OLD
    assert current(ssm)["Version"] == 2
    assert len(new) == DEFAULT_LENGTH
    for characters in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        assert set(new) & set(characters)
    assert not set(new) & set(DEFAULT_EXCLUDE_CHARACTERS)
    # The previous value stays readable as the previous version.
    assert value_of(ssm, ":1") == OLD
    history = ssm.get_parameter_history(Name=NAME, WithDecryption=True)["Parameters"]
    assert [(h["Version"], h["Value"]) for h in history] == [(1, OLD), (2, new)]


def test_each_rotation_writes_a_different_value(ssm: Any) -> None:
    create(ssm)
    values = {OLD}
    for day in range(2, 5):
        run(ParameterRotation(), {}, ssm, environment())
        values.add(value_of(ssm))
        assert len(values) == day
    assert current(ssm)["Version"] == 4


def test_json_value_keeps_its_other_keys_and_only_the_password_changes(ssm: Any) -> None:
    document = {"username": "app", "password": OLD_PASSWORD, "host": "db.internal", "port": 5432}
    create(ssm, json.dumps(document))
    run(ParameterRotation(), {}, ssm, environment())
    rotated = json.loads(value_of(ssm))
    assert set(rotated) == set(document)
    assert {k: v for k, v in rotated.items() if k != "password"} == {
        "username": "app",
        "host": "db.internal",
        "port": 5432,
    }
    assert rotated["password"] != OLD_PASSWORD
    assert len(rotated["password"]) == DEFAULT_LENGTH
    assert json.loads(value_of(ssm, ":1")) == document


def test_put_request_carries_key_tier_and_description_from_the_environment(ssm: Any) -> None:
    """moto keeps a parameter's old settings when an overwrite omits them; AWS re-encrypts with
    aws/ssm without KeyId. So the request itself must name them."""
    create(ssm, Description="created by pulumi")
    calls = Recorder().install(ssm)
    run(ParameterRotation(), {}, ssm, environment(TIER="Advanced"))
    assert len(calls.put_requests) == 1
    request = calls.put_requests[0]
    assert set(request) == {"Name", "Value", "Type", "Overwrite", "KeyId", "Tier", "Description"}
    assert request["Name"] == NAME
    assert request["Type"] == "SecureString"
    assert request["Overwrite"] is True
    assert request["KeyId"] == KEY_ID
    assert request["Tier"] == "Advanced"
    assert request["Description"] == DESCRIPTION
    assert request["Value"] == value_of(ssm)
    latest = ssm.get_parameter_history(Name=NAME)["Parameters"][-1]
    assert (latest["KeyId"], latest["Tier"], latest["Description"]) == (
        KEY_ID,
        "Advanced",
        DESCRIPTION,
    )


def test_aws_managed_key_alias_and_no_description_are_sent_as_configured(ssm: Any) -> None:
    create(ssm)
    calls = Recorder().install(ssm)
    env = environment(KEY_ID="alias/aws/ssm")
    del env["DESCRIPTION"]
    run(ParameterRotation(), {}, ssm, env)
    request = calls.put_requests[0]
    assert request["KeyId"] == "alias/aws/ssm"
    assert request["Tier"] == "Standard"
    assert "Description" not in request


def test_a_rotation_makes_exactly_two_ssm_calls(ssm: Any) -> None:
    create(ssm)
    calls = Recorder().install(ssm)
    run(ParameterRotation(), scheduled("2026-01-02T03:00:00Z"), ssm, environment())
    assert calls.operations == ["GetParameter", "PutParameter"]


# --- password policy ----------------------------------------------------------------------------


def test_password_policy_comes_from_the_environ_given_to_run(ssm: Any) -> None:
    create(ssm)
    env = environment(PASSWORD_LENGTH="20", EXCLUDE_CHARACTERS=string.punctuation)
    run(ParameterRotation(), {}, ssm, env)
    new = value_of(ssm)
    assert len(new) == 20
    assert new.isalnum()


def test_lambda_handler_rotates_with_the_deployed_environment(
    ssm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(ssm, Description="old description")
    for variable, value in environment(
        PASSWORD_LENGTH="20", EXCLUDE_CHARACTERS=string.punctuation
    ).items():
        monkeypatch.setenv(variable, value)
    result = parameter_store.lambda_handler(scheduled("2026-01-02T03:00:00Z"), None)
    assert result == 2
    new = value_of(ssm)
    assert len(new) == 20
    assert new.isalnum()
    assert value_of(ssm, ":1") == OLD
    latest = ssm.get_parameter_history(Name=NAME)["Parameters"][-1]
    assert (latest["KeyId"], latest["Tier"], latest["Description"]) == (
        KEY_ID,
        "Standard",
        DESCRIPTION,
    )


# --- duplicate deliveries -----------------------------------------------------------------------


def test_duplicate_delivery_of_a_scheduled_event_does_not_rotate_again(
    ssm: Any, clock: Clock
) -> None:
    create(ssm)  # at CREATED
    event = scheduled("2026-01-02T03:00:00Z")
    clock.set("2026-01-02T03:00:02Z")  # the run for 03:00 happens two seconds later
    assert run(ParameterRotation(), event, ssm, environment()) == 2
    rotated = value_of(ssm)

    clock.set("2026-01-02T03:00:40Z")  # EventBridge delivers the same event again
    calls = Recorder().install(ssm)
    assert run(ParameterRotation(), dict(event), ssm, environment()) is None
    assert calls.operations == ["GetParameter"]
    assert value_of(ssm) == rotated
    assert current(ssm)["Version"] == 2


def test_the_next_scheduled_time_rotates_again(ssm: Any, clock: Clock) -> None:
    create(ssm)
    clock.set("2026-01-02T03:00:02Z")
    run(ParameterRotation(), scheduled("2026-01-02T03:00:00Z"), ssm, environment())
    rotated = value_of(ssm)
    clock.set("2026-01-03T03:00:01Z")
    assert run(ParameterRotation(), scheduled("2026-01-03T03:00:00Z"), ssm, environment()) == 3
    assert value_of(ssm) not in {OLD, rotated}
    assert value_of(ssm, ":2") == rotated


def test_a_manual_invocation_without_time_always_rotates(ssm: Any, clock: Clock) -> None:
    create(ssm)
    clock.set("2026-01-02T03:00:02Z")
    run(ParameterRotation(), scheduled("2026-01-02T03:00:00Z"), ssm, environment())
    rotated = value_of(ssm)
    # Same instant as the last write: a scheduled event would be a duplicate, a manual call not.
    assert run(ParameterRotation(), {}, ssm, environment()) == 3
    assert value_of(ssm) != rotated


def test_a_value_written_after_the_scheduled_time_counts_as_the_rotation(
    ssm: Any, clock: Clock
) -> None:
    """The check compares with LastModifiedDate, whoever wrote it."""
    clock.set("2026-01-02T03:00:05Z")
    create(ssm)
    calls = Recorder().install(ssm)
    assert run(ParameterRotation(), scheduled("2026-01-02T03:00:00Z"), ssm, environment()) is None
    assert calls.put_requests == []
    assert value_of(ssm) == OLD


# --- failures -----------------------------------------------------------------------------------


def test_missing_parameter_name_is_refused_without_calling_ssm(
    ssm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    create(ssm)
    calls = Recorder().install(ssm)
    env = environment()
    del env["PARAMETER_NAME"]
    with pytest.raises(ParameterRotationError, match="PARAMETER_NAME is not set") as caught:
        run(ParameterRotation(), {}, ssm, env)
    assert calls.operations == []
    assert caught.value.__cause__ is None
    assert "PARAMETER_NAME" in caplog.text


def test_missing_parameter_is_reported_by_name(ssm: Any, caplog: pytest.LogCaptureFixture) -> None:
    missing = "/team/app/never-created"
    with pytest.raises(ParameterRotationError) as caught:
        run(ParameterRotation(), {}, ssm, environment(PARAMETER_NAME=missing))
    message = str(caught.value)
    assert missing in message
    assert "ParameterNotFound" in message
    assert any(r.levelno == logging.ERROR and missing in r.getMessage() for r in caplog.records)


def test_an_event_that_is_not_an_object_is_refused(ssm: Any) -> None:
    create(ssm)
    with pytest.raises(ParameterRotationError, match="JSON object"):
        run(ParameterRotation(), ["not", "an", "object"], ssm, environment())
    assert value_of(ssm) == OLD


# --- secret hygiene -----------------------------------------------------------------------------


def test_logs_of_a_rotation_hold_neither_value(
    ssm: Any, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="secretkit.rotation")
    create(ssm, json.dumps({"username": "app", "password": OLD_PASSWORD}))
    clock.set("2026-01-02T03:00:02Z")
    run(ParameterRotation(), scheduled("2026-01-02T03:00:00Z"), ssm, environment())
    run(ParameterRotation(), scheduled("2026-01-02T03:00:00Z"), ssm, environment())  # duplicate
    new = json.loads(value_of(ssm))["password"]
    text = logged(caplog)
    assert f"parameter {NAME} rotated to version 2" in text
    assert "already rotated" in text
    assert OLD_PASSWORD not in text
    assert new not in text


class LeakyRotation(ParameterRotation):
    """Fails with the current value in its exception message, as careless code does."""

    def generate(self, current: str, environ: Mapping[str, str]) -> str:
        raise ValueError(f"cannot derive a key from {current!r}")


def test_a_failing_generate_leaks_neither_value(ssm: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    create(ssm)
    with pytest.raises(ParameterRotationError) as caught:
        run(LeakyRotation(), {}, ssm, environment())
    assert NAME in str(caught.value)
    assert "ValueError" in str(caught.value)
    assert OLD not in exception_texts(caught.value)
    # Raised outside the except block: nothing chained for Lambda to print.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert OLD not in logged(caplog)
    assert value_of(ssm) == OLD


def test_a_put_error_that_echoes_the_value_leaks_neither_value(
    ssm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    create(ssm)
    sent: list[str] = []

    def refuse(params: dict[str, Any], **_: Any) -> None:
        sent.append(params["Value"])
        raise ClientError(
            {
                "Error": {
                    "Code": "ValidationException",
                    "Message": (
                        f"1 validation error detected: Value '{params['Value']}' at 'value' "
                        f"failed to satisfy constraint (was '{OLD}')"
                    ),
                }
            },
            "PutParameter",
        )

    ssm.meta.events.register("before-parameter-build.ssm.PutParameter", refuse)
    with pytest.raises(ParameterRotationError) as caught:
        run(ParameterRotation(), {}, ssm, environment())
    assert len(sent) == 1
    assert NAME in str(caught.value)
    assert "ValidationException" in str(caught.value)
    texts = exception_texts(caught.value) + logged(caplog)
    assert sent[0] not in texts
    assert OLD not in texts


def test_a_put_error_without_values_is_reported_with_its_code(
    ssm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    create(ssm)

    def throttle(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "PutParameter"
        )

    ssm.meta.events.register("before-parameter-build.ssm.PutParameter", throttle)
    with pytest.raises(ParameterRotationError, match="ThrottlingException") as caught:
        run(ParameterRotation(), {}, ssm, environment())
    assert caught.value.__context__ is None
    assert OLD not in exception_texts(caught.value)
    assert OLD not in logged(caplog)
    assert value_of(ssm) == OLD


# --- custom rotations ---------------------------------------------------------------------------


class ApiKeyRotation(ParameterRotation):
    """Mints the next key itself (as a subclass calling an external service would)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def generate(self, current: str, environ: Mapping[str, str]) -> str:
        self.seen.append(current)
        return f"key-{len(self.seen)}-of-{len(current)}"


def test_a_subclass_generate_supplies_the_new_value(ssm: Any) -> None:
    create(ssm)
    rotation = ApiKeyRotation()
    calls = Recorder().install(ssm)
    assert run(rotation, {}, ssm, environment()) == 2
    assert rotation.seen == [OLD]
    assert value_of(ssm) == f"key-1-of-{len(OLD)}"
    assert calls.put_requests[0]["KeyId"] == KEY_ID
    assert value_of(ssm, ":1") == OLD


def test_handler_for_a_subclass_rotates_from_os_environ(
    ssm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(ssm)
    for variable, value in environment().items():
        monkeypatch.setenv(variable, value)
    rotation = ApiKeyRotation()
    handler = handler_for(rotation)
    assert handler({}, None) == 2
    assert handler({}, None) == 3
    first = f"key-1-of-{len(OLD)}"
    assert rotation.seen == [OLD, first]
    assert value_of(ssm) == f"key-2-of-{len(first)}"
