"""The `secretkit` command end to end on moto (AWS-like), output and exit codes included."""

from __future__ import annotations

import io
import json
import sys
import textwrap
import uuid
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rotation_handlers.protocol import CURRENT, PENDING, PREVIOUS
from secretkit import cli
from secretkit.embedded.moto_fidelity import enable_rotation
from tests.rotation_handlers.conftest import LAMBDA_ARN, stages, value_at

OLD = json.dumps({"username": "app", "password": "old-Password-1!"})


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def make(sm: Any, name: str = "cli/secret", tag: str | None = "password") -> str:
    tags = [{"Key": "secretkit:strategy", "Value": tag}] if tag else []
    arn: str = sm.create_secret(Name=name, SecretString=OLD, Tags=tags)["ARN"]
    enable_rotation(arn, LAMBDA_ARN)
    return arn


def test_rotate_emulated_uses_the_tagged_strategy(sm: Any) -> None:
    arn = make(sm)
    code, out = run_cli("rotate", "cli/secret", "--first-delay", "0")
    assert code == 0
    assert "rotation_handlers.password" in out
    for step in ("createSecret", "setSecret", "testSecret", "finishSecret"):
        assert f"{step:<13} attempt 1  ok" in out
    new = json.loads(value_at(sm, arn, CURRENT))
    assert new["username"] == "app"
    assert new["password"] != "old-Password-1!"
    assert value_at(sm, arn, PREVIOUS) == OLD
    assert "old-Password-1!" not in out
    assert new["password"] not in out


