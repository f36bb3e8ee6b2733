"""Issue 12, item 11: a key in another region than the secret's, an empty secret_string, absurd
notification periods, and a Pulumi secret in rotation.environment are refused, naming the
argument, the value (or its size) and the rule, before any AWS resource is registered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    RotatingSecret,
    RotatingSecretArgs,
    SecureParameter,
    SecureParameterArgs,
)
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION  # the mocks' provider region
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_HERE = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
KEY_ELSEWHERE = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/{KEY_ID}"
MASTER_ELSEWHERE = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:prod/db/master-AbCdEf"
SECRET_VALUE = "Pulumi-secret-value-never-shown"

ROTATING: RotatingSecretArgs = {
    "secret_name": "prod/app",
    "rotation": {"strategy": "password", "automatically_after_days": 30},
}
PARAMETER: SecureParameterArgs = {"parameter_name": "/app/token", "value": "v"}


def only_components(monitor: RecordingMonitor) -> bool:
    return all(not r.custom for r in monitor.registrations)


# --- (a) keys and master secrets in the secret's region ----------------------------------------

KEY_ELSEWHERE_CASES = [
    pytest.param(RotatingSecret, {**ROTATING, "kms_key_arn": KEY_ELSEWHERE}, id="rotating"),
    pytest.param(
        CrossRegionReplicatedSecret,
        {"secret_name": "s", "replica_regions": ["eu-central-1"], "kms_key_arn": KEY_ELSEWHERE},
        id="replicated-primary",
    ),
    pytest.param(SecureParameter, {**PARAMETER, "kms_key_arn": KEY_ELSEWHERE}, id="parameter"),
    pytest.param(
        ProxiedParameterPolicy, {"secret_name": "s", "kms_key_arn": KEY_ELSEWHERE}, id="proxy"
    ),
    pytest.param(RotationFunction, {"strategy": "password", "kms_key_arn": KEY_ELSEWHERE}, id="fn"),
]


@pytest.mark.parametrize(("component", "args"), KEY_ELSEWHERE_CASES)
def test_a_key_in_another_region_is_refused_once_the_region_is_known(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any]
) -> None:
    """With no region configured, the check waits for the provider's region and holds back
    every child."""
    rule = rf"argument 'kms_key_arn' = '{KEY_ELSEWHERE}'.*is in eu-west-1, but .* is in {REGION}"
    with pytest.raises(ValueError, match=rule):
        mocks.run(lambda: component("c", args))
    assert only_components(monitor)


@pytest.mark.parametrize(("component", "args"), KEY_ELSEWHERE_CASES[:3])
def test_a_key_in_another_region_is_refused_at_once_with_a_configured_region(
    monitor: RecordingMonitor,
    monkeypatch: pytest.MonkeyPatch,
    component: Any,
    args: dict[str, Any],
) -> None:
    monkeypatch.setenv("AWS_REGION", REGION)
    with pytest.raises(InvalidArgumentError, match="is in eu-west-1") as caught:
        mocks.run(lambda: component("c", args))
    assert caught.value.argument == "kms_key_arn"
    assert monitor.registrations == []


def test_a_key_output_in_another_region_is_refused(monitor: RecordingMonitor) -> None:
    args = {**ROTATING, "kms_key_arn": pulumi.Output.from_input(KEY_ELSEWHERE)}
    with pytest.raises(ValueError, match="is in eu-west-1"):
        mocks.run(lambda: RotatingSecret("c", args))  # type: ignore[call-overload]
    assert only_components(monitor)
    with pytest.raises(ValueError, match="is in eu-west-1"):
        mocks.run(
            lambda: SecureParameter(
                "p", {**PARAMETER, "kms_key_arn": pulumi.Output.from_input(KEY_ELSEWHERE)}
            )
        )


def test_a_key_in_the_secrets_region_is_used(monitor: RecordingMonitor) -> None:
    mocks.run(lambda: RotatingSecret("c", {**ROTATING, "kms_key_arn": KEY_HERE}).secret_arn)
    secret = monitor.by_type("aws:secretsmanager/secret:Secret")[0]
    assert secret.plain_inputs["kmsKeyId"] == KEY_HERE


def test_a_component_with_its_own_provider_is_judged_by_that_providers_region(
    monitor: RecordingMonitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The configured region is the default provider's: a component given another provider is
    not refused for it, its provider's region decides (here the mocks answer us-east-1)."""
    monkeypatch.setenv("AWS_REGION", "eu-west-1")

    def program() -> pulumi.Output[str]:
        other = aws.Provider("other", region=REGION)
        secret = RotatingSecret(
            "c",
            {**ROTATING, "kms_key_arn": KEY_HERE},
            pulumi.ResourceOptions(provider=other),
        )
        return secret.secret_arn

    mocks.run(program)


def test_the_master_secret_and_its_key_must_be_in_place(monitor: RecordingMonitor) -> None:
    multi = {
        "secret_name": "prod/db/app",
        "rotation": {
            "strategy": "postgres-multi-user",
            "automatically_after_days": 30,
            "master_secret_arn": MASTER_ELSEWHERE,
        },
    }
    with pytest.raises(ValueError, match=r"'rotation.master_secret_arn'.*is in eu-west-1"):
        mocks.run(lambda: RotatingSecret("db", multi))  # type: ignore[call-overload]
    assert only_components(monitor)
    key_elsewhere = {
        **multi,
        "rotation": {
            **multi["rotation"],  # type: ignore[dict-item]
            "master_secret_arn": MASTER_ELSEWHERE.replace("eu-west-1", REGION),
            "master_secret_kms_key_arn": KEY_ELSEWHERE,
        },
    }
    with pytest.raises(InvalidArgumentError, match="the master secret is in us-east-1") as caught:
        mocks.run(lambda: RotatingSecret("db", key_elsewhere))  # type: ignore[call-overload]
    assert caught.value.argument == "rotation.master_secret_kms_key_arn"


