"""Section 3: each handler module's import in a fresh interpreter, beyond boto3 alone.

"boto3 alone" is ``import boto3`` in a fresh interpreter started in an empty directory. For a
handler, a fresh interpreter started in the handler's code directory imports boto3 (timed on
its own too: the artifact may shadow boto3's dependencies), then the handler module; the two
together are the handler's import, and what exceeds boto3 alone is the handler's cost. Database
handlers then import the driver their first connection loads. Peak memory is the process's
VmHWM after each import (ru_maxrss cannot be used: Linux carries the spawning process's peak
into an exec'd child's ru_maxrss).

Two conditions. "as shipped": the strategy's artifact unpacked in a directory and imported
with no bytecode cache, as in Lambda, whose /var/task is read-only and whose artifact holds
only .py files (every cold start compiles the handler modules and whatever else it ships).
"bytecode cached": this checkout, with __pycache__ written by a warm-up round. boto3 comes from
the installed package with its bytecode in both, as from Lambda's runtime.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.environment import REPO
from benchmarks.progress import progress
from benchmarks.stats import ratio
from secretkit.components import strategies

#: The issue's ceiling for a handler's import beyond boto3's, in milliseconds.
TARGET_MS = 20.0
AS_SHIPPED, CACHED = "as shipped", "bytecode cached"
PROBE = """\
import time
def peak_kib():
    with open("/proc/self/status") as status:
        return int(next(l for l in status if l.startswith("VmHWM:")).split()[1])
def timed(module):
    start = time.perf_counter()
    __import__(module)
    return time.perf_counter() - start, peak_kib()
timings = [timed(module) for module in {modules!r}]
origin = getattr(__import__("sys").modules[{modules!r}[-1]], "__file__", "")
print(__import__("json").dumps([timings, origin]))
"""


@dataclass(frozen=True)
class Probe:
    """A handler module (or, with module '', boto3 alone) to import in fresh interpreters."""

    module: str
    condition: str
    cwd: Path
    driver: str = ""

    def imports(self) -> list[str]:
        """boto3, then the handler module, then its driver, as far as this probe goes."""
        handler = [f"rotation_handlers.{self.module}"] if self.module else []
        return ["boto3", *handler, *([self.driver] if self.driver else [])]


@dataclass(frozen=True)
class Sample:
    """One fresh interpreter: (seconds, peak KiB) after boto3, the handler and its driver."""

    boto3: tuple[float, int]
    handler: tuple[float, int] | None
    driver: tuple[float, int] | None


def handler_modules() -> list[str]:
    """rotation_handlers modules that define a Lambda entry point (lambda_handler = ...)."""
    directory = REPO / "rotation_handlers"
    return sorted(
        path.stem
        for path in directory.glob("*.py")
        if any(line.startswith("lambda_handler = ") for line in path.read_text().splitlines())
    )


def strategy_of(module: str) -> str:
    """The strategy whose artifact ships ``module`` (the module's own name if none does)."""
    strategy = strategies.of_module(module)
    return strategy.name if strategy else module


def driver_of(module: str) -> str:
    """The driver module a database handler module imports at its first connection ('' for
    the others)."""
    strategy = strategies.of_module(module)
    return strategy.engine.driver_module if strategy and strategy.engine else ""


def probe_environment(condition: str, environ: Mapping[str, str]) -> dict[str, str]:
    """The probe's environment: ours without PYTHONPATH (imports come from the probe's
    directory) and, for the cached condition, without PYTHONDONTWRITEBYTECODE, or the warm-up
    round would write no bytecode and 'cached' would compile from source like 'as shipped'
    (CI machines and containers often set it)."""
    dropped = {"PYTHONPATH"} | ({"PYTHONDONTWRITEBYTECODE"} if condition == CACHED else set())
    return {k: v for k, v in environ.items() if k not in dropped}


def run_probe(probe: Probe) -> Sample:
    """Import boto3, the handler and its driver in a new interpreter."""
    command = [sys.executable]
    if probe.condition == AS_SHIPPED:
        command.append("-B")  # like a read-only /var/task: compile, never write bytecode
    code = PROBE.format(modules=probe.imports())
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [*command, "-c", code],
        cwd=probe.cwd,
        env=probe_environment(probe.condition, os.environ),
        capture_output=True,
        check=True,
    )
    timings, origin = json.loads(result.stdout)
    if probe.module and not Path(origin).is_relative_to(probe.cwd):
        raise RuntimeError(f"rotation_handlers.{probe.module} was imported from {origin}")
    found: list[tuple[float, int] | None] = [(float(t[0]), int(t[1])) for t in timings]
    found += [None] * (3 - len(found))
    boto3 = found[0]
    assert boto3 is not None
    return Sample(boto3, found[1], found[2])


