"""`secretkit demo --program PATH --stack NAME`: the documented options reach the demo."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest

from secretkit import cli

PROGRAM = """
import pulumi
import pulumi_aws as aws

parameter = aws.ssm.Parameter("greeting", name="/demo/greeting", type="String", value="hi")
pulumi.export("region", aws.get_region().region)
"""


def consumer(directory: Path) -> Path:
    (directory / "Pulumi.yaml").write_text("name: consumer\nruntime: python\n")
    (directory / "Pulumi.staging.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (directory / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    return directory


def test_demo_deploys_the_named_program_with_the_named_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    out = io.StringIO()
    code = cli.main(["demo", "--program", str(consumer(tmp_path)), "--stack", "staging"], out=out)
    text = out.getvalue()
    assert code == 0, text
    assert text.startswith(f"secretkit demo: {tmp_path / '__main__.py'} (stack staging)")
    assert "greeting" in text
    assert "region  eu-west-1" in text  # Pulumi.staging.yaml's aws:region, not us-east-1


def test_demo_refuses_a_stack_without_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    code = cli.main(["demo", "--program", str(consumer(tmp_path)), "--stack", "prod"], out=out)
    assert code == 1
    assert out.getvalue() == ""
    assert capsys.readouterr().err == (
        f"secretkit: --stack prod: no Pulumi.prod.yaml in {tmp_path} (stacks with settings "
        "here: staging)\n"
    )


def test_region_after_the_command_overrides_the_stacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    out = io.StringIO()
    argv = ["demo", "--program", str(consumer(tmp_path)), "--stack", "staging"]
    code = cli.main([*argv, "--region", "us-west-2"], out=out)
    assert code == 0, out.getvalue()
    assert "region  us-west-2" in out.getvalue()
    assert "no prices known for us-west-2: us-east-1 list prices" in out.getvalue()


def test_demo_refuses_options_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["--profile", "ops", "demo", "--program", str(consumer(tmp_path))])
    assert code == 1
    assert "--profile ops does not apply to `secretkit demo`" in capsys.readouterr().err
