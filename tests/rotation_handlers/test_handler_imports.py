"""Each handler module loads only boto3 (with its own dependencies) and the standard library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import rotation_handlers

HANDLER_DIR = Path(rotation_handlers.__file__).parent
MODULES = sorted(p.stem for p in HANDLER_DIR.glob("*.py") if p.stem != "__init__")
#: boto3 and what boto3 itself imports.
BOTO = {"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six", "certifi"}


def fresh_interpreter(code: str) -> str:
    """What ``code`` prints in a new interpreter started beside the handlers' package."""
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=HANDLER_DIR.parent,
    )
    return result.stdout


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_only_boto3_and_the_standard_library(module: str) -> None:
    printed = fresh_interpreter(
        f"import json, sys; import rotation_handlers.{module}; "
        "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))"
    )
    loaded = set(json.loads(printed))
    foreign = {
        name
        for name in loaded - set(sys.stdlib_module_names) - BOTO - {"rotation_handlers"}
        if not name.startswith("_")
    }
    assert foreign == set(), f"rotation_handlers.{module} pulls in {sorted(foreign)}"


def test_every_handler_module_has_a_lambda_handler_or_is_a_library() -> None:
    libraries = {"password_generator", "protocol", "database", "postgres", "mysql", "mysql_grants"}
    for module in MODULES:
        lines = (HANDLER_DIR / f"{module}.py").read_text().splitlines()
        defines_handler = any(line.startswith("lambda_handler = ") for line in lines)
        assert defines_handler != (module in libraries), module


@pytest.mark.parametrize("module", ["mysql_single_user", "mysql_multi_user"])
def test_the_grant_parser_is_loaded_only_when_grants_are_copied(module: str) -> None:
    """Lambda compiles every module it imports at a cold start (no bytecode in the artifact):
    the SHOW GRANTS parser waits until an alternating-users setSecret needs it."""
    printed = fresh_interpreter(
        f"import sys; import rotation_handlers.{module}; "
        "print('rotation_handlers.mysql_grants' in sys.modules)"
    )
    assert printed.strip() == "False"
