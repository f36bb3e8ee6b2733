"""EventBridge rule routing one parameter's policy events to an SNS topic it may publish to."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from secretkit.components import limits
from secretkit.components.iam import policy_sizes
from secretkit.components.iam.topic_policy import events_publish_policy

#: The detail-type Parameter Store uses for Expiration/ExpirationNotification/NoChangeNotification.
POLICY_ACTION_DETAIL_TYPE = "Parameter Store Policy Action"


def event_pattern(parameter_name: str) -> dict[str, object]:
    """Matches policy events of this one parameter."""
    return {
        "source": ["aws.ssm"],
        "detail-type": [POLICY_ACTION_DETAIL_TYPE],
        "detail": {"parameter-name": [parameter_name]},
    }


def rule_description(parameter_name: str) -> str:
    """The rule's description, naming the parameter; a name too long for EventBridge's 512
    characters is cut and followed by '...' and a digest (limits.shorten), so only names AWS
    would have refused change."""
    return limits.shorten(
        limits.EVENT_RULE_DESCRIPTION,
        "Parameter Store policy events of ",
        parameter_name,
        " (secretkit)",
    )


@dataclass(frozen=True)
class Notifications:
    """The resources behind a parameter's notifications."""

    rule: aws.cloudwatch.EventRule
    target: aws.cloudwatch.EventTarget
    topic_arn: pulumi.Output[str]
    topic: aws.sns.Topic | None
    topic_policy: aws.sns.TopicPolicy | None


def create_notifications(
    name: str,
    *,
    parameter_name: str,
    topic_arn: str | None,
    tags: Mapping[str, str] | None,
    parent: pulumi.Resource,
    gate: pulumi.Input[list[pulumi.Resource]] | None = None,
) -> Notifications:
    """Rule, target and (unless ``topic_arn`` is given) a topic with its publish policy.

    A topic you bring keeps its own policy: secretkit cannot merge into it, so allow
    events.amazonaws.com to publish from the rule (the statement is in
    docs/components/secure-parameter.md).
    ``gate`` holds back the first resources until deferred argument checks pass.
    """
    opts = pulumi.ResourceOptions(parent=parent, depends_on=gate)
    rule = aws.cloudwatch.EventRule(
        f"{name}-policy-events",
        description=rule_description(parameter_name),
        event_pattern=json.dumps(event_pattern(parameter_name)),
        tags=dict(tags) if tags else None,
        opts=opts,
    )
    topic = None
    topic_policy = None
    target_depends: list[pulumi.Resource] = []
    if topic_arn is None:
        # Unencrypted on purpose: events carry the parameter name, never its value, and an SNS
        # topic under the AWS managed key cannot receive from EventBridge.
        topic = aws.sns.Topic(f"{name}-notifications", tags=dict(tags) if tags else None, opts=opts)
        topic_policy = aws.sns.TopicPolicy(
            f"{name}-notifications",
            arn=topic.arn,
            policy=pulumi.Output.json_dumps(events_publish_policy(topic.arn, rule.arn)).apply(
                lambda text: policy_sizes.topic_policy_within_limit(
                    text, f"{name}-notifications", "notifications"
                )
            ),
            opts=opts,
        )
        target_depends.append(topic_policy)
        resolved_topic: pulumi.Output[str] = topic.arn
    else:
        resolved_topic = pulumi.Output.from_input(topic_arn)
    target = aws.cloudwatch.EventTarget(
        f"{name}-policy-events",
        rule=rule.name,
        arn=resolved_topic,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=target_depends),
    )
    return Notifications(rule, target, resolved_topic, topic, topic_policy)
