"""The "Grants in detail" table (docs/grants.md) stays true: every statement id (Sid) the
reference stack and a program using every component generate has a row, and each row names the
function in components/iam/ that writes that statement id."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from secretkit.components.iam import consolidated
from tests.architecture import snapshot

ROOT = Path(__file__).resolve().parents[2]
GRANTS_PAGE = ROOT / "docs" / "grants.md"
IAM = ROOT / "components" / "iam"
SECTION = "# Grants in detail\n"
#: A row: | `Sid` | document | what it allows | `function` in [`iam/x.py`](../components/iam/x.py) |
ROW = re.compile(
    r"^\| `(?P<sid>[^`]+)` \|.* \| `(?P<function>\w+)` in "
    r"\[`[^`]+`\]\(\.\./(?P<path>components/iam/\w+\.py)\) \|$"
)
#: Where a statement id has a part that varies: <Region> (statement_suffix), <Service>.
PLACEHOLDER = re.compile(r"<[A-Za-z]+>")


@dataclass(frozen=True)
class Row:
    sid: str
    function: str
    path: str

    def matches(self, sid: str) -> bool:
        """Whether a generated statement id is this row's (a placeholder is one word of letters,
        digits and hyphens: 'EuWest1', 'Ecs-tasks')."""
        parts = (re.escape(part) for part in PLACEHOLDER.split(self.sid))
        return re.fullmatch("[A-Za-z0-9-]+".join(parts), sid) is not None

    @property
    def key(self) -> tuple[str, str, str]:
        """(statement id with its placeholders unnamed, module path, function)."""
        return PLACEHOLDER.sub("<>", self.sid), self.path, self.function


def table() -> list[Row]:
    """The rows of the table on the "Grants in detail" page, before its first subsection."""
    text = GRANTS_PAGE.read_text()
    section = text[text.index(SECTION) + len(SECTION) :]
    section = section.split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| `")]
    rows = [ROW.match(line) for line in lines]
    unreadable = [line for line, row in zip(lines, rows, strict=True) if row is None]
    assert not unreadable, f"rows not of the form {ROW.pattern}: {unreadable}"
    return [Row(row["sid"], row["function"], row["path"]) for row in rows if row is not None]


def documents(value: Any) -> Iterator[dict[str, Any]]:
    """Every policy document in an input value (documents are registered as JSON strings)."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return
    if isinstance(value, dict):
        if isinstance(value.get("Statement"), list):
            yield value
        for item in value.values():
            yield from documents(item)
    elif isinstance(value, list):
        for item in value:
            yield from documents(item)


@pytest.fixture(scope="module")
def generated() -> dict[str, set[str]]:
    """Statement id -> the URNs of the resources whose documents hold it, over the reference
    stack's configurations and the program using every component."""
    found: dict[str, set[str]] = {}
    for registrations in snapshot.record().values():
        for registration in registrations:
            for document in documents(registration["inputs"]):
                for statement in document["Statement"]:
                    sid = statement.get("Sid", f"<no Sid: {statement}>")
                    found.setdefault(sid, set()).add(registration["urn"])
    return found


def written() -> set[tuple[str, str, str]]:
    """(statement id, module path, function) for each statement id written in components/iam/:
    the first argument of statement(...), the prefix given to replica_key_statements(...) (one
    statement per replica region), or a "Sid" built as a literal plus a variable part."""
    found = set()
    for path in sorted(IAM.glob("*.py")):
        relative = str(path.relative_to(ROOT))
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, ast.FunctionDef):
                continue
            for node in ast.walk(function):
                sid = _sid(node)
                if sid is not None:
                    found.add((sid, relative, function.name))
    return found


def _sid(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "statement" and node.args:
            return _literal(node.args[0])
        if node.func.id == "replica_key_statements" and len(node.args) == 3:
            prefix = _literal(node.args[2])
            return None if prefix is None else prefix + "<>"
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "Sid":
                return _literal(value)
    return None


def _literal(node: ast.expr) -> str | None:
    """A literal statement id, or a literal followed by a computed part ('<>')."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _literal(node.left)
        return None if left is None else left + "<>"
    return None


#: A statement a consolidated grant repeats for another key: '<Sid>Part<n>' is '<Sid>'s row
#: (consolidated._unique_sids).
REPEATED = re.compile(rf"(?P<sid>.+){consolidated.PART}\d+")


def row_sid(sid: str) -> str:
    """The statement id whose row covers ``sid``."""
    repeated = REPEATED.fullmatch(sid)
    return sid if repeated is None else repeated["sid"]


def test_every_generated_statement_id_has_a_row(generated: dict[str, set[str]]) -> None:
    rows = table()
    missing = {
        sid: sorted(urns)[:3]
        for sid, urns in generated.items()
        if not any(row.matches(row_sid(sid)) for row in rows)
    }
    assert not missing, f"statement ids missing from docs/grants.md: {missing}"


def test_the_programs_generate_documents_of_every_kind(generated: dict[str, set[str]]) -> None:
    """The walk above finds what it should: role, key, secret and topic policies, trust policies
    and the managed policy, in both programs."""
    types = {urn.split("::")[2].rsplit("$", 1)[-1] for urns in generated.values() for urn in urns}
    assert types >= {
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/policy:Policy",
        "aws:kms/key:Key",
        "aws:secretsmanager/secret:Secret",
        "aws:sns/topicPolicy:TopicPolicy",
    }
    stacks = {urn.split("::")[0] for urns in generated.values() for urn in urns}
    assert len(stacks) >= 2, stacks


def test_each_row_names_a_function_of_its_module() -> None:
    for row in table():
        module = importlib.import_module(row.path.removesuffix(".py").replace("/", "."))
        function = getattr(module, row.function, None)
        assert inspect.isfunction(function), f"{row.path} has no function {row.function}"
        assert function.__module__ == module.__name__, f"{row.function} is imported into {row.path}"


def test_each_statement_id_written_in_components_iam_is_its_function_row() -> None:
    """The table and the code agree both ways: each statement id written in components/iam/ has
    a row naming the function that writes it, and each row names a function writing its id."""
    rows = {row.key for row in table()}
    code = written()
    assert code, "no statement id found in components/iam/"
    assert sorted(code - rows) == [], "written in components/iam/ but not in the table"
    assert sorted(rows - code) == [], "in the table but not written by the function it names"
