"""The role AppConfig assumes to watch a DynamicParameter's rollback alarms: its trust and its
policy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from secretkit.components.iam.documents import document, statement

#: What AppConfig does with the rollback role: read the state of the alarms it watches.
ALARM_READ_ACTIONS = ("cloudwatch:DescribeAlarms",)
#: The service principal that assumes the rollback role.
APPCONFIG_PRINCIPAL = "appconfig.amazonaws.com"


def rollback_trust_policy(account_id: pulumi.Input[str]) -> dict[str, Any]:
    """The rollback role's trust policy: AppConfig may assume it, only on behalf of the
    deploying account (aws:SourceAccount, against the confused deputy)."""
    return document(
        {
            "Sid": "AppConfigAssumesForRollback",
            "Effect": "Allow",
            "Principal": {"Service": APPCONFIG_PRINCIPAL},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        }
    )


def rollback_alarms_policy(alarm_arns: Sequence[pulumi.Input[str]]) -> dict[str, Any]:
    """cloudwatch:DescribeAlarms on exactly the alarms the environment watches.

    AppConfig's guide ("Configuring permissions for rollback based on CloudWatch alarms")
    writes Resource "*"; DescribeAlarms has the resource type ``alarm`` in CloudWatch's
    Service Authorization Reference, so the grant names the alarms instead.
    """
    return document(statement("DescribeRollbackAlarms", ALARM_READ_ACTIONS, list(alarm_arns)))
