"""AWS cron() expressions: each field's values and wildcards, and the shortest gap between runs.

The grammar is EventBridge's (Secrets Manager rotation schedules use it too), from "Cron
expressions reference" in the Amazon EventBridge user guide:

=============  ===============  ================
Field          Values           Wildcards
=============  ===============  ================
Minutes        0-59             , - * /
Hours          0-23             , - * /
Day-of-month   1-31             , - * ? / L W
Month          1-12 or JAN-DEC  , - * /
Day-of-week    1-7 or SUN-SAT   , - * ? L #
Year           1970-2199        , - * /
=============  ===============  ================

Exactly one of day-of-month and day-of-week is '?'. ``L``, ``W`` and ``#`` stand alone in their
field (``L``, ``LW`` or ``15W`` in day-of-month; ``L``, ``6L`` or ``3#2`` in day-of-week).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date

_CRON_RE = re.compile(r"cron\((.*)\)", re.DOTALL)
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Field:
    """One of the six fields: its name, range, wildcards and value names."""

    name: str
    low: int
    high: int
    wildcards: str
    names: tuple[str, ...] = ()

    def value(self, text: str) -> int | None:
        """A number or name of this field within its range, else None."""
        upper = text.upper()
        if upper in self.names:
            return self.names.index(upper) + self.low
        if text.isdigit() and text.isascii() and self.low <= int(text) <= self.high:
            return int(text)
        return None

    @property
    def max_step(self) -> int:
        """The largest increment after '/' (Quartz, which AWS's cron follows, refuses a step
        larger than the field's highest value; the year has no such bound)."""
        return self.high - self.low if self.name == "year" else self.high


MINUTE = Field("minutes", 0, 59, ",-*/")
HOUR = Field("hours", 0, 23, ",-*/")
DAY_OF_MONTH = Field("day-of-month", 1, 31, ",-*?/LW")
MONTH = Field("month", 1, 12, ",-*/", MONTHS)
DAY_OF_WEEK = Field("day-of-week", 1, 7, ",-*?L#", WEEKDAYS)
YEAR = Field("year", 1970, 2199, ",-*/")
FIELDS = (MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR)


class CronError(ValueError):
    """What is wrong with a cron() expression, in words (the caller names the argument)."""


@dataclass(frozen=True)
class Cron:
    """A parsed cron() expression: its six fields as written, and the minutes and hours it
    fires at."""

    fields: tuple[str, str, str, str, str, str]
    minutes: frozenset[int]
    hours: frozenset[int]

    def field(self, name: str) -> str:
        """The text of one field, by name."""
        return self.fields[[f.name for f in FIELDS].index(name)]

    def min_gap_minutes(self) -> int:
        """The shortest time between two runs, judged from the minute and hour fields alone.

        Conservative: the day fields are assumed to allow two consecutive days, so the gap from
        the day's last run to the next day's first counts too. A schedule that fires once a
        day gives 1440 (it may fire every day).
        """
        times = sorted(h * 60 + m for h in self.hours for m in self.minutes)
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        gaps.append(MINUTES_PER_DAY - times[-1] + times[0])
        return min(gaps)

    def fires_on(self, day: date) -> bool | None:
        """Whether the schedule runs on ``day`` (UTC), from the day-of-month, month,
        day-of-week and year fields; None when a field uses a calendar form ('L', 'W', '#')
        this parser does not expand. Day-of-week 1-7 is SUN-SAT."""
        checks = (
            (DAY_OF_MONTH, day.day),
            (MONTH, day.month),
            (DAY_OF_WEEK, day.isoweekday() % 7 + 1),
            (YEAR, day.year),
        )
        for field, value in checks:
            text = self.field(field.name)
            if text == "?":
                continue
            selected = _parse_field(field, text)
            if selected is None:
                return None
            if value not in selected:
                return False
        return True


def parse(expression: str) -> Cron:
    """Parse ``cron(...)``; raises CronError saying which field breaks which rule."""
    match = _CRON_RE.fullmatch(expression)
    if not match:
        raise CronError("must be written cron(minutes hours day-of-month month day-of-week year)")
    texts = match.group(1).split()
    if len(texts) != len(FIELDS):
        raise CronError(
            "cron() takes six fields: minutes hours day-of-month month day-of-week year, "
            f"got {len(texts)}"
        )
    values = [_parse_field(field, text) for field, text in zip(FIELDS, texts, strict=True)]
    day_of_month, day_of_week = texts[2], texts[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise CronError("exactly one of day-of-month and day-of-week must be '?' in cron()")
    minutes, hours = values[0], values[1]
    # Neither field admits '?', 'L' or '#'.
    assert minutes is not None
    assert hours is not None
    return Cron(
        fields=(texts[0], texts[1], texts[2], texts[3], texts[4], texts[5]),
        minutes=frozenset(minutes),
        hours=frozenset(hours),
    )


def _parse_field(field: Field, text: str) -> set[int] | None:
    """The values a field selects; None for the forms that depend on the calendar ('?', 'L',
    'W', '#')."""
    allowed = set(field.wildcards)
    bad = sorted({c for c in text if not (c.isascii() and c.isalnum()) and c not in allowed})
    if bad:
        raise CronError(
            f"the {field.name} field {text!r} uses {''.join(bad)!r}; its wildcards are "
            f"{' '.join(field.wildcards)}"
        )
    if _special(field, text):
        return None
    selected: set[int] = set()
    for item in text.split(","):
        selected |= _item(field, item, text)
    return selected


def _special(field: Field, text: str) -> bool:
    """Whether ``text`` is one of the stand-alone forms of this field: '?' in either day field;
    'L', 'LW' or 15W in day-of-month; 'L', 6L or 3#2 in day-of-week."""
    if text == "?":
        return "?" in field.wildcards
    if field is DAY_OF_MONTH:
        return text in ("L", "LW") or (text.endswith("W") and field.value(text[:-1]) is not None)
    if field is DAY_OF_WEEK:
        if text == "L" or (text.endswith("L") and field.value(text[:-1]) is not None):
            return True
        day, hash_sign, nth = text.partition("#")
        return bool(hash_sign) and field.value(day) is not None and nth in {"1", "2", "3", "4", "5"}
    return False


#: How each day field's calendar forms are written (they stand alone in their field).
_SPECIAL_FORMS = {
    "day-of-month": "; or '?', 'L', 'LW' or a day and W (15W), alone in the field",
    "day-of-week": "; or '?', 'L', a day and L (6L) or day#n (3#2, n 1-5), alone in the field",
}


def _item(field: Field, item: str, text: str) -> set[int]:
    """One comma-separated item: '*', a value, a range a-b, each optionally /step."""
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if "/" not in field.wildcards:
            raise CronError(f"the {field.name} field {text!r} cannot use '/'")
        if not (step_text.isdigit() and step_text.isascii()) or not (
            1 <= int(step_text) <= field.max_step
        ):
            raise CronError(
                f"the {field.name} field {text!r} has increment {step_text!r}; it must be a "
                f"whole number from 1 to {field.max_step}"
            )
        step = int(step_text)
    if base == "*":
        start, end = field.low, field.high
    elif "-" in base:
        first, _, last = base.partition("-")
        start_value, end_value = field.value(first), field.value(last)
        if start_value is None or end_value is None:
            raise CronError(_out_of_range(field, text))
        start, end = start_value, end_value
        if field is YEAR and end < start:
            raise CronError(f"the year field {text!r} has a range that ends before it starts")
    else:
        value = field.value(base)
        if value is None:
            raise CronError(_out_of_range(field, text))
        # 'a/n' runs from a to the field's end; a single value is just itself.
        start, end = value, field.high if slash else value
    return _expand(field, start, end, step)


def _expand(field: Field, start: int, end: int, step: int) -> set[int]:
    """start, start+step, ... up to end; a range such as 22-2 wraps past the field's end."""
    span = field.high - field.low + 1
    length = (end - start) % span
    return {
        field.low + (start - field.low + offset) % span for offset in range(0, length + 1, step)
    }


def _out_of_range(field: Field, text: str) -> str:
    names = f" or {field.names[0]}-{field.names[-1]}" if field.names else ""
    steps = " and increments (a/n, */n)" if "/" in field.wildcards else ""
    return (
        f"the {field.name} field {text!r} is not valid: it takes values {field.low}-{field.high}"
        f"{names}, ranges (a-b), lists (a,b){steps}" + _SPECIAL_FORMS.get(field.name, "")
    )
