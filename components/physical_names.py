"""The AWS names Pulumi derives from a component's name, checked before anything is registered.

Children are named '<component>-<suffix>' and most of them are auto-named: AWS gets the child's
name plus Pulumi's default random suffix, '-' and 7 hex characters (the pulumi-aws bridge's
AutoName, which also fails a name over the resource's maximum length). A component name that
would produce an invalid or too long IAM role or Lambda function name is refused up front
rather than half-way through a deployment. Physical names secretkit sets itself (the secret's
and parameter's names) are checked as arguments; KMS keys and the other children have no name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from secretkit.components import limits, validation

#: Pulumi's default auto-naming appends '-' and 7 random hex characters.
AUTONAME_SUFFIX = 8


@dataclass(frozen=True)
class NameRule:
    """What AWS accepts as one kind of name."""

    kind: str
    max_length: int
    characters: re.Pattern[str]
    """Matches one allowed character."""
    described: str


_IAM_CHARACTERS = re.compile(r"[\w+=,.@-]", re.ASCII)
IAM_ROLE = NameRule(
    "IAM role name",
    limits.IAM_ROLE_NAME.maximum,
    _IAM_CHARACTERS,
    "letters, digits and + = , . @ _ -",
)
IAM_POLICY = NameRule(
    "IAM policy name",
    limits.IAM_POLICY_NAME.maximum,
    _IAM_CHARACTERS,
    "letters, digits and + = , . @ _ -",
)
LAMBDA_FUNCTION = NameRule(
    "Lambda function name",
    limits.LAMBDA_FUNCTION_NAME.maximum,
    re.compile(r"[A-Za-z0-9_-]"),
    "letters, digits, - and _",
)
LAMBDA_STATEMENT = NameRule(
    "Lambda permission statement id", 100, re.compile(r"[A-Za-z0-9_-]"), "letters, digits, - and _"
)
LOG_GROUP = NameRule(
    "CloudWatch log group name",
    limits.LOG_GROUP_NAME.maximum,
    re.compile(r"[A-Za-z0-9._/#-]"),
    "letters, digits and . _ - / #",
)
EVENT_RULE = NameRule(
    "EventBridge rule name", 64, re.compile(r"[A-Za-z0-9._-]"), "letters, digits and . _ -"
)
SNS_TOPIC = NameRule(
    "SNS topic name",
    limits.SNS_TOPIC_NAME.maximum,
    re.compile(r"[A-Za-z0-9_-]"),
    "letters, digits, - and _",
)
METRIC_ALARM = NameRule(
    "CloudWatch alarm name",
    limits.ALARM_NAME.maximum,
    re.compile(r"[^\x00-\x1f]"),
    "printable characters",
)

#: A rotation function's children, all named '<component>-rotation' (rotation/lambda_function.py).
ROTATION_FUNCTION = tuple(
    ("-rotation", rule)
    for rule in (IAM_ROLE, IAM_POLICY, LOG_GROUP, LAMBDA_FUNCTION, LAMBDA_STATEMENT)
)

#: Rotation alarms' children (rotation/alarms.py): the rule on a secret's rotation events, the
#: alarm on a function's Errors, the topic they publish to.
ALARM_RULE = (("-rotation", EVENT_RULE),)
ALARM_METRIC = (("-rotation-errors", METRIC_ALARM),)
ALARM_TOPIC = (("-rotation-alarms", SNS_TOPIC),)

Derived = Iterable[tuple[str, NameRule]]


def check(name: str, derived: Derived, argument: str = "name") -> str:
    """Refuse a component ``name`` for which one of the ``derived`` (suffix, rule) names would
    be invalid: a character the rule does not allow, or longer than its maximum once Pulumi's
    suffix is added."""
    for suffix, rule in derived:
        check_characters(name, suffix, rule, argument)
        physical = f"{name}{suffix}"
        total = len(physical) + AUTONAME_SUFFIX
        if total > rule.max_length:
            room = rule.max_length - AUTONAME_SUFFIX - len(suffix)
            raise validation.fail(
                argument,
                name,
                f"would name the {rule.kind} '{physical}-<suffix>', {total} characters with "
                f"Pulumi's {AUTONAME_SUFFIX}-character random suffix; {rule.kind}s are at most "
                f"{rule.max_length} characters, so this component's name may have at most {room}",
            )
    return name


def check_characters(name: str, suffix: str, rule: NameRule, argument: str = "name") -> None:
    """Refuse a component ``name`` whose characters ``rule`` does not allow in the name
    '<name><suffix>-<random suffix>'."""
    physical = f"{name}{suffix}"
    bad = sorted({c for c in physical if not rule.characters.fullmatch(c)})
    if bad:
        raise validation.fail(
            argument,
            name,
            f"would name the {rule.kind} '{physical}-<suffix>', which may not contain "
            f"{''.join(bad)!r}: {rule.kind}s are made of {rule.described}",
        )
