"""Measures a policy document against the house rules for least privilege; returns violations."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

#: Actions AWS offers no resource-level permission for: Resource "*" is the only choice.
NO_RESOURCE_LEVEL_ACTIONS = frozenset({"ec2:describenetworkinterfaces", "ec2:describesubnets"})
#: KMS actions that must be limited by kms:ViaService in identity policies.
KMS_PREFIX = "kms:"

#: Reading a secret or parameter value (DescribeSecret too: it reveals the rotation setup).
SECRET_READ_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameterHistory",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
)
#: Changing a secret's or parameter's value or versions, who may read it (its resource
#: policy), where it is copied (replication), or whether it exists.
SECRET_WRITE_ACTIONS = (
    "secretsmanager:CancelRotateSecret",
    "secretsmanager:DeleteResourcePolicy",
    "secretsmanager:DeleteSecret",
    "secretsmanager:PutResourcePolicy",
    "secretsmanager:PutSecretValue",
    "secretsmanager:RemoveRegionsFromReplication",
    "secretsmanager:ReplicateSecretToRegions",
    "secretsmanager:RestoreSecret",
    "secretsmanager:RotateSecret",
    "secretsmanager:StopReplicationToReplica",
    "secretsmanager:UpdateSecret",
    "secretsmanager:UpdateSecretVersionStage",
    "ssm:DeleteParameter",
    "ssm:DeleteParameters",
    "ssm:LabelParameterVersion",
    "ssm:PutParameter",
    "ssm:UnlabelParameterVersion",
)
#: KMS's data-plane actions: using a key on data, and CreateGrant, which hands that use on.
KEY_DATA_ACTIONS = (
    "kms:CreateGrant",
    "kms:Decrypt",
    "kms:DeriveSharedSecret",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateMac",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:Sign",
    "kms:Verify",
    "kms:VerifyMac",
)
#: Actions whose Resource must name exactly one secret, parameter or key: no "*" and no partial
#: wildcard. Not in the set on purpose: CreateSecret (a name prefix is how it is scoped), the
#: metadata calls (tags, ListSecretVersionIds, GetResourcePolicy), and the calls without
#: resource-level permissions (ListSecrets, GetRandomPassword, BatchGetSecretValue,
#: DescribeParameters), which AWS authorises on "*" only.
DATA_ACTIONS = (*SECRET_READ_ACTIONS, *SECRET_WRITE_ACTIONS, *KEY_DATA_ACTIONS)
#: The one wildcard secretkit writes on purpose: '<name>-??????' names exactly the secret
#: <name> whatever the six random characters Secrets Manager appends (AWS's own advice in
#: "Limiting access to specific secrets"; '*' there would also match '<name>-a-b-AbCdEf').
_ONE_SECRET_RE = re.compile(
    r"arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-\?\?\?\?\?\?"
)

#: The widest encryption context a KMS grant may name, each with the service that must be its
#: kms:ViaService in the same region: every secret (parameter) of one account in one region.
#: A large grant names it instead of listing each ARN (docs/grants.md#large-grants).
_CONTEXT_PREFIXES = {
    "kms:encryptioncontext:secretarn": (
        "secretsmanager",
        re.compile(r"arn:[a-z-]+:secretsmanager:(?P<region>[a-z0-9-]+):\d{12}:secret:\*"),
    ),
    "kms:encryptioncontext:parameter_arn": (
        "ssm",
        re.compile(r"arn:[a-z-]+:ssm:(?P<region>[a-z0-9-]+):\d{12}:parameter/\*"),
    ),
}


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


@lru_cache(maxsize=512)
def iam_pattern(text: str, *, ignore_case: bool = True) -> re.Pattern[str]:
    """IAM's wildcards, for fullmatch: ``*`` any run of characters, ``?`` exactly one,
    everything else literal. Case-insensitive by default, as IAM matches action names; ARNs
    and condition values match case-sensitively (``ignore_case=False``)."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)


def data_actions(actions: Iterable[str]) -> list[str]:
    """The data actions (:data:`DATA_ACTIONS`) that ``actions`` grant, by name or pattern."""
    patterns = [iam_pattern(a.strip()) for a in actions if "*" in a or "?" in a]
    literal = {a.strip().lower() for a in actions}
    return [
        action
        for action in DATA_ACTIONS
        if action.lower() in literal or any(p.fullmatch(action) for p in patterns)
    ]


