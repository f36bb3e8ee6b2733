"""Run a Pulumi program in-process under secretkit's AWS mocks with its stack's configuration."""

from __future__ import annotations

import json
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml

from secretkit.embedded import mocks

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class StackConfig:
    """Full config keys ('project:key') to string values, and which of them are secret."""

    values: dict[str, str]
    secret_keys: list[str]


@dataclass(frozen=True)
class StackOutput:
    """One exported value and whether it is a Pulumi secret."""

    value: Any
    secret: bool


@dataclass
class ProgramRun:
    """What a program registered and exported."""

    registrations: list[mocks.Registration]
    outputs: dict[str, StackOutput]
    config: StackConfig
    component_outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """URN -> the outputs each component registered."""


def _as_config_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


def load_stack_config(
    project_dir: Path,
    stack: str,
    overrides: dict[str, str] | None = None,
    secret_overrides: dict[str, str] | None = None,
    fill_missing_secrets: str | None = None,
) -> StackConfig:
    """Pulumi.yaml defaults, then Pulumi.<stack>.yaml values, then overrides.

    Encrypted values (``secure:``) cannot be decrypted without the Pulumi CLI; such keys must
    come from ``secret_overrides`` (the demo passes placeholders), or all get the placeholder
    ``fill_missing_secrets``.
    """
    project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    name = project["name"]
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, schema in (project.get("config") or {}).items():
        full = key if ":" in key else f"{name}:{key}"
        if isinstance(schema, dict):
            if "default" in schema:
                values[full] = _as_config_string(schema["default"])
            if schema.get("secret"):
                secret_keys.append(full)
        else:
            values[full] = _as_config_string(schema)
    stack_file = project_dir / f"Pulumi.{stack}.yaml"
    if stack_file.exists():
        for key, value in (
            (yaml.safe_load(stack_file.read_text()) or {}).get("config") or {}
        ).items():
            full = key if ":" in key else f"{name}:{key}"
            if isinstance(value, dict) and "secure" in value:
                secret_keys.append(full)
                continue
            values[full] = _as_config_string(value)
    for key, value in (overrides or {}).items():
        values[key if ":" in key else f"{name}:{key}"] = value
    for key, value in (secret_overrides or {}).items():
        full = key if ":" in key else f"{name}:{key}"
        values[full] = value
        secret_keys.append(full)
    if fill_missing_secrets is not None:
        for full in secret_keys:
            values.setdefault(full, fill_missing_secrets)
    return StackConfig(values, sorted(set(secret_keys)))


def _resolve(value: Any) -> StackOutput:
    output = pulumi.Output.from_input(value)
    return StackOutput(mocks.run(lambda: output), bool(mocks.run(output.is_secret)))


def run_program(
    program: Path,
    config: StackConfig,
    *,
    stack: str = "dev",
    project: str = "secretkit",
    aws_mocks: mocks.AwsMocks | None = None,
) -> ProgramRun:
    """Execute ``program`` (a __main__.py) once, as `pulumi preview` would, against mocks."""
    region = config.values.get("aws:region")
    monitor = mocks.install(
        aws_mocks or mocks.AwsMocks(region=region or mocks.REGION),
        project=project,
        stack=stack,
        preview=False,
    )
    pulumi.runtime.set_all_config(config.values, config.secret_keys)
    program_dir = str(program.resolve().parent)
    added = program_dir not in sys.path
    if added:
        sys.path.insert(0, program_dir)

    def execute() -> None:
        runpy.run_path(str(program), run_name="__main__")

    try:
        mocks.run(execute)
    finally:
        if added:
            sys.path.remove(program_dir)
    root = pulumi.runtime.get_root_resource()
    exported: dict[str, Any] = dict(getattr(root, "outputs", {}) or {})
    outputs = {key: _resolve(value) for key, value in exported.items()}
    return ProgramRun(monitor.registrations, outputs, config, monitor.component_outputs)
