"""The ``alarms`` argument of RotatingSecret and RotationFunction: its TypedDict and its check."""

# Annotations here stay evaluated (no `from __future__ import annotations`): the package schema
# (provider/) is inferred from them at run time.
from dataclasses import dataclass
from typing import Any, TypedDict

from secretkit.components import validation

ARGUMENT = "alarms"


class AlarmArgs(TypedDict, total=False):
    """Where rotation alarms go. Alarms are on by default (a topic is created); enabled=False
    turns them off (in Python, alarms=False does too)."""

    enabled: bool
    """False: no rule, alarm or topic (default True)."""
    topic_arn: str
    """An existing SNS topic in the component's region to publish to, instead of a created one.
    Its owner must let the rule and the alarm publish (the statements are in
    docs/rotation.md#alarms); if the topic is encrypted, its key must let events.amazonaws.com
    and cloudwatch.amazonaws.com use it (the AWS managed alias/aws/sns key cannot)."""
    rotation_succeeded: bool
    """Also publish Secrets Manager's RotationSucceeded events (default False: only
    RotationFailed and RotationAbandoned)."""


KEYS = tuple(AlarmArgs.__annotations__)


@dataclass(frozen=True)
class AlarmSettings:
    """The ``alarms`` argument checked: where alarms go and which events they carry."""

    topic_arn: str | None = None
    """The topic given; None: publish to a topic the component creates (or its shared
    RotationFunction's)."""
    rotation_succeeded: bool = False


def parse_alarms(value: Any, region: str | None = None) -> AlarmSettings | None:
    """``alarms`` as given (absent/None or True: on, with a created topic; False: off; a
    mapping of AlarmArgs); None when alarms are off. ``region``: the component's region when
    known, which a given topic must be in (EventBridge and CloudWatch publish only to a topic
    in their own region)."""
    if value is None or value is True:
        return AlarmSettings()
    if value is False:
        return None
    if not isinstance(value, dict):
        raise validation.fail(
            ARGUMENT,
            value,
            "must be True, False or a mapping with enabled, topic_arn, rotation_succeeded",
        )
    validation.reject_unknown_keys(ARGUMENT, value, KEYS)
    if not validation.require_bool(f"{ARGUMENT}.enabled", value.get("enabled", True)):
        extra = sorted(key for key in value if key != "enabled")
        if extra:
            raise validation.fail(
                ARGUMENT, value, f"turns alarms off (enabled=False) but also sets {extra}"
            )
        return None
    topic = value.get("topic_arn")
    if topic is not None:
        topic = validation.topic_arn(f"{ARGUMENT}.topic_arn", topic)
        if region is not None:
            check_topic_region(topic, region)
    return AlarmSettings(
        topic_arn=topic,
        rotation_succeeded=validation.require_bool(
            f"{ARGUMENT}.rotation_succeeded", value.get("rotation_succeeded", False)
        ),
    )


def check_topic_region(topic_arn: str, region: str) -> None:
    """A given topic must be in the component's region."""
    validation.in_region(
        f"{ARGUMENT}.topic_arn",
        topic_arn,
        region,
        "the component",
        "an EventBridge rule and a CloudWatch alarm publish only to an SNS topic in their own "
        "region",
    )
