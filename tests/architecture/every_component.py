"""A program that uses every component with most of its arguments, for the registration snapshot."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_aws as aws

from secretkit.components import (
    CrossRegionReplicatedSecret,
    DynamicParameter,
    ProxiedParameterPolicy,
    RotatingSecret,
    RotationFunction,
    SecureParameter,
    VpcConfigArgs,
)
from secretkit.embedded import mocks

HERE = Path(__file__).resolve().parent
CA_BUNDLE = HERE / "ca_bundle.pem"
ACCOUNT = mocks.ACCOUNT_ID
REGION = mocks.REGION
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
REPLICA_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab"
MASTER_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db/master-AbCdEf"
MASTER_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/99999999-12ab-34cd-56ef-1234567890ab"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:ops-alerts"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/key-admins"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
VPC: VpcConfigArgs = {"subnet_ids": ["subnet-0a1b2c3d"], "security_group_ids": ["sg-0a1b2c3d"]}
TEMPLATE = {"username": "app", "host": "db.internal", "port": 5432, "dbname": "app"}
ALARM_ARN = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:checkout-5xx"


def program() -> None:
    """Register one of each component in several shapes, read by two roles."""
    reader = aws.iam.Role("reader", assume_role_policy="{}")
    generic = RotatingSecret(
        "generic",
        {
            "secret_name": "prod/app/api",
            "description": "API password",
            "key_administrators": [ADMIN],
            "secret_template": {"username": "app"},
            "readers": ["app-reader"],
            "recovery_window_in_days": 7,
            "architecture": "x86_64",
            "timeout": 60,
            "memory_size": 256,
            "permissions_boundary_arn": BOUNDARY,
            "password_policy": {"length": 40, "exclude_characters": "\"'\\"},
            "log_retention_days": 14,
            "tags": {"team": "platform"},
            "rotation": {
                "strategy": "password",
                "schedule_expression": "rate(30 days)",
                "duration": "2h",
                "rotate_immediately": False,
            },
        },
    )
    generic.grant_read(reader)
    given_key = RotatingSecret(
        "given-key",
        {
            "secret_name": "prod/app/token",
            "kms_key_arn": KEY_ARN,
            "secret_string": pulumi.Output.secret('{"token": "placeholder"}'),
            "secret_string_version": 2,
            "rotation": {"strategy": "password", "automatically_after_days": 30},
        },
    )
    given_key.grant_read("other-reader")
    for strategy in ("postgres-single-user", "mysql-single-user"):
        RotatingSecret(
            strategy,
            {
                "secret_name": f"prod/db/{strategy}",
                "secret_template": TEMPLATE,
                "vpc_config": VPC,
                "rotation": {
                    "strategy": strategy,
                    "automatically_after_days": 7,
                    "ca_bundle_path": str(CA_BUNDLE),
                    "tls": "verify",
                },
            },
        )
    for strategy in ("postgres-multi-user", "mysql-multi-user"):
        RotatingSecret(
            strategy,
            {
                "secret_name": f"prod/db/{strategy}",
                "kms_key_arn": KEY_ARN,
                "secret_template": TEMPLATE,
                "vpc_config": VPC,
                "rotation": {
                    "strategy": strategy,
                    "schedule_expression": "cron(0 4 ? * SUN *)",
                    "master_secret_arn": MASTER_ARN,
                    "master_secret_kms_key_arn": MASTER_KEY_ARN,
                },
            },
        )
    shared = RotationFunction(
        "shared",
        {
            "strategy": "postgres-multi-user",
            "master_secret_arn": MASTER_ARN,
            "ca_bundle_path": str(CA_BUNDLE),
            "vpc_config": VPC,
            "key_administrators": [ADMIN],
            "tags": {"team": "data"},
        },
    )
    for member in ("orders", "billing"):
        RotatingSecret(  # type: ignore[call-overload]
            f"member-{member}",
            {
                "secret_name": f"prod/db/{member}",
                "secret_template": TEMPLATE,
                "readers": ["app-reader"],
                # RotationArgs types strategy as required; a member takes its function's.
                "rotation": {"function": shared, "automatically_after_days": 14},
            },
        )
    password_shared = RotationFunction(
        "password-shared", {"strategy": "password", "kms_key_arn": KEY_ARN}
    )
    RotatingSecret(  # type: ignore[call-overload]
        "password-member",
        {
            "secret_name": "prod/app/member",
            "rotation": {"function": password_shared, "automatically_after_days": 30},
        },
    )
    free = SecureParameter(
        "free", {"parameter_name": "/app/config", "value": pulumi.Output.secret("v1")}
    )
    free.grant_read(reader)
    SecureParameter(
        "advanced",
        {
            "parameter_name": "/app/advanced",
            "value": pulumi.Output.secret("v2"),
            "description": "expiring",
            "create_kms_key": True,
            "key_administrators": [ADMIN],
            "expires_at": "2030-01-01T00:00:00Z",
            "notify_before_expiry": "15 days",
            "notify_if_unchanged_for": "90 days",
            "readers": ["app-reader"],
            "tags": {"team": "platform"},
        },
    )
    SecureParameter(
        "given-topic",
        {
            "parameter_name": "/app/given-topic",
            "value": pulumi.Output.secret("v3"),
            "kms_key_arn": KEY_ARN,
            "notify_if_unchanged_for": "30 days",
            "notification_topic_arn": TOPIC_ARN,
            "write_only": True,
            "value_version": 3,
        },
    )
    SecureParameter(
        "rotated",
        {
            "parameter_name": "/app/rotated",
            "value": pulumi.Output.secret("v4"),
            "tier": "Advanced",
            "rotation": {
                "schedule_expression": "rate(7 days)",
                "password_policy": {"length": 24},
                "log_retention_days": 7,
            },
        },
    )
    replicated = CrossRegionReplicatedSecret(
        "replicated",
        {
            "secret_name": "prod/shared/token",
            "secret_template": {"client": "secretkit"},
            "readers": ["app-reader"],
            "replica_regions": [
                "us-west-2",
                {"region": "eu-west-1", "kms_key_arn": REPLICA_KEY_ARN},
            ],
        },
    )
    replicated.grant_read(reader)
    RotatingSecret(
        "replicated-rotating",
        {
            "secret_name": "prod/shared/rotating",
            "rotation": {"strategy": "password", "automatically_after_days": 30},
        },
    )
    ProxiedParameterPolicy("proxy-component", {"secret": generic, "roles": [reader, "app-reader"]})
    ProxiedParameterPolicy("proxy-replicated", {"secret": replicated, "roles": ["app-reader"]})
    ProxiedParameterPolicy(
        "proxy-by-name",
        {"secret_name": "prod/legacy/db", "kms_key_arn": KEY_ARN, "roles": ["app-reader"]},
    )
    ProxiedParameterPolicy(
        "proxy-managed-key", {"secret_name": "prod/legacy/plain", "roles": ["app-reader"]}
    )
    flags = DynamicParameter(
        "flags",
        {
            "application_name": "checkout",
            "environment_name": "prod",
            "profile_name": "tunables",
            "content": {"max_items": 50, "new_flow": False},
            "json_schema": {"type": "object", "required": ["max_items"]},
            "deployment_strategy": {
                "deployment_duration_in_minutes": 10,
                "growth_factor": 20,
                "final_bake_time_in_minutes": 5,
            },
            "rollback_alarm_arns": [ALARM_ARN],
            "readers": ["app-reader"],
            "description": "checkout tunables",
            "tags": {"team": "platform"},
        },
    )
    flags.grant_read(reader)
    DynamicParameter(
        "feature-flags",
        {
            "application_id": "abc1234",
            "environment_name": "prod",
            "profile_name": "flags",
            "profile_type": "AWS.AppConfig.FeatureFlags",
            "content": {
                "version": "1",
                "flags": {"dark_mode": {"name": "Dark mode"}},
                "values": {"dark_mode": {"enabled": True}},
            },
            "deployment_strategy": "AppConfig.Linear20PercentEvery6Minutes",
        },
    )
