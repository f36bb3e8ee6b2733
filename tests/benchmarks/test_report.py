"""benchmarks.report: every section renders, measured or skipped, and misses are listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import report


def api_row(strategy: str, calls: int, target: int | None, baseline: int | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "strategy": strategy,
        "service": "secretsmanager",
        "calls": calls,
        "operations": ["DescribeSecret"] * calls,
        "next_rotation_calls": calls,
        "target": target,
    }
    if baseline is not None:
        row.update(
            baseline=report_baseline(),
            baseline_calls=baseline,
            ratio_to_baseline=calls / baseline,
        )
    if target is not None:
        row["meets_target"] = calls <= target
    return row


def report_baseline() -> str:
    return "AWS generic rotation template (SecretsManagerRotationTemplate)"


def cold_row(module: str, beyond: float, shadowed: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "module": module,
        "condition": "as shipped",
        "import_ms": 100 + beyond,
        "boto3_alone_ms": 100.0,
        "beyond_boto3_ms": beyond,
        "boto3_in_code_directory_ms": 125.0 if shadowed else 100.5,
        "module_after_boto3_ms": 5.0,
        "target_ms": 20.0,
        "ratio_to_target": beyond / 20,
        "meets_target": beyond <= 20,
        "peak_rss_mib": 35.0,
        "boto3_alone_peak_rss_mib": 34.0,
        "peak_rss_beyond_boto3_mib": 1.0,
    }
    if shadowed:
        row.update(driver="pg8000.native", driver_import_ms=60.0)
        row["driver_peak_rss_beyond_handler_mib"] = 8.0
    return row


def comparison(component: str, n: int, ours: float, raw: float) -> dict[str, Any]:
    return {
        "component": component,
        "n": n,
        "repeats": 1,
        "status": "ok",
        "component_seconds": ours,
        "raw_seconds": raw,
        "time_ratio": ours / raw,
        "component_peak_rss_mib": 100.0,
        "raw_peak_rss_mib": 90.0,
        "peak_rss_ratio": 100 / 90,
        "component_program_rss_mib": 30.0,
        "raw_program_rss_mib": 20.0,
        "program_rss_ratio": 1.5,
        "component_registrations": 2 * n,
        "raw_registrations": n,
        "same_aws_resources": True,
        "meets_target": ours / raw <= 1.3,
    }


def results() -> dict[str, Any]:
    return {
        "machine": {
            "date": "2026-01-01T00:00:00+00:00",
            "python": "3.11.7",
            "implementation": "CPython",
            "cpu_count": 2,
            "platform": "Linux",
            "commit": "abc1234",
            "uncommitted_changes": True,
        },
        "total_seconds": 201.4,
        "sections": {
            "api_calls": {
                "strategies": [
                    api_row("password", 7, 7, 10),
                    api_row("mysql-single-user", 11, 10, 14),
                    {"strategy": "postgres-single-user", "status": "skipped: no server"},
                ],
                "baselines": {report_baseline(): {"calls": 10, "operations": ["GetSecretValue"]}},
            },
            "latency": {
                "strategies": [
                    {
                        "strategy": "password",
                        "server": "moto only",
                        "rotations": 20,
                        "median_ms": 5.0,
                        "p90_ms": 6.0,
                        "min_ms": 4.0,
                        "max_ms": 7.0,
                        "warm_up_ms": 9.0,
                        "ratio_to_password": 1.0,
                    },
                    {"strategy": "mysql-multi-user", "status": "skipped: MariaDB is down"},
                ]
            },
            "cold_start": {
                "repetitions": 3,
                "modules": [
                    cold_row("password", 4.0),
                    cold_row("postgres_single_user", 27.0, True),
                ],
            },
            "artifacts": {
                "strategies": [
                    {
                        "strategy": "password",
                        "files": 12,
                        "packages": ["rotation_handlers"],
                        "unzipped_bytes": 64000,
                        "zipped_bytes": 40000,
                        "target_bytes": 32768,
                        "ratio_to_target": 40000 / 32768,
                        "meets_target": False,
                    }
                ]
            },
            "stack_scale": {
                "repeats": {"10": 1, "100": 1, "500": 1},
                "comparisons": [
                    comparison("RotatingSecret", 10, 0.3, 0.25),
                    comparison("SecureParameter", 10, 0.1, 0.04),
                    {"component": "RotatingSecret", "n": 500, "status": "error: boom"},
                ],
                "growth": [
                    {
                        "program": "rotating-secret",
                        "sizes": [10, 100],
                        "seconds": [0.3, 3.0],
                        "exponent": 1.0,
                        "target": 1.0,
                    }
                ],
                "per_secret": [
                    {
                        "scenario": "rotating-secret-shared-function",
                        "description": "shared function",
                        "status": "ok",
                        "sizes": [100, 500],
                        "registrations": [415, 2050],
                        "aws_resources": [314, 1548],
                        "per_secret_registrations": 4.09,
                        "per_secret_aws_resources": 3.08,
                        "per_secret_by_type": {"aws:secretsmanager/secret:Secret": 1.0},
                        "target": 3,
                        "meets_target": False,
                    },
                    {
                        "scenario": "rotating-secret-shared-key",
                        "description": "shared key",
                        "status": "error: InvalidArgumentError: bad",
                    },
                ],
            },
            "broken": {"error": "RuntimeError: it broke"},
        },
    }


def test_full_markdown_renders_every_section_and_the_skipped_rows() -> None:
    data = results()
    broken = data["sections"].pop("broken")
    text = report.full_markdown(data)
    assert text.startswith("# secretkit benchmarks")
    assert "Produced by `make bench`" in text
    assert "(with uncommitted changes)" in text
    for heading in ("## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## Targets missed"):
        assert heading in text
    assert "skipped: no server" in text
    assert "skipped: MariaDB is down" in text
    assert "error: InvalidArgumentError: bad" in text
    assert "error: boom" in text
    assert "| shared function" in text
    assert "| 3.08 " in text
    assert "boto3 took 125.0 ms next to the handler's code" in text
    assert "Secret 1.00" in text
    assert "| password" in text
    data["sections"]["cold_start"] = broken
    assert "Failed: RuntimeError: it broke" in report.full_markdown(data)


def test_misses_lists_each_missed_target() -> None:
    data = results()
    missed = report.misses(data)
    assert missed == [
        "API calls: mysql-single-user made 11 (≤ 10)",
        "cold start: postgres_single_user (as shipped) adds 27.0 ms beyond boto3 (≤ 20)",
        "artifact: password is 40,000 bytes",
        "stack scale: SecureParameter N=10 time ratio 2.50x, peak ratio 1.11x (≤ 1.3x)",
        "stack scale: rotating-secret-shared-function adds 3.08 AWS resources per secret (≤ 3)",
    ]
    assert report.misses_markdown([]) == "## Targets missed\n\nNone.\n"


def test_write_puts_json_and_markdown_side_by_side(tmp_path: Path) -> None:
    data = results()
    data["sections"].pop("broken")
    as_json, as_markdown = report.write(data, tmp_path / "out")
    assert json.loads(as_json.read_text()) == data
    assert as_markdown.read_text() == report.full_markdown(data)


def with_control(row: dict[str, Any], bare: float) -> dict[str, Any]:
    return {
        **row,
        "control_program": "secure-parameter-bare-component",
        "control_status": "ok",
        "control_seconds": bare,
        "control_peak_rss_mib": 95.0,
        "control_program_rss_mib": 25.0,
        "control_registrations": row["component_registrations"],
        "control_same_aws_resources": True,
        "control_time_ratio": bare / row["raw_seconds"],
        "control_peak_rss_ratio": 95 / 90,
        "time_ratio_to_control": row["component_seconds"] / bare,
        "peak_rss_ratio_to_control": 100 / 95,
    }


def test_the_control_table_shows_the_floor_and_what_the_component_adds() -> None:
    data = results()
    scale = data["sections"]["stack_scale"]
    scale["comparisons"][1] = with_control(comparison("SecureParameter", 10, 0.1, 0.04), 0.06)
    scale["comparisons"].append(
        {
            **comparison("SecureParameter", 100, 0.5, 0.2),
            "control_program": "secure-parameter-bare-component",
            "control_status": "error: bare broke",
        }
    )
    text = report.stack_scale(scale)
    assert "Bare component / raw" in text
    assert "`secure-parameter-bare-component`" in text
    rows = [line for line in text.splitlines() if line.startswith("| SecureParameter")]
    control = [line for line in rows if "0.06" in line]
    assert len(control) == 1
    cells = [c.strip() for c in control[0].strip("|").split("|")]
    assert cells == [
        "SecureParameter", "10", "0.04", "0.06", "0.10", "1.50x", "2.50x", "1.67x",
        "90.0 / 95.0 / 100.0", "1.06x", "1.11x", "1.05x",
    ]  # fmt: skip
    assert any("error: bare broke" in line for line in rows)


def test_results_without_a_control_render_no_control_table() -> None:
    text = report.stack_scale(results()["sections"]["stack_scale"])
    assert "Bare component" not in text
    assert "Control, measured" not in text


def grant_scale_section(most: int) -> dict[str, Any]:
    row = {
        "keys": "one key",
        "managed_policy_quota": 10,
        "most_secrets": most,
        "policies": 11,
        "physical_bound": 863,
        "ratio_to_bound": most / 863,
        "target": 0.9,
        "meets_target": most / 863 >= 0.9,
    }
    return {
        "arn_length": 80,
        "exact_context_values": 10,
        "per_additional_secret_exact": 166,
        "per_additional_secret_prefixed": 83,
        "unconsolidated_most_secrets": 16,
        "rows": [row, {**row, "keys": "8 keys", "target": None, "meets_target": None}],
    }


def test_the_grant_scale_section_renders_and_reports_a_miss() -> None:
    text = report.section_markdown("grant_scale", grant_scale_section(787))
    assert text.startswith("## 6. Secrets one role can be granted")
    assert "| one key " in text
    assert "| 787 " in text
    assert "0.91x" in text
    assert "a role took 16." in text
    data = {"sections": {"grant_scale": grant_scale_section(700)}}
    assert report.misses(data) == [
        "grant scale: one role took 700 secrets, 81% of the bound 863 (≥ 90 %)"
    ]
