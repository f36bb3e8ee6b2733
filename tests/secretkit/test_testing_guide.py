"""docs/testing.md's example runs as written. Its two files, copied to an empty directory, pass
under pytest there, importing the library as a consumer's tests do. Its first test fails when the
grant it checks is missing. With the guide's mocks alone, the tests fail with the error the page
quotes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.docs.markdown_blocks import documented_import

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "testing.md"
#: A file of the example: its name, an optional marker comment for tests/docs (the snippet test
#: leaves the block to this test), and the block.
FILE = re.compile(
    r"^File `(?P<name>[\w.]+)`:\n\n(?:<!-- [^\n]* -->\n)?```python\n(?P<code>.*?)^```$",
    re.M | re.S,
)
QUOTED_ERROR = re.compile(
    r"^```text\n(?P<message>.*?MissingInvokeAnswerError.*?)^```$", re.M | re.S
)
GRANT = "db_password.grant_read(app_role)\n"
WRAPPED = "pulumi.runtime.set_mocks(SecretkitMocks(MyMocks()), preview=False)"
PLAIN = "pulumi.runtime.set_mocks(MyMocks(), preview=False)"


def example() -> dict[str, str]:
    """File name -> the code the guide shows for it (its `from secretkit import` run as
    `from components import` until the package exports the components)."""
    return {m["name"]: documented_import(m["code"]) for m in FILE.finditer(GUIDE.read_text())}


def run_example(directory: Path, files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """pytest on the example's tests in ``directory``, which holds only ``files``; no AWS
    settings from this machine (the example's assertions name us-east-1, SecretkitMocks'
    default) and no PYTHONPATH to the repository."""
    for name, code in files.items():
        (directory / name).write_text(code)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "PULUMI_", "PYTEST_")) and key != "PYTHONPATH"
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_infra.py"],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


ERROR = "MissingInvokeAnswerError:"


def from_the_error(text: str) -> str:
    """The error's name and message on one line (the module path before it left out)."""
    return " ".join(text[text.index(ERROR) :].split())


def test_the_guide_shows_a_program_and_its_tests() -> None:
    files = example()
    assert sorted(files) == ["infra.py", "test_infra.py"]
    assert GRANT in files["infra.py"]
    assert WRAPPED in files["test_infra.py"]


def test_the_example_passes_from_an_empty_directory(tmp_path: Path) -> None:
    result = run_example(tmp_path, example())
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b2 passed\b", result.stdout), result.stdout


def test_the_example_fails_without_the_grant(tmp_path: Path) -> None:
    files = example()
    files["infra.py"] = files["infra.py"].replace(GRANT, "")
    result = run_example(tmp_path, files)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"\b1 failed, 1 passed\b", result.stdout), result.stdout
    assert "FAILED test_infra.py::test_the_app_reads_its_password_and_nothing_else" in result.stdout


def test_with_the_guides_mocks_alone_the_error_is_the_one_quoted(tmp_path: Path) -> None:
    files = example()
    files["test_infra.py"] = files["test_infra.py"].replace(WRAPPED, PLAIN)
    result = run_example(tmp_path, files)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TypeError" not in result.stdout
    quoted = QUOTED_ERROR.search(GUIDE.read_text())
    assert quoted is not None
    printed = [from_the_error(line) for line in result.stdout.splitlines() if ERROR in line]
    assert from_the_error(quoted["message"]) in printed, result.stdout


def test_the_key_test_fails_with_a_reader_in_another_account(tmp_path: Path) -> None:
    """The page says so: the second test fails once readers name another account."""
    files = example()
    rotation = '"rotation": {"strategy": "password", "automatically_after_days": 30},\n'
    assert rotation in files["infra.py"]
    files["infra.py"] = files["infra.py"].replace(
        rotation, f'{rotation}        "readers": ["210987654321"],\n'
    )
    result = run_example(tmp_path, files)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"\b1 failed, 1 passed\b", result.stdout), result.stdout
    assert "FAILED test_infra.py::test_the_key_trusts_no_other_account" in result.stdout
