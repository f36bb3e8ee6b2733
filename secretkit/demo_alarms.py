"""The demo's alarm check: a rotation made to fail (its function's role loses its policy, so the
deployed handler is refused) makes Secrets Manager's RotationFailed event, which the secret's
rule routes to its alarm topic; a queue subscribed to the topic receives it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from secretkit.embedded.mocks import Registration
from secretkit.program import ProgramRun

RULE = "aws:cloudwatch/eventRule:EventRule"
TOPIC = "aws:sns/topic:Topic"
FUNCTION = "aws:lambda/function:Function"


def children(run: ProgramRun, parent: Registration, type_: str) -> list[Registration]:
    """The registrations of ``type_`` whose parent is ``parent``."""
    return [r for r in run.registrations if r.parent == parent.urn and r.type == type_]


@contextmanager
def role_without_policies(role_name: str, region: str) -> Iterator[None]:
    """The role's inline policies removed, then put back as they were."""
    import boto3  # noqa: PLC0415

    iam = boto3.client("iam", region_name=region)
    names = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    saved = {
        name: iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
        for name in names
    }
    for name in names:
        iam.delete_role_policy(RoleName=role_name, PolicyName=name)
    try:
        yield
    finally:
        for name, document in saved.items():
            iam.put_role_policy(
                RoleName=role_name, PolicyName=name, PolicyDocument=json.dumps(document)
            )


def subscribed_queue(topic_arn: str, region: str) -> str:
    """A new SQS queue subscribed to the topic; its URL."""
    import boto3  # noqa: PLC0415

    sqs = boto3.client("sqs", region_name=region)
    url: str = sqs.create_queue(QueueName="secretkit-demo-alarms")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    boto3.client("sns", region_name=region).subscribe(
        TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn["QueueArn"]
    )
    return url


def received_events(url: str, region: str) -> list[dict[str, Any]]:
    """The EventBridge events the queue received through SNS (each SNS message's Message)."""
    import boto3  # noqa: PLC0415

    sqs = boto3.client("sqs", region_name=region)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(json.loads(m["Body"])["Message"]) for m in messages]


def alarmed_secret(run: ProgramRun) -> tuple[Registration, ...] | None:
    """The first RotatingSecret with a function, a rule and a topic of its own: (the component,
    its secret, function, rule, topic)."""
    for component in run.registrations:
        if component.type != "secretkit:index:RotatingSecret":
            continue
        found = [
            children(run, component, type_)
            for type_ in ("aws:secretsmanager/secret:Secret", FUNCTION, RULE, TOPIC)
        ]
        if all(found):
            return (component, *(registrations[0] for registrations in found))
    return None


def alarm_on_failed_rotation(
    run: ProgramRun,
    region: str,
    progress: Callable[[str], None],
    rotate: Callable[..., Any],
) -> list[tuple[str, bool, str]]:
    """For the first RotatingSecret with alarms on a topic of its own: rotate it with its role
    stripped of its policies (``rotate``: demo.rotate_one, which emits the outcome's event),
    and check its RotationFailed event reached the topic. Returns (label, ok, detail)."""
    from secretkit.embedded.event_bus import Delivery, put_service_event  # noqa: PLC0415

    found = alarmed_secret(run)
    if found is None:
        return []
    component, secret, function, rule, topic = found
    secret_arn, topic_arn = str(secret.state["arn"]), str(topic.state["arn"])
    role_name = str(function.plain_inputs["role"]).rsplit("/", 1)[-1]
    url = subscribed_queue(topic_arn, region)
    deliveries: list[Delivery] = []
    progress(f"  rotating {component.name} with its role's policies removed")
    with role_without_policies(role_name, region):
        failed = rotate(
            f"{component.name} (made to fail)",
            secret_arn,
            str(function.state["name"]),
            region,
            progress,
            log_group=(function.plain_inputs.get("loggingConfig") or {}).get("logGroup"),
            emit=lambda event: deliveries.extend(put_service_event(event)),
        )
    reached = [
        event
        for event in received_events(url, region)
        if event["detail"]["eventName"] == "RotationFailed"
        and event["detail"]["additionalEventData"]["SecretId"] == secret_arn
    ]
    ok = not failed.ok and bool(reached) and all(d.published for d in deliveries)
    topic_name = topic_arn.rsplit(":", 1)[-1]
    detail = (
        f"RotationFailed ({reached[0]['detail'].get('errorMessage', '')}) reached topic "
        f"{topic_name} through rule {rule.state['name']}"
        if reached
        else f"no RotationFailed event reached topic {topic_name} ({len(deliveries)} routed)"
    )
    return [(f"alarm on {component.name}'s failed rotation", ok, detail)]
