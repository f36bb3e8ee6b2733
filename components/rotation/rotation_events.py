"""The events Secrets Manager sends EventBridge about a rotation, and the pattern matching them.

Secrets Manager records a rotation's outcome in CloudTrail as a service event (not an API call),
which EventBridge receives on the account's default bus with the detail-type CloudTrail service
events carry and the secret's ARN in ``detail.additionalEventData.SecretId`` (the event as AWS
delivers it is quoted in tests/components/test_rotation_alarms.py, with its sources):

- https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html
  ("Log entries for rotation": RotationAbandoned, RotationFailed, RotationSucceeded, ...)
- https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-eventbridge.html
  (patterns on "source": ["aws.secretsmanager"] and detail.eventSource)
- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html
  ("For these events, the eventType field is AwsServiceEvent")
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from secretkit.components import limits

if TYPE_CHECKING:  # the rotation emulator (and so the CLI) imports this module without Pulumi
    import pulumi

SOURCE = "aws.secretsmanager"
EVENT_SOURCE = "secretsmanager.amazonaws.com"
#: The detail-type EventBridge gives CloudTrail's service events (API calls have
#: "AWS API Call via CloudTrail").
DETAIL_TYPE = "AWS Service Event via CloudTrail"
FAILED = "RotationFailed"
ABANDONED = "RotationAbandoned"
SUCCEEDED = "RotationSucceeded"
#: What always alarms: the rotation failed (a step kept failing), or was abandoned (a new
#: version was written while AWSPENDING was attached; Secrets Manager removed AWSPENDING).
ALARMING = (FAILED, ABANDONED)


def event_names(rotation_succeeded: bool) -> list[str]:
    """The eventName values the rule matches."""
    return [*ALARMING, SUCCEEDED] if rotation_succeeded else list(ALARMING)


def event_pattern(
    secret_arns: Sequence[pulumi.Input[str]], rotation_succeeded: bool = False
) -> dict[str, Any]:
    """Matches the rotation events of exactly these secrets (their full ARNs)."""
    return {
        "source": [SOURCE],
        "detail-type": [DETAIL_TYPE],
        "detail": {
            "eventSource": [EVENT_SOURCE],
            "eventName": event_names(rotation_succeeded),
            "additionalEventData": {"SecretId": list(secret_arns)},
        },
    }


def rule_description(what: str) -> str:
    """The rule's description, naming the secret (or component) ``what``; cut with a digest
    when over EventBridge's 512 characters (limits.shorten)."""
    return limits.shorten(
        limits.EVENT_RULE_DESCRIPTION, "Rotation failures of ", what, " (secretkit)"
    )


def alarm_description(what: str) -> str:
    """The CloudWatch alarm's description, naming the function's component ``what``."""
    return limits.shorten(
        limits.ALARM_DESCRIPTION, "Errors of the rotation function of ", what, " (secretkit)"
    )


def rotation_event(
    secret_arn: str,
    event_name: str,
    *,
    account: str,
    region: str,
    error_message: str | None = None,
) -> dict[str, Any]:
    """The event Secrets Manager sends EventBridge for ``event_name`` on ``secret_arn``, in the
    shape EventBridge delivers to a target (for the embedded AWS, which has no CloudTrail)."""
    detail: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": {"accountId": account, "invokedBy": EVENT_SOURCE},
        "eventSource": EVENT_SOURCE,
        "eventName": event_name,
        "awsRegion": region,
        "sourceIPAddress": EVENT_SOURCE,
        "userAgent": EVENT_SOURCE,
        "requestParameters": None,
        "responseElements": None,
        "additionalEventData": {"SecretId": secret_arn},
        "readOnly": False,
        "eventType": "AwsServiceEvent",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if error_message is not None:
        detail["errorMessage"] = error_message
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": DETAIL_TYPE,
        "source": SOURCE,
        "account": account,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [],
        "detail": detail,
    }
