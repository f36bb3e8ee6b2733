"""SNS topic policies: only the named EventBridge rules and CloudWatch alarms may publish."""

from __future__ import annotations

from collections.abc import Sequence
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


def rotation_alarm_topic_policy(
    topic_arn: pulumi.Input[str],
    *,
    rule_arns: Sequence[pulumi.Input[str]] = (),
    member_rules: pulumi.Input[str] | None = None,
    alarm_arns: Sequence[pulumi.Input[str]] = (),
) -> dict[str, Any]:
    """sns:Publish on a rotation alarm topic for exactly these sources: EventBridge from
    ``rule_arns`` (the rules on a secret's rotation events) or from the rules whose ARN matches
    ``member_rules`` (those of a RotationFunction's members, named with its prefix), CloudWatch
    from ``alarm_arns`` (the alarms on the rotation functions' Errors)."""
    statements = []
    if rule_arns:
        statements.append(rotation_rules_publish_statement(topic_arn, rule_arns))
    if member_rules is not None:
        statements.append(member_rules_publish_statement(topic_arn, member_rules))
    if alarm_arns:
        statements.append(rotation_alarm_publish_statement(topic_arn, alarm_arns))
    if not statements:
        raise ValueError("a rotation alarm topic's policy needs a rule or an alarm to name")
    return document(*statements)


def rotation_rules_publish_statement(
    topic_arn: pulumi.Input[str], rule_arns: Sequence[pulumi.Input[str]]
) -> dict[str, Any]:
    """events.amazonaws.com may publish, only for events routed by one of ``rule_arns``."""
    return statement(
        "PublishFromRotationRules",
        ("sns:Publish",),
        [topic_arn],
        condition={"ArnEquals": {"aws:SourceArn": list(rule_arns)}},
        principal={"Service": "events.amazonaws.com"},
    )


def member_rules_publish_statement(
    topic_arn: pulumi.Input[str], member_rules: pulumi.Input[str]
) -> dict[str, Any]:
    """events.amazonaws.com may publish, only for events routed by a rule whose ARN matches
    ``member_rules`` (member_rules_pattern): the statement stays the same size however many
    secrets join the function."""
    return statement(
        "PublishFromMemberRotationRules",
        ("sns:Publish",),
        [topic_arn],
        condition={"ArnLike": {"aws:SourceArn": member_rules}},
        principal={"Service": "events.amazonaws.com"},
    )


def member_rules_pattern(topic_arn: str, prefix: str) -> str:
    """The ARN of every EventBridge rule named with ``prefix``, in the topic's partition,
    region and account (a rotation alarm rule lives where its topic does)."""
    _, partition, _, region, account, _ = topic_arn.split(":", 5)
    return f"arn:{partition}:events:{region}:{account}:rule/{prefix}*"


def rotation_alarm_publish_statement(
    topic_arn: pulumi.Input[str], alarm_arns: Sequence[pulumi.Input[str]]
) -> dict[str, Any]:
    """cloudwatch.amazonaws.com may publish, only for one of ``alarm_arns``' state changes."""
    return statement(
        "PublishFromRotationAlarm",
        ("sns:Publish",),
        [topic_arn],
        condition={"ArnEquals": {"aws:SourceArn": list(alarm_arns)}},
        principal={"Service": "cloudwatch.amazonaws.com"},
    )