# --- (b) empty values ---------------------------------------------------------------------------


def test_an_empty_secret_string_is_refused(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError, match="must not be empty") as caught:
        mocks.run(lambda: RotatingSecret("c", {**ROTATING, "secret_string": ""}))
    assert caught.value.argument == "secret_string"
    assert "0 bytes" in str(caught.value)
    assert monitor.registrations == []


def test_an_empty_secret_string_output_stops_every_child(monitor: RecordingMonitor) -> None:
    args = {**ROTATING, "secret_string": pulumi.Output.secret("")}
    with pytest.raises(ValueError, match=r"argument 'secret_string'.*must not be empty"):
        mocks.run(lambda: RotatingSecret("c", args))  # type: ignore[call-overload]
    assert only_components(monitor)


def test_an_empty_parameter_value_is_refused(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError, match="must not be empty"):
        mocks.run(lambda: SecureParameter("p", {**PARAMETER, "value": ""}))
    with pytest.raises(ValueError, match=r"argument 'value'.*must not be empty"):
        mocks.run(lambda: SecureParameter("p", {**PARAMETER, "value": pulumi.Output.secret("")}))


# --- (c) notification periods -------------------------------------------------------------------


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("extra", "argument", "rule"),
    [
        pytest.param(
            {"notify_if_unchanged_for": "0 days"}, "notify_if_unchanged_for", "positive", id="zero"
        ),
        pytest.param(
            {"notify_if_unchanged_for": "99999999999 days"},
            "notify_if_unchanged_for",
            "longer than ten years",
            id="absurd-days",
        ),
        pytest.param(
            {"expires_at": in_days(3650 * 5), "notify_before_expiry": "4000 days"},
            "notify_before_expiry",
            "longer than ten years",
            id="absurd-before",
        ),
        pytest.param(
            {"notify_if_unchanged_for": "100000 hours"},
            "notify_if_unchanged_for",
            "longer than ten years",
            id="absurd-hours",
        ),
        pytest.param(
            {"expires_at": in_days(30), "notify_before_expiry": "60 days"},
            "notify_before_expiry",
            "would fall before now",
            id="before-longer-than-expiry",
        ),
        pytest.param(
            {"expires_at": in_days(30), "notify_if_unchanged_for": "90 days"},
            "notify_if_unchanged_for",
            "not shorter than the time left before expires_at",
            id="unchanged-longer-than-expiry",
        ),
    ],
)
def test_notification_periods_that_can_never_fire_are_refused(
    monitor: RecordingMonitor, extra: dict[str, str], argument: str, rule: str
) -> None:
    args: Any = {**PARAMETER, **extra}
    with pytest.raises(InvalidArgumentError, match=rule) as caught:
        mocks.run(lambda: SecureParameter("p", args))
    assert caught.value.argument == argument
    assert monitor.registrations == []


# --- (d) Pulumi secrets in a rotation function's environment ------------------------------------


ENVIRONMENT_CASES = [
    pytest.param(
        RotatingSecret,
        lambda env: {**ROTATING, "rotation": {**ROTATING["rotation"], "environment": env}},
        "rotation.environment.API_TOKEN",
        id="rotating",
    ),
    pytest.param(
        SecureParameter,
        lambda env: {
            **PARAMETER,
            "rotation": {"schedule_expression": "rate(1 day)", "environment": env},
        },
        "rotation.environment.API_TOKEN",
        id="parameter",
    ),
    pytest.param(
        RotationFunction,
        lambda env: {"strategy": "password", "environment": env},
        "environment.API_TOKEN",
        id="shared-function",
    ),
]


@pytest.mark.parametrize(("component", "args", "argument"), ENVIRONMENT_CASES)
def test_a_pulumi_secret_in_the_environment_is_refused(
    monitor: RecordingMonitor, component: Any, args: Any, argument: str
) -> None:
    environment = {
        "SERVICE_URL": "https://api.example",
        "API_TOKEN": pulumi.Output.secret(SECRET_VALUE),
    }
    with pytest.raises(ValueError, match=rf"argument '{argument}'.*is a Pulumi secret") as caught:
        mocks.run(lambda: component("c", args(environment)))
    assert SECRET_VALUE not in str(caught.value)
    assert "Secrets Manager" in str(caught.value)
    assert only_components(monitor)
    assert not monitor.by_type("aws:lambda/function:Function")


def test_a_secret_derived_from_a_secret_is_still_one(monitor: RecordingMonitor) -> None:
    token = pulumi.Output.concat("Bearer ", pulumi.Output.secret(SECRET_VALUE))
    args = {**ROTATING, "rotation": {**ROTATING["rotation"], "environment": {"AUTH": token}}}
    with pytest.raises(ValueError, match="is a Pulumi secret"):
        mocks.run(lambda: RotatingSecret("c", args))  # type: ignore[call-overload]


def test_plain_outputs_in_the_environment_are_fine(monitor: RecordingMonitor) -> None:
    url = pulumi.Output.from_input("https://api.example")
    args = {**ROTATING, "rotation": {**ROTATING["rotation"], "environment": {"URL": url}}}
    mocks.run(lambda: RotatingSecret("c", args).rotation_function_arn)  # type: ignore[call-overload]
    function = monitor.by_type("aws:lambda/function:Function")[0]
    assert function.plain_inputs["environment"]["variables"]["URL"] == "https://api.example"
