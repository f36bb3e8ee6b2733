"""Section 5: evaluating programs of N components under Pulumi mocks, against the same
resources declared by hand; each evaluation in a fresh process (benchmarks.stack_programs)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any

from benchmarks.environment import REPO
from benchmarks.progress import progress
from benchmarks.stats import growth_exponent, per_additional, ratio

SIZES = (10, 100, 500)
#: Component program, hand-written equivalent, per component measured.
PAIRS = {
    "RotatingSecret": ("rotating-secret", "rotating-secret-raw"),
    "SecureParameter": ("secure-parameter", "secure-parameter-raw"),
}
#: A control per component: the raw program's resources, each inside a minimal
#: ComponentResource (same type token, two outputs, no code of ours), measured in the same run
#: and alternated with the pair, so the report can tell what any one-resource component pays
#: under the mocks from what the component's own code adds.
CONTROLS = {"SecureParameter": "secure-parameter-bare-component"}
#: The issue's ceilings: component/raw time and memory, resources per extra shared secret.
RATIO_TARGET = 1.3
SHARED_PER_SECRET_TARGET = 3
SHARING = {
    "rotating-secret": "RotatingSecret, own CMK and function each (rotation alarms off)",
    "rotating-secret-shared-key": "RotatingSecret, one given kms_key_arn, own function each "
    "(no function sharing)",
    "rotating-secret-shared-function": "RotatingSecret members of a shared RotationFunction "
    "(its CMK; rotation alarms on, the default)",
}
SHARED_FUNCTION = "rotating-secret-shared-function"


def evaluate(program: str, n: int) -> dict[str, Any]:
    """One evaluation in a fresh interpreter (so memory is this program's, and no Pulumi
    runtime state carries over)."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.stack_programs", program, str(n)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"program": program, "n": n, "status": "error", "error": tail[0]}
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs' medians (time, memory); counts are identical between runs."""
    failed = [run for run in runs if run.get("status") != "ok"]
    if failed:
        return failed[0]
    return {
        **runs[0],
        "seconds": statistics.median(run["seconds"] for run in runs),
        "peak_rss_mib": statistics.median(run["peak_rss_mib"] for run in runs),
        "program_rss_mib": statistics.median(
            run["peak_rss_mib"] - run["rss_before_program_mib"] for run in runs
        ),
        "samples_seconds": [run["seconds"] for run in runs],
    }


def compare(
    component: str,
    programs: tuple[str, str],
    n: int,
    repeats: int,
    control: str | None = None,
) -> dict[str, Any]:
    """Component program and its hand-written twin (and the control, if any), alternated
    ``repeats`` times."""
    measured = (*programs, control) if control else programs
    runs: dict[str, list[dict[str, Any]]] = {program: [] for program in measured}
    for _ in range(repeats):
        for program in measured:
            progress(f"stack-scale: {program} N={n}")
            runs[program].append(evaluate(program, n))
    ours, raw = (median_of(runs[program]) for program in programs)
    row: dict[str, Any] = {"component": component, "n": n, "repeats": repeats}
    row["runs"] = {"component": ours, "raw": raw}
    bare = median_of(runs[control]) if control else None
    if bare is not None:
        row["runs"]["control"] = bare
    if ours.get("status") != "ok" or raw.get("status") != "ok":
        return {**row, "status": f"error: {ours.get('error') or raw.get('error')}"}
    result = {
        **row,
        "status": "ok",
        "component_seconds": ours["seconds"],
        "raw_seconds": raw["seconds"],
        "time_ratio": ratio(ours["seconds"], raw["seconds"]),
        "component_peak_rss_mib": ours["peak_rss_mib"],
        "raw_peak_rss_mib": raw["peak_rss_mib"],
        "peak_rss_ratio": ratio(ours["peak_rss_mib"], raw["peak_rss_mib"]),
        "component_program_rss_mib": ours["program_rss_mib"],
        "raw_program_rss_mib": raw["program_rss_mib"],
        "program_rss_ratio": ratio(ours["program_rss_mib"], raw["program_rss_mib"]),
        "component_registrations": ours["registrations"],
        "raw_registrations": raw["registrations"],
        "same_aws_resources": ours["types"] == raw["types"],
        "aws_resource_types": ours["types"],
        "target_ratio": RATIO_TARGET,
        "meets_target": ours["seconds"] / raw["seconds"] <= RATIO_TARGET
        and ours["peak_rss_mib"] / raw["peak_rss_mib"] <= RATIO_TARGET,
        "samples_seconds": {"component": ours["samples_seconds"], "raw": raw["samples_seconds"]},
    }
    if control and bare is not None:
        result.update(control_figures(control, ours, raw, bare))
        if bare.get("status") == "ok":
            result["samples_seconds"]["control"] = bare["samples_seconds"]
    return result


