"""ExistingSecret under Pulumi mocks: a secret created elsewhere gets exact read grants, a
resource policy for readers in other accounts, rotation with its own function or a shared one,
and a proxy policy, without a Secret, a version or a key being registered; refusals before any
child."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    ExistingSecret,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    RotationFunction,
)
from secretkit.components.iam.least_privilege import violations
from secretkit.components.rotation.rotation_events import event_pattern
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from tests.components.helpers import policy_of, statements_by_sid, the

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
OTHER = "999999999999"
FOREIGN = f"arn:aws:iam::{OTHER}:role/app"
SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:team/db-AbC123"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
TOKEN = "secretkit:index:ExistingSecret"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
FUNCTION = "aws:lambda/function:Function"
READ = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
PASSWORD_ROTATION = {"strategy": "password", "automatically_after_days": 30}
RULE = "aws:cloudwatch/eventRule:EventRule"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
#: What rotation alarms register for a secret with a function of its own.
ALARMS = (
    RULE,
    "aws:cloudwatch/eventTarget:EventTarget",
    METRIC_ALARM,
    TOPIC,
    "aws:sns/topicPolicy:TopicPolicy",
)


def build(args: dict[str, Any], name: str = "db") -> ExistingSecret:
    built: list[ExistingSecret] = []

    def program() -> object:
        built.append(ExistingSecret(name, args))  # type: ignore[call-overload]
        return pulumi.Output.all(built[0].secret_arn, built[0].key_policy_statements)

    mocks.run(program)
    return built[0]


def outputs(monitor: RecordingMonitor, name: str = "db") -> dict[str, Any]:
    component = next(r for r in monitor.registrations if r.type == TOKEN and r.name == name)
    return monitor.component_outputs[component.urn]


def read_grant(monitor: RecordingMonitor, role: str) -> dict[str, dict[str, Any]]:
    grant = next(r for r in monitor.by_type(ROLE_POLICY) if r.plain_inputs["role"] == role)
    return statements_by_sid(policy_of(grant))


def kinds(monitor: RecordingMonitor) -> list[str]:
    return sorted(r.type for r in monitor.registrations)


def test_a_local_reader_gets_exactly_read_and_decrypt_and_nothing_else_is_created(
    monitor: RecordingMonitor,
) -> None:
    build({"secret_arn": SECRET, "kms_key_arn": KEY, "readers": ["app"]})
    assert kinds(monitor) == sorted([TOKEN, ROLE_POLICY])
    grant = read_grant(monitor, "app")
    assert grant["ReadSecret"]["Action"] == READ
    assert grant["ReadSecret"]["Resource"] == [SECRET]
    assert grant["DecryptSecret"]["Resource"] == [KEY]
    assert grant["DecryptSecret"]["Condition"] == {
        "StringEquals": {
            "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
            "kms:EncryptionContext:SecretARN": SECRET,
        }
    }
    assert violations(policy_of(the(monitor, ROLE_POLICY))) == []
    out = outputs(monitor)
    assert out["secret_arn"] == SECRET
    assert out["secret_name"] == "team/db"
    assert out["kms_key_arn"] == KEY
    assert out.get("rotation_function_arn") is None
    assert json.loads(out["key_policy_statements"]) == []


def test_the_aws_managed_key_needs_no_kms_statement(monitor: RecordingMonitor) -> None:
    build({"secret_arn": SECRET, "readers": ["app"]})
    assert set(read_grant(monitor, "app")) == {"ReadSecret"}
    alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/secretsmanager"
    assert outputs(monitor)["kms_key_arn"] == alias


def test_grant_read_adds_a_local_reader(monitor: RecordingMonitor) -> None:
    def program() -> object:
        secret = ExistingSecret("db", {"secret_arn": SECRET, "kms_key_arn": KEY})
        first = secret.grant_read("later")
        assert secret.grant_read("later") is first
        return secret.secret_arn

    mocks.run(program)
    assert read_grant(monitor, "later")["ReadSecret"]["Resource"] == [SECRET]


def test_a_foreign_reader_is_named_in_the_resource_policy_and_the_statement_for_the_key(
    monitor: RecordingMonitor,
) -> None:
    build(
        {
            "secret_arn": SECRET,
            "kms_key_arn": KEY,
            "readers": [FOREIGN],
            "manage_resource_policy": True,
            "key_policy_allows_foreign_readers": True,
        }
    )
    policy = the(monitor, SECRET_POLICY)
    assert policy.plain_inputs["secretArn"] == SECRET
    assert policy.plain_inputs["blockPublicPolicy"] is True
    statement = statements_by_sid(policy_of(policy))["ReadFromOtherAccounts"]
    assert statement["Principal"] == {"AWS": [FOREIGN]}
    assert statement["Resource"] == [SECRET]
    [decrypt] = json.loads(outputs(monitor)["key_policy_statements"])
    assert decrypt["Sid"] == "DecryptForOtherAccounts"
    assert decrypt["Principal"] == {"AWS": [FOREIGN]}
    assert decrypt["Action"] == ["kms:Decrypt"]
    assert decrypt["Condition"]["StringLike"] == {"kms:EncryptionContext:SecretARN": SECRET}
    assert decrypt["Condition"]["StringEquals"] == {
        "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"
    }
    assert monitor.by_type(ROLE_POLICY) == []


def test_grant_read_of_a_foreign_reader_joins_the_resource_policy(
    monitor: RecordingMonitor,
) -> None:
    def program() -> object:
        secret = ExistingSecret(
            "db",
            {
                "secret_arn": SECRET,
                "kms_key_arn": KEY,
                "manage_resource_policy": True,
                "key_policy_allows_foreign_readers": True,
            },
        )
        granted = secret.grant_read(FOREIGN)
        assert isinstance(granted, aws.secretsmanager.SecretPolicy)
        return pulumi.Output.all(secret.secret_arn, secret.key_policy_statements)

    mocks.run(program)
    statement = statements_by_sid(policy_of(the(monitor, SECRET_POLICY)))["ReadFromOtherAccounts"]
    assert statement["Principal"] == {"AWS": [FOREIGN]}
    assert json.loads(outputs(monitor)["key_policy_statements"])[0]["Principal"] == {
        "AWS": [FOREIGN]
    }


@pytest.mark.parametrize(
    ("extra", "phrase"),
    [
        pytest.param({"kms_key_arn": KEY}, "manage_resource_policy=True", id="policy-not-owned"),
        pytest.param(
            {"manage_resource_policy": True}, "AWS managed key aws/secretsmanager", id="managed-key"
        ),
        pytest.param(
            {"kms_key_arn": KEY, "manage_resource_policy": True},
            "key_policy_allows_foreign_readers=True",
            id="given-key",
        ),
    ],
)
def test_a_foreign_reader_is_refused_before_any_child(
    monitor: RecordingMonitor, extra: dict[str, Any], phrase: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        build({"secret_arn": SECRET, "readers": [FOREIGN], **extra})
    assert phrase in str(caught.value)
    assert caught.value.argument == "readers"
    assert [r.type for r in monitor.registrations] == [TOKEN]


def test_the_refusal_for_a_given_key_prints_the_exact_statement(
    monitor: RecordingMonitor,
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        build(
            {
                "secret_arn": SECRET,
                "kms_key_arn": KEY,
                "readers": [FOREIGN, OTHER],
                "manage_resource_policy": True,
            }
        )
    message = str(caught.value)
    printed = json.loads(message[message.index("{") : message.rindex("}") + 1])
    assert printed["Principal"] == {"AWS": [FOREIGN, f"arn:<partition>:iam::{OTHER}:root"]}
    assert printed["Condition"]["StringLike"] == {"kms:EncryptionContext:SecretARN": SECRET}


def test_rotation_with_a_strategy_adds_a_function_for_this_secret_only(
    monitor: RecordingMonitor,
) -> None:
    build({"secret_arn": SECRET, "kms_key_arn": KEY, "rotation": PASSWORD_ROTATION})
    assert kinds(monitor) == sorted(
        [
            TOKEN,
            "aws:iam/role:Role",
            ROLE_POLICY,
            "aws:cloudwatch/logGroup:LogGroup",
            FUNCTION,
            "aws:lambda/permission:Permission",
            ROTATION,
            *ALARMS,
        ]
    )
    role_policy = statements_by_sid(policy_of(the(monitor, ROLE_POLICY)))
    assert role_policy["RotateThisSecret"]["Resource"] == [SECRET]
    assert role_policy["UseKeyForThisSecret"]["Resource"] == [KEY]
    assert violations(policy_of(the(monitor, ROLE_POLICY))) == []
    permission = the(monitor, "aws:lambda/permission:Permission").plain_inputs
    assert permission["sourceArn"] == SECRET
    schedule = the(monitor, ROTATION)
    assert schedule.plain_inputs["secretId"] == SECRET
    assert schedule.plain_inputs["rotationRules"] == {"automaticallyAfterDays": 30}
    function = the(monitor, FUNCTION)
    assert schedule.plain_inputs["rotationLambdaArn"] == function.state["arn"]
    assert outputs(monitor)["rotation_function_arn"] == function.state["arn"]


def test_rotation_under_the_aws_managed_key_grants_no_key(monitor: RecordingMonitor) -> None:
    build({"secret_arn": SECRET, "rotation": PASSWORD_ROTATION})
    assert set(statements_by_sid(policy_of(the(monitor, ROLE_POLICY)))) == {
        "RotateThisSecret",
        "WriteOwnLogs",
    }


def test_a_shared_function_rotates_it_through_the_resource_policy(
    monitor: RecordingMonitor,
) -> None:
    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password", "kms_key_arn": KEY})
        secret = ExistingSecret(  # type: ignore[call-overload]
            "db",
            {
                "secret_arn": SECRET,
                "kms_key_arn": KEY,
                "manage_resource_policy": True,
                "rotation": {"function": shared, "automatically_after_days": 7},
            },
        )
        return secret.rotation_function_arn

    mocks.run(program)
    assert len(monitor.by_type(FUNCTION)) == 1  # the shared one only
    policy = the(monitor, SECRET_POLICY)
    member = statements_by_sid(policy_of(policy))["RotatedBySharedFunction"]
    assert member["Resource"] == SECRET
    function = the(monitor, FUNCTION)
    assert member["Condition"] == {
        "StringEquals": {"secretsmanager:resource/AllowRotationLambdaArn": function.state["arn"]}
    }
    schedule = the(monitor, ROTATION)
    assert schedule.plain_inputs["rotationLambdaArn"] == function.state["arn"]
    assert policy.urn in schedule.dependencies


def test_a_shared_function_needs_the_resource_policy(monitor: RecordingMonitor) -> None:
    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password"})
        return ExistingSecret(  # type: ignore[call-overload]
            "db",
            {"secret_arn": SECRET, "rotation": {"function": shared, "automatically_after_days": 7}},
        ).secret_arn

    with pytest.raises(InvalidArgumentError, match="manage_resource_policy=True") as caught:
        mocks.run(program)
    assert caught.value.argument == "rotation.function"
    assert monitor.by_type(TOKEN) == []


def test_a_shared_function_with_another_key_fails_before_the_schedule(
    monitor: RecordingMonitor,
) -> None:
    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password"})
        return ExistingSecret(  # type: ignore[call-overload]
            "db",
            {
                "secret_arn": SECRET,
                "kms_key_arn": KEY,
                "manage_resource_policy": True,
                "rotation": {"function": shared, "automatically_after_days": 7},
            },
        ).secret_arn

    with pytest.raises(ValueError, match=r"differs from RotationFunction 'shared''s key"):
        mocks.run(program)
    assert monitor.by_type(ROTATION) == []


def rds_program(monitor: RecordingMonitor, **extra: Any) -> Any:
    """An RDS instance that manages its master password, its secret given to ExistingSecret
    (readers and a proxy policy), as docs/components/existing-secret.md shows."""

    def program() -> object:
        db = aws.rds.Instance(
            "orders",
            engine="postgres",
            instance_class="db.t4g.micro",
            allocated_storage=20,
            username="orders_admin",
            manage_master_user_password=True,
            skip_final_snapshot=True,
        )
        master = db.master_user_secrets[0]
        args = {
            "secret_arn": master.secret_arn,
            "kms_key_arn": master.kms_key_id,
            "managed_by": "rds",
            "readers": ["orders-migrations"],
            **extra,
        }
        secret = ExistingSecret(  # type: ignore[call-overload]
            "orders-master", {key: value for key, value in args.items() if value is not None}
        )
        proxy = ProxiedParameterPolicy(
            "orders-master-proxy", {"secret": secret, "roles": ["orders-task-execution"]}
        )
        return pulumi.Output.all(secret.secret_arn, proxy.policy_json)

    return mocks.run(program)


def test_an_rds_managed_secret_gets_grants_and_a_proxy_and_no_second_rotation(
    monitor: RecordingMonitor,
) -> None:
    secret_arn, proxy_json = rds_program(monitor)
    rds = the(monitor, "aws:rds/instance:Instance").state["masterUserSecrets"][0]
    assert secret_arn == rds["secretArn"]
    assert ":secret:rds!db-" in secret_arn
    grant = read_grant(monitor, "orders-migrations")
    assert grant["ReadSecret"]["Resource"] == [secret_arn]
    assert grant["DecryptSecret"]["Resource"] == [rds["kmsKeyId"]]
    name = secret_arn.split(":secret:", 1)[1][:-7]
    proxy = statements_by_sid(json.loads(proxy_json))
    assert proxy["ReadThroughParameterStore"]["Resource"] == [
        f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/aws/reference/secretsmanager/{name}"
    ]
    assert proxy["DecryptSecret"]["Resource"] == [rds["kmsKeyId"]]
    created = {r.type for r in monitor.registrations}
    assert ROTATION not in created
    assert FUNCTION not in created
    assert "aws:secretsmanager/secret:Secret" not in created
    assert "aws:secretsmanager/secretVersion:SecretVersion" not in created
    # RDS rotates it: the rule watches its rotation events, and no function's Errors alarm.
    rule = the(monitor, RULE)
    assert json.loads(rule.plain_inputs["eventPattern"]) == event_pattern([secret_arn])
    assert METRIC_ALARM not in created
    topic_arn = the(monitor, TOPIC).state["arn"]
    assert the(monitor, "aws:cloudwatch/eventTarget:EventTarget").plain_inputs["arn"] == topic_arn
    assert outputs(monitor, "orders-master")["alarm_topic_arn"] == topic_arn


def test_an_rds_managed_secret_refuses_a_second_rotation(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError, match="managed by rds, which rotates it") as caught:
        rds_program(monitor, rotation=PASSWORD_ROTATION)
    assert caught.value.argument == "rotation"
    assert [r.type for r in monitor.registrations] == ["aws:rds/instance:Instance"]


OWN_STATEMENT = {
    "Sid": "AuditorDescribes",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor"},
    "Action": ["secretsmanager:DescribeSecret"],
    "Resource": "*",
}


def test_a_secret_named_by_its_owning_service_is_not_rotated_again(
    monitor: RecordingMonitor,
) -> None:
    """Without managed_by: the 'rds!' prefix of the name says RDS manages it."""
    with pytest.raises(ValueError, match="managed by rds, which rotates it itself"):
        rds_program(monitor, managed_by=None, rotation=PASSWORD_ROTATION)
    assert monitor.by_type(ROTATION) == []
    assert monitor.by_type(FUNCTION) == []


RDS_SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rds!db-0a1b2c3d-4e5f-AbC123"
BAD_INPUTS: list[tuple[dict[str, Any], str]] = [
    ({}, "secret_arn"),
    ({"secret_arn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:team/db"}, "secret_arn"),
    ({"secret_arn": "team/db"}, "secret_arn"),
    ({"secret_arn": SECRET, "kms_key_arn": KEY.replace(REGION, "eu-west-1")}, "kms_key_arn"),
    ({"secret_arn": SECRET, "kms_key_arn": "alias/mine"}, "kms_key_arn"),
    ({"secret_arn": SECRET, "managed_by": "RDS"}, "managed_by"),
    ({"secret_arn": SECRET, "managed_by": "rds", "rotation": PASSWORD_ROTATION}, "rotation"),
    ({"secret_arn": RDS_SECRET, "rotation": PASSWORD_ROTATION}, "rotation"),
    ({"secret_arn": SECRET, "rotation": {"strategy": "password"}}, "rotation"),
    ({"secret_arn": SECRET, "readers": ["not a role"]}, "readers[0]"),
    ({"secret_arn": SECRET, "readers": [pulumi.Output.from_input(FOREIGN)]}, "readers"),
    (
        {"secret_arn": SECRET, "resource_policy_statements": [OWN_STATEMENT]},
        "resource_policy_statements",
    ),
    ({"secret_arn": SECRET, "manage_resource_policy": "yes"}, "manage_resource_policy"),
    ({"secret_arn": SECRET, "timeout": 901}, "timeout"),
    ({"secret_arn": SECRET, "secret_name": "team/db"}, "secret_name"),
]


@pytest.mark.parametrize(("args", "argument"), BAD_INPUTS)
def test_bad_input_is_refused_before_registration(
    monitor: RecordingMonitor, args: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: ExistingSecret("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert str(caught.value).startswith("ExistingSecret 'bad': argument")
    assert monitor.registrations == []


def test_a_secret_of_another_account_fails_before_any_child(monitor: RecordingMonitor) -> None:
    elsewhere = SECRET.replace(ACCOUNT, OTHER)
    with pytest.raises(ValueError, match=f"is a secret of account {OTHER}"):
        build({"secret_arn": elsewhere, "readers": ["app"], "rotation": PASSWORD_ROTATION})
    created = {r.type for r in monitor.registrations}
    assert not created & {ROLE_POLICY, FUNCTION, ROTATION, "aws:iam/role:Role"}


def test_a_secret_of_another_region_fails_before_any_child(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match="is in eu-west-1, but the provider is in us-east-1"):
        build({"secret_arn": SECRET.replace(REGION, "eu-west-1"), "readers": ["app"]})
    assert monitor.by_type(ROLE_POLICY) == []


def test_own_statements_are_kept_in_the_managed_policy(monitor: RecordingMonitor) -> None:
    build(
        {
            "secret_arn": SECRET,
            "manage_resource_policy": True,
            "resource_policy_statements": [OWN_STATEMENT],
        }
    )
    assert statements_by_sid(policy_of(the(monitor, SECRET_POLICY))) == {
        "AuditorDescribes": OWN_STATEMENT
    }


def test_without_readers_abroad_the_secrets_own_policy_is_left_alone(
    monitor: RecordingMonitor,
) -> None:
    build({"secret_arn": SECRET, "manage_resource_policy": True, "readers": ["app"]})
    assert monitor.by_type(SECRET_POLICY) == []


def test_a_secret_arn_output_is_checked_once_known(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match="must be a complete secret ARN"):
        build({"secret_arn": pulumi.Output.from_input("team/db"), "readers": ["app"]})
    assert monitor.by_type(ROLE_POLICY) == []


def test_a_shared_function_with_secret_names_lists_the_secret_by_name(
    monitor: RecordingMonitor,
) -> None:
    def program(names: list[str]) -> object:
        shared = RotationFunction("shared", {"strategy": "password", "secret_names": names})
        return ExistingSecret(  # type: ignore[call-overload]
            "db",
            {
                "secret_arn": SECRET,
                "manage_resource_policy": True,
                "rotation": {"function": shared, "automatically_after_days": 7},
            },
        ).secret_arn

    with pytest.raises(ValueError, match="names secret 'team/db', which is not one of"):
        mocks.run(lambda: program(["team/other"]))
    assert monitor.by_type(ROTATION) == []
    mocks.install()
    assert mocks.run(lambda: program(["team/db"])) == SECRET


def test_grant_read_refuses_a_foreign_reader_the_managed_key_cannot_serve(
    monitor: RecordingMonitor,
) -> None:
    def program() -> object:
        secret = ExistingSecret("db", {"secret_arn": SECRET, "manage_resource_policy": True})
        with pytest.raises(InvalidArgumentError, match="AWS managed key aws/secretsmanager"):
            secret.grant_read(FOREIGN)
        return secret.secret_arn

    mocks.run(program)
    assert monitor.by_type(SECRET_POLICY) == []


def test_a_secret_nothing_rotates_gets_no_alarms_unless_asked(monitor: RecordingMonitor) -> None:
    build({"secret_arn": SECRET, "kms_key_arn": KEY, "readers": ["app"]})
    assert not [r for r in monitor.registrations if r.type in ALARMS]
    assert outputs(monitor).get("alarm_topic_arn") is None


def test_alarms_asked_for_a_secret_rotated_elsewhere_watch_its_events_only(
    monitor: RecordingMonitor,
) -> None:
    build({"secret_arn": SECRET, "alarms": {"enabled": True, "rotation_succeeded": True}})
    pattern = json.loads(the(monitor, RULE).plain_inputs["eventPattern"])
    assert pattern == event_pattern([SECRET], rotation_succeeded=True)
    assert monitor.by_type(METRIC_ALARM) == []  # no function of its own to watch
    assert outputs(monitor)["alarm_topic_arn"] == the(monitor, TOPIC).state["arn"]


def test_alarms_off_with_rotation_register_none(monitor: RecordingMonitor) -> None:
    build({"secret_arn": SECRET, "rotation": PASSWORD_ROTATION, "alarms": {"enabled": False}})
    assert the(monitor, ROTATION)
    assert not [r for r in monitor.registrations if r.type in ALARMS]


def test_a_shared_functions_member_publishes_to_the_functions_topic(
    monitor: RecordingMonitor,
) -> None:
    def program() -> object:
        shared = RotationFunction("shared", {"strategy": "password", "kms_key_arn": KEY})
        secret = ExistingSecret(  # type: ignore[call-overload]
            "db",
            {
                "secret_arn": SECRET,
                "kms_key_arn": KEY,
                "manage_resource_policy": True,
                "rotation": {"function": shared, "automatically_after_days": 7},
            },
        )
        return pulumi.Output.all(secret.alarm_topic_arn, shared.alarm_topic_arn)

    member_topic, function_topic = mocks.run(program)
    assert member_topic == function_topic == the(monitor, TOPIC).state["arn"]
    assert len(monitor.by_type(METRIC_ALARM)) == 1  # the function's, not the member's
    rules = monitor.by_type(RULE)
    assert len(rules) == 1
    assert json.loads(rules[0].plain_inputs["eventPattern"]) == event_pattern([SECRET])
    assert rules[0].plain_inputs["namePrefix"].startswith("shared")


def test_a_topic_in_another_region_is_refused(monitor: RecordingMonitor) -> None:
    """The region is the provider's, known once deploying: the check holds back every child."""
    other = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ops"
    with pytest.raises(ValueError, match="is in eu-west-1") as caught:
        build({"secret_arn": SECRET, "rotation": PASSWORD_ROTATION, "alarms": {"topic_arn": other}})
    assert "ExistingSecret 'db': argument 'alarms.topic_arn'" in str(caught.value)
    assert [r for r in monitor.registrations if r.custom] == []
