"""The benchmark's small decisions: sizes, limits, skips, scenarios and handler discovery."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

import pytest

from benchmarks import artifacts, cold_start, databases, run, stack_scale, targets
from benchmarks.environment import REPO
from benchmarks.rotations import scheduled_event


def test_scale_repeats_are_one_count_per_size() -> None:
    assert run.parse_repeats("5,3,2") == {10: 5, 100: 3, 500: 2}
    for bad in ("5,3", "5,3,0"):
        with pytest.raises(argparse.ArgumentTypeError, match="positive counts"):
            run.parse_repeats(bad)


def test_too_few_rotations_are_refused() -> None:
    with pytest.raises(SystemExit):
        run.parse_arguments(["--rotations", "5"])
    assert run.parse_arguments([]).rotations >= 20


def test_missing_database_is_a_skip_locally_and_a_failure_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert databases.missing("MariaDB is down") == "skipped: MariaDB is down"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(RuntimeError, match="CI=true"):
        databases.missing("MariaDB is down")


def test_strategies_map_to_their_databases_and_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert [targets.engine_of(s) for s in targets.STRATEGIES] == [
        None, None, "postgres", "postgres", "mysql", "mysql",
    ]  # fmt: skip
    assert artifacts.limit_for("password") == 32 * 1024
    assert artifacts.limit_for("mysql-multi-user") == 1536 * 1024
    local = databases.LocalDatabases(postgres=[], postgres_missing=["no pg"], mysql_missing=None)
    assert targets.skipped("password", local) is None
    assert targets.skipped("mysql-single-user", local) is None
    assert targets.skipped("postgres-multi-user", local) == "skipped: no pg"


def test_artifact_packages_are_top_level_names() -> None:
    files: dict[str, Any] = {"six.py": None, "pg8000/core.py": None, "pg8000/__init__.py": None}
    assert artifacts.packages_of(files) == ["pg8000", "six"]


def test_handler_modules_are_those_with_a_lambda_handler() -> None:
    modules = cold_start.handler_modules()
    assert {"password", "parameter_store", "postgres_single_user", "mysql_multi_user"} <= set(
        modules
    )
    assert not {"protocol", "database", "passwords"} & set(modules)
    assert cold_start.strategy_of("postgres_single_user") == "postgres-single-user"
    assert cold_start.strategy_of("parameter_store") == "parameter_store"
    assert cold_start.driver_of("postgres_multi_user") == "pg8000.native"
    assert cold_start.driver_of("mysql_single_user") == "pymysql"
    assert cold_start.driver_of("password") == ""


def test_probe_imports_boto3_first() -> None:
    probe = cold_start.Probe("postgres_single_user", cold_start.AS_SHIPPED, REPO, "pg8000")
    assert probe.imports() == ["boto3", "rotation_handlers.postgres_single_user", "pg8000"]
    assert cold_start.Probe("", cold_start.CACHED, REPO).imports() == ["boto3"]


def test_scheduled_event_keeps_microseconds() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    event = scheduled_event(when)
    assert event["time"] == "2026-01-02T03:04:05.678901Z"
    assert event["detail-type"] == "Scheduled Event"


def run_figures(n: int, seconds: float, **types: int) -> dict[str, Any]:
    return {
        "status": "ok",
        "n": n,
        "seconds": seconds,
        "peak_rss_mib": 100.0 + n,
        "rss_before_program_mib": 60.0,
        "registrations": sum(types.values()) + n,
        "aws_resources": sum(types.values()),
        "types": types,
    }


def test_medians_of_repeated_evaluations() -> None:
    runs = [run_figures(10, s, Secret=10) for s in (3.0, 1.0, 2.0)]
    merged = stack_scale.median_of(runs)
    assert merged["seconds"] == 2.0
    assert merged["program_rss_mib"] == 50.0
    assert merged["samples_seconds"] == [3.0, 1.0, 2.0]
    failed = {"status": "error", "error": "boom"}
    assert stack_scale.median_of([runs[0], failed]) is failed


def test_resources_per_additional_secret() -> None:
    small = run_figures(100, 1.0, Secret=100, Policy=4, Function=1)
    large = run_figures(500, 5.0, Secret=500, Policy=17, Function=2)
    row = stack_scale.per_secret("rotating-secret-shared-function", small, large)
    assert row["per_secret_aws_resources"] == pytest.approx((519 - 105) / 400)
    assert row["per_secret_registrations"] == pytest.approx((1019 - 205) / 400)
    assert row["per_secret_by_type"] == {
        "Function": pytest.approx(1 / 400),
        "Policy": pytest.approx(13 / 400),
        "Secret": 1.0,
    }
    assert row["target"] == 3
    assert row["meets_target"] is True  # 1.035 AWS resources per secret
    failed = stack_scale.per_secret("rotating-secret", small, {"status": "error", "error": "x"})
    assert failed["status"] == "error: x"


def test_control_figures_set_the_bare_component_between_raw_and_ours() -> None:
    ours, raw, bare = (
        {**stack_scale.median_of([run_figures(500, s, Parameter=500)]), "peak_rss_mib": peak}
        for s, peak in ((2.8, 126.0), (1.6, 118.0), (2.6, 124.0))
    )
    figures = stack_scale.control_figures("secure-parameter-bare-component", ours, raw, bare)
    assert figures["control_program"] == "secure-parameter-bare-component"
    assert figures["control_status"] == "ok"
    assert figures["control_seconds"] == 2.6
    assert figures["control_time_ratio"] == pytest.approx(2.6 / 1.6)
    assert figures["time_ratio_to_control"] == pytest.approx(2.8 / 2.6)
    assert figures["control_peak_rss_ratio"] == pytest.approx(124 / 118)
    assert figures["peak_rss_ratio_to_control"] == pytest.approx(126 / 124)
    assert figures["control_same_aws_resources"] is True
    failed = stack_scale.control_figures("bare", ours, raw, {"status": "error", "error": "boom"})
    assert failed == {"control_program": "bare", "control_status": "error: boom"}


def test_compare_alternates_the_control_with_the_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    seconds = {"ours": [3.0, 2.0, 2.5], "raw": [1.0, 1.5, 1.2], "bare": [2.0, 2.2, 1.8]}
    order: list[str] = []

    def evaluate(program: str, n: int) -> dict[str, Any]:
        order.append(program)
        return run_figures(n, seconds[program].pop(0), Parameter=n)

    monkeypatch.setattr(stack_scale, "evaluate", evaluate)
    monkeypatch.setattr(stack_scale, "progress", lambda _: None)
    row = stack_scale.compare("SecureParameter", ("ours", "raw"), 100, 3, "bare")
    assert order == ["ours", "raw", "bare"] * 3
    assert row["status"] == "ok"
    assert row["time_ratio"] == pytest.approx(2.5 / 1.2)
    assert row["control_seconds"] == 2.0
    assert row["control_time_ratio"] == pytest.approx(2.0 / 1.2)
    assert row["time_ratio_to_control"] == pytest.approx(2.5 / 2.0)
    assert row["samples_seconds"] == {
        "component": [3.0, 2.0, 2.5],
        "raw": [1.0, 1.5, 1.2],
        "control": [2.0, 2.2, 1.8],
    }
    assert set(row["runs"]) == {"component", "raw", "control"}
    assert stack_scale.CONTROLS["SecureParameter"] == "secure-parameter-bare-component"


def test_compare_without_a_control_keeps_its_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stack_scale, "evaluate", lambda p, n, f=1: run_figures(n, 1.0, Key=n))
    monkeypatch.setattr(stack_scale, "progress", lambda _: None)
    row = stack_scale.compare("RotatingSecret", ("ours", "raw"), 10, 1)
    assert not [key for key in row if key.startswith("control")]
    assert set(row["samples_seconds"]) == {"component", "raw"}


def test_the_cached_condition_may_write_bytecode_and_no_probe_sees_pythonpath() -> None:
    environ = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": "/elsewhere", "HOME": "/root"}
    cached = cold_start.probe_environment(cold_start.CACHED, environ)
    shipped = cold_start.probe_environment(cold_start.AS_SHIPPED, environ)
    assert cached == {"HOME": "/root"}
    # As shipped runs with -B anyway; the variable may stay.
    assert shipped == {"PYTHONDONTWRITEBYTECODE": "1", "HOME": "/root"}
