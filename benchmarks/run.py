"""Runs every section in order, prints each table as it completes, writes the results."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import (
    api_calls,
    artifacts,
    cold_start,
    grant_scale,
    latency,
    report,
    stack_scale,
)
from benchmarks.databases import LocalDatabases, local_databases
from benchmarks.environment import REPO, machine_info
from benchmarks.progress import progress

SECTIONS = ("api_calls", "latency", "cold_start", "artifacts", "stack_scale", "grant_scale")
NEEDS_DATABASES = frozenset({"api_calls", "latency"})


def parse_repeats(text: str) -> dict[int, int]:
    """'5,3,2' -> repeats per stack size (10, 100, 500)."""
    counts = [int(part) for part in text.split(",")]
    if len(counts) != len(stack_scale.SIZES) or min(counts) < 1:
        raise argparse.ArgumentTypeError(
            f"give {len(stack_scale.SIZES)} positive counts, one per size {stack_scale.SIZES}"
        )
    return dict(zip(stack_scale.SIZES, counts, strict=True))


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--rotations", type=int, default=50, help="timed rotations (50)")
    parser.add_argument(
        "--import-repetitions", type=int, default=20, help="fresh interpreters per import (20)"
    )
    parser.add_argument(
        "--scale-repeats",
        type=parse_repeats,
        default=parse_repeats("5,3,2"),
        help="evaluations per stack size 10,100,500 (5,3,2)",
    )
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="run only this section (repeatable)"
    )
    parser.add_argument(
        "--output", type=Path, default=REPO / "benchmarks", help="where results.* go"
    )
    options = parser.parse_args(argv)
    if options.rotations < 20:
        parser.error("--rotations must be at least 20")
    return options


Job = Callable[[], dict[str, Any]]


def database_jobs(options: argparse.Namespace, databases: LocalDatabases) -> dict[str, Job]:
    """The sections that rotate secrets, bound to the databases and settings."""
    return {
        "api_calls": lambda: api_calls.run(databases),
        "latency": lambda: latency.run(databases, options.rotations),
    }


def other_jobs(options: argparse.Namespace) -> dict[str, Job]:
    """The sections that need no database, bound to their settings."""
    return {
        "cold_start": lambda: cold_start.run(options.import_repetitions),
        "artifacts": artifacts.run,
        "stack_scale": lambda: stack_scale.run(options.scale_repeats),
        "grant_scale": grant_scale.run,
    }


def run_section(name: str, job: Job) -> dict[str, Any]:
    """The section's figures, or its error (the run goes on; the exit code reports it)."""
    progress(f"== {report.RENDERERS[name][0]}")
    started = time.monotonic()
    try:
        section = job()
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        section = {"error": f"{type(error).__name__}: {error}"}
    section["section_seconds"] = time.monotonic() - started
    sys.stdout.write(report.section_markdown(name, section) + "\n\n")
    sys.stdout.flush()
    return section


def describe(databases: LocalDatabases) -> dict[str, Any]:
    return {
        "postgres": [server.label for server in databases.postgres],
        "postgres_missing": databases.postgres_missing,
        "mysql_missing": databases.mysql_missing,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """`make bench`: every section, results.json and results.md; 1 if a section failed."""
    options = parse_arguments(argv)
    started = time.monotonic()
    selected = [name for name in SECTIONS if name in (options.only or SECTIONS)]
    results: dict[str, Any] = {
        "command": report.COMMAND,
        "machine": machine_info(),
        "settings": {
            "rotations": options.rotations,
            "import_repetitions": options.import_repetitions,
            "scale_repeats": {str(n): c for n, c in options.scale_repeats.items()},
            "sections": selected,
        },
        "sections": {},
    }
    if NEEDS_DATABASES & set(selected):
        progress("starting the private PostgreSQL cluster, probing the shared databases")
        with local_databases() as databases:
            results["databases"] = describe(databases)
            with_databases = database_jobs(options, databases)
            for name in [n for n in selected if n in NEEDS_DATABASES]:
                results["sections"][name] = run_section(name, with_databases[name])
    without_databases = other_jobs(options)
    for name in [n for n in selected if n not in NEEDS_DATABASES]:
        results["sections"][name] = run_section(name, without_databases[name])
    results["total_seconds"] = time.monotonic() - started
    results["targets_missed"] = report.misses(results)
    as_json, as_markdown = report.write(results, options.output)
    sys.stdout.write(report.misses_markdown(results["targets_missed"]))
    failed = [name for name, section in results["sections"].items() if "error" in section]
    progress(
        f"done in {results['total_seconds']:.0f} s: wrote {as_json} and {as_markdown}"
        + (f"; FAILED: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0
