"""`secretkit compare` and `secretkit cost`: their tables, totals and errors."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest

from secretkit import cli


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(argv), out=out), out.getvalue()


def test_compare_prints_the_seed_table() -> None:
    code, out = run_cli("compare", "--count", "25", "--requests", "10000")
    assert code == 0
    rows = [line.split() for line in out.splitlines()[:3]]
    assert rows == [
        ["Service", "Count", "Requests", "Price"],
        ["Parameter", "Store", "25", "10,000", "$0.00"],
        ["Secrets", "Manager", "25", "10,000", "$10.05"],
    ]
    assert "advanced parameters: $1.30" in out


def test_compare_at_scale() -> None:
    _, out = run_cli("compare", "--count", "1000", "--requests", "5000000")
    assert re.search(r"Secrets Manager\s+1000\s+5,000,000\s+\$425\.00", out)


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


def test_cost_of_the_reference_stack() -> None:
    code, out = run_cli("cost", "--secret-requests", "10000", "--parameter-requests", "10000")
    assert code == 0
    lines = totals(out)
    assert lines["app-secret (RotatingSecret)"] == pytest.approx(0.45)
    assert lines["app-config (SecureParameter)"] == pytest.approx(0.10)
    # Primary secret + one replica ($0.80), the eu-west-1 replica key ($1), 10,000 reads.
    assert lines["shared-token (CrossRegionReplicatedSecret)"] == pytest.approx(1.85)
    assert lines["app-secret-proxy (ProxiedParameterPolicy)"] == 0  # listed, and free
    assert lines["(stack)"] == pytest.approx(1.00)  # the shared CMK
    assert lines["total"] == pytest.approx(sum(v for k, v in lines.items() if k != "total"))
    assert "Advisor: 0 finding(s)" in out


def test_cost_of_a_program_in_a_directory_with_findings(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: costed\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        textwrap.dedent(
            """
            import pulumi_aws as aws

            for name in ("one", "two"):
                aws.secretsmanager.Secret(name, name=name)
            """
        )
    )
    code, out = run_cli("cost", str(tmp_path), "--secret-requests", "20000")
    assert code == 0
    assert totals(out)["total"] == pytest.approx(2 * (0.40 + 0.10))
    assert out.count("[unrotated-secret]") == 2
    assert "possible saving: $1.00/month" in out


def test_cost_names_a_missing_program(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli("cost", str(tmp_path / "nowhere.py"))
    assert code != 0
    assert f"no Pulumi program at {tmp_path / 'nowhere.py'}" in capsys.readouterr().err
