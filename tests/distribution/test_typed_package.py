"""The distribution a consumer installs: the wheel carries the PEP 561 marker (py.typed) of each
package, and mypy --strict accepts a consumer's program using every public component by keyword
and by dict, reading the components' types from the installed wheel (not from this checkout)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The packages the wheel installs; secretkit's marker covers secretkit.components.
PACKAGES = ("rotation_handlers", "secretkit")
CONSUMER = Path(__file__).with_name("consumer.py")
#: Calls mypy must refuse, each on a line marked with the error it is: proof that the
#: components' types are read, not replaced by Any.
WRONG = """\
from secretkit import RotatingSecret, SecureParameter

RotatingSecret("a", secret_nme="x", rotation={"strategy": "password"})  # error: unknown keyword
RotatingSecret("b", secret_name="x")  # error: rotation is required
SecureParameter("c", parameter_name="/x", value=1)  # error: value is not a string
RotatingSecret("d", {"secret_name": "x"}, rotation={"strategy": "password"})  # error: both forms
secret = RotatingSecret("e", secret_name="x", rotation={"strategy": "password"})
arn: str = secret.secret_arn  # error: an Output, not a str
"""


def test_the_wheel_carries_py_typed_for_each_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert [f"{package}/py.typed" for package in PACKAGES if f"{package}/py.typed" in names] == [
        f"{package}/py.typed" for package in PACKAGES
    ]


def test_mypy_strict_accepts_a_consumer_of_the_installed_wheel(
    consumer_python: Path, tmp_path: Path
) -> None:
    python = consumer_python
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
