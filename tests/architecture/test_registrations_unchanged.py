"""The restructure changed no resource: the reference stack and a program using every component
register the same URNs with the same inputs, dependencies and options as the snapshot taken
before it (tests/architecture/registrations.json)."""

from __future__ import annotations

import base64
import json
import pickletools
from typing import Any

import pytest

from secretkit.components import parameter_policy_provider
from tests.architecture import snapshot

#: Files of the rotation artifact whose bytes changed on purpose since the snapshot, and why.
#: Every other file must have the recorded digest.
CHANGED_ON_PURPOSE: dict[str, str] = {
    "rotation_handlers/mysql.py": "import cycle with mysql_grants removed; StatementRefused and "
    "close shared through database.py; database names imported as a module (issue 13)",
    "rotation_handlers/mysql_grants.py": "quote_ident and account moved here from mysql.py, so "
    "that it no longer imports mysql (import cycle removed, issue 13)",
    "rotation_handlers/postgres.py": "StatementRefused and close shared through database.py; "
    "database names imported as a module, as mysql.py does (issue 13)",
    "rotation_handlers/database.py": "StatementRefused and Engine.close, which postgres.py and "
    "mysql.py each wrote, live here (issue 13)",
    "rotation_handlers/password.py": "imports the password generator by its new name, "
    "password_generator (issue 13)",
}
#: Files of the rotation artifact renamed on purpose since the snapshot (old -> new name, the same
#: bytes), and why: password.py is the strategy, passwords.py was its generator.
RENAMED_ON_PURPOSE: dict[str, str] = {
    "rotation_handlers/passwords.py": "rotation_handlers/password_generator.py",
}


#: Components added on purpose since the snapshot (type token -> why): their registrations, and
#: those of every resource they parent (URNs whose type path names the component), are new; every
#: other registration is compared as before. Each must be registered by some program.
ADDED_ON_PURPOSE: dict[str, str] = {
    "secretkit:index:DynamicParameter": "AppConfig for configuration that changes at run time "
    "(issue 17): the program using every component builds two",
}


#: Modules moved on purpose since the snapshot (old -> new dotted name), and why. A dynamic
#: resource's inputs hold its provider pickled by reference to its module (``__provider``).
MOVED_ON_PURPOSE: dict[str, str] = {
    # Spelled through the provider module so that nothing rewrites it as an import would be.
    parameter_policy_provider._OLD_MODULE.decode(): parameter_policy_provider.__name__,
}
MOVED_WHY = (
    "the components are imported as secretkit.components, which a consumer's own components "
    "folder cannot shadow (issue 15)"
)

#: Resources added on purpose since the snapshot, by (type token, name suffix), and why. They
#: are new URNs only: every resource of the snapshot must still be registered unchanged.
ALARMS_WHY = (
    "rotation alarms, on by default on RotatingSecret and RotationFunction: the rule on a "
    "secret's rotation events and its target, the alarm on the rotation function's Errors, the "
    "topic they publish to and its policy (issue 16, item 1)"
)
RESOURCES_ADDED_ON_PURPOSE: dict[tuple[str, str], str] = dict.fromkeys(
    (
        ("aws:cloudwatch/eventRule:EventRule", "-rotation"),
        ("aws:cloudwatch/eventTarget:EventTarget", "-rotation"),
        ("aws:cloudwatch/metricAlarm:MetricAlarm", "-rotation-errors"),
        ("aws:sns/topic:Topic", "-rotation-alarms"),
        ("aws:sns/topicPolicy:TopicPolicy", "-rotation-alarms"),
    ),
    ALARMS_WHY,
)


def _resource_added_on_purpose(urn: str) -> bool:
    """Whether ``urn`` is a resource RESOURCES_ADDED_ON_PURPOSE names by type and name suffix."""
    token, name = urn.rsplit("$", 1)[-1].split("::", 1)
    return any(token == t and name.endswith(suffix) for t, suffix in RESOURCES_ADDED_ON_PURPOSE)


#: Read grants consolidated on purpose since the snapshot: a role's grants from several
#: components of one program are one policy, held by the first component's grant (its
#: '<component>-read-<role>' RolePolicy, whose document and dependencies grow); the other
#: components' RolePolicies of that role are gone. Checked exactly: the holder grants each
#: (action, resource, condition, encryption-context value) the removed ones and its own did,
#: and nothing else.
CONSOLIDATED_WHY = (
    "grants that scale: every read grant of one role in the program is merged into as few "
    "policies as fit, one statement per action set, one per key (issue 18)"
)
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
#: The read actions of the components added on purpose (ADDED_ON_PURPOSE), which a consolidated
#: policy may hold besides what the snapshot's grants held: DynamicParameter's readers.
ACTIONS_ADDED_ON_PURPOSE = (
    "appconfig:StartConfigurationSession",
    "appconfig:GetLatestConfiguration",
)


def _grants_of(policy: str) -> set[tuple[str, str, str, str | None]]:
    """(action, resource, the condition but the encryption context, its value) for each pair a
    policy document grants."""
    found = set()
    for stmt in json.loads(policy)["Statement"]:
        actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
        resources = stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]
        condition = {op: dict(items) for op, items in stmt.get("Condition", {}).items()}
        values: list[str | None] = [None]
        for items in condition.values():
            for key in [k for k in items if k.startswith("kms:EncryptionContext:")]:
                value = items.pop(key)
                values = value if isinstance(value, list) else [value]
        rest = json.dumps(condition, sort_keys=True)
        found |= {(a, r, rest, v) for a in actions for r in resources for v in values}
    return found


def _is_read_grant(urn: str) -> bool:
    return urn.split("::")[2].endswith(ROLE_POLICY) and "-read-" in urn.rsplit("::", 1)[1]


