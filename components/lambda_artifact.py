"""The rotation Lambda's code: the rotation_handlers package, packaged as a Pulumi archive."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import pulumi

from components import validation

PACKAGE = "rotation_handlers"


def handlers_directory() -> Path:
    """Where rotation_handlers lives, whether this repo is checked out or pip-installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {PACKAGE} package is not importable; reinstall secretkit")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass(frozen=True)
class HandlerArtifact:
    """Files to ship and the Lambda handler string for one strategy."""

    files: dict[str, Path]
    handler: str

    def archive(self) -> pulumi.AssetArchive:
        """A Pulumi archive; Pulumi diffs it by content hash, so paths do not cause updates."""
        return pulumi.AssetArchive(
            {name: pulumi.FileAsset(str(path)) for name, path in sorted(self.files.items())}
        )


def handler_module(strategy: str) -> str:
    """rotation strategy -> module in rotation_handlers ('postgres-single-user' -> ...)."""
    return validation.STRATEGIES[strategy]


def artifact_for(module: str) -> HandlerArtifact:
    """The package's Python modules (each needs only boto3 and the stdlib) for ``module``."""
    directory = handlers_directory()
    if not (directory / f"{module}.py").is_file():
        raise FileNotFoundError(f"{PACKAGE}/{module}.py")
    files = {f"{PACKAGE}/{path.name}": path for path in sorted(directory.glob("*.py"))}
    return HandlerArtifact(files=files, handler=f"{PACKAGE}.{module}.lambda_handler")
