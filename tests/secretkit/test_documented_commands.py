"""Every `secretkit ...` command line in the ```sh blocks of docs/cli.md and README.md runs here,
against moto where it calls AWS, with its exit code and the shape of its output checked; a line
marked `# needs AWS` only has to parse. The JSON shapes documented in docs/cli.md are the shapes
the commands print."""

from __future__ import annotations

import io
import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rotation_handlers.protocol import CURRENT
from secretkit import cli
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.program import PROJECT_DIR
from tests.rotation_handlers.conftest import LAMBDA_ARN, stages

DOCUMENTS = ("docs/cli.md", "README.md")
NEEDS_AWS = "# needs AWS"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
OLD = json.dumps({"username": "app", "password": "old-Password-1!"})


@dataclass(frozen=True)
class Documented:
    """One command line and where it is written."""

    where: str
    line: str
    argv: list[str]
    needs_aws: bool


def documented_commands(document: str, root: Path = PROJECT_DIR) -> list[Documented]:
    """The `secretkit` lines of a document's sh blocks (a line ending in a backslash continues
    on the next), each with the line number it starts on."""
    path = root / document
    if not path.exists():
        return []
    text = path.read_text()
    found = []
    for block in SH_BLOCK.finditer(text):
        number = text[: block.start()].count("\n") + 1  # the ```sh line
        pending: list[str] = []
        start = 0
        for raw in block.group(1).splitlines():
            number += 1
            if not pending:
                start = number
            pending.append(raw.rstrip().removesuffix("\\"))
            if raw.rstrip().endswith("\\"):
                continue
            line = " ".join(part.strip() for part in pending).removeprefix("$ ")
            pending = []
            if not line.startswith("secretkit "):
                continue
            words = shlex.split(line, comments=True)
            found.append(
                Documented(f"{document}:{start}", line, words[1:], line.endswith(NEEDS_AWS))
            )
    return found


COMMANDS = [c for document in DOCUMENTS for c in documented_commands(document)]


def command_of(argv: list[str]) -> str:
    """The subcommand (or the global flag) a command line runs."""
    parser = cli.build_parser()
    if "--version" in argv:
        return "--version"
    return str(parser.parse_args(argv).command)


@pytest.fixture
def documented_secret(sm: Any) -> str:
    """prod/app/password, as a RotatingSecret leaves it: the password strategy's tag and
    rotation enabled."""
    arn: str = sm.create_secret(
        Name="prod/app/password",
        SecretString=OLD,
        Tags=[{"Key": "secretkit:strategy", "Value": "password"}],
    )["ARN"]
    enable_rotation(arn, LAMBDA_ARN)
    return arn


def without_function(arn: str) -> None:
    """moto finishes a RotateSecret itself when no function is attached, as a working Lambda
    would on AWS (moto cannot run the function by its ARN)."""
    from moto.secretsmanager.models import secretsmanager_backends  # noqa: PLC0415

    from secretkit.embedded.mocks import ACCOUNT_ID, REGION  # noqa: PLC0415

    secret: Any = secretsmanager_backends[ACCOUNT_ID][REGION].secrets[arn]
    secret.rotation_lambda_arn = ""


#: Top-level keys of each --json document (docs/cli.md documents them).
JSON_KEYS = {
    "status": {
        "name",
        "arn",
        "rotation",
        "current_age_days",
        "versions",
        "stuck",
        "abandoned",
        "state",
        "strategy",
    },
    "rotations": {"program", "project", "stack", "region", "secrets", "needs_attention"},
    "cost": {
        "program",
        "project",
        "stack",
        "stack_file",
        "prices",
        "rates",
        "components",
        "kms_request_cost",
        "total",
        "findings",
        "possible_saving",
    },
    "compare": {
        "count",
        "secret_requests",
        "total_requests",
        "configurations_received",
        "prices",
        "monthly",
    },
    "artifacts": {"strategy", "handler", "files", "zipped_bytes", "contents"},
    "key-usage": {"copies", "retiring", "still_needed"},
}

#: What a command's text output starts with, or holds.
TEXT_SHAPES = {
    "rotate": r"(?s)^Rotating arn:.*\nVersion \S+ is now AWSCURRENT\n$",
    "rotate --aws": r"(?s)^RotateSecret started version \S+ of arn:.*is now AWSCURRENT\n$",
    "status": r"(?s)^Secret     prod/app/password\nARN        arn:.*\nVersions\n.*AWSCURRENT",
    "cancel-rotation": r"(?s)Cancelled rotation of arn:.*automatic rotation is now DISABLED",
    "artifacts": r"(?s)^strategy\s+files\s+zipped bytes\s+contents\n.*password",
    "compare": r"(?s)^Service\s+Count\s+Reads/item\s+Reads\s+Price\nParameter Store.*"
    r"\nSecrets Manager\s.*\nAppConfig\s.*list prices",
    "rotations": r"(?s)^Rotating secrets of \S+ \(stack dev\): \d+\n  secret\s+state.*\n"
    r"  secretkit/dev/api-password\s+missing\s.*\n1 need attention",
    "cost": r"(?s)^Monthly cost of \S+ \(stack \w+.*\n  total\s+\$\s*[\d,.]+\n\nAdvisor: \d+ ",
    "demo": r"(?s)^secretkit demo: .*\nOK: \d+/\d+ checks passed",
    "key-usage": r"(?s)^primary  us-east-1\s+arn:.*\n\s+key in use \S+\n.*AWSCURRENT",
    "--version": r"^secretkit \S+\n$",
}


