"""CloudWatch Logs log groups in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import Account, Record, ResourceType


def _create_log_group(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    group = autoname(name, p)
    logs = aws.client("logs", region)
    logs.create_log_group(logGroupName=group, tags=p.get("tags") or {})
    if p.get("retentionInDays"):
        logs.put_retention_policy(logGroupName=group, retentionInDays=int(p["retentionInDays"]))
    arn = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]["arn"]
    # pulumi-aws drops the ':*' the API appends (it denotes the group's streams).
    return group, {"name": group, "arn": arn.removesuffix(":*")}


def _update_log_group(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    logs = aws.client("logs", region)
    if p.get("retentionInDays"):
        logs.put_retention_policy(logGroupName=old.id, retentionInDays=int(p["retentionInDays"]))
    else:
        logs.delete_retention_policy(logGroupName=old.id)
    return {}


def _delete_log_group(aws: Account, record: Record) -> None:
    aws.client("logs", record.region).delete_log_group(logGroupName=record.id)


TYPES = (
    ResourceType(
        "aws:cloudwatch/logGroup:LogGroup",
        create=_create_log_group,
        update=_update_log_group,
        replace_on=frozenset({"name", "namePrefix", "region"}),
        delete=_delete_log_group,
    ),
)
