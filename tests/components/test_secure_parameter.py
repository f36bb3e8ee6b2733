"""SecureParameter under Pulumi mocks: tiers, keys, policies, notifications, readers, secrecy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import InvalidArgumentError, SecureParameter
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, is_secret
from secretkit.program import PROJECT_DIR, load_stack_config, run_program
from tests.components.helpers import build_component, policy_of, the

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:ops-alerts"
VALUE = "parameter-VALUE-that-must-never-leak"
PARAMETER_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/team/app/api-key"


def base_args(**extra: Any) -> dict[str, Any]:
    args: dict[str, Any] = {"parameter_name": "/team/app/api-key", "value": VALUE}
    args.update(extra)
    return args


def build(args: dict[str, Any], name: str = "cfg") -> SecureParameter:
    return build_component(SecureParameter, name, args, "parameter_arn")


def outputs(parameter: SecureParameter) -> list[Any]:
    result: list[Any] = mocks.run(
        lambda: pulumi.Output.all(
            parameter.parameter_arn,
            parameter.parameter_name,
            parameter.tier,
            parameter.kms_key_arn,
            parameter.notification_topic_arn,
        )
    )
    return result


def test_defaults_free_standard_parameter_with_aws_managed_key(monitor: RecordingMonitor) -> None:
    parameter = build(base_args())
    assert sorted(r.type for r in monitor.registrations) == [
        "aws:ssm/parameter:Parameter",
        "secretkit:index:SecureParameter",
    ]
    inputs = the(monitor, "aws:ssm/parameter:Parameter").plain_inputs
    assert inputs["name"] == "/team/app/api-key"
    assert inputs["type"] == "SecureString"
    assert inputs["tier"] == "Standard"
    assert inputs["keyId"] == "alias/aws/ssm"
    assert outputs(parameter) == [
        PARAMETER_ARN,
        "/team/app/api-key",
        "Standard",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ssm",
        None,
    ]


def test_value_is_write_only_and_secret_by_default(monitor: RecordingMonitor) -> None:
    build(base_args(value_version=4))
    parameter = the(monitor, "aws:ssm/parameter:Parameter")
    assert is_secret(parameter.inputs["valueWo"])
    assert parameter.plain_inputs["valueWo"] == VALUE
    assert parameter.plain_inputs["valueWoVersion"] == 4
    assert "value" not in parameter.inputs


def test_write_only_false_keeps_the_value_as_a_secret_input(monitor: RecordingMonitor) -> None:
    build(base_args(write_only=False))
    parameter = the(monitor, "aws:ssm/parameter:Parameter")
    assert is_secret(parameter.inputs["value"])
    assert "valueWo" not in parameter.inputs


def test_auto_tier_moves_large_values_to_advanced(monitor: RecordingMonitor) -> None:
    parameter = build(base_args(value="x" * 5000))
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["tier"] == "Advanced"
    assert outputs(parameter)[2] == "Advanced"


def test_auto_tier_of_a_secret_output_is_decided_when_known(monitor: RecordingMonitor) -> None:
    parameter = build(base_args(value=pulumi.Output.secret("y" * 4097)))
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["tier"] == "Advanced"
    tier_is_secret = mocks.run(parameter.tier.is_secret)
    assert tier_is_secret is False


def test_oversized_output_value_stops_the_parameter(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match=r"argument 'value'.*at most 8192 bytes") as caught:
        build(base_args(value=pulumi.Output.secret("z" * 9000)))
    assert "zzzz" not in str(caught.value)
    assert monitor.by_type("aws:ssm/parameter:Parameter") == []


def test_created_key_and_reader_decrypt_scoped_to_the_parameter(monitor: RecordingMonitor) -> None:
    admin = f"arn:aws:iam::{ACCOUNT}:role/admins"
    build(base_args(create_kms_key=True, key_administrators=[admin], readers=["app"]))
    key = the(monitor, "aws:kms/key:Key")
    assert key.plain_inputs["enableKeyRotation"] is True
    assert violations(policy_of(key), key_policy=True) == []
    key_arn = key.state["arn"]
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["keyId"] == key_arn
    grant = policy_of(the(monitor, "aws:iam/rolePolicy:RolePolicy"))
    assert grant["Statement"] == [
        {
            "Sid": "ReadParameter",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": [PARAMETER_ARN],
        },
        {
            "Sid": "DecryptParameter",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": [key_arn],
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": f"ssm.{REGION}.amazonaws.com",
                    "kms:EncryptionContext:PARAMETER_ARN": PARAMETER_ARN,
                }
            },
        },
    ]
    assert violations(grant) == []


def test_reader_of_aws_managed_key_parameter_gets_no_kms_statement(
    monitor: RecordingMonitor,
) -> None:
    build(base_args(readers=["app", f"arn:aws:iam::{ACCOUNT}:role/svc/worker"]))
    grants = monitor.by_type("aws:iam/rolePolicy:RolePolicy")
    assert sorted(g.plain_inputs["role"] for g in grants) == ["app", "worker"]
    for grant in grants:
        assert [s["Sid"] for s in policy_of(grant)["Statement"]] == ["ReadParameter"]


def test_given_key_is_used_for_parameter_and_grants(monitor: RecordingMonitor) -> None:
    parameter = build(base_args(kms_key_arn=KEY_ARN, readers=["app"]))
    assert monitor.by_type("aws:kms/key:Key") == []
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["keyId"] == KEY_ARN
    statements = policy_of(the(monitor, "aws:iam/rolePolicy:RolePolicy"))["Statement"]
    assert statements[1]["Resource"] == [KEY_ARN]
    assert outputs(parameter)[3] == KEY_ARN


def test_grant_read_with_role_resource(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[str]:
        role = aws.iam.Role("task", assume_role_policy="{}")
        parameter: SecureParameter = SecureParameter("cfg", base_args())  # type: ignore[call-overload]
        parameter.grant_read(role)
        return parameter.parameter_arn

    mocks.run(program)
    grant = monitor.by_name("cfg-read-task")
    assert grant.plain_inputs["role"] == monitor.by_name("task").state["name"]
    assert grant.parent == monitor.by_name("cfg").urn


def test_policies_notifications_and_topic(monitor: RecordingMonitor) -> None:
    expires = datetime.now(UTC) + timedelta(days=60)
    parameter = build(
        base_args(
            expires_at=expires.isoformat(),
            notify_before_expiry="15 days",
            notify_if_unchanged_for="30 days",
            tags={"team": "a"},
        )
    )
    component = the(monitor, "secretkit:index:SecureParameter")
    assert all(r.parent == component.urn for r in monitor.registrations if r is not component)
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["tier"] == "Advanced"

    attached = the(monitor, "pulumi-python:dynamic/secretkit:ParameterPolicies")
    policies = json.loads(attached.plain_inputs["policies"])
    assert [p["Type"] for p in policies] == [
        "Expiration",
        "ExpirationNotification",
        "NoChangeNotification",
    ]
    assert policies[0]["Attributes"]["Timestamp"] == expires.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert policies[1]["Attributes"] == {"Before": "15", "Unit": "Days"}
    assert policies[2]["Attributes"] == {"After": "30", "Unit": "Days"}
    assert attached.plain_inputs["parameter_name"] == "/team/app/api-key"
    assert attached.plain_inputs["region"] == REGION
    assert VALUE not in json.dumps(attached.plain_inputs)
    assert the(monitor, "aws:ssm/parameter:Parameter").urn in attached.dependencies

    rule = the(monitor, "aws:cloudwatch/eventRule:EventRule")
    assert json.loads(rule.plain_inputs["eventPattern"]) == {
        "source": ["aws.ssm"],
        "detail-type": ["Parameter Store Policy Action"],
        "detail": {"parameter-name": ["/team/app/api-key"]},
    }
    topic = the(monitor, "aws:sns/topic:Topic")
    target = the(monitor, "aws:cloudwatch/eventTarget:EventTarget").plain_inputs
    assert target["arn"] == topic.state["arn"]
    assert target["rule"] == rule.state["name"]
    topic_policy = policy_of(the(monitor, "aws:sns/topicPolicy:TopicPolicy"))
    assert topic_policy["Statement"] == [
        {
            "Sid": "PublishFromParameterPolicyRule",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["sns:Publish"],
            "Resource": [topic.state["arn"]],
            "Condition": {"ArnEquals": {"aws:SourceArn": rule.state["arn"]}},
        }
    ]
    assert violations(topic_policy) == []
    assert outputs(parameter)[4] == topic.state["arn"]


def test_expiration_alone_needs_no_notification_resources(monitor: RecordingMonitor) -> None:
    build(base_args(expires_at=(datetime.now(UTC) + timedelta(days=3)).isoformat()))
    types = {r.type for r in monitor.registrations}
    assert "pulumi-python:dynamic/secretkit:ParameterPolicies" in types
    assert "aws:cloudwatch/eventRule:EventRule" not in types
    assert "aws:sns/topic:Topic" not in types


def test_given_topic_is_targeted_and_left_alone(monitor: RecordingMonitor) -> None:
    parameter = build(
        base_args(notify_if_unchanged_for="12 hours", notification_topic_arn=TOPIC_ARN)
    )
    assert monitor.by_type("aws:sns/topic:Topic") == []
    assert monitor.by_type("aws:sns/topicPolicy:TopicPolicy") == []
    assert the(monitor, "aws:cloudwatch/eventTarget:EventTarget").plain_inputs["arn"] == TOPIC_ARN
    policies = json.loads(
        the(monitor, "pulumi-python:dynamic/secretkit:ParameterPolicies").plain_inputs["policies"]
    )
    assert policies == [
        {
            "Attributes": {"After": "12", "Unit": "Hours"},
            "Type": "NoChangeNotification",
            "Version": "1.0",
        }
    ]
    assert outputs(parameter)[4] == TOPIC_ARN


def test_value_never_appears_unmarked(monitor: RecordingMonitor) -> None:
    build(base_args(notify_if_unchanged_for="30 days", readers=["r"], create_kms_key=True))

    def unmarked(value: Any) -> list[str]:
        if is_secret(value):
            return []
        if isinstance(value, dict):
            return [s for v in value.values() for s in unmarked(v)]
        if isinstance(value, list):
            return [s for v in value for s in unmarked(v)]
        return [value] if isinstance(value, str) else []

    for reg in monitor.registrations:
        assert not [s for s in unmarked(reg.inputs) if VALUE in s], reg.name


BAD_INPUTS: list[tuple[dict[str, Any], str]] = [
    ({"value": "v"}, "parameter_name"),
    ({"parameter_name": "/a"}, "value"),
    (base_args(parameter_name="/aws/thing"), "parameter_name"),
    (base_args(parameter_name="SSM-config"), "parameter_name"),
    (base_args(parameter_name="a/b"), "parameter_name"),
    (base_args(parameter_name="/a//b"), "parameter_name"),
    (base_args(parameter_name="/" + "/".join(["l"] * 16)), "parameter_name"),
    (base_args(parameter_name="/has space"), "parameter_name"),
    (base_args(parameter_name="/" + "n" * 1000), "parameter_name"),
    (base_args(value=""), "value"),
    (base_args(value="v" * 4097, tier="Standard"), "value"),
    (base_args(value="v" * 8193), "value"),
    (base_args(value=42), "value"),
    (base_args(tier="Intelligent"), "tier"),
    (base_args(tier="Standard", notify_if_unchanged_for="3 days"), "tier"),
    (base_args(expires_at="2020-01-01T00:00:00Z"), "expires_at"),
    (base_args(expires_at="2999-01-01T00:00:00"), "expires_at"),
    (base_args(expires_at="next tuesday"), "expires_at"),
    (base_args(notify_before_expiry="5 days"), "notify_before_expiry"),
    (
        base_args(
            expires_at=(datetime.now(UTC) + timedelta(days=2)).isoformat(),
            notify_before_expiry="5 days",
        ),
        "notify_before_expiry",
    ),
    (base_args(notify_if_unchanged_for="a while"), "notify_if_unchanged_for"),
    (base_args(notify_if_unchanged_for="0 days"), "notify_if_unchanged_for"),
    (base_args(notification_topic_arn=TOPIC_ARN), "notification_topic_arn"),
    (
        base_args(notify_if_unchanged_for="3 days", notification_topic_arn="ops-alerts"),
        "notification_topic_arn",
    ),
    (base_args(kms_key_arn=KEY_ARN, create_kms_key=True), "create_kms_key"),
    (base_args(kms_key_arn="alias/aws/ssm"), "kms_key_arn"),
    (base_args(key_administrators=[f"arn:aws:iam::{ACCOUNT}:role/a"]), "key_administrators"),
    (base_args(create_kms_key="yes"), "create_kms_key"),
    (base_args(readers="app"), "readers"),
    (base_args(readers=["App", "app"]), "readers"),
    (base_args(write_only=1), "write_only"),
    (base_args(value_version=0), "value_version"),
    (base_args(description="d" * 1025), "description"),
    (base_args(tags={"k": 1}), "tags.k"),
    (base_args(readres=["app"]), "readres"),
]


@pytest.mark.parametrize(("args", "argument"), BAD_INPUTS)
def test_bad_input_is_refused_before_registration(
    monitor: RecordingMonitor, args: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: SecureParameter("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert str(caught.value).startswith("SecureParameter 'bad': argument")
    assert VALUE not in str(caught.value)
    assert monitor.registrations == []


def test_parameter_name_limit_uses_the_configured_region(
    monitor: RecordingMonitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 1011-character limit counts the ARN prefix, which depends on the region's length."""
    name = "/" + "n" * 964  # fits with us-east-1's prefix, not with the longest region's
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    build(base_args(parameter_name=name))
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["name"] == name


