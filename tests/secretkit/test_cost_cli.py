"""`secretkit compare` and `secretkit cost`: their tables, totals and errors."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from secretkit import cli
from secretkit.costs.pricing import AS_OF, prices_for
from secretkit.program import PROJECT_DIR


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def test_compare_prints_the_seed_table() -> None:
    # The seed's 25 secrets and 10,000 reads a month in all: 400 reads per secret.
    code, out = run_cli("compare", "--count", "25", "--secret-requests", "400")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[:4]]
    assert rows == [
        ["Service", "Count", "Reads/item", "Reads", "Price"],
        ["Parameter", "Store", "25", "400", "10,000", "$0.00"],
        ["Secrets", "Manager", "25", "400", "10,000", "$10.05"],
        # 10,000 requests x $0.0000002 + 10,000 configurations received x $0.0008
        ["AppConfig", "25", "400", "10,000", "$8.00"],
    ]
    assert "advanced parameters: $1.30" in out
    assert "us-east-1 list prices as of" in out


def test_compare_requests_is_per_secret_like_cost() -> None:
    """--requests, the old spelling, now means reads per secret, as cost's --secret-requests."""
    _, old = run_cli("compare", "--count", "25", "--requests", "10000")
    _, new = run_cli("compare", "--count", "25", "--secret-requests", "10000")
    assert old == new
    # 25 x $0.40 + 250,000 reads x $0.05 per 10,000 (not 10,000 reads in all: $10.05).
    assert re.search(r"Secrets Manager\s+25\s+10,000\s+250,000\s+\$11\.25", new)
    assert "PER SECRET" in help_of("compare")
    assert "PER SECRET" in help_of("cost")


def help_of(command: str) -> str:
    out = io.StringIO()
    with pytest.raises(SystemExit), contextlib.redirect_stdout(out):
        cli.main([command, "--help"])
    return " ".join(out.getvalue().split())


def test_compare_at_scale() -> None:
    _, out = run_cli("compare", "--count", "1000", "--secret-requests", "5000")
    assert re.search(r"Secrets Manager\s+1000\s+5,000\s+5,000,000\s+\$425\.00", out)


def test_compare_refuses_negative_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("compare", "--count", "-3")
    assert code != 0
    assert "--count -3 is invalid: it must be 0 or more" in capsys.readouterr().err


def totals(out: str) -> dict[str, float]:
    """The first-level lines of a cost table: label -> dollars."""
    found = {}
    for line in out.splitlines():
        match = re.match(r"^  (\S.*?)\s+\$\s*([\d,.]+)$", line)
        if match:
            found[match.group(1)] = float(match.group(2).replace(",", ""))
    return found


def test_cost_of_the_reference_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT_DIR)  # the current directory's program: this project's
    code, out = run_cli("cost", "--secret-requests", "10000", "--parameter-requests", "10000")
    assert code == 0
    assert out.startswith("Monthly cost of __main__.py (stack dev) at 10,000 reads per secret")
    assert "us-east-1 list prices as of" in out
    lines = totals(out)
    # Its secret ($0.40), 10,000 reads ($0.05), its rotation function's Errors alarm ($0.10).
    assert lines["app-secret (RotatingSecret)"] == pytest.approx(0.55)
    assert lines["app-config (SecureParameter)"] == pytest.approx(0.10)
    # Primary secret + one replica ($0.80), the eu-west-1 replica key ($1), 10,000 reads.
    assert lines["shared-token (CrossRegionReplicatedSecret)"] == pytest.approx(1.85)
    assert lines["app-secret-proxy (ProxiedParameterPolicy)"] == 0  # listed, and free
    assert lines["(stack)"] == pytest.approx(1.00)  # the shared CMK
    assert lines["total"] == pytest.approx(sum(v for k, v in lines.items() if k != "total"))
    assert "Advisor: 0 finding(s)" in out


LEGACY = """
import pulumi_aws as aws

for name in ("one", "two"):
    aws.secretsmanager.Secret(name, name=name)
"""


