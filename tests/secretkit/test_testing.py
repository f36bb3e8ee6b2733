"""secretkit.testing: SecretkitMocks answers the components' invokes and delegates the rest to
the test's own Mocks; the helpers return the policies a component produced and the grants a role
received as plain values, the same documents the project's own mocks see registered."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit import testing
from secretkit.components import ProxiedParameterPolicy, RotatingSecret, RotationArgs
from secretkit.embedded import mocks
from secretkit.testing import SecretkitMocks

ROTATION: RotationArgs = {"strategy": "password", "automatically_after_days": 30}
OTHER_ACCOUNT = "210987654321"
GIVEN_KEY = (
    f"arn:aws:kms:{mocks.REGION}:{mocks.ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)


class Recording(pulumi.runtime.Mocks):
    """A test's own Mocks: answers one invoke of its own, tags every state, records the calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.resources: list[str] = []

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        self.calls.append(args.token)
        return {"names": ["us-east-1a", "us-east-1b"], "zoneIds": ["use1-az1", "use1-az2"]}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args.typ)
        state = {**args.inputs, "tags": {"from": "own-mocks"}}
        if args.typ == "aws:iam/role:Role":
            state["arn"] = "arn:aws:iam::123456789012:role/chosen-by-the-test"
        return f"{args.name}-own-id", state


@pytest.fixture(autouse=True)
def no_region_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)


def reader_role() -> aws.iam.Role:
    return aws.iam.Role("app", assume_role_policy=json.dumps({"Version": "2012-10-17"}))


# --- the mocks ----------------------------------------------------------------------------------


def test_other_invokes_and_every_resource_go_to_the_delegate() -> None:
    own = Recording()
    mocks.install(SecretkitMocks(own))

    def program() -> pulumi.Output[Any]:
        role = reader_role()
        secret = RotatingSecret("db", {"secret_name": "app/db", "rotation": ROTATION})
        zones = aws.get_availability_zones_output().names
        return pulumi.Output.all(zones, role.arn, role.name, role.id, secret.secret_arn)

    zones, role_arn, role_name, role_id, secret_arn = mocks.run(program)
    assert zones == ["us-east-1a", "us-east-1b"]
    assert own.calls == ["aws:index/getAvailabilityZones:getAvailabilityZones"]
    assert "aws:iam/role:Role" in own.resources
    assert "secretkit:index:RotatingSecret" in own.resources
    # The delegate's id and state win; what it left out is what AWS would compute.
    assert (role_arn, role_id) == (
        "arn:aws:iam::123456789012:role/chosen-by-the-test",
        "app-own-id",
    )
    assert role_name.startswith("app-")
    assert secret_arn.startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-")


def test_the_account_region_and_partition_are_the_tests_to_choose() -> None:
    mocks.install(
        SecretkitMocks(account_id="111122223333", region="cn-north-1", partition="aws-cn")
    )
    arn = mocks.run(
        lambda: RotatingSecret("db", {"secret_name": "app/db", "rotation": ROTATION}).secret_arn
    )
    assert arn.startswith("arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:app/db-")


def program_with_a_reader() -> pulumi.Output[Any]:
    role = reader_role()
    secret = RotatingSecret("db", {"secret_name": "app/db", "rotation": ROTATION})
    secret.grant_read(role)
    return testing.identity_policies(secret)


def registered_policies(monitor: mocks.RecordingMonitor) -> list[dict[str, Any]]:
    return sorted(
        (
            json.loads(r.plain_inputs["policy"])
            for r in monitor.by_type(testing.policies.ROLE_POLICY)
        ),
        key=json.dumps,
    )


def test_same_answers_as_the_projects_own_mocks() -> None:
    """One implementation: the documents SecretkitMocks over echo mocks lead to are those the
    project's AwsMocks do."""
    monitor = mocks.install(mocks.AwsMocks())
    mocks.run(program_with_a_reader)
    expected = registered_policies(monitor)
    monitor = mocks.install(SecretkitMocks())
    by_role = mocks.run(program_with_a_reader)
    assert registered_policies(monitor) == expected
    assert sorted((d for ds in by_role.values() for d in ds), key=json.dumps) == expected


# --- the helpers --------------------------------------------------------------------------------


def test_grants_of_a_reader_are_the_read_statements_alone() -> None:
    mocks.install(SecretkitMocks())

    def program() -> pulumi.Output[Any]:
        role = reader_role()
        other = aws.iam.Role("other", assume_role_policy="{}")
        secret = RotatingSecret("db", {"secret_name": "app/db", "rotation": ROTATION})
        secret.grant_read(role)
        return pulumi.Output.all(
            testing.grants_of(role, secret),
            testing.grants_of(role.name, secret),
            testing.grants_of(other, secret),
            secret.secret_arn,
            secret.kms_key_arn,
        )

    by_role, by_name, other, secret_arn, key_arn = mocks.run(program)
    assert by_role == by_name
    assert other == []
    assert by_role == [
        {
            "Sid": "ReadSecret",
            "Effect": "Allow",
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Resource": [secret_arn],
        },
        {
            "Sid": "DecryptSecret",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": [key_arn],
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com",
                    "kms:EncryptionContext:SecretARN": secret_arn,
                }
            },
        },
    ]


