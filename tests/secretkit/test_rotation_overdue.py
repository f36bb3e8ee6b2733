"""Overdue rotation: when a schedule's window closes (rotation_due), `secretkit status` saying
OVERDUE (text and --json) against moto, and `secretkit rotations` over a program's secrets.

moto reports only AutomaticallyAfterDays in RotationRules and dates every version "now"
(secretkit.embedded.moto_fidelity dates them once, at creation): the tests age a version and
give a secret a ScheduleExpression/Duration by patching moto's FakeSecret, as noted where done.
"""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from moto.secretsmanager import models

from secretkit import cli
from secretkit.embedded.mocks import ACCOUNT_ID, REGION
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.rotation_due import rotation_due
from tests.rotation_handlers.conftest import LAMBDA_ARN

LAST = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)  # a Monday


def at(days: float = 0, hours: float = 0) -> datetime:
    return LAST + timedelta(days=days, hours=hours)


# --- rotation_due: the schedules -------------------------------------------------------------


def test_automatically_after_days_is_due_at_the_end_of_the_day_n_days_later() -> None:
    # "For a rate in days, the default rotation window closes at the end of the day."
    rules = {"AutomaticallyAfterDays": 30}
    on_time = rotation_due(rules, LAST, at(days=30, hours=13))  # 2 Dec 23:30
    assert on_time.overdue is False
    assert on_time.due_by == datetime(2026, 12, 3, tzinfo=UTC)
    assert rotation_due(rules, LAST, at(days=30, hours=13.6)).overdue is True


def test_rate_in_days_with_a_duration_closes_after_it() -> None:
    rules = {"ScheduleExpression": "rate(10 days)", "Duration": "3h"}
    due = rotation_due(rules, LAST, at(days=11))
    assert due.due_by == datetime(2026, 11, 12, 3, tzinfo=UTC)  # midnight + 3h
    assert due.overdue is True
    assert rotation_due(rules, LAST, datetime(2026, 11, 12, 2, 59, tzinfo=UTC)).overdue is False


def test_rate_in_hours_closes_an_hour_after_it_opens() -> None:
    rules = {"ScheduleExpression": "rate(12 hours)"}
    assert rotation_due(rules, LAST, at(hours=12.9)).overdue is False
    late = rotation_due(rules, LAST, at(hours=13.1))
    assert late.overdue is True
    assert late.due_by == at(hours=13)


def test_cron_weekly_window_missed_or_not() -> None:
    # Mondays at 04:00; last rotation Monday 2 Nov 10:30: the next window is Monday 9 Nov.
    rules = {"ScheduleExpression": "cron(0 4 ? * MON *)", "Duration": "2h"}
    due = rotation_due(rules, LAST, datetime(2026, 11, 9, 5, 59, tzinfo=UTC))
    assert (due.due_by, due.overdue) == (datetime(2026, 11, 9, 6, tzinfo=UTC), False)
    assert rotation_due(rules, LAST, datetime(2026, 11, 9, 6, 1, tzinfo=UTC)).overdue is True


def test_cron_on_days_of_the_month_defaults_to_the_end_of_the_day() -> None:
    rules = {"ScheduleExpression": "cron(0 8 1,15 * ? *)"}  # one window a day: closes at 24:00
    due = rotation_due(rules, LAST, datetime(2026, 11, 15, 23, tzinfo=UTC))
    assert (due.due_by, due.overdue) == (datetime(2026, 11, 16, tzinfo=UTC), False)


def test_cron_forms_not_expanded_are_unknown_unless_aws_gives_next_rotation() -> None:
    rules = {"ScheduleExpression": "cron(0 4 L * ? *)"}  # the last day of the month
    unknown = rotation_due(rules, LAST, at(days=90))
    assert (unknown.due_by, unknown.overdue) == (None, None)
    assert "unknown" in unknown.reason
    # "If rotation is unsuccessful, this date may be in the past" (NextRotationDate).
    told = rotation_due(rules, LAST, at(days=90), next_rotation=at(days=29))
    assert (told.due_by, told.overdue) == (at(days=29), True)


def test_no_schedule_or_no_date_cannot_be_judged() -> None:
    assert rotation_due({}, LAST, at(days=400)).overdue is None
    assert rotation_due({"AutomaticallyAfterDays": 1}, None, at(days=400)).overdue is None


# --- secretkit status against moto -----------------------------------------------------------


