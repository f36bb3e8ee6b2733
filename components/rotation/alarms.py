"""Rotation alarms: a rule on the secrets' rotation events and an alarm on the rotation
function's Errors, both publishing to an SNS topic (given, or created with a policy naming
exactly those sources).

``register_rotation_alarms`` is the one entry point; RotatingSecret and RotationFunction call
it, and so can any component that watches a secret's rotation (a secret created elsewhere)::

    alarms = register_rotation_alarms(
        self, name, parse_alarms(args.get("alarms"), region),
        secret_arns=[secret_arn],      # whose rotation events alarm (none: no rule)
        function_name=function_name,   # whose Errors alarm (None: no metric alarm)
        where="ExistingSecret 'db'",
    )

A RotationFunction's created topic also takes its members' rules: a member passes the
function's RotationAlarms as ``join``, and its rule is named with the function's
``member_rule_prefix``, which the topic's policy names (so the policy does not grow as secrets
join, as the function's role does not).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from secretkit.components import physical_names
from secretkit.components.iam import policy_sizes
from secretkit.components.iam.topic_policy import (
    member_rules_pattern,
    rotation_alarm_topic_policy,
)
from secretkit.components.rotation.alarm_args import ARGUMENT, AlarmSettings
from secretkit.components.rotation.rotation_events import (
    alarm_description,
    event_pattern,
    rule_description,
)

#: The Lambda metric counting invocations that ended in an error (a rotation step that raised).
ERRORS_METRIC = ("AWS/Lambda", "Errors")
#: One 5-minute period with any error alarms: a rotation step that raises is a failed step.
PERIOD_SECONDS = 300
#: pulumi-aws names a resource given a name_prefix with the prefix and 26 unique characters
#: (terraform's id.PrefixedUniqueId); a rule name is at most 64 characters.
PREFIX_ROOM = physical_names.EVENT_RULE.max_length - 26


@dataclass(frozen=True)
class RotationAlarms:
    """What register_rotation_alarms registered."""

    topic_arn: pulumi.Output[str]
    """The topic alarms publish to (created, given, or the shared function's)."""
    topic: aws.sns.Topic | None
    topic_policy: aws.sns.TopicPolicy | None
    """The created topic's policy (None for a given or joined topic)."""
    rule: aws.cloudwatch.EventRule | None
    target: aws.cloudwatch.EventTarget | None
    alarm: aws.cloudwatch.MetricAlarm | None
    member_rule_prefix: str | None = None
    """The name prefix of the rules the created topic's policy admits besides its own (a
    RotationFunction's members'); None: members cannot join this topic's policy."""


def member_rule_prefix(name: str) -> str:
    """The name prefix of the rules of RotationFunction ``name``'s members: '<name>.rotation.'
    ('.' is in no rotation function's name, so no other function's prefix starts with it), or
    when too long, the name cut and a digest of it."""
    readable = f"{name}.rotation."
    if len(readable) <= PREFIX_ROOM:
        return readable
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: PREFIX_ROOM - len(digest) - 2]}.{digest}."


def joins(settings: AlarmSettings | None, join: RotationAlarms | None) -> bool:
    """Whether a member's rule publishes to its function's created topic (named with its
    prefix)."""
    return (
        settings is not None
        and settings.topic_arn is None
        and join is not None
        and join.member_rule_prefix is not None
    )


def check_alarm_names(
    name: str, settings: AlarmSettings | None, *, rule: bool, metric: bool, topic: bool
) -> None:
    """Refuse a component name that would give an invalid or too long physical name to the
    alarm resources it creates: a rule (auto-named), a metric alarm, a topic (``topic``:
    unless it joins one; a given topic_arn creates none)."""
    if settings is None:
        return
    derived = [
        *(physical_names.ALARM_RULE if rule else ()),
        *(physical_names.ALARM_METRIC if metric else ()),
        *(physical_names.ALARM_TOPIC if topic and settings.topic_arn is None else ()),
    ]
    physical_names.check(name, derived)


def register_secret_alarms(
    parent: pulumi.Resource,
    name: str,
    settings: AlarmSettings | None,
    *,
    secret_arn: pulumi.Input[str],
    function_name: pulumi.Input[str] | None,
    join: RotationAlarms | None,
    where: str,
    tags: Mapping[str, str] | None,
    depends_on: pulumi.Input[Sequence[pulumi.Resource]] | None,
) -> RotationAlarms | None:
    """One secret's rotation alarms (None when ``settings`` turns them off): a rule on its
    rotation events and an alarm on ``function_name``'s Errors (its own function's; None when a
    service rotates it); a member of a shared RotationFunction (``join``, the function's
    alarms) publishes to the function's topic, whose alarm watches the function."""
    if settings is None:
        return None
    return register_rotation_alarms(
        parent,
        name,
        settings,
        secret_arns=[secret_arn],
        function_name=None if join is not None else function_name,
        where=where,
        tags=tags,
        depends_on=depends_on,
        join=join,
    )


