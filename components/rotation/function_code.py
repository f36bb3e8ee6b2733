"""What a rotation function runs with: the strategy's artifact (and CA bundle), the environment
its handlers read, the master secret its role may read, and advice that is not an error."""

from __future__ import annotations

from pathlib import Path

import pulumi

from rotation_handlers.database import CA_BUNDLE_VARIABLE, TLS_MODE_VARIABLE
from secretkit.components import limits, strategies
from secretkit.components.iam.master_secret import MasterSecret
from secretkit.components.rotation.artifact import HandlerArtifact, rotation_artifact
from secretkit.components.rotation.code_args import RotationCode
from secretkit.components.rotation.function_settings import FunctionSettings

#: Where the CA bundle lands in the function (Lambda unpacks the artifact in /var/task).
CA_BUNDLE_NAME = "ca_bundle.pem"
CA_BUNDLE_IN_LAMBDA = f"/var/task/{CA_BUNDLE_NAME}"


def strategy_artifact(
    strategy: str, handler_module: str | None, ca_bundle_path: str | None
) -> HandlerArtifact:
    """The strategy's handlers (and driver), plus the CA bundle when one is given."""
    artifact = rotation_artifact(strategy, handler_module)
    if ca_bundle_path is not None:
        artifact = artifact.with_files({CA_BUNDLE_NAME: Path(ca_bundle_path).resolve()})
    return artifact


def tls_warnings(strategy: str, tls: str | None, ca_bundle_path: str | None) -> list[str]:
    """'verify' without a CA bundle verifies against Lambda's system CAs only."""
    if strategies.connects_to_database(strategy) and tls == "verify" and ca_bundle_path is None:
        return [
            f"the {strategy} rotation function verifies the database's certificate (tls "
            "'verify') against Lambda's system CAs only, which do not include the CAs of Amazon "
            "RDS or Aurora: give ca_bundle_path (the RDS bundle, global-bundle.pem) or rotation "
            "fails with a certificate error against an RDS database."
        ]
    return []


def function_warnings(strategy: str, function: FunctionSettings) -> list[str]:
    """Advice about a rotation function that is not an error."""
    if strategies.connects_to_database(strategy) and function.vpc is None:
        return [
            f"the {strategy} rotation function runs outside any VPC: it can "
            "only reach a publicly accessible database. Give vpc_config (subnets with a route "
            "to Secrets Manager, and a security group the database admits)."
        ]
    return []


def master_secret(code: RotationCode) -> MasterSecret | None:
    """The master secret an alternating-users function logs in with (its role may read it)."""
    if code.master_secret_arn is None:
        return None
    return MasterSecret(code.master_secret_arn, code.master_secret_kms_key_arn)


def code_environment(code: RotationCode) -> dict[str, pulumi.Input[str]]:
    """The variables the handlers read besides the function settings': the master secret's ARN,
    the TLS mode (set whenever the strategy has one, so the deployed behaviour is explicit) and
    where the CA bundle is."""
    environment: dict[str, pulumi.Input[str]] = {}
    if code.master_secret_arn is not None:
        environment["MASTER_SECRET_ARN"] = code.master_secret_arn
    if code.tls is not None:
        environment[TLS_MODE_VARIABLE] = code.tls
    if code.ca_bundle_path is not None:
        environment[CA_BUNDLE_VARIABLE] = CA_BUNDLE_IN_LAMBDA
    return environment


def code_environment_bounds(code: RotationCode) -> dict[str, str | int]:
    """code_environment's variables, an Output (the master secret's ARN) counted as the longest
    value it can be: what check_environment adds to a function's environment before deploy."""
    return {
        name: value if isinstance(value, str) else limits.SECRET_ARN_LONGEST
        for name, value in code_environment(code).items()
    }