def control_figures(
    program: str, ours: dict[str, Any], raw: dict[str, Any], bare: dict[str, Any]
) -> dict[str, Any]:
    """The control's medians and its ratios: bare component / raw (the floor any one-resource
    component pays under the mocks) and component / bare component (what our code adds)."""
    figures: dict[str, Any] = {"control_program": program}
    if bare.get("status") != "ok":
        return {**figures, "control_status": f"error: {bare.get('error')}"}
    return {
        **figures,
        "control_status": "ok",
        "control_seconds": bare["seconds"],
        "control_peak_rss_mib": bare["peak_rss_mib"],
        "control_program_rss_mib": bare["program_rss_mib"],
        "control_registrations": bare["registrations"],
        "control_same_aws_resources": bare["types"] == raw["types"],
        "control_time_ratio": ratio(bare["seconds"], raw["seconds"]),
        "control_peak_rss_ratio": ratio(bare["peak_rss_mib"], raw["peak_rss_mib"]),
        "time_ratio_to_control": ratio(ours["seconds"], bare["seconds"]),
        "peak_rss_ratio_to_control": ratio(ours["peak_rss_mib"], bare["peak_rss_mib"]),
    }


def growth(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slope of log(time) against log(N) over the sizes, per program."""
    found: list[dict[str, Any]] = []
    for component, (ours, raw) in PAIRS.items():
        measured = [r for r in rows if r["component"] == component and r["status"] == "ok"]
        if len(measured) < 2:
            continue
        for program, key in ((ours, "component_seconds"), (raw, "raw_seconds")):
            points = [(float(r["n"]), float(r[key])) for r in measured]
            found.append(
                {
                    "program": program,
                    "sizes": [r["n"] for r in measured],
                    "seconds": [r[key] for r in measured],
                    "exponent": growth_exponent(points),
                    "target": 1.0,
                }
            )
    return found


def per_secret(scenario: str, small: dict[str, Any], large: dict[str, Any]) -> dict[str, Any]:
    """Resources each additional secret registers, from the two largest sizes."""
    row: dict[str, Any] = {"scenario": scenario, "description": SHARING[scenario]}
    for run in (small, large):
        if run.get("status") != "ok":
            return {**row, "status": f"error: {run.get('error')}"}
    row.update(
        {
            "status": "ok",
            "sizes": [small["n"], large["n"]],
            "registrations": [small["registrations"], large["registrations"]],
            "aws_resources": [small["aws_resources"], large["aws_resources"]],
            "per_secret_registrations": per_additional(
                (small["n"], small["registrations"]), (large["n"], large["registrations"])
            ),
            "per_secret_aws_resources": per_additional(
                (small["n"], small["aws_resources"]), (large["n"], large["aws_resources"])
            ),
            "per_secret_by_type": {
                kind: per_additional(
                    (small["n"], small["types"].get(kind, 0)),
                    (large["n"], large["types"].get(kind, 0)),
                )
                for kind in sorted({*small["types"], *large["types"]})
                if small["types"].get(kind, 0) != large["types"].get(kind, 0)
            },
            "seconds": [small["seconds"], large["seconds"]],
            "peak_rss_mib": [small["peak_rss_mib"], large["peak_rss_mib"]],
        }
    )
    if scenario == SHARED_FUNCTION:
        row["target"] = SHARED_PER_SECRET_TARGET
        row["meets_target"] = row["per_secret_aws_resources"] <= SHARED_PER_SECRET_TARGET
    return row


def run(repeats: dict[int, int]) -> dict[str, Any]:
    """Component against hand-written (and its control) at each size, the growth, and
    resources per secret."""
    rows = [
        compare(component, programs, n, repeats[n], CONTROLS.get(component))
        for n in SIZES
        for component, programs in PAIRS.items()
    ]
    small, large = SIZES[-2], SIZES[-1]
    measured = {r["n"]: r["runs"]["component"] for r in rows if r["component"] == "RotatingSecret"}
    sharing = [per_secret("rotating-secret", measured[small], measured[large])]
    for scenario in ("rotating-secret-shared-key", SHARED_FUNCTION):
        progress(f"stack-scale: {scenario} N={small} and N={large}")
        sharing.append(per_secret(scenario, evaluate(scenario, small), evaluate(scenario, large)))
    return {
        "sizes": list(SIZES),
        "repeats": {str(n): count for n, count in repeats.items()},
        "comparisons": rows,
        "growth": growth(rows),
        "per_secret": sharing,
    }