def consumer(directory: Path, name: str = "costed", region: str | None = None) -> Path:
    """A consumer's Pulumi project with two plain secrets, and a dev stack if ``region``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (directory / "__main__.py").write_text(LEGACY)
    if region:
        (directory / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: {region}\n")
    return directory


def test_cost_of_a_program_in_a_directory_with_findings(tmp_path: Path) -> None:
    code, out = run_cli("cost", str(consumer(tmp_path)), "--secret-requests", "20000")
    assert code == 0
    assert "(stack dev, no Pulumi.dev.yaml: defaults only)" in out
    assert totals(out)["total"] == pytest.approx(2 * (0.40 + 0.10))
    assert out.count("[unrotated-secret]") == 2
    assert "possible saving: $1.00/month" in out


def test_cost_prices_the_current_directory_not_secretkits_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(consumer(tmp_path / "app", region="us-east-1"))
    code, out = run_cli("cost")
    assert code == 0
    assert out.startswith("Monthly cost of __main__.py (stack dev) at 0 reads per secret")
    assert totals(out)["total"] == pytest.approx(0.80)
    assert "RotatingSecret" not in out  # the reference stack's components are not there


def test_cost_json_has_the_documented_shape(tmp_path: Path) -> None:
    code, out = run_cli("cost", str(consumer(tmp_path, region="us-east-1")), "--json")
    assert code == 0
    document = json.loads(out)
    assert set(document) == {
        "program",
        "project",
        "stack",
        "stack_file",
        "prices",
        "rates",
        "components",
        "kms_request_cost",
        "total",
        "findings",
        "possible_saving",
    }
    assert document["project"] == "costed"
    assert document["stack_file"] == str(tmp_path / "Pulumi.dev.yaml")
    assert document["prices"]["region"] == "us-east-1"
    assert document["prices"]["known"] is True
    assert document["components"] == [
        {
            "name": "(stack)",
            "type": "",
            "total": pytest.approx(0.80),
            "lines": {"secrets and replicas": 0.80, "Secrets Manager requests": 0.0},
        }
    ]
    assert document["total"] == pytest.approx(0.80)
    assert [f["rule"] for f in document["findings"]] == ["unrotated-secret"] * 2
    assert document["possible_saving"] == pytest.approx(0.80)


def test_cost_says_when_the_region_has_no_known_prices(tmp_path: Path) -> None:
    project = consumer(tmp_path, region="ap-southeast-2")
    _, out = run_cli("cost", str(project))
    assert "no prices known for ap-southeast-2: us-east-1 list prices" in out.splitlines()[0]
    _, out = run_cli("cost", str(project), "--json")
    assert json.loads(out)["prices"] == {
        "region": "ap-southeast-2",
        "known": False,
        "prices_of": "us-east-1",
        "as_of": AS_OF,
        "note": prices_for("ap-southeast-2").note,
    }
    # --region, before or after the command, wins over the stack's aws:region.
    for argv in (
        ["--region", "us-east-1", "cost", str(project)],
        ["cost", str(project), "--region", "us-east-1"],
    ):
        _, out = run_cli(*argv)
        assert "us-east-1 list prices as of" in out.splitlines()[0]


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out = run_cli(*argv)
    assert code == 1
    assert out == ""
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "Traceback" not in error
    assert "Errno" not in error
    return error


def test_cost_names_a_missing_program(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = one_line_error(capsys, "cost", str(tmp_path / "nowhere.py"))
    assert f"{tmp_path / 'nowhere.py'}: no such file or directory" in error


def test_cost_outside_a_pulumi_project_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    error = one_line_error(capsys, "cost")
    assert error == (
        f"secretkit: no Pulumi.yaml in {tmp_path}: not a Pulumi project (run in the project's "
        "directory, or pass the project's directory or program)\n"
    )


def test_cost_of_a_stack_without_its_settings_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = consumer(tmp_path, region="us-east-1")
    error = one_line_error(capsys, "cost", str(project), "--stack", "prod")
    assert f"--stack prod: no Pulumi.prod.yaml in {tmp_path} (stacks with settings here: dev)" in (
        error
    )


def test_cost_and_compare_refuse_options_that_need_aws(capsys: pytest.CaptureFixture[str]) -> None:
    error = one_line_error(capsys, "compare", "--profile", "ops")
    assert "--profile ops does not apply to `secretkit compare`" in error
    error = one_line_error(capsys, "--endpoint-url", "http://localhost:4566", "compare")
    assert "--endpoint-url http://localhost:4566 does not apply" in error


def test_compare_prices_appconfig_at_the_configurations_received() -> None:
    """A client polling one session receives the configuration after each deployment only."""
    _, out = run_cli(
        "compare", "--count", "25", "--secret-requests", "10000", "--configurations-received", "30"
    )
    # 250,000 requests ($0.05) and 750 configurations received ($0.60).
    assert re.search(r"AppConfig\s+25\s+10,000\s+250,000\s+\$0\.65", out)
    assert "here 750 of the reads receive it" in out
    assert "DynamicParameter" in out


def test_compare_refuses_more_configurations_received_than_reads(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = one_line_error(
        capsys, "compare", "--secret-requests", "10", "--configurations-received", "11"
    )
    assert "--configurations-received 11 is invalid: it must be at most the reads" in error
    error = one_line_error(capsys, "compare", "--configurations-received", "-1")
    assert "--configurations-received -1 is invalid: it must be 0 or more" in error


APPCONFIG = """
import pulumi
import pulumi_aws as aws

