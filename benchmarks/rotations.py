"""One full rotation, timed, with the AWS API calls the handler made (not the emulator's)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from rotation_handlers import parameter_store
from rotation_handlers.protocol import Strategy, run_step
from secretkit.embedded.rotation_emulator import emulate_rotation

StepRunner = Callable[[dict[str, str], Any], None]


@dataclass(frozen=True)
class RotationSample:
    """Wall time of one full rotation and the operations the handler sent, in order."""

    seconds: float
    calls: tuple[str, ...]


class Rotatable(Protocol):
    """Something one full rotation can be run on, again and again."""

    service: str
    """The AWS service whose calls are counted: 'secretsmanager' or 'ssm'."""

    def rotate(self) -> RotationSample: ...


@contextmanager
def recording(client: Any, event_prefix: str, calls: list[str]) -> Iterator[None]:
    """Append the name of every operation ``client`` sends to ``calls`` within the block."""

    def hook(model: Any, **_: Any) -> None:
        calls.append(model.name)

    event = f"before-call.{event_prefix}"
    client.meta.events.register(event, hook)
    try:
        yield
    finally:
        client.meta.events.unregister(event, hook)


def strategy_step(strategy: Strategy) -> StepRunner:
    """The handler's work for one step, as Lambda would run it (the protocol around it)."""

    def step(event: dict[str, str], client: Any) -> None:
        run_step(strategy, event, client=client)

    return step


@dataclass
class SecretRotation:
    """A Secrets Manager secret rotated with AWS's orchestration emulated: the valueless
    AWSPENDING placeholder first, then the four steps with one token. A failed step is not
    retried: it stops the benchmark."""

    client: Any
    arn: str
    step: StepRunner
    service: str = "secretsmanager"

    def rotate(self) -> RotationSample:
        calls: list[str] = []

        def counted(event: dict[str, str], client: Any) -> None:
            with recording(client, "secrets-manager", calls):
                self.step(event, client)

        start = time.perf_counter()
        emulate_rotation(self.client, self.arn, counted, max_attempts=1, first_delay=0)
        return RotationSample(time.perf_counter() - start, tuple(calls))


@dataclass
class ParameterRotation:
    """A SecureString rotated the way its EventBridge schedule invokes the function."""

    client: Any
    environ: dict[str, str]
    service: str = "ssm"

    def rotate(self) -> RotationSample:
        calls: list[str] = []
        event = scheduled_event(datetime.now(UTC))
        start = time.perf_counter()
        with recording(self.client, "ssm", calls):
            version = parameter_store.run(
                parameter_store.ParameterRotation(), event, self.client, self.environ
            )
        seconds = time.perf_counter() - start
        if version is None:
            raise RuntimeError(f"{self.environ['PARAMETER_NAME']} was not rotated")
        return RotationSample(seconds, tuple(calls))


def scheduled_event(when: datetime) -> dict[str, Any]:
    """An EventBridge scheduled event for ``when``, as delivered to the function (stamped to
    the microsecond, so back-to-back rotations are not taken for duplicate deliveries)."""
    return {
        "version": "0",
        "id": "00000000-0000-4000-8000-000000000000",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/bench-rotation-schedule"],
        "detail": {},
    }