def test_parameter_name_limit_assumes_the_longest_region_when_unknown(
    monitor: RecordingMonitor,
) -> None:
    with pytest.raises(InvalidArgumentError, match="at most 961") as caught:
        build(base_args(parameter_name="/" + "n" * 964))
    assert caught.value.argument == "parameter_name"


def test_a_program_run_earlier_leaves_no_region_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """The region an earlier program's stack configuration named (aws:region) is not this one's:
    each program under the mocks starts with no configuration."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    config = load_stack_config(PROJECT_DIR, "dev", secret_overrides={"parameterValue": "v"})
    assert config.values["aws:region"] == "us-east-1"
    run_program(PROJECT_DIR / "__main__.py", config, stack="dev")
    mocks.install()
    with pytest.raises(InvalidArgumentError, match="at most 961"):
        build(base_args(parameter_name="/" + "n" * 964))


# --- checks on values known only at deployment gate every child ------------------------------


def only_components(monitor: RecordingMonitor) -> bool:
    return all(not r.custom for r in monitor.registrations)


def test_a_failing_deferred_value_check_stops_every_child(monitor: RecordingMonitor) -> None:
    expires = datetime.now(UTC) + timedelta(days=60)
    args = base_args(
        value=pulumi.Output.secret("z" * 9000),
        create_kms_key=True,
        expires_at=expires.isoformat(),
        notify_before_expiry="15 days",
        readers=["app"],
    )
    with pytest.raises(ValueError, match=r"argument 'value'.*at most 8192 bytes"):
        build(args)
    assert only_components(monitor)


def test_a_given_tier_checks_an_output_value_against_it(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match=r"argument 'value'.*at most 4096 bytes") as caught:
        build(base_args(value=pulumi.Output.secret("s" * 5000), tier="Standard"))
    assert "ssss" not in str(caught.value)
    assert only_components(monitor)


def test_a_given_tier_lets_a_fitting_output_value_through(monitor: RecordingMonitor) -> None:
    build(base_args(value=pulumi.Output.secret("s" * 100), tier="Standard"))
    parameter = the(monitor, "aws:ssm/parameter:Parameter")
    assert parameter.plain_inputs["tier"] == "Standard"
    assert is_secret(parameter.inputs["valueWo"])


def test_an_output_key_arn_is_checked_before_the_parameter(monitor: RecordingMonitor) -> None:
    with pytest.raises(ValueError, match=r"argument 'kms_key_arn'"):
        build(base_args(kms_key_arn=pulumi.Output.from_input("alias/aws/ssm")))
    assert only_components(monitor)


def test_an_output_key_arn_that_passes_is_the_parameters_key(monitor: RecordingMonitor) -> None:
    parameter = build(base_args(kms_key_arn=pulumi.Output.from_input(KEY_ARN)))
    assert the(monitor, "aws:ssm/parameter:Parameter").plain_inputs["keyId"] == KEY_ARN
    assert outputs(parameter)[3] == KEY_ARN


def test_the_managed_key_alias_arn_is_built_once_per_provider(monitor: RecordingMonitor) -> None:
    built: list[SecureParameter] = []

    def program() -> pulumi.Output[Any]:
        other = aws.Provider("other", region="eu-west-1")
        built.extend(
            [
                SecureParameter("a", {"parameter_name": "/a", "value": "1"}),
                SecureParameter("b", {"parameter_name": "/b", "value": "2"}),
                SecureParameter(
                    "c",
                    {"parameter_name": "/c", "value": "3"},
                    pulumi.ResourceOptions(providers={"aws": other}),
                ),
            ]
        )
        return pulumi.Output.all(*[p.kms_key_arn for p in built])

    arns = mocks.run(program)
    assert arns == [f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ssm"] * 3
    first, second, third = built
    assert first.kms_key_arn is second.kms_key_arn  # one Output for the same provider
    assert third.kms_key_arn is not first.kms_key_arn  # another provider asks again


class RegionPerProvider(mocks.AwsMocks):
    """Answers getRegion with eu-west-1 for the provider named 'other', as that provider would."""

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        answer = super().call(args)
        if args.token == "aws:index/getRegion:getRegion" and "::other::" in (args.provider or ""):
            return {**answer, "region": "eu-west-1", "name": "eu-west-1", "id": "eu-west-1"}
        return answer


def test_the_managed_key_alias_arn_follows_each_providers_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    mocks.install(RegionPerProvider())

    def program() -> pulumi.Output[Any]:
        other = aws.Provider("other", region="eu-west-1")
        here = SecureParameter("a", {"parameter_name": "/a", "value": "1"})
        there = SecureParameter(
            "b", {"parameter_name": "/b", "value": "2"}, pulumi.ResourceOptions(provider=other)
        )
        return pulumi.Output.all(here.kms_key_arn, there.kms_key_arn)

    assert mocks.run(program) == [
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ssm",
        f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/aws/ssm",
    ]


def test_the_managed_key_alias_arn_is_not_carried_into_the_next_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    found: list[str] = []
    for partition, region, account in (
        ("aws", "us-east-1", ACCOUNT),
        ("aws-cn", "cn-north-1", "210987654321"),
    ):
        mocks.install(mocks.AwsMocks(account_id=account, region=region, partition=partition))
        found.append(outputs(build(base_args()))[3])
    assert found == [
        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/ssm",
        "arn:aws-cn:kms:cn-north-1:210987654321:alias/aws/ssm",
    ]


@pytest.mark.parametrize("write_only", [True, False])
def test_a_plain_output_value_is_registered_as_a_secret(
    monitor: RecordingMonitor, write_only: bool
) -> None:
    """The component leaves the marking to pulumi-aws (value and value_wo are secret in its
    schema); this proves it still happens for an Output the user did not mark."""
    build(base_args(value=pulumi.Output.from_input(VALUE), write_only=write_only))
    parameter = the(monitor, "aws:ssm/parameter:Parameter")
    key = "valueWo" if write_only else "value"
    assert is_secret(parameter.inputs[key])
    assert parameter.plain_inputs[key] == VALUE
