"""Record what the reference stack and a program using every component register, in a form two
runs can compare: every resource's URN, inputs, dependencies and options.

Secret inputs are reduced to their shape (JSON keys and a digest of each non-generated value);
generated passwords, which differ on every run, to their length. Assets are recorded by their
name in the archive and a digest of their bytes, not by their path on this machine.

``python -m tests.architecture.snapshot`` rewrites ``registrations.json``. The snapshot was taken
before the restructure of issue 13 and is meant to stay as it is: a test compares every run
against it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi

from secretkit.embedded import mocks
from secretkit.program import PROJECT_DIR, load_stack_config, run_program

SNAPSHOT = Path(__file__).resolve().parent / "registrations.json"
#: Keys of a secret JSON document whose value is generated anew on every run.
GENERATED_KEYS = ("password",)
#: Stack configurations of the reference program: the dev stack and the project defaults.
REFERENCE_STACKS = ("dev", "defaults")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _secret_shape(value: Any) -> Any:
    if isinstance(value, str):
        try:
            document = json.loads(value)
        except ValueError:
            return {"secret": _digest(value.encode())}
        if isinstance(document, dict):
            return {
                "secret-json": {
                    key: f"<generated, {len(str(item))} characters>"
                    if key in GENERATED_KEYS
                    else _digest(json.dumps(item, sort_keys=True).encode())
                    for key, item in sorted(document.items())
                }
            }
    return {"secret": _digest(json.dumps(mocks.unwrap(value), sort_keys=True).encode())}


def _asset(value: pulumi.Asset | pulumi.Archive) -> dict[str, Any]:
    if isinstance(value, pulumi.AssetArchive):
        return {"archive": {name: canonical(asset) for name, asset in sorted(value.assets.items())}}
    if isinstance(value, pulumi.FileAsset):
        return {"file-sha256": _digest(Path(str(value.path)).read_bytes())}
    if isinstance(value, pulumi.StringAsset):
        return {"text-sha256": _digest(str(value.text).encode())}
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical(value: Any) -> Any:
    """A JSON-serializable, machine-independent form of one input value."""
    if mocks.is_secret(value):
        return _secret_shape(mocks.unwrap(value))
    if isinstance(value, pulumi.Asset | pulumi.Archive):
        return _asset(value)
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    return value


def describe(registrations: list[mocks.Registration]) -> list[dict[str, Any]]:
    """Each registration as the engine would diff it, by URN (registration order varies)."""
    return [
        {
            "urn": reg.urn,
            "custom": reg.custom,
            "parent": reg.parent,
            "inputs": canonical(reg.inputs),
            "dependencies": sorted(reg.dependencies),
            "options": canonical(reg.options),
        }
        for reg in sorted(registrations, key=lambda r: r.urn)
    ]


def reference_stack(stack: str) -> list[dict[str, Any]]:
    """The reference program (__main__.py) under one stack's configuration."""
    config = load_stack_config(
        PROJECT_DIR,
        stack if stack != "defaults" else "no-such-stack",
        secret_overrides={"parameterValue": "placeholder"},
    )
    return describe(run_program(PROJECT_DIR / "__main__.py", config, stack=stack).registrations)


def program(build: Callable[[], None]) -> list[dict[str, Any]]:
    """A program function run under the recording mocks."""
    monitor = mocks.install()
    mocks.run(build)
    return describe(monitor.registrations)


def record() -> dict[str, list[dict[str, Any]]]:
    """Every program the snapshot covers, by name."""
    from tests.architecture.every_component import program as every_component  # noqa: PLC0415

    recorded = {f"reference-{stack}": reference_stack(stack) for stack in REFERENCE_STACKS}
    recorded["every-component"] = program(every_component)
    return recorded


def main() -> int:
    """Rewrite the snapshot file."""
    recorded = record()
    SNAPSHOT.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    counts = ", ".join(f"{name}: {len(regs)}" for name, regs in recorded.items())
    print(f"wrote {SNAPSHOT} ({counts} registrations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
