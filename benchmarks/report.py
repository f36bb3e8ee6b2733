"""The results as Markdown (printed while running, and benchmarks/results.md) and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.markdown import cell, ratio_cell, table

COMMAND = "make bench"
#: boto3 this much slower next to a handler's unpacked artifact than alone: not noise.
SHADOWING_MS = 10.0
KIB, MIB = 1024, 1024 * 1024


def _status_rows(rows: list[dict[str, Any]], width: int) -> list[list[str]]:
    """Rows that were not measured: the strategy, why, blanks."""
    return [
        [row["strategy"], cell(row["status"])] + ["-"] * (width - 2)
        for row in rows
        if "status" in row
    ]


def api_calls(section: dict[str, Any]) -> str:
    headers = [
        "Strategy",
        "Service",
        "Calls",
        "Next rotation",
        "Target",
        "AWS template",
        "AWS calls",
        "Ours / AWS",
        "Meets target",
    ]
    rows = [
        [
            row["strategy"],
            "SSM" if row["service"] == "ssm" else "Secrets Manager",
            cell(row["calls"]),
            cell(row["next_rotation_calls"]),
            "-" if row["target"] is None else f"≤ {row['target']}",
            "generic"
            if "generic" in row.get("baseline", "")
            else "PostgreSQL single-user"
            if row.get("baseline")
            else "-",
            cell(row.get("baseline_calls")),
            ratio_cell(row.get("ratio_to_baseline")),
            cell(row.get("meets_target")),
        ]
        for row in section["strategies"]
        if "calls" in row
    ]
    rows += _status_rows(section["strategies"], len(headers))
    operations = [
        f"- `{row['strategy']}`: {', '.join(row['operations'])}"
        for row in section["strategies"]
        if "operations" in row
    ]
    baselines = [
        f"- {name}: {', '.join(found['operations'])}"
        for name, found in section["baselines"].items()
    ]
    servers = {row["server"] for row in section["strategies"] if "server" in row}
    return "\n".join(
        [
            "## 1. AWS API calls per full rotation",
            "",
            table(headers, rows),
            "",
            "Calls the handler's client sent during one full rotation of a new secret (botocore "
            "`before-call` hooks, on moto with AWS's rotation orchestration emulated by "
            "`secretkit.embedded.rotation_emulator`; the emulator's own calls are not counted), "
            "and "
            "during a second rotation of the same secret. `parameter_store` rotates a "
            "SecureString: its calls are SSM calls (GetParameter, PutParameter), not Secrets "
            "Manager's. AWS's templates are the call sequences re-expressed in "
            "`tests/rotation_handlers/` and run on the same harness; the MySQL single-user row "
            "is compared with AWS's PostgreSQL single-user template, as the issue states. "
            f"PostgreSQL strategies ran on: {', '.join(sorted(servers)) or '-'}.",
            "",
            "Operations, in order:",
            "",
            *operations,
            *baselines,
        ]
    )


def latency(section: dict[str, Any]) -> str:
    headers = [
        "Strategy",
        "Server",
        "Rotations",
        "Median ms",
        "p90 ms",
        "Min ms",
        "Max ms",
        "Warm-up ms",
        "Median x password",
    ]
    rows = [
        [
            row["strategy"],
            row["server"],
            cell(row["rotations"]),
            cell(row["median_ms"]),
            cell(row["p90_ms"]),
            cell(row["min_ms"]),
            cell(row["max_ms"]),
            cell(row["warm_up_ms"]),
            ratio_cell(row.get("ratio_to_password")),
        ]
        for row in section["strategies"]
        if "median_ms" in row
    ]
    rows += _status_rows(section["strategies"], len(headers))
    return "\n".join(
        [
            "## 2. Rotation latency",
            "",
            table(headers, rows),
            "",
            "Wall time of full rotations (the four steps, AWS's orchestration emulated, the "
            "handler's client reused as in a warm Lambda) of one secret per row, after one "
            "untimed warm-up rotation (shown: it pays the driver import and first connections). "
            "Secrets Manager and SSM are moto, in-process: no network round trips to AWS, "
            "which dominate in a real account (each call is typically 10-50 ms there). "
            "Databases are local, over plaintext TCP. The private PostgreSQL cluster checks "
            "scram-sha-256 passwords as RDS does. The shared server on 127.0.0.1:5432 uses "
            "trust authentication and accepts any password: there the single-user setSecret "
            "finds it can already log in with the pending password and skips the ALTER ROLE, "
            "so its single-user rows understate the work (and testSecret cannot fail there).",
        ]
    )


def cold_start(section: dict[str, Any]) -> str:
    headers = [
        "Module",
        "Condition",
        "Import ms",
        "boto3 alone ms",
        "Beyond boto3 ms",
        "Target ms",
        "Ratio",
        "Meets target",
        "Module after boto3 ms",
        "Peak MiB",
        "boto3 MiB",
        "Δ MiB",
        "Driver",
        "Driver ms",
        "Driver Δ MiB",
    ]
    rows = [
        [
            row["module"],
            row["condition"],
            cell(row["import_ms"]),
            cell(row["boto3_alone_ms"]),
            cell(row["beyond_boto3_ms"]),
            f"≤ {row['target_ms']:g}",
            ratio_cell(row["ratio_to_target"]),
            cell(row["meets_target"]),
            cell(row["module_after_boto3_ms"]),
            cell(row["peak_rss_mib"]),
            cell(row["boto3_alone_peak_rss_mib"]),
            cell(row["peak_rss_beyond_boto3_mib"]),
            row.get("driver", "-"),
            cell(row.get("driver_import_ms")),
            cell(row.get("driver_peak_rss_beyond_handler_mib")),
        ]
        for row in section["modules"]
    ]
    shadowed = [
        f"`{row['module']}` ({row['condition']}): boto3 took "
        f"{row['boto3_in_code_directory_ms']:.1f} ms next to the handler's code vs "
        f"{row['boto3_alone_ms']:.1f} ms alone"
        for row in section["modules"]
        if row["condition"] == "as shipped"
        and row["boto3_in_code_directory_ms"] - row["boto3_alone_ms"] > SHADOWING_MS
    ]
    notes = [
        "## 3. Handler cold start",
        "",
        table(headers, rows),
        "",
        f"Medians of {section['repetitions']} fresh interpreters per row. *Import*: boto3 then "
        "the handler module, in one fresh interpreter started in the handler's code directory; "
        "*boto3 alone*: `import boto3` in a fresh interpreter in an empty directory; *beyond "
        "boto3* is the difference, what the handler adds to a cold start (Lambda's runtime "
        "provides boto3). *as shipped*: the strategy's artifact unpacked and imported without "
        "bytecode (`python -B`), as Lambda does it (read-only /var/task, only .py files in the "
        "artifact); *bytecode cached*: this checkout with `__pycache__`. Memory is the "
        "process's peak RSS (VmHWM; ru_maxrss would include the spawning process's peak). "
        "*Driver*: importing the database driver after the handler, which the first "
        "connection of a cold container pays (the handlers import drivers lazily). *Module "
        "after boto3*: the handler module's own import with boto3 already loaded, in the same "
        "interpreter (a paired figure, less noisy than the difference of two medians).",
    ]
    if shadowed:
        notes += [
            "",
            "boto3 itself was slower next to these handlers' code: the artifact ships "
            "packages boto3 also imports (shadowing the runtime's precompiled copies, so "
            "they are compiled at every cold start): " + "; ".join(shadowed) + ".",
        ]
    return "\n".join(notes)


def artifacts(section: dict[str, Any]) -> str:
    headers = [
        "Strategy",
        "Files",
        "Unzipped KiB",
        "Zipped bytes",
        "Zipped KiB",
        "Target",
        "Ratio",
        "Meets target",
        "Packages",
    ]
    rows = [
        [
            row["strategy"],
            cell(row["files"]),
            cell(row["unzipped_bytes"] / KIB),
            cell(row["zipped_bytes"]),
            cell(row["zipped_bytes"] / KIB),
            f"≤ {row['target_bytes'] / KIB:,.0f} KiB",
            ratio_cell(row["ratio_to_target"]),
            cell(row["meets_target"]),
            ", ".join(row["packages"]),
        ]
        for row in section["strategies"]
    ]
    return "\n".join(
        [
            "## 4. Lambda artifact size",
            "",
            table(headers, rows),
            "",
            "The deterministic zip "
            "`secretkit.components.rotation.artifact.rotation_artifact(strategy)` builds (what "
            "`secretkit artifacts` reports and RotatingSecret deploys), drivers included. "
            "Targets: 32 KiB without a driver, 1.5 MiB with one.",
        ]
    )


def _scale_rows(section: dict[str, Any]) -> list[list[str]]:
    rows = []
    for row in section["comparisons"]:
        if row["status"] != "ok":
            rows.append([row["component"], cell(row["n"]), row["status"]] + ["-"] * 10)
            continue
        rows.append(
            [
                row["component"],
                cell(row["n"]),
                cell(row["component_seconds"], 2),
                cell(row["raw_seconds"], 2),
                ratio_cell(row["time_ratio"]),
                cell(row["component_peak_rss_mib"]),
                cell(row["raw_peak_rss_mib"]),
                ratio_cell(row["peak_rss_ratio"]),
                f"{row['component_program_rss_mib']:.1f} / {row['raw_program_rss_mib']:.1f}",
                ratio_cell(row["program_rss_ratio"]),
                f"{row['component_registrations']:,} / {row['raw_registrations']:,}",
                cell(row["same_aws_resources"]),
                cell(row["meets_target"]),
            ]
        )
    return rows


CONTROL_HEADERS = [
    "Component",
    "N",
    "Raw s",
    "Bare component s",
    "Component s",
    "Bare component / raw",
    "Component / raw",
    "Component / bare component",
    "Peak MiB (raw / bare / component)",
    "Peak: bare / raw",
    "Peak: component / raw",
    "Peak: component / bare",
]


def _control_rows(section: dict[str, Any]) -> list[list[str]]:
    """One row per comparison measured with its control (older results have none; a pair that
    failed has no control figures either)."""
    rows = []
    for row in section["comparisons"]:
        if "control_program" not in row:
            continue
        if row["control_status"] != "ok":
            rows.append([row["component"], cell(row["n"]), row["control_status"]] + ["-"] * 9)
            continue
        peaks = (
            row["raw_peak_rss_mib"],
            row["control_peak_rss_mib"],
            row["component_peak_rss_mib"],
        )
        rows.append(
            [
                row["component"],
                cell(row["n"]),
                cell(row["raw_seconds"], 2),
                cell(row["control_seconds"], 2),
                cell(row["component_seconds"], 2),
                ratio_cell(row["control_time_ratio"]),
                ratio_cell(row["time_ratio"]),
                ratio_cell(row["time_ratio_to_control"]),
                " / ".join(f"{peak:.1f}" for peak in peaks),
                ratio_cell(row["control_peak_rss_ratio"]),
                ratio_cell(row["peak_rss_ratio"]),
                ratio_cell(row["peak_rss_ratio_to_control"]),
            ]
        )
    return rows


def _control_notes(section: dict[str, Any]) -> list[str]:
    """The control table and what it shows, when the results have one."""
    rows = _control_rows(section)
    if not rows:
        return []
    programs = sorted(
        {row["control_program"] for row in section["comparisons"] if "control_program" in row}
    )
    return [
        "",
        "Control, measured in the same run and alternated with each pair: the raw program's "
        "resources, each inside a minimal ComponentResource (same type token, `parent=self`, "
        "`register_outputs` with two outputs, the resource's ARN and name; no validation, gate or "
        f"look-up), `{'`, `'.join(programs)}`. *Bare component / raw* is the floor any "
        "one-resource component pays under the mocks (one more registration per resource); "
        "*component / bare component* is what the component's own code adds to it.",
        "",
        table(CONTROL_HEADERS, rows),
    ]


def _per_secret_rows(section: dict[str, Any]) -> list[list[str]]:
    rows = []
    for row in section["per_secret"]:
        if row["status"] != "ok":
            rows.append([row["description"], row["status"]] + ["-"] * 6)
            continue
        sizes = "/".join(str(n) for n in row["sizes"])
        rows.append(
            [
                row["description"],
                f"N={sizes}",
                " → ".join(f"{r:,}" for r in row["registrations"]),
                " → ".join(f"{r:,}" for r in row["aws_resources"]),
                cell(row["per_secret_registrations"], 2),
                cell(row["per_secret_aws_resources"], 2),
                "-" if "target" not in row else f"≤ {row['target']}",
                cell(row.get("meets_target")),
            ]
        )
    return rows


def stack_scale(section: dict[str, Any]) -> str:
    comparison = [
        "Component",
        "N",
        "Component s",
        "Raw s",
        "Time ratio",
        "Component peak MiB",
        "Raw peak MiB",
        "Peak ratio",
        "Program MiB (ours / raw)",
        "Program ratio",
        "Registrations (ours / raw)",
        "Same AWS resources",
        "Meets ≤ 1.3x (time, peak)",
    ]
    growth_rows = [
        [
            row["program"],
            ", ".join(str(n) for n in row["sizes"]),
            ", ".join(f"{s:.2f}" for s in row["seconds"]),
            cell(row["exponent"], 2),
            "~1 (linear)",
        ]
        for row in section["growth"]
    ]
    notes = [
        "## 5. Stack scale under Pulumi mocks",
        "",
        table(comparison, _scale_rows(section)),
        *_control_notes(section),
        "",
        table(["Program", "N", "Seconds", "Growth exponent", "Target"], growth_rows),
        "",
        "Resources registered per additional secret, (R(large) - R(small)) / (large - small):",
        "",
        table(
            [
                "Scenario",
                "Sizes",
                "Registrations",
                "AWS resources",
                "Per secret (all)",
                "Per secret (AWS)",
                "Target",
                "Meets target",
            ],
            _per_secret_rows(section),
        ),
        "",
        "Each program is evaluated in a fresh interpreter (`python -m "
        "benchmarks.stack_programs`) under `secretkit.embedded.mocks` (install/run), so peak "
        "memory (VmHWM) is that program's and no Pulumi runtime state carries over; *seconds* is "
        "the evaluation (mocks installed, program run, every registration settled), imports "
        "excluded; *program MiB* is peak minus the memory after imports. Repeats per size: "
        + ", ".join(f"N={n}: {count}" for n, count in section["repeats"].items())
        + " (medians; component and raw alternated). *Raw* programs declare the same "
        "pulumi-aws resources by hand (same types, counts, inputs and dependencies; *Same AWS "
        "resources* compares the registered types and counts). RotatingSecret uses the "
        "`password` strategy and creates its own CMK; SecureParameter stores a secret Output "
        "in the standard tier under aws/ssm. The growth exponent is the least-squares slope "
        "of log(seconds) against log(N). *Per secret (all)* counts component resources too; "
        "the target applies to AWS resources. The no-sharing scenario passes one kms_key_arn "
        "so that only the function sharing differs from the shared one.",
    ]
    for row in section["per_secret"]:
        if "target" in row and row.get("per_secret_by_type"):
            kinds = ", ".join(
                f"{kind.rsplit(':', 1)[-1]} {count:.3f}"
                for kind, count in row["per_secret_by_type"].items()
            )
            notes += ["", f"Per additional secret by type, {row['description']}: {kinds}."]
    return "\n".join(notes)


def grant_scale(section: dict[str, Any]) -> str:
    headers = [
        "Keys",
        "Managed policies allowed",
        "Most secrets",
        "Policies",
        "Physical bound",
        "Ratio",
        "Meets target",
    ]
    rows = [
        [
            row["keys"],
            cell(row["managed_policy_quota"]),
            cell(row["most_secrets"]),
            cell(row["policies"]),
            cell(row["physical_bound"]),
            ratio_cell(row["ratio_to_bound"]),
            "" if row["meets_target"] is None else cell(row["meets_target"]),
        ]
        for row in section["rows"]
    ]
    return "\n".join(
        [
            "## 6. Secrets one role can be granted",
            "",
            table(headers, rows),
            "",
            f"Secrets of {section['arn_length']}-character ARNs granted to one role "
            "(`components/iam/consolidated.py`, packed as `grant_read` packs them) until a "
            "grant fits no policy the role may still get: its inline policy (10,240 "
            "characters) and the managed policies allowed (6,144 each). Physical bound: "
            "(10,240 + allowed x 6,144) / the characters one ARN takes in a list (ARN + 3). "
            "Target for one key: at least 90 % of the bound. Each additional secret on one key "
            f"adds {section['per_additional_secret_exact']} characters while a document lists "
            f"its key's encryption-context values (up to {section['exact_context_values']}), "
            f"{section['per_additional_secret_prefixed']} once it names the account and "
            "region's prefix. Before consolidation (one inline policy per grant) a role took "
            f"{section['unconsolidated_most_secrets']}.",
        ]
    )


RENDERERS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "api_calls": ("AWS API calls per full rotation", api_calls),
    "latency": ("Rotation latency", latency),
    "cold_start": ("Handler cold start", cold_start),
    "artifacts": ("Lambda artifact size", artifacts),
    "stack_scale": ("Stack scale under Pulumi mocks", stack_scale),
    "grant_scale": ("Secrets one role can be granted", grant_scale),
}


def section_markdown(name: str, section: dict[str, Any]) -> str:
    """One section's heading, tables and notes (or the error that stopped it)."""
    title, render = RENDERERS[name]
    if "error" in section:
        return f"## {title}\n\nFailed: {section['error']}"
    return render(section)


