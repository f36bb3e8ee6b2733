"""The default event bus routing an AWS service's event to the SNS topics its rules target, as
EventBridge does, with the topic's policy deciding: what moto lacks (no service of moto emits
CloudTrail's service events, and moto's put_events raises NotImplementedError for a rule with
an SNS target). Rules are matched with moto's own EventBridge pattern matcher."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

import boto3
from botocore.exceptions import ClientError
from moto.events.models import EventPattern

from secretkit.embedded.iam_evaluation import Request, is_allowed

EVENTS_PRINCIPAL = "events.amazonaws.com"


@dataclass(frozen=True)
class Delivery:
    """One matching rule's SNS target: whether its topic's policy let the rule publish."""

    rule_arn: str
    topic_arn: str
    published: bool
    message_id: str | None = None


def publish_allowed(policy: str | None, topic_arn: str, rule_arn: str, account: str) -> bool:
    """Whether the topic's policy lets EventBridge publish an event routed by ``rule_arn``
    (with no policy, only the topic owner's principals may: not a service)."""
    if not policy:
        return False
    request = Request(
        principal_arns=(EVENTS_PRINCIPAL,),
        action="sns:Publish",
        resource=topic_arn,
        context={"aws:SourceArn": rule_arn, "aws:SourceAccount": account},
    )
    return is_allowed(request, [], [json.loads(policy)])


def put_service_event(event: dict[str, Any]) -> list[Delivery]:
    """Route ``event`` (as EventBridge delivers it: rotation_events.rotation_event) through the
    rules of the default bus of its region: each
    matching rule's SNS targets get it as the message, if their topic's policy allows."""
    region, account = event["region"], event["account"]
    events = boto3.client("events", region_name=region)
    sns = boto3.client("sns", region_name=region)
    deliveries = []
    for page in events.get_paginator("list_rules").paginate():
        for rule in page["Rules"]:
            pattern = rule.get("EventPattern")
            # moto types the event as its own TypedDict; ours has the same keys.
            if not pattern or not EventPattern.load(pattern).matches_event(cast(Any, event)):
                continue
            targets = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
            for target in targets:
                topic = target["Arn"]
                if topic.split(":")[2] != "sns":
                    continue
                try:
                    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
                except ClientError:  # no such topic: EventBridge's delivery fails the same way
                    deliveries.append(Delivery(rule["Arn"], topic, False))
                    continue
                if not publish_allowed(attributes.get("Policy"), topic, rule["Arn"], account):
                    deliveries.append(Delivery(rule["Arn"], topic, False))
                    continue
                sent = sns.publish(TopicArn=topic, Message=json.dumps(event))
                deliveries.append(Delivery(rule["Arn"], topic, True, sent["MessageId"]))
    return deliveries