def check_secret_alarm_names(
    name: str, settings: AlarmSettings | None, join: RotationAlarms | None, *, own_function: bool
) -> None:
    """check_alarm_names for a secret's alarms: its rule (named with the shared function's
    prefix when it joins ``join``, that function's alarms), the alarm on its own function
    (``own_function``), its topic unless it publishes to the shared function's."""
    check_alarm_names(
        name,
        settings,
        rule=not joins(settings, join),
        metric=own_function,
        topic=join is None,
    )


def register_rotation_alarms(
    parent: pulumi.Resource,
    name: str,
    settings: AlarmSettings,
    *,
    secret_arns: Sequence[pulumi.Input[str]],
    function_name: pulumi.Input[str] | None,
    where: str,
    tags: Mapping[str, str] | None = None,
    depends_on: pulumi.Input[Sequence[pulumi.Resource]] | None = None,
    join: RotationAlarms | None = None,
    admit_members: bool = False,
) -> RotationAlarms:
    """The rule on ``secret_arns``' rotation events (none when empty), the alarm on
    ``function_name``'s Errors (none when None), and the topic both publish to: the one
    ``settings`` gives, else ``join``'s (a shared RotationFunction's), else a created one.

    ``where``: the component, as errors and descriptions name it. ``admit_members``: the
    created topic's policy also admits rules named with member_rule_prefix(name) (a
    RotationFunction's). ``depends_on``: what the first resources wait for (the input gate).
    """
    opts = pulumi.ResourceOptions(parent=parent, depends_on=depends_on)
    tag_map = dict(tags) if tags else None
    joined = joins(settings, join)
    rule = None
    if secret_arns:
        rule = aws.cloudwatch.EventRule(
            f"{name}-rotation",
            # A member's rule carries its function's prefix, which the function's topic admits.
            name_prefix=join.member_rule_prefix if joined and join is not None else None,
            description=rule_description(where),
            event_pattern=pulumi.Output.json_dumps(
                event_pattern(secret_arns, settings.rotation_succeeded)
            ),
            tags=tag_map,
            opts=opts,
        )
    topic = topic_policy = None
    if settings.topic_arn is not None:
        topic_arn = pulumi.Output.from_input(settings.topic_arn)
    elif join is not None:
        topic_arn = join.topic_arn
    else:
        # Unencrypted on purpose: the events carry the secret's ARN and the failing step,
        # never a value, and a topic under the AWS managed alias/aws/sns key cannot receive
        # from EventBridge or CloudWatch (their service principals are not in its key policy).
        topic = aws.sns.Topic(f"{name}-rotation-alarms", tags=tag_map, opts=opts)
        topic_arn = topic.arn
    alarm = None
    if function_name is not None:
        alarm = aws.cloudwatch.MetricAlarm(
            f"{name}-rotation-errors",
            alarm_description=alarm_description(where),
            namespace=ERRORS_METRIC[0],
            metric_name=ERRORS_METRIC[1],
            dimensions={"FunctionName": function_name},
            statistic="Sum",
            period=PERIOD_SECONDS,
            evaluation_periods=1,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=[topic_arn],
            tags=tag_map,
            opts=opts,
        )
    prefix = member_rule_prefix(name) if admit_members and topic is not None else None
    if topic is not None:
        topic_policy = register_topic_policy(
            parent,
            f"{name}-rotation-alarms",
            topic,
            rule=rule,
            alarm=alarm,
            prefix=prefix,
            where=where,
        )
    target = None
    if rule is not None:
        waits = topic_policy if topic_policy is not None else join.topic_policy if join else None
        target = aws.cloudwatch.EventTarget(
            f"{name}-rotation",
            rule=rule.name,
            arn=topic_arn,
            opts=pulumi.ResourceOptions(
                parent=parent, depends_on=[waits] if waits is not None else []
            ),
        )
    return RotationAlarms(topic_arn, topic, topic_policy, rule, target, alarm, prefix)


def register_topic_policy(
    parent: pulumi.Resource,
    topic_name: str,
    topic: aws.sns.Topic,
    *,
    rule: aws.cloudwatch.EventRule | None,
    alarm: aws.cloudwatch.MetricAlarm | None,
    prefix: str | None,
    where: str,
) -> aws.sns.TopicPolicy:
    """The created topic's policy: publish from the rule, the members' rules (``prefix``) and
    the alarm, nothing else."""
    members = topic.arn.apply(lambda arn: member_rules_pattern(arn, prefix)) if prefix else None
    policy = pulumi.Output.json_dumps(
        rotation_alarm_topic_policy(
            topic.arn,
            rule_arns=[rule.arn] if rule is not None else [],
            member_rules=members,
            alarm_arns=[alarm.arn] if alarm is not None else [],
        )
    ).apply(lambda text: policy_sizes.topic_policy_within_limit(text, topic_name, ARGUMENT, where))
    return aws.sns.TopicPolicy(
        topic_name, arn=topic.arn, policy=policy, opts=pulumi.ResourceOptions(parent=parent)
    )
