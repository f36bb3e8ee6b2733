"""Rotation alarms: the event pattern against the event Secrets Manager sends, the topic policy,
and what RotatingSecret and RotationFunction register for them (and refuse)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from moto.events.models import EventPattern

from secretkit.components import InvalidArgumentError, RotatingSecret, RotationFunction
from secretkit.components.iam.least_privilege import violations
from secretkit.components.iam.topic_policy import (
    member_rules_pattern,
    rotation_alarm_topic_policy,
)
from secretkit.components.rotation.alarm_args import AlarmSettings, parse_alarms
from secretkit.components.rotation.alarms import PREFIX_ROOM, member_rule_prefix
from secretkit.components.rotation.rotation_events import event_pattern, rotation_event
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from tests.components.helpers import build_component, policy_of, the

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
SECRET = "arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaSecret-AbCicA"
OTHER = "arn:aws:secretsmanager:ap-southeast-2:843407916570:secret:IcaSecret2-XyZicA"
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:ops-alarms"

#: A RotationFailed event as EventBridge delivers it. Its shape is what AWS documents:
#: - the user guide's CloudTrail entries for Secrets Manager list the rotation log entries
#:   (RotationAbandoned, RotationFailed, RotationSucceeded, ...) apart from the operations' "AWS
#:   API Call via CloudTrail" entries:
#:   https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html
#: - its EventBridge page matches them on "source": ["aws.secretsmanager"] and
#:   "detail": {"eventSource": ["secretsmanager.amazonaws.com"], "eventName": [...]}:
#:   https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
#: - CloudTrail's service events: "For these events, the eventType field is AwsServiceEvent":
#:   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html
#: The values below are those of a RotationFailed event quoted in public code (a Slack notifier
#: for Secrets Manager events; ids and ARNs shortened there as here): the detail-type EventBridge
#: gives CloudTrail's service events, and the secret's ARN in additionalEventData.SecretId.
DOCUMENTED_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "d82e0a2d-f36e-11fd-37cb-cba423a71196",
    "detail-type": "AWS Service Event via CloudTrail",
    "source": "aws.secretsmanager",
    "account": "843407916570",
    "time": "2021-09-01T00:50:20Z",
    "region": "ap-southeast-2",
    "resources": [],
    "detail": {
        "eventVersion": "1.08",
        "userIdentity": {"accountId": "843407916570", "invokedBy": "secretsmanager.amazonaws.com"},
        "eventTime": "2021-09-01T00:50:20Z",
        "eventSource": "secretsmanager.amazonaws.com",
        "eventName": "RotationFailed",
        "awsRegion": "ap-southeast-2",
        "sourceIPAddress": "secretsmanager.amazonaws.com",
        "userAgent": "secretsmanager.amazonaws.com",
        "errorMessage": "Error when executing lambda arn:aws:lambda:ap-southeast-2:84...G9DQfx6 "
        "during createSecret step",
        "requestParameters": None,
        "responseElements": None,
        "additionalEventData": {"SecretId": SECRET},
        "requestID": "Rotation-arn:aws:secretsmanager:ap-southeast-2:84340791...980c9c",
        "eventID": "e3b69cfe-b70e-4c94-baa9-9decc3c150b9",
        "readOnly": False,
        "eventType": "AwsServiceEvent",
        "managementEvent": True,
        "recipientAccountId": "843407916570",
        "eventCategory": "Management",
    },
}


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge's decision, as moto's implementation of its pattern matching makes it."""
    return bool(EventPattern.load(json.dumps(pattern)).matches_event(event))  # type: ignore[arg-type]


def renamed(event_name: str, secret: str = SECRET) -> dict[str, Any]:
    event = copy.deepcopy(DOCUMENTED_EVENT)
    event["detail"]["eventName"] = event_name
    event["detail"]["additionalEventData"]["SecretId"] = secret
    return event


# --- the pattern and the event ------------------------------------------------------------------


