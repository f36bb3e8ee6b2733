"""Grants that scale (components/iam/consolidated.py): a role's grants merged into as few
documents as fit, each within IAM's limits, still naming every secret exactly, packed so that
one more grant changes one document."""

from __future__ import annotations

import json
from typing import Any

import pytest

from secretkit.components import limits
from secretkit.components.iam import consolidated
from secretkit.components.iam.consolidated import EXACT_CONTEXT_VALUES, Packing, PackingFull
from secretkit.components.iam.least_privilege import violations
from secretkit.components.iam.reader import parameter_read_policy, secret_read_policy
from secretkit.components.iam.replicas import SecretLocation

REGION = "us-east-1"
ACCOUNT = "123456789012"
PREFIX = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"


def secret_arn(index: int, length: int = 80) -> str:
    """An ARN of ``length`` characters (the name padded), unique per index."""
    name = f"app/s{index:05d}-".ljust(length - len(PREFIX) - 7, "x")
    return f"{PREFIX}{name}-AbCdEf"


def key_arn(index: int) -> str:
    return f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{index:08d}-1111-2222-3333-444455556666"


#: An ordinary secret's ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app/
#: database-AbCdEf' is 80 characters.
ORDINARY = 80


def grants(count: int, keys: int = 1, length: int = ORDINARY) -> list[dict[str, Any]]:
    """``count`` secrets' read grants, the i-th secret encrypted with key i % ``keys``."""
    return [
        secret_read_policy(secret_arn(i, length), key_arn(i % keys), REGION) for i in range(count)
    ]


