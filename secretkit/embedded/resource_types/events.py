"""EventBridge rules and their targets in the embedded AWS."""

from __future__ import annotations

from typing import Any

from secretkit.embedded.mocks import autoname
from secretkit.embedded.resource_types.base import Account, Record, ResourceType, given

RULE_FIELDS = {
    "eventPattern": "EventPattern",
    "scheduleExpression": "ScheduleExpression",
    "description": "Description",
}


def _create_rule(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    request: dict[str, Any] = {
        "Name": autoname(name, p),
        "State": "ENABLED",
        **given(p, RULE_FIELDS),
    }
    arn = aws.client("events", region).put_rule(**request)["RuleArn"]
    return request["Name"], {"name": request["Name"], "arn": arn}


def _update_rule(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    _create_rule(aws, old.name, {**p, "name": old.id}, region)  # PutRule updates in place
    return {}


def _delete_rule(aws: Account, record: Record) -> None:
    # The embedded AWS replaces a resource delete-first, so a replaced rule (a new name prefix)
    # may still have the target Pulumi would have moved and deleted first: remove it here, as
    # DeleteRule refuses a rule with targets.
    events = aws.client("events", record.region)
    targets = events.list_targets_by_rule(Rule=record.id)["Targets"]
    if targets:
        events.remove_targets(Rule=record.id, Ids=[target["Id"] for target in targets])
    events.delete_rule(Name=record.id)


def _put_target(aws: Account, p: dict[str, Any], region: str, target_id: str) -> None:
    aws.client("events", region).put_targets(
        Rule=p["rule"], Targets=[{"Id": target_id, "Arn": p["arn"]}]
    )


def _create_target(
    aws: Account, name: str, p: dict[str, Any], region: str
) -> tuple[str, dict[str, Any]]:
    target_id = p.get("targetId") or autoname(name, p, "targetId")
    _put_target(aws, p, region, target_id)
    return f"{p['rule']}-{target_id}", {"targetId": target_id}


def _update_target(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    _put_target(aws, p, region, old.outputs["targetId"])
    return {}


def _delete_target(aws: Account, record: Record) -> None:
    aws.client("events", record.region).remove_targets(
        Rule=record.inputs["rule"], Ids=[record.outputs["targetId"]]
    )


TYPES = (
    ResourceType(
        "aws:cloudwatch/eventRule:EventRule",
        create=_create_rule,
        update=_update_rule,
        replace_on=frozenset({"name", "namePrefix", "region"}),
        delete=_delete_rule,
    ),
    ResourceType(
        "aws:cloudwatch/eventTarget:EventTarget",
        create=_create_target,
        update=_update_target,
        replace_on=frozenset({"rule", "targetId", "region"}),
        delete=_delete_target,
    ),
)