def _consolidated(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``before`` and ``after`` with the consolidation checked and taken out: the removed read
    grants dropped, each holder's policy and dependencies as recorded before."""
    holders: dict[str, str] = {}  # role -> its read grant that remains
    for urn, registration in after.items():
        if _is_read_grant(urn):
            role = registration["inputs"]["role"]
            assert role not in holders, f"two read grants of the role {role}: {urn}"
            holders[role] = urn
    expected: dict[str, set[Any]] = {}
    for urn, registration in before.items():
        if _is_read_grant(urn):
            holder = holders[registration["inputs"]["role"]]
            expected.setdefault(holder, set()).update(_grants_of(registration["inputs"]["policy"]))
    before = {urn: reg for urn, reg in before.items() if urn in after or not _is_read_grant(urn)}
    after = dict(after)
    for holder, grants in expected.items():
        granted = _grants_of(after[holder]["inputs"]["policy"])
        # A component added on purpose grants the same role in the same policy: its actions only.
        added = {grant for grant in granted - grants if grant[0] in ACTIONS_ADDED_ON_PURPOSE}
        assert granted - added == grants, holder
        was = before[holder]
        after[holder] = {
            **after[holder],
            "inputs": {**after[holder]["inputs"], "policy": was["inputs"]["policy"]},
            "dependencies": was["dependencies"],
        }
    return before, after


def _pickle_ops(stored: str) -> list[tuple[str, Any]]:
    """A stored provider's pickle as its operations, moved module names mapped to their new
    names; framing and memo bookkeeping (which depend on the names' lengths) left out."""
    return [
        (op.name, MOVED_ON_PURPOSE.get(arg, arg) if isinstance(arg, str) else arg)
        for op, arg, _ in pickletools.genops(base64.b64decode(stored))
        if op.name not in ("FRAME", "MEMOIZE")
    ]


@pytest.fixture(scope="module")
def recorded() -> dict[str, list[dict[str, Any]]]:
    return snapshot.record()


@pytest.fixture(scope="module")
def expected() -> dict[str, list[dict[str, Any]]]:
    document: dict[str, list[dict[str, Any]]] = json.loads(snapshot.SNAPSHOT.read_text())
    return document


def _without_changed_files(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            RENAMED_ON_PURPOSE.get(key, key): "<changed on purpose>"
            if key in CHANGED_ON_PURPOSE
            else _pickle_ops(item)
            if key == "__provider"
            else _without_changed_files(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_changed_files(item) for item in value]
    return value


def _added_on_purpose(urn: str) -> bool:
    """Whether ``urn`` is a component added since the snapshot, or a resource under one."""
    types = urn.split("::")[2].split("$")
    return any(token in types for token in ADDED_ON_PURPOSE)


def test_components_added_on_purpose_are_registered(
    recorded: dict[str, list[dict[str, Any]]],
) -> None:
    """ADDED_ON_PURPOSE hides nothing that is not there: each component it names is built."""
    registered = {
        urn_type
        for registrations in recorded.values()
        for reg in registrations
        for urn_type in reg["urn"].split("::")[2].split("$")
    }
    assert set(ADDED_ON_PURPOSE) <= registered


def _differences(before: dict[str, Any], after: dict[str, Any], path: str = "") -> list[str]:
    found: list[str] = []
    for key in sorted(set(before) | set(after)):
        where = f"{path}.{key}" if path else key
        if key not in after:
            found.append(f"{where}: removed")
        elif key not in before:
            found.append(f"{where}: added")
        elif isinstance(before[key], dict) and isinstance(after[key], dict):
            found.extend(_differences(before[key], after[key], where))
        elif before[key] != after[key]:
            found.append(f"{where}: {before[key]!r} -> {after[key]!r}")
    return found


@pytest.mark.parametrize("program", ["reference-dev", "reference-defaults", "every-component"])
def test_program_registers_what_it_did_before_the_restructure(
    program: str,
    recorded: dict[str, list[dict[str, Any]]],
    expected: dict[str, list[dict[str, Any]]],
) -> None:
    before = {reg["urn"]: _without_changed_files(reg) for reg in expected[program]}
    after = {
        reg["urn"]: _without_changed_files(reg)
        for reg in recorded[program]
        if not _added_on_purpose(reg["urn"])
    }
    added = {urn for urn in set(after) - set(before) if _resource_added_on_purpose(urn)}
    after = {urn: reg for urn, reg in after.items() if urn not in added}
    assert added, "each program has a rotating secret, so rotation alarms"
    before, after = _consolidated(before, after)
    assert sorted(after) == sorted(before), "the program registers other resources"
    changed = {urn: _differences(before[urn], after[urn]) for urn in before}
    assert {urn: diff for urn, diff in changed.items() if diff} == {}


def test_the_snapshot_covers_every_component_and_strategy(
    expected: dict[str, list[dict[str, Any]]],
) -> None:
    types = {
        reg["urn"].rsplit("::", 2)[1].rsplit("$", 1)[-1] for reg in expected["every-component"]
    }
    for component in (
        "RotatingSecret",
        "RotationFunction",
        "SecureParameter",
        "CrossRegionReplicatedSecret",
        "ProxiedParameterPolicy",
    ):
        assert f"secretkit:index:{component}" in types
    handlers = {
        reg["inputs"]["handler"]
        for reg in expected["every-component"]
        if reg["urn"].split("::")[2].endswith("aws:lambda/function:Function")
    }
    assert handlers >= {
        f"rotation_handlers.{module}.lambda_handler"
        for module in (
            "password",
            "postgres_single_user",
            "postgres_multi_user",
            "mysql_single_user",
            "mysql_multi_user",
            "parameter_store",
        )
    }
