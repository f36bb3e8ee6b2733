"""secretkit's Pulumi dynamic resources (parameter policies) in the embedded AWS: their own
provider's create, update and delete, as the dynamic provider host runs them (boto3 inside
them reaches moto too)."""

from __future__ import annotations

import base64
from typing import Any

from secretkit.embedded.resource_types.base import Account, Record, ResourceType


def _provider(inputs: dict[str, Any]) -> Any:
    """The resource's provider, deserialized from its ``__provider`` input."""
    import dill  # noqa: PLC0415 - Pulumi's own serializer for dynamic providers

    return dill.loads(base64.b64decode(inputs["__provider"]))  # noqa: S301 - our own program's


def _properties(p: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k != "__provider"}


def _create(aws: Account, name: str, p: dict[str, Any], region: str) -> tuple[str, dict[str, Any]]:
    result = _provider(p).create(_properties(p))
    return str(result.id), dict(result.outs or {})


def _update(aws: Account, old: Record, p: dict[str, Any], region: str) -> dict[str, Any]:
    return dict(_provider(p).update(old.id, old.outputs, _properties(p)).outs or {})


def _delete(aws: Account, record: Record) -> None:
    _provider(record.inputs).delete(record.id, record.outputs)


TYPES = (
    ResourceType(
        "pulumi-python:dynamic/secretkit:ParameterPolicies",
        create=_create,
        update=_update,
        replace_on=frozenset({"parameter_name", "region"}),
        delete=_delete,
    ),
)
