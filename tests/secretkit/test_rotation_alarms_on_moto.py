"""Rotation alarms deployed into the embedded AWS: a rotation that fails (its function's role
stripped of its policies, so the deployed handler is refused) emits Secrets Manager's
RotationFailed event, which reaches the secret's rule and, through the topic's policy, its
topic and a queue subscribed to it; another secret's failure and a rule the policy does not
name do not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pulumi
import pytest
from moto import mock_aws

from secretkit import demo
from secretkit.components import RotatingSecret
from secretkit.demo_alarms import received_events, role_without_policies, subscribed_queue
from secretkit.embedded import mocks
from secretkit.embedded.embedded_aws import EmbeddedAws
from secretkit.embedded.event_bus import Delivery, put_service_event
from secretkit.embedded.moto_fidelity import aws_like_versions
from secretkit.embedded.rotation_emulator import outcome_event

REGION = "us-east-1"


@pytest.fixture
def deployed(aws_env: None) -> Iterator[mocks.RecordingMonitor]:
    with mock_aws(), aws_like_versions():
        monitor = mocks.install(EmbeddedAws(region=REGION))

        def program() -> pulumi.Output[Any]:
            secret = RotatingSecret(
                "app",
                {
                    "secret_name": "prod/app/api-key",
                    "rotation": {"strategy": "password", "automatically_after_days": 30},
                },
            )
            return secret.alarm_topic_arn

        mocks.run(program)
        yield monitor


def state(monitor: mocks.RecordingMonitor, type_: str, key: str = "arn") -> str:
    return str(monitor.by_type(type_)[0].state[key])


def test_a_failed_rotation_reaches_the_rule_the_topic_and_its_subscriber(
    deployed: mocks.RecordingMonitor,
) -> None:
    secret_arn = state(deployed, "aws:secretsmanager/secret:Secret")
    topic_arn = state(deployed, "aws:sns/topic:Topic")
    rule_arn = state(deployed, "aws:cloudwatch/eventRule:EventRule")
    function = deployed.by_type("aws:lambda/function:Function")[0]
    url = subscribed_queue(topic_arn, REGION)
    deliveries: list[Delivery] = []
    with role_without_policies(str(function.plain_inputs["role"]).rsplit("/", 1)[-1], REGION):
        check = demo.rotate_one(
            "app",
            secret_arn,
            str(function.state["name"]),
            REGION,
            lambda _message: None,
            log_group=function.plain_inputs["loggingConfig"]["logGroup"],
            emit=lambda event: deliveries.extend(put_service_event(event)),
        )
    assert not check.ok
    # Refused at its first step (its logs are refused too, which fails the invocation first).
    assert check.detail.startswith("createSecret failed 2 time(s)")
    assert deliveries == [Delivery(rule_arn, topic_arn, True, deliveries[0].message_id)]
    [event] = received_events(url, REGION)
    assert event["source"] == "aws.secretsmanager"
    assert event["detail-type"] == "AWS Service Event via CloudTrail"
    assert event["detail"]["eventName"] == "RotationFailed"
    assert event["detail"]["additionalEventData"] == {"SecretId": secret_arn}
    assert event["detail"]["errorMessage"] == (
        "Error when executing the rotation function during createSecret step"
    )
    # The role's policies are back: the next rotation succeeds, and its event alarms nobody.
    assert demo.rotate_one(
        "app",
        secret_arn,
        str(function.state["name"]),
        REGION,
        lambda _message: None,
        log_group=function.plain_inputs["loggingConfig"]["logGroup"],
        emit=lambda event: deliveries.extend(put_service_event(event)),
    ).ok
    assert len(deliveries) == 1
    assert received_events(url, REGION) == []


def test_another_secrets_failure_is_not_routed(deployed: mocks.RecordingMonitor) -> None:
    secret_arn = state(deployed, "aws:secretsmanager/secret:Secret")
    other = secret_arn.replace("prod/app/api-key", "prod/app/other")
    assert put_service_event(outcome_event(other, "RotationFailed", "setSecret", "x")) == []


def test_a_rule_the_topic_policy_does_not_name_cannot_publish(
    deployed: mocks.RecordingMonitor,
) -> None:
    """A copy of the rule (same pattern, same target) made outside the stack: the topic's
    policy names only the stack's rule, so only that one delivers."""
    secret_arn = state(deployed, "aws:secretsmanager/secret:Secret")
    topic_arn = state(deployed, "aws:sns/topic:Topic")
    rule = deployed.by_type("aws:cloudwatch/eventRule:EventRule")[0]
    events = boto3.client("events", region_name=REGION)
    copy_arn = events.put_rule(
        Name="copied-rule", EventPattern=str(rule.plain_inputs["eventPattern"])
    )["RuleArn"]
    events.put_targets(Rule="copied-rule", Targets=[{"Id": "topic", "Arn": topic_arn}])
    deliveries = put_service_event(outcome_event(secret_arn, "RotationFailed", "testSecret"))
    assert {(d.rule_arn, d.published) for d in deliveries} == {
        (str(rule.state["arn"]), True),
        (copy_arn, False),
    }
    policy = json.loads(
        boto3.client("sns", region_name=REGION).get_topic_attributes(TopicArn=topic_arn)[
            "Attributes"
        ]["Policy"]
    )
    assert [s["Sid"] for s in policy["Statement"]] == [
        "PublishFromRotationRules",
        "PublishFromRotationAlarm",
    ]


def test_the_metric_alarm_is_deployed_on_the_functions_errors(
    deployed: mocks.RecordingMonitor,
) -> None:
    name = state(deployed, "aws:cloudwatch/metricAlarm:MetricAlarm", "name")
    alarm = boto3.client("cloudwatch", region_name=REGION).describe_alarms(AlarmNames=[name])[
        "MetricAlarms"
    ][0]
    function_name = state(deployed, "aws:lambda/function:Function", "name")
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", "Errors")
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": function_name}]
    assert alarm["AlarmActions"] == [state(deployed, "aws:sns/topic:Topic")]
    assert (alarm["Period"], alarm["EvaluationPeriods"]) == (300, 1)


def test_a_given_topic_that_does_not_exist_receives_nothing(
    deployed: mocks.RecordingMonitor,
) -> None:
    secret_arn = state(deployed, "aws:secretsmanager/secret:Secret")
    rule = deployed.by_type("aws:cloudwatch/eventRule:EventRule")[0]
    missing = state(deployed, "aws:sns/topic:Topic") + "-gone"
    events = boto3.client("events", region_name=REGION)
    events.put_rule(Name="to-nowhere", EventPattern=str(rule.plain_inputs["eventPattern"]))
    events.put_targets(Rule="to-nowhere", Targets=[{"Id": "gone", "Arn": missing}])
    deliveries = put_service_event(outcome_event(secret_arn, "RotationFailed", "setSecret"))
    assert [(d.topic_arn, d.published) for d in deliveries if d.topic_arn == missing] == [
        (missing, False)
    ]
