"""CrossRegionReplicatedSecret under Pulumi mocks: replicas, their keys, per-region grants,
refusals before registration, and a key change that updates the secret in place."""

from __future__ import annotations

import asyncio
import gc
import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import CrossRegionReplicatedSecret, InvalidArgumentError
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, Registration, is_secret
from tests.components.helpers import build_component, policy_of, statements_by_sid

ACCOUNT = mocks.ACCOUNT_ID
PRIMARY = mocks.REGION
TOKEN = "secretkit:index:CrossRegionReplicatedSecret"
SECRET = "aws:secretsmanager/secret:Secret"
VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
REPLICAS = ("eu-west-1", "ap-southeast-2")
SUFFIXES = {"eu-west-1": "EuWest1", "ap-southeast-2": "ApSoutheast2"}
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ID = "0987dcba-09ba-43dc-65fe-0987654321ba"
ROTATION_TYPES = {
    "aws:iam/role:Role",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:lambda/function:Function",
    "aws:lambda/permission:Permission",
    "aws:secretsmanager/secretRotation:SecretRotation",
}


def key_arn_in(region: str, key_id: str = KEY_ID) -> str:
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"


def base_args(**extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "secret_name": "prod/app/db",
        "replica_regions": ["eu-west-1", {"region": "ap-southeast-2"}],
    }
    args.update(extra)
    return args


def build(args: dict[str, Any], name: str = "rep") -> CrossRegionReplicatedSecret:
    return build_component(CrossRegionReplicatedSecret, name, args, "secret_arn")


def the_secret(monitor: RecordingMonitor) -> Registration:
    found = monitor.by_type(SECRET)
    assert len(found) == 1
    return found[0]


def primary_arn(monitor: RecordingMonitor) -> str:
    return str(the_secret(monitor).state["arn"])


def replica_arn(monitor: RecordingMonitor, region: str) -> str:
    parts = primary_arn(monitor).split(":")
    parts[3] = region
    return ":".join(parts)


def primary_key_arn(monitor: RecordingMonitor) -> str:
    return str(monitor.by_name("rep-key").state["arn"])


def replica_key_arn(monitor: RecordingMonitor, region: str) -> str:
    return str(monitor.by_name(f"rep-key-{region}").state["arn"])


# --- what gets registered -----------------------------------------------------------------------


def test_registers_exactly_the_expected_resources(monitor: RecordingMonitor) -> None:
    build(base_args())
    kinds = sorted((r.type, r.name) for r in monitor.registrations)
    assert kinds == sorted(
        [
            (TOKEN, "rep"),
            (KEY, "rep-key"),
            (KEY, "rep-key-eu-west-1"),
            (KEY, "rep-key-ap-southeast-2"),
            (SECRET, "rep-secret"),
            (VERSION, "rep-initial"),
        ]
    )
    assert not {r.type for r in monitor.registrations} & ROTATION_TYPES


def test_every_child_is_parented_to_the_component(monitor: RecordingMonitor) -> None:
    build(
        base_args(
            readers=["reader"],
            rotation={"strategy": "password", "schedule_expression": "rate(30 days)"},
        )
    )
    component = monitor.by_name("rep")
    assert component.type == TOKEN
    children = [r for r in monitor.registrations if r is not component]
    assert len(children) > 6
    assert all(r.parent == component.urn for r in children)


