"""Issue 12, item 3: a wildcard in an ARN argument never reaches a grant, and the least-privilege
checks (library and policy pack) flag partial wildcards on data actions, not only "*"."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from policy import secretkit_policies as pack
from secretkit.components import (
    CrossRegionReplicatedSecret,
    InvalidArgumentError,
    ProxiedParameterPolicy,
    RotatingSecret,
    SecureParameter,
)
from secretkit.components.iam.arns import AccountScope
from secretkit.components.iam.least_privilege import violations
from secretkit.components.iam.proxy import proxy_policy
from secretkit.components.iam.shared_function import member_resource_policy
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from tests.policy.test_policy_pack import check

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MASTER = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db/master-AbCdEf"
SECRETS = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"

#: Master secret ARNs that would grant more than one secret, or name none exactly.
BAD_MASTERS = [
    pytest.param(f"{SECRETS}*", id="every-secret"),
    pytest.param(f"{SECRETS}master-??????", id="question-marks"),
    pytest.param(f"{SECRETS}prod/*", id="prefix"),
    pytest.param(f"{SECRETS}prod/db/master", id="no-suffix"),
    pytest.param(f"{SECRETS}prod/db/master-AbCdE", id="short-suffix"),
    pytest.param(f"{SECRETS}prod/db/master-AbCd?f", id="one-wildcard-in-suffix"),
    pytest.param(f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:prod/db/master-AbCdEf", id="region"),
    pytest.param(f"{MASTER}\n", id="trailing-newline"),
]


def only_components(monitor: RecordingMonitor) -> bool:
    return all(not r.custom for r in monitor.registrations)


def multi_user(master: str, **rotation: Any) -> dict[str, Any]:
    return {
        "secret_name": "prod/db/app",
        "secret_template": {"username": "app"},
        "rotation": {
            "strategy": "postgres-multi-user",
            "automatically_after_days": 30,
            "master_secret_arn": master,
            **rotation,
        },
    }


@pytest.mark.parametrize("master", BAD_MASTERS)
def test_a_wildcard_or_partial_master_secret_arn_is_refused(
    monitor: RecordingMonitor, master: str
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotatingSecret("db", multi_user(master)))  # type: ignore[call-overload]
    assert caught.value.argument == "rotation.master_secret_arn"
    assert monitor.registrations == []


@pytest.mark.parametrize("master", BAD_MASTERS[:3])
def test_a_shared_function_refuses_a_wildcard_master_secret(
    monitor: RecordingMonitor, master: str
) -> None:
    args = {"strategy": "mysql-multi-user", "master_secret_arn": master}
    with pytest.raises(InvalidArgumentError, match="exactly one resource") as caught:
        mocks.run(lambda: RotationFunction("shared", args))  # type: ignore[call-overload]
    assert caught.value.argument == "master_secret_arn"
    assert monitor.registrations == []


def test_the_complete_master_secret_arn_is_the_only_one_granted(monitor: RecordingMonitor) -> None:
    mocks.run(lambda: RotatingSecret("db", multi_user(MASTER)).secret_arn)  # type: ignore[call-overload]
    role_policy = next(
        r for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy") if r.name == "db-rotation"
    )
    document = json.loads(role_policy.plain_inputs["policy"])
    by_sid = {s["Sid"]: s for s in document["Statement"]}
    assert by_sid["ReadMasterSecret"]["Resource"] == [MASTER]
    assert violations(document) == []


WILDCARD_ARGUMENTS = [
    pytest.param(
        RotatingSecret,
        {"secret_name": "s", "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"},
        "kms_key_arn",
        id="secret-key",
    ),
    pytest.param(
        RotatingSecret,
        multi_user(MASTER, master_secret_kms_key_arn=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"),
        "rotation.master_secret_kms_key_arn",
        id="master-key",
    ),
    pytest.param(
        RotatingSecret,
        {"secret_name": "s", "key_administrators": [f"arn:aws:iam::{ACCOUNT}:role/*"]},
        "key_administrators[0]",
        id="key-administrators",
    ),
    pytest.param(
        RotatingSecret,
        {"secret_name": "s", "readers": [f"arn:aws:iam::{ACCOUNT}:role/app-*"]},
        "readers[0]",
        id="reader-arn",
    ),
    pytest.param(
        RotatingSecret, {"secret_name": "s", "readers": ["app-?"]}, "readers[0]", id="reader"
    ),
    pytest.param(
        RotatingSecret,
        {
            "secret_name": "s",
            "permissions_boundary_arn": f"arn:aws:iam::{ACCOUNT}:policy/boundary-*",
        },
        "permissions_boundary_arn",
        id="permissions-boundary",
    ),
    pytest.param(
        SecureParameter,
        {
            "parameter_name": "/app/x",
            "value": "v",
            "expires_at": "2099-01-01T00:00:00Z",
            "notification_topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:*",
        },
        "notification_topic_arn",
        id="topic",
    ),
    pytest.param(
        SecureParameter,
        {"parameter_name": "/app/x", "value": "v", "readers": ["*"]},
        "readers[0]",
        id="parameter-reader",
    ),
    pytest.param(
        CrossRegionReplicatedSecret,
        {
            "secret_name": "s",
            "replica_regions": [
                {"region": "eu-west-1", "kms_key_arn": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/*"}
            ],
        },
        "replica_regions[0].kms_key_arn",
        id="replica-key",
    ),
    pytest.param(
        ProxiedParameterPolicy,
        {"secret_name": "s", "roles": [f"arn:aws:iam::{ACCOUNT}:role/*"]},
        "roles[0]",
        id="proxy-role",
    ),
    pytest.param(
        ProxiedParameterPolicy,
        {"secret_name": "s*"},
        "secret_name",
        id="proxy-secret-name",
    ),
]


@pytest.mark.parametrize(("component", "args", "argument"), WILDCARD_ARGUMENTS)
def test_every_arn_argument_refuses_wildcards(
    monitor: RecordingMonitor, component: Any, args: dict[str, Any], argument: str
) -> None:
    if component is RotatingSecret and "rotation" not in args:
        args = {**args, "rotation": {"strategy": "password", "automatically_after_days": 30}}
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: component("c", args))
    assert caught.value.argument == argument
    assert monitor.registrations == []


def test_a_wildcard_key_arn_known_only_at_deployment_stops_every_child(
    monitor: RecordingMonitor,
) -> None:
    args = {
        "secret_name": "s",
        "kms_key_arn": pulumi.Output.from_input(f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"),
        "rotation": {"strategy": "password", "automatically_after_days": 30},
    }
    with pytest.raises(ValueError, match=r"argument 'kms_key_arn'.*exactly one resource"):
        mocks.run(lambda: RotatingSecret("late", args).secret_arn)  # type: ignore[call-overload]
    assert only_components(monitor)


# --- least_privilege.violations -----------------------------------------------------------------


def one(statement: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}


PARTIAL_WILDCARDS = [
    pytest.param(
        one({"Sid": "S", "Action": ["secretsmanager:GetSecretValue"], "Resource": f"{SECRETS}*"}),
        "S: wildcard resource '" + SECRETS + "*' for secretsmanager:GetSecretValue",
        id="every-secret",
    ),
    pytest.param(
        one({"Sid": "S", "Action": "secretsmanager:PutSecretValue", "Resource": [f"{SECRETS}a/*"]}),
        "S: wildcard resource '" + SECRETS + "a/*' for secretsmanager:PutSecretValue",
        id="write-prefix",
    ),
    pytest.param(
        one(
            {
                "Sid": "S",
                "Action": ["ssm:GetParameter"],
                "Resource": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/?",
            }
        ),
        f"S: wildcard resource 'arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/app/?' for "
        "ssm:GetParameter",
        id="parameter-question-mark",
    ),
    pytest.param(
        one(
            {
                "Sid": "K",
                "Action": ["kms:Decrypt"],
                "Resource": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*",
                "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.x"}},
            }
        ),
        f"K: wildcard resource 'arn:aws:kms:{REGION}:{ACCOUNT}:key/*' for kms:Decrypt",
        id="every-key",
    ),
    pytest.param(
        one({"Sid": "S", "Action": ["secretsmanager:GetSecretValue"], "Resource": f"{SECRETS}a-*"}),
        "S: wildcard resource '" + SECRETS + "a-*' for secretsmanager:GetSecretValue",
        id="star-suffix-matches-other-secrets",
    ),
]


@pytest.mark.parametrize(("document", "expected"), PARTIAL_WILDCARDS)
def test_partial_wildcards_on_data_actions_are_violations(
    document: dict[str, Any], expected: str
) -> None:
    assert expected in violations(document)


def test_the_one_secret_pattern_and_non_data_actions_pass() -> None:
    exact = one(
        {"Action": ["secretsmanager:GetSecretValue"], "Resource": [f"{SECRETS}prod/app-??????"]}
    )
    logs = one(
        {
            "Action": ["logs:PutLogEvents"],
            "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:g:*"],
        }
    )
    enis = one(
        {
            "Action": ["ec2:DeleteNetworkInterface"],
            "Resource": [f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/*"],
        }
    )
    for document in (exact, logs, enis):
        assert violations(document) == []
    # '?' inside the name is a wildcard again, and so is a wildcard action on a prefix.
    inside = one({"Action": "secretsmanager:GetSecretValue", "Resource": f"{SECRETS}a?b-??????"})
    assert violations(inside)
    action = one({"Action": "secretsmanager:Get*", "Resource": f"{SECRETS}prod/*"})
    assert any("wildcard resource" in v for v in violations(action))


def test_what_secretkit_generates_with_the_pattern_passes() -> None:
    scope = AccountScope("aws", REGION, ACCOUNT)
    member = member_resource_policy("prod/app", f"arn:aws:iam::{ACCOUNT}:role/r", "fn", scope)
    proxy = proxy_policy("aws", REGION, ACCOUNT, "prod/app", KEY)
    assert violations(member) == []
    assert violations(proxy) == []


# --- the policy pack ----------------------------------------------------------------------------


def pack_findings(document: dict[str, Any], type_: str = "aws:iam/policy:Policy") -> list[str]:
    return check(pack.NO_STAR_SECRET_READS, type_, {"policy": json.dumps(document)})


@pytest.mark.parametrize(("document", "expected"), PARTIAL_WILDCARDS)
def test_the_policy_pack_flags_partial_wildcards(document: dict[str, Any], expected: str) -> None:
    assert pack_findings(document) == [f"policy: {expected}"]


def test_the_policy_pack_flags_writes_on_star_and_not_resource() -> None:
    write = one({"Sid": "W", "Action": "ssm:PutParameter", "Resource": "*"})
    assert pack_findings(write) == ["policy: W: Resource '*' for ssm:PutParameter"]
    not_resource = {
        "Statement": [
            {
                "Sid": "N",
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "NotResource": f"{SECRETS}other-AbCdEf",
            }
        ]
    }
    assert pack_findings(not_resource) == [
        "policy: N: NotResource grants secretsmanager:GetSecretValue on every other resource"
    ]


def test_the_policy_pack_passes_the_one_secret_pattern_and_resource_policies() -> None:
    exact = one({"Action": "secretsmanager:GetSecretValue", "Resource": f"{SECRETS}app-??????"})
    assert pack_findings(exact) == []
    secret_policy = one(
        {"Action": "secretsmanager:GetSecretValue", "Resource": "*", "Principal": {"AWS": "x"}}
    )
    assert pack_findings(secret_policy, "aws:secretsmanager/secretPolicy:SecretPolicy") == []