def test_the_pattern_matches_the_documented_event_of_that_secret_only() -> None:
    pattern = event_pattern([SECRET])
    assert matches(pattern, DOCUMENTED_EVENT)
    assert matches(pattern, renamed("RotationAbandoned"))
    assert not matches(pattern, renamed("RotationFailed", OTHER))
    assert not matches(pattern, renamed("RotationSucceeded"))
    assert not matches(pattern, renamed("RotationStarted"))
    api_call = copy.deepcopy(DOCUMENTED_EVENT)
    api_call["detail-type"] = "AWS API Call via CloudTrail"
    assert not matches(pattern, api_call)


def test_rotation_succeeded_is_matched_only_when_asked_for() -> None:
    assert matches(event_pattern([SECRET], rotation_succeeded=True), renamed("RotationSucceeded"))
    both = event_pattern([SECRET, OTHER])
    assert matches(both, renamed("RotationFailed", OTHER))


def test_the_emulated_event_has_the_documented_shape() -> None:
    """The embedded AWS's event (the rotation emulator's) carries every documented field."""
    emitted = rotation_event(
        SECRET, "RotationFailed", account="843407916570", region="ap-southeast-2"
    )
    assert set(emitted) == set(DOCUMENTED_EVENT)
    documented_detail = set(DOCUMENTED_EVENT["detail"]) - {
        "errorMessage",  # only when given
        "eventTime",
        "requestID",
        "eventID",
    }
    assert documented_detail <= set(emitted["detail"])
    for key in ("detail-type", "source", "account", "region", "resources"):
        assert emitted[key] == DOCUMENTED_EVENT[key]
    assert matches(event_pattern([SECRET]), emitted)


# --- the topic policy ---------------------------------------------------------------------------

RULE = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/app-rotation-0a1b2c3"
ALARM = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:app-rotation-errors-0a1b2c3"


def test_the_topic_policy_admits_exactly_the_rule_and_the_alarm() -> None:
    policy = rotation_alarm_topic_policy(TOPIC, rule_arns=[RULE], alarm_arns=[ALARM])
    assert policy["Statement"] == [
        {
            "Sid": "PublishFromRotationRules",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["sns:Publish"],
            "Resource": [TOPIC],
            "Condition": {"ArnEquals": {"aws:SourceArn": [RULE]}},
        },
        {
            "Sid": "PublishFromRotationAlarm",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["sns:Publish"],
            "Resource": [TOPIC],
            "Condition": {"ArnEquals": {"aws:SourceArn": [ALARM]}},
        },
    ]
    assert violations(policy) == []


def test_a_shared_functions_topic_admits_its_members_rules_by_prefix() -> None:
    pattern = member_rules_pattern(TOPIC, "db.rotation.")
    assert pattern == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/db.rotation.*"
    policy = rotation_alarm_topic_policy(TOPIC, member_rules=pattern, alarm_arns=[ALARM])
    assert [s["Sid"] for s in policy["Statement"]] == [
        "PublishFromMemberRotationRules",
        "PublishFromRotationAlarm",
    ]
    assert policy["Statement"][0]["Condition"] == {"ArnLike": {"aws:SourceArn": pattern}}
    with pytest.raises(ValueError, match="needs a rule or an alarm"):
        rotation_alarm_topic_policy(TOPIC)


def test_member_rule_prefixes_fit_and_never_start_another_functions() -> None:
    assert member_rule_prefix("db") == "db.rotation."
    long = "f" * 47  # the longest RotationFunction name (its role: 47 + '-rotation' + 8 = 64)
    prefix = member_rule_prefix(long)
    assert len(prefix) <= PREFIX_ROOM
    assert prefix.endswith(".")
    assert prefix.count(".") == 2
    assert member_rule_prefix(long[:-1] + "g") != prefix


# --- the argument -------------------------------------------------------------------------------