def granted(documents: list[dict[str, Any]]) -> tuple[list[str], dict[str, set[str]], bool]:
    """(the secrets read, in order; per key the exact context values; whether any key
    statement names the account and region's prefix instead)."""
    read: list[str] = []
    contexts: dict[str, set[str]] = {}
    prefixed = False
    for document in documents:
        for stmt in document["Statement"]:
            if stmt["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]:
                read.extend(stmt["Resource"])
                continue
            condition = stmt["Condition"]
            assert condition["StringEquals"]["kms:ViaService"] == (
                f"secretsmanager.{REGION}.amazonaws.com"
            )
            like = condition.get("StringLike", {}).get("kms:EncryptionContext:SecretARN")
            if like is not None:
                assert like == f"{PREFIX}*"
                prefixed = True
                continue
            values = condition["StringEquals"]["kms:EncryptionContext:SecretARN"]
            (key,) = stmt["Resource"]
            contexts.setdefault(key, set()).update(values if isinstance(values, list) else [values])
    return read, contexts, prefixed


def check_limits(documents: list[dict[str, Any]], quota: int = 10) -> None:
    """The first document is the inline policy, the others managed ones: each within IAM's
    limit, at most ``quota`` managed ones; every document passes the least-privilege check."""
    assert limits.size(limits.IAM_INLINE_POLICIES, documents[0]) <= 10_240
    assert len(documents) - 1 <= quota
    for document in documents[1:]:
        assert limits.size(limits.IAM_MANAGED_POLICY, document) <= 6_144
    for document in documents:
        assert violations(document) == []
        sids = [stmt["Sid"] for stmt in document["Statement"]]
        assert len(sids) == len(set(sids)), "IAM wants each Sid once in a document"
        json.dumps(document)


def test_one_grant_alone_is_unchanged() -> None:
    (grant,) = grants(1)
    assert consolidated.merged([grant]) == grant
    parameter = parameter_read_policy(f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/a", None, REGION)
    assert consolidated.merged([parameter]) == parameter


def test_grants_merge_into_one_statement_per_action_set_and_one_per_key() -> None:
    documents = [*grants(3, keys=2)]
    documents.append(
        parameter_read_policy(f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/p", key_arn(0), REGION)
    )
    merged = consolidated.merged(documents)
    sids = [stmt["Sid"] for stmt in merged["Statement"]]
    assert sids == ["ReadSecret", "DecryptSecret", "DecryptSecretPart2", "ReadParameter",
                    "DecryptParameter"]  # fmt: skip
    read, contexts, prefixed = granted([{"Statement": merged["Statement"][:3]}])
    assert read == [secret_arn(0), secret_arn(1), secret_arn(2)]
    # Each key's statement names exactly the secrets it encrypts.
    assert contexts == {
        key_arn(0): {secret_arn(0), secret_arn(2)},
        key_arn(1): {secret_arn(1)},
    }
    assert not prefixed
    assert violations(merged) == []


def test_replicas_keep_their_own_regions_key_and_context() -> None:
    replica = SecretLocation("eu-west-1", secret_arn(0).replace(REGION, "eu-west-1"), "k-eu")
    other = SecretLocation("eu-west-1", secret_arn(1).replace(REGION, "eu-west-1"), "k-eu")
    merged = consolidated.merged(
        [
            secret_read_policy(secret_arn(0), key_arn(0), REGION, [replica]),
            secret_read_policy(secret_arn(1), key_arn(0), REGION, [other]),
        ]
    )
    by_sid = {stmt["Sid"]: stmt for stmt in merged["Statement"]}
    assert set(by_sid) == {"ReadSecret", "DecryptSecret", "DecryptReplicaEuWest1"}
    eu = by_sid["DecryptReplicaEuWest1"]["Condition"]["StringEquals"]
    assert eu == {
        "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com",
        "kms:EncryptionContext:SecretARN": [replica.secret_arn, other.secret_arn],
    }


def test_past_the_threshold_a_key_statement_names_the_account_and_regions_prefix() -> None:
    exact = consolidated.merged(grants(EXACT_CONTEXT_VALUES, keys=3))
    assert not granted([exact])[2]
    wide = consolidated.merged(grants(EXACT_CONTEXT_VALUES + 1, keys=3))
    read, contexts, prefixed = granted([wide])
    assert prefixed
    assert contexts == {}
    assert read == [secret_arn(i) for i in range(EXACT_CONTEXT_VALUES + 1)]
    (decrypt,) = [stmt for stmt in wide["Statement"] if stmt["Sid"] == "DecryptSecret"]
    assert decrypt["Resource"] == [key_arn(0), key_arn(1), key_arn(2)]
    assert violations(wide) == []


@pytest.mark.parametrize(("keys", "quota"), [(1, 10), (8, 20), (40, 20)])
def test_800_secrets_fit_one_role_within_every_limit(keys: int, quota: int) -> None:
    """800 secrets of 72-character ARNs, on one key (default quota of 10 managed policies), on
    8 or 40 keys (each document names its keys: the quota raised to 20): the inline policy and
    the managed policies each within IAM's limit, least privilege, every secret read exactly
    once, every key named. (How many fit at 80 characters: benchmarks/grant_scale.py.)"""
    documents = consolidated.pack(grants(800, keys, length=72), managed_quota=quota)
    check_limits(documents, quota)
    read, contexts, _ = granted(documents)
    assert read == [secret_arn(i, 72) for i in range(800)]
    named = {
        key
        for document in documents
        for stmt in document["Statement"]
        if stmt["Sid"].startswith("DecryptSecret")
        for key in stmt["Resource"]
    }
    assert named == {key_arn(i) for i in range(keys)}
    for key, values in contexts.items():  # a key listed exactly names only its own secrets
        index = int(key.split("key/")[1][:8])
        assert all(int(value[len(PREFIX) + 5 : len(PREFIX) + 10]) % keys == index
                   for value in values)  # fmt: skip


def test_800_secrets_each_on_its_own_key_need_the_raised_quota() -> None:
    """One key per secret doubles what each secret takes (its key's ARN): past the default 10
    managed policies, within 20."""
    every = [secret_read_policy(secret_arn(i, 72), key_arn(i), REGION) for i in range(800)]
    with pytest.raises(PackingFull, match="beyond the 10 allowed"):
        consolidated.pack(every)
    documents = consolidated.pack(every, managed_quota=20)
    check_limits(documents, quota=20)
    assert granted(documents)[0] == [secret_arn(i, 72) for i in range(800)]


@pytest.mark.parametrize("count", [1, 15, 120, 500, 700])
def test_one_more_grant_changes_one_document(count: int) -> None:
    """Packed in the order granted, the grant N+1 joins the last document or opens a new one:
    every other document stays byte for byte the same."""
    before = consolidated.pack(grants(count, keys=3))
    after = consolidated.pack(grants(count + 1, keys=3))
    assert len(after) in (len(before), len(before) + 1)
    changed = [
        i
        for i in range(len(after))
        if i >= len(before) or json.dumps(before[i]) != json.dumps(after[i])
    ]
    assert len(changed) == 1


def test_a_grant_that_fits_no_policy_is_refused() -> None:
    with pytest.raises(PackingFull, match="beyond the 0 allowed"):
        consolidated.pack(grants(200), managed_quota=0)
    huge = secret_read_policy("x" * 7_000, key_arn(0), REGION)
    packing = Packing(limits.IAM_INLINE_POLICIES, limits.IAM_MANAGED_POLICY, 10)
    assert packing.place(grants(1)[0]) == (0, True)
    with pytest.raises(PackingFull, match=r"one grant alone is .* per managed policy"):
        packing.place(huge)
    assert len(packing.policies) == 1  # nothing opened for it


def test_a_sealed_policy_takes_no_more_grants() -> None:
    packing = Packing(limits.IAM_INLINE_POLICIES, limits.IAM_MANAGED_POLICY, 10)
    assert packing.place(grants(1)[0]) == (0, True)
    packing.seal()
    assert packing.place(grants(2)[1]) == (1, True)
    assert packing.place(grants(3)[2]) == (1, False)
    assert packing.inline == [True, True]  # the inline policies together still have room
    full = Packing(limits.IAM_INLINE_POLICIES, limits.IAM_MANAGED_POLICY, 10)
    for grant in grants(130):
        full.place(grant)
    full.seal()
    assert full.place(grants(131)[130]) == (len(full.policies) - 1, True)
    assert full.inline[0] is True
    assert full.inline[-1] is False  # the inline policy filled up: managed ones from then on


@pytest.mark.parametrize(
    ("context", "via"),
    [
        ("*", "secretsmanager.us-east-1.amazonaws.com"),
        (f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:*", "secretsmanager.us-east-1.amazonaws.com"),
        ("arn:aws:secretsmanager:us-east-1:*:secret:*", "secretsmanager.us-east-1.amazonaws.com"),
        (f"{PREFIX}app/*", "secretsmanager.us-east-1.amazonaws.com"),
        (f"{PREFIX}*", "secretsmanager.eu-west-1.amazonaws.com"),
        (f"{PREFIX}*", "ssm.us-east-1.amazonaws.com"),
    ],
)
def test_the_least_privilege_check_refuses_any_context_wider_than_the_prefix(
    context: str, via: str
) -> None:
    document = consolidated.merged(grants(EXACT_CONTEXT_VALUES + 1))
    (decrypt,) = [stmt for stmt in document["Statement"] if stmt["Sid"] == "DecryptSecret"]
    assert violations(document) == []
    decrypt["Condition"] = {
        "StringEquals": {"kms:ViaService": via},
        "StringLike": {"kms:EncryptionContext:SecretARN": context},
    }
    assert any("encryption context" in found for found in violations(document))
