"""Key administrators manage the keys secretkit creates and cannot reach their use: not directly,
not by rewriting the key policy, not by a grant or a replica key (unless the component is told
key_administrators_can_edit_policy=True).

Decided with the embedded IAM evaluation over the key policies the components register: the
administrator holds no IAM policy of their own, so only the key policy can let them act.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    RotatingSecret,
    SecureParameter,
)
from secretkit.components.iam.key_policy import ADMIN_ACTIONS, key_policy
from secretkit.components.iam.least_privilege import violations
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.embedded import mocks
from secretkit.embedded.iam_evaluation import Request, is_allowed
from secretkit.embedded.mocks import RecordingMonitor
from tests.components.helpers import build_component, policy_of

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/key-admin"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/pulumi-deployer"
KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
#: Every KMS action that is use of the key, or a way to obtain use of it: the cryptographic
#: operations, a grant (use by delegation), the key policy itself, and a replica key (created
#: with a policy of the caller's choosing; it decrypts the primary's ciphertext).
REACHES_USE = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateDataKeyPair",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "kms:ReplicateKey",
    "kms:UpdatePrimaryRegion",
    "kms:ImportKeyMaterial",
)


def call(action: str, key_arn: str, principal: str = ADMIN) -> Request:
    return Request(principal_arns=[principal], action=action, resource=key_arn)


def self_grant(key_arn: str) -> dict[str, Any]:
    """The key policy an administrator would write to let themselves decrypt."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Mine",
                "Effect": "Allow",
                "Principal": {"AWS": ADMIN},
                "Action": ["kms:Decrypt", "kms:PutKeyPolicy"],
                "Resource": "*",
            }
        ],
    }


def administrator_can_decrypt(key_policy_document: dict[str, Any], key_arn: str) -> bool:
    """Whether the administrator, holding no IAM policy, ends up able to decrypt: directly, or
    after replacing the key policy when the current one lets them."""
    policy = key_policy_document
    if is_allowed(call("kms:PutKeyPolicy", key_arn), [], [policy]):
        policy = self_grant(key_arn)  # the PutKeyPolicy call succeeds
    return is_allowed(call("kms:Decrypt", key_arn), [], [policy])


def created_keys(monitor: RecordingMonitor) -> list[tuple[str, dict[str, Any]]]:
    """(key ARN, key policy) of every key and replica key the component created."""
    keys = [*monitor.by_type(KEY), *monitor.by_type(REPLICA_KEY)]
    assert keys
    return [(str(k.state["arn"]), policy_of(k)) for k in keys]


def rotating_secret(**extra: Any) -> dict[str, Any]:
    return {
        "secret_name": "prod/app/api",
        "rotation": {"strategy": "password", "automatically_after_days": 30},
        **extra,
    }


def replicated_secret(**extra: Any) -> dict[str, Any]:
    return {"secret_name": "prod/app/db", "replica_regions": ["eu-west-1"], **extra}


def secure_parameter(**extra: Any) -> dict[str, Any]:
    return {"parameter_name": "/team/app/key", "value": "v", "create_kms_key": True, **extra}


def rotation_function(**extra: Any) -> dict[str, Any]:
    return {"strategy": "password", **extra}


#: Every component that takes key_administrators, with its arguments and an output to wait on.
COMPONENTS: list[tuple[Callable[..., Any], Callable[..., dict[str, Any]], str]] = [
    (RotatingSecret, rotating_secret, "secret_arn"),
    (CrossRegionReplicatedSecret, replicated_secret, "secret_arn"),
    (SecureParameter, secure_parameter, "parameter_arn"),
    (RotationFunction, rotation_function, "function_arn"),
]
IDS = [factory.__name__ for factory, _, _ in COMPONENTS]


def test_an_administrator_cannot_rewrite_the_key_policy_to_decrypt() -> None:
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    document = key_policy("aws", ACCOUNT, [ADMIN])
    assert not is_allowed(call("kms:PutKeyPolicy", key_arn), [], [document])
    assert not administrator_can_decrypt(document, key_arn)


@pytest.mark.parametrize(("factory", "args", "output"), COMPONENTS, ids=IDS)
def test_every_created_key_bounds_its_administrators(
    monitor: RecordingMonitor,
    factory: Callable[..., Any],
    args: Callable[..., dict[str, Any]],
    output: str,
) -> None:
    build_component(factory, "c", args(key_administrators=[ADMIN]), output)
    for key_arn, document in created_keys(monitor):
        for action in REACHES_USE:
            assert not is_allowed(call(action, key_arn), [], [document]), action
        assert not administrator_can_decrypt(document, key_arn)
        # ...while they still manage the key.
        for action in ADMIN_ACTIONS:
            assert is_allowed(call(action, key_arn), [], [document]), action
        assert violations(document, key_policy=True) == []


def test_replica_keys_of_a_multi_region_key_bound_them_too(monitor: RecordingMonitor) -> None:
    args = replicated_secret(key_administrators=[ADMIN], multi_region_key=True)
    build_component(CrossRegionReplicatedSecret, "c", args, "secret_arn")
    assert monitor.by_type(REPLICA_KEY)
    for key_arn, document in created_keys(monitor):
        assert not is_allowed(call("kms:PutKeyPolicy", key_arn), [], [document])


