"""RotatingSecret with the database strategies under Pulumi mocks: code, rights, environment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from secretkit.components import InvalidArgumentError, RotatingSecret
from secretkit.components.iam.least_privilege import violations
from secretkit.components.secrets.rotating_secret_args import parse_rotating_secret_args
from secretkit.components.secrets.rotation_spec import secret_rotation_artifact
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor, is_secret
from tests.components.helpers import build_component, policy_of, statements_by_sid, the

ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
MASTER_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db/master-AbCdEf"
MASTER_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0000abcd-12ab-34cd-56ef-1234567890ab"
VPC = {"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_ids": ["sg-0123456789abcdef0"]}
TEMPLATE = {"engine": "postgres", "host": "db.internal", "port": 5432, "username": "orders"}
FUNCTION = "aws:lambda/function:Function"


def db_args(strategy: str = "postgres-single-user", **rotation: Any) -> dict[str, Any]:
    return {
        "secret_name": "prod/orders/db",
        "secret_template": dict(TEMPLATE),
        "vpc_config": VPC,
        "rotation": {"strategy": strategy, "automatically_after_days": 30, **rotation},
    }


def build(args: dict[str, Any]) -> RotatingSecret:
    return build_component(RotatingSecret, "orders-db", args, "secret_arn")


def test_single_user_ships_the_driver_and_records_the_artifact_size(
    monitor: RecordingMonitor,
) -> None:
    secret = build(db_args())
    function = the(monitor, FUNCTION)
    assert (
        function.plain_inputs["handler"] == "rotation_handlers.postgres_single_user.lambda_handler"
    )
    assets = function.inputs["code"].assets
    assert "pg8000/native.py" in assets
    assert "scramp/core.py" in assets
    rotation = parse_rotating_secret_args(db_args()).rotation
    assert rotation is not None
    expected = secret_rotation_artifact(rotation).zipped_size()
    assert mocks.run(lambda: secret.rotation_artifact_size) == expected
    assert 50_000 < expected < 1_500_000
    # Single user: no master secret, so no extra rights and no MASTER_SECRET_ARN.
    policy = statements_by_sid(policy_of(the(monitor, "aws:iam/rolePolicy:RolePolicy")))
    assert "ReadMasterSecret" not in policy
    assert "MASTER_SECRET_ARN" not in function.plain_inputs["environment"]["variables"]


def test_multi_user_reads_the_master_secret_and_decrypts_only_it(
    monitor: RecordingMonitor,
) -> None:
    build(
        db_args(
            "postgres-multi-user",
            master_secret_arn=MASTER_ARN,
            master_secret_kms_key_arn=MASTER_KEY,
        )
    )
    document = policy_of(the(monitor, "aws:iam/rolePolicy:RolePolicy"))
    by_sid = statements_by_sid(document)
    assert by_sid["ReadMasterSecret"]["Action"] == ["secretsmanager:GetSecretValue"]
    assert by_sid["ReadMasterSecret"]["Resource"] == [MASTER_ARN]
    assert by_sid["DecryptMasterSecret"]["Action"] == ["kms:Decrypt"]
    assert by_sid["DecryptMasterSecret"]["Resource"] == [MASTER_KEY]
    assert by_sid["DecryptMasterSecret"]["Condition"]["StringEquals"] == {
        "kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com",
        "kms:EncryptionContext:SecretARN": MASTER_ARN,
    }
    assert violations(document) == []
    function = the(monitor, FUNCTION).plain_inputs
    assert function["environment"]["variables"]["MASTER_SECRET_ARN"] == MASTER_ARN
    assert function["handler"] == "rotation_handlers.postgres_multi_user.lambda_handler"
    initial = the(monitor, "aws:secretsmanager/secretVersion:SecretVersion")
    assert is_secret(initial.inputs["secretStringWo"])
    value = json.loads(initial.plain_inputs["secretStringWo"])
    assert value["masterarn"] == MASTER_ARN
    assert value["username"] == "orders"


def test_master_under_the_aws_managed_key_needs_no_kms_statement(
    monitor: RecordingMonitor,
) -> None:
    build(db_args("mysql-multi-user", master_secret_arn=MASTER_ARN))
    by_sid = statements_by_sid(policy_of(the(monitor, "aws:iam/rolePolicy:RolePolicy")))
    assert "ReadMasterSecret" in by_sid
    assert "DecryptMasterSecret" not in by_sid


def test_ca_bundle_ships_with_the_function(monitor: RecordingMonitor, tmp_path: Path) -> None:
    bundle = tmp_path / "rds-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    build(db_args(ca_bundle_path=str(bundle)))
    function = the(monitor, FUNCTION)
    assert function.plain_inputs["environment"]["variables"]["SSL_CA_BUNDLE"] == (
        "/var/task/ca_bundle.pem"
    )
    assert Path(function.inputs["code"].assets["ca_bundle.pem"].path) == bundle.resolve()


def test_database_strategy_without_vpc_warns(
    monitor: RecordingMonitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: messages.append(message))
    args = db_args()
    del args["vpc_config"]
    build(args)
    assert any("runs outside any VPC" in m for m in messages)
    messages.clear()
    build(db_args())
    assert not any("VPC" in m for m in messages)


@pytest.mark.parametrize(
    ("rotation", "argument"),
    [
        ({"strategy": "mysql-multi-user"}, "rotation.master_secret_arn"),
        (
            {"strategy": "postgres-single-user", "master_secret_arn": MASTER_ARN},
            "rotation.master_secret_arn",
        ),
        (
            {"strategy": "postgres-multi-user", "master_secret_kms_key_arn": MASTER_KEY},
            "rotation.master_secret_arn",
        ),
        (
            {
                "strategy": "postgres-multi-user",
                "master_secret_arn": MASTER_ARN,
                "master_secret_kms_key_arn": "alias/master",
            },
            "rotation.master_secret_kms_key_arn",
        ),
        ({"strategy": "password", "ca_bundle_path": "/etc/hosts"}, "rotation.ca_bundle_path"),
        (
            {"strategy": "postgres-single-user", "ca_bundle_path": "/no/such/file.pem"},
            "rotation.ca_bundle_path",
        ),
        (
            {"strategy": "postgres-single-user", "ca_bundle_path": "/etc/hostname"},
            "rotation.ca_bundle_path",
        ),
    ],
)
def test_bad_database_rotation_input_is_refused(
    monitor: RecordingMonitor, rotation: dict[str, Any], argument: str
) -> None:
    args = db_args()
    args["rotation"] = {"automatically_after_days": 30, **rotation}
    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(lambda: RotatingSecret("bad", args))  # type: ignore[call-overload]
    assert caught.value.argument == argument
    assert monitor.registrations == []
