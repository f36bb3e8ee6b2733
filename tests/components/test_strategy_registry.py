"""The strategy registry is the one place strategies are named, and matches what ships."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from rotation_handlers.protocol import Strategy
from secretkit.components import handlers_package, strategies, validation
from secretkit.components.errors import InvalidArgumentError
from secretkit.components.rotation.driver_pins import PINS

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_MODULE = Path("components/strategies.py")
#: The packages whose code (not tests, docs, examples or the reference program) is checked.
CHECKED = ("components", "rotation_handlers", "secretkit", "benchmarks", "policy", "provider")
NAMES = {*strategies.REGISTRY, strategies.CUSTOM}
#: 'password' is also the key a secret's JSON holds its password under.
JSON_KEYS = {strategies.PASSWORD.name}


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, owners)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _parents(tree: ast.AST) -> dict[int, ast.AST]:
    return {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_json_key(node: ast.Constant, parent: ast.AST) -> bool:
    """The constant names a key of a JSON document: {'password': ...}, doc['password'],
    'password' in doc, doc.get('password'), or one of a tuple of key names."""
    if node.value not in JSON_KEYS:
        return False
    match parent:
        case ast.Dict():
            key = any(k is node for k in parent.keys)
        case ast.Subscript():
            key = parent.slice is node
        case ast.Compare():
            key = parent.left is node and all(isinstance(o, ast.In | ast.NotIn) for o in parent.ops)
        case ast.Call():
            key = isinstance(parent.func, ast.Attribute) and parent.func.attr == "get"
        case ast.Tuple() | ast.List() | ast.Set():
            # Key names listed together, not a list of strategies (strategy names only).
            strings = [e.value for e in parent.elts if isinstance(e, ast.Constant)]
            key = len(strings) == len(parent.elts) and not set(strings) <= NAMES
        case _:
            key = False
    return key


def _is_handler_self_name(path: Path, parent: ast.AST, parents: dict[int, ast.AST]) -> bool:
    """``name = '...'`` in a rotation_handlers class: the lowest layer, which cannot import
    the registry, names its own Strategy (test_handlers_name_themselves_as_registered)."""
    return (
        path.parts[0] == "rotation_handlers"
        and isinstance(parent, ast.Assign)
        and [getattr(t, "id", None) for t in parent.targets] == ["name"]
        and isinstance(parents.get(id(parent)), ast.ClassDef)
    )


def strategy_literals(path: Path, source: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, name) of each string constant in ``path`` (or ``source``) that names a strategy."""
    text = (ROOT / path).read_text() if source is None else source
    tree = ast.parse(text, filename=str(path))
    docstrings, parents = _docstrings(tree), _parents(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or node.value not in NAMES:
            continue
        if id(node) in docstrings:
            continue
        parent = parents[id(node)]
        if _is_json_key(node, parent) or _is_handler_self_name(path, parent, parents):
            continue
        yield node.lineno, str(node.value)


def checked_files() -> list[Path]:
    return sorted(
        path.relative_to(ROOT) for package in CHECKED for path in (ROOT / package).rglob("*.py")
    )


def test_strategy_names_are_literals_in_the_registry_only() -> None:
    found = [
        f"{path}:{line}: {name!r}"
        for path in checked_files()
        if path != REGISTRY_MODULE
        for line, name in strategy_literals(path)
    ]
    assert found == [], "name strategies through components.strategies"


def test_the_literal_check_finds_names_and_lets_json_keys_be() -> None:
    """The check finds every name where it is written, so an empty finding means something."""
    assert {name for _, name in strategy_literals(REGISTRY_MODULE)} == NAMES
    assert {path.parts[0] for path in checked_files()} == set(CHECKED)
    source = """
MULTI = frozenset({"postgres-multi-user", "mysql-multi-user"})
if strategy == "password" or strategy == "custom":
    args = {"strategy": "password"}
document = {"username": "app", "password": "x"}
secret = document["password"] if "password" in document else document.get("password")
missing = [k for k in ("host", "username", "password") if k not in document]
"""
    found = sorted(strategy_literals(Path("components/example.py"), source))
    assert found == [
        (2, "mysql-multi-user"),
        (2, "postgres-multi-user"),
        (3, "custom"),
        (3, "password"),
        (4, "password"),
    ]
    handler = "class PasswordStrategy:\n    name = 'password'\n"
    assert list(strategy_literals(Path("rotation_handlers/x.py"), handler)) == []
    assert list(strategy_literals(Path("secretkit/x.py"), handler)) == [(2, "password")]


def test_every_handler_module_is_importable_and_has_a_lambda_handler() -> None:
    for strategy in strategies.REGISTRY.values():
        module = importlib.import_module(strategy.import_path)
        assert callable(module.lambda_handler), strategy.name
        assert (ROOT / handlers_package.PACKAGE / f"{strategy.module}.py").is_file()


def test_handlers_name_themselves_as_registered() -> None:
    for name in strategies.SECRET_STRATEGIES:
        module = importlib.import_module(strategies.REGISTRY[name].import_path)
        assert module.lambda_handler.strategy.name == name
    assert Strategy.name == strategies.CUSTOM


def test_every_driver_is_pinned() -> None:
    assert strategies.drivers()
    for driver in strategies.drivers():
        assert re.sub(r"[-_.]+", "-", driver).lower() in PINS, driver


def test_engines_are_those_of_the_handlers() -> None:
    for strategy in strategies.REGISTRY.values():
        engine = strategy.engine
        if engine is None:
            continue
        assert strategy.name.startswith(f"{engine.name}-")
        handler = importlib.import_module(strategy.import_path).lambda_handler.strategy
        assert handler.engine.name == engine.name
        importlib.import_module(engine.driver_module)


def test_every_strategy_constant_is_registered() -> None:
    constants = [v for v in vars(strategies).values() if isinstance(v, strategies.RotationStrategy)]
    assert sorted(c.name for c in constants) == sorted(strategies.REGISTRY)
    assert all(strategies.REGISTRY[c.name] is c for c in constants)


def test_validation_accepts_exactly_the_secret_strategies_and_custom() -> None:
    accepted = [*strategies.SECRET_STRATEGIES, strategies.CUSTOM]
    for name in accepted:
        assert validation.strategy("rotation.strategy", name) == name
    refused = [n for n in strategies.REGISTRY if n not in strategies.SECRET_STRATEGIES]
    assert refused == [strategies.PARAMETER_STORE.name]
    for name in refused:
        with pytest.raises(InvalidArgumentError, match=re.escape(", ".join(accepted))):
            validation.strategy("rotation.strategy", name)


def test_single_user_database_strategies_set_the_credential_in_use() -> None:
    assert [n for n, s in strategies.REGISTRY.items() if s.sets_credential_in_use] == [
        strategies.POSTGRES_SINGLE_USER.name,
        strategies.MYSQL_SINGLE_USER.name,
    ]
    assert not strategies.sets_credential_in_use(None)
    assert not strategies.sets_credential_in_use(f"{strategies.CUSTOM_TAG_PREFIX}mine")