def backend_secret(arn: str) -> Any:
    return models.secretsmanager_backends[ACCOUNT_ID][REGION].secrets[arn]


def age_versions(arn: str, days: float) -> None:
    """Date every version of the secret ``days`` earlier (moto has no way to create an old
    version; moto_fidelity's stamp is what ListSecretVersionIds reports as CreatedDate)."""
    for version in backend_secret(arn).versions.values():
        version["secretkit_created"] = time.time() - days * 86400


def rotating(sm: Any, name: str = "prod/app/password", days: int = 30) -> str:
    arn: str = sm.create_secret(Name=name, SecretString='{"password": "Never-Shown-1!"}')["ARN"]
    enable_rotation(arn, LAMBDA_ARN, days=days)
    return arn


def status(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(["status", *argv], out=out), out.getvalue()


def test_status_on_time(sm: Any) -> None:
    arn = rotating(sm)
    age_versions(arn, 10)
    code, text = status("prod/app/password", "--json")
    document = json.loads(text)
    assert code == 0
    assert document["state"] == "ok"
    assert document["rotation"]["overdue"] is False
    assert 9.9 < document["current_age_days"] < 10.1
    assert "Never-Shown-1!" not in text


def test_status_overdue_never_rotated(sm: Any) -> None:
    """No LastRotatedDate (never rotated): the AWSCURRENT version's age decides."""
    arn = rotating(sm)
    age_versions(arn, 32)
    code, text = status("prod/app/password", "--json")
    document = json.loads(text)
    assert document["rotation"]["last_rotated"] is None
    assert (document["state"], document["rotation"]["overdue"]) == ("overdue", True)
    due_by = datetime.fromisoformat(document["rotation"]["due_by"])
    assert due_by < datetime.now(UTC) - timedelta(days=1)
    code, text = status("prod/app/password")
    assert code == 0
    assert "OVERDUE    the rotation due by" in text
    assert "State      ok" not in text
    assert "32 days old" in text or "31.99" in text or "32.0" in text


def test_a_recent_put_secret_value_counts_as_a_rotation(sm: Any) -> None:
    arn = rotating(sm)
    age_versions(arn, 40)
    sm.put_secret_value(SecretId=arn, SecretString='{"password": "Fresh-Value-2!"}')
    assert json.loads(status(arn, "--json")[1])["state"] == "ok"


def test_stuck_wins_over_overdue(sm: Any) -> None:
    arn = rotating(sm)
    sm.put_secret_value(
        SecretId=arn, SecretString='{"password": "Pending-3!"}', VersionStages=["AWSPENDING"]
    )
    age_versions(arn, 40)
    document = json.loads(status(arn, "--json")[1])
    assert document["rotation"]["overdue"] is True
    assert document["state"] == "stuck"


def test_disabled_rotation_is_not_judged(sm: Any) -> None:
    arn = sm.create_secret(Name="plain", SecretString="x")["ARN"]
    age_versions(arn, 400)
    document = json.loads(status(arn, "--json")[1])
    assert (document["state"], document["rotation"]["overdue"]) == ("ok", None)


@pytest.fixture
def schedule_rules(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Rules DescribeSecret reports for every rotating secret: moto's to_dict knows only
    AutomaticallyAfterDays, so ScheduleExpression and Duration are patched in."""
    rules: dict[str, Any] = {}
    original = models.FakeSecret.to_dict

    def to_dict(self: Any) -> dict[str, Any]:
        answer: dict[str, Any] = original(self)
        if "RotationRules" in answer and rules:
            answer["RotationRules"] = dict(rules)
        return answer

    monkeypatch.setattr(models.FakeSecret, "to_dict", to_dict)
    return rules


def test_status_reads_a_rate_in_hours(sm: Any, schedule_rules: dict[str, Any]) -> None:
    schedule_rules.update(ScheduleExpression="rate(12 hours)", Duration="2h")
    arn = rotating(sm)
    age_versions(arn, 0.5)  # 12 hours: inside the window (12h + 2h)
    document = json.loads(status(arn, "--json")[1])
    assert document["rotation"]["schedule"] == "rate(12 hours)"
    assert document["rotation"]["window"] == "2h"
    assert document["state"] == "ok"
    age_versions(arn, 0.6)  # 14.4 hours
    assert json.loads(status(arn, "--json")[1])["state"] == "overdue"


def test_status_reads_a_cron_schedule(sm: Any, schedule_rules: dict[str, Any]) -> None:
    schedule_rules.update(ScheduleExpression="cron(0 */4 * * ? *)")  # every 4 hours, 1h window
    arn = rotating(sm)
    age_versions(arn, 0.01)  # 15 minutes: no window can have opened and closed since
    assert json.loads(status(arn, "--json")[1])["rotation"]["overdue"] is False
    age_versions(arn, 0.25)  # 6 hours: a window opened (within 4h) and closed (1h) since
    assert json.loads(status(arn, "--json")[1])["state"] == "overdue"


# --- secretkit rotations over a program ------------------------------------------------------

PROGRAM = """
import pulumi_aws as aws

for name in ("app/late", "app/fine", "app/absent"):
    secret = aws.secretsmanager.Secret(name.replace("/", "-"), name=name)
    aws.secretsmanager.SecretRotation(
        name.replace("/", "-") + "-rotation",
        secret_id=secret.arn,
        rotation_lambda_arn="arn:aws:lambda:us-east-1:123456789012:function:rotator",
        rotation_rules={"automatically_after_days": 30},
    )
aws.secretsmanager.Secret("not-rotated", name="app/static")
autonamed = aws.secretsmanager.Secret("autonamed")  # its deployed name is Pulumi's choice
aws.secretsmanager.SecretRotation(
    "autonamed-rotation",
    secret_id=autonamed.arn,
    rotation_lambda_arn="arn:aws:lambda:us-east-1:123456789012:function:rotator",
    rotation_rules={"automatically_after_days": 30},
)
"""


def consumer(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text("name: rotated\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: {REGION}\n")
    (directory / "__main__.py").write_text(PROGRAM)
    return directory


def rotations(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(["rotations", *argv], out=out), out.getvalue()


def test_rotations_lists_each_rotated_secret_with_its_state(sm: Any, tmp_path: Path) -> None:
    project = consumer(tmp_path / "app")
    late, fine = rotating(sm, "app/late"), rotating(sm, "app/fine")
    age_versions(late, 45)
    age_versions(fine, 3)
    code, text = rotations(str(project), "--json")
    document = json.loads(text)
    assert code == 3
    states = {row["logical_name"]: (row["name"], row["state"]) for row in document["secrets"]}
    assert states == {
        "app-late": ("app/late", "overdue"),
        "app-fine": ("app/fine", "ok"),
        "app-absent": ("app/absent", "missing"),
        "autonamed": (None, "unknown name"),
    }
    assert [row["name"] for row in document["secrets"]] == [
        "app/absent",
        "app/fine",
        "app/late",
        None,
    ]
    assert document["secrets"][2]["status"]["rotation"]["overdue"] is True
    assert document["secrets"][0]["status"] is None
    assert document["needs_attention"] == 2
    assert document["stack"] == "dev"
    code, text = rotations(str(project))
    assert code == 3
    assert text.startswith(f"Rotating secrets of {project / '__main__.py'} (stack dev): 4\n")
    assert "2 need attention (overdue, stuck or missing)" in text


def test_rotations_exit_zero_when_all_are_on_schedule(sm: Any, tmp_path: Path) -> None:
    project = consumer(tmp_path / "app")
    for name in ("app/late", "app/fine", "app/absent"):
        age_versions(rotating(sm, name), 1)
    code, text = rotations(str(project))
    assert code == 0, text
    assert text.endswith("All on schedule\n")


def test_rotations_lists_an_existing_secret_by_its_arn(sm: Any, tmp_path: Path) -> None:
    """A secret created elsewhere, rotated by an ExistingSecret: the program names it by ARN."""
    arn = rotating(sm, "team/theirs")
    age_versions(arn, 45)
    project = tmp_path / "existing"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: existing\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: {REGION}\n")
    (project / "__main__.py").write_text(
        "from secretkit import ExistingSecret\n"
        f"ExistingSecret('theirs', {{'secret_arn': {arn!r}, 'rotation': "
        "{'strategy': 'password', 'automatically_after_days': 30}})\n"
    )
    code, text = rotations(str(project), "--json")
    [row] = json.loads(text)["secrets"]
    assert (row["name"], row["logical_name"], row["state"]) == (arn, "theirs-rotation", "overdue")
    assert (row["component"], row["component_type"]) == ("theirs", "ExistingSecret")
    assert code == 3
