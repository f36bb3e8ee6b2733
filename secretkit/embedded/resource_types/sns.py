"""SNS topics and topic policies in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import Account, Record, ResourceType, tags


def _create_topic(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    topic = autoname(name, p)
    arn = aws.client("sns", region).create_topic(Name=topic, Tags=tags(p))["TopicArn"]
    return arn, {"name": topic, "arn": arn}


def _delete_topic(aws: Account, record: Record) -> None:
    aws.client("sns", record.region).delete_topic(TopicArn=record.id)


def _create_topic_policy(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    aws.client("sns", region).set_topic_attributes(
        TopicArn=p["arn"], AttributeName="Policy", AttributeValue=p["policy"]
    )
    return str(p["arn"]), {}


def _update_topic_policy(
    aws: Account, old: Record, p: dict[str, Any], region: str
) -> dict[str, Any]:
    _create_topic_policy(aws, old.name, p, region)  # SetTopicAttributes replaces the policy
    return {}


TYPES = (
    ResourceType("aws:sns/topic:Topic", create=_create_topic, delete=_delete_topic),
    ResourceType(
        "aws:sns/topicPolicy:TopicPolicy",
        create=_create_topic_policy,
        update=_update_topic_policy,
        replace_on=frozenset({"arn", "region"}),
    ),
)
