"""The secret's one resource policy: the user's own statements checked, the document merged from
the shared function's grant, foreign readers and those statements, and its size limit."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from secretkit.components import limits, validation
from secretkit.components.errors import located_at
from secretkit.components.iam.documents import Statement, document

ARGUMENT = "resource_policy_statements"
#: PutResourcePolicy's ResourcePolicy is 1 to 20,480 characters (Secrets Manager API reference).
MAX_POLICY_CHARACTERS = limits.SECRET_RESOURCE_POLICY.maximum
#: The statement ids secretkit writes into a secret's resource policy.
RESERVED_SIDS = ("RotatedBySharedFunction", "ReadFromOtherAccounts", "ReadFromOrganization")
_SID = re.compile(r"[A-Za-z0-9]+")
_KEYS = ("Sid", "Effect", "Principal", "Action", "Resource", "Condition")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _principals(principal: Any) -> list[Any]:
    if isinstance(principal, Mapping):
        return [p for values in principal.values() for p in _as_list(values)]
    return _as_list(principal)


def check_statement(argument: str, given: Any, sids: set[str]) -> Statement:
    """One statement: a unique Sid of letters and digits, Allow or Deny, named actions (no
    wildcard), a principal, and a Condition wherever the principal is '*'."""
    stmt = validation.require_mapping(argument, given)
    validation.reject_unknown_keys(argument, stmt, _KEYS)
    sid = stmt.get("Sid")
    if not isinstance(sid, str) or not _SID.fullmatch(sid):
        raise validation.fail(f"{argument}.Sid", sid, "is required: letters and digits")
    if sid in RESERVED_SIDS or sid in sids:
        raise validation.fail(f"{argument}.Sid", sid, "is already a statement id of this policy")
    sids.add(sid)
    if stmt.get("Effect") not in ("Allow", "Deny"):
        raise validation.fail(f"{argument}.Effect", stmt.get("Effect"), "must be Allow or Deny")
    actions = _as_list(stmt.get("Action", []))
    if not actions or not all(isinstance(a, str) and a for a in actions):
        raise validation.fail(f"{argument}.Action", stmt.get("Action"), "names the actions")
    for action in actions:
        if "*" in action or "?" in action:
            raise validation.fail(
                f"{argument}.Action", action, "is a wildcard: name each action it should allow"
            )
    if "Principal" not in stmt:
        raise validation.fail(f"{argument}.Principal", None, "is required in a resource policy")
    if "*" in _principals(stmt["Principal"]) and not stmt.get("Condition"):
        raise validation.fail(
            f"{argument}.Principal",
            stmt["Principal"],
            "is '*' (anyone) without a Condition: narrow it with one (aws:PrincipalOrgID, "
            "aws:SourceVpce...), or name the principals",
        )
    try:
        json.dumps(stmt)
    except TypeError:
        raise validation.fail(argument, sid, "must hold plain JSON values (no Outputs)") from None
    return {key: stmt[key] for key in _KEYS if key in stmt}


def parse_statements(value: Any) -> list[Statement]:
    """The resource_policy_statements argument, each statement checked, within the size limit."""
    if not isinstance(value, list | tuple):
        raise validation.fail(ARGUMENT, value, f"must be a list, not {type(value).__name__}")
    sids: set[str] = set()
    statements = [check_statement(f"{ARGUMENT}[{i}]", s, sids) for i, s in enumerate(value)]
    check_size(json.dumps(document(*statements)))
    return statements


def check_size(policy: str) -> str:
    """``policy`` (JSON) if Secrets Manager accepts its length; raises InvalidArgumentError."""
    if len(policy) > MAX_POLICY_CHARACTERS:
        raise validation.fail(
            ARGUMENT,
            f"<{len(policy)} characters>",
            f"makes the secret's resource policy {len(policy)} characters; Secrets Manager "
            f"accepts at most {MAX_POLICY_CHARACTERS}",
        )
    return policy


def merged_policy(where: str, statements: Sequence[Statement]) -> pulumi.Output[str]:
    """The JSON document of ``statements``, refused at deployment if too long."""
    return pulumi.Output.json_dumps(document(*statements)).apply(
        lambda policy: located_at(where, lambda: check_size(policy))
    )
