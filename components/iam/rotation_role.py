"""The rotation Lambda's permissions: exactly what the rotation protocol needs on one secret."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components.iam.arns import concat, ec2_arn, via_service
from components.iam.documents import Statement, document, statement

#: The calls the rotation protocol makes on the secret it rotates. No GetRandomPassword: the
#: handlers generate passwords locally, so nothing needs Resource "*". ListSecretVersionIds
#: (read-only, no values) finds the deprecated versions a single-user rotation falls back to
#: when an abandoned rotation left the database on a password no labelled version holds.
ROTATION_SECRET_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetSecretValue",
    "secretsmanager:ListSecretVersionIds",
    "secretsmanager:PutSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
)
#: Read the current value (Decrypt) and write the pending one (GenerateDataKey).
ROTATION_KMS_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
#: Lambda creates and removes the function's network interfaces with the execution role.
ENI_MANAGE_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:DeleteNetworkInterface",
    "ec2:UnassignPrivateIpAddresses",
)
#: Describe calls have no resource-level permissions in EC2; AWS accepts only Resource "*".
ENI_DESCRIBE_ACTIONS = ("ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets")
#: Only Lambda itself, never the function's code, may use the ENI grants. Lambda puts
#: lambda:SourceFunctionArn into the request context of every call made with the function's
#: credentials from its execution environment, and leaves it out of the EC2 calls it makes
#: outside it to create and manage the function's network interfaces (AWS Lambda developer
#: guide, "Using source function ARN to control function access behavior").
LAMBDA_SERVICE_ONLY = {"Null": {"lambda:SourceFunctionArn": "true"}}


@dataclass(frozen=True)
class AccountScope:
    """Where the function runs: the parts every ARN needs."""

    partition: pulumi.Input[str]
    region: pulumi.Input[str]
    account_id: pulumi.Input[str]


@dataclass(frozen=True)
class VpcScope:
    """The subnets and security groups a VPC-attached function uses."""

    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_ids: Sequence[pulumi.Input[str]]


def service_kms_statement(
    sid: str,
    actions: Sequence[str],
    key_arn: pulumi.Input[str],
    *,
    service: str,
    region: pulumi.Input[str],
    context: tuple[str, pulumi.Input[str]],
) -> Statement:
    """KMS use on one key, only through ``service`` in one region, only for the resource named
    by the encryption context ``context`` (key, value)."""
    context_key, context_value = context
    return statement(
        sid,
        actions,
        [key_arn],
        condition={
            "StringEquals": {
                "kms:ViaService": via_service(service, region),
                f"kms:EncryptionContext:{context_key}": context_value,
            }
        },
    )


def secret_kms_statement(
    sid: str,
    actions: Sequence[str],
    key_arn: pulumi.Input[str],
    secret_arn: pulumi.Input[str],
    region: pulumi.Input[str],
) -> Statement:
    """KMS use on one key, only through Secrets Manager in one region, only for one secret."""
    return service_kms_statement(
        sid,
        actions,
        key_arn,
        service="secretsmanager",
        region=region,
        context=("SecretARN", secret_arn),
    )


@dataclass(frozen=True)
class SecretLocation:
    """One copy of a secret: its ARN, the region it lives in and the key encrypting it there."""

    region: pulumi.Input[str]
    secret_arn: pulumi.Input[str]
    key_arn: pulumi.Input[str]


def statement_suffix(region: str) -> str:
    """'eu-west-1' -> 'EuWest1', for per-region statement ids."""
    return "".join(part.capitalize() for part in region.split("-"))


#: What Secrets Manager needs, on behalf of whoever writes a new version to the primary, to
#: re-encrypt the value into a replica region (its documented replication permissions).
REPLICA_ENCRYPT_ACTIONS = ("kms:Encrypt", "kms:GenerateDataKey")


def replica_key_statements(
    replicas: Sequence[SecretLocation], actions: Sequence[str], sid_prefix: str
) -> list[Statement]:
    """Per replica region: the actions on that region's key, through Secrets Manager there,
    for that region's copy of the secret only."""
    return [
        secret_kms_statement(
            f"{sid_prefix}{statement_suffix(str(replica.region))}",
            actions,
            replica.key_arn,
            replica.secret_arn,
            replica.region,
        )
        for replica in replicas
    ]


@dataclass(frozen=True)
class MasterSecret:
    """The secret an alternating-users rotation logs in with, and the key encrypting it."""

    arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str] | None = None


def rotation_role_policy(
    secret_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
    scope: AccountScope,
    *,
    vpc: VpcScope | None = None,
    master: MasterSecret | None = None,
    replicas: Sequence[SecretLocation] = (),
) -> dict[str, Any]:
    """The inline policy of a rotation function's role.

    With a master secret (alternating users) the role may also read that secret, and decrypt
    it through Secrets Manager when it is under a customer managed key; a master secret under
    the AWS managed key aws/secretsmanager needs no KMS statement. With replicas, each new
    version is re-encrypted into every replica region under the caller's identity, so the role
    may encrypt with each replica's key for that replica only.
    """
    statements = [
        statement("RotateThisSecret", ROTATION_SECRET_ACTIONS, [secret_arn]),
        secret_kms_statement(
            "UseKeyForThisSecret", ROTATION_KMS_ACTIONS, key_arn, secret_arn, scope.region
        ),
        *replica_key_statements(replicas, REPLICA_ENCRYPT_ACTIONS, "EncryptReplica"),
    ]
    statements.extend(function_statements(log_group_arn, scope, vpc=vpc, master=master))
    return document(*statements)


