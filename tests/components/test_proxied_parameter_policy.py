"""ProxiedParameterPolicy under Pulumi mocks: the exact document, one managed policy attached to
each role, its outputs, and refusals before anything is registered."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    RotatingSecret,
)
from secretkit.components.iam.least_privilege import violations
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from tests.components.helpers import policy_of, the

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
TOKEN = "secretkit:index:ProxiedParameterPolicy"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
NAME = "prod/agi/unleash"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PARAMETER_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/aws/reference/secretsmanager/{NAME}"
SECRET_PATTERN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{NAME}-??????"


def expected_document(
    name: str = NAME,
    key: str | None = KEY_ARN,
    region: str = REGION,
    account: str = ACCOUNT,
) -> dict[str, Any]:
    parameter = f"arn:aws:ssm:{region}:{account}:parameter/aws/reference/secretsmanager/{name}"
    pattern = f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-??????"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ReadThroughParameterStore",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": [parameter],
        },
        {
            "Sid": "ReadSecret",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": [pattern],
        },
    ]
    if key is not None:
        statements.append(
            {
                "Sid": "DecryptSecret",
                "Effect": "Allow",
                "Action": ["kms:Decrypt"],
                "Resource": [key],
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"},
                    "StringLike": {"kms:EncryptionContext:SecretARN": pattern},
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def build(args: dict[str, Any], name: str = "proxy") -> ProxiedParameterPolicy:
    built: list[ProxiedParameterPolicy] = []

    def program() -> pulumi.Output[str]:
        built.append(ProxiedParameterPolicy(name, args))  # type: ignore[call-overload]
        return built[0].policy_json

    mocks.run(program)
    return built[0]


def policy_document(monitor: RecordingMonitor) -> dict[str, Any]:
    return policy_of(the(monitor, POLICY))


class PolicyArnMocks(mocks.AwsMocks):
    """secretkit's mocks with an answer for aws.iam.Policy (they have none: its arn is unset)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ != POLICY:
            return super().new_resource(args)
        name = f"{args.name}-abc1234"
        arn = f"arn:{self.partition}:iam::{self.account_id}:policy/{name}"
        return arn, {**args.inputs, "name": name, "arn": arn, "policyId": "ANPAEXAMPLE"}


@pytest.fixture
def arn_monitor(monkeypatch: pytest.MonkeyPatch) -> RecordingMonitor:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    return mocks.install(PolicyArnMocks())


# --- the document -------------------------------------------------------------------------------


def test_document_with_a_customer_managed_key(monitor: RecordingMonitor) -> None:
    build({"secret_name": NAME, "kms_key_arn": KEY_ARN, "roles": ["app"]})
    document = policy_document(monitor)
    assert document == expected_document()
    assert violations(document) == []


def test_document_without_a_key_has_no_kms_statement(monitor: RecordingMonitor) -> None:
    build({"secret_name": NAME, "roles": ["app"]})
    document = policy_document(monitor)
    assert document == expected_document(key=None)
    assert [s["Sid"] for s in document["Statement"]] == ["ReadThroughParameterStore", "ReadSecret"]
    assert "kms:" not in json.dumps(document)
    assert violations(document) == []


def test_region_and_account_overrides_change_every_arn(monitor: RecordingMonitor) -> None:
    key = "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    policy = build(
        {
            "secret_name": NAME,
            "kms_key_arn": key,
            "region": "eu-west-1",
            "account_id": "210987654321",
        }
    )
    document = policy_document(monitor)
    assert document == expected_document(key=key, region="eu-west-1", account="210987654321")
    text = json.dumps(document)
    assert REGION not in text
    assert ACCOUNT not in text
    parameter = f"arn:aws:ssm:eu-west-1:210987654321:parameter/aws/reference/secretsmanager/{NAME}"
    assert mocks.run(lambda: policy.parameter_arn) == parameter


