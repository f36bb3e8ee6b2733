"""Issue 12, item 12: a component name that would give its children invalid AWS names (IAM role,
Lambda function, EventBridge rule, ...) is refused before anything is registered, naming the
rule, instead of failing half-way through a deployment."""

from __future__ import annotations

from typing import Any

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
from secretkit.components.physical_names import AUTONAME_SUFFIX
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor

ROTATING: RotatingSecretArgs = {
    "secret_name": "prod/app",
    "rotation": {"strategy": "password", "automatically_after_days": 30},
}
PARAMETER: SecureParameterArgs = {"parameter_name": "/app/token", "value": "v"}
ROTATED_PARAMETER: SecureParameterArgs = {
    **PARAMETER,
    "rotation": {"schedule_expression": "rate(1 day)"},
}
NOTIFYING_PARAMETER: SecureParameterArgs = {**PARAMETER, "notify_if_unchanged_for": "90 days"}

#: The longest component name each rule allows: 64 - len('-rotation') - 8 for a function.
LONGEST_WITH_FUNCTION = 64 - len("-rotation") - AUTONAME_SUFFIX


@pytest.mark.parametrize(
    ("component", "args", "longest", "kind"),
    [
        pytest.param(RotatingSecret, ROTATING, LONGEST_WITH_FUNCTION, "IAM role", id="rotating"),
        pytest.param(
            RotationFunction, {"strategy": "password"}, LONGEST_WITH_FUNCTION, "IAM role", id="fn"
        ),
        pytest.param(
            SecureParameter,
            ROTATED_PARAMETER,
            64 - len("-rotation-schedule") - AUTONAME_SUFFIX,
            "EventBridge rule",
            id="parameter-rotation",
        ),
        pytest.param(
            SecureParameter,
            NOTIFYING_PARAMETER,
            64 - len("-policy-events") - AUTONAME_SUFFIX,
            "EventBridge rule",
            id="parameter-notifications",
        ),
        pytest.param(
            CrossRegionReplicatedSecret,
            {**ROTATING, "replica_regions": ["eu-west-1"]},
            LONGEST_WITH_FUNCTION,
            "IAM role",
            id="replicated",
        ),
        pytest.param(
            ProxiedParameterPolicy,
            {"secret_name": "s"},
            128 - len("-policy") - AUTONAME_SUFFIX,
            "IAM policy",
            id="proxy",
        ),
    ],
)
def test_a_name_too_long_for_a_derived_aws_name_is_refused(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], longest: int, kind: str
) -> None:
    name = "n" * (longest + 1)
    with pytest.raises(InvalidArgumentError, match=f"{kind} name.*at most {longest}") as caught:
        mocks.run(lambda: component(name, args))
    assert caught.value.argument == "name"
    assert caught.value.value == name
    assert monitor.registrations == []
    mocks.install()
    mocks.run(lambda: component("n" * longest, args))  # the longest allowed one deploys


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        pytest.param("team/app", "IAM role name", id="slash"),
        pytest.param("app.db", "Lambda function name", id="dot"),
        pytest.param("app+db", "CloudWatch log group name", id="plus"),
        pytest.param("app db", "IAM role name", id="space"),
        pytest.param("café", "IAM role name", id="non-ascii"),
    ],
)
def test_characters_a_rotation_functions_names_cannot_hold_are_refused(
    monitor: RecordingMonitor, name: str, kind: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=f"would name the {kind}") as caught:
        mocks.run(lambda: RotatingSecret(name, ROTATING))
    assert caught.value.argument == "name"
    assert monitor.registrations == []


def test_names_only_matter_for_the_children_a_component_has(monitor: RecordingMonitor) -> None:
    """Without rotation or readers a replicated secret derives no AWS name from its own (its
    keys have none, the secret's name is secret_name)."""
    args = {"secret_name": "s", "replica_regions": ["eu-west-1"]}
    mocks.run(lambda: CrossRegionReplicatedSecret("team/shared.token", args).secret_arn)  # type: ignore[call-overload]


def test_a_reader_policy_name_that_cannot_fit_is_refused_up_front(
    monitor: RecordingMonitor,
) -> None:
    """An inline read policy is '<component>-read-<role>': a 64-character role on a long
    component name would pass IAM's 128 characters."""
    args: SecureParameterArgs = {**PARAMETER, "readers": ["r" * 64]}
    with pytest.raises(InvalidArgumentError, match="IAM policy name") as caught:
        mocks.run(lambda: SecureParameter("p" * 60, args))
    assert caught.value.argument == "readers[0]"
    assert monitor.registrations == []


def test_a_component_name_refused_by_a_later_grant_read(monitor: RecordingMonitor) -> None:
    args = {"secret_name": "s", "replica_regions": ["eu-west-1"]}

    def program() -> None:
        secret = CrossRegionReplicatedSecret("team/shared", args)  # type: ignore[call-overload]
        secret.grant_read("reader")

    with pytest.raises(InvalidArgumentError, match=r"IAM policy name.*may not contain '/'"):
        mocks.run(program)
    assert not monitor.by_type("aws:iam/rolePolicy:RolePolicy")