def test_one_key_per_replica_region_with_the_root_delegation_policy(
    monitor: RecordingMonitor,
) -> None:
    build(base_args())
    primary = monitor.by_name("rep-key")
    assert "region" not in primary.plain_inputs  # the provider's region
    assert "multiRegion" not in primary.plain_inputs
    for region in REPLICAS:
        key = monitor.by_name(f"rep-key-{region}")
        inputs = key.plain_inputs
        assert inputs["region"] == region
        assert inputs["enableKeyRotation"] is True
        assert inputs["deletionWindowInDays"] == 30
        assert region in inputs["description"]
        assert key.state["arn"].startswith(f"arn:aws:kms:{region}:{ACCOUNT}:key/")
    for key in monitor.by_type(KEY):
        document = policy_of(key)
        assert [s["Sid"] for s in document["Statement"]] == ["DelegateToAccountIam"]
        root = document["Statement"][0]
        assert root["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
        assert root["Resource"] == "*"
        assert "kms:*" not in root["Action"]
        assert not any("*" in action for action in root["Action"])
        assert violations(document, key_policy=True) == []


def test_secret_replicates_to_each_region_with_that_regions_key(
    monitor: RecordingMonitor,
) -> None:
    build(base_args())
    secret = the_secret(monitor).plain_inputs
    assert secret["name"] == "prod/app/db"
    assert secret["kmsKeyId"] == primary_key_arn(monitor)
    assert secret["replicas"] == [
        {"region": region, "kmsKeyId": replica_key_arn(monitor, region)} for region in REPLICAS
    ]
    assert secret["forceOverwriteReplicaSecret"] is False
    assert "policy" not in secret  # no resource policy is managed on the replicas


def test_force_overwrite_replica_secret_passes_through(monitor: RecordingMonitor) -> None:
    build(base_args(force_overwrite_replica_secret=True))
    assert the_secret(monitor).plain_inputs["forceOverwriteReplicaSecret"] is True


def test_initial_value_is_a_write_only_secret(monitor: RecordingMonitor) -> None:
    build(base_args(secret_string=pulumi.Output.secret("replicated-VALUE")))
    version = monitor.by_name("rep-initial")
    assert version.type == VERSION
    assert is_secret(version.inputs["secretStringWo"])
    assert version.plain_inputs["secretStringWo"] == "replicated-VALUE"
    assert version.plain_inputs["secretStringWoVersion"] == 1
    assert version.plain_inputs["secretId"] == primary_arn(monitor)
    assert "secretString" not in version.inputs
    assert "replicated-VALUE" not in json.dumps(the_secret(monitor).plain_inputs)


def test_generated_initial_value_is_also_secret(monitor: RecordingMonitor) -> None:
    build(base_args())
    version = monitor.by_name("rep-initial")
    assert is_secret(version.inputs["secretStringWo"])
    assert "password" in json.loads(version.plain_inputs["secretStringWo"])


def test_a_replica_with_its_own_key_gets_no_created_key(monitor: RecordingMonitor) -> None:
    given = key_arn_in("ap-southeast-2")
    build(
        base_args(
            replica_regions=["eu-west-1", {"region": "ap-southeast-2", "kms_key_arn": given}],
            readers=["reader"],
        )
    )
    assert sorted(r.name for r in monitor.by_type(KEY)) == ["rep-key", "rep-key-eu-west-1"]
    assert the_secret(monitor).plain_inputs["replicas"] == [
        {"region": "eu-west-1", "kmsKeyId": replica_key_arn(monitor, "eu-west-1")},
        {"region": "ap-southeast-2", "kmsKeyId": given},
    ]
    by_sid = statements_by_sid(policy_of(monitor.by_name("rep-read-reader")))
    assert by_sid["DecryptReplicaApSoutheast2"]["Resource"] == [given]


def test_given_primary_key_is_used_and_not_created(monitor: RecordingMonitor) -> None:
    secret = build(base_args(kms_key_arn=key_arn_in(PRIMARY)))
    assert sorted(r.name for r in monitor.by_type(KEY)) == [
        "rep-key-ap-southeast-2",
        "rep-key-eu-west-1",
    ]
    assert the_secret(monitor).plain_inputs["kmsKeyId"] == key_arn_in(PRIMARY)
    assert mocks.run(lambda: secret.kms_key_arn) == key_arn_in(PRIMARY)


def test_multi_region_key_replicates_the_primary_key(monitor: RecordingMonitor) -> None:
    build(base_args(multi_region_key=True))
    keys = monitor.by_type(KEY)
    assert [k.name for k in keys] == ["rep-key"]
    primary = keys[0]
    assert primary.plain_inputs["multiRegion"] is True
    assert "region" not in primary.plain_inputs
    replicas = monitor.by_type(REPLICA_KEY)
    assert sorted(r.name for r in replicas) == sorted(f"rep-key-{r}" for r in REPLICAS)
    for region in REPLICAS:
        replica = monitor.by_name(f"rep-key-{region}")
        assert replica.type == REPLICA_KEY
        assert replica.plain_inputs["primaryKeyArn"] == primary.state["arn"]
        assert replica.plain_inputs["region"] == region
        document = policy_of(replica)
        assert [s["Sid"] for s in document["Statement"]] == ["DelegateToAccountIam"]
        assert violations(document, key_policy=True) == []
    assert the_secret(monitor).plain_inputs["replicas"] == [
        {"region": region, "kmsKeyId": replica_key_arn(monitor, region)} for region in REPLICAS
    ]


# --- readers ------------------------------------------------------------------------------------


def assert_reads_every_region(monitor: RecordingMonitor, reg: Registration) -> None:
    document = policy_of(reg)
    by_sid = statements_by_sid(document)
    assert list(by_sid) == [
        "ReadSecret",
        "DecryptSecret",
        *(f"DecryptReplica{SUFFIXES[r]}" for r in REPLICAS),
    ]
    read = by_sid["ReadSecret"]
    assert read["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    primary = primary_arn(monitor)
    assert read["Resource"] == [primary, *(replica_arn(monitor, r) for r in REPLICAS)]
    # Replica ARNs keep the primary's name and random suffix; only the region differs.
    for region, arn in zip(REPLICAS, read["Resource"][1:], strict=True):
        assert arn == primary.replace(f":{PRIMARY}:", f":{region}:")
    decrypt = by_sid["DecryptSecret"]
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Resource"] == [primary_key_arn(monitor)]
    assert decrypt["Condition"] == {
        "StringEquals": {
            "kms:ViaService": f"secretsmanager.{PRIMARY}.amazonaws.com",
            "kms:EncryptionContext:SecretARN": primary,
        }
    }
    for region in REPLICAS:
        replica = by_sid[f"DecryptReplica{SUFFIXES[region]}"]
        assert replica["Action"] == ["kms:Decrypt"]
        assert replica["Resource"] == [replica_key_arn(monitor, region)]
        assert replica["Condition"] == {
            "StringEquals": {
                "kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
                "kms:EncryptionContext:SecretARN": replica_arn(monitor, region),
            }
        }
    assert violations(document) == []


def test_readers_can_read_and_decrypt_in_every_region(monitor: RecordingMonitor) -> None:
    build(base_args(readers=["reader-a", f"arn:aws:iam::{ACCOUNT}:role/team/reader-b"]))
    reads = [r for r in monitor.by_type(ROLE_POLICY) if "-read-" in r.name]
    assert sorted((r.name, r.plain_inputs["role"]) for r in reads) == [
        ("rep-read-reader-a", "reader-a"),
        ("rep-read-reader-b", "reader-b"),
    ]
    for reg in reads:
        assert_reads_every_region(monitor, reg)


def test_grant_read_gives_a_role_resource_the_same_access(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[str]:
        role = aws.iam.Role("consumer", assume_role_policy="{}")
        secret: CrossRegionReplicatedSecret = CrossRegionReplicatedSecret("rep", base_args())  # type: ignore[call-overload]
        secret.grant_read(role)
        return secret.secret_arn

    mocks.run(program)
    grant = monitor.by_name("rep-read-consumer")
    assert grant.plain_inputs["role"] == monitor.by_name("consumer").state["name"]
    assert grant.parent == monitor.by_name("rep").urn
    assert_reads_every_region(monitor, grant)


def test_granting_a_reader_again_returns_its_grant(monitor: RecordingMonitor) -> None:
    """Issue 15: the same role again (readers, then its ARN) is a no-op returning the grant."""
    grants = []

    def program() -> None:
        secret = CrossRegionReplicatedSecret("rep", base_args(readers=["reader"]))  # type: ignore[call-overload]
        grants.append(secret.grant_read(f"arn:aws:iam::{ACCOUNT}:role/reader"))

    mocks.run(program)
    assert grants[0].pulumi_resource_name == "rep-read-reader"
    reads = [r for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy") if "-read-" in r.name]
    assert [r.name for r in reads] == ["rep-read-reader"]


# --- rotation -----------------------------------------------------------------------------------


def test_rotation_role_may_encrypt_into_each_replica(monitor: RecordingMonitor) -> None:
    build(base_args(rotation={"strategy": "password", "automatically_after_days": 30}))
    assert {r.type for r in monitor.registrations} >= ROTATION_TYPES
    rotation_policies = [r for r in monitor.by_type(ROLE_POLICY) if r.name == "rep-rotation"]
    assert len(rotation_policies) == 1
    document = policy_of(rotation_policies[0])
    by_sid = statements_by_sid(document)
    assert list(by_sid) == [
        "RotateThisSecret",
        "UseKeyForThisSecret",
        *(f"EncryptReplica{SUFFIXES[r]}" for r in REPLICAS),
        "WriteOwnLogs",
    ]
    assert by_sid["RotateThisSecret"]["Resource"] == [primary_arn(monitor)]
    assert by_sid["UseKeyForThisSecret"]["Resource"] == [primary_key_arn(monitor)]
    assert by_sid["UseKeyForThisSecret"]["Condition"]["StringEquals"] == {
        "kms:ViaService": f"secretsmanager.{PRIMARY}.amazonaws.com",
        "kms:EncryptionContext:SecretARN": primary_arn(monitor),
    }
    for region in REPLICAS:
        encrypt = by_sid[f"EncryptReplica{SUFFIXES[region]}"]
        assert encrypt["Action"] == ["kms:Encrypt", "kms:GenerateDataKey"]
        assert encrypt["Resource"] == [replica_key_arn(monitor, region)]
        assert encrypt["Condition"] == {
            "StringEquals": {
                "kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
                "kms:EncryptionContext:SecretARN": replica_arn(monitor, region),
            }
        }
    assert violations(document) == []
    secret = the_secret(monitor).plain_inputs
    assert secret["tags"] == {"secretkit:strategy": "password"}
    rotation = monitor.by_type("aws:secretsmanager/secretRotation:SecretRotation")[0]
    assert rotation.plain_inputs["secretId"] == primary_arn(monitor)


# --- outputs ------------------------------------------------------------------------------------


def test_outputs_without_rotation(monitor: RecordingMonitor) -> None:
    secret = build(base_args())
    values = mocks.run(
        lambda: pulumi.Output.all(
            secret.secret_arn,
            secret.secret_name,
            secret.kms_key_arn,
            secret.replica_secret_arns,
            secret.replica_kms_key_arns,
            secret.rotation_function_arn,
            secret.rotation_role_name,
        )
    )
    assert values == [
        primary_arn(monitor),
        "prod/app/db",
        primary_key_arn(monitor),
        {region: replica_arn(monitor, region) for region in REPLICAS},
        {region: replica_key_arn(monitor, region) for region in REPLICAS},
        None,
        None,
    ]


def test_rotation_function_arn_with_rotation(monitor: RecordingMonitor) -> None:
    secret = build(base_args(rotation={"strategy": "password", "automatically_after_days": 30}))
    arn = mocks.run(lambda: secret.rotation_function_arn)
    assert arn == monitor.by_type("aws:lambda/function:Function")[0].state["arn"]


def test_replica_key_output_uses_the_given_key(monitor: RecordingMonitor) -> None:
    given = key_arn_in("ap-southeast-2")
    secret = build(
        base_args(replica_regions=["eu-west-1", {"region": "ap-southeast-2", "kms_key_arn": given}])
    )
    assert mocks.run(lambda: secret.replica_kms_key_arns) == {
        "eu-west-1": replica_key_arn(monitor, "eu-west-1"),
        "ap-southeast-2": given,
    }


def forget_failed_program() -> None:
    """Settle what a failed program left behind while this test's output is still captured:
    its outputs hold the same error many times over, and asyncio would log each one as
    "Future exception was never retrieved" at interpreter exit, after pytest's summary."""
    loop = asyncio.get_event_loop()
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    settled = [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, asyncio.Future) and obj.get_loop() is loop and obj.done()
    ]
    for future in settled:
        if not future.cancelled():
            future.exception()  # marks the error as retrieved


# --- bad input: refused before anything is registered -------------------------------------------

BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("unknown region", base_args(replica_regions=["us-east-7"]), "replica_regions[0]"),
    ("typo region", base_args(replica_regions=["eu-west1"]), "replica_regions[0]"),
    (
        "unknown region in a dict",
        base_args(replica_regions=["eu-west-1", {"region": "eu-west1"}]),
        "replica_regions[1].region",
    ),
    ("duplicate", base_args(replica_regions=["eu-west-1", "eu-west-1"]), "replica_regions[1]"),
    (
        "duplicate as str and dict",
        base_args(replica_regions=["eu-west-1", {"region": "eu-west-1"}]),
        "replica_regions[1]",
    ),
    (
        "key in another region",
        base_args(
            replica_regions=[{"region": "eu-west-1", "kms_key_arn": key_arn_in("us-west-2")}]
        ),
        "replica_regions[0].kms_key_arn",
    ),
    (
        "alias as replica key",
        base_args(
            replica_regions=[
                {"region": "eu-west-1", "kms_key_arn": f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/x"}
            ]
        ),
        "replica_regions[0].kms_key_arn",
    ),
    (
        "mixed partitions",
        base_args(replica_regions=["us-gov-west-1", "eu-west-1"]),
        "replica_regions",
    ),
    (
        "multi-Region key with kms_key_arn",
        base_args(multi_region_key=True, kms_key_arn=key_arn_in(PRIMARY)),
        "multi_region_key",
    ),
    (
        "multi-Region key with a replica key",
        base_args(
            multi_region_key=True,
            replica_regions=[{"region": "eu-west-1", "kms_key_arn": key_arn_in("eu-west-1")}],
        ),
        "multi_region_key",
    ),
    ("empty", base_args(replica_regions=[]), "replica_regions"),
    ("a string", base_args(replica_regions="eu-west-1"), "replica_regions"),
    ("missing", {"secret_name": "prod/app/db"}, "replica_regions"),
    (
        "unknown key in a replica",
        base_args(replica_regions=[{"region": "eu-west-1", "kms_key": "x"}]),
        "replica_regions[0].kms_key",
    ),
    ("replica without region", base_args(replica_regions=[{}]), "replica_regions[0].region"),
    (
        "non-bool force",
        base_args(force_overwrite_replica_secret="yes"),
        "force_overwrite_replica_secret",
    ),
    ("non-bool multi-Region", base_args(multi_region_key=1), "multi_region_key"),
    ("unknown argument", base_args(replica_region=["eu-west-1"]), "replica_region"),
    ("bad secret name", base_args(secret_name="bad name!"), "secret_name"),
]


@pytest.mark.parametrize(
    ("args", "argument"), [(a, arg) for _, a, arg in BAD_INPUTS], ids=[i for i, _, _ in BAD_INPUTS]
)
def test_bad_input_is_refused_before_registration(
    monitor: RecordingMonitor, args: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: CrossRegionReplicatedSecret("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert str(caught.value).startswith("CrossRegionReplicatedSecret 'bad': argument")
    assert monitor.registrations == []


@pytest.mark.parametrize(
    ("region", "suggestion"), [("eu-west1", "eu-west-1"), ("us-east-7", "us-east-2")]
)
def test_unknown_region_suggests_a_known_one(
    monitor: RecordingMonitor, region: str, suggestion: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: CrossRegionReplicatedSecret("bad", base_args(replica_regions=[region])))  # type: ignore[call-overload]
    message = str(caught.value)
    assert f"'{region}'" in message
    assert "not an AWS region" in message
    assert f"did you mean '{suggestion}'?" in message
    assert monitor.registrations == []


def test_unknown_replica_key_suggests_kms_key_arn(monitor: RecordingMonitor) -> None:
    args = base_args(replica_regions=[{"region": "eu-west-1", "kms_key": key_arn_in("eu-west-1")}])
    with pytest.raises(InvalidArgumentError, match="did you mean 'kms_key_arn'"):
        mocks.run(lambda: CrossRegionReplicatedSecret("bad", args))  # type: ignore[call-overload]
    assert monitor.registrations == []


@pytest.mark.parametrize(
    ("replicas", "argument"),
    [
        (["us-east-1"], "replica_regions[0]"),
        (["eu-west-1", {"region": "us-east-1"}], "replica_regions[1]"),
        (["us-gov-west-1"], "replica_regions[0]"),
    ],
)
def test_primary_region_known_early_is_refused_at_once(
    monitor: RecordingMonitor,
    monkeypatch: pytest.MonkeyPatch,
    replicas: list[Any],
    argument: str,
) -> None:
    monkeypatch.setenv("AWS_REGION", PRIMARY)
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: CrossRegionReplicatedSecret("bad", base_args(replica_regions=replicas)))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert monitor.registrations == []


def test_primary_region_known_only_from_the_provider_stops_the_secret(
    monitor: RecordingMonitor,
) -> None:
    """AWS_REGION unset: the mocks' provider answers us-east-1 only while the program runs."""
    args = base_args(replica_regions=["eu-west-1", PRIMARY])
    # Pulumi reports it from whichever waiting child it reaches first, wrapped or not.
    with pytest.raises(ValueError, match=r"argument 'replica_regions\[1\]' = 'us-east-1'") as e:
        mocks.run(lambda: CrossRegionReplicatedSecret("late", args))  # type: ignore[call-overload]
    assert "is the primary secret's region" in str(e.value)
    assert "CrossRegionReplicatedSecret 'late'" in str(e.value)
    created = {r.type for r in monitor.registrations}
    assert SECRET not in created
    assert VERSION not in created
    assert KEY not in created
    forget_failed_program()


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("alias/replica", "not an alias"),
        (key_arn_in("us-west-2"), "is a key in us-west-2, not in eu-west-1"),
    ],
)
def test_a_bad_replica_key_from_an_output_stops_the_secret(
    monitor: RecordingMonitor, key: str, rule: str
) -> None:
    replicas = [{"region": "eu-west-1", "kms_key_arn": pulumi.Output.from_input(key)}]
    args = base_args(replica_regions=replicas)
    with pytest.raises(ValueError, match=r"argument 'replica_regions\[0\]\.kms_key_arn'") as e:
        mocks.run(lambda: CrossRegionReplicatedSecret("late", args))  # type: ignore[call-overload]
    assert rule in str(e.value)
    assert SECRET not in {r.type for r in monitor.registrations}
    forget_failed_program()


# --- a key change updates the secret in place ---------------------------------------------------


class OptionRecordingMonitor(RecordingMonitor):
    """RecordingMonitor does not keep resource options; this one also keeps those that would
    turn an update into a replacement."""

    def __init__(self, mocks_: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks_)
        self.options: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.options[request.name] = {
            "replaceOnChanges": list(request.replaceOnChanges),
            "deleteBeforeReplace": bool(request.deleteBeforeReplace),
            "ignoreChanges": list(request.ignoreChanges),
            "replaceWith": list(request.replace_with),
            "hasReplacementTrigger": request.HasField("replacement_trigger"),
        }
        return response


def build_with_key(monkeypatch: pytest.MonkeyPatch, key: str) -> OptionRecordingMonitor:
    """One program run against fresh mocks (as two `pulumi up` runs would be)."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(mocks, "RecordingMonitor", OptionRecordingMonitor)
    monitor = mocks.install()
    assert isinstance(monitor, OptionRecordingMonitor)
    build(base_args(kms_key_arn=key))
    return monitor


def test_changing_the_key_updates_the_secret_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    first_key, second_key = key_arn_in(PRIMARY), key_arn_in(PRIMARY, OTHER_KEY_ID)
    before = build_with_key(monkeypatch, first_key)
    after = build_with_key(monkeypatch, second_key)
    old, new = the_secret(before), the_secret(after)
    assert old.urn == new.urn
    assert old.plain_inputs["name"] == new.plain_inputs["name"] == "prod/app/db"
    assert (old.plain_inputs["kmsKeyId"], new.plain_inputs["kmsKeyId"]) == (first_key, second_key)
    unchanged = {k: v for k, v in old.plain_inputs.items() if k != "kmsKeyId"}
    assert unchanged == {k: v for k, v in new.plain_inputs.items() if k != "kmsKeyId"}
    assert old.state["arn"] == new.state["arn"]
    # Nothing asks the engine to replace the secret (or anything else) when an input changes.
    for monitor_ in (before, after):
        for name, options in monitor_.options.items():
            assert options == {
                "replaceOnChanges": [],
                "deleteBeforeReplace": False,
                "ignoreChanges": [],
                "replaceWith": [],
                "hasReplacementTrigger": False,
            }, name
    # The same resources exist either way: no key, secret or version is swapped for another.
    assert sorted(r.urn for r in before.registrations) == sorted(r.urn for r in after.registrations)