def documents_json_shape(value: Any, command: str) -> None:
    """``value`` (a --json document) has the documented top-level keys."""
    rows = value if command == "artifacts" else [value]
    assert rows, f"{command} --json printed nothing"
    for row in rows:
        assert set(row) == JSON_KEYS[command]
        for member, keys in NESTED_JSON_KEYS.get(command, {}).items():
            assert set(row[member]) == keys, member
        for member, keys in ITEM_KEYS.get(command, {}).items():
            for item in row[member]:
                assert set(item) == keys, member


#: Keys of each item of the members that are lists.
ITEM_KEYS = {
    "status": {"versions": {"id", "stages", "created"}},
    "rotations": {
        "secrets": {"name", "logical_name", "component", "component_type", "state", "status"}
    },
    "cost": {
        "components": {"name", "type", "total", "lines"},
        "findings": {"rule", "resource", "message", "monthly_saving"},
    },
    "artifacts": {"contents": {"name", "version", "sha256"}},
    "key-usage": {
        "copies": {"region", "arn", "replica", "key", "versions"},
        "retiring": {
            "key",
            "region",
            "still_needed",
            "needed_by",
            "deprecated_versions_only_under_it",
        },
    },
}
#: Keys of the members whose keys are fixed.
PRICES_KEYS = {"region", "known", "prices_of", "as_of", "note"}
NESTED_JSON_KEYS = {
    "status": {
        "rotation": {
            "enabled",
            "schedule",
            "window",
            "function",
            "last_rotated",
            "next_rotation",
            "due_by",
            "overdue",
            "due_reason",
        },
    },
    "cost": {
        "prices": PRICES_KEYS,
        "rates": {
            "secret_requests",
            "parameter_requests",
            "configuration_requests",
            "configurations_received",
            "changes_per_month",
        },
    },
    "compare": {
        "prices": PRICES_KEYS,
        "monthly": {
            "parameter_store_standard",
            "parameter_store_advanced",
            "secrets_manager",
            "appconfig",
        },
    },
}


def test_the_docs_show_every_command_and_option_that_matters() -> None:
    lines = [c for c in COMMANDS if c.where.startswith("docs/cli.md")]
    shown = {command_of(c.argv) for c in lines}
    usage = re.search(r"\{([\w,-]+)\}", cli.build_parser().format_usage())
    assert usage is not None
    assert shown >= {*usage.group(1).split(","), "--version"}
    flags = {word for c in lines for word in c.argv if word.startswith("--")}
    assert flags >= {"--json", "--aws", "--stack", "--program", "--region", "--profile"}
    assert any(c.needs_aws for c in lines)


@pytest.mark.parametrize(
    "documented", COMMANDS, ids=[f"{c.where} {' '.join(c.argv)}" for c in COMMANDS]
)
def test_documented_command(
    documented: Documented,
    documented_secret: str,
    sm: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = documented.argv
    if documented.needs_aws:
        cli.build_parser().parse_args(argv)  # exits 2 (SystemExit) if it does not parse
        return
    command = command_of(argv)
    monkeypatch.chdir(PROJECT_DIR)  # cost and demo: this project, as from a checkout
    if command == "demo":
        for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            monkeypatch.delenv(variable, raising=False)
    if command == "rotate" and "--aws" in argv:
        without_function(documented_secret)
        command = "rotate --aws"
    out = io.StringIO()
    if command == "--version":
        with pytest.raises(SystemExit) as caught:
            cli.main(argv, out=out)
        assert caught.value.code == 0
        text = capsys.readouterr().out
    else:
        code = cli.main(argv, out=out)
        text = out.getvalue()
        # rotations: the reference stack's secret is not deployed in moto, so it is missing.
        expected = 3 if command == "rotations" else 0
        assert code == expected, f"{documented.line}\n{text}\n{capsys.readouterr().err}"
    if "--json" in argv:
        documents_json_shape(json.loads(text), command)
    else:
        assert re.search(TEXT_SHAPES[command], text), f"{documented.line}:\n{text}"
    assert "old-Password-1!" not in text
    if command.startswith("rotate"):
        token = re.findall(r"Version (\S+) is now AWSCURRENT", text)[-1]
        assert CURRENT in stages(sm, documented_secret)[token]


def documented_json(section: str) -> Any:
    """The ```json block under docs/cli.md's `## section`."""
    text = (PROJECT_DIR / "docs/cli.md").read_text()
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```json\n(.*?)```", body, re.DOTALL)
    assert block is not None, f"no JSON example under ## {section}"
    return json.loads(block.group(1))


@pytest.mark.parametrize(
    "command", ["status", "rotations", "cost", "compare", "artifacts", "key-usage"]
)
def test_the_documented_json_shapes_are_the_printed_ones(command: str) -> None:
    documents_json_shape(documented_json(command), command)


def test_the_documented_commands_were_found() -> None:
    assert len([c for c in COMMANDS if c.where.startswith("docs/cli.md")]) >= 10
    assert all(isinstance(c.argv, list) and c.argv for c in COMMANDS)


def test_the_parser_finds_lines_and_markers(tmp_path: Path) -> None:
    (tmp_path / "x.md").write_text(
        "text\n```sh\nsecretkit status a   # shown\n$ secretkit status b \\\n  --json\n"
        "make demo\nsecretkit status c --profile p   # needs AWS\n```\n"
        "```\nsecretkit not-sh\n```\n"
    )
    found = documented_commands("x.md", tmp_path)
    assert [(c.where, c.argv, c.needs_aws) for c in found] == [
        ("x.md:3", ["status", "a"], False),
        ("x.md:4", ["status", "b", "--json"], False),
        ("x.md:7", ["status", "c", "--profile", "p"], True),
    ]
