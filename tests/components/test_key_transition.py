"""transition_kms_key_arns: the other key of a key change is granted exactly where the key in use
is (readers, rotation role, replicas), with the same conditions and nothing wider; bad values are
refused before anything is registered, naming the argument, the value and the rule."""

from __future__ import annotations

from typing import Any

import pytest

from secretkit.components import InvalidArgumentError
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.least_privilege import violations
from secretkit.components.iam.reader import secret_read_policy
from secretkit.components.iam.replicas import SecretLocation
from secretkit.components.iam.rotation_role import rotation_role_policy
from secretkit.components.secrets.replicated_secret_args import parse_replicated_secret_args
from secretkit.components.secrets.rotating_secret_args import (
    parse_rotating_secret_args,
    transition_keys_of,
)

SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/app-AbCdEf"
REPLICA = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/app-AbCdEf"
NEW = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
OLD = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
NEW_EU = "arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
OLD_EU = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LOG_GROUP = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/app-rotation"


def by_sid(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in document["Statement"]}


def test_a_reader_decrypts_with_both_keys_of_each_copy_with_the_same_conditions() -> None:
    replica = SecretLocation("eu-west-1", REPLICA, NEW_EU, (OLD_EU,))
    without = by_sid(secret_read_policy(SECRET, NEW, "us-east-1", [replica]))
    document = secret_read_policy(SECRET, NEW, "us-east-1", [replica], (OLD,))
    statements = by_sid(document)
    assert statements["DecryptSecret"]["Resource"] == [NEW, OLD]
    assert statements["DecryptSecret"]["Condition"] == without["DecryptSecret"]["Condition"]
    assert statements["DecryptSecret"]["Action"] == ["kms:Decrypt"]
    assert statements["DecryptReplicaEuWest1"]["Resource"] == [NEW_EU, OLD_EU]
    condition = statements["DecryptReplicaEuWest1"]["Condition"]["StringEquals"]
    assert condition["kms:EncryptionContext:SecretARN"] == REPLICA
    assert condition["kms:ViaService"] == "secretsmanager.eu-west-1.amazonaws.com"
    assert violations(document) == []


def test_the_rotation_role_uses_both_keys_and_nothing_else_changes() -> None:
    scope = AccountScope("aws", "us-east-1", "111122223333")
    replica = SecretLocation("eu-west-1", REPLICA, NEW_EU, (OLD_EU,))
    before = rotation_role_policy(SECRET, NEW, LOG_GROUP, scope, replicas=[replica])
    during = rotation_role_policy(
        SECRET, NEW, LOG_GROUP, scope, replicas=[replica], transition_key_arns=(OLD,)
    )
    assert list(by_sid(during)) == list(by_sid(before))  # same statements, no new Sid
    assert by_sid(during)["UseKeyForThisSecret"]["Resource"] == [NEW, OLD]
    assert by_sid(before)["UseKeyForThisSecret"]["Resource"] == [NEW]
    assert by_sid(during)["EncryptReplicaEuWest1"]["Resource"] == [NEW_EU, OLD_EU]
    assert violations(during) == []


def rotating(**extra: Any) -> dict[str, Any]:
    return {
        "secret_name": "prod/app",
        "kms_key_arn": NEW,
        "rotation": {"strategy": "password", "automatically_after_days": 30},
        **extra,
    }


def test_transition_keys_are_parsed_and_split_per_copy() -> None:
    settings = parse_replicated_secret_args(
        {**rotating(transition_kms_key_arns=[OLD, OLD_EU]), "replica_regions": ["eu-west-1"]},
        primary_region="us-east-1",
    ).secret
    assert transition_keys_of(settings) == (OLD,)
    assert transition_keys_of(settings, "eu-west-1") == (OLD_EU,)
    single = parse_rotating_secret_args(rotating(transition_kms_key_arns=[OLD]), region="us-east-1")
    assert transition_keys_of(single) == (OLD,)
    assert parse_rotating_secret_args(rotating()).transition_kms_key_arns == ()


@pytest.mark.parametrize(
    ("value", "argument", "rule"),
    [
        ("not-a-list", "transition_kms_key_arns", "must be a list of strings"),
        ([OLD, OLD], "transition_kms_key_arns", "more than once"),
        (["alias/old"], "transition_kms_key_arns[0]", "not an alias"),
        ([NEW], "transition_kms_key_arns[0]", "is the key in use"),
        ([OLD_EU], "transition_kms_key_arns[0]", "is in eu-west-1, but the secret's copies are"),
    ],
)
def test_bad_transition_keys_are_refused(value: Any, argument: str, rule: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        parse_rotating_secret_args(rotating(transition_kms_key_arns=value), region="us-east-1")
    assert caught.value.argument == argument
    assert rule in str(caught.value)


def test_an_output_is_refused_with_the_reason() -> None:
    import pulumi  # noqa: PLC0415

    with pytest.raises(InvalidArgumentError, match="as strings"):
        parse_rotating_secret_args(
            rotating(transition_kms_key_arns=[pulumi.Output.from_input(OLD)])
        )


def test_a_key_in_a_region_that_holds_no_copy_is_refused_for_a_replicated_secret() -> None:
    stray = OLD.replace("us-east-1", "ap-south-1")
    with pytest.raises(InvalidArgumentError) as caught:
        parse_replicated_secret_args(
            {**rotating(transition_kms_key_arns=[stray]), "replica_regions": ["eu-west-1"]},
            primary_region="us-east-1",
        )
    assert caught.value.argument == "transition_kms_key_arns[0]"
    assert "us-east-1, eu-west-1" in str(caught.value)