def misses(results: dict[str, Any]) -> list[str]:
    """Every figure that missed its target, one line each."""
    found: list[str] = []
    sections = results["sections"]
    for row in sections.get("api_calls", {}).get("strategies", []):
        if row.get("meets_target") is False:
            found.append(f"API calls: {row['strategy']} made {row['calls']} (≤ {row['target']})")
    for row in sections.get("cold_start", {}).get("modules", []):
        if row.get("meets_target") is False:
            found.append(
                f"cold start: {row['module']} ({row['condition']}) adds "
                f"{row['beyond_boto3_ms']:.1f} ms beyond boto3 (≤ {row['target_ms']:g})"
            )
    for row in sections.get("artifacts", {}).get("strategies", []):
        if row.get("meets_target") is False:
            found.append(f"artifact: {row['strategy']} is {row['zipped_bytes']:,} bytes")
    scale = sections.get("stack_scale", {})
    for row in scale.get("comparisons", []):
        if row.get("meets_target") is False:
            found.append(
                f"stack scale: {row['component']} N={row['n']} time ratio "
                f"{row['time_ratio']:.2f}x, peak ratio {row['peak_rss_ratio']:.2f}x (≤ 1.3x)"
            )
    for row in scale.get("per_secret", []):
        if row.get("meets_target") is False:
            found.append(
                f"stack scale: {row['scenario']} adds {row['per_secret_aws_resources']:.2f} AWS "
                f"resources per secret (≤ {row['target']})"
            )
    for row in sections.get("grant_scale", {}).get("rows", []):
        if row.get("meets_target") is False:
            found.append(
                f"grant scale: one role took {row['most_secrets']} secrets, "
                f"{row['ratio_to_bound']:.0%} of the bound {row['physical_bound']} (≥ 90 %)"
            )
    return found