app = aws.appconfig.Application("app", name="shop")
aws.appconfig.ConfigurationProfile(
    "flags", name="flags", application_id=app.id, location_uri="hosted"
)
aws.ssm.Parameter(
    "limit", name="/shop/limit", type="String", value="5",
    opts=pulumi.ResourceOptions(ignore_changes=["value"]),
)
"""


def appconfig_project(directory: Path) -> Path:
    consumer(directory, region="us-east-1")
    (directory / "__main__.py").write_text(APPCONFIG)
    return directory


def test_cost_prices_configuration_profiles_and_advises_on_changes(tmp_path: Path) -> None:
    project = str(appconfig_project(tmp_path))
    code, out = run_cli(
        "cost",
        project,
        "--configuration-requests",
        "100000",
        "--configurations-received",
        "1000",
        "--changes-per-month",
        "0",
    )
    assert code == 0
    assert "100,000 per configuration profile (1,000 receiving it)" in out.splitlines()[0]
    assert totals(out)["total"] == pytest.approx(0.02 + 0.80)
    assert "[dynamic-parameter-store-value] limit" in out
    assert "[static-dynamic-parameter] flags" in out
    _, out = run_cli("cost", project, "--json", "--configuration-requests", "10")
    document = json.loads(out)
    assert document["rates"]["configurations_received"] == 10  # every read, unless told
    assert document["rates"]["changes_per_month"] is None
    assert [f["rule"] for f in document["findings"]] == ["dynamic-parameter-store-value"]


def test_cost_refuses_more_configurations_received_than_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    error = one_line_error(
        capsys,
        "cost",
        str(tmp_path),
        "--configuration-requests",
        "1",
        "--configurations-received",
        "2",
    )
    assert "(--configuration-requests 1)" in error


def test_compare_json_has_the_documented_shape() -> None:
    code, out = run_cli("compare", "--json", "--count", "25", "--secret-requests", "400")
    assert code == 0
    document = json.loads(out)
    assert document["count"] == 25
    assert document["secret_requests"] == 400
    assert document["total_requests"] == 10_000
    assert document["prices"]["region"] == "us-east-1"
    assert document["configurations_received"] == 10_000
    assert document["monthly"] == {
        "parameter_store_standard": 0,
        "parameter_store_advanced": pytest.approx(1.30),
        "secrets_manager": pytest.approx(10.05),
        "appconfig": pytest.approx(8.002),
    }


def test_cost_reports_a_failing_program_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = consumer(tmp_path)
    (project / "__main__.py").write_text(
        "from components import SecureParameter\n"
        'SecureParameter("p", {"parameter_name": "aws/x", "value": "v"})\n'
    )
    error = one_line_error(capsys, "cost", str(project))
    assert error.startswith(
        f"secretkit: {tmp_path / '__main__.py'} stopped: InvalidArgumentError: SecureParameter "
        "'p': argument 'parameter_name' = 'aws/x' is invalid"
    )
    (project / "__main__.py").write_text("raise ValueError('first\\nsecond')\n")
    error = one_line_error(capsys, "cost", str(project))
    assert error.endswith("stopped: ValueError: first second\n")