def function_statements(
    log_group_arn: pulumi.Input[str],
    scope: AccountScope,
    *,
    vpc: VpcScope | None = None,
    master: MasterSecret | None = None,
) -> list[Statement]:
    """What a rotation function needs besides the secrets it rotates: the master secret (and
    its key, when a CMK), its own log group, and its network interfaces in a VPC."""
    statements = []
    if master is not None:
        statements.append(
            statement("ReadMasterSecret", ("secretsmanager:GetSecretValue",), [master.arn])
        )
        if master.kms_key_arn is not None:
            statements.append(
                secret_kms_statement(
                    "DecryptMasterSecret",
                    ("kms:Decrypt",),
                    master.kms_key_arn,
                    master.arn,
                    scope.region,
                )
            )
    statements.append(statement("WriteOwnLogs", LOG_ACTIONS, [concat(log_group_arn, ":*")]))
    if vpc is not None:
        statements.extend(eni_statements(scope, vpc))
    return statements


def eni_statements(scope: AccountScope, vpc: VpcScope) -> list[Statement]:
    """What Lambda needs to attach the function to the VPC, scoped to its subnets and groups.

    Per the EC2 service authorization reference: CreateNetworkInterface authorizes the new
    interface (whose id is not known before), the subnet (required) and the security groups, so
    naming exactly the function's subnets and groups confines creation to them.
    DeleteNetworkInterface, AssignPrivateIpAddresses and UnassignPrivateIpAddresses authorize
    only an existing interface, with the ec2:Subnet condition key (the ARN of the interface's
    subnet): they are limited to interfaces in the function's subnets. IfExists: a request that
    names no existing interface carries no ec2:Subnet (Lambda probes the role's permissions when
    the function is created or its VPC settings change); every real interface has a subnet, so
    none outside the function's subnets is reachable. Every statement is for Lambda's own calls
    only (LAMBDA_SERVICE_ONLY): the handler's credentials cannot touch the network at all.
    """
    enis = ec2_arn(scope.partition, scope.region, scope.account_id, "network-interface/*")
    subnets = [
        ec2_arn(scope.partition, scope.region, scope.account_id, concat("subnet/", subnet))
        for subnet in vpc.subnet_ids
    ]
    groups = [
        ec2_arn(scope.partition, scope.region, scope.account_id, concat("security-group/", group))
        for group in vpc.security_group_ids
    ]
    return [
        statement(
            "CreateEniInFunctionSubnets",
            ("ec2:CreateNetworkInterface",),
            [enis, *subnets, *groups],
            condition=LAMBDA_SERVICE_ONLY,
        ),
        statement(
            "ManageFunctionEnis",
            ENI_MANAGE_ACTIONS,
            [enis],
            condition={"ArnEqualsIfExists": {"ec2:Subnet": subnets}, **LAMBDA_SERVICE_ONLY},
        ),
        # EC2 Describe* actions support no resource-level permissions; "*" is the only option.
        statement(
            "DescribeNetworkInterfaces", ENI_DESCRIBE_ACTIONS, ["*"], condition=LAMBDA_SERVICE_ONLY
        ),
    ]


#: Read the current value, write the next one.
PARAMETER_ROTATION_ACTIONS = ("ssm:GetParameter", "ssm:PutParameter")
#: Standard-tier SecureStrings are encrypted by KMS directly (Encrypt/Decrypt), Advanced ones
#: with envelope encryption (GenerateDataKey/Decrypt).
PARAMETER_KMS_ACTIONS = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")


def parameter_kms_statement(
    sid: str,
    actions: Sequence[str],
    key_arn: pulumi.Input[str],
    parameter_arn: pulumi.Input[str],
    region: pulumi.Input[str],
) -> Statement:
    """KMS use on one key, only through SSM in one region, only for one parameter."""
    return service_kms_statement(
        sid,
        actions,
        key_arn,
        service="ssm",
        region=region,
        context=("PARAMETER_ARN", parameter_arn),
    )


def parameter_rotation_policy(
    parameter_arn: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
    log_group_arn: pulumi.Input[str],
    region: pulumi.Input[str],
) -> dict[str, Any]:
    """The inline policy of a scheduled parameter-rotation function: this parameter only.

    With the AWS managed key aws/ssm no KMS statement is needed: its key policy lets principals
    of the account use it through SSM.
    """
    statements = [statement("RotateThisParameter", PARAMETER_ROTATION_ACTIONS, [parameter_arn])]
    if key_arn is not None:
        statements.append(
            parameter_kms_statement(
                "UseKeyForThisParameter", PARAMETER_KMS_ACTIONS, key_arn, parameter_arn, region
            )
        )
    statements.append(statement("WriteOwnLogs", LOG_ACTIONS, [concat(log_group_arn, ":*")]))
    return document(*statements)
