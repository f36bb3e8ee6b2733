"""The Pulumi programs section 5 evaluates, one per fresh process: `python -m
benchmarks.stack_programs PROGRAM N` prints one JSON line of figures.

"-raw" programs declare by hand the pulumi-aws resources the components register (same types,
counts, inputs and dependencies), as someone not using secretkit would write them.
"-bare-component" is the control: the raw resources, each inside a minimal ComponentResource,
which shows what any one-resource component costs under the mocks.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws

from secretkit.components.strategies import PASSWORD
from secretkit.embedded import mocks

if TYPE_CHECKING:
    from secretkit.components import RotationArgs

#: One CMK for the scenarios that pass kms_key_arn (no key per secret).
SHARED_KEY_ARN = (
    f"arn:aws:kms:{mocks.REGION}:{mocks.ACCOUNT_ID}:key/0b5ec2e7-0000-4000-8000-00000000be1c"
)
#: The actions secretkit's key policy delegates to the account (kms:* spelled out).
KEY_ACTIONS = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt",
    "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation",
    "kms:EnableKey", "kms:EnableKeyRotation", "kms:Encrypt", "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListKeyRotations", "kms:ListResourceTags",
    "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:RetireGrant",
    "kms:RevokeGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion", "kms:TagResource",
    "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
]  # fmt: skip


def secret_names(n: int) -> list[str]:
    return [f"bench/secret-{i:04d}" for i in range(n)]


# --- components -------------------------------------------------------------------------------


def rotating_secrets(n: int) -> None:
    """N RotatingSecrets as documented: each with its own CMK and rotation function. Rotation
    alarms off: raw_rotating_secrets writes the same AWS resources by hand, and the alarms'
    five resources per secret are counted by the shared-function scenario (on there)."""
    from secretkit.components import RotatingSecret  # noqa: PLC0415

    for i, name in enumerate(secret_names(n)):
        rotation: RotationArgs = {"strategy": PASSWORD.name, "automatically_after_days": 30}
        RotatingSecret(
            f"s{i}", {"secret_name": name, "rotation": rotation, "alarms": {"enabled": False}}
        )


def rotating_secrets_shared_key(n: int) -> None:
    """N RotatingSecrets under one given CMK (kms_key_arn), each with its own function."""
    from secretkit.components import RotatingSecret  # noqa: PLC0415

    for i, name in enumerate(secret_names(n)):
        rotation: RotationArgs = {"strategy": PASSWORD.name, "automatically_after_days": 30}
        RotatingSecret(
            f"s{i}", {"secret_name": name, "kms_key_arn": SHARED_KEY_ARN, "rotation": rotation}
        )


def rotating_secrets_shared_function(n: int) -> None:
    """N RotatingSecrets rotated by one shared RotationFunction (members use its key)."""
    from secretkit.components import RotatingSecret, RotationFunction  # noqa: PLC0415

    shared = RotationFunction("shared", {"strategy": PASSWORD.name})
    for i, name in enumerate(secret_names(n)):
        rotation: RotationArgs = {
            "strategy": PASSWORD.name,
            "function": shared,
            "automatically_after_days": 30,
        }
        RotatingSecret(f"s{i}", {"secret_name": name, "rotation": rotation})


def secure_parameters(n: int) -> None:
    """N SecureParameters as documented (standard tier, the free aws/ssm key)."""
    from secretkit.components import SecureParameter  # noqa: PLC0415

    for i in range(n):
        value = pulumi.Output.secret(f"value-{i}")
        SecureParameter(f"p{i}", {"parameter_name": f"/bench/param-{i:04d}", "value": value})


# --- the same resources by hand -----------------------------------------------------------------


def raw_rotating_secrets(n: int) -> None:
    """What rotating_secrets registers, written with pulumi-aws directly."""
    from secretkit.components.rotation.artifact import artifact_for  # noqa: PLC0415 - the handlers' files

    partition = aws.get_partition_output().partition
    region = aws.get_region_output().region
    account = aws.get_caller_identity_output().account_id
    code = pulumi.AssetArchive(
        {
            name: pulumi.FileAsset(str(path))
            for name, path in artifact_for(PASSWORD.module).files.items()
        }
    )
    assume_role = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AssumedByLambda",
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    root = pulumi.Output.concat("arn:", partition, ":iam::", account, ":root")
    for i, secret_name in enumerate(secret_names(n)):
        name = f"s{i}"
        key = aws.kms.Key(
            f"{name}-key",
            description=f"Encrypts Secrets Manager secret {secret_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "DelegateToAccountIam",
                            "Effect": "Allow",
                            "Principal": {"AWS": root},
                            "Action": KEY_ACTIONS,
                            "Resource": "*",
                        }
                    ],
                }
            ),
        )
        secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=secret_name,
            kms_key_id=key.arn,
            recovery_window_in_days=30,
            tags={"secretkit:strategy": PASSWORD.name},
        )
        version = aws.secretsmanager.SecretVersion(
            f"{name}-initial",
            secret_id=secret.id,
            secret_string_wo=pulumi.Output.secret(
                json.dumps({"password": secrets.token_urlsafe(24)})
            ),
            secret_string_wo_version=1,
        )
        log_group = aws.cloudwatch.LogGroup(f"{name}-rotation", retention_in_days=30)
        role = aws.iam.Role(
            f"{name}-rotation",
            description="Rotates one Secrets Manager secret",
            assume_role_policy=assume_role,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-rotation",
            role=role.id,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "RotateThisSecret",
                            "Effect": "Allow",
                            "Action": [
                                "secretsmanager:DescribeSecret",
                                "secretsmanager:GetSecretValue",
                                "secretsmanager:PutSecretValue",
                                "secretsmanager:UpdateSecretVersionStage",
                            ],
                            "Resource": [secret.arn],
                        },
                        {
                            "Sid": "UseKeyForThisSecret",
                            "Effect": "Allow",
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                            "Resource": [key.arn],
                            "Condition": {
                                "StringEquals": {
                                    "kms:ViaService": pulumi.Output.concat(
                                        "secretsmanager.", region, ".amazonaws.com"
                                    ),
                                    "kms:EncryptionContext:SecretARN": secret.arn,
                                }
                            },
                        },
                        {
                            "Sid": "WriteOwnLogs",
                            "Effect": "Allow",
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Resource": [pulumi.Output.concat(log_group.arn, ":*")],
                        },
                    ],
                }
            ),
        )
        function = aws.lambda_.Function(
            f"{name}-rotation",
            code=code,
            handler=f"{PASSWORD.import_path}.lambda_handler",
            runtime="python3.13",
            role=role.arn,
            architectures=["arm64"],
            timeout=30,
            memory_size=128,
            description="Rotates one Secrets Manager secret",
            environment={"variables": {"EXCLUDE_CHARACTERS": "/@\"'\\", "PASSWORD_LENGTH": "32"}},
            logging_config={"log_group": log_group.name, "log_format": "Text"},
            opts=pulumi.ResourceOptions(depends_on=[policy]),
        )
        permission = aws.lambda_.Permission(
            f"{name}-rotation",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="secretsmanager.amazonaws.com",
            source_account=account,
            source_arn=secret.arn,
        )
        aws.secretsmanager.SecretRotation(
            f"{name}-rotation",
            secret_id=secret.id,
            rotation_lambda_arn=function.arn,
            rotation_rules={"automatically_after_days": 30},
            rotate_immediately=True,
            opts=pulumi.ResourceOptions(depends_on=[version, policy, permission]),
        )


def raw_secure_parameters(n: int) -> None:
    """What secure_parameters registers, written with pulumi-aws directly."""
    for i in range(n):
        aws.ssm.Parameter(
            f"p{i}-parameter",
            name=f"/bench/param-{i:04d}",
            type="SecureString",
            tier="Standard",
            key_id="alias/aws/ssm",
            value_wo=pulumi.Output.secret(f"value-{i}"),
            value_wo_version=1,
        )


class BareComponent(pulumi.ComponentResource):
    """The least a one-resource component can be: the same type token as SecureParameter, the
    same Parameter as raw_secure_parameters (parent=self), two outputs; no validation, no
    gate, no context look-up. What any component pays under the mocks for being one."""

    def __init__(self, name: str, parameter_name: str, value: pulumi.Input[str]) -> None:
        super().__init__("secretkit:index:SecureParameter", name, None, None)
        parameter = aws.ssm.Parameter(
            f"{name}-parameter",
            name=parameter_name,
            type="SecureString",
            tier="Standard",
            key_id="alias/aws/ssm",
            value_wo=value,
            value_wo_version=1,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"parameter_arn": parameter.arn, "parameter_name": parameter.name})


def bare_component_parameters(n: int) -> None:
    """The control: raw_secure_parameters' Parameter, each inside a minimal component."""
    for i in range(n):
        BareComponent(f"p{i}", f"/bench/param-{i:04d}", pulumi.Output.secret(f"value-{i}"))


