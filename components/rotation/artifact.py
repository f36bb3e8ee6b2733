"""The rotation Lambda's code: the rotation_handlers package, packaged as a Pulumi archive."""

from __future__ import annotations

import functools
import importlib.util
import io
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pulumi

from secretkit.components import strategies, validation
from secretkit.components.handlers_package import PACKAGE, handlers_directory
from secretkit.components.rotation.driver_bundle import (
    DriverMismatch,
    DriverMissing,
    ShippedDistribution,
    driver_files,
    file_hash,
    files_digest,
    shipped_distributions,
)


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

    def zip_bytes(self) -> bytes:
        """The artifact as a deterministic zip (fixed timestamps, sorted), as Lambda receives it.

        Zipped once per content: a stack of many secrets of one strategy shares the work.
        """
        entries = []
        for name, path in sorted(self.files.items()):
            stat = path.stat()
            entries.append((name, str(path), stat.st_mtime_ns, stat.st_size))
        return _zip(tuple(entries))

    def zipped_size(self) -> int:
        """Bytes of the zipped artifact."""
        return len(self.zip_bytes())

    def with_files(self, extra: dict[str, Path]) -> HandlerArtifact:
        """The same artifact with more files (a driver, a CA bundle)."""
        return HandlerArtifact(files={**self.files, **extra}, handler=self.handler)


@functools.lru_cache(maxsize=64)
def _zip(entries: tuple[tuple[str, str, int, int], ...]) -> bytes:
    """Zip (name, path, mtime, size) entries; the stat fields key the cache to file contents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path, _mtime, _size in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, Path(path).read_bytes())
    return buffer.getvalue()


def _package_files() -> dict[str, Path]:
    directory = handlers_directory()
    return {f"{PACKAGE}/{path.name}": path for path in sorted(directory.glob("*.py"))}


def artifact_for(module: str) -> HandlerArtifact:
    """The package's Python modules (each needs only boto3 and the stdlib) for ``module``."""
    if not (handlers_directory() / f"{module}.py").is_file():
        raise FileNotFoundError(f"{PACKAGE}/{module}.py")
    return HandlerArtifact(files=_package_files(), handler=f"{PACKAGE}.{module}.lambda_handler")


def custom_artifact(module: str) -> HandlerArtifact:
    """rotation_handlers plus a user's module (``my_rotators.api_key``) defining lambda_handler.

    A top-level module ships as its one file; a module inside a package ships with that whole
    top-level package (its .py files), so its own imports keep working in Lambda.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise FileNotFoundError(module)
    origin = Path(spec.origin)
    files = _package_files()
    if "." not in module and not spec.submodule_search_locations:
        files[origin.name] = origin  # a single-file module
    else:
        top = module.split(".", maxsplit=1)[0]
        top_spec = importlib.util.find_spec(top)
        if top_spec is None or not top_spec.submodule_search_locations:
            raise FileNotFoundError(module)
        root = Path(next(iter(top_spec.submodule_search_locations)))
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts:
                files[f"{top}/{path.relative_to(root).as_posix()}"] = path
    return HandlerArtifact(files=files, handler=f"{module}.lambda_handler")


def rotation_artifact(
    strategy: str, custom_module: str | None, *, custom: bool | None = None
) -> HandlerArtifact:
    """The artifact for a validated strategy (SecureParameter's included); InvalidArgumentError
    if its code is missing."""
    if custom is None:
        custom = strategy == strategies.CUSTOM
    if custom and custom_module is not None:
        try:
            return custom_artifact(custom_module)
        except (FileNotFoundError, ModuleNotFoundError):
            raise validation.fail(
                "rotation.handler_module",
                custom_module,
                "cannot be found on the program's Python path (it must be importable, as a .py "
                "file, by the Pulumi program)",
            ) from None
    registered = strategies.lookup(strategy)
    module = registered.module if registered else strategy
    try:
        artifact = artifact_for(module)
    except FileNotFoundError:
        raise validation.fail(
            "rotation.strategy",
            strategy,
            f"this version of secretkit does not ship {PACKAGE}/{module}.py yet",
        ) from None
    driver = strategies.driver_of(strategy)
    if driver is None:
        return artifact
    try:
        return artifact.with_files(driver_files(driver))
    except DriverMissing as missing:
        raise validation.fail(
            "rotation.strategy",
            strategy,
            f"needs the {driver} driver installed where Pulumi runs (missing: {missing}); "
            "it is in secretkit's requirements: pip install -r requirements.txt",
        ) from None
    except DriverMismatch as mismatch:
        raise validation.fail(
            "rotation.strategy",
            strategy,
            f"ships only the pinned {driver} driver, and refuses the one installed where Pulumi "
            f"runs: {mismatch}",
        ) from None


def artifact_contents(strategy: str) -> list[ShippedDistribution]:
    """What the artifact of a built-in ``strategy`` holds: secretkit's rotation_handlers, then
    each driver distribution exactly as pinned (name, version, digest of its shipped files)."""
    files = _package_files()
    try:
        version = metadata.version("secretkit")
    except metadata.PackageNotFoundError:
        version = "unknown"  # run from a checkout that was never installed
    handlers = ShippedDistribution(
        f"secretkit ({PACKAGE})",
        version,
        files_digest({name: file_hash(path) for name, path in files.items()}),
    )
    driver = strategies.driver_of(strategy)
    return [handlers, *(shipped_distributions(driver) if driver else [])]
