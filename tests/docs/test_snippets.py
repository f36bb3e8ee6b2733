"""Every Python and shell block in README.md, docs/ and benchmarks/README.md runs, so documented
usage cannot rot: Python under the project's Pulumi mocks (every resource it builds registers,
every argument is validated), shell lines as `secretkit` commands in this process. A block that
cannot run here carries a marker comment (markdown_blocks.MARKER); an unmarked block the test
cannot run fails it."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import pulumi
import pytest

from secretkit.cli import main as secretkit_main
from secretkit.embedded import mocks
from tests.docs.markdown_blocks import (
    PYTHON,
    ROOT,
    SHELL,
    Block,
    blocks,
    doc_files,
    documented_import,
)

#: Config keys a snippet reads (`config.require_secret("x")`, `require`, `get...`).
CONFIG_READ = re.compile(r"\.(?:require|get)(?:_secret)?(?:_\w+)?\(\s*\"(\w+)\"")
#: The project the mocks run snippets as (its config namespace).
PROJECT = "docs"
#: The deploying account: the one AWS's documentation uses in examples, as the docs do.
ACCOUNT_ID = "111122223333"


def every_block() -> list[Block]:
    return [block for page in doc_files() for block in blocks(page)]


def runnable(kinds: frozenset[str]) -> list[Block]:
    return [block for block in every_block() if block.lang in kinds and block.marker is None]


@pytest.fixture
def program_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Pulumi program's directory: certs/rds-global-bundle.pem (a CA bundle, as the database
    example names) and the custom strategy of examples/custom_rotation importable."""
    (tmp_path / "certs").mkdir()
    shutil.copy(
        ROOT / "tests" / "architecture" / "ca_bundle.pem", tmp_path / "certs/rds-global-bundle.pem"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "custom_rotation"))
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path


def run_python(block: Block) -> mocks.RecordingMonitor:
    """Run a Python block as a Pulumi program under the recording mocks, with a value for every
    config key it reads."""
    monitor = mocks.install(mocks.AwsMocks(account_id=ACCOUNT_ID), project=PROJECT)
    keys = {f"{PROJECT}:{key}" for key in CONFIG_READ.findall(block.code)}
    pulumi.runtime.set_all_config(dict.fromkeys(keys, "example-value"), sorted(keys))
    code = compile(documented_import(block.code), block.where, "exec")
    mocks.run(lambda: exec(code, {"__name__": "__docs__"}))  # noqa: S102 (our own docs)
    return monitor


@pytest.mark.parametrize("block", runnable(PYTHON), ids=lambda b: b.where)
@pytest.mark.usefixtures("program_dir")
def test_python_block_runs_under_mocks(block: Block) -> None:
    run_python(block)


def run_secretkit(block: Block, line: str) -> str:
    """Run a `secretkit` command line in this process; its output (it must exit 0)."""
    argv = shlex.split(line, comments=True)
    assert argv[0] == "secretkit", (
        f"{block.where}: {line!r} cannot run here; mark the block "
        "<!-- needs-aws: why --> or <!-- covered-by: the test that runs it -->"
    )
    out = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        code = secretkit_main(argv[1:], out=out)
    assert code == 0, f"{block.where}: {line!r} exited {code}: {err.getvalue()}"
    return out.getvalue()


@pytest.mark.parametrize("block", runnable(SHELL), ids=lambda b: b.where)
def test_shell_block_runs(block: Block) -> None:
    """Each line is a `secretkit` command that must succeed (a comment after `#` is dropped)."""
    for line in block.code.splitlines():
        if shlex.split(line, comments=True):
            run_secretkit(block, line)


def squeezed(text: str) -> list[str]:
    """Non-empty lines with runs of spaces made one."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "block", [b for b in every_block() if b.marker == "output-of"], ids=lambda b: b.where
)
def test_shown_output_is_what_the_command_prints(
    block: Block, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    printed = squeezed(run_secretkit(block, block.detail))
    missing = [line for line in squeezed(block.code) if line not in printed]
    assert missing == [], f"{block.where}: not printed by {block.detail!r}"


def test_covered_blocks_and_excerpts_name_an_existing_file() -> None:
    covered = [block for block in every_block() if block.marker in {"covered-by", "excerpt"}]
    assert any(b.path == Path("README.md") for b in covered), "README's make block is covered"
    missing = [b.where for b in covered if not (ROOT / b.detail.split()[0]).exists()]
    assert missing == []


def test_marked_blocks_say_why() -> None:
    unexplained = [b.where for b in every_block() if b.marker and not b.detail]
    assert unexplained == []


def test_a_snippet_that_breaks_fails(program_dir: Path) -> None:
    """The runner does not swallow errors: a component with a bad argument fails the block."""
    broken = Block(
        Path("README.md"),
        1,
        "python",
        "from secretkit import RotatingSecret\n"
        'RotatingSecret("s", {"secret_name": "x", "rotation": {"strategy": "nope",'
        ' "automatically_after_days": 30}})\n',
        None,
        "",
    )
    with pytest.raises(Exception, match="strategy"):
        run_python(broken)


def test_a_snippet_registers_what_it_builds(program_dir: Path) -> None:
    readme = [b for b in runnable(PYTHON) if b.path == Path("README.md")]
    secure_parameter = next(b for b in readme if "SecureParameter(" in b.code)
    monitor = run_python(secure_parameter)
    parameter = monitor.by_type("aws:ssm/parameter:Parameter")
    assert len(parameter) == 1
    assert parameter[0].plain_inputs["name"] == "/payments/prod/api-key"


def test_a_stale_figure_in_shown_output_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    stale = Block(
        Path("docs/cost.md"),
        1,
        "text",
        "Secrets Manager      25     10,000    $9.05\n",
        "output-of",
        "secretkit compare --count 25 --requests 10000",
    )
    with pytest.raises(AssertionError, match="not printed by"):
        test_shown_output_is_what_the_command_prints(stale, monkeypatch)


@pytest.mark.usefixtures("program_dir")
def test_the_readmes_error_example_is_what_a_component_raises() -> None:
    shown = next(b for b in blocks(Path("README.md")) if b.lang == "text" and "invalid" in b.code)
    program = Block(
        shown.path,
        shown.line,
        "python",
        "from secretkit import RotatingSecret\n"
        'RotatingSecret("orders-db-password", {"secret_name": "prod/orders/db", "rotation":'
        ' {"strategy": "password", "schedule_expression": "rate(2 hours)"}})\n',
        None,
        "",
    )
    with pytest.raises(ValueError, match="rotation interval") as raised:
        run_python(program)
    assert " ".join(str(raised.value).split()) == " ".join(shown.code.split())
