"""Issue 14: readers in other accounts of a RotatingSecret, a CrossRegionReplicatedSecret and a
member of a shared RotationFunction: the secret's resource policy and the created keys' policies
name them exactly; a given key, and bad resource_policy_statements, are refused."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    RotatingSecret,
    RotationFunction,
    reader_identity_policy,
)
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, Registration

ACCOUNT = mocks.ACCOUNT_ID
OTHER = "999999999999"
THIRD = "888888888888"
FOREIGN = f"arn:aws:iam::{OTHER}:role/app"
LOCAL_ARN = f"arn:aws:iam::{ACCOUNT}:role/team/local"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
ROTATING: Any = {
    "secret_name": "prod/app",
    "rotation": {"strategy": "password", "automatically_after_days": 30},
}
REPLICATED: dict[str, Any] = {"secret_name": "prod/shared", "replica_regions": ["eu-west-1"]}
POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
READ = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]


def document(registration: Registration) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(registration.plain_inputs["policy"])
    return result


def by_sid(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in doc["Statement"]}


def the(monitor: RecordingMonitor, type_: str) -> Registration:
    found = monitor.by_type(type_)
    assert len(found) == 1, f"{len(found)} {type_}"
    return found[0]


def secret_arn(monitor: RecordingMonitor) -> str:
    return str(the(monitor, "aws:secretsmanager/secret:Secret").state["arn"])


def build(component: Any, args: dict[str, Any]) -> None:
    mocks.run(lambda: component("c", args).secret_arn)


def build_member(**extra: Any) -> None:
    """A RotatingSecret 'c' joining a shared RotationFunction, with ``extra`` arguments."""

    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password"})
        args: Any = {
            "secret_name": "prod/member",
            "rotation": {"function": shared, "automatically_after_days": 30},
            **extra,
        }
        return RotatingSecret("c", args).secret_arn

    mocks.run(program)


def local_grants(monitor: RecordingMonitor) -> list[str]:
    return [r.name for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy") if "-read-" in r.name]


@pytest.mark.parametrize(
    ("reader", "principal"),
    [
        pytest.param(FOREIGN, FOREIGN, id="role-arn"),
        pytest.param(OTHER, f"arn:aws:iam::{OTHER}:root", id="account-id"),
    ],
)
def test_a_foreign_reader_is_named_in_the_resource_and_key_policies(
    monitor: RecordingMonitor, reader: str, principal: str
) -> None:
    build(RotatingSecret, {**ROTATING, "readers": [reader, "local-reader"]})
    policy = the(monitor, POLICY)
    assert policy.plain_inputs["blockPublicPolicy"] is True
    read = by_sid(document(policy))["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [principal]}
    assert read["Action"] == READ
    assert read["Resource"] == [secret_arn(monitor)]
    key = by_sid(document(the(monitor, "aws:kms/key:Key")))["DecryptForOtherAccounts"]
    assert key["Principal"] == {"AWS": [principal]}
    assert key["Action"] == ["kms:Decrypt"]
    assert key["Resource"] == "*"
    assert key["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"},
        "StringLike": {
            "kms:EncryptionContext:SecretARN": (
                f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/app-??????"
            )
        },
    }
    # The local reader keeps its inline policy; the foreign one gets none.
    assert local_grants(monitor) == ["c-read-local-reader"]
    assert "Principal" not in json.dumps(document(policy)).replace('"Principal": {"AWS"', "")
    assert violations(document(policy)) == []
    assert violations(document(the(monitor, "aws:kms/key:Key")), key_policy=True) == []


def test_a_role_arn_of_the_deploying_account_stays_an_inline_policy(
    monitor: RecordingMonitor,
) -> None:
    build(RotatingSecret, {**ROTATING, "readers": [LOCAL_ARN]})
    assert local_grants(monitor) == ["c-read-local"]
    assert monitor.by_type(POLICY) == []
    assert "DecryptForOtherAccounts" not in json.dumps(document(the(monitor, "aws:kms/key:Key")))


def test_an_output_role_arn_is_granted_through_the_policies(monitor: RecordingMonitor) -> None:
    build(RotatingSecret, {**ROTATING, "readers": [pulumi.Output.from_input(FOREIGN)]})
    assert by_sid(document(the(monitor, POLICY)))["ReadFromOtherAccounts"]["Principal"] == {
        "AWS": [FOREIGN]
    }
    key = by_sid(document(the(monitor, "aws:kms/key:Key")))
    assert key["DecryptForOtherAccounts"]["Principal"] == {"AWS": [FOREIGN]}
    assert local_grants(monitor) == []


class TwoProviders(mocks.AwsMocks):
    """A provider named 'other' answers getCallerIdentity for account OTHER; its roles' ARNs are
    in that account."""

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        result = super().call(args)
        if args.token.endswith("getCallerIdentity") and "::other::" in (args.provider or ""):
            result = {**result, "accountId": OTHER, "id": OTHER}
        return result

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ == "aws:iam/role:Role" and "::other::" in (args.provider or ""):
            state["arn"] = str(state["arn"]).replace(f"::{self.account_id}:", f"::{OTHER}:")
        return resource_id, state


def test_a_role_resource_of_another_accounts_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monitor = mocks.install(TwoProviders())

    def program() -> object:
        other = aws.Provider("other", region="us-east-1")
        role = aws.iam.Role(
            "reader",
            assume_role_policy="{}",
            opts=pulumi.ResourceOptions(provider=other),
        )
        local = aws.iam.Role("local", assume_role_policy="{}")
        args: Any = {**ROTATING, "readers": [role, local]}
        return RotatingSecret("c", args).secret_arn

    mocks.run(program)
    role_arn = monitor.by_name("reader").state["arn"]
    assert f"::{OTHER}:" in role_arn
    read = by_sid(document(the(monitor, POLICY)))["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [role_arn]}
    assert local_grants(monitor) == ["c-read-local"]


def test_a_replicated_secret_grants_in_every_regions_key(monitor: RecordingMonitor) -> None:
    build(CrossRegionReplicatedSecret, {**REPLICATED, "readers": [OTHER]})
    keys = {
        r.plain_inputs.get("region") or "us-east-1": document(r)
        for r in monitor.by_type("aws:kms/key:Key")
    }
    assert set(keys) == {"us-east-1", "eu-west-1"}
    for region, doc in keys.items():
        condition = by_sid(doc)["DecryptForOtherAccounts"]["Condition"]
        assert condition["StringEquals"] == {
            "kms:ViaService": f"secretsmanager.{region}.amazonaws.com"
        }
        assert condition["StringLike"] == {
            "kms:EncryptionContext:SecretARN": (
                f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:prod/shared-??????"
            )
        }
    primary = secret_arn(monitor)
    read = by_sid(document(the(monitor, POLICY)))["ReadFromOtherAccounts"]
    assert read["Resource"] == [primary, primary.replace(":us-east-1:", ":eu-west-1:")]


def test_a_multi_region_replica_key_names_the_readers(monitor: RecordingMonitor) -> None:
    build(
        CrossRegionReplicatedSecret,
        {**REPLICATED, "readers": [FOREIGN], "multi_region_key": True},
    )
    replica = document(the(monitor, "aws:kms/replicaKey:ReplicaKey"))
    condition = by_sid(replica)["DecryptForOtherAccounts"]["Condition"]
    assert condition["StringEquals"]["kms:ViaService"] == "secretsmanager.eu-west-1.amazonaws.com"


def test_a_member_of_a_shared_function_merges_its_resource_policy(
    monitor: RecordingMonitor,
) -> None:
    own = {
        "Sid": "DenyOutsideVpce",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1234"}},
    }

    build_member(resource_policy_statements=[own])
    secret = the(monitor, "aws:secretsmanager/secret:Secret")
    assert secret.plain_inputs.get("policy") is None
    policy = the(monitor, POLICY)
    assert policy.plain_inputs["blockPublicPolicy"] is True
    assert list(by_sid(document(policy))) == ["RotatedBySharedFunction", "DenyOutsideVpce"]


def test_a_member_without_new_statements_keeps_its_inline_policy(
    monitor: RecordingMonitor,
) -> None:
    build_member()
    assert monitor.by_type(POLICY) == []
    assert (
        "RotatedBySharedFunction"
        in the(monitor, "aws:secretsmanager/secret:Secret").plain_inputs["policy"]
    )


def test_a_foreign_reader_with_a_given_key_is_refused_with_the_statement_to_add(
    monitor: RecordingMonitor,
) -> None:
    with pytest.raises(ValueError, match="kms_key_arn was not created") as caught:
        build(RotatingSecret, {**ROTATING, "kms_key_arn": KEY, "readers": [FOREIGN]})
    message = str(caught.value)
    assert "DecryptForOtherAccounts" in message
    assert FOREIGN in message
    assert "key_policy_allows_foreign_readers" in message
    assert monitor.by_type("aws:secretsmanager/secret:Secret") == []


def test_a_given_key_acknowledged_gets_the_resource_policy_only(monitor: RecordingMonitor) -> None:
    build(
        RotatingSecret,
        {
            **ROTATING,
            "kms_key_arn": KEY,
            "readers": [FOREIGN],
            "key_policy_allows_foreign_readers": True,
        },
    )
    assert monitor.by_type("aws:kms/key:Key") == []
    assert "ReadFromOtherAccounts" in by_sid(document(the(monitor, POLICY)))


def test_a_member_with_a_foreign_reader_is_refused(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match=r"rotation\.function was not created"):
        build_member(readers=[OTHER])


def test_a_given_replica_key_is_refused(monitor: RecordingMonitor) -> None:
    replica_key = KEY.replace("us-east-1", "eu-west-1")
    args = {
        **REPLICATED,
        "replica_regions": [{"region": "eu-west-1", "kms_key_arn": replica_key}],
        "readers": [FOREIGN],
    }
    with pytest.raises(ValueError, match=r"replica_regions\[0\].kms_key_arn was not created"):
        build(CrossRegionReplicatedSecret, args)


def test_the_deploying_accounts_own_id_is_refused(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match="is the deploying account itself"):
        build(RotatingSecret, {**ROTATING, "readers": [ACCOUNT]})


def test_grant_read_of_a_foreign_reader_is_named_as_readers_names_it(
    monitor: RecordingMonitor,
) -> None:
    """Issue 14 item 6: grant_read after construction writes the readers' statement (more in
    tests/security/test_grant_read_principals.py)."""

    def program() -> None:
        RotatingSecret("c", ROTATING).grant_read(FOREIGN)

    mocks.run(program)
    read = by_sid(document(the(monitor, POLICY)))["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [FOREIGN]}


def test_two_roles_of_the_same_name_in_two_accounts_are_two_readers(
    monitor: RecordingMonitor,
) -> None:
    other = FOREIGN.replace(OTHER, THIRD)
    build(RotatingSecret, {**ROTATING, "readers": [FOREIGN, other]})
    read = by_sid(document(the(monitor, POLICY)))["ReadFromOtherAccounts"]
    assert read["Principal"] == {"AWS": [FOREIGN, other]}


BAD_STATEMENTS = [
    pytest.param(
        {"Effect": "Allow", "Principal": {"AWS": FOREIGN}, "Action": "a:B"}, "Sid", id="no-sid"
    ),
    pytest.param(
        {
            "Sid": "A",
            "Effect": "Allow",
            "Principal": {"AWS": FOREIGN},
            "Action": "secretsmanager:*",
        },
        "wildcard",
        id="wildcard-action",
    ),
    pytest.param(
        {
            "Sid": "A",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "secretsmanager:GetSecretValue",
        },
        "without a Condition",
        id="star-principal",
    ),
    pytest.param(
        {
            "Sid": "ReadFromOtherAccounts",
            "Effect": "Allow",
            "Principal": {"AWS": FOREIGN},
            "Action": "a:B",
        },
        "already a statement id",
        id="reserved-sid",
    ),
    pytest.param({"Sid": "A", "Effect": "Allow", "Action": "a:B"}, "Principal", id="no-principal"),
]


@pytest.mark.parametrize(("statement", "rule"), BAD_STATEMENTS)
def test_bad_resource_policy_statements_are_refused_before_any_resource(
    monitor: RecordingMonitor, statement: dict[str, Any], rule: str
) -> None:
    with pytest.raises(ValueError, match=rf"resource_policy_statements\[0\].*{rule}"):
        build(RotatingSecret, {**ROTATING, "resource_policy_statements": [statement]})
    assert all(not r.custom for r in monitor.registrations)


def test_duplicate_sids_and_oversized_policies_are_refused(monitor: RecordingMonitor) -> None:
    one = {"Sid": "A", "Effect": "Allow", "Principal": {"AWS": FOREIGN}, "Action": "a:B"}
    with pytest.raises(ValueError, match="already a statement id"):
        build(RotatingSecret, {**ROTATING, "resource_policy_statements": [one, one]})
    many = [{**one, "Sid": f"S{i}", "Resource": "x" * 500} for i in range(50)]
    with pytest.raises(ValueError, match="at most 20480"):
        build(RotatingSecret, {**ROTATING, "resource_policy_statements": many})


def test_reader_identity_policy_is_the_other_half() -> None:
    arn = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/app-AbCdEf"
    doc = reader_identity_policy(arn, KEY, "us-east-1")
    statements = by_sid(doc)
    assert statements["ReadSecret"]["Resource"] == [arn]
    assert statements["DecryptSecret"]["Resource"] == [KEY]
    assert statements["DecryptSecret"]["Condition"] == {
        "StringEquals": {
            "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
            "kms:EncryptionContext:SecretARN": arn,
        }
    }
    assert violations(doc) == []


ORG = "o-abcdef1234"
OU = f"{ORG}/r-ab12/ou-ab12-11111111/*"


def test_an_organization_reads_through_conditioned_statements(monitor: RecordingMonitor) -> None:
    build(
        CrossRegionReplicatedSecret,
        {**REPLICATED, "reader_organization_id": ORG, "reader_organization_paths": [OU]},
    )
    read = by_sid(document(the(monitor, POLICY)))["ReadFromOrganization"]
    assert read["Principal"] == {"AWS": "*"}
    assert read["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": ORG},
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [OU]},
    }
    for key in monitor.by_type("aws:kms/key:Key"):
        region = key.plain_inputs.get("region") or "us-east-1"
        condition = by_sid(document(key))["DecryptForOrganization"]["Condition"]
        assert condition["StringEquals"] == {
            "kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
            "aws:PrincipalOrgID": ORG,
        }
        assert condition["StringLike"] == {
            "kms:EncryptionContext:SecretARN": (
                f"arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:prod/shared-??????"
            )
        }
        assert violations(document(key), key_policy=True) == []
    assert monitor.by_type("aws:iam/rolePolicy:RolePolicy") == []


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        ({"reader_organization_id": "org-1"}, "must be an organization id"),
        ({"reader_organization_paths": [OU]}, "only applies with reader_organization_id"),
        (
            {"reader_organization_id": ORG, "reader_organization_paths": ["o-other12345/r-ab12/"]},
            "must be a path of organization",
        ),
        ({"reader_organization_id": ORG, "kms_key_arn": KEY}, "kms_key_arn was not created"),
    ],
)
def test_bad_organization_arguments_are_refused(
    monitor: RecordingMonitor, args: dict[str, Any], rule: str
) -> None:
    with pytest.raises(ValueError, match=rule):
        build(RotatingSecret, {**ROTATING, **args})
    assert monitor.by_type("aws:secretsmanager/secret:Secret") == []


def test_a_member_acknowledging_the_functions_key_merges_foreign_readers(
    monitor: RecordingMonitor,
) -> None:
    build_member(readers=[FOREIGN], key_policy_allows_foreign_readers=True)
    statements = by_sid(document(the(monitor, POLICY)))
    assert list(statements) == ["RotatedBySharedFunction", "ReadFromOtherAccounts"]
    assert statements["ReadFromOtherAccounts"]["Principal"] == {"AWS": [FOREIGN]}
    assert violations(document(the(monitor, POLICY))) == []


def test_an_output_that_is_no_role_arn_fails_the_deployment(monitor: RecordingMonitor) -> None:
    reader = pulumi.Output.from_input("not-an-arn:x")
    with pytest.raises(ValueError, match=r"RotatingSecret 'c'.*readers\[0\]"):
        build(RotatingSecret, {**ROTATING, "readers": [reader]})
    assert monitor.by_type(POLICY) == []
