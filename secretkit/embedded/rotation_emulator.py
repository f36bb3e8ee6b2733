"""Secrets Manager's rotation orchestration, emulated in-process for running handlers locally.

AWS's RotateSecret first attaches AWSPENDING to a new version id (the ClientRequestToken) that
has no value yet, then invokes the function once per step, retrying a failed step with backoff
and the same token. No public API creates a version without a value, so the emulator shows
the handler's client that placeholder (in DescribeSecret, and as ResourceNotFound in
GetSecretValue) until the handler's PutSecretValue stores the real version. Everything else
goes to the configured endpoint (moto or AWS) unchanged.

Secrets Manager also reports the outcome to EventBridge as a CloudTrail service event
(RotationFailed once a step kept failing, RotationSucceeded): moto emits none, so the emulator
builds the event in AWS's shape (components/rotation/rotation_events.py) and hands it to
``emit`` (event_bus.put_service_event routes it to the rules' SNS topics). RotationAbandoned
(a new version written while AWSPENDING is attached) is not emulated.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from rotation_handlers.protocol import PENDING, STEPS
from secretkit.components.rotation.rotation_events import FAILED, SUCCEEDED, rotation_event

EVENT_PREFIX = "secrets-manager"


class PendingPlaceholder:
    """Makes one client (or every client a boto3 session creates) see AWS's valueless
    AWSPENDING version for ``token`` of one secret."""

    def __init__(self, client: Any, secret_arn: str, secret_name: str, token: str) -> None:
        # A client has meta.events; a boto3 Session has events (its clients inherit them).
        self.events = client.meta.events if hasattr(client, "meta") else client.events
        self.identifiers = {secret_arn, secret_name}
        self.token = token
        self.resolved = False
        self._handlers: list[tuple[str, Callable[..., Any]]] = [
            (f"after-call.{EVENT_PREFIX}.DescribeSecret", self._after_describe),
            (f"before-call.{EVENT_PREFIX}.GetSecretValue", self._before_get),
            (f"after-call.{EVENT_PREFIX}.PutSecretValue", self._after_put),
        ]

    def __enter__(self) -> PendingPlaceholder:
        for event, handler in self._handlers:
            self.events.register(event, handler)
        return self

    def __exit__(self, *_: object) -> None:
        for event, handler in self._handlers:
            self.events.unregister(event, handler)

    def _ours(self, params: Mapping[str, Any]) -> bool:
        return params.get("SecretId") in self.identifiers

    def _after_describe(self, parsed: dict[str, Any], model: Any, **kwargs: Any) -> None:
        if self.resolved or "VersionIdsToStages" not in parsed:
            return
        if parsed.get("ARN") not in self.identifiers and parsed.get("Name") not in self.identifiers:
            return
        if self.token in parsed["VersionIdsToStages"]:
            self.resolved = True  # a real version holds the token now (or did already)
            return
        versions = {
            version: [stage for stage in stages if stage != PENDING]
            for version, stages in parsed["VersionIdsToStages"].items()
        }
        versions[self.token] = [PENDING]
        parsed["VersionIdsToStages"] = versions

    def _before_get(self, params: dict[str, Any], model: Any, **kwargs: Any) -> None:
        if self.resolved or not self._ours(params):
            return
        if params.get("VersionId") == self.token or params.get("VersionStage") == PENDING:
            raise ClientError(
                {
                    "Error": {
                        "Code": "ResourceNotFoundException",
                        "Message": "Secrets Manager can't find the specified secret value for "
                        f"VersionId: {self.token}",
                    }
                },
                "GetSecretValue",
            )

    def _after_put(self, parsed: dict[str, Any], model: Any, **kwargs: Any) -> None:
        if parsed.get("VersionId") == self.token:
            self.resolved = True


@dataclass
class StepAttempt:
    """One invocation of the function for one step."""

    step: str
    attempt: int
    error: str | None = None


@dataclass
class EmulatedRotation:
    """What happened: the token and every step attempt in order."""

    secret_arn: str
    token: str
    attempts: list[StepAttempt] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return (
            bool(self.attempts)
            and self.attempts[-1].step == STEPS[-1]
            and (self.attempts[-1].error is None)
        )


class RotationFailed(RuntimeError):
    """A step kept failing after every retry (Secrets Manager would give up too)."""

    def __init__(self, rotation: EmulatedRotation, step: str, error: str) -> None:
        tries = len([a for a in rotation.attempts if a.step == step])
        # Refused before any step ran (rotation not configured): say why, not "failed 0 times".
        super().__init__(f"{step} failed {tries} time(s); last error: {error}" if tries else error)
        self.rotation = rotation
        self.step = step


StepRunner = Callable[[dict[str, str], Any], None]


def emulate_rotation(
    client: Any,
    secret_id: str,
    run: StepRunner,
    *,
    token: str | None = None,
    max_attempts: int = 5,
    first_delay: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    on_attempt: Callable[[StepAttempt], None] | None = None,
    handler_session: Any = None,
    emit: Callable[[dict[str, Any]], object] | None = None,
) -> EmulatedRotation:
    """Run the four steps like Secrets Manager: same token throughout, retries with backoff.

    ``run(event, client)`` invokes the handler for one step. A step that raises is retried up
    to ``max_attempts`` times, waiting ``first_delay`` seconds and doubling each time. The
    placeholder is shown to ``client``, or to every client of ``handler_session`` (a boto3
    Session the handler builds its own clients from). ``emit`` receives the outcome's
    EventBridge event (RotationFailed, RotationSucceeded) as AWS delivers it.
    """
    described = client.describe_secret(SecretId=secret_id)
    if not described.get("RotationEnabled"):
        raise RotationFailed(
            EmulatedRotation(described["ARN"], token or ""),
            "RotateSecret",
            f"rotation is not configured for {described['ARN']}",
        )
    rotation = EmulatedRotation(described["ARN"], token or str(uuid.uuid4()))
    viewer = handler_session if handler_session is not None else client
    with PendingPlaceholder(viewer, described["ARN"], described["Name"], rotation.token):
        for step in STEPS:
            event = {
                "SecretId": rotation.secret_arn,
                "ClientRequestToken": rotation.token,
                "Step": step,
            }
            delay = first_delay
            for attempt in range(1, max_attempts + 1):
                record = StepAttempt(step, attempt)
                try:
                    run(event, client)
                except Exception as error:
                    record.error = str(error) or type(error).__name__
                rotation.attempts.append(record)
                if on_attempt is not None:
                    on_attempt(record)
                if record.error is None:
                    break
                if attempt == max_attempts:
                    if emit is not None:
                        emit(outcome_event(rotation.secret_arn, FAILED, step, record.error))
                    raise RotationFailed(rotation, step, record.error)
                sleep(delay)
                delay *= 2
    if emit is not None:
        emit(outcome_event(rotation.secret_arn, SUCCEEDED))
    return rotation


def outcome_event(
    secret_arn: str, event_name: str, step: str | None = None, error: str | None = None
) -> dict[str, Any]:
    """The EventBridge event Secrets Manager sends for a rotation's outcome on ``secret_arn``
    (the error message names the step, as AWS's does, never the handler's exception text,
    which may quote a value)."""
    _, _, _, region, account, _ = secret_arn.split(":", 5)
    message = f"Error when executing the rotation function during {step} step" if step else None
    return rotation_event(
        secret_arn, event_name, account=account, region=region, error_message=message
    )