def header(results: dict[str, Any]) -> str:
    machine = results["machine"]
    changes = " (with uncommitted changes)" if machine.get("uncommitted_changes") else ""
    return "\n".join(
        [
            "# secretkit benchmarks",
            "",
            f"Produced by `{COMMAND}` on {machine['date']}: Python {machine['python']} "
            f"({machine['implementation']}), {machine['cpu_count']} CPUs, {machine['platform']}, "
            f"commit {machine['commit']}{changes}. Total run time: "
            f"{results['total_seconds']:.0f} s. All figures come from this one run; raw "
            "figures are in `benchmarks/results.json`.",
        ]
    )


def full_markdown(results: dict[str, Any]) -> str:
    """results.md: header, every section, and what missed its target."""
    parts = [header(results)]
    parts += [section_markdown(name, section) for name, section in results["sections"].items()]
    return "\n\n".join(parts) + "\n\n" + misses_markdown(misses(results))


def misses_markdown(missed: list[str]) -> str:
    """The closing section: each missed target, or None."""
    lines = "\n".join(f"- {line}" for line in missed) if missed else "None."
    return f"## Targets missed\n\n{lines}\n"


def write(results: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    """results.json and results.md in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    as_json, as_markdown = directory / "results.json", directory / "results.md"
    as_json.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
    as_markdown.write_text(full_markdown(results))
    return as_json, as_markdown
