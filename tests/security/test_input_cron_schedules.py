"""Issue 12, item 10: cron() schedules are checked field by field against AWS's grammar, rotation
schedules fire at most every 4 hours, and the rotation window fits the schedule."""

from __future__ import annotations

from typing import Any

import pytest

from policy import secretkit_policies as pack
from secretkit.components import InvalidArgumentError, RotatingSecret, SecureParameter
from secretkit.components.cron import CronError, parse
from secretkit.components.secrets.rotating_secret_args import parse_rotation
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor


def rotation(expression: str, **extra: Any) -> dict[str, Any]:
    return {"strategy": "password", "schedule_expression": expression, **extra}


TOO_OFTEN = [
    pytest.param("cron(0 * * * ? *)", "1 hour", id="hourly"),
    pytest.param("cron(* * * * ? *)", "minutes field must be 0", id="every-minute"),
    pytest.param("cron(0 0/2 * * ? *)", "2 hours", id="every-2-hours"),
    pytest.param("cron(0 1,3 * * ? *)", "2 hours", id="list"),
    pytest.param("cron(0 9-12 ? * MON-FRI *)", "1 hour", id="range"),
    pytest.param("cron(0 0,22 * * ? *)", "2 hours", id="across-midnight"),
]


@pytest.mark.parametrize(("expression", "rule"), TOO_OFTEN)
def test_rotation_more_often_than_every_4_hours_is_refused(
    monitor: RecordingMonitor, expression: str, rule: str
) -> None:
    args = {"secret_name": "prod/app", "rotation": rotation(expression)}
    with pytest.raises(InvalidArgumentError, match=rule) as caught:
        mocks.run(lambda: RotatingSecret("c", args))  # type: ignore[call-overload]
    assert caught.value.argument == "rotation.schedule_expression"
    assert monitor.registrations == []


OUT_OF_RANGE = [
    pytest.param("cron(0 99 * * ? *)", "hours field '99'", id="hour-99"),
    pytest.param("cron(0 24 * * ? *)", "hours field '24'", id="hour-24"),
    pytest.param("cron(0 3 0 * ? *)", "day-of-month field '0'", id="day-0"),
    pytest.param("cron(0 3 32 * ? *)", "day-of-month field '32'", id="day-32"),
    pytest.param("cron(0 3 1 13 ? *)", "month field '13'", id="month-13"),
    pytest.param("cron(0 3 1 FOO ? *)", "month field 'FOO'", id="month-name"),
    pytest.param("cron(0 3 ? * 8 *)", "day-of-week field '8'", id="weekday-8"),
    pytest.param("cron(0 3 ? * 0 *)", "day-of-week field '0'", id="weekday-0-unix"),
    pytest.param("cron(0 3 ? * 2#6 *)", "day-of-week field '2#6'", id="sixth-monday"),
    pytest.param("cron(0 3 ? * 2,3L *)", "day-of-week field '2,3L'", id="L-in-a-list"),
    pytest.param("cron(0 3 1W,2 * ? *)", "day-of-month field '1W,2'", id="W-in-a-list"),
    pytest.param("cron(0 3 ? * 2/2 *)", "day-of-week field '2/2' uses '/'", id="step-weekday"),
    pytest.param("cron(0 3/0 * * ? *)", "increment '0'", id="step-0"),
    pytest.param("cron(0 3/25 * * ? *)", "increment '25'", id="step-25"),
    pytest.param("cron(0 3 1 * ? *,)", "year field", id="empty-list-item"),
]


@pytest.mark.parametrize(("expression", "rule"), OUT_OF_RANGE)
def test_field_values_outside_aws_grammar_are_refused(expression: str, rule: str) -> None:
    with pytest.raises(InvalidArgumentError, match=rule.replace("(", r"\(")):
        parse_rotation(rotation(expression))


def test_secrets_manager_rules_on_top_of_the_grammar() -> None:
    with pytest.raises(InvalidArgumentError, match="minutes field must be 0"):
        parse_rotation(rotation("cron(30 4 * * ? *)"))
    with pytest.raises(InvalidArgumentError, match="year field must be '\\*'"):
        parse_rotation(rotation("cron(0 4 * * ? 2030)"))


@pytest.mark.parametrize(
    ("expression", "duration", "rule"),
    [
        ("cron(0 4/6 * * ? *)", "6h", r"shorter than the rotation interval \(6h\)"),
        ("cron(0 22 * * ? *)", "3h", "run into the next UTC day"),
        ("cron(0 0,12 * * ? *)", "13h", r"shorter than the rotation interval \(12h\)"),
    ],
)
def test_the_window_must_fit_the_cron_schedule(expression: str, duration: str, rule: str) -> None:
    with pytest.raises(InvalidArgumentError, match=rule) as caught:
        parse_rotation(rotation(expression, duration=duration))
    assert caught.value.argument == "rotation.duration"


@pytest.mark.parametrize(
    ("expression", "hours"),
    [
        ("cron(0 4/12 * * ? *)", 12),
        ("cron(0 0/4 * * ? *)", 4),
        ("cron(0 3 ? * MON-FRI *)", 24),
        ("cron(0 22-2/4 ? * SAT-MON *)", 4),
        ("cron(0 0,20 * * ? *)", 4),
    ],
)
def test_closest_runs_are_computed_from_the_hours(expression: str, hours: int) -> None:
    assert parse(expression).min_gap_minutes() == hours * 60
    parse_rotation(rotation(expression))


def test_eventbridge_schedules_share_the_grammar_but_not_the_4_hour_rule(
    monitor: RecordingMonitor,
) -> None:
    def parameter(expression: str) -> SecureParameter:
        return SecureParameter(
            "p",
            {
                "parameter_name": "/app/token",
                "value": "v",
                "rotation": {"schedule_expression": expression},
            },
        )

    mocks.run(lambda: parameter("cron(*/5 * * * ? *)").parameter_arn)
    with pytest.raises(InvalidArgumentError, match="hours field '99'") as caught:
        mocks.run(lambda: parameter("cron(0 99 * * ? *)"))
    assert caught.value.argument == "rotation.schedule_expression"


def test_the_policy_pack_flags_cron_rotation_too_often_or_out_of_range() -> None:
    assert pack.rotation_findings({"scheduleExpression": "cron(0 * * * ? *)"})
    assert pack.rotation_findings({"scheduleExpression": "cron(0 99 * * ? *)"})
    assert pack.rotation_findings({"scheduleExpression": "cron(0 22 * * ? *)", "duration": "4h"})
    assert pack.rotation_findings({"scheduleExpression": "cron(0 4/12 * * ? *)"}) == []


def test_cron_errors_are_plain_value_errors() -> None:
    with pytest.raises(CronError, match="six fields"):
        parse("cron(0 0 * * ?)")
    with pytest.raises(CronError, match="must be written cron"):
        parse("cron 0 0 * * ? *")