PROGRAMS: dict[str, Callable[[int], None]] = {
    "rotating-secret": rotating_secrets,
    "rotating-secret-raw": raw_rotating_secrets,
    "rotating-secret-shared-key": rotating_secrets_shared_key,
    "rotating-secret-shared-function": rotating_secrets_shared_function,
    "secure-parameter": secure_parameters,
    "secure-parameter-raw": raw_secure_parameters,
    "secure-parameter-bare-component": bare_component_parameters,
}


# --- measuring one evaluation ----------------------------------------------------------------


def peak_rss_kib() -> int:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's peak
    carried over the exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource  # noqa: PLC0415 - not Linux: the best available

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def evaluate(program: str, n: int) -> dict[str, Any]:
    """Run one program under secretkit's recording mocks; time, memory and what it registered."""
    # Imported before the clock starts, by every program alike (raw ones too), so that time
    # and memory compare the evaluations, not the imports. secretkit.components loads each
    # public name's module on first use (its __getattr__): touch them all here.
    import secretkit.components as public  # noqa: PLC0415
    from secretkit.components.rotation import artifact as lambda_artifact  # noqa: PLC0415, F401

    for name in public.__all__:
        getattr(public, name)

    before_kib = peak_rss_kib()
    start = time.perf_counter()
    monitor = mocks.install()
    result: dict[str, Any] = {"program": program, "n": n}
    try:
        mocks.run(lambda: PROGRAMS[program](n))
    except Exception as error:
        return {**result, "status": "error", "error": f"{type(error).__name__}: {error}"}
    seconds = time.perf_counter() - start
    custom = Counter(r.type for r in monitor.registrations if r.custom)
    return {
        **result,
        "status": "ok",
        "seconds": seconds,
        "registrations": len(monitor.registrations),
        "aws_resources": sum(custom.values()),
        "component_resources": sum(1 for r in monitor.registrations if not r.custom),
        "types": dict(sorted(custom.items())),
        "peak_rss_mib": peak_rss_kib() / 1024,
        "rss_before_program_mib": before_kib / 1024,
    }


def main(argv: list[str]) -> int:
    program, n = argv[0], int(argv[1])
    print(json.dumps(evaluate(program, n)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
