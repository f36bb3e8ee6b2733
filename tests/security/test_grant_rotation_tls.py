"""rotation.tls: the component decides how much TLS the rotation function insists on and says so
in the function's environment (TLS_MODE), for every database rotation; a bad value is refused
before anything is registered, and the secret's value cannot choose it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from rotation_handlers.database import DEFAULT_TLS_MODE, TLS_MODE_VARIABLE, TLS_MODES
from secretkit.components import CrossRegionReplicatedSecret, InvalidArgumentError, RotatingSecret
from secretkit.components.rotation.rotation_function import RotationFunction
from secretkit.embedded import mocks
from secretkit.embedded.mocks import RecordingMonitor
from tests.components.helpers import build_component, the

FUNCTION = "aws:lambda/function:Function"
VPC = {"subnet_ids": ["subnet-0123456789abcdef0"], "security_group_ids": ["sg-0123456789abcdef0"]}
TEMPLATE = {"engine": "postgres", "host": "db.internal", "port": 5432, "username": "orders"}
DATABASE_STRATEGIES = (
    "postgres-single-user",
    "postgres-multi-user",
    "mysql-single-user",
    "mysql-multi-user",
)
MASTER_ARN = f"arn:aws:secretsmanager:{mocks.REGION}:{mocks.ACCOUNT_ID}:secret:prod/db/master-AbCd"
CUSTOM_HANDLER = (
    "from rotation_handlers.parameter_store import ParameterRotation, handler_for\n"
    "lambda_handler = handler_for(ParameterRotation())\n"
)


def rotation(strategy: str, **extra: Any) -> dict[str, Any]:
    block: dict[str, Any] = {"strategy": strategy, "automatically_after_days": 30, **extra}
    if strategy.endswith("multi-user"):
        block["master_secret_arn"] = MASTER_ARN + "Ef"
    return block


def secret_args(strategy: str, **extra: Any) -> dict[str, Any]:
    return {
        "secret_name": "prod/orders/db",
        "secret_template": dict(TEMPLATE),
        "vpc_config": VPC,
        "rotation": rotation(strategy, **extra),
    }


def environment(monitor: RecordingMonitor) -> dict[str, str]:
    variables: dict[str, str] = the(monitor, FUNCTION).plain_inputs["environment"]["variables"]
    return variables


def pem(tmp_path: Path) -> str:
    bundle = tmp_path / "global-bundle.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    return str(bundle)


@pytest.mark.parametrize("strategy", DATABASE_STRATEGIES)
def test_every_database_rotation_is_told_its_tls_mode(
    monitor: RecordingMonitor, strategy: str
) -> None:
    build_component(RotatingSecret, "db", secret_args(strategy), "secret_arn")
    assert environment(monitor)[TLS_MODE_VARIABLE] == DEFAULT_TLS_MODE == "require"


@pytest.mark.parametrize("mode", TLS_MODES)
def test_the_chosen_mode_reaches_the_function(
    monitor: RecordingMonitor, tmp_path: Path, mode: str
) -> None:
    args = secret_args("postgres-single-user", tls=mode, ca_bundle_path=pem(tmp_path))
    build_component(RotatingSecret, "db", args, "secret_arn")
    variables = environment(monitor)
    assert variables[TLS_MODE_VARIABLE] == mode
    assert variables["SSL_CA_BUNDLE"] == "/var/task/ca_bundle.pem"


def test_a_replicated_secret_takes_rotation_tls_too(monitor: RecordingMonitor) -> None:
    args = {
        **secret_args("mysql-single-user", tls="from-secret"),
        "replica_regions": ["eu-west-1"],
    }
    build_component(CrossRegionReplicatedSecret, "db", args, "secret_arn")
    assert environment(monitor)[TLS_MODE_VARIABLE] == "from-secret"


def test_a_shared_function_owns_the_mode_of_its_members(monitor: RecordingMonitor) -> None:
    args = {"strategy": "postgres-single-user", "tls": "verify", "vpc_config": VPC}
    build_component(RotationFunction, "shared", args, "function_arn")
    assert environment(monitor)[TLS_MODE_VARIABLE] == "verify"


def test_a_shared_function_defaults_to_require(monitor: RecordingMonitor) -> None:
    args = {"strategy": "mysql-single-user", "vpc_config": VPC}
    build_component(RotationFunction, "shared", args, "function_arn")
    assert environment(monitor)[TLS_MODE_VARIABLE] == "require"


def test_a_member_cannot_weaken_its_shared_function(monitor: RecordingMonitor) -> None:
    def program() -> None:
        shared = RotationFunction("shared", {"strategy": "postgres-single-user", "tls": "verify"})
        RotatingSecret(
            "member",
            {
                "secret_name": "prod/orders/db",
                "secret_template": dict(TEMPLATE),
                "rotation": {
                    "strategy": "postgres-single-user",
                    "function": shared,
                    "automatically_after_days": 30,
                    "tls": "from-secret",
                },
            },
        )

    with pytest.raises(InvalidArgumentError) as caught:
        mocks.run(program)
    assert caught.value.argument == "rotation.tls"
    assert "belongs to the shared RotationFunction 'shared'" in str(caught.value)
    assert not monitor.by_type("secretkit:index:RotatingSecret")


def test_the_password_strategy_has_no_tls_mode(monitor: RecordingMonitor) -> None:
    args = {"secret_name": "prod/app/api", "rotation": rotation("password")}
    build_component(RotatingSecret, "api", args, "secret_arn")
    assert TLS_MODE_VARIABLE not in environment(monitor)


def test_a_custom_strategy_gets_the_mode_it_asks_for(
    monitor: RecordingMonitor, tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    module = unique_module()
    (tmp_path / f"{module}.py").write_text(CUSTOM_HANDLER)
    args = {
        "secret_name": "prod/app/custom",
        "rotation": rotation("custom", handler_module=module, tls="verify"),
    }
    build_component(RotatingSecret, "custom", args, "secret_arn")
    assert environment(monitor)[TLS_MODE_VARIABLE] == "verify"


def test_a_custom_strategy_without_tls_is_not_given_one(
    monitor: RecordingMonitor, tmp_path: Path, unique_module: Callable[[], str]
) -> None:
    module = unique_module()
    (tmp_path / f"{module}.py").write_text(CUSTOM_HANDLER)
    args = {"secret_name": "prod/app/custom", "rotation": rotation("custom", handler_module=module)}
    build_component(RotatingSecret, "custom", args, "secret_arn")
    assert TLS_MODE_VARIABLE not in environment(monitor)


@pytest.mark.parametrize("value", ["verify-full", "required", "on", "REQUIRE", "", True, 1])
def test_an_unknown_mode_is_refused_before_anything_is_registered(
    monitor: RecordingMonitor, value: Any
) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        build_component(
            RotatingSecret, "db", secret_args("postgres-single-user", tls=value), "secret_arn"
        )
    assert caught.value.argument == "rotation.tls"
    assert "'verify', 'require', 'from-secret'" in str(caught.value)
    assert monitor.registrations == []


def test_an_unknown_mode_is_refused_by_a_shared_function(monitor: RecordingMonitor) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        build_component(
            RotationFunction, "f", {"strategy": "mysql-single-user", "tls": "on"}, "function_arn"
        )
    assert caught.value.argument == "tls"
    assert monitor.registrations == []


def test_tls_is_refused_for_the_password_strategy(monitor: RecordingMonitor) -> None:
    args = {"secret_name": "prod/app/api", "rotation": rotation("password", tls="verify")}
    with pytest.raises(InvalidArgumentError) as caught:
        build_component(RotatingSecret, "api", args, "secret_arn")
    assert caught.value.argument == "rotation.tls"
    assert "only the database strategies" in str(caught.value)
    assert monitor.registrations == []


def test_tls_mode_cannot_be_set_through_the_environment(monitor: RecordingMonitor) -> None:
    args = secret_args("postgres-single-user", environment={TLS_MODE_VARIABLE: "from-secret"})
    with pytest.raises(InvalidArgumentError) as caught:
        build_component(RotatingSecret, "db", args, "secret_arn")
    assert caught.value.argument.endswith(f"environment.{TLS_MODE_VARIABLE}")
    assert "reserved" in str(caught.value)
    assert monitor.registrations == []


def test_verify_without_a_ca_bundle_warns_about_rds(
    monitor: RecordingMonitor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    messages: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: messages.append(message))
    build_component(
        RotatingSecret, "db", secret_args("mysql-single-user", tls="verify"), "secret_arn"
    )
    assert any("Lambda's system CAs only" in m and "ca_bundle_path" in m for m in messages)
    messages.clear()
    args = secret_args("mysql-single-user", tls="verify", ca_bundle_path=pem(tmp_path))
    build_component(RotatingSecret, "db2", args, "secret_arn")
    assert not any("CAs" in m for m in messages)
    messages.clear()
    build_component(
        RotationFunction, "f", {"strategy": "postgres-single-user", "tls": "verify"}, "function_arn"
    )
    assert any("Lambda's system CAs only" in m for m in messages)
