"""The distribution a consumer installs: the wheel carries the PEP 561 marker (py.typed) of each
package, and mypy --strict accepts a consumer's program using every public component by keyword
and by dict, reading the components' types from the installed wheel (not from this checkout)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("components", "rotation_handlers", "secretkit")
CONSUMER = Path(__file__).with_name("consumer.py")
#: Calls mypy must refuse, each on a line marked with the error it is: proof that the
#: components' types are read, not replaced by Any.
WRONG = """\
from components import RotatingSecret, SecureParameter

RotatingSecret("a", secret_nme="x", rotation={"strategy": "password"})  # error: unknown keyword
RotatingSecret("b", secret_name="x")  # error: rotation is required
SecureParameter("c", parameter_name="/x", value=1)  # error: value is not a string
RotatingSecret("d", {"secret_name": "x"}, rotation={"strategy": "password"})  # error: both forms
secret = RotatingSecret("e", secret_name="x", rotation={"strategy": "password"})
arn: str = secret.secret_arn  # error: an Output, not a str
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel .` builds, from a copy of the sources (a build in place would leave
    build/ and *.egg-info in the checkout)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("secretkit-*.whl")
    return built


def test_the_wheel_carries_py_typed_for_each_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert [f"{package}/py.typed" for package in PACKAGES if f"{package}/py.typed" in names] == [
        f"{package}/py.typed" for package in PACKAGES
    ]


def test_mypy_strict_accepts_a_consumer_of_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    # A consumer's interpreter: the wheel installed (unpacked) in its site-packages, and this
    # venv's dependencies (pulumi, pulumi-aws) on its path, not this checkout's packages: this
    # venv has secretkit as an editable install, which mypy cannot read.
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "venv", "--without-pip", tmp_path / "venv"], check=True
    )
    python = tmp_path / "venv" / "bin" / "python"
    site = Path(
        subprocess.run(  # noqa: S603 - the venv just made
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    zipfile.ZipFile(wheel).extractall(site)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(CONSUMER, project / "consumer.py")
    (project / "wrong.py").write_text(WRONG)

    result = subprocess.run(  # noqa: S603 - this venv's mypy, fixed arguments
        [
            Path(sys.executable).with_name("mypy"),
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            "--python-executable",
            str(python),
            # pulumi-aws is big: keep its analysis between runs (beside the project's cache).
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "consumer"),
            "consumer.py",
            "wrong.py",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": ""},
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert not [line for line in errors if not line.startswith("wrong.py:")], result.stdout
    failing = {int(re.match(r"wrong\.py:(\d+):", line)[1]) for line in errors}  # type: ignore[index]
    marked = {number for number, line in enumerate(WRONG.splitlines(), 1) if "# error" in line}
    assert failing == marked, result.stdout
    assert "secret_nme" in result.stdout
