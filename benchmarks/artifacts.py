"""Section 4: each strategy's zipped Lambda artifact, as RotatingSecret/SecureParameter ship it."""

from __future__ import annotations

from typing import Any

from benchmarks.stats import ratio
from benchmarks.targets import STRATEGIES, engine_of

KIB = 1024
#: The issue's ceilings: handlers alone 32 KB; with a database driver 1.5 MB.
HANDLERS_ONLY_LIMIT = 32 * KIB
WITH_DRIVER_LIMIT = 1536 * KIB


def limit_for(strategy: str) -> int:
    """The size ceiling of ``strategy``'s artifact, in bytes."""
    return WITH_DRIVER_LIMIT if engine_of(strategy) else HANDLERS_ONLY_LIMIT


def packages_of(files: dict[str, Any]) -> list[str]:
    """Top-level packages (or single modules) in an artifact's file list."""
    return sorted({name.split("/")[0].removesuffix(".py") for name in files})


def run() -> dict[str, Any]:
    """Files, packages and zipped bytes per strategy, against its ceiling."""
    from secretkit.components.rotation.artifact import rotation_artifact  # noqa: PLC0415 - loads Pulumi

    rows: list[dict[str, Any]] = []
    for strategy in STRATEGIES:
        artifact = rotation_artifact(strategy, None)
        size = artifact.zipped_size()
        limit = limit_for(strategy)
        rows.append(
            {
                "strategy": strategy,
                "files": len(artifact.files),
                "packages": packages_of(artifact.files),
                "unzipped_bytes": sum(path.stat().st_size for path in artifact.files.values()),
                "zipped_bytes": size,
                "target_bytes": limit,
                "ratio_to_target": ratio(size, limit),
                "meets_target": size <= limit,
            }
        )
    return {"strategies": rows}
