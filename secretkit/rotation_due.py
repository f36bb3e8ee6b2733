"""When a secret's rotation is due, from DescribeSecret's RotationRules, and whether it is late.

Facts used (botocore's secretsmanager service model, RotationRulesType and DescribeSecret; the
same text at https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html):

- AutomaticallyAfterDays: "Secrets Manager calculates the next rotation date based on the
  previous rotation. Manually updating the secret value by calling PutSecretValue or
  UpdateSecret is considered a valid rotation." So the last valid rotation is when the
  AWSCURRENT version was created (ListSecretVersionIds' CreatedDate: "The date and time this
  version of the secret was created"); LastRotatedDate ("The last date and time that Secrets
  Manager rotated the secret") is the fallback when that date is unknown.
- ScheduleExpression: "If you use a rate() expression, the rotation window starts at midnight.
  For a rate in hours, the default rotation window closes after one hour. For a rate in days,
  the default rotation window closes at the end of the day." The same defaults hold for a
  cron() "that represents a schedule in hours" / "in days".
- Duration: "The length of the rotation window in hours, for example 3h".
- NextRotationDate: "The next rotation is scheduled to occur on or before this date ... If
  rotation is unsuccessful, this date may be in the past."

A secret is overdue when the window its rotation was due in has closed and AWSCURRENT is older
than that window's start.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from secretkit.components import cron
from secretkit.components.validation import rate_interval_hours

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
#: How far back and ahead a cron() schedule's windows are looked for.
CRON_HORIZON_DAYS = 400


@dataclass(frozen=True)
class Due:
    """When rotation is due and whether it is late: ``overdue`` is None when it cannot be told
    (no schedule, rotation off, or a cron() form this parser does not expand)."""

    due_by: datetime | None
    """When the window the next (or missed) rotation belongs to closes."""
    overdue: bool | None
    reason: str


def utc(value: Any) -> datetime | None:
    """A datetime in UTC (naive ones are taken as UTC), or None."""
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def window_length(rules: dict[str, Any], hourly: bool, start: datetime) -> timedelta:
    """The rotation window: Duration ('3h'), else an hour for a schedule in hours, else to the
    end of the window's UTC day."""
    duration = re.fullmatch(r"(\d+)h", str(rules.get("Duration") or ""))
    if duration:
        return timedelta(hours=int(duration.group(1)))
    if hourly:
        return HOUR
    return midnight(start) + DAY - start


def midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def rotation_due(
    rules: dict[str, Any], last: datetime | None, now: datetime, next_rotation: Any = None
) -> Due:
    """When the rotation after ``last`` (the last valid rotation) is due under ``rules``."""
    if last is None:
        return Due(None, None, "no date of the last rotation or of the current version")
    expression = str(rules.get("ScheduleExpression") or "")
    days = rules.get("AutomaticallyAfterDays")
    if not expression and days:
        expression = f"rate({days} days)"
    hours = rate_interval_hours(expression) if expression else None
    if hours is not None:
        return _rate_due(rules, hours, last, now)
    if expression.startswith("cron("):
        return _cron_due(rules, expression, last, now, utc(next_rotation))
    return Due(None, None, f"no rotation schedule ({expression or 'none'})")


def _rate_due(rules: dict[str, Any], hours: int, last: datetime, now: datetime) -> Due:
    if hours % 24 == 0:
        # Windows of a rate in days open at midnight: the one after `last` opens N days after
        # the midnight before it.
        start = midnight(last) + timedelta(hours=hours)
        end = start + window_length(rules, False, start)
    else:
        # A rate in hours: the next window opens at most N hours after the last rotation.
        start = last + timedelta(hours=hours)
        end = start + window_length(rules, True, start)
    return Due(end, now > end, f"every {hours} hours from {last.isoformat()}")


def _cron_due(
    rules: dict[str, Any],
    expression: str,
    last: datetime,
    now: datetime,
    next_rotation: datetime | None,
) -> Due:
    try:
        parsed = cron.parse(expression)
    except cron.CronError as error:
        return Due(None, None, f"unreadable schedule: {error}")
    hourly = len(parsed.hours) > 1
    # The first window opening after the last rotation: missed if it has closed.
    start = _first_window_after(parsed, last, now + CRON_HORIZON_DAYS * DAY)
    if start is None:
        if next_rotation is not None:  # AWS's own date: "may be in the past" after failures
            return Due(next_rotation, now > next_rotation, "AWS's NextRotationDate")
        return Due(None, None, f"unknown: {expression} uses a form not expanded here")
    end = start + window_length(rules, hourly, start)
    return Due(end, now > end, f"{expression} window opening {start.isoformat()}")


def _first_window_after(parsed: cron.Cron, after: datetime, limit: datetime) -> datetime | None:
    """The first time the schedule fires strictly after ``after``, up to ``limit``; None when
    a day field uses a form fires_on cannot tell."""
    times = sorted(timedelta(hours=h, minutes=m) for h in parsed.hours for m in parsed.minutes)
    day = midnight(after)
    while day <= limit:
        fires = parsed.fires_on(day.date())
        if fires is None:
            return None
        if fires:
            for offset in times:
                if day + offset > after:
                    return day + offset
        day += DAY
    return None