def test_rotate_needs_a_strategy_when_the_secret_has_no_tag(
    sm: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    make(sm, tag=None)
    code, _ = run_cli("rotate", "cli/secret")
    assert code == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "has no secretkit:strategy tag" in error
    assert "Traceback" not in error
    code, _out = run_cli("rotate", "cli/secret", "--strategy", "password", "--first-delay", "0")
    assert code == 0


def test_rotate_with_a_custom_handler_that_keeps_failing(
    sm: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "flaky_rotator.py").write_text(
        textwrap.dedent(
            """
            from rotation_handlers.protocol import Strategy, StrategyError, handler_for

            class Flaky(Strategy):
                def generate(self, current, context):
                    return "next"

                def test(self, context):
                    raise StrategyError("the service rejected the new credential")

            lambda_handler = handler_for(Flaky())
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    arn = make(sm, tag="custom:flaky_rotator")
    code, out = run_cli("rotate", arn, "--first-delay", "0", "--max-attempts", "3")
    assert code == 1
    assert out.count("testSecret    attempt") == 3
    error = capsys.readouterr().err
    assert "rotation failed: testSecret failed" in error
    assert "the service rejected the new credential" in error
    assert value_at(sm, arn, CURRENT) == OLD


def test_handler_module_must_come_from_handler_for(sm: Any, capsys: Any) -> None:
    make(sm)
    code, _ = run_cli("rotate", "cli/secret", "--handler", "json")
    assert code == 1
    assert "was not made with rotation_handlers.protocol.handler_for" in capsys.readouterr().err


def test_rotate_aws_follows_until_current(sm: Any) -> None:
    arn = make(sm)
    # Without a function moto finishes the rotation itself, as a working Lambda would on AWS.
    from moto.secretsmanager.models import secretsmanager_backends  # noqa: PLC0415

    secret: Any = secretsmanager_backends["123456789012"]["us-east-1"].secrets[arn]
    secret.rotation_lambda_arn = ""
    code, out = run_cli("rotate", "--aws", "cli/secret", "--interval", "0")
    assert code == 0
    token = out.split("started version ")[1].split()[0]
    assert CURRENT in stages(sm, arn)[token]
    assert f"Version {token} is now AWSCURRENT" in out


def test_rotate_aws_gives_up_after_the_timeout(
    sm: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = make(sm)
    token = str(uuid.uuid4())
    real_client = cli.secretsmanager_client

    def stalled_client(options: Any) -> Any:
        client = real_client(options)

        def started(**_: Any) -> tuple[Any, dict[str, Any]]:
            # RotateSecret "succeeds" but the rotation never progresses.
            return SimpleNamespace(status_code=200, headers={}), {"ARN": arn, "VersionId": token}

        client.meta.events.register("before-call.secrets-manager.RotateSecret", started)
        return client

    monkeypatch.setattr(cli, "secretsmanager_client", stalled_client)
    code, _ = run_cli("rotate", "--aws", arn, "--timeout", "0.05", "--interval", "0.01")
    assert code == 1
    error = capsys.readouterr().err
    assert f"rotation did not finish within 0.05s: version {token}" in error
    assert "cancel-rotation" in error


def test_cancel_rotation_removes_pending_and_warns(sm: Any) -> None:
    arn = make(sm)
    stuck = str(uuid.uuid4())
    sm.put_secret_value(
        SecretId=arn, ClientRequestToken=stuck, SecretString="half", VersionStages=[PENDING]
    )
    code, out = run_cli("cancel-rotation", "cli/secret")
    assert code == 0
    assert f"Removed AWSPENDING from version {stuck}" in out
    assert "automatic rotation is now DISABLED" in out
    assert stuck not in stages(sm, arn)  # deprecated: DescribeSecret lists labelled versions
    assert sm.describe_secret(SecretId=arn)["RotationEnabled"] is False
    assert value_at(sm, arn, CURRENT) == OLD


def test_status_reports_versions_schedule_and_stuck_rotations(sm: Any) -> None:
    arn = make(sm)
    run_cli("rotate", arn, "--first-delay", "0")
    code, out = run_cli("status", arn)
    assert code == 0
    assert "Rotation   enabled  schedule: every 30 days" in out
    assert f"Function   {LAMBDA_ARN}" in out
    assert out.count("AWSCURRENT") == 1
    assert "AWSPREVIOUS" in out
    assert "State      ok" in out
    stuck = str(uuid.uuid4())
    sm.put_secret_value(
        SecretId=arn, ClientRequestToken=stuck, SecretString="x", VersionStages=[PENDING]
    )
    code, out = run_cli("status", arn)
    assert f"STUCK      version {stuck} carries AWSPENDING but is not AWSCURRENT" in out


def test_aws_errors_are_one_line(sm: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("status", "no/such/secret")
    assert code == 1
    error = capsys.readouterr().err
    assert error.startswith("secretkit: ResourceNotFoundException")
    assert error.count("\n") == 1


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["rotate"])
    assert caught.value.code == 2


def test_console_script_is_declared() -> None:
    import tomllib  # noqa: PLC0415

    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["secretkit"] == "secretkit.cli:main"
    assert sys.modules["secretkit.cli"].main is cli.main


def test_rotate_a_secret_without_rotation_says_so(
    sm: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = sm.create_secret(Name="plain/secret", SecretString=OLD)["ARN"]
    code, out = run_cli("rotate", "plain/secret")
    assert code == 1
    assert out == ""
    error = capsys.readouterr().err
    assert error == (
        f"secretkit: {arn} has no rotation configured (no rotation function): deploy it as a "
        "RotatingSecret (or give it a rotation function) before rotating it\n"
    )
    assert "0 time(s)" not in error


def test_rotate_after_a_cancel_says_rotation_is_disabled(
    sm: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = make(sm)
    assert run_cli("cancel-rotation", arn)[0] == 0
    code, _ = run_cli("rotate", arn)
    assert code == 1
    error = capsys.readouterr().err
    assert f"rotation of {arn} is disabled (cancel-rotation disables it)" in error
    assert f"`secretkit rotate --aws {arn}` turns it back on" in error


@pytest.mark.parametrize(
    "argv",
    [
        ["--region", "eu-west-1", "status", "cli/secret"],
        ["status", "cli/secret", "--region", "eu-west-1"],
        ["--region", "us-east-1", "status", "cli/secret", "--region", "eu-west-1"],
    ],
)
def test_aws_options_work_before_and_after_the_command(
    sm: Any, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The secret lives in us-east-1: asking eu-west-1 must fail, proving the region was used."""
    make(sm)
    code, _ = run_cli(*argv)
    assert code == 1
    assert "ResourceNotFoundException" in capsys.readouterr().err
    options = cli.build_parser().parse_args(argv)
    assert options.region == "eu-west-1"


def test_options_before_the_command_are_kept() -> None:
    parser = cli.build_parser()
    options = parser.parse_args(
        ["--profile", "ops", "--endpoint-url", "http://localhost:4566", "status", "s"]
    )
    assert (options.profile, options.endpoint_url, options.region) == (
        "ops",
        "http://localhost:4566",
        None,
    )
    options = parser.parse_args(["status", "s", "--profile", "dev"])
    assert (options.profile, options.endpoint_url) == ("dev", None)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version  # noqa: PLC0415

    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"secretkit {version('secretkit')}\n"


def test_status_json_has_the_documented_shape(sm: Any) -> None:
    arn = make(sm)
    run_cli("rotate", arn, "--first-delay", "0")
    stuck = str(uuid.uuid4())
    sm.put_secret_value(
        SecretId=arn, ClientRequestToken=stuck, SecretString="x", VersionStages=[PENDING]
    )
    code, out = run_cli("status", "cli/secret", "--json")
    assert code == 0
    document = json.loads(out)
    assert set(document) == {
        "name",
        "arn",
        "rotation",
        "current_age_days",
        "versions",
        "stuck",
        "abandoned",
        "state",
        "strategy",
    }
    assert (document["name"], document["arn"], document["strategy"]) == (
        "cli/secret",
        arn,
        "password",
    )
    assert document["rotation"]["enabled"] is True
    assert document["rotation"]["schedule"] == "every 30 days"
    assert document["rotation"]["function"] == LAMBDA_ARN
    assert "last_rotated" in document["rotation"]
    assert "next_rotation" in document["rotation"]
    assert document["rotation"]["overdue"] is False  # rotated just now, every 30 days
    created = document["versions"][0]["created"]
    assert datetime.fromisoformat(created).tzinfo is not None  # ISO 8601, with its offset
    stages_by_id = {v["id"]: v["stages"] for v in document["versions"]}
    assert stages_by_id == stages(sm, arn)
    assert document["versions"][0]["stages"] == [CURRENT]
    assert (document["stuck"], document["abandoned"], document["state"]) == ([stuck], [], "stuck")
    assert "old-Password-1!" not in out