def test_grants_of_a_role_given_by_arn() -> None:
    mocks.install(SecretkitMocks())

    def program() -> pulumi.Output[Any]:
        secret = RotatingSecret(
            "db", {"secret_name": "app/db", "rotation": ROTATION, "readers": ["app"]}
        )
        arn = f"arn:aws:iam::{mocks.ACCOUNT_ID}:role/team/app"
        return testing.grants_of(arn, secret)

    assert [s["Sid"] for s in mocks.run(program)] == ["ReadSecret", "DecryptSecret"]


def test_grants_of_needs_the_components() -> None:
    with pytest.raises(TypeError, match="needs the components"):
        testing.grants_of("app")


def test_identity_policies_hold_the_rotation_role_and_each_reader() -> None:
    mocks.install(SecretkitMocks())

    def program() -> pulumi.Output[Any]:
        secret = RotatingSecret(
            "db", {"secret_name": "app/db", "rotation": ROTATION, "readers": ["app", "ops"]}
        )
        return pulumi.Output.all(testing.identity_policies(secret), secret.rotation_role_name)

    by_role, rotation_role = mocks.run(program)
    assert sorted(by_role) == sorted(["app", "ops", rotation_role])
    assert [s["Sid"] for s in by_role[rotation_role][0]["Statement"]] == [
        "RotateThisSecret",
        "UseKeyForThisSecret",
        "WriteOwnLogs",
    ]


def test_managed_policies_a_component_attaches_count_as_identity_policies() -> None:
    mocks.install(SecretkitMocks())

    def program() -> pulumi.Output[Any]:
        secret = RotatingSecret("db", {"secret_name": "app/db", "rotation": ROTATION})
        proxy = ProxiedParameterPolicy("proxy", {"secret": secret, "roles": ["app"]})
        return pulumi.Output.all(
            testing.identity_policies(proxy), testing.grants_of("app", proxy), proxy.policy_json
        )

    by_role, grants, policy_json = mocks.run(program)
    assert by_role == {"app": [json.loads(policy_json)]}
    assert grants == testing.statements(json.loads(policy_json))


def test_resource_policy_is_none_without_foreign_readers() -> None:
    mocks.install(SecretkitMocks())
    built = mocks.run(
        lambda: testing.resource_policy(
            RotatingSecret("db", {"secret_name": "app/db", "rotation": ROTATION})
        )
    )
    assert built is None


def test_resource_policy_and_key_policy_name_a_foreign_reader() -> None:
    mocks.install(SecretkitMocks())

    def program() -> pulumi.Output[Any]:
        secret = RotatingSecret(
            "db", {"secret_name": "app/db", "rotation": ROTATION, "readers": [OTHER_ACCOUNT]}
        )
        return pulumi.Output.all(
            testing.resource_policy(secret),
            testing.key_policy(secret),
            testing.key_policies(secret),
        )

    resource, key, keys = mocks.run(program)
    root = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
    assert any(s.get("Principal") == {"AWS": [root]} for s in resource["Statement"]), resource
    assert any(
        s.get("Principal") == {"AWS": [root]} and s["Action"] == ["kms:Decrypt"]
        for s in key["Statement"]
    ), key
    assert keys == {"db-key": key}


def test_key_policy_refuses_a_component_that_created_no_key() -> None:
    mocks.install(SecretkitMocks())
    with pytest.raises(ValueError, match=r"RotatingSecret 'db' created 0 KMS keys \[\], not one"):
        mocks.run(
            lambda: testing.key_policy(
                RotatingSecret(
                    "db",
                    {"secret_name": "app/db", "rotation": ROTATION, "kms_key_arn": GIVEN_KEY},
                )
            )
        )


def test_statements_makes_single_actions_and_resources_lists() -> None:
    document = {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:x"}}
    assert testing.statements(document) == [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "NotResource": ["arn:x"]}
    ]


def test_an_explicit_provider_is_in_its_own_region() -> None:
    mocks.install(SecretkitMocks())

    def program() -> pulumi.Output[Any]:
        europe = aws.Provider("europe", region="eu-west-1")
        here = RotatingSecret("here", {"secret_name": "app/here", "rotation": ROTATION})
        there = RotatingSecret(
            "there",
            {"secret_name": "app/there", "rotation": ROTATION},
            pulumi.ResourceOptions(provider=europe),
        )
        here.grant_read("app")
        there.grant_read("app")
        return pulumi.Output.all(
            here.secret_arn,
            there.secret_arn,
            testing.grants_of("app", here),
            testing.grants_of("app", there),
        )

    here_arn, there_arn, here_grants, there_grants = mocks.run(program)
    assert here_arn.startswith("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/here-")
    assert there_arn.startswith("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/there-")
    via = [g[1]["Condition"]["StringEquals"]["kms:ViaService"] for g in (here_grants, there_grants)]
    assert via == [
        "secretsmanager.us-east-1.amazonaws.com",
        "secretsmanager.eu-west-1.amazonaws.com",
    ]
