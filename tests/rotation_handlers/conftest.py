"""Helpers to drive rotations the way Secrets Manager does, on moto."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rotation_handlers.password import PasswordStrategy
from rotation_handlers.protocol import Strategy, run_step
from secretkit.embedded.moto_fidelity import enable_rotation
from secretkit.embedded.rotation_emulator import EmulatedRotation, emulate_rotation

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:rotator"


def make_secret(sm: Any, value: str, name: str = "app/password", rotation: bool = True) -> str:
    arn: str = sm.create_secret(Name=name, SecretString=value)["ARN"]
    if rotation:
        enable_rotation(arn, LAMBDA_ARN)
    return arn


def stages(sm: Any, arn: str) -> dict[str, list[str]]:
    versions: dict[str, list[str]] = sm.describe_secret(SecretId=arn)["VersionIdsToStages"]
    return versions


def value_at(sm: Any, arn: str, stage: str) -> str:
    text: str = sm.get_secret_value(SecretId=arn, VersionStage=stage)["SecretString"]
    return text


def runner(strategy: Strategy | None = None) -> Callable[[dict[str, str], Any], None]:
    chosen = strategy or PasswordStrategy()

    def run(event: dict[str, str], client: Any) -> None:
        run_step(chosen, event, client=client)

    return run


def rotate(sm: Any, arn: str, strategy: Strategy | None = None, **options: Any) -> EmulatedRotation:
    options.setdefault("first_delay", 0)
    return emulate_rotation(sm, arn, runner(strategy), **options)


def json_value(sm: Any, arn: str, stage: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(value_at(sm, arn, stage))
    return document


def count_calls(sm: Any, arn: str, run: Any) -> list[str]:
    """Secrets Manager calls the handler makes over one full rotation (not the emulator's)."""
    calls: list[str] = []

    def counted(event: dict[str, str], client: Any) -> None:
        def hook(model: Any, **_: Any) -> None:
            calls.append(model.name)

        client.meta.events.register("before-call.secrets-manager.*", hook)
        try:
            run(event, client)
        finally:
            client.meta.events.unregister("before-call.secrets-manager.*", hook)

    assert emulate_rotation(sm, arn, counted, first_delay=0).succeeded
    return calls