@pytest.mark.parametrize(("factory", "args", "output"), COMPONENTS, ids=IDS)
def test_policy_editing_is_granted_only_when_asked_for(
    monitor: RecordingMonitor,
    factory: Callable[..., Any],
    args: Callable[..., dict[str, Any]],
    output: str,
) -> None:
    given = args(key_administrators=[ADMIN], key_administrators_can_edit_policy=True)
    build_component(factory, "c", given, output)
    for key_arn, document in created_keys(monitor):
        assert is_allowed(call("kms:PutKeyPolicy", key_arn), [], [document])
        # Still no direct use, no grant: editing the policy is the one door, and it is named.
        for action in REACHES_USE:
            if action != "kms:PutKeyPolicy":
                assert not is_allowed(call(action, key_arn), [], [document]), action


def test_the_account_iam_still_manages_the_key(monitor: RecordingMonitor) -> None:
    """The documented limit: the root statement delegates to the account's IAM policies (how
    Pulumi itself updates the key policy), so a principal whose own IAM policy allows
    kms:PutKeyPolicy is not bounded by key_administrators."""
    build_component(RotatingSecret, "c", rotating_secret(key_administrators=[ADMIN]), "secret_arn")
    key_arn, document = created_keys(monitor)[0]
    deployer_iam = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "kms:PutKeyPolicy", "Resource": key_arn},
        ],
    }
    deployer = call("kms:PutKeyPolicy", key_arn, DEPLOYER)
    assert not is_allowed(deployer, [], [document]), "the key policy names no deployer"
    root = next(s for s in document["Statement"] if s["Sid"] == "DelegateToAccountIam")
    assert "kms:PutKeyPolicy" in root["Action"]
    assert root["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert is_allowed(deployer, [deployer_iam])


BAD_EDITING = [
    ({"key_administrators_can_edit_policy": True}, "only applies with key_administrators"),
    (
        {"key_administrators": [ADMIN], "key_administrators_can_edit_policy": "yes"},
        "must be True or False",
    ),
]


@pytest.mark.parametrize(
    ("component", "bad"),
    [(c, b) for c in COMPONENTS for b in BAD_EDITING],
    ids=[f"{i}-{n}" for i in IDS for n in ("no-admins", "not-bool")],
)
def test_bad_policy_editing_is_refused_before_anything_is_registered(
    monitor: RecordingMonitor,
    component: tuple[Callable[..., Any], Callable[..., dict[str, Any]], str],
    bad: tuple[dict[str, Any], str],
) -> None:
    factory, args, output = component
    extra, rule = bad
    with pytest.raises(InvalidArgumentError) as caught:
        build_component(factory, "bad", args(**extra), output)
    assert caught.value.argument == "key_administrators_can_edit_policy"
    assert rule in str(caught.value)
    assert monitor.registrations == []


def test_a_member_of_a_shared_function_leaves_the_key_to_it(monitor: RecordingMonitor) -> None:
    def program() -> None:
        shared = RotationFunction("shared", {"strategy": "password"})
        RotatingSecret(
            "member",
            {
                "secret_name": "prod/app/member",
                "rotation": {
                    "strategy": "password",
                    "function": shared,
                    "automatically_after_days": 30,
                },
                "key_administrators_can_edit_policy": False,
            },
        )

    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(program)
    assert caught.value.argument == "key_administrators_can_edit_policy"
    assert "belongs to the shared RotationFunction 'shared'" in str(caught.value)


# --- administrators known later: another resource's ARN, from Python or any language ----------


@pytest.mark.parametrize(("factory", "args", "output"), COMPONENTS, ids=IDS)
def test_an_administrator_given_as_an_output_is_bounded_the_same(
    monitor: RecordingMonitor,
    factory: Callable[..., Any],
    args: Callable[..., dict[str, Any]],
    output: str,
) -> None:
    given = args(key_administrators=[pulumi.Output.from_input(ADMIN)])
    build_component(factory, "c", given, output)
    for key_arn, document in created_keys(monitor):
        assert not administrator_can_decrypt(document, key_arn)
        for action in ADMIN_ACTIONS:
            assert is_allowed(call(action, key_arn), [], [document]), action


@pytest.mark.parametrize(
    ("administrator", "rule"),
    [
        ("key-admin", "must be"),
        (f"arn:aws:iam::{ACCOUNT}:role/*", "wildcard"),
    ],
)
def test_a_bad_administrator_from_an_output_fails_the_key(
    monitor: RecordingMonitor, administrator: str, rule: str
) -> None:
    given = rotating_secret(key_administrators=[ADMIN, pulumi.Output.from_input(administrator)])
    with pytest.raises(ValueError, match=r"argument 'key_administrators\[1\]'") as caught:
        build_component(RotatingSecret, "c", given, "secret_arn")
    assert rule in str(caught.value)
    assert monitor.by_type(KEY) == []


def test_an_administrator_known_now_is_still_checked_now(monitor: RecordingMonitor) -> None:
    given = rotating_secret(
        key_administrators=[pulumi.Output.from_input(ADMIN), "not-an-arn", ADMIN]
    )
    with pytest.raises(InvalidArgumentError) as caught:
        build_component(RotatingSecret, "c", given, "secret_arn")
    assert caught.value.argument == "key_administrators[1]"
    assert monitor.registrations == []
