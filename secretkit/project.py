"""Find a Pulumi project's Python program and stack settings from a path, with one-line errors."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT_FILE = "Pulumi.yaml"
DEFAULT_STACK = "dev"


class ProjectError(ValueError):
    """A path that is not a runnable Pulumi Python project, said in one line."""


@dataclass(frozen=True)
class Project:
    """Where a program is, the project it belongs to, and the stack whose settings apply."""

    directory: Path
    name: str
    program: Path
    stack: str
    stack_file: Path | None
    """Pulumi.<stack>.yaml, or None when the (default) stack has no settings file."""


def stack_files(directory: Path) -> list[str]:
    """The stacks that have a Pulumi.<stack>.yaml in ``directory``, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in directory.glob("Pulumi.*.yaml"))


def _read_project(directory: Path) -> dict[str, Any]:
    path = directory / PROJECT_FILE
    if not path.is_file():
        raise ProjectError(
            f"no {PROJECT_FILE} in {directory}: not a Pulumi project (run in the project's "
            "directory, or pass the project's directory or program)"
        )
    try:
        loaded = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ProjectError(f"{path} is not valid YAML{where}") from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("name"), str):
        raise ProjectError(f"{path} has no project name (a `name:` key)")
    return loaded


def _runtime(project: dict[str, Any]) -> str:
    runtime = project.get("runtime")
    if isinstance(runtime, dict):
        runtime = runtime.get("name")
    return str(runtime or "")


def _program(directory: Path, project: dict[str, Any]) -> Path:
    """Pulumi.yaml's ``main`` (a file or a directory, relative to the project), else the
    project's __main__.py."""
    main = project.get("main")
    program = directory / str(main) if main else directory
    if program.is_dir():
        program = program / "__main__.py"
    if not program.is_file():
        raise ProjectError(f"no Pulumi program at {program}")
    return program


def locate(path: Path | str | None, stack: str | None = None) -> Project:
    """The project at ``path`` (a project directory, its Pulumi.yaml, or a program file in
    it; the current directory when None) and the stack to use.

    An explicit ``stack`` must have its Pulumi.<stack>.yaml; without one the stack is
    ``dev``, whose settings file may be absent (then Pulumi.yaml's defaults apply)."""
    where = Path.cwd() if path is None else Path(path)
    if not where.exists():
        raise ProjectError(f"{where}: no such file or directory")
    if where.is_dir():
        directory = where
        project = _read_project(directory)
        program = _program(directory, project)
    elif where.name == PROJECT_FILE:
        directory = where.parent
        project = _read_project(directory)
        program = _program(directory, project)
    else:
        directory = where.parent
        project = _read_project(directory)
        program = where
    runtime = _runtime(project)
    if runtime != "python":
        raise ProjectError(
            f"{directory / PROJECT_FILE} declares runtime {runtime or '(none)'!r}: secretkit runs "
            "Python programs only"
        )
    name = stack or DEFAULT_STACK
    stack_file: Path | None = directory / f"Pulumi.{name}.yaml"
    if stack_file is not None and not stack_file.is_file():
        if stack is not None:
            known = ", ".join(stack_files(directory)) or "none"
            raise ProjectError(
                f"--stack {stack}: no Pulumi.{stack}.yaml in {directory} (stacks with settings "
                f"here: {known})"
            )
        stack_file = None
    return Project(directory, project["name"], program, name, stack_file)


def add_stack_argument(parser: argparse.ArgumentParser) -> None:
    """--stack, as `secretkit cost` and `secretkit demo` take it."""
    parser.add_argument(
        "--stack",
        help=f"stack whose Pulumi.<stack>.yaml to use (default {DEFAULT_STACK}, whose file may "
        "be absent; an explicit stack must have its file)",
    )
