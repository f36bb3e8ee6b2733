"""Finding a Pulumi project's program and stack from a path, and the one-line errors when the
path is not one (`secretkit cost`, `secretkit demo`, `python -m secretkit.demo`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from secretkit.program import PROJECT_DIR
from secretkit.project import ProjectError, locate


def project(directory: Path, extra: str = "", *, program: str = "__main__.py") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: app\nruntime: python\n{extra}")
    (directory / program).parent.mkdir(parents=True, exist_ok=True)
    (directory / program).write_text("")
    return directory


def test_a_directory_its_pulumi_yaml_or_its_program_name_the_same_project(
    tmp_path: Path,
) -> None:
    project(tmp_path)
    for path in (tmp_path, tmp_path / "Pulumi.yaml", tmp_path / "__main__.py"):
        found = locate(path)
        assert (found.directory, found.name, found.program) == (
            tmp_path,
            "app",
            tmp_path / "__main__.py",
        )
        assert (found.stack, found.stack_file) == ("dev", None)


def test_the_current_directory_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project(tmp_path))
    assert locate(None).program == tmp_path / "__main__.py"


def test_pulumi_yaml_main_names_the_program(tmp_path: Path) -> None:
    project(tmp_path, "main: src/\n", program="src/__main__.py")
    assert locate(tmp_path).program == tmp_path / "src" / "__main__.py"


def test_the_runtime_may_be_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: app\nruntime:\n  name: python\n")
    (tmp_path / "__main__.py").write_text("")
    assert locate(tmp_path).name == "app"


def test_a_stack_with_its_file(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")
    found = locate(tmp_path, "prod")
    assert (found.stack, found.stack_file) == ("prod", tmp_path / "Pulumi.prod.yaml")


@pytest.mark.parametrize(
    ("setup", "stack", "message"),
    [
        ("none", None, "{d}/missing: no such file or directory"),
        (
            "empty",
            None,
            "no Pulumi.yaml in {d}: not a Pulumi project (run in the project's directory, or "
            "pass the project's directory or program)",
        ),
        ("no-program", None, "no Pulumi program at {d}/__main__.py"),
        (
            "nodejs",
            None,
            "{d}/Pulumi.yaml declares runtime 'nodejs': secretkit runs Python programs only",
        ),
        ("no-name", None, "{d}/Pulumi.yaml has no project name (a `name:` key)"),
        ("bad-yaml", None, "{d}/Pulumi.yaml is not valid YAML line 2"),
        (
            "python",
            "prod",
            "--stack prod: no Pulumi.prod.yaml in {d} (stacks with settings here: dev, test)",
        ),
    ],
)
def test_errors_name_the_path_and_the_rule(
    tmp_path: Path, setup: str, stack: str | None, message: str
) -> None:
    path = tmp_path / "missing" if setup == "none" else tmp_path
    contents = {
        "no-program": "name: app\nruntime: python\n",
        "nodejs": "name: app\nruntime: nodejs\n",
        "no-name": "runtime: python\n",
        "bad-yaml": "name: [app\n",
        "python": "name: app\nruntime: python\n",
    }
    if setup in contents:
        (tmp_path / "Pulumi.yaml").write_text(contents[setup])
    if setup in ("nodejs", "python", "no-name", "bad-yaml"):
        (tmp_path / "__main__.py").write_text("")
    for stack_name in ("dev", "test"):
        (tmp_path / f"Pulumi.{stack_name}.yaml").write_text("config: {}\n")
    with pytest.raises(ProjectError) as caught:
        locate(path, stack)
    assert str(caught.value) == message.format(d=tmp_path)


@pytest.mark.parametrize("what", ["missing directory", "no Pulumi.yaml"])
def test_python_m_secretkit_demo_reports_a_bad_program_in_one_line(
    tmp_path: Path, what: str
) -> None:
    target = tmp_path / "nowhere" if what == "missing directory" else tmp_path
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "secretkit.demo", "--program", str(target)],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("secretkit demo: ")
    assert "Traceback" not in result.stderr
    assert str(target) in result.stderr
