"""CloudWatch metric alarms in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import Account, Record, ResourceType, tags

ALARM_FIELDS = {
    "alarmDescription": "AlarmDescription",
    "namespace": "Namespace",
    "metricName": "MetricName",
    "statistic": "Statistic",
    "period": "Period",
    "evaluationPeriods": "EvaluationPeriods",
    "threshold": "Threshold",
    "comparisonOperator": "ComparisonOperator",
    "treatMissingData": "TreatMissingData",
    "alarmActions": "AlarmActions",
}


#: Pulumi sends every number as a float; these API fields take integers.
INTEGER_FIELDS = ("Period", "EvaluationPeriods")


def _put_alarm(aws: Account, alarm: str, p: dict[str, Any], region: str) -> str:
    request: dict[str, Any] = {
        "AlarmName": alarm,
        **{api: p[source] for source, api in ALARM_FIELDS.items() if p.get(source) is not None},
        "Dimensions": [{"Name": k, "Value": v} for k, v in (p.get("dimensions") or {}).items()],
    }
    for field in INTEGER_FIELDS:
        if field in request:
            request[field] = int(request[field])
    client = aws.client("cloudwatch", region)
    client.put_metric_alarm(**request, **({"Tags": tags(p)} if p.get("tags") else {}))
    described = client.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]
    return str(described["AlarmArn"])


def _create_alarm(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    alarm = autoname(name, p)
    return alarm, {"name": alarm, "arn": _put_alarm(aws, alarm, p, region)}


def _update_alarm(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    _put_alarm(aws, old.id, p, region)  # PutMetricAlarm replaces the alarm's settings
    return {}


def _delete_alarm(aws: Account, record: Record) -> None:
    aws.client("cloudwatch", record.region).delete_alarms(AlarmNames=[record.id])


TYPES = (
    ResourceType(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        create=_create_alarm,
        update=_update_alarm,
        replace_on=frozenset({"name", "region"}),
        delete=_delete_alarm,
    ),
)