def test_the_argument_defaults_to_a_created_topic() -> None:
    assert parse_alarms(None) == AlarmSettings()
    assert parse_alarms(True) == AlarmSettings()
    assert parse_alarms(False) is None
    assert parse_alarms({"enabled": False}) is None
    assert parse_alarms({"topic_arn": TOPIC, "rotation_succeeded": True}) == AlarmSettings(
        TOPIC, True
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"topic": TOPIC}, "did you mean 'topic_arn'?"),
        ({"topic_arn": "ops-alarms"}, "must be an SNS topic ARN"),
        ({"topic_arn": TOPIC.replace(REGION, "eu-west-1")}, "is in eu-west-1, but the comp"),
        ({"enabled": False, "topic_arn": TOPIC}, "turns alarms off (enabled=False) but also"),
        ("yes", "must be True, False or a mapping"),
    ],
)
def test_a_bad_argument_is_refused_naming_it(value: Any, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_alarms(value, REGION)
    assert "alarms" in str(caught.value)
    assert message in str(caught.value)


# --- what the components register ---------------------------------------------------------------


def secret_args(**extra: Any) -> dict[str, Any]:
    return {
        "secret_name": "prod/app/api-password",
        "rotation": {"strategy": "password", "automatically_after_days": 30},
        **extra,
    }


ALARM_TYPES = (
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:sns/topic:Topic",
    "aws:sns/topicPolicy:TopicPolicy",
)


def test_a_rotating_secret_alarms_on_its_rotation_and_its_function(
    monitor: RecordingMonitor,
) -> None:
    built = build_component(RotatingSecret, "app", secret_args(), "alarm_topic_arn")
    secret_arn = str(the(monitor, "aws:secretsmanager/secret:Secret").state["arn"])
    rule = the(monitor, "aws:cloudwatch/eventRule:EventRule")
    assert json.loads(rule.plain_inputs["eventPattern"]) == event_pattern([secret_arn])
    assert "prod/app/api-password" not in rule.plain_inputs["description"]  # the component's
    assert (
        rule.plain_inputs["description"] == "Rotation failures of RotatingSecret 'app' (secretkit)"
    )
    topic_arn = str(the(monitor, "aws:sns/topic:Topic").state["arn"])
    assert the(monitor, "aws:cloudwatch/eventTarget:EventTarget").plain_inputs["arn"] == topic_arn
    alarm = the(monitor, "aws:cloudwatch/metricAlarm:MetricAlarm")
    function = the(monitor, "aws:lambda/function:Function")
    assert alarm.plain_inputs["namespace"] == "AWS/Lambda"
    assert alarm.plain_inputs["metricName"] == "Errors"
    assert alarm.plain_inputs["dimensions"] == {"FunctionName": function.state["name"]}
    assert alarm.plain_inputs["alarmActions"] == [topic_arn]
    assert alarm.plain_inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert alarm.plain_inputs["threshold"] == 0
    policy = policy_of(the(monitor, "aws:sns/topicPolicy:TopicPolicy"))
    assert policy == rotation_alarm_topic_policy(
        topic_arn, rule_arns=[rule.state["arn"]], alarm_arns=[alarm.state["arn"]]
    )
    del built
    for reg in (rule, alarm):
        assert reg.parent == next(r.urn for r in monitor.registrations if r.name == "app")


def test_alarms_off_register_none(monitor: RecordingMonitor) -> None:
    build_component(RotatingSecret, "app", secret_args(alarms=False), "secret_arn")
    assert [r for r in monitor.registrations if r.type in ALARM_TYPES] == []


def test_a_given_topic_gets_the_rule_and_the_alarm_but_no_policy(
    monitor: RecordingMonitor,
) -> None:
    args = secret_args(alarms={"topic_arn": TOPIC, "rotation_succeeded": True})
    build_component(RotatingSecret, "app", args, "secret_arn")
    assert monitor.by_type("aws:sns/topic:Topic") == []
    assert monitor.by_type("aws:sns/topicPolicy:TopicPolicy") == []
    assert the(monitor, "aws:cloudwatch/eventTarget:EventTarget").plain_inputs["arn"] == TOPIC
    assert the(monitor, "aws:cloudwatch/metricAlarm:MetricAlarm").plain_inputs["alarmActions"] == [
        TOPIC
    ]
    pattern = json.loads(
        the(monitor, "aws:cloudwatch/eventRule:EventRule").plain_inputs["eventPattern"]
    )
    assert "RotationSucceeded" in pattern["detail"]["eventName"]


def test_a_topic_in_another_region_is_refused_before_any_aws_resource_is_registered(
    monitor: RecordingMonitor,
) -> None:
    """The region is the provider's, known once deploying: the check holds back every child."""
    other = TOPIC.replace(REGION, "eu-west-1")
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the message is what is checked
        mocks.run(lambda: RotatingSecret("app", secret_args(alarms={"topic_arn": other})))  # type: ignore[call-overload]
    assert (
        "RotatingSecret 'app': argument 'alarms.topic_arn' = "
        f"'{other}' is invalid: is in eu-west-1, but the component is in {REGION}"
    ) in str(caught.value)
    assert [r for r in monitor.registrations if r.custom] == []


def test_members_publish_to_their_functions_topic_through_prefixed_rules(
    monitor: RecordingMonitor,
) -> None:
    def program() -> object:
        shared = RotationFunction("db", {"strategy": "password"})
        for index in range(2):
            RotatingSecret(  # type: ignore[call-overload]
                f"member-{index}",
                {
                    "secret_name": f"prod/db/app-{index}",
                    "rotation": {"function": shared, "automatically_after_days": 30},
                },
            )
        RotatingSecret(  # type: ignore[call-overload]
            "quiet",
            {
                "secret_name": "prod/db/quiet",
                "rotation": {"function": shared, "automatically_after_days": 30},
                "alarms": False,
            },
        )
        return shared.alarm_topic_arn

    mocks.run(program)
    topic = the(monitor, "aws:sns/topic:Topic")
    alarm = the(monitor, "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.plain_inputs["dimensions"] == {
        "FunctionName": the(monitor, "aws:lambda/function:Function").state["name"]
    }
    rules = monitor.by_type("aws:cloudwatch/eventRule:EventRule")
    assert [r.plain_inputs["namePrefix"] for r in rules] == ["db.rotation.", "db.rotation."]
    for target in monitor.by_type("aws:cloudwatch/eventTarget:EventTarget"):
        assert target.plain_inputs["arn"] == topic.state["arn"]
    policy = policy_of(the(monitor, "aws:sns/topicPolicy:TopicPolicy"))
    pattern = member_rules_pattern(str(topic.state["arn"]), "db.rotation.")
    assert policy["Statement"][0]["Condition"] == {"ArnLike": {"aws:SourceArn": pattern}}
    for rule in rules:
        assert str(rule.state["arn"]).startswith(pattern.rstrip("*"))


def test_a_name_too_long_for_the_rule_is_refused_before_anything_is_registered(
    monitor: RecordingMonitor,
) -> None:
    """A member of a function without alarms names its own rule: '<name>-rotation-<random>'
    must fit EventBridge's 64 characters. Joining the function's topic, or alarms off, it may
    be longer."""
    long = "m" * 48

    def program(function_alarms: Any, member_alarms: Any) -> Any:
        def build() -> object:
            shared = RotationFunction("fn", {"strategy": "password", "alarms": function_alarms})
            member = RotatingSecret(  # type: ignore[call-overload]
                long,
                {
                    "secret_name": "prod/db/long",
                    "rotation": {"function": shared, "automatically_after_days": 30},
                    "alarms": member_alarms,
                },
            )
            return member.secret_arn

        return build

    with pytest.raises(Exception) as caught:  # noqa: PT011 - the message is what is checked
        mocks.run(program({"enabled": False}, {"rotation_succeeded": True}))
    assert f"RotatingSecret '{long}': argument 'name'" in str(caught.value)
    assert "EventBridge rule name" in str(caught.value)
    assert [r for r in monitor.registrations if r.name == long] == []
    mocks.run(program({"enabled": False}, {"enabled": False}))
    mocks.run(program(True, {"rotation_succeeded": True}))
    rules = monitor.by_type("aws:cloudwatch/eventRule:EventRule")
    assert [r.plain_inputs["namePrefix"] for r in rules] == ["fn.rotation."]