@contextmanager
def unpacked_artifacts(strategies: list[str]) -> Iterator[dict[str, Path]]:
    """Each strategy's artifact files copied into a directory of their own (removed after)."""
    from secretkit.components.rotation.artifact import rotation_artifact  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="secretkit-bench-artifacts-") as root:
        directories: dict[str, Path] = {}
        for strategy in strategies:
            directory = Path(root) / strategy
            for name, source in rotation_artifact(strategy, None).files.items():
                target = directory / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
            directories[strategy] = directory
        yield directories


def measure(probes: list[Probe], repetitions: int) -> dict[Probe, list[Sample]]:
    """Every probe ``repetitions`` times, interleaved (so drift hits all alike), after one
    untimed round that writes the cached condition's bytecode and warms the page cache."""
    for probe in probes:
        run_probe(probe)
    results: dict[Probe, list[Sample]] = {probe: [] for probe in probes}
    for repetition in range(repetitions):
        progress(f"cold-start: round {repetition + 1}/{repetitions} ({len(probes)} interpreters)")
        for probe in probes:
            results[probe].append(run_probe(probe))
    return results


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def _mib(values: list[int]) -> float:
    return statistics.median(values) / 1024


def _handler(sample: Sample) -> tuple[float, int]:
    assert sample.handler is not None
    return sample.handler


def row_for(probe: Probe, samples: list[Sample], alone: list[Sample]) -> dict[str, Any]:
    """Medians for one module under one condition, against boto3 alone and the target."""
    boto3_ms = _ms([s.boto3[0] for s in alone])
    boto3_mib = _mib([s.boto3[1] for s in alone])
    total_ms = _ms([s.boto3[0] + _handler(s)[0] for s in samples])
    peak_mib = _mib([_handler(s)[1] for s in samples])
    beyond = total_ms - boto3_ms
    row: dict[str, Any] = {
        "module": probe.module,
        "condition": probe.condition,
        "import_ms": total_ms,
        "boto3_alone_ms": boto3_ms,
        "beyond_boto3_ms": beyond,
        "boto3_in_code_directory_ms": _ms([s.boto3[0] for s in samples]),
        "module_after_boto3_ms": _ms([_handler(s)[0] for s in samples]),
        "target_ms": TARGET_MS,
        "ratio_to_target": ratio(beyond, TARGET_MS),
        "meets_target": beyond <= TARGET_MS,
        "peak_rss_mib": peak_mib,
        "boto3_alone_peak_rss_mib": boto3_mib,
        "peak_rss_beyond_boto3_mib": peak_mib - boto3_mib,
        "import_samples_ms": [(s.boto3[0] + _handler(s)[0]) * 1000 for s in samples],
    }
    drivers = [(s.driver, _handler(s)) for s in samples if s.driver is not None]
    if drivers:
        row["driver"] = probe.driver
        row["driver_import_ms"] = _ms([driver[0] for driver, _ in drivers])
        row["driver_peak_rss_beyond_handler_mib"] = _mib(
            [driver[1] - handler[1] for driver, handler in drivers]
        )
    return row


def run(repetitions: int) -> dict[str, Any]:
    """Medians over ``repetitions`` fresh interpreters per module and condition."""
    modules = handler_modules()
    strategies = sorted({strategy_of(m) for m in modules})
    with (
        unpacked_artifacts(strategies) as directories,
        tempfile.TemporaryDirectory(prefix="secretkit-bench-empty-") as empty,
    ):
        alone = {condition: Probe("", condition, Path(empty)) for condition in (AS_SHIPPED, CACHED)}
        probes = [
            Probe(
                module,
                condition,
                REPO if condition == CACHED else directories[strategy_of(module)],
                driver_of(module),
            )
            for condition in (AS_SHIPPED, CACHED)
            for module in modules
        ]
        results = measure([*alone.values(), *probes], repetitions)
    return {
        "repetitions": repetitions,
        "handler_modules": modules,
        "boto3_alone": {
            condition: {
                "import_ms": _ms([s.boto3[0] for s in results[probe]]),
                "peak_rss_mib": _mib([s.boto3[1] for s in results[probe]]),
            }
            for condition, probe in alone.items()
        },
        "modules": [
            row_for(probe, results[probe], results[alone[probe.condition]]) for probe in probes
        ],
    }
