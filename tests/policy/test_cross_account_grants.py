"""The cross-account grant rule: principals of other accounts named exactly, '*' only pinned by
a condition, no wildcard actions, KMS use only through the service for the named resource, and
SecretPolicy with blockPublicPolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi_policy import ResourceValidationArgs

from policy import secretkit_policies as pack
from policy.cross_account_grants import grant_findings
from tests.policy.test_policy_pack import (
    ACCOUNT,
    KEY_ARN,
    OTHER_ACCOUNT,
    REGION,
    SECRET_ARN,
    UNKNOWN,
    Violations,
    resource_args,
)

RULE = pack.CROSS_ACCOUNT_GRANTS
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
SECRET = "aws:secretsmanager/secret:Secret"
FOREIGN_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/reader"
FOREIGN_ROOT = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
OWN_ROOT = f"arn:aws:iam::{ACCOUNT}:root"
VIA = {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}
CONTEXT = {"kms:EncryptionContext:SecretARN": SECRET_ARN}


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def read_grant(principal: Any, **extra: Any) -> dict[str, Any]:
    """The SecretPolicy statement the components emit for a foreign reader."""
    return {
        "Sid": "Read",
        "Effect": "Allow",
        "Principal": principal if principal == "*" else {"AWS": principal},
        "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        "Resource": "*",
        **extra,
    }


def decrypt_grant(principal: Any, **conditions: dict[str, Any]) -> dict[str, Any]:
    """The key-policy statement the components emit for a foreign reader."""
    statement = read_grant(principal, Sid="Decrypt", Action="kms:Decrypt")
    statement["Condition"] = conditions or {"StringEquals": {**VIA, **CONTEXT}}
    return statement


def owner_delegation() -> dict[str, Any]:
    return {
        "Sid": "Owner",
        "Effect": "Allow",
        "Principal": {"AWS": OWN_ROOT},
        "Action": "kms:*",
        "Resource": "*",
    }


def violations(
    type_: str, props: dict[str, Any], config: dict[str, Any] | None = None
) -> list[str]:
    found = Violations()
    args = resource_args(type_, props)
    if config is not None:
        args = ResourceValidationArgs(
            args.resource_type, args.props, args.urn, args.name, args.opts, None, config
        )
    RULE.validate(args, found)
    return found.messages


def secret_policy(*statements: dict[str, Any], block: Any = True) -> dict[str, Any]:
    props: dict[str, Any] = {"secretArn": SECRET_ARN, "policy": doc(*statements)}
    if block is not None:
        props["blockPublicPolicy"] = block
    return props


# --- passing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("principal", [FOREIGN_ROLE, FOREIGN_ROOT, OTHER_ACCOUNT])
def test_the_components_grant_shapes_pass(principal: str) -> None:
    assert violations(SECRET_POLICY, secret_policy(read_grant(principal))) == []
    key = {"arn": KEY_ARN, "policy": doc(owner_delegation(), decrypt_grant(principal))}
    assert violations(KEY, key) == []
    assert violations(KEY_POLICY, {"keyId": KEY_ARN, "policy": key["policy"]}) == []


def test_an_organization_grant_with_its_condition_passes() -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
    assert violations(SECRET_POLICY, secret_policy(read_grant("*", Condition=org))) == []
    paths = {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc123/r-1/ou-2/*"}}
    conditions = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123", **VIA, **CONTEXT}, **paths}
    key = {"arn": KEY_ARN, "policy": doc(owner_delegation(), decrypt_grant("*", **conditions))}
    assert violations(KEY, key) == []


def test_the_owners_own_statements_are_not_judged() -> None:
    own_role = f"arn:aws:iam::{ACCOUNT}:role/app"
    assert violations(SECRET_POLICY, secret_policy(read_grant(own_role, Action="*"))) == []
    assert violations(KEY, {"arn": KEY_ARN, "policy": doc(owner_delegation())}) == []


def test_the_owner_comes_from_the_config_when_arns_are_unknown() -> None:
    unknown: dict[str, Any] = {
        "secretArn": UNKNOWN,
        "policy": doc(read_grant(FOREIGN_ROLE, Action="*")),
        "blockPublicPolicy": True,
    }
    assert violations(SECRET_POLICY, unknown) == []  # nobody is surely foreign yet
    assert violations(SECRET_POLICY, unknown, {"accountId": ACCOUNT}) != []
    assert violations(SECRET_POLICY, unknown, {"accountId": OTHER_ACCOUNT}) == []


def test_unknown_documents_and_other_types_are_skipped() -> None:
    assert violations(SECRET_POLICY, {"secretArn": SECRET_ARN, "policy": UNKNOWN}) != []
    assert (
        violations(
            SECRET_POLICY,
            {"secretArn": SECRET_ARN, "policy": UNKNOWN, "blockPublicPolicy": UNKNOWN},
        )
        == []
    )
    assert violations("aws:s3/bucket:Bucket", {"policy": doc(read_grant("*"))}) == []


# --- failing ------------------------------------------------------------------------------------


def test_block_public_policy_must_be_true() -> None:
    for block in (False, None):
        found = violations(SECRET_POLICY, secret_policy(read_grant(FOREIGN_ROLE), block=block))
        assert found == [
            "blockPublicPolicy must be true, so that AWS refuses a policy granting broad "
            "access to the secret"
        ]


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"StringNotEquals": {"aws:PrincipalAccount": OTHER_ACCOUNT}},
        {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}},
        {"StringLike": {"aws:PrincipalArn": "*"}},
        {"StringEquals": {"aws:SourceIp": "10.0.0.1"}},
    ],
)
def test_anyone_without_a_pinning_condition_fails(condition: dict[str, Any] | None) -> None:
    extra = {"Condition": condition} if condition else {}
    for type_, props in (
        (SECRET_POLICY, secret_policy(read_grant("*", **extra))),
        (SECRET, {"arn": SECRET_ARN, "policy": doc(read_grant(["*"], **extra))}),
    ):
        found = violations(type_, props)
        assert any("principal '*' needs a condition" in f for f in found), (type_, found)


def test_partial_wildcard_principals_fail() -> None:
    found = violations(
        SECRET_POLICY, secret_policy(read_grant(f"arn:aws:iam::{OTHER_ACCOUNT}:role/*"))
    )
    assert any("named exactly" in f for f in found)
    found = violations(SECRET_POLICY, secret_policy(read_grant("arn:aws:iam::*:root")))
    assert any("named exactly" in f for f in found)


@pytest.mark.parametrize(
    "actions",
    ["secretsmanager:*", ["secretsmanager:GetSecretValue", "secretsmanager:Get*"], "*"],
)
def test_wildcard_actions_for_another_account_fail(actions: Any) -> None:
    found = violations(SECRET_POLICY, secret_policy(read_grant(FOREIGN_ROLE, Action=actions)))
    assert any("wildcard actions" in f for f in found)


def test_not_action_and_not_principal_fail() -> None:
    statement = read_grant(FOREIGN_ROLE)
    del statement["Action"]
    statement["NotAction"] = "secretsmanager:DeleteSecret"
    assert any("NotAction" in f for f in violations(SECRET_POLICY, secret_policy(statement)))
    anyone_but = {**read_grant(FOREIGN_ROLE), "NotPrincipal": {"AWS": OWN_ROOT}}
    del anyone_but["Principal"]
    assert any("NotPrincipal" in f for f in violations(SECRET_POLICY, secret_policy(anyone_but)))


@pytest.mark.parametrize(
    ("conditions", "missing"),
    [
        ({"StringEquals": CONTEXT}, "kms:ViaService"),
        ({"StringEquals": VIA}, "kms:EncryptionContext"),
        ({"StringNotEquals": {**VIA, **CONTEXT}}, "kms:ViaService"),
        ({"StringEqualsIfExists": {**VIA, **CONTEXT}}, "kms:EncryptionContext"),
    ],
)
def test_key_grants_without_via_service_or_context_fail(
    conditions: dict[str, Any], missing: str
) -> None:
    for type_, props in (
        (KEY, {"arn": KEY_ARN}),
        (KEY_POLICY, {"keyId": KEY_ARN}),
        (REPLICA_KEY, {"arn": KEY_ARN.replace(REGION, "eu-west-1")}),
    ):
        policy = doc(owner_delegation(), decrypt_grant(FOREIGN_ROLE, **conditions))
        found = violations(type_, {**props, "policy": policy})
        assert any(missing in f for f in found), (type_, found)
    no_condition = {**decrypt_grant(FOREIGN_ROOT)}
    del no_condition["Condition"]
    found = violations(KEY, {"arn": KEY_ARN, "policy": doc(no_condition)})
    assert len(found) == 2


def test_a_third_account_in_a_statement_is_judged_too() -> None:
    """A statement naming the owner and another account is a foreign grant."""
    both = read_grant([OWN_ROOT, FOREIGN_ROLE], Action="secretsmanager:*")
    found = violations(SECRET_POLICY, secret_policy(both))
    assert found == ["policy: Read: another account is granted wildcard actions secretsmanager:*"]


def test_findings_on_a_plain_document() -> None:
    document = json.loads(doc(decrypt_grant(FOREIGN_ROLE, StringEquals=VIA)))
    assert grant_findings(document, key_policy=True, own_account=ACCOUNT) == [
        f"Decrypt: {FOREIGN_ROLE} may use the key for any resource (no "
        "kms:EncryptionContext:<key> condition naming the secret or parameter)"
    ]
    assert grant_findings(document, key_policy=True, own_account=OTHER_ACCOUNT) == []
    assert grant_findings(document, key_policy=False, own_account=ACCOUNT) == []