def test_secret_from_a_rotating_secret(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[str]:
        secret = RotatingSecret(
            "app",
            {
                "secret_name": "prod/app/api-key",
                "rotation": {"strategy": "password", "automatically_after_days": 30},
            },
        )
        return ProxiedParameterPolicy("proxy", {"secret": secret, "roles": ["app"]}).policy_json

    mocks.run(program)
    key = monitor.by_name("app-key").state["arn"]
    assert policy_document(monitor) == expected_document(name="prod/app/api-key", key=key)
    proxy = monitor.by_name("proxy")
    assert the(monitor, POLICY).parent == proxy.urn


def test_secret_from_a_replicated_secret(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[Any]:
        secret = CrossRegionReplicatedSecret(
            "rep", {"secret_name": "prod/app/db", "replica_regions": ["eu-west-1"]}
        )
        proxy = ProxiedParameterPolicy("proxy", {"secret": secret})
        return pulumi.Output.all(proxy.policy_json, proxy.parameter_path)

    _, path = mocks.run(program)
    key = monitor.by_name("rep-key").state["arn"]
    assert policy_document(monitor) == expected_document(name="prod/app/db", key=key)
    assert path == "/aws/reference/secretsmanager/prod/app/db"


def test_a_replicated_secret_read_in_a_replica_region_decrypts_with_that_replicas_key(
    monitor: RecordingMonitor,
) -> None:
    """The replica in eu-west-1 is encrypted with its own key (rep-key-eu-west-1): a grant
    naming the primary's key would be refused there with AccessDenied (issue 18)."""

    def program() -> pulumi.Output[Any]:
        secret = CrossRegionReplicatedSecret(
            "rep", {"secret_name": "prod/app/db", "replica_regions": ["eu-west-1", "eu-west-2"]}
        )
        return ProxiedParameterPolicy("proxy", secret=secret, region="eu-west-1").policy_json

    mocks.run(program)
    replica_key = monitor.by_name("rep-key-eu-west-1").state["arn"]
    primary_key = monitor.by_name("rep-key").state["arn"]
    assert replica_key != primary_key
    assert policy_document(monitor) == expected_document(
        name="prod/app/db", key=replica_key, region="eu-west-1"
    )


def test_a_given_key_overrides_the_components_key(monitor: RecordingMonitor) -> None:
    def program() -> pulumi.Output[str]:
        secret = RotatingSecret(
            "app",
            {
                "secret_name": "prod/app/api-key",
                "rotation": {"strategy": "password", "automatically_after_days": 30},
            },
        )
        args = {"secret": secret, "kms_key_arn": KEY_ARN}
        proxy: ProxiedParameterPolicy = ProxiedParameterPolicy("proxy", args)  # type: ignore[call-overload]
        return proxy.policy_json

    mocks.run(program)
    assert policy_document(monitor) == expected_document(name="prod/app/api-key")


# --- resources and outputs ----------------------------------------------------------------------


def test_one_policy_and_one_attachment_per_role(monitor: RecordingMonitor) -> None:
    build({"secret_name": NAME, "roles": ["app", f"arn:aws:iam::{ACCOUNT}:role/team/worker"]})
    component = monitor.by_name("proxy")
    assert component.type == TOKEN
    kinds = sorted((r.type, r.name) for r in monitor.registrations)
    assert kinds == sorted(
        [
            (TOKEN, "proxy"),
            (POLICY, "proxy-policy"),
            (ATTACHMENT, "proxy-app"),
            (ATTACHMENT, "proxy-worker"),
        ]
    )
    assert all(r.parent == component.urn for r in monitor.registrations if r is not component)
    roles = sorted(r.plain_inputs["role"] for r in monitor.by_type(ATTACHMENT))
    assert roles == ["app", "worker"]
    description = the(monitor, POLICY).plain_inputs["description"]
    assert description == "Read one Secrets Manager secret through Parameter Store (secretkit)"


def test_no_roles_means_only_the_policy(monitor: RecordingMonitor) -> None:
    build({"secret_name": NAME, "description": "for the unleash service"})
    assert [r.type for r in monitor.registrations] == [TOKEN, POLICY]
    assert the(monitor, POLICY).plain_inputs["description"] == "for the unleash service"


def test_attachments_attach_the_managed_policy(arn_monitor: RecordingMonitor) -> None:
    policy = build({"secret_name": NAME, "roles": ["app", "worker"]})
    arn = the(arn_monitor, POLICY).state["arn"]
    assert arn.startswith(f"arn:aws:iam::{ACCOUNT}:policy/")
    for attachment in arn_monitor.by_type(ATTACHMENT):
        assert attachment.plain_inputs["policyArn"] == arn
    assert mocks.run(lambda: policy.policy_arn) == arn


def test_stock_mocks_give_the_managed_policy_an_arn(monitor: RecordingMonitor) -> None:
    policy = build({"secret_name": NAME, "roles": ["app"]})
    arn = mocks.run(lambda: policy.policy_arn)
    assert isinstance(arn, str)
    assert arn.startswith(f"arn:aws:iam::{ACCOUNT}:policy/")


def test_outputs(monitor: RecordingMonitor) -> None:
    policy = build({"secret_name": NAME, "kms_key_arn": KEY_ARN, "roles": ["app"]})
    policy_json, path, parameter, entry = mocks.run(
        lambda: pulumi.Output.all(
            policy.policy_json,
            policy.parameter_path,
            policy.parameter_arn,
            policy.ecs_secret("ENV"),
        )
    )
    assert policy_json == the(monitor, POLICY).plain_inputs["policy"]
    assert json.loads(policy_json) == expected_document()
    assert path == f"/aws/reference/secretsmanager/{NAME}"
    assert parameter == PARAMETER_ARN
    assert entry == {"name": "ENV", "valueFrom": PARAMETER_ARN}


# --- bad input: refused before anything is registered -------------------------------------------

BAD_INPUTS: list[tuple[str, dict[str, Any], str]] = [
    ("neither name nor secret", {"roles": ["app"]}, "secret_name"),
    ("bad secret name", {"secret_name": "bad name!"}, "secret_name"),
    ("empty secret name", {"secret_name": ""}, "secret_name"),
    ("non-component secret", {"secret": NAME}, "secret"),
    (
        "alias as key",
        {"secret_name": NAME, "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/mine"},
        "kms_key_arn",
    ),
    ("bare alias as key", {"secret_name": NAME, "kms_key_arn": "alias/mine"}, "kms_key_arn"),
    ("unknown region", {"secret_name": NAME, "region": "us-east-7"}, "region"),
    ("short account id", {"secret_name": NAME, "account_id": "1234"}, "account_id"),
    ("non-digit account id", {"secret_name": NAME, "account_id": "12345678901a"}, "account_id"),
    ("bad role name", {"secret_name": NAME, "roles": ["not a role"]}, "roles[0]"),
    ("roles as a string", {"secret_name": NAME, "roles": "app"}, "roles"),
    ("role named twice", {"secret_name": NAME, "roles": ["app", "App"]}, "roles"),
    ("unknown argument", {"secret_name": NAME, "role": ["app"]}, "role"),
]


@pytest.mark.parametrize(
    ("args", "argument"), [(a, arg) for _, a, arg in BAD_INPUTS], ids=[i for i, _, _ in BAD_INPUTS]
)
def test_bad_input_is_refused_before_registration(
    monitor: RecordingMonitor, args: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: ProxiedParameterPolicy("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert str(caught.value).startswith("ProxiedParameterPolicy 'bad': argument")
    assert monitor.registrations == []


def test_unknown_argument_suggests_the_right_one(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError, match="did you mean 'roles'"):
        mocks.run(lambda: ProxiedParameterPolicy("bad", {"secret_name": NAME, "role": ["a"]}))  # type: ignore[call-overload]


def test_unknown_region_suggests_a_known_one(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError, match="did you mean 'eu-west-1'"):
        mocks.run(
            lambda: ProxiedParameterPolicy("bad", {"secret_name": NAME, "region": "eu-west1"})
        )


def test_both_name_and_component_are_refused(monitor: RecordingMonitor) -> None:
    def program() -> None:
        secret = RotatingSecret(
            "app",
            {
                "secret_name": "prod/app/api-key",
                "rotation": {"strategy": "password", "automatically_after_days": 30},
            },
        )
        ProxiedParameterPolicy("bad", {"secret": secret, "secret_name": "prod/app/api-key"})

    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(program)
    assert caught.value.argument == "secret_name"
    assert "exactly one of secret_name and secret" in str(caught.value)
    assert TOKEN not in {r.type for r in monitor.registrations}
    assert monitor.by_type(POLICY) == []


def test_a_plain_secret_resource_is_not_a_component(monitor: RecordingMonitor) -> None:
    def program() -> None:
        secret = aws.secretsmanager.Secret("plain", name="prod/app/plain")
        # `secret` is typed Any (the package schema cannot reference a component): the check
        # that it is a secret component happens at run time.
        ProxiedParameterPolicy("bad", {"secret": secret})

    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(program)
    assert caught.value.argument == "secret"
    assert "RotatingSecret, CrossRegionReplicatedSecret or ExistingSecret" in str(caught.value)
    assert TOKEN not in {r.type for r in monitor.registrations}
    assert monitor.by_type(POLICY) == []


def test_a_bad_key_from_an_output_stops_the_policy(monitor: RecordingMonitor) -> None:
    args = {"secret_name": NAME, "kms_key_arn": pulumi.Output.from_input("alias/late")}
    with pytest.raises(ValueError, match=r"argument 'kms_key_arn' = 'alias/late'"):
        mocks.run(lambda: ProxiedParameterPolicy("late", args))  # type: ignore[call-overload]
    assert monitor.by_type(POLICY) == []


# --- values known later (Outputs): what other languages pass too ------------------------------


def test_roles_given_as_outputs_get_an_attachment_each(monitor: RecordingMonitor) -> None:
    """An autonamed role's name or ARN is an Output while the program runs: its attachment is
    named by position (a role label never holds a '.') and takes the role's IAM name."""
    build(
        {
            "secret_name": NAME,
            "roles": [
                "app",
                pulumi.Output.from_input("app-role-4f2a9c1"),
                pulumi.Output.from_input(f"arn:aws:iam::{ACCOUNT}:role/ops/worker-77ab"),
            ],
        }
    )
    attachments = {r.name: r.plain_inputs["role"] for r in monitor.by_type(ATTACHMENT)}
    assert attachments == {
        "proxy-app": "app",
        "proxy-roles.1": "app-role-4f2a9c1",
        "proxy-roles.2": "worker-77ab",
    }


@pytest.mark.parametrize(
    ("role", "rule"),
    [
        ("arn:aws:iam::999999999999:role/elsewhere", "is a role in account 999999999999"),
        ("app-*", "wildcard"),
        (f"arn:aws:iam::{ACCOUNT}:user/alice", "must be an IAM role ARN"),
    ],
)
def test_a_bad_role_from_an_output_stops_the_policy(
    monitor: RecordingMonitor, role: str, rule: str
) -> None:
    args = {"secret_name": NAME, "roles": ["app", pulumi.Output.from_input(role)]}
    with pytest.raises(ValueError, match=r"argument 'roles\[1\]'") as caught:
        mocks.run(lambda: ProxiedParameterPolicy("late", args))  # type: ignore[call-overload]
    assert rule in str(caught.value)
    assert monitor.by_type(POLICY) == []


def test_secret_name_from_an_output(monitor: RecordingMonitor) -> None:
    policy = build({"secret_name": pulumi.Output.from_input(NAME), "roles": ["app"]})
    assert policy_document(monitor) == expected_document(key=None)
    path = mocks.run(lambda: policy.parameter_path)
    assert path == f"/aws/reference/secretsmanager/{NAME}"


def test_a_bad_secret_name_from_an_output_stops_the_policy(monitor: RecordingMonitor) -> None:
    args = {"secret_name": pulumi.Output.from_input("no spaces allowed"), "roles": ["app"]}
    with pytest.raises(ValueError, match=r"argument 'secret_name' = 'no spaces allowed'"):
        mocks.run(lambda: ProxiedParameterPolicy("late", args))  # type: ignore[call-overload]
    assert monitor.by_type(POLICY) == []
    assert monitor.by_type(ATTACHMENT) == []


def test_a_role_named_twice_is_refused_at_its_position_among_outputs(
    monitor: RecordingMonitor,
) -> None:
    args = {"secret_name": NAME, "roles": [pulumi.Output.from_input("x"), "app", "app"]}
    with pytest.raises(InvalidArgumentError, match=r"names the role of roles\[1\] again"):
        mocks.run(lambda: ProxiedParameterPolicy("twice", args))  # type: ignore[call-overload]
    assert monitor.registrations == []
