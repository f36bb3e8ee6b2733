"""Reference stack: a rotating secret and a SecureParameter sharing one CMK, read by one role
(and, when configured, a DynamicParameter the role reads too)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from secretkit import (
    CrossRegionReplicatedSecret,
    DynamicParameter,
    ProxiedParameterPolicy,
    RotatingSecret,
    RotatingSecretArgs,
    SecureParameter,
    SecureParameterArgs,
)
from secretkit.components.aws_context import lookup_aws_context
from secretkit.components.iam.arns import account_root_arn, parameter_arn, secret_arn_pattern
from secretkit.components.iam.cross_account import foreign_decrypt_statement
from secretkit.components.iam.documents import service_assume_role_policy
from secretkit.components.iam.shared_parameter import shared_parameter_decrypt_statement
from secretkit.components.kms_key import create_kms_key

# Every setting and its default is declared in Pulumi.yaml (config:).
config = pulumi.Config()
aws_context = lookup_aws_context()

# Readers of the rotating secret and the parameter in other accounts (role ARNs or account ids).
# The shared key is created here, not by the components, so its policy gets their Decrypt
# statements here too: through Secrets Manager for the secret, through Parameter Store for the
# parameter (which is shared with their accounts through AWS RAM).
cross_account_readers: list[str] = config.require_object("crossAccountReaders")
foreign_principals = [
    account_root_arn(aws_context.partition, reader) if reader.isdigit() else reader
    for reader in cross_account_readers
]
foreign_decrypt = (
    [
        foreign_decrypt_statement(
            foreign_principals,
            secret_arn_pattern(aws_context.scope(), config.require("secretName")),
            aws_context.region,
        ),
        shared_parameter_decrypt_statement(
            foreign_principals,
            parameter_arn(
                aws_context.partition,
                aws_context.region,
                aws_context.account_id,
                config.require("parameterName"),
            ),
            aws_context.region,
        ),
    ]
    if cross_account_readers
    else []
)

# One CMK for both components: every key costs $1/month, and the grants below scope each use of
# it to one secret or parameter through the encryption context.
shared_key = create_kms_key(
    "shared-key",
    description="secretkit reference stack: encrypts the secret and the parameter",
    context=aws_context,
    administrators=config.require_object("kmsKeyAdministrators"),
    extra_statements=foreign_decrypt,
    opts=pulumi.ResourceOptions(),
)

reader = aws.iam.Role(
    "reader",
    description="Reads the reference stack's secret and parameter, nothing else",
    assume_role_policy=pulumi.Output.json_dumps(
        service_assume_role_policy(config.require("readerServicePrincipal"))
    ),
)

secret_args: RotatingSecretArgs = {
    "secret_name": config.require("secretName"),
    "kms_key_arn": shared_key.arn,
    "secret_template": {"username": config.require("secretUsername")},
    "rotation": {
        "strategy": "password",
        "schedule_expression": config.require("rotationSchedule"),
        "rotate_immediately": config.require_bool("rotateImmediately"),
    },
    "password_policy": {"length": config.require_int("passwordLength")},
    "architecture": config.require("lambdaArchitecture"),
    "log_retention_days": config.require_int("logRetentionDays"),
}
if cross_account_readers:
    secret_args["readers"] = cross_account_readers
    secret_args["key_policy_allows_foreign_readers"] = True  # the statement above
secret = RotatingSecret("app-secret", secret_args)
secret.grant_read(reader)

parameter_args: SecureParameterArgs = {
    "parameter_name": config.require("parameterName"),
    "value": config.require_secret("parameterValue"),
    "kms_key_arn": shared_key.arn,
}
if cross_account_readers:  # Advanced tier and a RAM share; the key statement is above
    parameter_args["readers"] = cross_account_readers
    parameter_args["key_policy_allows_foreign_readers"] = True
unchanged_for = config.get("parameterNotifyIfUnchangedFor")
if unchanged_for:
    parameter_args["notify_if_unchanged_for"] = unchanged_for
parameter = SecureParameter("app-config", parameter_args)
parameter.grant_read(reader)

# The same secret, readable through Parameter Store's reference path (e.g. ECS valueFrom).
proxy = ProxiedParameterPolicy("app-secret-proxy", {"secret": secret, "roles": [reader]})

replica_regions = config.require_object("replicaRegions")
if replica_regions:
    shared = CrossRegionReplicatedSecret(
        "shared-token",
        {
            "secret_name": config.require("replicatedSecretName"),
            "kms_key_arn": shared_key.arn,
            "secret_template": {"client": "secretkit"},
            "replica_regions": replica_regions,
        },
    )
    shared.grant_read(reader)
    pulumi.export("replicatedSecretArns", shared.replica_secret_arns)

# Configuration that changes at run time (AppConfig), read by the same role; off unless an
# application name is configured.
app_config_application = config.get("appConfigApplicationName")
if app_config_application:
    tunables = DynamicParameter(
        "app-tunables",
        {
            "application_name": app_config_application,
            "environment_name": config.require("appConfigEnvironmentName"),
            "profile_name": config.require("appConfigProfileName"),
            "content": config.require("appConfigContent"),  # JSON text
            "json_schema": config.require("appConfigJsonSchema"),
            "deployment_strategy": config.require("appConfigDeploymentStrategy"),
        },
    )
    tunables.grant_read(reader)
    pulumi.export("appConfigApplicationId", tunables.application_id)
    pulumi.export("appConfigEnvironmentId", tunables.environment_id)
    pulumi.export("appConfigProfileId", tunables.configuration_profile_id)
    pulumi.export("appConfigDeploymentNumber", tunables.deployment_number)

pulumi.export("secretArn", secret.secret_arn)
pulumi.export("secretName", secret.secret_name)
pulumi.export("kmsKeyArn", shared_key.arn)
pulumi.export("rotationFunctionArn", secret.rotation_function_arn)
pulumi.export("rotationRoleName", secret.rotation_role_name)
pulumi.export("parameterArn", parameter.parameter_arn)
pulumi.export("parameterName", parameter.parameter_name)
pulumi.export("parameterTier", parameter.tier)
pulumi.export("notificationTopicArn", parameter.notification_topic_arn)
pulumi.export("readerRoleArn", reader.arn)
pulumi.export("proxyParameterPath", proxy.parameter_path)
if cross_account_readers:
    # What each reader's role must hold in its own account (the other half of the grant).
    pulumi.export("crossAccountReaderPolicy", secret.reader_identity_policy())
    pulumi.export("crossAccountParameterReaderPolicy", parameter.reader_identity_policy())
