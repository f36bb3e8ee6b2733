"""The installed Python files of a database driver and its dependencies, for a Lambda artifact.

Built offline from what pip installed into the program's environment: no download at deploy
time. Packages the Lambda Python runtime already provides (boto3 and its dependencies) are not
shipped again.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import metadata
from pathlib import Path

#: Distributions every Lambda Python runtime already has: boto3 and its dependencies, including
#: botocore's python-dateutil (and its six), which pg8000 also requires. Shipping a second copy
#: would shadow the runtime's precompiled one: without bytecode in the read-only artifact it is
#: compiled again at every cold start, boto3's own import included (~25 ms measured).
PROVIDED_BY_LAMBDA = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "python-dateutil", "six"}
)
#: The driver each database strategy needs.
STRATEGY_DRIVERS = {
    "postgres-single-user": "pg8000",
    "postgres-multi-user": "pg8000",
    "mysql-single-user": "PyMySQL",
    "mysql-multi-user": "PyMySQL",
}


class DriverMissing(Exception):
    """The driver (or one of its dependencies) is not installed where Pulumi runs."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _required(distribution: metadata.Distribution) -> list[str]:
    """Names of the unconditional requirements (extras and markers left out)."""
    names = []
    for requirement in distribution.requires or []:
        if ";" in requirement:
            continue  # an extra or an environment marker: optional for the driver's core
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match:
            names.append(match.group(1))
    return names


def closure(name: str) -> list[str]:
    """``name`` and everything it requires, minus what Lambda provides, in a stable order."""
    seen: dict[str, None] = {}
    pending = [name]
    while pending:
        current = pending.pop(0)
        key = _canonical(current)
        if key in seen or key in PROVIDED_BY_LAMBDA:
            continue
        try:
            distribution = metadata.distribution(current)
        except metadata.PackageNotFoundError:
            raise DriverMissing(current) from None
        seen[key] = None
        pending.extend(_required(distribution))
    return list(seen)


@cache
def driver_files(name: str) -> dict[str, Path]:
    """Archive path -> installed file for the .py files of ``name`` and its requirements."""
    files: dict[str, Path] = {}
    for distribution_name in closure(name):
        distribution = metadata.distribution(distribution_name)
        for entry in distribution.files or []:
            relative = entry.as_posix()
            if not relative.endswith(".py") or "__pycache__" in relative:
                continue
            if relative.startswith(("..", "/")) or ".dist-info/" in relative:
                continue  # scripts outside site-packages, metadata
            files[relative] = Path(str(distribution.locate_file(entry))).resolve()
    return dict(sorted(files.items()))
