"""The distribution a consumer installs, built once per run: the wheel `pip wheel .` makes, and a
fresh interpreter that has it installed (not editable) with this environment's dependencies."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (a build in place would leave build/ and
    *.egg-info in the checkout). secretkit/components stays a link to components/, as in a
    clone, so that the build follows it as a user's `pip install` of the repository does."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for package in ("secretkit", "components", "rotation_handlers"):
        shutil.copytree(
            ROOT / package,
            source / package,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    assert (source / "secretkit" / "components").is_symlink()
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("secretkit-*.whl")
    return built


@pytest.fixture(scope="session")
def consumer_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A consumer's interpreter: a fresh virtualenv with the wheel unpacked in its site-packages
    and this environment's dependencies (pulumi, pulumi-aws, boto3, moto) through a .pth line.
    That line does not activate this checkout's editable install (a .pth file inside a directory
    a .pth line names is not processed), so secretkit is the wheel's."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True
    )
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(  # noqa: S603 - the venv just made
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