def names_one_resource(resource: str) -> bool:
    """Whether a Resource entry names one resource: no '*' or '?', except the
    '...:secret:<name>-??????' form that names exactly one secret."""
    if "*" not in resource and "?" not in resource:
        return True
    return _ONE_SECRET_RE.fullmatch(resource) is not None


def wildcard_resources(resources: Iterable[str]) -> list[str]:
    """The entries of a Resource other than "*" that match more than one resource."""
    return [r for r in resources if r != "*" and not names_one_resource(r)]


def violations(document: Mapping[str, Any], *, key_policy: bool = False) -> list[str]:
    """Every broken rule, as text. Empty means the document passes.

    Rules: no "*" action or service wildcard (``kms:*``) or partial wildcard (``ssm:Get*``); no
    ``Resource: "*"`` except for actions without resource-level permissions (in a key policy
    "*" means the key itself and is allowed); no partial wildcard (``secret:app/*``,
    ``key/*``, ``parameter/app/?``) in the Resource of a data action (:data:`DATA_ACTIONS`),
    except ``secret:<name>-??????``; every KMS grant in an identity policy is scoped by
    ``kms:ViaService``; only Allow statements.
    """
    found: list[str] = []
    for index, stmt in enumerate(_as_list(document.get("Statement", []))):
        label = stmt.get("Sid") or f"statement {index}"
        if stmt.get("Effect") != "Allow":
            continue
        if "NotAction" in stmt or "NotResource" in stmt:
            found.append(f"{label}: NotAction/NotResource grant everything else")
        actions = [str(a) for a in _as_list(stmt.get("Action", []))]
        for action in actions:
            if "*" in action or "?" in action:
                found.append(f"{label}: wildcard action {action!r}")
        resources = [r for r in _as_list(stmt.get("Resource", [])) if isinstance(r, str)]
        if "*" in resources and not key_policy:
            broad = [a for a in actions if a.lower() not in NO_RESOURCE_LEVEL_ACTIONS]
            if broad:
                found.append(f"{label}: Resource '*' for {', '.join(sorted(broad))}")
        # In a key policy every Resource means the key itself.
        partial = [] if key_policy else wildcard_resources(resources)
        granted = data_actions(actions) if partial else []
        if granted:
            found.append(
                f"{label}: wildcard resource {', '.join(repr(r) for r in partial)} for "
                f"{', '.join(granted)}"
            )
        # IAM matches action names case-insensitively.
        kms = [a for a in actions if a.lower().startswith(KMS_PREFIX)]
        if kms and not key_policy:
            conditions = stmt.get("Condition", {})
            scoped = any("kms:ViaService" in values for values in conditions.values())
            if not scoped:
                found.append(f"{label}: {', '.join(kms)} without a kms:ViaService condition")
            found.extend(f"{label}: {wide}" for wide in wide_contexts(conditions))
    return found


def wide_contexts(conditions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The encryption-context values of a KMS grant's ``conditions`` that match more than one
    resource beyond what secretkit writes: only '<secret>-??????' (one secret), and every secret
    (parameter) of one account and region, through that service in that region
    (kms:ViaService), pass."""
    via = {
        str(value).lower()
        for operator, items in conditions.items()
        if operator.lower() == "stringequals"
        for key, values in items.items()
        if key.lower() == "kms:viaservice"
        for value in _as_list(values)
    }
    found = []
    for items in conditions.values():
        for key, values in items.items():
            if not key.lower().startswith("kms:encryptioncontext:"):
                continue
            for value in (str(v) for v in _as_list(values)):
                if ("*" not in value and "?" not in value) or names_one_resource(value):
                    continue
                service, prefix = _CONTEXT_PREFIXES.get(key.lower(), ("", None))
                match = None if prefix is None else prefix.fullmatch(value)
                if match is None or via != {f"{service}.{match['region']}.amazonaws.com"}:
                    found.append(
                        f"encryption context {key} = {value!r} matches more than one "
                        "resource, and is not all of one account and region's through that "
                        "service there"
                    )
    return found
