"""SNS topic policy letting one EventBridge rule, and nothing else, publish to the topic."""

from __future__ import annotations

from typing import Any

import pulumi

from secretkit.components.iam.documents import document, statement


def events_publish_policy(
    topic_arn: pulumi.Input[str], rule_arn: pulumi.Input[str]
) -> dict[str, Any]:
    """sns:Publish for events.amazonaws.com, only when the event comes from ``rule_arn``."""
    return document(events_publish_statement(topic_arn, rule_arn))


def events_publish_statement(
    topic_arn: pulumi.Input[str], rule_arn: pulumi.Input[str]
) -> dict[str, Any]:
    """The single statement, for users who manage their own topic's policy."""
    return statement(
        "PublishFromParameterPolicyRule",
        ("sns:Publish",),
        [topic_arn],
        condition={"ArnEquals": {"aws:SourceArn": rule_arn}},
        principal={"Service": "events.amazonaws.com"},
    )
