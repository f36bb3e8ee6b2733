"""The `parameter_store` strategy: an EventBridge schedule invokes this function, which writes a
new value to one SecureString parameter with Overwrite (the previous value stays readable as
the previous parameter version)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from rotation_handlers.password import new_password_value
from rotation_handlers.protocol import SecretValues, default_client, logger, safe_failure


class ParameterRotationError(Exception):
    """The parameter could not be rotated; the message names the parameter, never a value."""


class ParameterRotation:
    """How a parameter's new value is made. Subclass and override ``generate`` to mint, say, an
    API key at an external service; the default is a new password (JSON 'password' key kept in
    place, other keys preserved)."""

    def generate(self, current: str, environ: Mapping[str, str]) -> str:
        """The new value, derived from the current one (``environ``: the function's settings)."""
        return new_password_value(current, environ)


def _scheduled_time(event: Mapping[str, Any]) -> datetime | None:
    """The schedule's time for EventBridge scheduled events; None for manual invocations."""
    raw = event.get("time")
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None


def rotate_parameter(
    event: Mapping[str, Any],
    client: Any,
    rotation: ParameterRotation,
    environ: Mapping[str, str],
    seen: SecretValues,
) -> int | None:
    """Write a new value; returns the new parameter version, or None if this scheduled event was
    already handled (EventBridge delivers at least once, so a duplicate must not rotate twice).

    Two SSM calls: GetParameter (decrypted current value and its LastModifiedDate), PutParameter.
    Key, tier and description are passed explicitly: an overwrite without KeyId would silently
    re-encrypt with aws/ssm.
    """
    name = environ["PARAMETER_NAME"]
    current = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    seen.add(current["Value"])
    scheduled = _scheduled_time(event)
    modified = current.get("LastModifiedDate")
    if scheduled is not None and isinstance(modified, datetime):
        if modified.tzinfo is None:
            modified = modified.replace(tzinfo=UTC)
        if modified >= scheduled:
            logger.info(
                "parameter %s already rotated at %s for the run scheduled at %s; nothing to do",
                name,
                modified.isoformat(),
                scheduled.isoformat(),
            )
            return None
    new_value = rotation.generate(current["Value"], environ)
    seen.add(new_value)
    request: dict[str, Any] = {
        "Name": name,
        "Value": new_value,
        "Type": "SecureString",
        "Overwrite": True,
    }
    for key, variable in (("KeyId", "KEY_ID"), ("Tier", "TIER"), ("Description", "DESCRIPTION")):
        if environ.get(variable):
            request[key] = environ[variable]
    version = int(client.put_parameter(**request)["Version"])
    logger.info("parameter %s rotated to version %d", name, version)
    return version


def run(
    rotation: ParameterRotation,
    event: Any,
    client: Any | None = None,
    environ: Mapping[str, str] | None = None,
) -> int | None:
    """One scheduled rotation; failures are logged and re-raised without values."""
    env = os.environ if environ is None else environ
    name = env.get("PARAMETER_NAME", "<PARAMETER_NAME unset>")
    failure: str | None = None
    result: int | None = None
    seen = SecretValues()
    try:
        if not isinstance(event, Mapping):
            raise ParameterRotationError(f"the event must be a JSON object, got {type(event)}")
        if "PARAMETER_NAME" not in env:
            raise ParameterRotationError("PARAMETER_NAME is not set in the function's environment")
        result = rotate_parameter(event, client or default_client("ssm"), rotation, env, seen)
    except Exception as error:
        if isinstance(error, ParameterRotationError):
            failure = seen.scrub(str(error))
        else:
            failure = safe_failure(error, seen)
    if failure is not None:
        logger.error("rotation of parameter %s failed: %s", name, failure)
        raise ParameterRotationError(f"rotation of parameter {name} failed: {failure}")
    return result


def handler_for(rotation: ParameterRotation) -> Callable[[Any, Any], int | None]:
    """A Lambda entry point rotating the parameter named by PARAMETER_NAME."""

    def lambda_handler(event: Any, context: Any) -> int | None:
        return run(rotation, event)

    return lambda_handler


lambda_handler = handler_for(ParameterRotation())
